//! Last-write-wins (§5.2): the CLK-2 reference timelines, client memory, LWW-CausalLoss, convergence.

use super::Lww;
use crate::presets;
use crate::run::run_scenario;
use crate::scenario::Scenario;
use crate::sim::Simulation;
use serde_json::{json, Value};

fn preset(id: &str) -> Scenario {
    presets::by_id(id).cloned().unwrap_or_else(|| panic!("no preset {id}"))
}

fn lww(mode: &str, clocks: Value, schedule: Value, faults: Value, until: u64) -> Scenario {
    Scenario::from_value(&json!({
        "format": 1, "id": "t", "protocol": "lww", "nodes": ["n1", "n2", "n3"],
        "params": { "tsMode": mode }, "clocks": clocks,
        "schedule": schedule, "faults": faults, "runUntil": until
    }))
    .unwrap()
}

fn write(at: u64, client: &str, node: &str, value: Value) -> Value {
    json!({ "at": at, "write": { "client": client, "node": node, "key": "x", "value": value } })
}

fn read(at: u64, client: &str, node: &str) -> Value {
    json!({ "at": at, "read": { "client": client, "node": node, "key": "x" } })
}

fn invariants(r: &Value) -> Vec<&str> {
    r["violations"].as_array().unwrap().iter().map(|v| v["invariant"].as_str().unwrap()).collect()
}

/// §8 CLK-2, physical: n1 stamps B's write below n3's, discards it, still says OK, replicates it anyway; the
/// causal loss happens at n1 (t=160) and again at n2 and n3 (t=170).
#[test]
fn clk2_physical_loses_the_causally_later_write_at_every_replica() {
    let mut sim = Simulation::<Lww>::new(&preset("CLK-2")).unwrap();
    sim.run_to_end();
    let at: Vec<(u64, Option<usize>)> =
        sim.violations().iter().filter(|v| v.invariant == "LWW-CausalLoss").map(|v| (v.at, v.node)).collect();
    assert_eq!(at, vec![(160, Some(0)), (170, Some(1)), (170, Some(2))]);
    let r = sim.report();
    assert_eq!(
        r["app"]["writes"][1],
        json!({ "client": "B", "node": "n1", "at": 160, "value": 2, "key": "x", "ts": [10160, "n1"], "discarded": true })
    );
    assert_eq!(r["app"]["reads"][0]["ts"], json!([10600, "n3"]));
    assert_eq!(
        r["liveness"][0],
        json!({ "property": "LWW-Convergence", "holds": true, "detail": "every replica holds x=1 (10600,n3)" })
    );
}

/// §8 CLK-2, lamport: n1 and n2 reach L=2 on REPL, B's write is (3,n1), then n2 and n3 reach L=4.
#[test]
fn clk2_lamport_follows_the_reference_clock_values() {
    let mut sim = Simulation::<Lww>::new(&preset("CLK-2-lamport")).unwrap();
    sim.advance_to(111);
    let l = |sim: &Simulation<Lww>| (0..3).map(|i| sim.world().node(i).unwrap().clock()).collect::<Vec<_>>();
    assert_eq!(l(&sim), vec![2, 2, 1]);
    sim.advance_to(161);
    assert_eq!(l(&sim), vec![3, 2, 1]);
    sim.run_to_end();
    assert_eq!(l(&sim), vec![3, 4, 4]);
    assert!(sim.violations().is_empty());
}

/// §5.2: the client, not the replica, carries clientMaxTs. B reads (3,n3) at n3 and writes through n1, whose own
/// clock is still 0 (n3's REPLs are delayed): the write must still be stamped above what B saw.
#[test]
fn clients_carry_their_largest_timestamp_from_replica_to_replica() {
    let s = lww(
        "lamport",
        json!({}),
        json!([
            write(0, "A", "n3", json!(1)),
            write(1, "A", "n3", json!(2)),
            write(2, "A", "n3", json!(3)),
            read(10, "B", "n3"),
            write(20, "B", "n1", json!("B"))
        ]),
        json!([{ "delay": { "src": "n3", "dst": "n1", "extra": 500 } }]),
        1000,
    );
    let r = run_scenario(&s).unwrap();
    assert_eq!(r["app"]["writes"][3]["ts"], json!([4, "n1"]), "max(L=0, clientMaxTs 3) + 1");
    assert_eq!(r["app"]["clients"]["B"]["maxTs"], json!([4, "n1"]), "the ack carries the write's timestamp");
    for n in ["n1", "n2", "n3"] {
        assert_eq!(r["nodes"][n]["value"], "B", "{n}");
    }
    assert!(invariants(&r).is_empty(), "{}", r["violations"]);
}

/// The same schedule in physical mode with n3 ahead: B's write is stamped below what it read and lost.
#[test]
fn the_same_schedule_with_physical_timestamps_and_skew_loses_bs_write() {
    let s = lww(
        "physical",
        json!({ "n3": { "offset": 300 } }),
        json!([write(0, "A", "n3", json!(1)), read(10, "B", "n3"), write(20, "B", "n1", json!("B"))]),
        json!([]),
        200,
    );
    let r = run_scenario(&s).unwrap();
    assert_eq!(invariants(&r), vec!["LWW-CausalLoss"]);
    assert_eq!(r["nodes"]["n1"]["value"], 1);
}

/// Concurrent writes may be dropped (LWW's documented loss) without a violation: neither client saw the other.
#[test]
fn losing_a_concurrent_write_is_not_a_causality_violation() {
    let s = lww(
        "physical",
        json!({ "n1": { "offset": 100 } }),
        json!([write(0, "A", "n1", json!("A")), write(50, "B", "n2", json!("B"))]),
        json!([]),
        200,
    );
    let r = run_scenario(&s).unwrap();
    assert_eq!(r["app"]["writes"][1]["discarded"], true, "B's later write is discarded ...");
    assert!(invariants(&r).is_empty(), "... but B never saw A's: {}", r["violations"]);
}

/// The other direction of the invariant: a replica that holds the causally later write must not let an
/// earlier one with a larger timestamp overwrite it.
#[test]
fn overwriting_a_causally_later_write_is_a_violation_too() {
    let s = lww(
        "physical",
        json!({ "n3": { "offset": 500 } }),
        json!([write(100, "A", "n3", json!(1)), read(101, "B", "n3"), write(102, "B", "n2", json!(2))]),
        // n2 stores B's write before A's REPL reaches it (t=150): then A's arrives with a larger timestamp.
        json!([{ "delay": { "src": "n3", "dst": "n2", "extra": 40 } }]),
        300,
    );
    let mut sim = Simulation::<Lww>::new(&s).unwrap();
    sim.run_to_end();
    let v: Vec<(u64, &str)> = sim.violations().iter().map(|v| (v.at, v.detail.as_str())).collect();
    assert!(v.iter().any(|(at, d)| *at == 150 && d.starts_with("n2 kept A's x=1")), "{v:?}");
}

/// A client hears back only if the replica gets that far: a crash before the register is stored means no
/// acknowledgement and nothing remembered (the kernel applies client replies in effect order).
#[test]
fn a_crash_before_the_acknowledgement_leaves_the_client_uninformed() {
    let s = Scenario::from_value(&json!({
        "format": 1, "id": "t", "protocol": "lww", "nodes": ["n1", "n2"], "params": { "tsMode": "lamport" },
        "schedule": [ { "at": 0, "write": { "client": "A", "node": "n1", "key": "x", "value": 1 } } ],
        "faults": [ { "crashOn": { "node": "n1", "effect": "persist", "phase": "before", "match": { "record": "store" } } } ],
        "runUntil": 100
    }))
    .unwrap();
    let r = run_scenario(&s).unwrap();
    assert_eq!(r["app"]["acks"], json!([]));
    assert_eq!(r["app"]["clients"], json!({ "A": { "maxTs": null } }));
    assert_eq!(r["nodes"]["n1"]["up"], false);
    assert_eq!(r["nodes"]["n2"]["value"], Value::Null);
}

/// Without anti-entropy, a lost REPL leaves the replicas apart for good; convergence reports it.
#[test]
fn a_lost_replication_message_breaks_convergence() {
    let s = lww(
        "physical",
        json!({}),
        json!([write(0, "A", "n1", json!(1))]),
        json!([{ "drop": { "src": "n1", "dst": "n3", "type": "REPL" } }]),
        100,
    );
    let r = run_scenario(&s).unwrap();
    assert_eq!(r["liveness"][0]["holds"], false);
    assert_eq!(r["nodes"]["n3"]["ts"], json!([0, null]));
}

/// A duplicated REPL is the same write again: discarded, and not a loss.
#[test]
fn a_duplicated_replication_message_changes_nothing() {
    let s = lww(
        "lamport",
        json!({}),
        json!([write(0, "A", "n1", json!(1))]),
        json!([{ "duplicate": { "copies": 2, "gap": 3 } }]),
        100,
    );
    let r = run_scenario(&s).unwrap();
    assert!(invariants(&r).is_empty());
    assert_eq!(r["nodes"]["n2"]["ts"], json!([1, "n1"]));
    assert_eq!(r["nodes"]["n2"]["clock"], 4, "each copy is a receive event: 2, 3, 4");
}

/// Replicas lose nothing in a crash: registers and clocks are stable.
#[test]
fn a_replica_recovers_its_registers_and_clock() {
    let s = lww(
        "lamport",
        json!({}),
        json!([
            write(0, "A", "n1", json!(1)), { "at": 50, "crash": "n1" }, { "at": 60, "recover": "n1" },
            write(70, "C", "n1", json!(2))
        ]),
        json!([]),
        200,
    );
    let r = run_scenario(&s).unwrap();
    assert_eq!(r["app"]["writes"][1]["ts"], json!([2, "n1"]));
    assert_eq!(r["nodes"]["n3"]["value"], 2);
    assert_eq!(r["liveness"][0]["holds"], true);
}

/// What the UI draws: the registers with their timestamps, and the decisions, discarded writes included.
#[test]
fn the_view_shows_registers_and_discarded_writes() {
    let mut sim = Simulation::<Lww>::new(&preset("CLK-2")).unwrap();
    sim.run_to_end();
    let n1 = &sim.snapshot().nodes[0].proto;
    assert!(n1.fields.iter().any(|f| f.name == "registers" && f.value == "x=1 (10600,n3)" && f.durable));
    let log: Vec<&str> = n1.log.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(log, vec!["REPL x=1 (10600,n3) stored", "B: x=2 (10160,n1) DISCARDED (< (10600,n3)), acked"]);
}

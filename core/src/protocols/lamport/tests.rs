//! Lamport clocks: the CLK-1 table of protocols.md §8, crash persistence, default names, the checker.

use super::Lamport;
use crate::presets;
use crate::run::run_scenario;
use crate::scenario::Scenario;
use crate::sim::Simulation;
use serde_json::{json, Value};

fn preset(id: &str) -> Scenario {
    presets::by_id(id).cloned().unwrap_or_else(|| panic!("no preset {id}"))
}

fn scenario(v: Value) -> Scenario {
    Scenario::from_value(&v).unwrap()
}

fn invariants(r: &Value) -> Vec<String> {
    r["violations"].as_array().unwrap().iter().map(|v| v["invariant"].as_str().unwrap().to_string()).collect()
}

/// A row of the CLK-1 table: event, node, t, PC, C, V.
type Row = (&'static str, &'static str, u64, i64, u64, [u32; 3]);

/// protocols.md §8 CLK-1, every row of the table: event, node, t, PC, C, V.
#[test]
fn clk1_reproduces_the_whole_reference_table() {
    let r = run_scenario(&preset("CLK-1")).unwrap();
    let table: &[Row] = &[
        ("a", "P1", 0, 10000, 1, [1, 0, 0]),
        ("c", "P2", 5, 10505, 1, [0, 1, 0]),
        ("b", "P1", 10, 10010, 2, [2, 0, 0]),
        ("e", "P3", 12, 9712, 1, [0, 0, 1]),
        ("d", "P2", 20, 10520, 3, [2, 2, 0]),
        ("f", "P2", 25, 10525, 4, [2, 3, 0]),
        ("g", "P3", 30, 9730, 2, [0, 0, 2]),
        ("h", "P3", 35, 9735, 5, [2, 3, 3]),
        ("i", "P1", 40, 10040, 3, [3, 0, 0]),
        ("j", "P3", 45, 9745, 6, [2, 3, 4]),
        ("k", "P1", 55, 10055, 7, [4, 3, 4]),
    ];
    let mut seen = 0;
    for (node, fields) in r["nodes"].as_object().unwrap() {
        for e in fields["events"].as_array().unwrap() {
            let row = table.iter().find(|x| x.0 == e["name"]).unwrap_or_else(|| panic!("unexpected event {e}"));
            assert_eq!(row.1, node, "{e}");
            assert_eq!(e["t"], row.2, "t of {}", row.0);
            assert_eq!(e["pc"], row.3, "PC of {}", row.0);
            assert_eq!(e["lamport"], row.4, "C of {}", row.0);
            assert_eq!(e["vector"], json!(row.5), "V of {}", row.0);
            seen += 1;
        }
    }
    assert_eq!(seen, table.len());
    assert_eq!(r["nodes"]["P1"]["clock"], 7);
    assert_eq!(r["nodes"]["P2"]["clock"], 4);
    assert_eq!(r["nodes"]["P3"]["clock"], 6);
    assert_eq!(r["app"]["order"], json!(["a", "c", "e", "b", "g", "i", "d", "f", "h", "j", "k"]));
    let pairs = |s: &str| -> Value {
        Value::Array(
            s.split(", ").map(|p| json!([p[..1].to_string(), p[p.len() - 1..].to_string()])).collect::<Vec<_>>(),
        )
    };
    let concurrent = "a∥c, a∥e, a∥g, b∥c, b∥e, b∥g, c∥e, c∥g, c∥i, d∥e, d∥g, d∥i, e∥f, e∥i, f∥g, f∥i, g∥i, h∥i, i∥j";
    assert_eq!(r["app"]["concurrent"], pairs(concurrent));
    assert_eq!(r["app"]["concurrentCount"], 19);
    let inversions = "a,h, a,j, b,h, b,j, c,h, c,j, c,k, d,h, d,j, d,k, f,h, f,j, f,k";
    let inv: Vec<Value> = inversions.split(", ").map(|p| json!([&p[..1], &p[2..]])).collect();
    assert_eq!(r["app"]["inversions"], Value::Array(inv));
    assert_eq!(r["app"]["inversionCount"], 13);
    assert!(invariants(&r).is_empty());
}

/// §5.1: the kernel keeps the same Lamport clock by the same rules; the module's own counter must agree with it.
#[test]
fn the_modules_counter_equals_the_kernels_lamport_clock() {
    let mut sim = Simulation::<Lamport>::new(&preset("CLK-1")).unwrap();
    while sim.step() {
        let snap = sim.snapshot();
        for (i, n) in snap.nodes.iter().enumerate() {
            let mine = sim.world().node(i).unwrap().clock();
            assert_eq!(mine, n.lamport, "{} at t={}", n.id, sim.now());
        }
    }
}

fn crash_doc(persist: bool) -> Value {
    json!({
        "format": 1, "id": "crash", "protocol": "lamport", "nodes": ["P1", "P2"],
        "params": { "persistClock": persist },
        "schedule": [
            { "at": 0, "local": { "node": "P2", "name": "x" } },
            { "at": 1, "send": { "node": "P1", "to": "P2", "msg": "m1" } },
            { "at": 20, "crash": "P2" },
            { "at": 30, "recover": "P2" },
            { "at": 40, "local": { "node": "P2", "name": "y" } },
            { "at": 50, "send": { "node": "P2", "to": "P1" } }
        ],
        "runUntil": 100
    })
}

/// §5.1 and pitfall 10: the counter is stable, so a recovered process continues above its last timestamp.
#[test]
fn a_recovered_process_resumes_its_persisted_counter() {
    let r = run_scenario(&scenario(crash_doc(true))).unwrap();
    assert!(invariants(&r).is_empty(), "{}", r["violations"]);
    let c: Vec<(String, u64)> = r["nodes"]["P2"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap().to_string(), e["lamport"].as_u64().unwrap()))
        .collect();
    // x=1; recv m1 = max(1,1)+1 = 2; after the crash: y = 3, then the send 4.
    let want = [("x", 1), ("recv m1", 2), ("y", 3), ("send m(4,P2)", 4)];
    assert_eq!(c, want.map(|(n, c)| (n.to_string(), c)).to_vec());
    assert_eq!(r["nodes"]["P1"]["clock"], 5);
}

/// With `persistClock: false` the recovered process restarts from 0: the checker must catch the reuse.
#[test]
fn a_volatile_counter_goes_backwards_after_a_crash_and_is_caught() {
    let r = run_scenario(&scenario(crash_doc(false))).unwrap();
    let v = invariants(&r);
    for id in ["LC-Mono", "LC-Clock", "LC-Extends"] {
        assert!(v.contains(&id.to_string()), "{id} not reported: {v:?}");
    }
    let first = &r["violations"][0];
    assert_eq!(first["at"], 40);
    assert_eq!(first["node"], "P2");
    // y reuses C = 1, which x already had: (1, P2) twice.
    assert!(v.contains(&"LC-Unique".to_string()));
}

#[test]
fn unnamed_send_and_receive_events_are_named_after_the_message() {
    let doc = json!({
        "format": 1, "id": "names", "protocol": "lamport", "nodes": ["A", "B"],
        "schedule": [
            { "at": 0, "send": { "node": "A", "to": "B" } },
            { "at": 1, "send": { "node": "B", "to": "A", "msg": "hello" } }
        ],
        "runUntil": 50
    });
    let r = run_scenario(&scenario(doc)).unwrap();
    // (1,A) < (1,B) < (2,A) < (2,B): both receives have C = max(1,1)+1 = 2, ties broken by node id.
    assert_eq!(r["app"]["order"], json!(["send m(1,A)", "send hello", "recv hello", "recv m(1,A)"]));
}

/// A duplicated message is received twice: two receive events, both after the send.
#[test]
fn a_duplicated_message_gives_two_receive_events() {
    let doc = json!({
        "format": 1, "id": "dup", "protocol": "lamport", "nodes": ["A", "B"],
        "schedule": [ { "at": 0, "send": { "node": "A", "to": "B", "name": "s", "recv": "r" } } ],
        "faults": [ { "duplicate": { "copies": 1, "gap": 5 } } ],
        "runUntil": 50
    });
    let r = run_scenario(&scenario(doc)).unwrap();
    let b = r["nodes"]["B"]["events"].as_array().unwrap();
    assert_eq!(b.len(), 2);
    assert_eq!((b[0]["lamport"].as_u64(), b[1]["lamport"].as_u64()), (Some(2), Some(3)));
    assert!(invariants(&r).is_empty());
}

/// §5.1: "⇒ need not match real time" and the wall clock itself may go backwards on one node (an NTP step).
#[test]
fn a_backward_clock_jump_inverts_two_events_of_one_process() {
    let doc = json!({
        "format": 1, "id": "jump", "protocol": "lamport", "nodes": ["A"],
        "schedule": [
            { "at": 10, "local": { "node": "A", "name": "before" } },
            { "at": 20, "clockJump": { "node": "A", "delta": -100 } },
            { "at": 30, "local": { "node": "A", "name": "after" } }
        ],
        "runUntil": 50
    });
    let r = run_scenario(&scenario(doc)).unwrap();
    assert_eq!(r["app"]["inversions"], json!([["before", "after"]]));
    assert_eq!(r["app"]["order"], json!(["before", "after"]));
}

/// What the UI draws: the counter (durable), and the latest events with their C and PC; a crashed process shows
/// the persisted counter and events.
#[test]
fn the_view_shows_the_counter_and_the_latest_events() {
    let mut sim = Simulation::<Lamport>::new(&scenario(crash_doc(true))).unwrap();
    sim.advance_to(15);
    let snap = sim.snapshot();
    let p2 = &snap.nodes[1].proto;
    assert_eq!(p2.role, "C = 2");
    assert!(p2.fields.iter().any(|f| f.name == "C" && f.value == "2" && f.durable));
    let log: Vec<&str> = p2.log.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(log, vec!["x  C=1  PC=10000", "recv m1  C=2  PC=10011"]);
    sim.advance_to(25); // crashed at 20, recovers at 30
    let down = &sim.snapshot().nodes[1].proto;
    assert_eq!(down.role, "down");
    assert_eq!(down.log.len(), 2, "the persisted events survive");
}

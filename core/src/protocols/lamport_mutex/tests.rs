//! Lamport's mutual exclusion (§5.4): grant order, the enter rule, FIFO, crashes.

use super::{LamportMutex, MutexMsg};
use crate::protocol::Message;
use crate::run::run_scenario;
use crate::scenario::Scenario;
use crate::sim::Simulation;
use crate::trace::TraceKind;
use serde_json::{json, Value};

fn doc(nodes: &[&str], schedule: Value, faults: Value, until: u64) -> Scenario {
    Scenario::from_value(&json!({
        "format": 1, "id": "t", "protocol": "lamport-mutex", "nodes": nodes,
        "schedule": schedule, "faults": faults, "runUntil": until
    }))
    .unwrap()
}

fn invariants(r: &Value) -> Vec<&str> {
    r["violations"].as_array().unwrap().iter().map(|v| v["invariant"].as_str().unwrap()).collect()
}

fn entries(r: &Value) -> Vec<(String, Value)> {
    r["app"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["node"].as_str().unwrap().to_string(), e["request"].clone()))
        .collect()
}

/// §5.4: requests are granted in ⇒ order, ties broken by node id, whatever order they were made in.
#[test]
fn concurrent_requests_are_granted_in_timestamp_order() {
    let s = doc(
        &["P1", "P2", "P3"],
        json!([
            { "at": 0, "request": "P3" }, { "at": 0, "request": "P2" }, { "at": 0, "request": "P1" },
            { "at": 100, "release": "P1" }, { "at": 200, "release": "P2" }, { "at": 300, "release": "P3" }
        ]),
        json!([]),
        500,
    );
    let r = run_scenario(&s).unwrap();
    assert!(invariants(&r).is_empty(), "{}", r["violations"]);
    let e = entries(&r);
    assert_eq!(
        e,
        vec![("P1".into(), json!([1, "P1"])), ("P2".into(), json!([1, "P2"])), ("P3".into(), json!([1, "P3"]))]
    );
    assert_eq!(r["liveness"][0]["holds"], true);
}

/// §5.4: an ACK is a send event under §5.1, so its timestamp exceeds the request's; every message carries the
/// sender's clock.
#[test]
fn acks_carry_a_timestamp_above_the_request() {
    let s = doc(&["P1", "P2"], json!([{ "at": 0, "request": "P1" }]), json!([]), 100);
    let mut sim = Simulation::<LamportMutex>::new(&s).unwrap();
    sim.advance_to(11); // P2 handled the REQUEST at 10
    let p2 = sim.world().node(1).unwrap();
    // receive: max(0, 1) + 1 = 2; the ACK send: 3.
    assert_eq!(p2.clock(), 3);
    assert_eq!(p2.queue().map(|r| r.ts).collect::<Vec<_>>(), vec![1]);
    sim.run_to_end();
    assert!(sim.world().node(0).unwrap().in_cs());
    let ack = MutexMsg::Ack { ts: 3 };
    assert!(ack.is_response() && ack.kind() == "ACK");
}

/// The enter rule needs a later timestamp from *every* other process: one silent process keeps the door shut.
#[test]
fn a_process_waits_until_it_has_heard_from_everyone() {
    let s = doc(
        &["P1", "P2", "P3"],
        json!([{ "at": 0, "request": "P1" }]),
        json!([{ "drop": { "src": "P3", "dst": "P1", "type": "ACK" } }]),
        300,
    );
    let r = run_scenario(&s).unwrap();
    assert_eq!(r["nodes"]["P1"]["inCS"], false);
    assert_eq!(r["nodes"]["P1"]["lastSeen"], json!({ "P2": 3, "P3": 0 }));
    assert_eq!(r["liveness"][0]["holds"], false);
    assert!(invariants(&r).is_empty());
}

#[test]
fn a_single_process_enters_at_once_and_stray_actions_are_ignored() {
    let s = doc(
        &["P1"],
        json!([
            { "at": 0, "release": "P1" }, { "at": 1, "request": "P1" }, { "at": 2, "request": "P1" },
            { "at": 3, "release": "P1" }, { "at": 4, "release": "P1" }
        ]),
        json!([]),
        10,
    );
    let r = run_scenario(&s).unwrap();
    let tl: Vec<(u64, &str)> = r["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["at"].as_u64().unwrap(), e["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(tl, vec![(1, "enter"), (3, "exit")]);
    assert_eq!(r["nodes"]["P1"]["clock"], 2, "ignored actions are not events of the algorithm");
}

/// §5.1 applies: the clock is stable, so a recovered process never reuses a timestamp; everything else is lost,
/// and with no recovery procedure a recovered process that forgot a peer's request enters next to it.
#[test]
fn a_recovered_process_keeps_its_clock_forgets_the_queue_and_breaks_exclusion() {
    let s = doc(
        &["P1", "P2"],
        json!([
            { "at": 0, "request": "P2" }, { "at": 50, "crash": "P1" }, { "at": 60, "recover": "P1" },
            { "at": 70, "request": "P1" }
        ]),
        json!([]),
        200,
    );
    let mut sim = Simulation::<LamportMutex>::new(&s).unwrap();
    sim.advance_to(61);
    let p1 = sim.world().node(0).unwrap();
    assert_eq!(p1.clock(), 3, "received REQUEST 1 (L=2), sent ACK (L=3), persisted");
    assert_eq!(p1.queue().count(), 0);
    sim.run_to_end();
    let r = sim.report();
    // P1's new request is (4,P1). P1 forgot P2's (1,P2), so once P2 acknowledges, P1 enters beside P2.
    assert_eq!(r["nodes"]["P1"]["queue"], json!([[4, "P1"]]));
    assert_eq!(r["nodes"]["P2"]["queue"], json!([[1, "P2"], [4, "P1"]]));
    assert_eq!((&r["nodes"]["P1"]["inCS"], &r["nodes"]["P2"]["inCS"]), (&json!(true), &json!(true)));
    assert_eq!(invariants(&r), vec!["ME-Exclusion"]);
    assert_eq!(r["violations"][0]["at"], 90);
}

/// The REQUEST broadcast is one event: every copy carries the same timestamp, written to disk before it leaves.
#[test]
fn a_request_persists_the_clock_before_broadcasting_one_timestamp() {
    let s = doc(&["P1", "P2", "P3"], json!([{ "at": 0, "request": "P1" }]), json!([]), 5);
    let mut sim = Simulation::<LamportMutex>::new(&s).unwrap();
    sim.set_recording(true);
    sim.run_to_end();
    let steps: Vec<String> = sim
        .take_trace()
        .into_iter()
        .filter_map(|e| match e.kind {
            TraceKind::Persist { record } => Some(record),
            TraceKind::Send { to, label, .. } => Some(format!("send {to} {label}")),
            _ => None,
        })
        .collect();
    assert_eq!(steps, vec!["clock L=1", "send 1 REQUEST ts=1", "send 2 REQUEST ts=1"]);
}

/// What the UI draws: role (inside, waiting with the request, idle), the clock, lastSeen and the queue.
#[test]
fn the_view_shows_role_queue_and_last_seen() {
    let s = doc(&["P1", "P2"], json!([{ "at": 0, "request": "P1" }, { "at": 1, "request": "P2" }]), json!([]), 100);
    let mut sim = Simulation::<LamportMutex>::new(&s).unwrap();
    sim.run_to_end();
    let snap = sim.snapshot();
    let (p1, p2) = (&snap.nodes[0].proto, &snap.nodes[1].proto);
    assert_eq!((p1.role.as_str(), p1.class), ("in critical section", "leader"));
    assert_eq!((p2.role.as_str(), p2.class), ("waiting, request (1,P2)", "waiting"));
    let queue: Vec<&str> = p2.log.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(queue, vec!["(1,P1)", "(1,P2) (mine)"]);
    assert!(p2.fields.iter().any(|f| f.name == "lastSeen" && f.value == "P1:3"));
}

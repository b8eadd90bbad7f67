//! Behaviour of the application server and the replicas, run through whole scenarios.

use crate::run::run_scenario;
use crate::scenario::Scenario;
use serde_json::{json, Value};

fn doc(params: Value, schedule: Value, faults: Value, until: u64) -> Value {
    json!({
        "format": 1, "id": "t", "protocol": "quorum", "nodes": ["App", "db1", "db2", "db3"],
        "params": params, "schedule": schedule, "faults": faults, "runUntil": until,
    })
}

fn run(params: Value, schedule: Value, faults: Value, until: u64) -> Value {
    run_scenario(&Scenario::from_value(&doc(params, schedule, faults, until)).expect("valid scenario")).expect("runs")
}

fn violations(r: &Value) -> Vec<String> {
    r["violations"].as_array().unwrap().iter().map(|v| v["invariant"].as_str().unwrap().to_string()).collect()
}

fn write(at: u64, client: &str, value: &str) -> Value {
    json!({"at": at, "write": {"client": client, "key": "r1", "value": value}})
}

fn read(at: u64, client: &str) -> Value {
    json!({"at": at, "read": {"client": client, "key": "r1"}})
}

#[test]
fn a_write_needs_w_distinct_acks_and_duplicated_acks_count_once() {
    let r = run(
        json!({"W": 2}),
        json!([write(100, "u1", "booked")]),
        json!([
            {"drop": {"src": "App", "dst": ["db2", "db3"], "type": "WRITE"}},
            {"duplicate": {"src": "db1", "type": "ACK", "copies": 2, "gap": 0}},
        ]),
        1500,
    );
    let w = &r["app"]["writes"][0];
    assert_eq!(w["ok"], false, "three copies of db1's ACK are still one replica");
    assert_eq!(w["at"], 1100, "failure is reported after T_req");
}

#[test]
fn a_read_needs_r_distinct_responses_and_duplicated_replies_count_once() {
    let r = run(
        json!({"W": 2, "R": 2, "readTargets": ["db1", "db2"]}),
        json!([write(100, "u1", "booked"), read(200, "u2")]),
        json!([
            {"drop": {"src": "App", "dst": "db1", "type": "WRITE"}},
            {"duplicate": {"src": "db1", "type": "REPLY", "copies": 1, "gap": 0}},
            {"delay": {"src": "db2", "type": "REPLY", "extra": 50}},
        ]),
        500,
    );
    assert!(violations(&r).is_empty(), "{}", r["violations"]);
    assert_eq!(r["app"]["reads"], json!([{"client": "u2", "at": 270, "value": "booked", "version": 1}]));
}

#[test]
fn simultaneous_replies_are_ranked_by_read_targets_order_not_delivery_order() {
    // db2 misses the write. Both replies reach App at t=225, db1's first; with R=1 the tie goes to db2, which
    // comes first in readTargets.
    let r = run(
        json!({"W": 1, "R": 1, "readTargets": ["db2", "db1"]}),
        json!([write(100, "u1", "booked"), read(200, "u2")]),
        json!([
            {"drop": {"src": "App", "dst": "db2", "type": "WRITE"}},
            {"delay": {"src": "App", "dst": "db2", "type": "READ", "extra": 5}},
            {"delay": {"src": "db1", "type": "REPLY", "extra": 5}},
        ]),
        500,
    );
    assert_eq!(r["app"]["reads"], json!([{"client": "u2", "at": 225, "value": "available", "version": 0}]));
    assert_eq!(violations(&r), vec!["Q-Regular"], "R+W = 2 ≤ 3: the stale read is caught");
}

#[test]
fn a_restarted_app_continues_its_versions_and_ignores_replies_from_its_previous_life() {
    let r = run(
        json!({"W": 2, "R": 2}),
        json!([
            write(100, "u1", "first"),
            read(140, "u2"),
            {"at": 145, "crash": "App"},
            {"at": 160, "recover": "App"},
            write(170, "u1", "second"),
            read(240, "u3"),
        ]),
        // u2's replies (v1) are held back until t=250, when u3's read, numbered like u2's, is open.
        json!([{"delay": {"type": "REPLY", "from": 140, "to": 160, "extra": 100}}]),
        500,
    );
    assert!(violations(&r).is_empty(), "{}", r["violations"]);
    assert_eq!(r["app"]["reads"], json!([{"client": "u3", "at": 260, "value": "second", "version": 2}]));
    assert_eq!(r["nodes"]["App"]["versions"], json!({"r1": 2}));
    for db in ["db1", "db2", "db3"] {
        assert_eq!(r["nodes"][db]["version"], 2);
    }
}

#[test]
fn a_replica_acks_an_older_version_without_storing_it() {
    // The first write's WRITE to db1 is overtaken by the second's: db1 keeps v2 and still acknowledges v1.
    let r = run(
        json!({"W": 3}),
        json!([write(100, "u1", "one"), write(110, "u1", "two")]),
        json!([{"delay": {"src": "App", "dst": "db1", "type": "WRITE", "count": 1, "extra": 100}}]),
        500,
    );
    let ok: Vec<bool> = r["app"]["writes"].as_array().unwrap().iter().map(|w| w["ok"].as_bool().unwrap()).collect();
    assert_eq!(ok, vec![true, true]);
    assert_eq!(r["nodes"]["db1"]["value"], "two");
    assert_eq!(r["nodes"]["db1"]["version"], 2);
}

/// §6 gives `T_req` to writes only: a read waits for its `R` replies, however long they take.
#[test]
fn a_read_has_no_timeout_and_waits_for_r_replies() {
    // db3 is down: R = 3 is never reached, and the read is never returned (nor reported as failed).
    let r = run(json!({"R": 3, "T_req": 500}), json!([{"at": 50, "crash": "db3"}, read(100, "u2")]), json!([]), 1000);
    assert_eq!(r["app"]["reads"], json!([]));
    // Replies slower than T_req: the read returns when the R-th arrives.
    let slow = json!([{"delay": {"src": "App", "dst": ["db2", "db3"], "type": "READ", "extra": 1200}}]);
    let r = run(json!({"R": 2, "T_req": 1000}), json!([read(100, "u2")]), slow, 2000);
    assert_eq!(r["app"]["reads"], json!([{"client": "u2", "at": 1320, "value": "available", "version": 0}]));
    // Every reply arrives at exactly start + T_req: deliveries come before timers, and no timer is armed anyway.
    let tie = json!([{"delay": {"src": "App", "type": "READ", "extra": 980}}]);
    let r = run(json!({"R": 2, "T_req": 1000}), json!([read(100, "u2")]), tie, 2000);
    assert_eq!(r["app"]["reads"], json!([{"client": "u2", "at": 1100, "value": "available", "version": 0}]));
}

#[test]
fn read_repair_also_repairs_a_replica_that_answers_after_the_read_returned() {
    let r = run(
        json!({"W": 2, "R": 1, "readRepair": true}),
        json!([write(100, "u1", "booked"), read(200, "u2")]),
        json!([
            {"drop": {"src": "App", "dst": "db3", "type": "WRITE", "count": 1}},
            {"delay": {"src": "db3", "type": "REPLY", "extra": 50}},
        ]),
        500,
    );
    assert_eq!(r["app"]["reads"][0]["at"], 220);
    assert_eq!(r["nodes"]["db3"]["value"], "booked");
    assert_eq!(r["liveness"][0]["holds"], true);
}

#[test]
fn defaults_are_majority_quorums_over_every_replica() {
    // N = 3: W = R = 2. With db2 and db3 missing the write the App cannot gather two ACKs.
    let r = run(
        json!({}),
        json!([write(100, "u1", "x")]),
        json!([{"drop": {"src": "App", "dst": ["db2", "db3"], "type": "WRITE"}}]),
        1500,
    );
    assert_eq!(r["app"]["writes"][0]["ok"], false);
}

#[test]
fn bad_quorum_parameters_are_rejected_with_a_path() {
    let err = |params: Value| Scenario::from_value(&doc(params, json!([]), json!([]), 10)).unwrap_err();
    assert_eq!(err(json!({"readTargets": ["db1", "App"]})).path, "params.readTargets[1]");
    assert_eq!(err(json!({"readTargets": ["db1", "db1"]})).path, "params.readTargets[1]");
    assert_eq!(err(json!({"readTargets": ["db1"], "R": 2})).path, "params.R");
    assert_eq!(err(json!({"W": 4})).path, "params.W");
    assert_eq!(err(json!({"R": 0})).path, "params.R");
    assert_eq!(err(json!({"T_req": 0})).path, "params.T_req");
    assert_eq!(err(json!({"readRepair": 1})).path, "params.readRepair");
}

//! Behaviour of the lock service, the clients and the storage, run through whole scenarios.

use crate::run::run_scenario;
use crate::scenario::Scenario;
use serde_json::{json, Value};

fn run(params: Value, clocks: Value, schedule: Value, faults: Value, until: u64) -> Value {
    let doc = json!({
        "format": 1, "id": "t", "protocol": "fencing", "nodes": ["LS", "c1", "c2", "St"],
        "params": params, "clocks": clocks, "schedule": schedule, "faults": faults, "runUntil": until,
    });
    run_scenario(&Scenario::from_value(&doc).expect("valid scenario")).expect("runs")
}

fn tokens(r: &Value, list: &str) -> Vec<u64> {
    r["app"][list].as_array().unwrap().iter().map(|g| g["token"].as_u64().unwrap()).collect()
}

fn violations(r: &Value) -> Vec<String> {
    r["violations"].as_array().unwrap().iter().map(|v| v["invariant"].as_str().unwrap().to_string()).collect()
}

#[test]
fn tokens_start_at_first_token_and_grow_and_a_running_lease_gets_busy() {
    let r = run(
        json!({"firstToken": 7}),
        json!({}),
        json!([
            {"at": 0, "acquire": {"client": "c1"}},
            {"at": 50, "acquire": {"client": "c2"}},
            {"at": 150, "acquire": {"client": "c2"}},
        ]),
        json!([]),
        300,
    );
    assert_eq!(tokens(&r, "grants"), vec![7, 8], "the BUSY at t=60 grants nothing");
    assert_eq!(r["nodes"]["LS"]["counter"], 8);
    assert_eq!(r["nodes"]["c2"]["token"], 8);
}

#[test]
fn lease_expiry_is_judged_by_the_lock_service_wall_clock() {
    let schedule = json!([
        {"at": 0, "acquire": {"client": "c1"}},
        {"at": 80, "acquire": {"client": "c2"}},
    ]);
    let steady = run(json!({}), json!({}), schedule.clone(), json!([]), 200);
    assert_eq!(tokens(&steady, "grants"), vec![1], "at t=90 the 100 ms lease granted at t=10 still runs");
    // LS's clock runs 50 % fast: 100 ms of its wall clock pass in 67 ms of true time.
    let fast = run(json!({}), json!({"LS": {"drift": 500000}}), schedule, json!([]), 200);
    assert_eq!(tokens(&fast, "grants"), vec![1, 2]);
}

#[test]
fn a_restarted_lock_service_honours_the_persisted_lease_and_counter() {
    let r = run(
        json!({}),
        json!({}),
        json!([
            {"at": 0, "acquire": {"client": "c1"}},
            {"at": 20, "crash": "LS"},
            {"at": 30, "recover": "LS"},
            {"at": 40, "acquire": {"client": "c2"}},
            {"at": 200, "acquire": {"client": "c2"}},
        ]),
        json!([]),
        300,
    );
    let grants = &r["app"]["grants"];
    assert_eq!(tokens(&r, "grants"), vec![1, 2]);
    assert_eq!(grants[1]["at"], 210, "c2's request at t=50 was answered BUSY: lease 1 runs until t=110");
    assert_eq!(r["nodes"]["LS"]["counter"], 2);
}

#[test]
fn local_expiry_counts_from_when_acquire_was_sent_and_writes_without_a_lease_are_refused() {
    let r = run(
        json!({}),
        json!({}),
        json!([
            {"at": 0, "acquire": {"client": "c1"}},
            {"at": 5, "write": {"client": "c1", "data": "early"}},
            {"at": 95, "write": {"client": "c1", "data": "in-time"}},
            {"at": 105, "write": {"client": "c1", "data": "too-late"}},
        ]),
        // The ACQUIRE takes 70 ms: LS grants at t=70 (lease until t=170 by its clock) but c1 counts from t=0.
        json!([{"delay": {"type": "ACQUIRE", "extra": 60}}]),
        300,
    );
    let refused: Vec<&str> =
        r["app"]["refused"].as_array().unwrap().iter().map(|x| x["data"].as_str().unwrap()).collect();
    assert_eq!(refused, vec!["early", "too-late"]);
    assert_eq!(r["app"]["writes"], json!([{"client": "c1", "token": 1, "at": 105, "accepted": true}]));
    assert_eq!(r["nodes"]["St"]["data"], "in-time");
}

#[test]
fn prepare_write_checks_once_and_sends_after_the_delay_regardless() {
    let r = run(
        json!({}),
        json!({}),
        json!([
            {"at": 0, "acquire": {"client": "c1"}},
            {"at": 90, "prepareWrite": {"client": "c1", "data": "checked", "delay": 50}},
            {"at": 110, "prepareWrite": {"client": "c1", "data": "unchecked", "delay": 0}},
        ]),
        json!([]),
        300,
    );
    assert_eq!(r["app"]["writes"], json!([{"client": "c1", "token": 1, "at": 150, "accepted": true}]));
    assert_eq!(r["app"]["lateWrites"], json!([{"client": "c1", "token": 1, "at": 150}]));
    assert_eq!(r["app"]["refused"][0]["data"], "unchecked");
    // Nothing newer was written, so the storage's order is intact, but the lease had expired: FT-2 (§5.3).
    assert_eq!(violations(&r), vec!["FT-2"]);
}

#[test]
fn fenced_storage_keeps_max_token_across_a_crash_and_rejects_the_stale_write() {
    let r = run(
        json!({}),
        json!({}),
        json!([
            {"at": 0, "acquire": {"client": "c1"}},
            {"at": 50, "prepareWrite": {"client": "c1", "data": "stale", "delay": 200}},
            {"at": 150, "acquire": {"client": "c2"}},
            {"at": 175, "write": {"client": "c2", "data": "fresh"}},
            {"at": 190, "crash": "St"},
            {"at": 200, "recover": "St"},
        ]),
        json!([]),
        400,
    );
    assert_eq!(
        r["app"]["writes"],
        json!([
            {"client": "c2", "token": 2, "at": 185, "accepted": true},
            {"client": "c1", "token": 1, "at": 260, "accepted": false},
        ])
    );
    assert_eq!(r["nodes"]["St"]["maxToken"], 2);
    assert_eq!(r["nodes"]["St"]["data"], "fresh");
    assert!(violations(&r).is_empty());
}

#[test]
fn unfenced_storage_accepts_the_stale_write_and_breaks_ft2_only() {
    let schedule = json!([
        {"at": 0, "acquire": {"client": "c1"}},
        {"at": 50, "prepareWrite": {"client": "c1", "data": "stale", "delay": 200}},
        {"at": 150, "acquire": {"client": "c2"}},
        {"at": 175, "write": {"client": "c2", "data": "fresh"}},
    ]);
    let r = run(json!({"fenced": false}), json!({}), schedule, json!([]), 400);
    assert_eq!(violations(&r), vec!["FT-2"]);
    assert_eq!(r["violations"][0]["at"], 260);
    assert_eq!(r["nodes"]["St"]["data"], "stale");
    assert_eq!(r["nodes"]["St"]["maxToken"], 2, "unfenced storage still records the highest token it saw");
}

#[test]
fn ft1_is_listed_only_for_a_fenced_storage() {
    let ids = |fenced: bool| {
        let doc = json!({"format": 1, "id": "t", "protocol": "fencing", "nodes": ["LS", "c1", "St"],
                         "params": {"fenced": fenced}, "runUntil": 10});
        let run = crate::run::load(&Scenario::from_value(&doc).unwrap()).unwrap();
        run.invariants().iter().map(|i| i.id).collect::<Vec<_>>()
    };
    assert_eq!(ids(true), vec!["FT-1", "FT-2"]);
    assert_eq!(ids(false), vec!["FT-2"]);
}

#[test]
fn an_overtaken_grant_does_not_replace_a_newer_lease() {
    let r = run(
        json!({}),
        json!({}),
        json!([
            {"at": 0, "acquire": {"client": "c1"}},
            {"at": 150, "acquire": {"client": "c1"}},
            {"at": 320, "write": {"client": "c1", "data": "x"}},
        ]),
        // The first GRANT arrives at t=320, after the second (t=170).
        json!([{"delay": {"type": "GRANT", "count": 1, "extra": 300}}]),
        400,
    );
    assert_eq!(r["nodes"]["c1"]["token"], 2);
    assert_eq!(r["app"]["refused"][0]["at"], 320, "lease 2 ended at MC 250; the old grant did not revive a lease");
}

#[test]
fn a_ttl_of_null_means_the_first_lease_never_ends() {
    let r = run(
        json!({"TTL": null}),
        json!({}),
        json!([
            {"at": 0, "acquire": {"client": "c1"}},
            {"at": 5000, "acquire": {"client": "c2"}},
            {"at": 6000, "write": {"client": "c1", "data": "still mine"}},
        ]),
        json!([]),
        7000,
    );
    assert_eq!(tokens(&r, "grants"), vec![1]);
    assert_eq!(r["nodes"]["St"]["data"], "still mine");
}

#[test]
fn scenarios_that_misuse_the_roles_are_rejected_with_a_path() {
    let doc = |nodes: Value, schedule: Value, params: Value| {
        json!({"format": 1, "id": "t", "protocol": "fencing", "nodes": nodes, "params": params,
               "schedule": schedule, "runUntil": 10})
    };
    let four = json!(["LS", "c1", "c2", "St"]);
    let e = Scenario::from_value(&doc(four.clone(), json!([{"at": 0, "acquire": {"client": "St"}}]), json!({})))
        .unwrap_err();
    assert_eq!(e.path, "schedule[0].acquire.client");
    let e =
        Scenario::from_value(&doc(four.clone(), json!([{"at": 0, "write": {"client": "LS", "data": "x"}}]), json!({})))
            .unwrap_err();
    assert!(e.msg.contains("lock service"), "{e}");
    let e = Scenario::from_value(&doc(json!(["LS", "St"]), json!([]), json!({}))).unwrap_err();
    assert_eq!(e.path, "nodes");
    let e = Scenario::from_value(&doc(four.clone(), json!([]), json!({"firstToken": 0}))).unwrap_err();
    assert_eq!(e.path, "params.firstToken");
    let e = Scenario::from_value(&doc(four, json!([]), json!({"fenced": "yes"}))).unwrap_err();
    assert_eq!(e.path, "params.fenced");
}

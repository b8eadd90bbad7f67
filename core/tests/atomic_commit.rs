//! 2PC and 3PC behaviour a user relies on, beyond the scenario files: money, blocking, toggles, views, and
//! parameter validation (protocols.md §2-§3, scenario-format.md).

use netsplit_core::run::{load_str, Run};
use netsplit_core::scenario::Scenario;
use serde_json::Value;

fn doc(protocol: &str, nodes: &str, params: &str, schedule: &str, faults: &str, until: u64) -> String {
    format!(
        r#"{{"format":1,"id":"t","protocol":"{protocol}","nodes":[{nodes}],"params":{{{params}}},
            "schedule":[{schedule}],"faults":[{faults}],"runUntil":{until}}}"#
    )
}

const SUBMIT_TC: &str = r#"{"at":0,"submit":{"node":"TC","txid":"T1"}}"#;
const SUBMIT_C: &str = r#"{"at":0,"submit":{"node":"C","txid":"T1"}}"#;
const BANK: &str = r#""TC","K","S""#;

fn run(d: &str) -> Value {
    let mut r = load_str(d).unwrap_or_else(|e| panic!("{e}"));
    r.run_to_end();
    r.report()
}

fn app_at(r: &mut Box<dyn Run>, t: u64) -> (i64, i64) {
    r.advance_to(t);
    let rep = r.report();
    (rep["app"]["Alice"].as_i64().unwrap(), rep["app"]["Bob"].as_i64().unwrap())
}

#[test]
fn section_2_4_balances_change_only_together_with_the_commit_record() {
    let mut r = load_str(&doc("2pc", BANK, "", SUBMIT_TC, "", 200)).unwrap();
    // Prepared at t=10, TC commits at t=20, participants write COMMIT with the balance change at t=30.
    assert_eq!(app_at(&mut r, 30), (50_000, 20_000), "nothing moves before the participants' COMMIT records");
    assert_eq!(app_at(&mut r, 31), (49_000, 21_000));
}

#[test]
fn section_2_6_a_prepared_participant_never_times_out_into_abort() {
    // 2PC-8 without the coordinator's recovery: K and S stay PREPARED, asking every T_retry, for 10 s.
    let faults = r#"{"crashOn":{"node":"TC","effect":"persist","phase":"after","match":{"record":"COMMIT"}}}"#;
    let rep = run(&doc("2pc", BANK, "", SUBMIT_TC, faults, 10_000));
    for p in ["K", "S"] {
        assert_eq!(rep["nodes"][p]["state"], "PREPARED");
        assert_eq!(rep["nodes"][p]["decisions"], serde_json::json!([]));
        assert_eq!(rep["nodes"][p]["blockedSince"], 110);
    }
    assert_eq!(rep["nodes"]["TC"]["up"], false);
    assert_eq!(rep["violations"], serde_json::json!([]));
    let term = rep["liveness"].as_array().unwrap().iter().find(|l| l["property"] == "AC-Termination").unwrap();
    assert_eq!(term["holds"], false);
    assert!(term["detail"].as_str().unwrap().contains("K blocked since 110"), "{term}");
}

#[test]
fn section_2_8_without_cooperative_termination_s_waits_for_the_coordinator() {
    // 2PC-6: the TC told only K and crashed; with peers S commits at t=130, without them only after the TC
    // recovers at t=300 and resends.
    let faults = r#"{"crashOn":{"node":"TC","effect":"send","phase":"after","match":{"type":"DECISION","dst":"K"}}}"#;
    let schedule = format!(r#"{SUBMIT_TC},{{"at":300,"recover":"TC"}}"#);
    let decided_at = |params: &str| {
        let rep = run(&doc("2pc", BANK, params, &schedule, faults, 500));
        let tl = rep["timeline"].as_array().unwrap().clone();
        tl.iter().find(|e| e["node"] == "S" && e["kind"] == "decide").map(|e| e["at"].as_u64().unwrap())
    };
    assert_eq!(decided_at(""), Some(130));
    assert_eq!(decided_at(r#""cooperativeTermination": false"#), Some(310));
}

#[test]
fn section_2_1_t_work_lets_a_participant_without_prepare_abort_on_its_own() {
    let faults = r#"{"drop":{"src":"TC","dst":"S","type":"PREPARE","count":1}}"#;
    let rep = run(&doc("2pc", BANK, r#""T_work": 30"#, SUBMIT_TC, faults, 300));
    let tl = rep["timeline"].as_array().unwrap();
    assert!(tl.iter().any(|e| e["node"] == "S" && e["kind"] == "decide" && e["at"] == 30), "{tl:?}");
    assert_eq!(rep["nodes"]["TC"]["decisions"], serde_json::json!(["ABORT"]));
    assert_eq!(rep["violations"], serde_json::json!([]));
}

#[test]
fn default_operations_are_the_bank_transfer_only_when_k_and_s_exist() {
    let submit = |c: &str| format!(r#"{{"at":0,"submit":{{"node":"{c}","txid":"T1"}}}}"#);
    let bank = run(&doc("3pc", r#""C","K","S""#, "", &submit("C"), "", 300));
    assert_eq!(bank["app"], serde_json::json!({"Alice": 49000, "Bob": 21000}));
    let generic = run(&doc("2pc", r#""TC","P1","P2""#, "", &submit("TC"), "", 300));
    assert_eq!(generic["app"], serde_json::json!({}));
    assert_eq!(generic["nodes"]["P1"]["state"], "COMMITTED");
}

#[test]
fn node_views_show_state_locks_and_blocked_since() {
    let faults = r#"{"crashOn":{"node":"TC","effect":"persist","phase":"after","match":{"record":"COMMIT"}}}"#;
    let mut r = load_str(&doc("2pc", BANK, "", SUBMIT_TC, faults, 1000)).unwrap();
    r.advance_to(500);
    let snap = r.snapshot();
    let k = &snap.nodes[1].proto;
    assert_eq!(k.role, "PREPARED");
    assert_eq!(k.blocked_since, Some(110));
    let field = |name: &str| k.fields.iter().find(|f| f.name == name).map(|f| (f.value.clone(), f.durable));
    assert_eq!(field("locks"), Some(("Alice".into(), false)));
    assert_eq!(field("vote"), Some(("YES".into(), true)));
    assert_eq!(field("balance"), Some(("Alice 50000".into(), true)));
    assert_eq!(k.log.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), vec!["PREPARED"]);
    // The crashed coordinator shows only what is on its disk.
    let tc = &snap.nodes[0];
    assert!(!tc.up);
    assert_eq!(tc.proto.log.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), vec!["BEGIN", "COMMIT"]);
}

#[test]
fn section_3_8_a_recovered_3pc_coordinator_adopts_what_termination_decided() {
    // Whatever the point at which the coordinator crashes, once it recovers it ends with the participants'
    // decision: it never presumes abort.
    for (effect, ty) in [("send", "PRE_COMMIT"), ("send", "VOTE_REQ"), ("send", "COMMIT")] {
        for phase in ["before", "after"] {
            let faults = format!(
                r#"{{"crashOn":{{"node":"C","effect":"{effect}","phase":"{phase}","match":{{"type":"{ty}","dst":"P2"}}}}}}"#
            );
            let schedule = format!(r#"{SUBMIT_C},{{"at":600,"recover":"C"}}"#);
            let rep = run(&doc("3pc", r#""C","P1","P2","P3""#, "", &schedule, &faults, 1000));
            let p1 = rep["nodes"]["P1"]["decisions"].clone();
            assert_eq!(p1.as_array().map(|a| a.len()), Some(1), "{ty} {phase}: {rep}");
            assert_eq!(rep["nodes"]["C"]["decisions"], p1, "{ty} {phase}");
            assert_eq!(rep["violations"], serde_json::json!([]), "{ty} {phase}");
        }
    }
}

#[test]
fn invalid_parameters_and_submits_are_errors_naming_their_path() {
    let err = |protocol: &str, nodes: &str, params: &str, schedule: &str| {
        Scenario::parse(&doc(protocol, nodes, params, schedule, "", 100)).unwrap_err().to_string()
    };
    assert!(err("2pc", BANK, r#""T_resend": 0"#, "").starts_with("params.T_resend:"));
    assert!(err("2pc", BANK, r#""votes": {"K": "MAYBE"}"#, "").starts_with("params.votes.K:"));
    assert!(err("2pc", BANK, r#""balances": {"Alice": -5}"#, "").starts_with("params.balances.Alice:"));
    assert!(err("3pc", r#""C","P1""#, r#""terminationRule": "vote""#, "").starts_with("params.terminationRule:"));
    let at_k = r#"{"at":0,"submit":{"node":"K","txid":"T1"}}"#;
    assert!(err("2pc", BANK, "", at_k).starts_with("schedule[0].submit.node:"));
    let op_tc = r#"{"at":0,"submit":{"node":"TC","txid":"T1","ops":{"TC":"debit Alice 1"}}}"#;
    assert!(err("2pc", BANK, "", op_tc).starts_with("schedule[0].submit.ops:"));
    assert!(err("3pc", r#""C""#, "", "").starts_with("nodes:"));
    let hook = r#"{"crashOn":{"node":"C","effect":"persist","phase":"after","match":{"record":"PREPARED"}}}"#;
    let e = Scenario::parse(&doc("3pc", r#""C","P1""#, "", "", hook, 100)).unwrap_err().to_string();
    assert!(e.contains("3pc has no record \"PREPARED\""), "{e}");
}

/// TX_RESULT (§2.3) goes to the client, outside the simulated network: a fault rule may name it, a drop rule has
/// nothing to drop, and a crash hook stops the coordinator at that send (2PC-15 has the full story).
#[test]
fn tx_result_is_a_message_type_for_fault_rules() {
    let doc = |fault: &str| {
        let text = format!(
            r#"{{"format":1,"id":"x","protocol":"2pc","nodes":["TC","K","S"],"runUntil":300,
                "schedule":[{{"at":0,"submit":{{"node":"TC","txid":"T1"}}}}],"faults":[{fault}]}}"#
        );
        netsplit_core::run::run_scenario(&Scenario::parse(&text).unwrap()).unwrap()
    };
    let dropped = doc(r#"{"drop":{"type":"TX_RESULT"}}"#);
    assert_eq!(dropped["nodes"]["TC"]["state"], "ENDED");
    let hooked = doc(r#"{"crashOn":{"node":"TC","effect":"send","phase":"before","match":{"type":"TX_RESULT"}}}"#);
    assert_eq!(hooked["nodes"]["TC"]["up"], false);
    assert_eq!(hooked["nodes"]["TC"]["log"], serde_json::json!(["BEGIN", "COMMIT"]));
    assert_eq!(hooked["nodes"]["K"]["state"], "COMMITTED", "both DECISIONs went out before the hook");
    // A crash hook that names a node as destination never matches a message to the client.
    let elsewhere =
        doc(r#"{"crashOn":{"node":"TC","effect":"send","phase":"before","match":{"type":"TX_RESULT","dst":"K"}}}"#);
    assert_eq!(elsewhere["nodes"]["TC"]["up"], true);
}

/// A crashed node is reported in the state it crashed in: what its last handler reached when the hook fires after
/// an effect, and what it was before that handler when the hook fires before one (the rest never happened).
#[test]
fn a_node_crashed_by_a_hook_reports_the_state_it_reached() {
    let tc = |phase: &str| {
        let text = format!(
            r#"{{"format":1,"id":"x","protocol":"2pc","nodes":["TC","K","S"],"runUntil":300,
                "schedule":[{{"at":0,"submit":{{"node":"TC","txid":"T1"}}}}],
                "faults":[{{"crashOn":{{"node":"TC","effect":"persist","phase":"{phase}","match":{{"record":"COMMIT"}}}}}}]}}"#
        );
        let r = netsplit_core::run::run_scenario(&Scenario::parse(&text).unwrap()).unwrap();
        (r["nodes"]["TC"]["state"].clone(), r["nodes"]["TC"]["log"].clone())
    };
    assert_eq!(tc("after"), (Value::from("COMMITTED"), serde_json::json!(["BEGIN", "COMMIT"])));
    assert_eq!(tc("before"), (Value::from("WAIT"), serde_json::json!(["BEGIN"])));
}

/// §2.8: a participant is blocked while PREPARED, after its decision timer fired, and while no process it can reach
/// knows the decision. Case 2 (2PC-6: K knows COMMIT) is not blocking; cut off from K it is, until the network
/// heals, even before the answer arrives.
#[test]
fn blocked_means_no_reachable_process_knows_the_decision() {
    let run = |extra_schedule: &str, until: u64| {
        let text = format!(
            r#"{{"format":1,"id":"x","protocol":"2pc","nodes":["TC","K","S"],"runUntil":{until},
                "schedule":[{{"at":0,"submit":{{"node":"TC","txid":"T1"}}}}{extra_schedule}],
                "faults":[{{"crashOn":{{"node":"TC","effect":"send","phase":"after","match":{{"type":"DECISION","dst":"K"}}}}}}]}}"#
        );
        netsplit_core::run::run_scenario(&Scenario::parse(&text).unwrap()).unwrap()
    };
    let blocked = |r: &Value| -> Vec<(u64, String)> {
        let t = r["timeline"].as_array().unwrap();
        t.iter()
            .filter(|e| e["kind"] == "blocked")
            .map(|e| (e["at"].as_u64().unwrap(), e["node"].as_str().unwrap().to_string()))
            .collect()
    };
    // S asks at 110 and K answers at 120: at 125 S is uncertain but not blocked.
    let r = run("", 125);
    assert_eq!(r["nodes"]["S"]["state"], "PREPARED");
    assert_eq!(r["nodes"]["S"]["blockedSince"], Value::Null);
    assert!(blocked(&r).is_empty(), "{}", r["timeline"]);
    // S cut off from K (and the TC down): blocked from its first round, at 110.
    let cut = r#",{"at":100,"partition":[["S"],["TC","K"]]}"#;
    let r = run(cut, 150);
    assert_eq!(r["nodes"]["S"]["blockedSince"], 110);
    assert_eq!(blocked(&r), vec![(110, "S".to_string())]);
    // The partition heals at 200: K is reachable again and knows, so S is no longer blocked, still uncertain.
    let r = run(&format!(r#"{cut},{{"at":200,"heal":{{}}}}"#), 205);
    assert_eq!(r["nodes"]["S"]["state"], "PREPARED");
    assert_eq!(r["nodes"]["S"]["blockedSince"], Value::Null);
}

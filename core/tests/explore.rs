//! Counterexample search and shrinking (issue 10): each known-buggy configuration is found with a fixed seed and a
//! small budget and shrunk to a small scenario that still fails when re-run from its JSON; the correct
//! configurations report nothing within their budget; the bounded exhaustive mode finds the reordering bug of
//! Lamport's mutual exclusion and nothing in correct 2PC.
//!
//! Run: `cargo test --profile ci -p netsplit-core --test explore -- --nocapture` (prints the figures).

use netsplit_core::explore::{
    search_parallel, shrink, Budget, Counterexample, Exhaustive, ExploreConfig, Explorer, FaultKind, Session, Shrunk,
};
use netsplit_core::run::load;
use netsplit_core::scenario::{match_expect, Action, Scenario};
use serde_json::{json, Value};
use std::time::Instant;

fn scenario(doc: &str) -> Scenario {
    Scenario::parse(doc).expect("valid base scenario")
}

fn budget(kinds: &[FaultKind], max: usize, to: u64, outage: u64) -> Budget {
    let mut b = Budget::new(kinds, max, to);
    b.max_outage = outage;
    b
}

/// Searches `runs` seeds from `seed` for `invariant`, expecting a counterexample; returns it with the search time.
fn find(base: Scenario, b: Budget, seed: u64, runs: u64, invariant: &str) -> (Counterexample, f64) {
    let cfg = ExploreConfig {
        base,
        budget: b,
        seeds: seed..seed + runs,
        invariants: vec![invariant.to_string()],
        exhaustive: None,
    };
    let start = Instant::now();
    let mut ex = Explorer::new(cfg).expect("valid configuration");
    let p = ex.run_batch(runs).clone();
    let secs = start.elapsed().as_secs_f64();
    let cex = p.found.unwrap_or_else(|| panic!("no {invariant} violation in {} runs", p.runs));
    assert_eq!(cex.violation.invariant, invariant);
    (cex, secs)
}

/// Shrinks, checks the result, prints the figures.
fn shrink_and_check(name: &str, cex: &Counterexample, find_secs: f64, max_size: usize) -> Shrunk {
    let start = Instant::now();
    let s = shrink(cex, 3_000);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{name}: found {} at t={} after {} runs ({:.3} s, seed {:?}); shrunk {} -> {} in {} runs ({:.3} s)",
        cex.violation.invariant,
        cex.violation.at,
        cex.runs,
        find_secs,
        cex.seed,
        cex.size(),
        s.size,
        s.runs,
        secs
    );
    let doc = serde_json::to_string_pretty(&s.scenario.to_json()).unwrap();
    println!("{doc}");
    assert!(s.size <= max_size, "{name}: shrunk to {} > {max_size}", s.size);
    assert!(s.size <= cex.size());
    assert_replays(&doc, cex.violation.invariant);
    s
}

/// The shrunk scenario, re-read from its JSON, is valid, still breaks the invariant, and its `expect` holds.
fn assert_replays(doc: &str, invariant: &str) {
    let again = Scenario::parse(doc).expect("the shrunk scenario is a valid document");
    let mut run = load(&again).unwrap();
    run.run_to_end();
    let report = run.report();
    assert!(
        report["violations"].as_array().unwrap().iter().any(|v| v["invariant"] == invariant),
        "{invariant} no longer breaks: {}",
        report["violations"]
    );
    let expect = again.expect.as_ref().expect("an expect block");
    assert_eq!(expect["violations"].as_array().unwrap().iter().filter(|v| v["invariant"] == invariant).count(), 1);
    let mismatches = match_expect(expect, &report);
    assert!(mismatches.is_empty(), "{mismatches:?}");
    assert_eq!(report["expect"]["ok"], true);
}

fn none_found(base: Scenario, b: Budget, runs: u64) -> u64 {
    let cfg = ExploreConfig { base, budget: b, seeds: 0..runs, invariants: Vec::new(), exhaustive: None };
    let mut ex = Explorer::new(cfg).unwrap();
    let p = ex.run_batch(runs).clone();
    assert!(p.found.is_none(), "{:?}", p.found.map(|c| (c.seed, c.violation)));
    assert!(p.done);
    p.runs
}

fn three_pc() -> Scenario {
    scenario(
        r#"{"format":1,"id":"3pc-explore","protocol":"3pc","nodes":["C","P1","P2","P3"],
            "schedule":[{"at":0,"submit":{"node":"C","txid":"T1"}}],"runUntil":2000}"#,
    )
}

fn two_pc(params: &str) -> Scenario {
    scenario(&format!(
        r#"{{"format":1,"id":"2pc-explore","protocol":"2pc","nodes":["TC","K","S"],"params":{{{params}}},
            "schedule":[{{"at":0,"submit":{{"node":"TC","txid":"T1"}}}}],"runUntil":1500}}"#
    ))
}

fn raft(params: &str, until: u64) -> Scenario {
    scenario(&format!(
        r#"{{"format":1,"id":"raft-explore","protocol":"raft","nodes":["n1","n2","n3"],
            "params":{{{}}},"runUntil":{until}}}"#,
        params.trim_start_matches(',')
    ))
}

#[test]
fn three_pc_with_partitions_breaks_atomicity_and_shrinks() {
    let b = budget(&[FaultKind::Partition, FaultKind::Crash, FaultKind::Delay], 4, 80, 600);
    let (cex, secs) = find(three_pc(), b, 0, 2_000, "AC-Agreement");
    shrink_and_check("3PC, partitions", &cex, secs, 6);
}

#[test]
fn two_pc_without_a_logged_decision_breaks_atomicity_and_shrinks() {
    let kinds = [FaultKind::Crash, FaultKind::CrashOn, FaultKind::Drop, FaultKind::Delay, FaultKind::Client];
    let (cex, secs) =
        find(two_pc(r#""coordinatorLogsDecision": false"#), budget(&kinds, 8, 150, 400), 0, 2_000, "AC-Agreement");
    shrink_and_check("2PC, coordinatorLogsDecision=false", &cex, secs, 6);
}

#[test]
fn raft_forgetting_voted_for_elects_two_leaders_and_shrinks() {
    let b = budget(&[FaultKind::Crash, FaultKind::Client], 40, 2_000, 20);
    let (cex, secs) = find(raft(r#""clientEvery":100,"persistVotedFor":false"#, 2_000), b, 0, 20_000, "R-ES");
    shrink_and_check("Raft, persistVotedFor=false", &cex, secs, 6);
}

#[test]
fn raft_committing_previous_term_entries_by_counting_loses_a_committed_entry() {
    // §5.4.2 (Figure 8) on three servers: a steady client, and the leader of the moment cut off at random times
    // (three leaderships in a row, each isolated at the right moment). The seed range starts at 0; the first
    // schedule that breaks Leader Completeness is seed 453.
    let b = budget(&[FaultKind::Isolate], 10, 1_500, 400);
    let base = raft(r#","clientEvery":50,"buggyCommitPreviousTerm":true"#, 2_500);
    let (cex, secs) = find(base, b, 0, 3_000, "R-LC");
    assert_eq!(cex.seed, Some(453));
    let leaders_cut =
        cex.scenario.schedule.iter().filter(|e| matches!(&e.action, Action::Partition(g) if g[0].len() == 1)).count();
    assert!(leaders_cut >= 3, "Figure 8 needs three leaders cut off, the scenario has {leaders_cut}");
    shrink_and_check("Raft, buggyCommitPreviousTerm", &cex, secs, 8);
}

#[test]
fn lww_physical_timestamps_with_skew_lose_a_causally_later_write() {
    let base = scenario(
        r#"{"format":1,"id":"lww-explore","protocol":"lww","nodes":["n1","n2","n3"],"params":{"tsMode":"physical"},
            "clocks":{"n1":{"offset":300,"drift":5000}},"runUntil":1500}"#,
    );
    let b = budget(&[FaultKind::Client, FaultKind::Clock], 40, 1_200, 200);
    let (cex, secs) = find(base, b, 0, 2_000, "LWW-CausalLoss");
    shrink_and_check("LWW physical, skew", &cex, secs, 6);
}

#[test]
fn lamport_mutex_with_reordering_breaks_exclusion() {
    let base = scenario(
        r#"{"format":1,"id":"mutex-explore","protocol":"lamport-mutex","nodes":["P1","P2","P3"],"runUntil":2500}"#,
    );
    let b = budget(&[FaultKind::Client, FaultKind::Delay], 40, 1_500, 200);
    let (cex, secs) = find(base, b, 0, 2_000, "ME-Exclusion");
    shrink_and_check("lamport-mutex, delays", &cex, secs, 6);
}

#[test]
fn correct_two_pc_and_raft_report_nothing_within_their_budget() {
    let start = Instant::now();
    let b = budget(&FaultKind::ALL, 8, 150, 400);
    let runs = none_found(two_pc(""), b, 3_000);
    println!("2PC defaults, every fault kind: none in {runs} runs ({:.2} s)", start.elapsed().as_secs_f64());
    let start = Instant::now();
    let kinds: Vec<FaultKind> = FaultKind::ALL.into_iter().filter(|k| *k != FaultKind::CrashOn).collect();
    let runs = none_found(raft(r#""clientEvery":100"#, 2_000), budget(&kinds, 20, 1_500, 300), 300);
    println!(
        "Raft defaults, every fault kind but crash hooks: none in {runs} runs ({:.2} s)",
        start.elapsed().as_secs_f64()
    );
}

fn mutex_two_requests() -> Scenario {
    scenario(
        r#"{"format":1,"id":"mutex-2","protocol":"lamport-mutex","nodes":["P1","P2"],
            "schedule":[{"at":0,"request":"P1"},{"at":5,"request":"P2"},{"at":100,"release":"P2"},
                        {"at":120,"release":"P1"}],"runUntil":300}"#,
    )
}

fn exhaustive(base: Scenario, depth: usize, drops: bool, invariants: &[&str]) -> Explorer {
    let cfg = ExploreConfig {
        exhaustive: Some(Exhaustive { depth, drops }),
        invariants: invariants.iter().map(|s| s.to_string()).collect(),
        ..ExploreConfig::new(base)
    };
    Explorer::new(cfg).expect("valid configuration")
}

#[test]
fn exhaustive_mode_finds_the_reordering_that_breaks_lamport_mutual_exclusion() {
    let mut ex = exhaustive(mutex_two_requests(), 6, false, &["ME-Exclusion"]);
    let p = ex.run_batch(10_000).clone();
    let cex = p.found.expect("some delivery order lets both processes in");
    println!("lamport-mutex exhaustive: found after {} runs, {} states", p.runs, p.states);
    assert_eq!(cex.seed, None);
    // The schedule is the base plus delay rules, each matching one message.
    assert!(cex.scenario.faults.iter().all(|f| matches!(f, netsplit_core::scenario::FaultRule::Delay { .. })));
    let s = shrink_and_check("lamport-mutex, exhaustive", &cex, 0.0, 4);
    assert!(!s.scenario.faults.is_empty(), "a reordering is needed: {:?}", s.scenario.faults);
}

#[test]
fn exhaustive_mode_explores_every_order_of_correct_two_pc_without_a_violation() {
    let base =
        scenario(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/2PC-1.json")).unwrap());
    let mut ex = exhaustive(base, 10, true, &[]);
    let mut batches = 0;
    while !ex.run_batch(1_000).done {
        batches += 1;
        assert!(batches < 1_000, "the space at depth 10 is finite");
    }
    let p = ex.progress();
    println!("2PC exhaustive depth 10 with drops: {} runs, {} states, {} repeats", p.runs, p.states, p.repeats);
    assert!(p.found.is_none());
    assert!(p.states > 100 && p.repeats > 0, "branching and repeats expected: {p:?}");
}

#[test]
fn the_search_is_deterministic_and_incremental() {
    let kinds = [FaultKind::Crash, FaultKind::CrashOn, FaultKind::Drop, FaultKind::Delay, FaultKind::Client];
    let cfg = || ExploreConfig {
        budget: budget(&kinds, 8, 150, 400),
        invariants: vec!["AC-Agreement".into()],
        ..ExploreConfig::new(two_pc(r#""coordinatorLogsDecision": false"#))
    };
    // All at once, or three runs at a time: the same counterexample.
    let mut a = Explorer::new(cfg()).unwrap();
    let pa = a.run_batch(10_000).clone();
    let mut b = Explorer::new(cfg()).unwrap();
    let mut calls = 0;
    while !b.run_batch(3).done {
        calls += 1;
    }
    let pb = b.progress().clone();
    assert!(calls > 0);
    assert_eq!(pa.runs, pb.runs);
    assert_eq!(pa.events, pb.events);
    let (ca, cb) = (pa.found.unwrap(), pb.found.unwrap());
    assert_eq!(ca.seed, cb.seed);
    assert_eq!(ca.scenario.to_json(), cb.scenario.to_json());
    assert_eq!(shrink(&ca, 3_000).scenario.to_json(), shrink(&cb, 3_000).scenario.to_json());
    // On three threads, blocks of two seeds: still the smallest failing seed.
    let pc = search_parallel(&cfg(), 3, 2, &mut |_| true).unwrap();
    let cc = pc.found.unwrap();
    assert_eq!(cc.seed, ca.seed);
    assert_eq!(cc.scenario.to_json(), ca.scenario.to_json());
    assert!(pc.runs >= pa.runs);
}

#[test]
fn the_json_session_searches_then_shrinks_and_reports_where_to_open_the_player() {
    let base = three_pc().to_json();
    let cfg = json!({
        "scenario": base,
        "faults": ["partition", "crash", "delay"],
        "maxFaults": 4, "to": 80, "maxOutage": 600,
        "invariants": ["AC-Agreement"],
        "seed": 0, "seeds": 5000,
    });
    let mut s = Session::from_json(&cfg).expect("valid configuration");
    let mut phases = Vec::new();
    let last = loop {
        let p = s.step(7);
        let phase = p["phase"].as_str().unwrap().to_string();
        if phases.last() != Some(&phase) {
            phases.push(phase.clone());
        }
        if phase == "done" {
            break p;
        }
    };
    assert_eq!(phases, ["search", "shrink", "done"]);
    assert_eq!(last["found"]["violation"]["invariant"], "AC-Agreement");
    let r = &last["result"];
    assert_eq!(r["violation"]["invariant"], "AC-Agreement");
    assert!(r["size"].as_u64().unwrap() <= last["found"]["size"].as_u64().unwrap());
    assert!(r["violation"]["at"].as_u64().unwrap() > 0);
    assert_replays(&r["scenario"].to_string(), "AC-Agreement");

    // What the panel offers for a scenario: the protocol's invariants, the fault kinds, the default budget.
    let o = netsplit_core::explore::session::options_json(&two_pc("").to_json()).unwrap();
    assert!(o["invariants"].as_array().unwrap().iter().any(|i| i["id"] == "AC-Agreement" && i["summary"].is_string()));
    assert_eq!(o["faults"].as_array().unwrap().len(), FaultKind::ALL.len());
    assert_eq!(o["defaults"]["to"], 750);

    // Nothing to find: the session ends with `found: null` once the seeds are spent.
    let cfg = json!({ "scenario": two_pc("").to_json(), "seeds": 50 });
    let mut s = Session::from_json(&cfg).unwrap();
    let p = s.step(1_000);
    assert_eq!(p["phase"], "done");
    assert_eq!(p["runs"], 50);
    assert_eq!(p["found"], Value::Null);
}

#[test]
fn invalid_configurations_name_the_problem() {
    let base = two_pc("").to_json();
    let cases = [
        (json!({ "scenario": base, "faults": ["meteor"] }), "faults[0]", "unknown fault kind"),
        (json!({ "scenario": base, "invariants": ["R-ES"] }), "invariants", "unknown invariant \"R-ES\""),
        (json!({ "scenario": base, "exhaustive": { "depth": 0 } }), "exhaustive.depth", "not in 1..="),
        (json!({ "scenario": base, "from": 500, "to": 100 }), "to", "empty"),
        (json!({ "scenario": base, "speed": 3 }), "speed", "unknown field"),
        (json!({ "faults": ["crash"] }), "scenario", "required"),
    ];
    for (cfg, path, msg) in cases {
        let e = Session::from_json(&cfg).err().unwrap_or_else(|| panic!("{cfg} accepted"));
        assert_eq!(e.path, path, "{e}");
        assert!(e.to_string().contains(msg), "{e}");
    }
    let mut bad = base.clone();
    bad["nodes"] = json!(["TC"]);
    let e = Session::from_json(&json!({ "scenario": bad })).err().unwrap();
    assert!(e.path.starts_with("scenario"), "{e}");
}

#[test]
fn random_duplicate_rules_copy_a_bounded_number_of_messages() {
    // Unbounded duplication of Raft's traffic for up to 300 ms grew into a storm of millions of messages.
    let base = raft(r#""clientEvery":50"#, 2_500);
    let b = budget(&[FaultKind::Duplicate], 10, 1_500, 300);
    let mut rules = 0;
    for seed in 0..200 {
        let s = netsplit_core::explore::random_scenario::<netsplit_core::protocols::raft::Raft>(&base, &b, seed);
        for f in &s.faults {
            if let netsplit_core::scenario::FaultRule::Duplicate { m, .. } = f {
                rules += 1;
                assert!(m.count.is_some_and(|c| (1..=10).contains(&c)), "seed {seed}: {:?}", m.count);
            }
        }
    }
    assert!(rules > 500, "only {rules} duplicate rules drawn");
    let cfg = ExploreConfig { base, budget: b, seeds: 0..2_000, invariants: Vec::new(), exhaustive: None };
    let p = Explorer::new(cfg).expect("valid").run_batch(2_000).clone();
    assert!(p.events < 2_000 * 5_000, "{} events in 2,000 runs: a storm", p.events);
}

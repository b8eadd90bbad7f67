//! 3PC soaks (protocols.md §3.9-§3.10): seeded random fault schedules with every invariant on.
//!
//! Within its assumptions (§3.1: crash failures only, detected perfectly because every message arrives within the
//! timeouts; no partitions, no losses) 3PC never breaks a safety invariant, and every operational participant that
//! voted decides. Outside them, with random partitions, the soak must find the atomicity violation of 3PC-3.

use netsplit_core::explore::{random_scenario, soak, Budget, FaultKind, SoakResult};
use netsplit_core::protocols::three_pc::ThreePc;
use netsplit_core::scenario::Scenario;
use netsplit_core::sim::Simulation;

/// Seeds per configuration: the issue asks for at least 5,000 schedules per protocol.
const SEEDS: u64 = 5_000;

fn base(nodes: &str, params: &str) -> Scenario {
    Scenario::parse(&format!(
        r#"{{"format":1,"id":"soak-3pc","protocol":"3pc","nodes":[{nodes}],"params":{{{params}}},
            "schedule":[{{"at":0,"submit":{{"node":"C","txid":"T1"}}}}],"runUntil":2000}}"#
    ))
    .expect("valid base scenario")
}

fn report(name: &str, r: &SoakResult) {
    println!("3PC soak [{name}]: {}", r.summary());
}

/// Termination timeouts that satisfy §3.1 (b): a participant's `T_wait` (100) exceeds what a termination
/// coordinator may itself wait (`T_collect`, `T_tack`) plus a round trip and the largest delay. With the defaults
/// (`T_collect = T_tack = T_wait = 100`) there is no slack at all: one message 1 ms late makes a participant
/// suspect a live termination coordinator and atomicity breaks (scenario 3PC-11, found by the long soak).
const SLACK: &str = r#""T_collect": 50, "T_tack": 50"#;

/// Crash-only faults within §3.1: crashes and recoveries, crash hooks, duplicates, and (with `delays`) extra
/// delays of at most 2 ms per rule, 16 ms per message when all 8 rules hit the same one: within the slack of every
/// timeout. Everything recovers at t=900.
fn crash_only(delays: bool) -> Budget {
    let mut kinds = vec![FaultKind::Crash, FaultKind::CrashOn, FaultKind::Duplicate, FaultKind::Client];
    if delays {
        kinds.push(FaultKind::Delay);
    }
    let mut b = Budget::new(&kinds, 8, 200);
    b.max_delay = 2;
    b.max_outage = 400;
    b.heal_all_at = Some(900);
    b
}

#[test]
fn three_pc_is_safe_and_non_blocking_under_crash_failures() {
    let check = |sim: &Simulation<ThreePc>| {
        let l = sim.liveness();
        match l.iter().find(|x| x.property == "3PC-NonBlocking") {
            Some(t) if t.holds => Ok(()),
            Some(t) => Err(format!("an operational participant did not decide: {}", t.detail)),
            None => Err("no 3PC-NonBlocking verdict".into()),
        }
    };
    let skeen = format!(r#"{SLACK}, "terminationRule": "skeen""#);
    let no = format!(r#"{SLACK}, "votes": {{"P3": "NO"}}"#);
    let configs = [
        ("collect, 3 participants", r#""C","P1","P2","P3""#, SLACK, true),
        ("collect, bank", r#""C","K","S""#, SLACK, true),
        ("skeen, 3 participants", r#""C","P1","P2","P3""#, skeen.as_str(), true),
        ("collect, 4 participants, P3 votes NO", r#""C","P1","P2","P3","P4""#, no.as_str(), true),
        ("spec default timeouts, no extra delay", r#""C","P1","P2","P3""#, "", false),
    ];
    for (i, (name, nodes, params, delays)) in configs.into_iter().enumerate() {
        let seeds = i as u64 * SEEDS..(i as u64 + 1) * SEEDS;
        let r = soak::<ThreePc>(&base(nodes, params), &crash_only(delays), seeds, 2, false, &check);
        report(name, &r);
        assert_eq!(r.runs, SEEDS);
        assert!(r.violated.is_empty() && r.check_failures == 0, "{name}: {}", r.explain_first());
    }
}

#[test]
fn with_random_partitions_the_soak_finds_an_atomicity_violation() {
    let kinds = [FaultKind::Partition, FaultKind::Crash, FaultKind::Delay];
    let mut b = Budget::new(&kinds, 4, 80);
    b.max_outage = 600;
    let base = base(r#""C","P1","P2","P3""#, "");
    let mut total = SoakResult::default();
    let mut found = None;
    for batch in 0..20u64 {
        let seeds = batch * 250..(batch + 1) * 250;
        let r = soak::<ThreePc>(&base, &b, seeds.clone(), 2, false, &|_| Ok(()));
        total.runs += r.runs;
        total.events += r.events;
        for (k, v) in &r.violated {
            *total.violated.entry(k).or_default() += v;
        }
        if r.violated.contains_key("AC-Agreement") {
            found = seeds.into_iter().find(|&seed| {
                let s = random_scenario::<ThreePc>(&base, &b, seed);
                let mut sim = Simulation::<ThreePc>::new(&s).unwrap();
                sim.run_to_end();
                sim.first_violations().iter().any(|v| v.invariant == "AC-Agreement")
            });
            break;
        }
    }
    report("random partitions", &total);
    let seed = found.expect("no AC-Agreement violation under partitions: the checker is broken");
    println!("first AC-Agreement violation at seed {seed}");
}

#[test]
fn crash_only_schedules_exercise_the_termination_protocol() {
    // A soak that never reached termination would prove little: count what the schedules actually exercise.
    use netsplit_core::trace::TraceKind;
    use std::collections::BTreeMap;
    let base = base(r#""C","P1","P2","P3""#, SLACK);
    let mut seen: BTreeMap<&'static str, u64> = BTreeMap::new();
    for seed in 0..1_000 {
        let s = random_scenario::<ThreePc>(&base, &crash_only(true), seed);
        let mut sim = Simulation::<ThreePc>::new(&s).unwrap();
        sim.set_recording(true);
        sim.run_to_end();
        for e in sim.take_trace() {
            let TraceKind::Observe { what, .. } = &e.kind else { continue };
            let key = if what.starts_with("applies TR1") {
                "TR1"
            } else if what.starts_with("applies TR3") {
                "TR3"
            } else if what.starts_with("applies TR4") {
                "TR4"
            } else if what.contains("suspects C, P1") {
                "re-election"
            } else if what.contains("after recovery") {
                "recovered coordinator learns"
            } else if what.contains("ACK timeout") {
                "commit on ACK timeout"
            } else {
                continue;
            };
            *seen.entry(key).or_default() += 1;
        }
    }
    println!("3PC crash-only coverage over 1000 schedules: {seen:?}");
    for k in ["TR1", "TR3", "TR4", "re-election", "recovered coordinator learns", "commit on ACK timeout"] {
        assert!(seen.get(k).copied().unwrap_or(0) >= 5, "{k} exercised fewer than 5 times: {seen:?}");
    }
}

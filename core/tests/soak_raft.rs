//! Raft soaks (protocols.md §4.11, §4.12): thousands of seeded random fault schedules on five servers with every
//! invariant on. The correct protocol must survive all of them without a single violation and, once every fault
//! has healed, elect a leader and commit a client command within a bounded time. The teaching bug
//! `persistVotedFor: false` must be caught (two leaders in one term).
//!
//! Run: `cargo test --profile ci -p netsplit-core --test soak_raft -- --nocapture`.

use netsplit_core::explore::{soak, Budget, FaultKind, SoakResult};
use netsplit_core::protocols::raft::Raft;
use netsplit_core::scenario::Scenario;
use netsplit_core::sim::Simulation;

/// Faults happen in [0, FAULTS_END); everything heals and every server recovers at HEAL.
const FAULTS_END: u64 = 2_000;
const HEAL: u64 = 2_600;
/// After the heal, a leader must be elected and a client command acknowledged within this many ms.
const LIVENESS_BOUND: u64 = 1_500;

fn base(params: &str, until: u64) -> Scenario {
    let doc = format!(
        r#"{{"format":1,"id":"raft-soak","protocol":"raft","nodes":["n1","n2","n3","n4","n5"],
            "params":{{"clientEvery":100{params}}},"runUntil":{until}}}"#
    );
    Scenario::parse(&doc).expect("valid base scenario")
}

fn budget(kinds: &[FaultKind]) -> Budget {
    let mut b = Budget::new(kinds, 20, FAULTS_END);
    b.max_outage = 500;
    b.heal_all_at = Some(HEAL);
    b
}

const FAULTS: [FaultKind; 9] = [
    FaultKind::Crash,
    FaultKind::Partition,
    FaultKind::Cut,
    FaultKind::Pause,
    FaultKind::Drop,
    FaultKind::Delay,
    FaultKind::Duplicate,
    FaultKind::Clock,
    FaultKind::Client,
];

/// §4.12: after the last fault heals, a leader recognised by a majority exists at the end and some client
/// command was acknowledged within `LIVENESS_BOUND` of the heal.
fn live_after_heal(sim: &Simulation<Raft>) -> Result<(), String> {
    let c = sim.checker();
    match c.first_ack_at_or_after(HEAL) {
        Some(t) if t <= HEAL + LIVENESS_BOUND => {}
        Some(t) => return Err(format!("first client command after the heal at {HEAL} committed only at {t}")),
        None => return Err(format!("no client command committed after the heal at {HEAL}")),
    }
    let live = sim.liveness();
    match live.iter().find(|l| l.property == "R-Leader") {
        Some(l) if l.holds => Ok(()),
        Some(l) => Err(format!("R-Leader fails at the end: {}", l.detail)),
        None => Err("R-Leader was not evaluated".into()),
    }
}

fn report(name: &str, r: &SoakResult) {
    println!("raft soak {name}: {}", r.summary());
}

#[test]
fn figure3_properties_hold_and_a_leader_commits_after_random_faults_heal() {
    let s = base("", HEAL + LIVENESS_BOUND);
    let r = soak::<Raft>(&s, &budget(&FAULTS), 0..5_000, 2, false, &live_after_heal);
    report("default", &r);
    assert_eq!(r.runs, 5_000);
    assert!(r.violated.is_empty() && r.check_failures == 0, "{}", r.explain_first());
}

#[test]
fn prevote_and_checkquorum_keep_safety_and_liveness_under_random_faults() {
    let s = base(r#","preVote":true,"checkQuorum":true"#, HEAL + LIVENESS_BOUND);
    let r = soak::<Raft>(&s, &budget(&FAULTS), 0..1_500, 2, false, &live_after_heal);
    report("preVote+checkQuorum", &r);
    assert!(r.violated.is_empty() && r.check_failures == 0, "{}", r.explain_first());
}

#[test]
fn crash_hooks_noops_and_small_appends_keep_every_invariant() {
    let s = base(r#","noopOnElection":true,"maxEntriesPerAppend":2"#, 4_000);
    let mut kinds = FAULTS.to_vec();
    kinds.push(FaultKind::CrashOn);
    let r = soak::<Raft>(&s, &budget(&kinds), 0..1_500, 2, false, &|_| Ok(()));
    report("crashOn+noop+maxEntries=2", &r);
    assert!(r.violated.is_empty(), "{}", r.explain_first());
}

#[test]
fn forgetting_voted_for_across_restarts_is_caught_as_two_leaders_in_one_term() {
    // Many short crashes and forced elections: a server that voted, restarts and votes again in the same term.
    let mut b = Budget::new(&[FaultKind::Crash, FaultKind::Client], 40, 2_000);
    b.max_outage = 20;
    let buggy = soak::<Raft>(&base(r#","persistVotedFor":false"#, 2_000), &b, 0..20_000, 2, true, &|_| Ok(()));
    report("persistVotedFor=false", &buggy);
    assert!(buggy.violated.contains_key("R-ES"), "no double vote found: {}", buggy.summary());
    println!("first: {}", buggy.explain_first().lines().next().unwrap_or_default());
    // The same schedules with votedFor persisted: nothing to find.
    let correct = soak::<Raft>(&base("", 2_000), &b, 0..5_000, 2, false, &|_| Ok(()));
    report("same budget, persistVotedFor=true", &correct);
    assert!(correct.violated.is_empty(), "{}", correct.explain_first());
}

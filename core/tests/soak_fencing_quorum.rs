//! Soaks of the fencing and quorum protocols: seeded random fault schedules with every invariant on.
//!
//! * fencing, fenced storage: FT-1 never breaks and the accepted tokens never go down, whatever pauses, clock
//!   skew, drift and jumps, crashes, partitions, drops, delays and duplicates do to the lock service, the clients
//!   and the storage (FT-2 may: a late write that arrives before any newer one is accepted, expired lease and all);
//! * fencing, unfenced storage: the search finds the FT-2 violation (a client whose lease ran out writes over a
//!   newer holder's data);
//! * quorum with R + W > N: Q-Regular never breaks (replicas persist before acknowledging, so no replica loses
//!   data; one App numbers the versions, and the scripted writes come one after the other);
//! * quorum with R + W ≤ N: the search finds a stale read.
//!
//! Every failure prints the seed and the scenario document that reproduces it.

use netsplit_core::explore::{soak, Budget, FaultKind, SoakResult};
use netsplit_core::protocol::Protocol;
use netsplit_core::protocols::fencing::Fencing;
use netsplit_core::protocols::quorum::Quorum;
use netsplit_core::rng::Rng;
use netsplit_core::scenario::{Action, Scenario, Scheduled};
use netsplit_core::sim::Simulation;
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};

const THREADS: usize = 2;
const UNTIL: u64 = 3000;
/// Schedules per configuration (quorum: half as many, for each of three configurations).
const RUNS: u64 = 10_000;

fn all_faults() -> Vec<FaultKind> {
    FaultKind::ALL.to_vec()
}

fn budget() -> Budget {
    let mut b = Budget::new(&all_faults(), 30, UNTIL - 500);
    b.max_outage = 600;
    b
}

/// The base scenario: `actions` random client actions of the protocol, one every `every` ms.
fn base<P: Protocol>(doc: serde_json::Value, every: u64) -> Scenario {
    let mut s = Scenario::from_value(&doc).expect("valid base scenario");
    let mut rng = Rng::stream(2024, 1);
    let mut t = 0;
    while t < UNTIL - 300 {
        if let Some(a) = P::random_action(&mut rng, &s, t) {
            s.schedule.push(Scheduled { at: t, action: a });
        }
        t += every;
    }
    s
}

fn fencing_base(fenced: bool) -> Scenario {
    base::<Fencing>(
        json!({"format": 1, "id": "soak-fencing", "protocol": "fencing", "nodes": ["LS", "c1", "c2", "c3", "St"],
               "params": {"TTL": 100, "fenced": fenced}, "runUntil": UNTIL}),
        15,
    )
}

/// Reads from random clients every 25 ms, and writes that come one after the other (300 ms apart, alternating
/// between two keys).
fn quorum_base(w: u64, r: u64) -> Scenario {
    let mut s = base::<Quorum>(
        json!({"format": 1, "id": "soak-quorum", "protocol": "quorum", "nodes": ["App", "db1", "db2", "db3"],
               "params": {"W": w, "R": r}, "runUntil": UNTIL}),
        25,
    );
    s.schedule.retain(|e| matches!(e.action, Action::QuorumRead { .. }));
    for (k, t) in (100..UNTIL - 300).step_by(300).enumerate() {
        let key = if k % 2 == 0 { "r1" } else { "r2" };
        let value = json!(format!("booked:w{k}"));
        s.schedule
            .push(Scheduled { at: t, action: Action::QuorumWrite { client: "u0".into(), key: key.into(), value } });
    }
    s
}

fn report(name: &str, r: &SoakResult) {
    println!("{name}: {}", r.summary());
}

fn no_extra<P: Protocol>(_: &Simulation<P>) -> Result<(), String> {
    Ok(())
}

/// Fenced storage: the data it ends with is the write with the highest token it accepted.
fn storage_holds_the_newest_token(sim: &Simulation<Fencing>) -> Result<(), String> {
    let w = sim.world();
    let d = w.durable(w.n() - 1);
    match &d.last {
        Some(last) if last.token != d.max_token => {
            Err(format!("storage ends with token {}'s data but maxToken is {}", last.token, d.max_token))
        }
        _ => Ok(()),
    }
}

/// Fenced storage accepts tokens in order: no accepted write carries a token below one accepted before it.
fn accepted_tokens_never_go_down(sim: &Simulation<Fencing>) -> Result<(), String> {
    let writes = sim.report()["app"]["writes"].clone();
    let mut newest = 0;
    for w in writes.as_array().into_iter().flatten().filter(|w| w["accepted"] == true) {
        let token = w["token"].as_u64().unwrap_or(0);
        if token < newest {
            return Err(format!("token {token} accepted at t={} after token {newest}", w["at"]));
        }
        newest = token;
    }
    Ok(())
}

/// What fencing guarantees: FT-1, and a storage whose accepted writes (and final data) follow the tokens. It does
/// not guarantee FT-2: a late write that arrives before any newer one is accepted (FEN-late), and the soak finds
/// such runs too.
#[test]
fn fenced_storage_never_breaks_ft1_and_keeps_writes_in_token_order() {
    let fenced_off = AtomicU64::new(0);
    let check = |sim: &Simulation<Fencing>| {
        let app = sim.report()["app"]["writes"].clone();
        if app.as_array().is_some_and(|ws| ws.iter().any(|w| w["accepted"] == false)) {
            fenced_off.fetch_add(1, Ordering::Relaxed);
        }
        accepted_tokens_never_go_down(sim)?;
        storage_holds_the_newest_token(sim)
    };
    let r = soak::<Fencing>(&fencing_base(true), &budget(), 0..RUNS, THREADS, false, &check);
    report("fencing (fenced)", &r);
    println!("  runs in which the storage fenced off a stale write: {}", fenced_off.load(Ordering::Relaxed));
    assert_eq!(r.violated.get(&"FT-1"), None, "{}", r.explain_first());
    assert_eq!(r.check_failures, 0, "{}", r.explain_first());
    assert_eq!(r.runs, RUNS);
    assert!(fenced_off.load(Ordering::Relaxed) > RUNS / 10, "the schedules should exercise the fencing rule");
}

#[test]
fn unfenced_storage_is_caught_breaking_ft2() {
    let r = soak::<Fencing>(&fencing_base(false), &budget(), 0..2000, THREADS, true, &no_extra::<Fencing>);
    report("fencing (unfenced)", &r);
    let f = r.first.as_ref().expect("a stale write accepted by the unfenced storage");
    println!("  first found: seed {}: {}", f.seed, f.why);
    assert!(f.violations.iter().any(|v| v.invariant == "FT-2"), "{}", r.explain_first());
    assert!(f.violations.iter().all(|v| v.invariant == "FT-2"), "{}", r.explain_first());
}

#[test]
fn quorum_reads_are_regular_when_r_plus_w_exceeds_n() {
    for (w, rq) in [(2, 2), (3, 1), (1, 3)] {
        let inverted = AtomicU64::new(0);
        let check = |sim: &Simulation<Quorum>| {
            if sim.report()["app"]["readInversions"].as_array().is_some_and(|v| !v.is_empty()) {
                inverted.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        };
        let r = soak::<Quorum>(&quorum_base(w, rq), &budget(), 0..RUNS / 2, THREADS, false, &check);
        report(&format!("quorum W={w} R={rq} N=3"), &r);
        println!(
            "  runs with a read inversion (a lagging replica seen by an overlapping read): {}",
            inverted.into_inner()
        );
        assert!(r.first.is_none(), "{}", r.explain_first());
    }
}

#[test]
fn quorum_stale_read_is_found_when_r_plus_w_is_at_most_n() {
    let r = soak::<Quorum>(&quorum_base(1, 1), &budget(), 0..2000, THREADS, true, &no_extra::<Quorum>);
    report("quorum W=1 R=1 N=3", &r);
    let f = r.first.as_ref().expect("a stale read with R + W <= N");
    println!("  first found: seed {}: {}", f.seed, f.why);
    assert!(f.violations.iter().any(|v| v.invariant == "Q-Regular"), "{}", r.explain_first());
}

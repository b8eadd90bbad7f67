//! Atomic commitment benchmarks: complete 2PC and 3PC scenario runs per second, and long soaks.
//!
//! `cargo bench -p netsplit-core --bench commit` measures how many complete runs of the happy-path transfer the
//! simulator does per second (2PC with 3 nodes: target ≥ 5,000 runs/s), then the long soak mode: 50,000 seeded
//! random schedules per configuration, with the same budgets as the test soaks, printing runs, events and the
//! violations found per configuration (none for correct 2PC and for 3PC within its assumptions; the converse
//! configurations count how many schedules break atomicity).

use netsplit_core::explore::{soak, Budget, FaultKind, SoakResult};
use netsplit_core::protocols::{three_pc::ThreePc, two_pc::TwoPc};
use netsplit_core::scenario::Scenario;
use netsplit_core::sim::Simulation;
use std::time::Instant;

fn main() {
    divan::main();
}

/// Schedules per configuration in the long soak mode.
const LONG: u64 = 50_000;

fn scenario(protocol: &str, nodes: &str, coordinator: &str, params: &str, until: u64) -> Scenario {
    Scenario::parse(&format!(
        r#"{{"format":1,"id":"bench","protocol":"{protocol}","nodes":[{nodes}],"params":{{{params}}},
            "schedule":[{{"at":0,"submit":{{"node":"{coordinator}","txid":"T1"}}}}],"runUntil":{until}}}"#
    ))
    .expect("valid scenario")
}

/// A complete 2PC run, 3 nodes (TC, K, S): the happy-path transfer, 9 events, every invariant checked.
#[divan::bench]
fn two_pc_run_3_nodes(b: divan::Bencher<'_, '_>) {
    let s = scenario("2pc", r#""TC","K","S""#, "TC", "", 200);
    b.counter(divan::counter::ItemsCount::new(1u32)).bench(|| {
        let mut sim = Simulation::<TwoPc>::new(&s).expect("valid");
        sim.run_to_end();
        divan::black_box(sim.events())
    });
}

/// A complete 2PC run in which the coordinator crashes after everyone prepared (2PC-8: blocked, then recovered).
#[divan::bench]
fn two_pc_run_3_nodes_blocked(b: divan::Bencher<'_, '_>) {
    let s = Scenario::parse(
        r#"{"format":1,"id":"bench","protocol":"2pc","nodes":["TC","K","S"],
            "schedule":[{"at":0,"submit":{"node":"TC","txid":"T1"}},{"at":1000,"recover":"TC"}],
            "faults":[{"crashOn":{"node":"TC","effect":"persist","phase":"after","match":{"record":"COMMIT"}}}],
            "runUntil":1200}"#,
    )
    .expect("valid");
    b.counter(divan::counter::ItemsCount::new(1u32)).bench(|| {
        let mut sim = Simulation::<TwoPc>::new(&s).expect("valid");
        sim.run_to_end();
        divan::black_box(sim.events())
    });
}

/// A complete 3PC run, 4 nodes (C, P1, P2, P3), happy path.
#[divan::bench]
fn three_pc_run_4_nodes(b: divan::Bencher<'_, '_>) {
    let s = scenario("3pc", r#""C","P1","P2","P3""#, "C", "", 200);
    b.counter(divan::counter::ItemsCount::new(1u32)).bench(|| {
        let mut sim = Simulation::<ThreePc>::new(&s).expect("valid");
        sim.run_to_end();
        divan::black_box(sim.events())
    });
}

fn long_soak<P: netsplit_core::protocol::Protocol>(name: &str, base: &Scenario, budget: &Budget) -> SoakResult {
    let start = Instant::now();
    let r = soak::<P>(base, budget, 0..LONG, 2, false, &|_| Ok(()));
    let secs = start.elapsed().as_secs_f64();
    println!("long soak [{name}]: {} ({:.1} s, {:.0} runs/s on 2 threads)", r.summary(), secs, r.runs as f64 / secs);
    r
}

fn two_pc_budget() -> Budget {
    let mut b = Budget::new(&FaultKind::ALL, 8, 150);
    b.max_outage = 400;
    b
}

/// Crash-only faults within §3.1 (as in the test soak): delays of at most 2 ms per rule, 16 ms per message.
fn three_pc_crash_only() -> Budget {
    let kinds = [FaultKind::Crash, FaultKind::CrashOn, FaultKind::Delay, FaultKind::Duplicate, FaultKind::Client];
    let mut b = Budget::new(&kinds, 8, 200);
    b.max_delay = 2;
    b.max_outage = 400;
    b.heal_all_at = Some(900);
    b
}

/// Long soak: 50,000 schedules of 2PC under every fault kind, and 50,000 with `coordinatorLogsDecision: false`.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn long_soak_two_pc() {
    let base = scenario("2pc", r#""TC","K","S""#, "TC", "", 1500);
    let r = long_soak::<TwoPc>("2PC, every fault kind", &base, &two_pc_budget());
    assert!(r.violated.is_empty(), "{}", r.explain_first());
    let buggy = scenario("2pc", r#""TC","K","S""#, "TC", r#""coordinatorLogsDecision": false"#, 1500);
    let kinds = [FaultKind::Crash, FaultKind::CrashOn, FaultKind::Drop, FaultKind::Delay, FaultKind::Client];
    let mut b = Budget::new(&kinds, 8, 150);
    b.max_outage = 400;
    let r = long_soak::<TwoPc>("2PC, coordinatorLogsDecision=false", &buggy, &b);
    assert!(r.violated.contains_key("AC-Agreement"));
}

/// Long soak: 50,000 schedules of 3PC with crash-only faults (termination timeouts with slack, see
/// tests/soak_three_pc.rs and scenario 3PC-11), and 50,000 with random partitions.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn long_soak_three_pc() {
    let slack = scenario("3pc", r#""C","P1","P2","P3""#, "C", r#""T_collect": 50, "T_tack": 50"#, 2000);
    let r = long_soak::<ThreePc>("3PC, crash-only", &slack, &three_pc_crash_only());
    assert!(r.violated.is_empty(), "{}", r.explain_first());
    let skeen = scenario(
        "3pc",
        r#""C","P1","P2","P3""#,
        "C",
        r#""T_collect": 50, "T_tack": 50, "terminationRule": "skeen""#,
        2000,
    );
    let r = long_soak::<ThreePc>("3PC, crash-only, Skeen's rule", &skeen, &three_pc_crash_only());
    assert!(r.violated.is_empty(), "{}", r.explain_first());
    let base = scenario("3pc", r#""C","P1","P2","P3""#, "C", "", 2000);
    let mut b = Budget::new(&[FaultKind::Partition, FaultKind::Crash, FaultKind::Delay], 4, 80);
    b.max_outage = 600;
    let r = long_soak::<ThreePc>("3PC, random partitions", &base, &b);
    assert!(r.violated.contains_key("AC-Agreement"));
}

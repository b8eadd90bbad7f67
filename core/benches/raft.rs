//! Raft throughput (`cargo bench -p netsplit-core --bench raft`).
//!
//! Targets (issue 5), RaftScope preset (5 servers, election timeouts in [100, 200) ms, heartbeats every 50 ms,
//! latency in [10, 15) ms) with a client command every 100 ms over 60 s of simulated time, every invariant on:
//! at least 1,000,000 events/s natively, and a whole 60 s run in under 50 ms. Also a long soak: 50,000 random
//! fault schedules (the `soak_raft` test's default configuration) with zero violations.

use divan::counter::ItemsCount;
use netsplit_core::explore::{soak, Budget, FaultKind};
use netsplit_core::protocols::raft::Raft;
use netsplit_core::scenario::Scenario;
use netsplit_core::sim::Simulation;

fn main() {
    divan::main();
}

/// The RaftScope preset with the modelled client, for `until` ms.
fn raftscope(until: u64) -> Scenario {
    let doc = format!(
        r#"{{"format":1,"id":"raft-bench","protocol":"raft","nodes":["n1","n2","n3","n4","n5"],"seed":7,
            "params":{{"preset":"raftscope","clientEvery":100}},"runUntil":{until}}}"#
    );
    Scenario::parse(&doc).expect("valid scenario")
}

fn run(s: &Scenario) -> Simulation<Raft> {
    let mut sim = Simulation::<Raft>::new(s).expect("valid scenario");
    sim.run_to_end();
    sim
}

/// One full 60 s RaftScope run (time per run; the counter gives events/s).
#[divan::bench(sample_count = 20, sample_size = 1)]
fn raftscope_60s_client_every_100ms(b: divan::Bencher<'_, '_>) {
    let s = raftscope(60_000);
    let probe = run(&s);
    assert!(probe.first_violations().is_empty());
    assert!(probe.checker().ack_count() >= 590, "the client should commit about 600 commands");
    b.counter(ItemsCount::new(probe.events())).bench(|| run(&s).events());
}

/// The long soak: 50,000 schedules on five servers (partitions, one-way cuts, crashes and recoveries, pauses,
/// drops, delays, duplicates, clock faults, client commands and forced timeouts), everything healed at 2.6 s,
/// liveness checked after the heal. The counter is schedules.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn soak_50000_schedules(b: divan::Bencher<'_, '_>) {
    const HEAL: u64 = 2_600;
    let doc = r#"{"format":1,"id":"raft-soak","protocol":"raft","nodes":["n1","n2","n3","n4","n5"],
                  "params":{"clientEvery":100},"runUntil":4100}"#;
    let s = Scenario::parse(doc).expect("valid scenario");
    let kinds = [
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
    let mut budget = Budget::new(&kinds, 20, 2_000);
    budget.heal_all_at = Some(HEAL);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    b.counter(ItemsCount::new(50_000u64)).bench(|| {
        let r = soak::<Raft>(&s, &budget, 0..50_000, threads, false, &|sim: &Simulation<Raft>| match sim
            .checker()
            .first_ack_at_or_after(HEAL)
        {
            Some(t) if t <= HEAL + 1_500 => Ok(()),
            other => Err(format!("no client command committed soon after the heal: {other:?}")),
        });
        println!("raft soak (bench): {}", r.summary());
        assert!(r.violated.is_empty() && r.check_failures == 0, "{}", r.explain_first());
        r.runs
    });
}

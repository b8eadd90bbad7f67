//! The clock protocols: throughput with every invariant on, the Lamport report's pairwise relations, and long
//! soaks (`cargo bench -p netsplit-core --bench clocks`).

use divan::counter::ItemsCount;
use netsplit_core::explore::{soak, Budget, FaultKind};
use netsplit_core::protocol::Protocol;
use netsplit_core::protocols::{lamport::Lamport, lamport_mutex::LamportMutex, lww::Lww};
use netsplit_core::rng::Rng;
use netsplit_core::scenario::{Scenario, Scheduled};
use netsplit_core::sim::Simulation;

fn main() {
    divan::main();
}

/// `nodes` nodes and one random protocol action every `every` ms for `until` ms (from the protocol's own
/// `random_action`), with a skewed, drifting clock on the first node.
fn workload<P: Protocol>(protocol: &str, nodes: usize, params: &str, every: u64, until: u64) -> Scenario {
    let ids: Vec<String> = (1..=nodes).map(|i| format!("\"n{i}\"")).collect();
    let mut s = Scenario::parse(&format!(
        r#"{{"format":1,"id":"bench","protocol":"{protocol}","nodes":[{}],"params":{params},
            "clocks":{{"n1":{{"offset":500,"drift":2000}}}},"runUntil":{until}}}"#,
        ids.join(",")
    ))
    .expect("valid workload");
    let mut rng = Rng::stream(7, 1);
    let mut t = 0;
    while t < until {
        if let Some(action) = P::random_action(&mut rng, &s, t) {
            s.schedule.push(Scheduled { at: t, action });
        }
        t += every;
    }
    s
}

fn run<P: Protocol>(s: &Scenario) -> u64 {
    let mut sim = Simulation::<P>::new(s).unwrap();
    sim.run_to_end();
    sim.events()
}

fn bench_events<P: Protocol>(b: divan::Bencher<'_, '_>, s: &Scenario) {
    b.counter(ItemsCount::new(run::<P>(s))).bench(|| run::<P>(s));
}

/// 8 processes, a local or send event every ms for 10 s.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn lamport_8_nodes(b: divan::Bencher<'_, '_>) {
    bench_events::<Lamport>(b, &workload::<Lamport>("lamport", 8, "{}", 1, 10_000));
}

/// 5 processes, a request or release every 2 ms for 10 s.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn lamport_mutex_5_nodes(b: divan::Bencher<'_, '_>) {
    bench_events::<LamportMutex>(b, &workload::<LamportMutex>("lamport-mutex", 5, "{}", 2, 10_000));
}

/// 5 replicas in Lamport mode, a read or write every ms for 10 s.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn lww_lamport_5_replicas(b: divan::Bencher<'_, '_>) {
    bench_events::<Lww>(b, &workload::<Lww>("lww", 5, r#"{"tsMode":"lamport"}"#, 1, 10_000));
}

/// 5 replicas in physical mode (the checker reports causal losses as it goes).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn lww_physical_5_replicas(b: divan::Bencher<'_, '_>) {
    bench_events::<Lww>(b, &workload::<Lww>("lww", 5, r#"{"tsMode":"physical"}"#, 1, 10_000));
}

/// The Lamport report (total order, every concurrent pair, every inversion) for about 1,000 events.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn lamport_report_1000_events(b: divan::Bencher<'_, '_>) {
    let s = workload::<Lamport>("lamport", 4, "{}", 1, 700);
    let mut sim = Simulation::<Lamport>::new(&s).unwrap();
    sim.run_to_end();
    b.counter(ItemsCount::new(sim.checker().events().len())).bench(|| sim.report());
}

fn long_soak<P: Protocol>(name: &str, base: Scenario, kinds: &[FaultKind], runs: u64) -> u64 {
    let mut budget = Budget::new(kinds, 150, 1200);
    budget.max_outage = 200;
    let r = soak::<P>(&base, &budget, 0..runs, 2, false, &|_| Ok(()));
    println!("{name}: {}", r.summary());
    assert!(r.violated.is_empty(), "{}", r.explain_first());
    r.events
}

/// 50,000 schedules: LC-* with crashes and clock faults.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn soak_lamport_50k() -> u64 {
    let kinds = [FaultKind::Client, FaultKind::Client, FaultKind::Crash, FaultKind::Pause, FaultKind::Clock];
    long_soak::<Lamport>("lamport", workload::<Lamport>("lamport", 4, "{}", 100, 1500), &kinds, 50_000)
}

/// 50,000 schedules: ME-Exclusion and ME-Order on reliable FIFO links with clock faults.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn soak_lamport_mutex_50k() -> u64 {
    let kinds = [FaultKind::Client, FaultKind::Client, FaultKind::Clock];
    long_soak::<LamportMutex>(
        "lamport-mutex",
        workload::<LamportMutex>("lamport-mutex", 4, "{}", 100, 2500),
        &kinds,
        50_000,
    )
}

/// 50,000 schedules: LWW in Lamport mode never loses a causally later write, whatever the network does.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn soak_lww_lamport_50k() -> u64 {
    let kinds = [
        FaultKind::Client,
        FaultKind::Client,
        FaultKind::Clock,
        FaultKind::Crash,
        FaultKind::Pause,
        FaultKind::Partition,
        FaultKind::Drop,
        FaultKind::Delay,
        FaultKind::Duplicate,
    ];
    long_soak::<Lww>("lww lamport", workload::<Lww>("lww", 3, r#"{"tsMode":"lamport"}"#, 100, 1500), &kinds, 50_000)
}

//! Kernel throughput: events per second on the link workload (`cargo xtask bench`).
//!
//! Target (issue 3): at least 3,000,000 events/s natively.

use divan::counter::ItemsCount;
use netsplit_core::protocol::Protocol;
use netsplit_core::protocols::erased::Erased;
use netsplit_core::protocols::link::Link;
use netsplit_core::scenario::Scenario;
use netsplit_core::sim::Simulation;

#[path = "workload.rs"]
mod workload;

fn main() {
    divan::main();
}

/// Runs the workload to its end in the kernel compiled for `P`; returns the number of events.
fn run<P: Protocol>(s: &Scenario) -> u64 {
    let mut sim = Simulation::<P>::new_unconstrained(s).unwrap();
    sim.run_to_end();
    sim.events()
}

fn events(until: u64) -> u64 {
    run::<Link>(&workload::link_all_to_all(2, until))
}

/// 10 s of simulated time, five nodes sending to each other every 2 ms.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn link_5_nodes_all_to_all(b: divan::Bencher<'_, '_>) {
    let s = workload::link_all_to_all(2, 10_000);
    b.counter(ItemsCount::new(events(10_000))).bench(|| run::<Link>(&s));
}

/// The same workload with the full trace recorded (what the browser does for the diagram).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn link_5_nodes_all_to_all_recording(b: divan::Bencher<'_, '_>) {
    let s = workload::link_all_to_all(2, 10_000);
    b.counter(ItemsCount::new(events(10_000))).bench(|| {
        let mut sim = Simulation::<Link>::new_unconstrained(&s).unwrap();
        sim.set_recording(true);
        let mut n = 0;
        while sim.next_time().is_some_and(|t| t <= 10_000) {
            sim.step();
            n += sim.take_trace().len();
        }
        n
    });
}

/// The same workload in the type-erased kernel that the app, the CLI and the explorer run (one kernel for every
/// protocol; see `protocols::erased`): what the erasure costs.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn link_5_nodes_all_to_all_erased(b: divan::Bencher<'_, '_>) {
    let s = workload::link_all_to_all(2, 10_000);
    b.counter(ItemsCount::new(events(10_000))).bench(|| run::<Erased>(&s));
}

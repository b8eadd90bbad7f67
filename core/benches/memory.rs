//! Peak memory of a one-hour simulated run with seeking enabled (`cargo xtask bench`).
//!
//! Target (issue 3): at most 64 MB peak RSS. Runs the kernel workload for 3,600,000 ms of simulated time
//! through a `Seeker` (checkpoints, trace kept up to its cap), seeks back to the middle and to the start and
//! forward again, and prints VmHWM from /proc/self/status.

use netsplit_core::run::Run;
use netsplit_core::seek::Seeker;
use netsplit_core::sim::Simulation;
use std::time::Instant;

#[path = "workload.rs"]
mod workload;

#[path = "rss.rs"]
mod rss;
use rss::peak_rss_kb;

fn main() {
    const HOUR: u64 = 3_600_000;
    let s = workload::link_all_to_all(10, HOUR);
    let sim = Simulation::<netsplit_core::protocols::link::Link>::new_unconstrained(&s).unwrap();
    let run: Box<dyn Run> = Box::new(sim);
    let start = Instant::now();
    let mut seeker = Seeker::new(run);
    seeker.run_to_end();
    let forward = start.elapsed();
    let events = seeker.events();
    let t = Instant::now();
    seeker.seek(HOUR / 2);
    let back_mid = t.elapsed();
    let t = Instant::now();
    seeker.seek(1000);
    seeker.seek(HOUR);
    let back_forth = t.elapsed();
    println!(
        "memory: 1 h simulated ({events} events, {} checkpoints, {} trace records kept) in {:.1} s; \
         seek to the middle {:.0} ms, to the start and back to the end {:.0} ms; peak RSS {} MB",
        seeker.checkpoints(),
        seeker.trace().len(),
        forward.as_secs_f64(),
        back_mid.as_secs_f64() * 1000.0,
        back_forth.as_secs_f64() * 1000.0,
        peak_rss_kb().map_or("unknown".to_string(), |k| format!("{:.1}", k as f64 / 1024.0)),
    );
}

//! Seeking in a ten-minute RAFT-stress run, natively (`cargo xtask bench`).
//!
//! The browser benchmark (`e2e/bench.mjs`) times the same seeks through the app, where they must take at most
//! 100 ms (issue 7). This one shows what the core's part costs and what the checkpoints hold: it runs the preset
//! for 600,000 ms through a `Seeker`, then makes the browser benchmark's 25 seeks (same pseudo-random times), and
//! prints the event count, the checkpoints, the seek times and the peak RSS.

use netsplit_core::run::load;
use netsplit_core::scenario::Scenario;
use netsplit_core::seek::Seeker;
use std::time::Instant;

#[path = "rss.rs"]
mod rss;
use rss::peak_rss_kb;

fn main() {
    const RUN: u64 = 600_000;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/RAFT-stress.json");
    let mut s = Scenario::parse(&std::fs::read_to_string(path).expect("reading RAFT-stress.json")).unwrap();
    s.run_until = RUN;
    s.expect = None;
    let start = Instant::now();
    let mut seeker = Seeker::new(load(&s).unwrap());
    seeker.run_to_end();
    let forward = start.elapsed();
    // The browser benchmark's sequence: x ← (x · 1103515245 + 12345) mod 2³¹, t = ⌊x / 2³¹ · 600,000⌋.
    let mut x: u64 = 12345;
    let mut times = Vec::new();
    for _ in 0..25 {
        x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
        let t = (x as f64 / 2_147_483_648.0 * RUN as f64) as u64;
        let t0 = Instant::now();
        seeker.seek(t);
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "seek: 10-minute RAFT-stress run ({} events, {} checkpoints) computed in {:.1} s; 25 seeks: median {:.1} ms, \
         max {:.1} ms; peak RSS {:.1} MB",
        seeker.frontier(),
        seeker.checkpoints(),
        forward.as_secs_f64(),
        times[12],
        times[24],
        peak_rss_kb().unwrap_or(0) as f64 / 1024.0,
    );
}

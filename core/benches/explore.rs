//! Counterexample search benchmarks (`cargo bench -p netsplit-core --bench explore`): prints a table.
//!
//! * Random exploration throughput: complete random schedules per second (one thread, every invariant checked
//!   after every event) for 2PC with 3 nodes and every fault kind (target ≥ 5,000 runs/s natively).
//! * For each known-buggy configuration (the same as `core/tests/explore.rs`): runs and time to find a violation of
//!   the sought invariant, from five independent seed ranges, then the shrink of the first one (runs, time, and the
//!   size before and after: schedule entries plus fault rules; target ≤ 6 where the known minimal counterexample is
//!   that small). Raft's Figure 8 is the deep one; it is also searched on two threads.
//! * For the correct configurations: runs done with nothing found.
//! * The bounded exhaustive mode: 2PC (scenario 2PC-1) at growing depths with drops, and Lamport's mutual
//!   exclusion, where it finds the reordering.

use netsplit_core::explore::{search_parallel, shrink, Budget, Exhaustive, ExploreConfig, Explorer, FaultKind};
use netsplit_core::scenario::Scenario;
use std::time::Instant;

fn scenario(doc: &str) -> Scenario {
    Scenario::parse(doc).expect("valid scenario")
}

fn budget(kinds: &[FaultKind], max: usize, to: u64, outage: u64) -> Budget {
    let mut b = Budget::new(kinds, max, to);
    b.max_outage = outage;
    b
}

fn two_pc(params: &str) -> Scenario {
    scenario(&format!(
        r#"{{"format":1,"id":"2pc-explore","protocol":"2pc","nodes":["TC","K","S"],"params":{{{params}}},
            "schedule":[{{"at":0,"submit":{{"node":"TC","txid":"T1"}}}}],"runUntil":1500}}"#
    ))
}

fn raft(params: &str, until: u64) -> Scenario {
    scenario(&format!(
        r#"{{"format":1,"id":"raft-explore","protocol":"raft","nodes":["n1","n2","n3"],"params":{{{params}}},
            "runUntil":{until}}}"#
    ))
}

fn three_pc() -> Scenario {
    scenario(
        r#"{"format":1,"id":"3pc-explore","protocol":"3pc","nodes":["C","P1","P2","P3"],
            "schedule":[{"at":0,"submit":{"node":"C","txid":"T1"}}],"runUntil":2000}"#,
    )
}

fn config(base: Scenario, budget: Budget, seeds: std::ops::Range<u64>, invariant: &str) -> ExploreConfig {
    let invariants = if invariant.is_empty() { Vec::new() } else { vec![invariant.to_string()] };
    ExploreConfig { base, budget, seeds, invariants, exhaustive: None }
}

fn throughput(name: &str, base: Scenario, b: Budget, runs: u64) {
    let mut best = 0.0f64;
    let mut events = 0;
    for rep in 0..3 {
        let mut ex = Explorer::new(config(base.clone(), b.clone(), rep * runs..(rep + 1) * runs, "")).unwrap();
        let start = Instant::now();
        let p = ex.run_batch(runs).clone();
        let rate = p.runs as f64 / start.elapsed().as_secs_f64();
        assert!(p.found.is_none(), "{name}: a correct configuration broke {:?}", p.found.map(|c| c.violation));
        best = best.max(rate);
        events = p.events;
    }
    println!("| {name} | {runs} | {events} | {best:.0} |");
}

fn buggy(name: &str, base: Scenario, b: Budget, invariant: &str, max_runs: u64, threads: usize) {
    let mut finds = Vec::new();
    let mut first = None;
    for k in 0..5u64 {
        let seeds = k * 1_000_000..k * 1_000_000 + max_runs;
        let cfg = config(base.clone(), b.clone(), seeds, invariant);
        let start = Instant::now();
        let p = search_parallel(&cfg, threads, 256, &mut |_| true).unwrap();
        let secs = start.elapsed().as_secs_f64();
        match p.found {
            Some(c) => {
                finds.push((p.runs, secs));
                first.get_or_insert(c);
            }
            None => finds.push((u64::MAX, secs)),
        }
    }
    let cex = first.unwrap_or_else(|| panic!("{name}: no {invariant} violation in 5 × {max_runs} runs"));
    let start = Instant::now();
    let s = shrink(&cex, 5_000);
    let shrink_secs = start.elapsed().as_secs_f64();
    let found: Vec<String> = finds
        .iter()
        .map(|(r, t)| if *r == u64::MAX { format!("none ({t:.2} s)") } else { format!("{r} ({:.3} s)", t) })
        .collect();
    let mut times: Vec<f64> = finds.iter().map(|f| f.1).collect();
    times.sort_by(f64::total_cmp);
    println!(
        "| {name} | {invariant} | {} | {:.3} s | {} runs, {:.3} s | {} → {} |",
        found.join(", "),
        times[2],
        s.runs,
        shrink_secs,
        cex.size(),
        s.size
    );
}

fn exhaustive(name: &str, base: Scenario, depth: usize, drops: bool, invariant: &str) {
    let cfg = ExploreConfig {
        exhaustive: Some(Exhaustive { depth, drops }),
        invariants: if invariant.is_empty() { Vec::new() } else { vec![invariant.to_string()] },
        ..ExploreConfig::new(base)
    };
    let mut ex = Explorer::new(cfg).unwrap();
    let start = Instant::now();
    while !ex.run_batch(10_000).done {}
    let secs = start.elapsed().as_secs_f64();
    let p = ex.progress();
    let found = p.found.as_ref().map_or("none".to_string(), |c| {
        format!("{} at t={} ({} rules)", c.violation.invariant, c.violation.at, c.scenario.faults.len())
    });
    println!("| {name} | {depth} | {} | {} | {} | {found} | {secs:.2} s |", p.runs, p.states, p.repeats);
}

fn main() {
    println!("Random exploration throughput (one thread, complete runs, every invariant):\n");
    println!("| configuration | runs | events | runs/s (best of 3) |\n|---|---|---|---|");
    throughput(
        "2PC, 3 nodes, every fault kind (target ≥ 5,000 runs/s)",
        two_pc(""),
        budget(&FaultKind::ALL, 8, 150, 400),
        50_000,
    );
    let crash_only = [FaultKind::Crash, FaultKind::CrashOn, FaultKind::Duplicate, FaultKind::Client];
    let mut b3 = budget(&crash_only, 8, 200, 400);
    b3.max_delay = 2;
    let slack = scenario(
        r#"{"format":1,"id":"3pc-explore","protocol":"3pc","nodes":["C","P1","P2","P3"],
            "params":{"T_collect":50,"T_tack":50},
            "schedule":[{"at":0,"submit":{"node":"C","txid":"T1"}}],"runUntil":2000}"#,
    );
    throughput("3PC, 4 nodes, crash failures within its assumptions", slack, b3, 50_000);
    let kinds: Vec<FaultKind> = FaultKind::ALL.into_iter().filter(|k| *k != FaultKind::CrashOn).collect();
    throughput(
        "Raft, 3 servers, modelled client, every fault kind but crash hooks",
        raft(r#""clientEvery":100"#, 2_000),
        budget(&kinds, 20, 1_500, 300),
        10_000,
    );

    println!("\nKnown-buggy configurations: runs (time) to find from five seed ranges, median time, shrink:\n");
    println!("| configuration | invariant | runs to find (time) | median | shrink | size |\n|---|---|---|---|---|---|");
    buggy(
        "3PC, partitions, crashes, delays",
        three_pc(),
        budget(&[FaultKind::Partition, FaultKind::Crash, FaultKind::Delay], 4, 80, 600),
        "AC-Agreement",
        100_000,
        1,
    );
    let kinds = [FaultKind::Crash, FaultKind::CrashOn, FaultKind::Drop, FaultKind::Delay, FaultKind::Client];
    buggy(
        "2PC, coordinatorLogsDecision=false",
        two_pc(r#""coordinatorLogsDecision": false"#),
        budget(&kinds, 8, 150, 400),
        "AC-Agreement",
        100_000,
        1,
    );
    // Figure 8: leaders isolated when the fault comes due, on one thread and two, then blind partitions (the
    // search before `isolate` existed) for comparison.
    let figure8 = [
        ("Raft, buggyCommitPreviousTerm, client every 50 ms, leaders isolated", FaultKind::Isolate, 400, 1),
        ("the same on 2 threads (search_parallel)", FaultKind::Isolate, 400, 2),
        ("the same with blind partitions (no isolation of the leader)", FaultKind::Partition, 300, 2),
    ];
    for (name, kind, outage, threads) in figure8 {
        let base = raft(r#""clientEvery":50,"buggyCommitPreviousTerm":true"#, 2_500);
        buggy(name, base, budget(&[kind], 10, 1_500, outage), "R-LC", 200_000, threads);
    }
    buggy(
        "Raft, persistVotedFor=false, short crashes",
        raft(r#""clientEvery":100,"persistVotedFor":false"#, 2_000),
        budget(&[FaultKind::Crash, FaultKind::Client], 40, 2_000, 20),
        "R-ES",
        100_000,
        1,
    );
    buggy(
        "LWW physical timestamps, skewed clocks",
        scenario(
            r#"{"format":1,"id":"lww-explore","protocol":"lww","nodes":["n1","n2","n3"],
                "params":{"tsMode":"physical"},"clocks":{"n1":{"offset":300,"drift":5000}},"runUntil":1500}"#,
        ),
        budget(&[FaultKind::Client, FaultKind::Clock], 40, 1_200, 200),
        "LWW-CausalLoss",
        100_000,
        1,
    );
    buggy(
        "Lamport mutex, delay rules (reordering)",
        scenario(
            r#"{"format":1,"id":"mutex-explore","protocol":"lamport-mutex","nodes":["P1","P2","P3"],"runUntil":2500}"#,
        ),
        budget(&[FaultKind::Client, FaultKind::Delay], 40, 1_500, 200),
        "ME-Exclusion",
        100_000,
        1,
    );

    println!("\nBounded exhaustive mode:\n");
    println!("| scenario | depth | runs | states | repeats skipped | found | time |\n|---|---|---|---|---|---|---|");
    let two_pc_1 = scenario(include_str!("../scenarios/2PC-1.json"));
    for depth in [8, 12, 16] {
        exhaustive("2PC-1, with drops", two_pc_1.clone(), depth, true, "");
    }
    let mutex = scenario(
        r#"{"format":1,"id":"mutex-2","protocol":"lamport-mutex","nodes":["P1","P2"],
            "schedule":[{"at":0,"request":"P1"},{"at":5,"request":"P2"},{"at":100,"release":"P2"},
                        {"at":120,"release":"P1"}],"runUntil":300}"#,
    );
    exhaustive("Lamport mutex, 2 processes", mutex, 6, false, "ME-Exclusion");
}

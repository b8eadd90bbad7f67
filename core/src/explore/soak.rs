//! Soaks: thousands of seeded random schedules with every invariant on.
//!
//! A correct protocol must never break a safety invariant whatever the schedule; a deliberately broken one (or a
//! protocol outside its assumptions, such as 3PC under partitions) must be caught. Either way the seed and the
//! scenario document reproduce any run.

use super::random::{random_scenario, Budget};
use crate::check::Violation;
use crate::protocol::Protocol;
use crate::scenario::Scenario;
use crate::sim::Simulation;
use crate::vecmap::VecMap;
use std::ops::Range;

/// A run that broke something.
#[derive(Clone, Debug)]
pub struct Failure {
    /// The seed of the random schedule.
    pub seed: u64,
    /// The scenario that reproduces it.
    pub scenario: Scenario,
    /// The violations (or the extra check's complaint).
    pub why: String,
    /// The first violation of each invariant.
    pub violations: Vec<Violation>,
}

/// What a soak found.
#[derive(Clone, Debug, Default)]
pub struct SoakResult {
    /// Schedules run.
    pub runs: u64,
    /// Events processed over all runs.
    pub events: u64,
    /// For each invariant: how many runs broke it.
    pub violated: VecMap<&'static str, u64>,
    /// Runs the extra check rejected.
    pub check_failures: u64,
    /// The first failing run (smallest seed).
    pub first: Option<Failure>,
}

impl SoakResult {
    fn merge(&mut self, o: SoakResult) {
        self.runs += o.runs;
        self.events += o.events;
        for (k, v) in o.violated {
            *self.violated.entry(k).or_default() += v;
        }
        self.check_failures += o.check_failures;
        self.first = match (self.first.take(), o.first) {
            (Some(a), Some(b)) => Some(if a.seed <= b.seed { a } else { b }),
            (a, b) => a.or(b),
        };
    }

    /// A one-line summary: runs, events and violations per invariant.
    pub fn summary(&self) -> String {
        let v: Vec<String> = self.violated.iter().map(|(k, n)| format!("{k}: {n}")).collect();
        format!(
            "{} runs, {} events, violations: {}{}",
            self.runs,
            self.events,
            if v.is_empty() { "none".to_string() } else { v.join(", ") },
            if self.check_failures > 0 {
                format!(", extra check failed {} times", self.check_failures)
            } else {
                String::new()
            }
        )
    }

    /// The first failure formatted for a test message: seed, reason and the scenario JSON to reproduce it.
    pub fn explain_first(&self) -> String {
        match &self.first {
            None => "no failure".into(),
            Some(f) => format!(
                "seed {}: {}\nreproduce with `netsplit run` on:\n{}",
                f.seed,
                f.why,
                serde_json::to_string(&f.scenario.to_json()).unwrap_or_default()
            ),
        }
    }
}

/// Runs one random schedule per seed. `check` may add a protocol-specific verdict (e.g. liveness after the last
/// fault healed); `stop_early` ends the soak at the first failure. `threads` splits the seeds.
pub fn soak<P: Protocol>(
    base: &Scenario,
    budget: &Budget,
    seeds: Range<u64>,
    threads: usize,
    stop_early: bool,
    check: &(dyn Fn(&Simulation<P>) -> Result<(), String> + Sync),
) -> SoakResult {
    let threads = threads.clamp(1, 16) as u64;
    let span = seeds.end.saturating_sub(seeds.start);
    let chunk = span.div_ceil(threads).max(1);
    let mut total = SoakResult::default();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                let lo = seeds.start + k * chunk;
                let hi = (lo + chunk).min(seeds.end);
                scope.spawn(move || soak_range::<P>(base, budget, lo..hi, stop_early, check))
            })
            .collect();
        for h in handles {
            total.merge(h.join().expect("soak thread panicked"));
        }
    });
    total
}

fn soak_range<P: Protocol>(
    base: &Scenario,
    budget: &Budget,
    seeds: Range<u64>,
    stop_early: bool,
    check: &(dyn Fn(&Simulation<P>) -> Result<(), String> + Sync),
) -> SoakResult {
    let mut r = SoakResult::default();
    for seed in seeds {
        let s = random_scenario::<P>(base, budget, seed);
        let mut sim = match Simulation::<P>::new(&s) {
            Ok(sim) => sim,
            Err(e) => panic!("random scenario {seed} is invalid: {e}"),
        };
        sim.run_to_end();
        r.runs += 1;
        r.events += sim.events();
        let first = sim.first_violations().to_vec();
        for v in &first {
            *r.violated.entry(v.invariant).or_default() += 1;
        }
        let extra = check(&sim);
        if extra.is_err() {
            r.check_failures += 1;
        }
        if (!first.is_empty() || extra.is_err()) && r.first.is_none() {
            let mut why: Vec<String> =
                first.iter().map(|v| format!("{}@{}: {}", v.invariant, v.at, v.detail)).collect();
            if let Err(e) = extra {
                why.push(e);
            }
            r.first = Some(Failure { seed, scenario: s, why: why.join("; "), violations: first });
        }
        if stop_early && r.first.is_some() {
            break;
        }
    }
    r
}

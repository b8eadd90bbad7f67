//! Counterexample search: seeded random schedules (or, for small configurations, every interleaving of deliveries
//! up to a depth) until one breaks a sought invariant.
//!
//! An [`Explorer`] owns a base scenario, a fault [`Budget`], a seed range and the invariants it looks for (all of
//! the protocol's, or a chosen list of ids). Each run takes the next seed, asks [`crate::run::plan_for`] for the
//! base plus seeded random faults within the budget, and runs it with every invariant checked after every event,
//! stopping at the first broken invariant it is looking for. The search is incremental: the caller hands it a
//! number of runs per call ([`Explorer::run_batch`]) and decides itself when to stop (a run budget, a wall-clock
//! budget, a cancel button): the core never reads a clock and never starts a thread, so the same code runs in a
//! Web Worker and on the command line, and the same configuration always finds the same counterexample.
//!
//! What it finds is a [`Counterexample`]: a plain scenario that reproduces the violation when run. The shrinker
//! ([`super::shrink`]) then reduces it to a small one.

use super::exhaustive::Dfs;
use super::random::{isolate, Budget, FaultKind, Isolation};
use crate::check::{InvariantInfo, Violation};
use crate::protocol::NodeId;
use crate::run::{load, plan_for, Run};
use crate::scenario::read::err;
use crate::scenario::{Scenario, ScenarioError, MAX_TIME};
use serde_json::{json, Value};
use std::ops::Range;

/// Settings of the bounded exhaustive mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exhaustive {
    /// Most branching decisions along one schedule (which pending delivery comes next, or whether the next timer
    /// or scripted action goes first); after that the run continues in the kernel's own order.
    pub depth: usize,
    /// Also try losing each pending delivery.
    pub drops: bool,
}

/// Deepest exhaustive search accepted.
pub const MAX_DEPTH: usize = 64;

/// What to search for and where.
#[derive(Clone, Debug)]
pub struct ExploreConfig {
    /// The scenario every schedule starts from (its own schedule and faults are kept).
    pub base: Scenario,
    /// The random faults each schedule may add.
    pub budget: Budget,
    /// Seeds of the random schedules, tried in order.
    pub seeds: Range<u64>,
    /// Invariant ids sought; empty for every invariant of the protocol.
    pub invariants: Vec<String>,
    /// When set: explore interleavings of the base scenario instead of random schedules.
    pub exhaustive: Option<Exhaustive>,
}

impl ExploreConfig {
    /// A random search from `base` with [`ExploreConfig::default_budget`], seeds from 0, every invariant.
    pub fn new(base: Scenario) -> Self {
        let budget = Self::default_budget(&base);
        ExploreConfig { base, budget, seeds: 0..u64::MAX, invariants: Vec::new(), exhaustive: None }
    }

    /// Every fault kind, at most 6 faults starting in the first half of the run, outages up to a quarter of it.
    pub fn default_budget(base: &Scenario) -> Budget {
        let half = (base.run_until / 2).max(1);
        let mut b = Budget::new(&FaultKind::ALL, 6, half);
        b.max_outage = (base.run_until / 4).clamp(2, 500);
        b
    }
}

/// A schedule that breaks a sought invariant.
#[derive(Clone, Debug)]
pub struct Counterexample {
    /// The scenario that reproduces it (the base plus the faults found).
    pub scenario: Scenario,
    /// The first broken invariant sought.
    pub violation: Violation,
    /// Every invariant broken up to that point (the first violation of each).
    pub violations: Vec<Violation>,
    /// The seed of the random schedule (`None` in exhaustive mode).
    pub seed: Option<u64>,
    /// Id of the base scenario.
    pub base_id: String,
    /// Runs done when it was found, this one included.
    pub runs: u64,
}

impl Counterexample {
    /// Schedule entries plus fault rules: the size the shrinker reduces.
    pub fn size(&self) -> usize {
        self.scenario.schedule.len() + self.scenario.faults.len()
    }
}

/// Where a search stands.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    /// Schedules run to their end or to a violation.
    pub runs: u64,
    /// Events processed over all runs.
    pub events: u64,
    /// Exhaustive mode: distinct states branched from.
    pub states: u64,
    /// Exhaustive mode: states skipped because they were already explored.
    pub repeats: u64,
    /// Nothing more to do: a counterexample was found, or the seeds (or the interleavings) are exhausted.
    pub done: bool,
    /// The counterexample, once found.
    pub found: Option<Counterexample>,
}

/// Which invariants a run is looking for.
#[derive(Clone, Debug, Default)]
pub(crate) struct Target {
    ids: Vec<String>,
}

impl Target {
    pub(crate) fn new(ids: &[String]) -> Self {
        Target { ids: ids.to_vec() }
    }

    pub(crate) fn wants(&self, id: &str) -> bool {
        self.ids.is_empty() || self.ids.iter().any(|x| x == id)
    }

    /// The first sought violation among `vs[from..]`.
    pub(crate) fn first_in(&self, vs: &[Violation], from: usize) -> Option<Violation> {
        vs.get(from..).and_then(|new| new.iter().find(|v| self.wants(v.invariant)).cloned())
    }
}

/// Runs to `runUntil`, stopping right after the event that breaks a sought invariant; returns that violation.
pub(crate) fn run_to_violation(run: &mut dyn Run, target: &Target) -> Option<Violation> {
    run_aiming(run, target, &[], &mut Vec::new())
}

/// [`run_to_violation`], cutting off a node at each isolation as the run reaches it: the protocol's focus then
/// (Raft: the leader), else the isolation's fallback. The nodes cut off are appended to `aimed`, in order.
pub(crate) fn run_aiming(
    run: &mut dyn Run,
    target: &Target,
    isolations: &[Isolation],
    aimed: &mut Vec<NodeId>,
) -> Option<Violation> {
    let end = run.scenario().run_until;
    let n = run.scenario().nodes.len();
    if let Some(v) = target.first_in(run.first_violations(), 0) {
        return Some(v);
    }
    let mut seen = run.first_violations().len();
    let mut next = isolations.iter().filter(|i| i.at <= end).peekable();
    loop {
        // An isolation at `t` goes in once everything before `t` has happened, ahead of the events at `t`: where
        // `Plan::resolve` puts it, a schedule entry at `t` after the scenario's own.
        let limit = next.peek().map_or(end + 1, |i| i.at);
        if run.step_before(limit) {
            let now = run.first_violations().len();
            if now > seen {
                if let Some(v) = target.first_in(run.first_violations(), seen).filter(|v| v.at <= end) {
                    return Some(v);
                }
                seen = now;
            }
            continue;
        }
        let Some(i) = next.next() else { break };
        run.advance_to(i.at);
        let node = run.focus().unwrap_or(i.fallback);
        run.inject(isolate(node, n));
        aimed.push(node);
    }
    None
}

/// Checks the invariant ids against the protocol's catalogue.
pub(crate) fn check_invariants(known: &[InvariantInfo], ids: &[String], path: &str) -> Result<(), ScenarioError> {
    for id in ids {
        if !known.iter().any(|i| i.id == id) {
            let names: Vec<&str> = known.iter().map(|i| i.id).collect();
            return Err(err(path, format!("unknown invariant {id:?} (this protocol checks {})", names.join(", "))));
        }
    }
    Ok(())
}

/// A counterexample search over one base scenario.
pub struct Explorer {
    cfg: ExploreConfig,
    target: Target,
    next_seed: u64,
    dfs: Option<Dfs>,
    progress: Progress,
}

impl Explorer {
    /// Validates the configuration (the base scenario loads, the invariants exist, the budget is usable).
    pub fn new(cfg: ExploreConfig) -> Result<Explorer, ScenarioError> {
        let run = load(&cfg.base)?;
        check_invariants(&run.invariants(), &cfg.invariants, "invariants")?;
        let b = &cfg.budget;
        match cfg.exhaustive {
            Some(x) => {
                if x.depth == 0 || x.depth > MAX_DEPTH {
                    return Err(err("exhaustive.depth", format!("{} is not in 1..={MAX_DEPTH}", x.depth)));
                }
            }
            None => {
                if b.kinds.is_empty() {
                    return Err(err("faults", "no fault kinds to choose from"));
                }
                if b.max_faults == 0 {
                    return Err(err("maxFaults", "must be at least 1"));
                }
                if b.from >= b.to || b.to > MAX_TIME {
                    return Err(err(
                        "to",
                        format!("fault window [{}, {}) is empty or beyond {MAX_TIME}", b.from, b.to),
                    ));
                }
                if cfg.seeds.is_empty() {
                    return Err(err("seeds", "the seed range is empty"));
                }
                if !(0.0..=1.0).contains(&b.recover_probability) {
                    return Err(err("recoverProbability", "must be between 0 and 1"));
                }
            }
        }
        let target = Target::new(&cfg.invariants);
        let dfs = cfg.exhaustive.map(|x| Dfs::new(run, x));
        let next_seed = cfg.seeds.start;
        Ok(Explorer { cfg, target, next_seed, dfs, progress: Progress::default() })
    }

    /// The configuration.
    pub fn config(&self) -> &ExploreConfig {
        &self.cfg
    }

    /// Where the search stands.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Runs up to `max_runs` more schedules (fewer when it finds a counterexample or runs out of seeds) and
    /// returns the progress. Once done, further calls do nothing.
    pub fn run_batch(&mut self, max_runs: u64) -> &Progress {
        if self.progress.done {
            return &self.progress;
        }
        match self.dfs.as_mut() {
            Some(dfs) => {
                let found = dfs.run_batch(max_runs, &self.target, &mut self.progress);
                if let Some(hit) = found {
                    self.progress.found = Some(Counterexample {
                        scenario: hit.scenario,
                        violation: hit.violation,
                        violations: hit.violations,
                        seed: None,
                        base_id: self.cfg.base.id.clone(),
                        runs: self.progress.runs,
                    });
                    self.progress.done = true;
                }
            }
            None => {
                for _ in 0..max_runs {
                    if self.next_seed >= self.cfg.seeds.end {
                        self.progress.done = true;
                        break;
                    }
                    let seed = self.next_seed;
                    self.next_seed += 1;
                    if self.random_run(seed) {
                        self.progress.done = true;
                        break;
                    }
                }
                if self.next_seed >= self.cfg.seeds.end {
                    self.progress.done = true;
                }
            }
        }
        &self.progress
    }

    /// One random schedule; true when it broke a sought invariant.
    fn random_run(&mut self, seed: u64) -> bool {
        // The protocol was validated in `new`, and random schedules are valid scenarios (the soaks check this).
        let Ok(plan) = plan_for(&self.cfg.base, &self.cfg.budget, seed) else { return false };
        let Ok(mut run) = load(&plan.scenario) else { return false };
        let mut aimed = Vec::new();
        let hit = run_aiming(run.as_mut(), &self.target, &plan.isolations, &mut aimed);
        self.progress.runs += 1;
        self.progress.events += run.events();
        let Some(mut violation) = hit else { return false };
        let s = plan.resolve(&aimed);
        let mut violations = run.first_violations().to_vec();
        if !aimed.is_empty() {
            // The isolations were aimed during the run; the counterexample is the plain scenario, so it must fail
            // on its own. (It differs only if a node resumed from a pause in the very ms of an isolation.)
            let Ok(mut replay) = load(&s) else { return false };
            match run_to_violation(replay.as_mut(), &self.target) {
                Some(v) if v.invariant == violation.invariant => violation = v,
                _ => return false,
            }
            violations = replay.first_violations().to_vec();
        }
        self.progress.found = Some(Counterexample {
            scenario: s,
            violation,
            violations,
            seed: Some(seed),
            base_id: self.cfg.base.id.clone(),
            runs: self.progress.runs,
        });
        true
    }
}

/// A random search on several threads (native only: a Web Worker runs [`Explorer::run_batch`] instead).
///
/// The seeds are cut into consecutive blocks of `block` seeds; each round, `threads` explorers take the next
/// `threads` blocks in parallel. After a round with a counterexample, the one from the lowest block wins: it has the
/// smallest failing seed, since every earlier block was searched in full. So the result is exactly the single-thread
/// result, only sooner. `keep_going` sees the progress after each round (for a time budget or a progress line) and
/// ends the search by returning false. Exhaustive configurations run on the calling thread.
pub fn search_parallel(
    cfg: &ExploreConfig,
    threads: usize,
    block: u64,
    keep_going: &mut dyn FnMut(&Progress) -> bool,
) -> Result<Progress, ScenarioError> {
    let mut probe = Explorer::new(cfg.clone())?;
    if cfg.exhaustive.is_some() || threads <= 1 {
        loop {
            let p = probe.run_batch(block.max(1));
            if p.done || !keep_going(p) {
                return Ok(p.clone());
            }
        }
    }
    let block = block.max(1);
    let end = cfg.seeds.end;
    let mut total = Progress::default();
    let mut next = cfg.seeds.start;
    loop {
        if next >= end {
            total.done = true;
            return Ok(total);
        }
        let ranges: Vec<Range<u64>> = (0..threads as u64)
            .map(|k| {
                let lo = next.saturating_add(k.saturating_mul(block)).min(end);
                lo..lo.saturating_add(block).min(end)
            })
            .filter(|r| !r.is_empty())
            .collect();
        next = ranges.last().map_or(end, |r| r.end);
        let results: Vec<Progress> = std::thread::scope(|scope| {
            let handles: Vec<_> = ranges
                .iter()
                .map(|r| {
                    let cfg = ExploreConfig { seeds: r.clone(), ..cfg.clone() };
                    scope.spawn(move || {
                        let mut ex = Explorer::new(cfg).expect("validated above");
                        ex.run_batch(u64::MAX).clone()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("search thread panicked")).collect()
        });
        for p in results {
            total.runs += p.runs;
            total.events += p.events;
            if total.found.is_none() {
                total.found = p.found;
            }
        }
        if let Some(c) = total.found.as_mut() {
            c.runs = total.runs;
            total.done = true;
            return Ok(total);
        }
        if !keep_going(&total) {
            return Ok(total);
        }
    }
}

/// A violation as JSON, node ids spelled out.
pub fn violation_json(v: &Violation, ids: &[String]) -> Value {
    json!({
        "invariant": v.invariant,
        "at": v.at,
        "node": v.node.map_or(Value::Null, |n| json!(ids[n])),
        "detail": v.detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::Plan;
    use crate::time::Time;

    #[test]
    fn isolations_cut_off_the_leader_of_the_moment_and_replay_as_plain_partitions() {
        let base = Scenario::parse(
            r#"{"format":1,"id":"aim","protocol":"raft","nodes":["n1","n2","n3","n4","n5"],
                "params":{"clientEvery":100},"runUntil":3000}"#,
        )
        .expect("valid");
        let mut plan = Plan { scenario: base, isolations: Vec::new() };
        for (at, heal) in [(1000, 1400), (2000, 2300)] {
            plan.isolations.push(Isolation { at, fallback: 4 });
            plan.scenario.schedule.push(crate::scenario::Scheduled { at: heal, action: crate::scenario::Action::Heal });
        }
        // Who leads just before each isolation, seen from outside.
        let leader_at = |t: Time| {
            let mut r = load(&plan.resolve(&[])).expect("loads");
            r.advance_to(t);
            r.snapshot().nodes.iter().position(|n| n.proto.class == "leader").expect("a leader by then")
        };
        let mut run = load(&plan.scenario).expect("loads");
        let mut aimed = Vec::new();
        assert_eq!(run_aiming(run.as_mut(), &Target::new(&[]), &plan.isolations, &mut aimed), None);
        run.run_to_end();
        assert_eq!(aimed.len(), 2);
        assert_eq!(aimed[0], leader_at(1000), "the first isolation cuts off the leader");
        assert_ne!(aimed[1], aimed[0], "after the first cut a new leader was elected, and it is the one cut off next");
        let mut replay = load(&plan.resolve(&aimed)).expect("loads");
        replay.run_to_end();
        assert_eq!(replay.trace_hash(), run.trace_hash(), "the plain scenario replays the aimed run exactly");
        assert_eq!(replay.events(), run.events());
    }
}

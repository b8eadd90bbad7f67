//! The JSON face of the search, for the browser's Web Worker (and anything else that speaks JSON): a
//! configuration object in, progress objects out, search then shrink, a bounded number of runs per call.
//!
//! Configuration (every field but `scenario` optional; unknown fields are errors):
//!
//! ```text
//! { "scenario": { ...a scenario document... },
//!   "faults": ["crash", "partition", ...],        // fault kinds (FaultKind names); default: every kind
//!   "maxFaults": 6, "from": 0, "to": 1000,         // how many faults, starting in [from, to); default to: runUntil/2
//!   "maxDelay": 100, "maxOutage": 500,             // longest extra delay, longest crash/partition/pause
//!   "recoverProbability": 0.8, "healAllAt": null,  // recover crashed nodes; heal everything at a time
//!   "invariants": ["AC-Agreement"],                // sought invariant ids; default (or []): all
//!   "seed": 0, "seeds": 1000000,                   // first seed and how many
//!   "exhaustive": { "depth": 8, "drops": false },  // instead of random schedules: every delivery order
//!   "shrink": true, "maxShrinkRuns": 5000 }
//! ```
//!
//! Progress (returned by every [`Session::step`]):
//!
//! ```text
//! { "phase": "search" | "shrink" | "done",
//!   "runs": 1200, "events": 30000, "states": 0, "repeats": 0,   // states/repeats: exhaustive mode only
//!   "found": null | { "seed": 29, "runs": 30, "size": 11, "violation": {...}, "scenario": {...} },
//!   "shrink": null | { "runs": 80, "events": 900, "size": 4, "originalSize": 11, "done": false },
//!   "result": null | { "scenario": {...with expect...}, "violation": { "invariant", "at", "node", "detail" },
//!                      "violations": [...], "size": 4, "originalSize": 11, "runs": 93, "events": 1000 } }
//! ```
//!
//! `phase` is `"done"` when there is nothing more to do: then `result` holds the shrunk counterexample, or `found`
//! is `null` when the budget ran out without one. Runs per second are the caller's to measure (the core has no
//! clock).

use super::random::{Budget, FaultKind};
use super::search::{violation_json, Exhaustive, ExploreConfig, Explorer};
use super::shrink::{Shrinker, Shrunk};
use crate::run::load;
use crate::scenario::read::{as_bool, as_list, as_prob, as_str, as_u64, err, index, Obj};
use crate::scenario::{Scenario, ScenarioError, MAX_TIME};
use serde_json::{json, Value};

/// Default cap on shrink runs.
pub const DEFAULT_SHRINK_RUNS: u64 = 5_000;

/// A search followed by a shrink, driven a batch of runs at a time.
pub struct Session {
    explorer: Explorer,
    shrink: bool,
    max_shrink_runs: u64,
    shrinker: Option<Shrinker>,
    result: Option<Shrunk>,
}

fn parse_kinds(v: &Value) -> Result<Vec<FaultKind>, ScenarioError> {
    let mut out = Vec::new();
    for (i, x) in as_list(v, "faults", 100)?.iter().enumerate() {
        let p = index("faults", i);
        let name = as_str(x, &p, 20)?;
        let k = FaultKind::parse(name).ok_or_else(|| {
            let names: Vec<&str> = FaultKind::ALL.iter().map(|k| k.name()).collect();
            err(&p, format!("unknown fault kind {name:?} (one of {})", names.join(", ")))
        })?;
        out.push(k);
    }
    Ok(out)
}

/// Parses a search configuration (see the module documentation).
pub fn parse_config(v: &Value) -> Result<(ExploreConfig, bool, u64), ScenarioError> {
    let mut o = Obj::new(v, "")?;
    let base = Scenario::from_value(o.req("scenario")?).map_err(|e| {
        let path = if e.path.is_empty() { "scenario".to_string() } else { format!("scenario.{}", e.path) };
        err(&path, e.msg)
    })?;
    let mut cfg = ExploreConfig::new(base);
    if let Some(f) = o.opt("faults") {
        cfg.budget.kinds = parse_kinds(f)?.into_iter().collect();
    }
    let b: &mut Budget = &mut cfg.budget;
    if let Some(n) = o.opt_u64("maxFaults", 1000)? {
        b.max_faults = n as usize;
    }
    if let Some(t) = o.opt_u64("from", MAX_TIME)? {
        b.from = t;
    }
    if let Some(t) = o.opt_u64("to", MAX_TIME)? {
        b.to = t;
    }
    if let Some(t) = o.opt_u64("maxDelay", MAX_TIME)? {
        b.max_delay = t;
    }
    if let Some(t) = o.opt_u64("maxOutage", MAX_TIME)? {
        b.max_outage = t;
    }
    if let Some(p) = o.opt("recoverProbability") {
        b.recover_probability = as_prob(p, "recoverProbability")?;
    }
    match o.opt("healAllAt") {
        None | Some(Value::Null) => {}
        Some(t) => b.heal_all_at = Some(as_u64(t, "healAllAt", MAX_TIME)?),
    }
    if let Some(list) = o.opt("invariants") {
        for (i, x) in as_list(list, "invariants", 100)?.iter().enumerate() {
            cfg.invariants.push(as_str(x, &index("invariants", i), 60)?.to_string());
        }
    }
    let seed = o.opt_u64("seed", u64::MAX)?.unwrap_or(0);
    let count = o.opt_u64("seeds", u64::MAX)?.unwrap_or(u64::MAX);
    cfg.seeds = seed..seed.saturating_add(count);
    match o.opt("exhaustive") {
        None | Some(Value::Null) => {}
        Some(x) => {
            let mut xo = Obj::new(x, "exhaustive")?;
            let depth = xo.u64("depth", 1_000)? as usize;
            let drops = xo.opt("drops").map(|d| as_bool(d, "exhaustive.drops")).transpose()?.unwrap_or(false);
            xo.finish()?;
            cfg.exhaustive = Some(Exhaustive { depth, drops });
        }
    }
    let shrink = o.opt("shrink").map(|d| as_bool(d, "shrink")).transpose()?.unwrap_or(true);
    let max_shrink = o.opt_u64("maxShrinkRuns", u64::MAX)?.unwrap_or(DEFAULT_SHRINK_RUNS);
    o.finish()?;
    Ok((cfg, shrink, max_shrink))
}

/// What the search panel offers for a scenario: the protocol's invariants, the fault kinds and the default budget.
pub fn options_json(scenario: &Value) -> Result<Value, ScenarioError> {
    let s = Scenario::from_value(scenario)?;
    let run = load(&s)?;
    let b = ExploreConfig::default_budget(&s);
    let invariants: Vec<Value> = run.invariants().iter().map(|i| json!({"id": i.id, "summary": i.summary})).collect();
    Ok(json!({
        "invariants": invariants,
        "faults": FaultKind::ALL.iter().map(|k| k.name()).collect::<Vec<_>>(),
        "defaults": {
            "maxFaults": b.max_faults, "from": b.from, "to": b.to, "maxDelay": b.max_delay,
            "maxOutage": b.max_outage, "recoverProbability": b.recover_probability,
            "maxShrinkRuns": DEFAULT_SHRINK_RUNS,
        },
    }))
}

impl Session {
    /// Starts a session from a configuration object.
    pub fn from_json(v: &Value) -> Result<Session, ScenarioError> {
        let (cfg, shrink, max_shrink_runs) = parse_config(v)?;
        Session::new(cfg, shrink, max_shrink_runs)
    }

    /// Starts a session from a parsed configuration.
    pub fn new(cfg: ExploreConfig, shrink: bool, max_shrink_runs: u64) -> Result<Session, ScenarioError> {
        let explorer = Explorer::new(cfg)?;
        Ok(Session { explorer, shrink, max_shrink_runs, shrinker: None, result: None })
    }

    /// The search.
    pub fn explorer(&self) -> &Explorer {
        &self.explorer
    }

    /// The shrunk counterexample, once shrinking is over.
    pub fn result(&self) -> Option<&Shrunk> {
        self.result.as_ref()
    }

    /// True when there is nothing more to do.
    pub fn is_done(&self) -> bool {
        let p = self.explorer.progress();
        p.done && (p.found.is_none() || !self.shrink || self.result.is_some())
    }

    /// Does up to `max_runs` runs of whatever comes next (search, then shrink) and returns the progress.
    pub fn step(&mut self, max_runs: u64) -> Value {
        if !self.explorer.progress().done {
            self.explorer.run_batch(max_runs);
        } else if self.shrink && self.result.is_none() {
            if let Some(cex) = &self.explorer.progress().found {
                let max = self.max_shrink_runs;
                let sh = self.shrinker.get_or_insert_with(|| Shrinker::new(cex, max));
                if sh.run_batch(max_runs) {
                    self.result = Some(sh.finish());
                }
            }
        }
        self.progress()
    }

    /// Ends shrinking now, keeping the smallest failing schedule so far (a cancel button during the shrink).
    pub fn stop_shrinking(&mut self) -> Value {
        if self.result.is_none() {
            if let Some(cex) = &self.explorer.progress().found {
                let sh = self.shrinker.get_or_insert_with(|| Shrinker::new(cex, 0));
                self.result = Some(sh.finish());
            }
        }
        self.progress()
    }

    /// The progress object (see the module documentation).
    pub fn progress(&self) -> Value {
        let p = self.explorer.progress();
        let phase = if self.is_done() {
            "done"
        } else if p.done {
            "shrink"
        } else {
            "search"
        };
        let found = p.found.as_ref().map_or(Value::Null, |c| {
            json!({
                "seed": c.seed,
                "runs": c.runs,
                "size": c.size(),
                "violation": violation_json(&c.violation, &c.scenario.nodes),
                "scenario": c.scenario.to_json(),
            })
        });
        let shrink = self.shrinker.as_ref().map_or(Value::Null, |s| {
            json!({
                "runs": s.runs(), "events": s.events(), "size": s.size(), "originalSize": s.original_size(),
                "done": s.is_done(),
            })
        });
        json!({
            "phase": phase,
            "runs": p.runs,
            "events": p.events,
            "states": p.states,
            "repeats": p.repeats,
            "found": found,
            "shrink": shrink,
            "result": self.result.as_ref().map_or(Value::Null, Shrunk::to_json),
        })
    }
}

//! Shrinking: reducing a failing schedule to a small one that still breaks the same invariant.
//!
//! A counterexample from a random search carries every fault the seed drew, most of them irrelevant. The shrinker
//! treats the scenario's schedule entries and fault rules as one list of elements and tests candidates: a
//! candidate "fails" when running it breaks the same invariant (at any time; the run stops right there).
//!
//! 1. **Delta debugging** (Zeller and Hildebrandt's ddmin): split the elements into `n` chunks; keep a chunk alone
//!    if it fails, else drop a chunk if the rest fails, else split finer. The result is 1-minimal: removing any
//!    single element makes the violation disappear.
//! 2. **Simplification** of each remaining element, trying the simplest variants first: earlier and rounder times
//!    (0, then multiples of 1000, 100, 10, 5 below the current time), lower node indices, a partition that
//!    isolates one node, smaller clock steps, skews and drifts, shorter pauses; for fault rules: a count of 1,
//!    earlier and rounder windows, one sender, receiver or type instead of several, smaller delays, one copy.
//! 3. Both again, while anything changes (at most a few rounds).
//!
//! Every candidate tested is remembered by digest, so no schedule runs twice. Like the search, the shrinker is
//! incremental ([`Shrinker::run_batch`]) and deterministic. [`Shrinker::finish`] then builds the result: the final
//! scenario, cut short a little after the violation, with an `expect` block naming every invariant its run breaks
//! and when, so that `netsplit check` passes on it and the player can open it just before the violation.

use super::search::{run_to_violation, violation_json, Counterexample, Target};
use crate::check::Violation;
use crate::hash::TraceHasher;
use crate::protocol::NodeId;
use crate::run::load;
use crate::scenario::{Action, FaultRule, MsgMatch, Scenario, Scheduled};
use crate::time::Time;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::hash::Hasher;

/// How long the shrunk scenario runs on after the violation (ms).
pub const TAIL: Time = 100;
/// Largest schedule whose pairs of elements are tried together.
const PAIRS_UP_TO: usize = 16;
/// Rounds of ddmin plus simplification at most.
const ROUNDS: u32 = 4;

/// One schedule entry or fault rule.
#[derive(Clone, Debug, PartialEq)]
enum Elem {
    Sched(Scheduled),
    Fault(FaultRule),
}

#[derive(Clone, Debug)]
enum Stage {
    /// ddmin with `n` chunks; `complements` selects the second half of a pass; `i` the next chunk.
    Ddmin {
        n: usize,
        complements: bool,
        i: usize,
    },
    /// Removing elements `i < j` together (a crash and its recovery, a partition and its heal), for schedules of
    /// at most [`PAIRS_UP_TO`] elements.
    Pairs {
        i: usize,
        j: usize,
    },
    /// Simplifying element `k`: its candidate replacements and the next one to try.
    Simplify {
        k: usize,
        cands: Vec<Elem>,
        j: usize,
    },
    Done,
}

/// The shrunk counterexample.
#[derive(Clone, Debug)]
pub struct Shrunk {
    /// The scenario, with `title`, `description` and an `expect` block.
    pub scenario: Scenario,
    /// The sought invariant's violation in it (the player opens just before `at`).
    pub violation: Violation,
    /// Every invariant its run breaks (first violation of each), as listed in `expect`.
    pub violations: Vec<Violation>,
    /// Schedule entries plus fault rules.
    pub size: usize,
    /// The same, before shrinking.
    pub original_size: usize,
    /// Candidate runs.
    pub runs: u64,
    /// Events over all candidate runs.
    pub events: u64,
}

impl Shrunk {
    /// The result as JSON: the scenario document, the violation to position the player at, and the figures.
    pub fn to_json(&self) -> Value {
        let ids = &self.scenario.nodes;
        json!({
            "scenario": self.scenario.to_json(),
            "violation": violation_json(&self.violation, ids),
            "violations": self.violations.iter().map(|v| violation_json(v, ids)).collect::<Vec<_>>(),
            "size": self.size,
            "originalSize": self.original_size,
            "runs": self.runs,
            "events": self.events,
        })
    }
}

/// A shrink in progress.
pub struct Shrinker {
    template: Scenario,
    target: Target,
    invariant: &'static str,
    elems: Vec<Elem>,
    violation: Violation,
    stage: Stage,
    round: u32,
    changed: bool,
    tested: BTreeSet<u64>,
    runs: u64,
    events: u64,
    max_runs: u64,
    original_size: usize,
    seed: Option<u64>,
    base_id: String,
}

impl Shrinker {
    /// Starts shrinking a counterexample; at most `max_runs` candidates are run.
    pub fn new(cex: &Counterexample, max_runs: u64) -> Self {
        let s = &cex.scenario;
        let mut elems: Vec<Elem> = s.schedule.iter().cloned().map(Elem::Sched).collect();
        elems.extend(s.faults.iter().cloned().map(Elem::Fault));
        let mut template = s.clone();
        template.schedule.clear();
        template.faults.clear();
        template.expect = None;
        let invariant = cex.violation.invariant;
        let mut sh = Shrinker {
            template,
            target: Target::new(&[invariant.to_string()]),
            invariant,
            original_size: elems.len(),
            elems,
            violation: cex.violation.clone(),
            stage: Stage::Ddmin { n: 2, complements: false, i: 0 },
            round: 0,
            changed: false,
            tested: BTreeSet::new(),
            runs: 0,
            events: 0,
            max_runs,
            seed: cex.seed,
            base_id: cex.base_id.clone(),
        };
        let d = digest(&sh.elems);
        sh.tested.insert(d);
        sh
    }

    /// Candidate runs so far.
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// Events over all candidate runs so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Size of the smallest failing schedule so far (schedule entries plus fault rules).
    pub fn size(&self) -> usize {
        self.elems.len()
    }

    /// Size before shrinking.
    pub fn original_size(&self) -> usize {
        self.original_size
    }

    /// True when shrinking is over (nothing left to try, or the run budget is spent).
    pub fn is_done(&self) -> bool {
        matches!(self.stage, Stage::Done)
    }

    /// Tests up to `max_runs` more candidates; returns true when done.
    pub fn run_batch(&mut self, max_runs: u64) -> bool {
        let mut n = 0;
        while n < max_runs {
            if self.runs >= self.max_runs {
                self.stage = Stage::Done;
            }
            let Some(cand) = self.next_candidate() else { break };
            n += 1;
            let ok = self.test(&cand);
            self.feedback(ok, cand);
        }
        self.is_done()
    }

    /// Shrinks to the end (or the run budget) and returns the result.
    pub fn run(mut self) -> Shrunk {
        while !self.run_batch(1_000) {}
        self.finish()
    }

    fn scenario(&self, elems: &[Elem]) -> Scenario {
        let mut s = self.template.clone();
        for e in elems {
            match e {
                Elem::Sched(x) => s.schedule.push(x.clone()),
                Elem::Fault(f) => s.faults.push(f.clone()),
            }
        }
        s
    }

    /// Runs a candidate; true when it breaks the invariant.
    fn test(&mut self, elems: &[Elem]) -> bool {
        self.runs += 1;
        let s = self.scenario(elems);
        let Ok(mut run) = load(&s) else { return false };
        let hit = run_to_violation(run.as_mut(), &self.target);
        self.events += run.events();
        match hit {
            Some(v) => {
                self.violation = v;
                true
            }
            None => false,
        }
    }

    fn chunk(&self, n: usize, i: usize) -> (usize, usize) {
        let len = self.elems.len();
        (i * len / n, (i + 1) * len / n)
    }

    /// The next untested candidate, advancing the stage as passes end; `None` when done.
    fn next_candidate(&mut self) -> Option<Vec<Elem>> {
        loop {
            let cand = match self.stage.clone() {
                Stage::Done => return None,
                Stage::Ddmin { n, complements, i } => {
                    let len = self.elems.len();
                    if len < 2 {
                        self.stage = self.simplify_at(0);
                        continue;
                    }
                    if n > len {
                        self.stage = Stage::Ddmin { n: len, complements, i };
                        continue;
                    }
                    if i >= n {
                        self.stage = if !complements {
                            Stage::Ddmin { n, complements: true, i: 0 }
                        } else if n < len {
                            Stage::Ddmin { n: (2 * n).min(len), complements: false, i: 0 }
                        } else {
                            Stage::Pairs { i: 0, j: 1 }
                        };
                        continue;
                    }
                    self.stage = Stage::Ddmin { n, complements, i: i + 1 };
                    let (a, b) = self.chunk(n, i);
                    if !complements {
                        if n == 2 {
                            continue; // with two chunks a subset is the other chunk's complement
                        }
                        self.elems[a..b].to_vec()
                    } else {
                        let mut c = self.elems[..a].to_vec();
                        c.extend_from_slice(&self.elems[b..]);
                        c
                    }
                }
                Stage::Pairs { i, j } => {
                    let len = self.elems.len();
                    if len > PAIRS_UP_TO || i + 1 >= len {
                        self.stage = self.simplify_at(0);
                        continue;
                    }
                    if j >= len {
                        self.stage = Stage::Pairs { i: i + 1, j: i + 2 };
                        continue;
                    }
                    self.stage = Stage::Pairs { i, j: j + 1 };
                    let mut c = self.elems.clone();
                    c.remove(j);
                    c.remove(i);
                    c
                }
                Stage::Simplify { k, cands, j } => {
                    let Some(e) = cands.get(j) else {
                        self.stage = self.simplify_at(k + 1);
                        continue;
                    };
                    let mut c = self.elems.clone();
                    c[k] = e.clone();
                    self.stage = Stage::Simplify { k, cands, j: j + 1 };
                    c
                }
            };
            if self.tested.insert(digest(&cand)) {
                return Some(cand);
            }
        }
    }

    /// Simplification of element `k` (or, past the last element, the end of a round).
    fn simplify_at(&mut self, k: usize) -> Stage {
        if k < self.elems.len() {
            let cands = simplifications(&self.elems[k], self.template.nodes.len());
            return Stage::Simplify { k, cands, j: 0 };
        }
        self.round += 1;
        if self.changed && self.round < ROUNDS {
            self.changed = false;
            Stage::Ddmin { n: 2, complements: false, i: 0 }
        } else {
            Stage::Done
        }
    }

    fn feedback(&mut self, ok: bool, cand: Vec<Elem>) {
        if !ok {
            return;
        }
        self.changed = true;
        match &self.stage {
            Stage::Ddmin { n, complements, .. } => {
                let n = if *complements { n.saturating_sub(1).max(2) } else { 2 };
                self.elems = cand;
                self.stage = Stage::Ddmin { n, complements: false, i: 0 };
            }
            Stage::Pairs { .. } => {
                self.elems = cand;
                self.stage = Stage::Pairs { i: 0, j: 1 };
            }
            Stage::Simplify { k, .. } => {
                let k = *k;
                self.elems = cand;
                // Keep simplifying the same element from its new value.
                let cands = simplifications(&self.elems[k], self.template.nodes.len());
                self.stage = Stage::Simplify { k, cands, j: 0 };
            }
            Stage::Done => self.elems = cand,
        }
    }

    /// The result: the smallest failing scenario, cut short `TAIL` ms after the violation, with an `expect` block.
    pub fn finish(&self) -> Shrunk {
        let mut s = self.scenario(&self.elems);
        // The kernel runs equal times in listed order, so a stable sort by time changes nothing but readability.
        crate::sort::sort_by_key(&mut s.schedule, |e| e.at);
        let at = self.violation.at;
        s.run_until = s.run_until.min(at + TAIL);
        let mut violations = Vec::new();
        let mut violation = self.violation.clone();
        if let Ok(mut run) = load(&s) {
            run.run_to_end();
            violations = run.first_violations().to_vec();
            if let Some(v) = violations.iter().find(|v| v.invariant == self.invariant) {
                violation = v.clone();
            }
        }
        let base: String = self.base_id.chars().filter(|c| c.is_ascii_alphanumeric() || "_.-".contains(*c)).collect();
        let stem: String = base.chars().take(30).collect();
        s.id =
            format!("{stem}-cex-{}", self.invariant.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>())
                .chars()
                .take(40)
                .collect();
        s.title = Some(format!("{} broken at t={} (shrunk counterexample)", self.invariant, violation.at));
        let origin = match self.seed {
            Some(seed) => format!("the random schedule with seed {seed}"),
            None => "an exhaustive search of delivery orders".to_string(),
        };
        let detail: String = violation.detail.chars().take(2000).collect();
        let node = violation.node.map(|n| format!(" (node {})", s.nodes[n])).unwrap_or_default();
        s.description = Some(format!(
            "Found by netsplit explore from scenario {} ({origin}) and shrunk from {} to {} schedule entries and \
             fault rules in {} runs. {} breaks at t={}{node}: {detail}",
            self.base_id,
            self.original_size,
            self.elems.len(),
            self.runs,
            self.invariant,
            violation.at,
        ));
        let expect: Vec<Value> = violations.iter().map(|v| json!({"invariant": v.invariant, "at": v.at})).collect();
        s.expect = Some(json!({ "violations": expect }));
        Shrunk {
            size: self.elems.len(),
            scenario: s,
            violation,
            violations,
            original_size: self.original_size,
            runs: self.runs,
            events: self.events,
        }
    }
}

/// Shrinks a counterexample with at most `max_runs` candidate runs.
pub fn shrink(cex: &Counterexample, max_runs: u64) -> Shrunk {
    Shrinker::new(cex, max_runs).run()
}

struct DebugSink<'a>(&'a mut TraceHasher);

impl std::fmt::Write for DebugSink<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

fn digest(elems: &[Elem]) -> u64 {
    let mut h = TraceHasher::default();
    let _ = write!(DebugSink(&mut h), "{elems:?}");
    h.finish()
}

/// Values below `t`, simplest first: 0, then `t` rounded down to multiples of 1000, 100, 10 and 5.
fn earlier(t: u64) -> Vec<u64> {
    let mut out = Vec::new();
    for c in [0, t - t % 1000, t - t % 100, t - t % 10, t - t % 5] {
        if c < t && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Values of smaller magnitude than `v` and not 0, same sign, simplest first.
fn smaller_signed(v: i64) -> Vec<i64> {
    let sign = v.signum();
    earlier(v.unsigned_abs()).into_iter().filter(|x| *x > 0).map(|x| sign * x as i64).collect()
}

/// The action with its (single) node replaced, for actions addressed to one node.
fn with_node(a: &Action, n: NodeId) -> Option<Action> {
    Some(match a.clone() {
        Action::Crash(_) => Action::Crash(n),
        Action::Recover(_) => Action::Recover(n),
        Action::Timeout(_) => Action::Timeout(n),
        Action::Request(_) => Action::Request(n),
        Action::Release(_) => Action::Release(n),
        Action::Acquire(_) => Action::Acquire(n),
        Action::Pause { until, .. } => Action::Pause { node: n, until },
        Action::ClockJump { delta, .. } => Action::ClockJump { node: n, delta },
        Action::SetClock { offset, drift, .. } => Action::SetClock { node: n, offset, drift },
        Action::Client { cmd, .. } => Action::Client { node: n, cmd },
        Action::Local { name, .. } => Action::Local { node: n, name },
        Action::LwwWrite { client, key, value, .. } => Action::LwwWrite { client, node: n, key, value },
        Action::LwwRead { client, key, .. } => Action::LwwRead { client, node: n, key },
        _ => return None,
    })
}

fn node_of(a: &Action) -> Option<NodeId> {
    match a {
        Action::Crash(n)
        | Action::Recover(n)
        | Action::Timeout(n)
        | Action::Request(n)
        | Action::Release(n)
        | Action::Acquire(n) => Some(*n),
        Action::Pause { node, .. }
        | Action::ClockJump { node, .. }
        | Action::SetClock { node, .. }
        | Action::Client { node, .. }
        | Action::Local { node, .. }
        | Action::LwwWrite { node, .. }
        | Action::LwwRead { node, .. } => Some(*node),
        _ => None,
    }
}

fn simplify_action(at: Time, a: &Action, n: usize) -> Vec<Action> {
    let mut out = Vec::new();
    match a {
        Action::Pause { node, until } if *until > at + 1 => {
            for d in earlier(until - at).into_iter().filter(|d| *d > 0) {
                out.push(Action::Pause { node: *node, until: at + d });
            }
        }
        Action::ClockJump { node, delta } => {
            out.extend(smaller_signed(*delta).into_iter().map(|d| Action::ClockJump { node: *node, delta: d }));
        }
        Action::SetClock { node, offset, drift } => {
            if *drift != 0 {
                out.push(Action::SetClock { node: *node, offset: *offset, drift: 0 });
                out.extend(smaller_signed(*drift).into_iter().map(|d| Action::SetClock {
                    node: *node,
                    offset: *offset,
                    drift: d,
                }));
            }
            if *offset != 0 {
                out.extend(smaller_signed(*offset).into_iter().map(|o| Action::SetClock {
                    node: *node,
                    offset: o,
                    drift: *drift,
                }));
            }
        }
        Action::Partition(groups) => {
            // Isolating a single node is the simplest split; among those, the lowest node.
            let isolated = match groups.as_slice() {
                [g, _] | [_, g] if g.len() == 1 && groups.iter().map(Vec::len).sum::<usize>() == n => Some(g[0]),
                _ => None,
            };
            for x in 0..n {
                if isolated.is_some_and(|i| x >= i) {
                    break;
                }
                let rest: Vec<NodeId> = (0..n).filter(|y| *y != x).collect();
                out.push(Action::Partition(vec![vec![x], rest]));
            }
        }
        _ => {}
    }
    if let Some(node) = node_of(a) {
        out.extend((0..node).filter_map(|m| with_node(a, m)));
    }
    out
}

fn narrower<T: Clone>(xs: &Option<Vec<T>>) -> Vec<Option<Vec<T>>> {
    match xs {
        Some(v) if v.len() > 1 => v.iter().map(|x| Some(vec![x.clone()])).collect(),
        _ => Vec::new(),
    }
}

fn simplify_match(m: &MsgMatch) -> Vec<MsgMatch> {
    let mut out = Vec::new();
    if m.count != Some(1) {
        out.push(MsgMatch { count: Some(1), ..m.clone() });
    }
    for from in earlier(m.from) {
        out.push(MsgMatch { from, ..m.clone() });
    }
    if let Some(to) = m.to {
        for t in earlier(to).into_iter().filter(|t| *t > m.from) {
            out.push(MsgMatch { to: Some(t), ..m.clone() });
        }
    }
    out.extend(narrower(&m.src).into_iter().map(|src| MsgMatch { src, ..m.clone() }));
    out.extend(narrower(&m.dst).into_iter().map(|dst| MsgMatch { dst, ..m.clone() }));
    out.extend(narrower(&m.types).into_iter().map(|types| MsgMatch { types, ..m.clone() }));
    out
}

/// Simpler variants of one element, simplest first.
fn simplifications(e: &Elem, n: usize) -> Vec<Elem> {
    match e {
        Elem::Sched(s) => {
            let mut out: Vec<Elem> =
                earlier(s.at).into_iter().map(|at| Elem::Sched(Scheduled { at, action: s.action.clone() })).collect();
            out.extend(
                simplify_action(s.at, &s.action, n)
                    .into_iter()
                    .map(|action| Elem::Sched(Scheduled { at: s.at, action })),
            );
            out
        }
        Elem::Fault(f) => {
            let rules: Vec<FaultRule> = match f {
                FaultRule::Drop(m) => simplify_match(m).into_iter().map(FaultRule::Drop).collect(),
                FaultRule::Delay { m, extra } => {
                    let mut v: Vec<FaultRule> =
                        simplify_match(m).into_iter().map(|m| FaultRule::Delay { m, extra: *extra }).collect();
                    v.extend(
                        earlier(*extra)
                            .into_iter()
                            .filter(|x| *x > 0)
                            .map(|x| FaultRule::Delay { m: m.clone(), extra: x }),
                    );
                    v
                }
                FaultRule::Duplicate { m, copies, gap } => {
                    let mut v: Vec<FaultRule> = simplify_match(m)
                        .into_iter()
                        .map(|m| FaultRule::Duplicate { m, copies: *copies, gap: *gap })
                        .collect();
                    if *copies > 1 {
                        v.push(FaultRule::Duplicate { m: m.clone(), copies: 1, gap: *gap });
                    }
                    v.extend(earlier(*gap).into_iter().map(|g| FaultRule::Duplicate {
                        m: m.clone(),
                        copies: *copies,
                        gap: g,
                    }));
                    v
                }
                FaultRule::CrashOn(h) => narrower(&h.dst)
                    .into_iter()
                    .map(|dst| FaultRule::CrashOn(crate::scenario::CrashOn { dst, ..h.clone() }))
                    .chain(
                        narrower(&h.types)
                            .into_iter()
                            .map(|types| FaultRule::CrashOn(crate::scenario::CrashOn { types, ..h.clone() })),
                    )
                    .collect(),
            };
            rules.into_iter().map(Elem::Fault).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_times_are_rounder_and_smaller() {
        assert_eq!(earlier(437), vec![0, 400, 430, 435]);
        assert_eq!(earlier(1000), vec![0]);
        assert_eq!(earlier(0), Vec::<u64>::new());
        assert_eq!(smaller_signed(-437), vec![-400, -430, -435]);
    }
}

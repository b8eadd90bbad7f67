//! Bounded exhaustive exploration: every order in which each node receives its messages, up to a depth, with
//! state hashing.
//!
//! Random schedules find most bugs quickly, but a small configuration can be searched completely. What a node does
//! depends only on the order of its own inputs: the messages it receives and its local events (timers, scripted
//! actions at it, the end of a pause). So whenever the next event is a message delivery to some node X, and X has
//! a choice, the search tries each:
//!
//! * X receives that message (the kernel's own order);
//! * X receives another of its pending messages first, one due before X's next local event: X's messages due
//!   before it are postponed to just after it;
//! * X's next local event (a timer, a scripted action at X or on the whole network) comes first: X's messages due
//!   before it are postponed to just after it;
//! * with drops on, the message is lost.
//!
//! The order of deliveries to *different* nodes is left as the kernel has it: they are independent (a partial-order
//! reduction), which removes most of the branching without losing any order a node can observe. The timed model is
//! respected: a message never arrives earlier than the network would deliver it, only later.
//!
//! Postponing uses the kernel's [`retime_delivery`](crate::sim::Simulation::retime_delivery) hook, which keeps a
//! message's sequence number: at equal times it stays in sending order, exactly where a `delay` rule adding the same
//! latency at send time would have put it. So every schedule explored is the base scenario plus one `delay` rule (or
//! `drop` rule) per message moved (or lost), and a violation comes back as an ordinary scenario. It is replayed
//! before being reported: a drop changes the network's random draws when the base has jitter or loss, and two
//! identical messages sent at the same instant cannot be told apart by a rule; such schedules are skipped.
//!
//! The depth bounds the number of decisions along a schedule; past it, the run continues in the kernel's order to
//! `runUntil`. Before branching, the explorer hashes the whole state
//! ([`state_digest`](crate::sim::Simulation::state_digest)); a state already explored with at least as much depth
//! left is skipped. The search is depth-first, with one checkpoint (a clone of the simulation) per level.

use super::search::{run_to_violation, Exhaustive, Progress, Target};
use crate::check::Violation;
use crate::hash::TraceHasher;
use crate::protocol::NodeId;
use crate::run::{load, Run};
use crate::scenario::{FaultRule, MsgMatch, Scenario};
use crate::sim::{LocalEvent, PendingDelivery};
use crate::time::Time;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::Hasher;

/// One decision at a branching point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Choice {
    /// The node receives the message at the head of the queue.
    Natural,
    /// It receives `mine[i]` first.
    Deliver(usize),
    /// Its next local event comes first.
    Local,
    /// The message at the head of the queue is lost.
    Drop,
}

/// A message the path moved or lost, as it becomes a fault rule.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Edit {
    id: u64,
    src: NodeId,
    dst: NodeId,
    kind: &'static str,
    sent_at: Time,
    extra: u64,
    drop: bool,
}

/// What a schedule carries along besides its simulation.
#[derive(Clone, Debug, Default)]
struct Path {
    /// Messages moved or lost so far.
    edits: Vec<Edit>,
    /// Deliveries chosen to come before others: each is received as is when its turn comes (no new decision).
    chosen: BTreeSet<u64>,
}

struct Frame {
    sim: Box<dyn Run>,
    /// The receiving node's deliveries due before its next local event, in order (the head of the queue first).
    mine: Vec<PendingDelivery>,
    local: Option<LocalEvent>,
    choices: Vec<Choice>,
    next: usize,
    depth: usize,
    path: Path,
}

/// A schedule that breaks a sought invariant, replayed as a scenario.
pub(crate) struct Hit {
    /// The base plus one rule per message moved or lost.
    pub(crate) scenario: Scenario,
    /// The sought violation.
    pub(crate) violation: Violation,
    /// Every invariant broken up to it.
    pub(crate) violations: Vec<Violation>,
}

/// What advancing a schedule to its next branching point ended in.
enum Outcome {
    Found(Box<Hit>),
    Leaf,
    Repeat,
    Branch,
}

/// A depth-first search in progress.
pub(crate) struct Dfs {
    cfg: Exhaustive,
    base: Scenario,
    root: Option<Box<dyn Run>>,
    stack: Vec<Frame>,
    /// State digest → the most depth left with which it was explored.
    visited: BTreeMap<u64, usize>,
}

impl Dfs {
    pub(crate) fn new(root: Box<dyn Run>, cfg: Exhaustive) -> Self {
        let base = root.scenario().clone();
        Dfs { cfg, base, root: Some(root), stack: Vec::new(), visited: BTreeMap::new() }
    }

    /// Explores until `max_runs` schedules were completed (or skipped as repeats), a counterexample was found or
    /// the space is exhausted (then `progress.done` is set).
    pub(crate) fn run_batch(&mut self, max_runs: u64, target: &Target, progress: &mut Progress) -> Option<Hit> {
        let mut work = 0;
        if let Some(root) = self.root.take() {
            match self.advance(root, Path::default(), 0, target, progress) {
                Outcome::Found(hit) => return Some(*hit),
                Outcome::Leaf | Outcome::Repeat => work += 1,
                Outcome::Branch => {}
            }
        }
        while work < max_runs {
            let Some(top) = self.stack.last_mut() else { break };
            let choice = top.choices[top.next];
            top.next += 1;
            let (mut sim, mine, local, depth, mut path) = if top.next == top.choices.len() {
                let f = self.stack.pop().expect("a frame is on the stack");
                (f.sim, f.mine, f.local, f.depth, f.path)
            } else {
                (top.sim.clone_box(), top.mine.clone(), top.local, top.depth, top.path.clone())
            };
            apply(choice, sim.as_mut(), &mine, local, &mut path);
            match self.advance(sim, path, depth + 1, target, progress) {
                Outcome::Found(hit) => return Some(*hit),
                Outcome::Leaf | Outcome::Repeat => work += 1,
                Outcome::Branch => {}
            }
        }
        if self.stack.is_empty() && self.root.is_none() {
            progress.done = true;
        }
        None
    }

    /// Runs a schedule's events in the kernel's order up to its next branching point (pushing a frame there), its
    /// end, or a sought violation.
    fn advance(
        &mut self,
        mut sim: Box<dyn Run>,
        mut path: Path,
        depth: usize,
        target: &Target,
        progress: &mut Progress,
    ) -> Outcome {
        let end = sim.scenario().run_until;
        loop {
            if target.first_in(sim.first_violations(), 0).is_some()
                || sim.next_time().is_none_or(|t| t > end)
                || depth >= self.cfg.depth
            {
                return self.leaf(sim, &path, target, progress);
            }
            let (mine, local, choices) = choices(sim.as_ref(), &path, self.cfg.drops, end);
            if choices.len() <= 1 {
                if let Some(head) = mine.first() {
                    path.chosen.remove(&head.seq);
                }
                if !sim.step() {
                    return self.leaf(sim, &path, target, progress);
                }
                continue;
            }
            let digest = digest(sim.as_ref(), &path);
            let left = self.cfg.depth - depth;
            if self.visited.get(&digest).is_some_and(|l| *l >= left) {
                progress.repeats += 1;
                return Outcome::Repeat;
            }
            self.visited.insert(digest, left);
            progress.states += 1;
            self.stack.push(Frame { sim, mine, local, choices, next: 0, depth, path });
            return Outcome::Branch;
        }
    }

    /// Finishes a schedule in the kernel's order; a sought violation is replayed as a scenario before it counts.
    fn leaf(&mut self, mut sim: Box<dyn Run>, path: &Path, target: &Target, progress: &mut Progress) -> Outcome {
        let hit = run_to_violation(sim.as_mut(), target);
        progress.runs += 1;
        progress.events += sim.events();
        if hit.is_none() {
            return Outcome::Leaf;
        }
        let s = self.scenario_of(&path.edits);
        let Ok(mut replay) = load(&s) else { return Outcome::Leaf };
        match run_to_violation(replay.as_mut(), target) {
            Some(violation) => {
                let violations = replay.first_violations().to_vec();
                Outcome::Found(Box::new(Hit { scenario: s, violation, violations }))
            }
            None => Outcome::Leaf,
        }
    }

    /// The base scenario plus one fault rule per message the path moved or lost.
    fn scenario_of(&self, edits: &[Edit]) -> Scenario {
        let mut s = self.base.clone();
        s.id = format!("{}-x", self.base.id).chars().take(40).collect();
        s.title = Some(format!("Delivery order found from {}", self.base.id).chars().take(200).collect());
        s.description = None;
        s.expect = None;
        let mut edits = edits.to_vec();
        crate::sort::sort_by_key(&mut edits, |e| e.id);
        for e in edits {
            let m = MsgMatch {
                src: Some(vec![e.src]),
                dst: Some(vec![e.dst]),
                types: Some(vec![e.kind.to_string()]),
                from: e.sent_at,
                to: Some(e.sent_at + 1),
                count: Some(1),
            };
            s.faults.push(if e.drop { FaultRule::Drop(m) } else { FaultRule::Delay { m, extra: e.extra } });
        }
        s
    }
}

/// The state digest plus the path's pending commitments (which restrict what is explored from here).
fn digest(sim: &dyn Run, path: &Path) -> u64 {
    let mut h = TraceHasher::default();
    h.write_u64(sim.state_digest());
    for d in sim.pending_deliveries().iter().filter(|d| path.chosen.contains(&d.seq)) {
        h.write_usize(d.src);
        h.write_usize(d.dst);
        h.write_u64(d.sent_at);
        h.write_u64(d.at);
        h.write(d.kind.as_bytes());
    }
    h.finish()
}

/// True when a rule matching on sender, receiver, type and send time picks out `d` alone among `all`, and `d` is
/// not a network-made copy: only such a delivery can be moved or lost and still replay as a scenario.
fn movable(d: &PendingDelivery, all: &[PendingDelivery]) -> bool {
    !d.dup
        && !all
            .iter()
            .any(|o| o.id < d.id && o.src == d.src && o.dst == d.dst && o.kind == d.kind && o.sent_at == d.sent_at)
}

/// When the next event is a delivery to X: X's deliveries due before X's next local event, that event, and the
/// choices. Only `Natural` when the next event is a local event, or X has nothing to choose between.
fn choices(
    sim: &dyn Run,
    path: &Path,
    drops: bool,
    end: Time,
) -> (Vec<PendingDelivery>, Option<LocalEvent>, Vec<Choice>) {
    let natural = vec![Choice::Natural];
    let all = sim.pending_deliveries();
    let Some(head) = all.first() else { return (Vec::new(), None, natural) };
    let head_key = (head.at, 1, head.seq);
    if sim.next_local_event(None).is_some_and(|e| e.key() < head_key) {
        return (Vec::new(), None, natural);
    }
    if path.chosen.contains(&head.seq) {
        return (vec![head.clone()], None, natural);
    }
    let local = sim.next_local_event(Some(head.dst));
    let mine: Vec<PendingDelivery> =
        all.iter().filter(|d| d.dst == head.dst && local.is_none_or(|e| (d.at, 1, d.seq) < e.key())).cloned().collect();
    let ok: Vec<bool> = mine.iter().map(|d| movable(d, &all)).collect();
    let mut out = natural;
    for i in 1..mine.len() {
        if ok[..i].iter().all(|x| *x) {
            out.push(Choice::Deliver(i));
        }
    }
    if local.is_some_and(|e| e.at <= end) && ok.iter().all(|x| *x) {
        out.push(Choice::Local);
    }
    if drops && ok[0] {
        out.push(Choice::Drop);
    }
    (mine, local, out)
}

fn record(edits: &mut Vec<Edit>, d: &PendingDelivery, extra: u64, drop: bool) {
    match edits.iter_mut().find(|e| e.id == d.id) {
        Some(e) => {
            e.extra += extra;
            e.drop |= drop;
        }
        None => edits.push(Edit { id: d.id, src: d.src, dst: d.dst, kind: d.kind, sent_at: d.sent_at, extra, drop }),
    }
}

/// Applies a choice to a copy of the frame's simulation. Only `Natural` runs an event; the others reorder or drop
/// pending deliveries, and the kernel's order does the rest.
fn apply(c: Choice, sim: &mut dyn Run, mine: &[PendingDelivery], local: Option<LocalEvent>, path: &mut Path) {
    let mut postpone = |x: &PendingDelivery, at: Time, sim: &mut dyn Run| {
        if sim.retime_delivery(x.seq, at) {
            record(&mut path.edits, x, at - x.at, false);
        }
    };
    match c {
        Choice::Natural => {
            sim.step();
        }
        Choice::Deliver(i) => {
            let d = &mine[i];
            for x in &mine[..i] {
                // Just after d: at d's time if x was sent after d (sending order breaks the tie), else 1 ms later.
                let at = if x.seq > d.seq { d.at } else { d.at + 1 };
                postpone(x, at, sim);
            }
            path.chosen.insert(d.seq);
        }
        Choice::Local => {
            let e = local.expect("a local event is pending");
            for x in mine {
                // Deliveries come after scripted actions at equal times, before timers.
                let at = if e.class == 0 { e.at } else { e.at + 1 };
                postpone(x, at.max(x.at), sim);
            }
        }
        Choice::Drop => {
            if sim.drop_delivery(mine[0].seq) {
                record(&mut path.edits, &mine[0], 0, true);
            }
        }
    }
}

//! Time travel: seeking forwards and backwards through a run, exactly.
//!
//! A [`Seeker`] owns the live simulation plus checkpoints (whole copies of it) taken every so many events.
//! Seeking back restores the nearest earlier checkpoint and re-runs forward; determinism makes the result identical
//! to the first pass. When there are more checkpoints than allowed, every other one is dropped and the spacing
//! doubles, so memory stays bounded however long the run.
//!
//! The seeker also keeps the trace of the furthest point computed (the *frontier*), so views can show the whole run
//! while the playhead is in the past, and the viewer's injected actions with the event count at which they were
//! injected, so that a re-run from an older checkpoint injects them again at the same place. Acting while in the
//! past forks the run: the future is discarded.

use crate::run::Run;
use crate::scenario::{Action, Scenario, Scheduled};
use crate::time::Time;
use crate::trace::TraceEvent;

/// Default number of checkpoints kept. A seek re-runs at most the spacing from the checkpoint before it, and a
/// checkpoint shares the run's history (see [`crate::sim::ChunkedVec`]), so each costs its live state only (about
/// 0.3 MB for RAFT-stress): 96 keep a ten-minute RAFT-stress run's seeks under 25 ms natively in about 80 MB.
pub const DEFAULT_MAX_CHECKPOINTS: usize = 96;
/// Default number of events between checkpoints (doubles as the run grows).
pub const DEFAULT_SPACING: u64 = 2_000;
/// Most trace records kept (about 40 MB); the oldest half is dropped beyond that. The space-time diagram shows
/// what is kept: for long runs, the most recent part.
pub const MAX_TRACE: usize = 150_000;

struct Checkpoint {
    events: u64,
    now: Time,
    run: Box<dyn Run>,
}

/// A simulation with exact seeking.
pub struct Seeker {
    cur: Box<dyn Run>,
    checkpoints: Vec<Checkpoint>,
    spacing: u64,
    max: usize,
    /// Events computed so far on this branch of the run.
    frontier: u64,
    trace: Vec<TraceEvent>,
    /// Trace records dropped from the front (to bound memory).
    trace_dropped: u64,
    injections: Vec<(u64, Time, Action)>,
}

impl Seeker {
    /// Wraps a freshly loaded simulation (nothing processed yet).
    pub fn new(run: Box<dyn Run>) -> Self {
        Seeker::with_limits(run, DEFAULT_SPACING, DEFAULT_MAX_CHECKPOINTS)
    }

    /// Like [`Seeker::new`] with explicit checkpoint spacing (events) and count.
    pub fn with_limits(mut run: Box<dyn Run>, spacing: u64, max: usize) -> Self {
        run.set_recording(true);
        let trace = run.take_trace();
        let first = Checkpoint { events: run.events(), now: run.now(), run: run.clone_box() };
        Seeker {
            cur: run,
            checkpoints: vec![first],
            spacing: spacing.max(1),
            max: max.max(2),
            frontier: 0,
            trace,
            trace_dropped: 0,
            injections: Vec::new(),
        }
    }

    /// The simulation at the playhead.
    pub fn run(&self) -> &dyn Run {
        &*self.cur
    }

    /// Current true time.
    pub fn now(&self) -> Time {
        self.cur.now()
    }

    /// Events processed at the playhead.
    pub fn events(&self) -> u64 {
        self.cur.events()
    }

    /// Events computed on this branch (the furthest the playhead has been).
    pub fn frontier(&self) -> u64 {
        self.frontier
    }

    /// The trace up to the frontier (oldest records may have been dropped; see [`Seeker::trace_dropped`]).
    pub fn trace(&self) -> &[TraceEvent] {
        &self.trace
    }

    /// Trace records dropped from the front to bound memory.
    pub fn trace_dropped(&self) -> u64 {
        self.trace_dropped
    }

    /// Number of checkpoints held.
    pub fn checkpoints(&self) -> usize {
        self.checkpoints.len()
    }

    /// The scenario as run so far: the original plus every action the viewer injected, at the time it took effect.
    pub fn scenario(&self) -> Scenario {
        let mut s = self.cur.scenario().clone();
        s.schedule.extend(self.injections.iter().map(|(_, at, a)| Scheduled { at: *at, action: a.clone() }));
        s
    }

    fn pending_injections(&mut self) {
        let ev = self.cur.events();
        for (at_ev, _, a) in &self.injections {
            if *at_ev == ev {
                self.cur.inject(a.clone());
            }
        }
    }

    /// Processes one event; false when none is left.
    pub fn step(&mut self) -> bool {
        self.step_inner(None)
    }

    /// Processes the next event if it comes before `limit` (see [`crate::sim::Simulation::step_before`]).
    pub fn step_before(&mut self, limit: Time) -> bool {
        self.step_inner(Some(limit))
    }

    fn step_inner(&mut self, limit: Option<Time>) -> bool {
        let live = self.cur.events() >= self.frontier;
        self.cur.set_recording(live);
        let ok = match limit {
            Some(l) => self.cur.step_before(l),
            None => self.cur.step(),
        };
        if !ok {
            return false;
        }
        if live {
            self.frontier = self.cur.events();
            self.absorb_trace();
        } else {
            self.cur.take_trace();
        }
        self.pending_injections();
        self.maybe_checkpoint();
        true
    }

    fn absorb_trace(&mut self) {
        let mut t = self.cur.take_trace();
        let need = self.trace.len() + t.len();
        if need > self.trace.capacity() {
            // Grow by doubling but never past the cap, so a long run does not hold a half-empty doubled buffer.
            let target = (self.trace.capacity() * 2).clamp(1024, MAX_TRACE + 64).max(need);
            self.trace.reserve_exact(target - self.trace.len());
        }
        self.trace.append(&mut t);
        if self.trace.len() > MAX_TRACE {
            let cut = self.trace.len() / 2;
            self.trace.drain(..cut);
            self.trace_dropped += cut as u64;
        }
    }

    fn maybe_checkpoint(&mut self) {
        let last = self.checkpoints.last().map_or(0, |c| c.events);
        let ev = self.cur.events();
        if ev < last + self.spacing {
            return;
        }
        self.checkpoints.push(Checkpoint { events: ev, now: self.cur.now(), run: self.cur.clone_box() });
        if self.checkpoints.len() > self.max {
            // Keep the first and every other one; spacing doubles.
            let mut i = 0;
            self.checkpoints.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.spacing *= 2;
        }
    }

    /// Moves the playhead to true time `t`: every event before `t` processed, none at or after it.
    pub fn seek(&mut self, t: Time) {
        let behind = t < self.cur.now() || (t == self.cur.now() && self.cur.inject_time() > t);
        let i = self.checkpoints.iter().rposition(|c| c.now < t || c.events == 0).unwrap_or(0);
        // Restore a checkpoint when going back, and also when going forward past one (cheaper than re-running).
        if behind || self.checkpoints[i].events > self.cur.events() {
            self.restore(i);
        }
        while self.step_before(t) {}
        self.cur.advance_to(t);
    }

    /// Moves the playhead to just after event number `n` (0 = the start).
    pub fn seek_events(&mut self, n: u64) {
        let i = self.checkpoints.iter().rposition(|c| c.events <= n).unwrap_or(0);
        if n < self.cur.events() || self.checkpoints[i].events > self.cur.events() {
            self.restore(i);
        }
        while self.cur.events() < n && self.step() {}
    }

    fn restore(&mut self, i: usize) {
        self.cur = self.checkpoints[i].run.clone_box();
        self.pending_injections_before_step();
    }

    /// Injections recorded at exactly the restored event count must be applied before stepping on.
    fn pending_injections_before_step(&mut self) {
        // A checkpoint is taken after `pending_injections` ran, so it already holds injections made at its own
        // event count; nothing to re-apply here except for the initial checkpoint (taken before any injection).
        if self.cur.events() == 0 {
            let initial: Vec<Action> =
                self.injections.iter().filter(|(ev, _, _)| *ev == 0).map(|(_, _, a)| a.clone()).collect();
            for a in initial {
                self.cur.inject(a);
            }
        }
    }

    /// Runs to the end of the scenario.
    pub fn run_to_end(&mut self) {
        let end = self.cur.scenario().run_until;
        self.seek(end + 1);
    }

    /// Injects a viewer action at the playhead. If the playhead is in the past, the run forks: everything after it
    /// (trace, checkpoints, later injections) is discarded. Returns the time the action takes effect.
    pub fn inject(&mut self, a: Action) -> Time {
        let ev = self.cur.events();
        if ev < self.frontier {
            self.frontier = ev;
            let keep_from = self.trace.partition_point(|r| r.ev <= ev);
            self.trace.truncate(keep_from);
            self.checkpoints.retain(|c| c.events <= ev);
            self.injections.retain(|(at, _, _)| *at <= ev);
        }
        let at = self.cur.inject(a.clone());
        self.injections.push((ev, at, a));
        // A checkpoint at exactly this event count would miss the injection: replace it.
        if let Some(c) = self.checkpoints.last_mut() {
            if c.events == ev && ev > 0 {
                c.run = self.cur.clone_box();
            }
        }
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::load_str;

    const NET2: &str = include_str!("../scenarios/NET-2.json");

    fn busy_link() -> Box<dyn Run> {
        load_str(
            r#"{"format":1,"id":"busy","protocol":"link","nodes":["A","B"],"seed":3,
                "params":{"RTO":25,"sendEvery":7,"loss":0.2,"jitter":6,"duplicate":0.1},"runUntil":3000}"#,
        )
        .unwrap()
    }

    #[test]
    fn seeking_back_and_forth_lands_on_identical_states() {
        let mut s = Seeker::with_limits(busy_link(), 50, 6);
        s.seek(2000);
        let at_2000 = (s.run().trace_hash(), s.run().snapshot(), s.events());
        s.seek(2600);
        s.seek(700);
        let at_700 = (s.run().trace_hash(), s.run().snapshot());
        s.seek(2000);
        assert_eq!((s.run().trace_hash(), s.run().snapshot(), s.events()), at_2000);
        s.seek(700);
        assert_eq!((s.run().trace_hash(), s.run().snapshot()), at_700);
        assert!(s.checkpoints() <= 6, "checkpoints are thinned");
    }

    #[test]
    fn seeking_matches_a_straight_run() {
        let mut straight = busy_link();
        straight.advance_to(1500);
        let mut s = Seeker::with_limits(busy_link(), 40, 5);
        s.seek(2500);
        s.seek(1500);
        assert_eq!(s.run().trace_hash(), straight.trace_hash());
        assert_eq!(s.run().snapshot(), straight.snapshot());
    }

    /// Raft's logs are shared in chunks between the run and its checkpoints, and a partition makes servers
    /// truncate them: seeking back and forth through such a run must still land exactly where a straight run does.
    #[test]
    fn seeking_a_raft_run_with_long_shared_logs_matches_straight_runs() {
        let mut v: serde_json::Value = serde_json::from_str(include_str!("../scenarios/RAFT-stress.json")).unwrap();
        v["runUntil"] = serde_json::json!(20000);
        v.as_object_mut().unwrap().remove("expect");
        v["schedule"] = serde_json::json!([
            {"at": 2500, "partition": [["n1", "n2", "n3", "n4"], ["n5", "n6", "n7", "n8", "n9"]]},
            {"at": 4000, "client": {"node": "n1", "cmd": "lost=1"}},
            {"at": 6000, "heal": {}}
        ]);
        let text = v.to_string();
        let mut s = Seeker::with_limits(load_str(&text).unwrap(), 500, 8);
        s.run_to_end();
        assert!(s.checkpoints() > 4);
        for t in [19500, 1200, 6100, 3900, 19999, 2600, 12000] {
            s.seek(t);
            let mut straight = load_str(&text).unwrap();
            straight.advance_to(t);
            assert_eq!(s.run().trace_hash(), straight.trace_hash(), "trace at {t}");
            assert_eq!(s.run().state_digest(), straight.state_digest(), "state at {t}");
            assert_eq!(s.run().snapshot(), straight.snapshot(), "view at {t}");
        }
        // Long enough that the logs have a full chunk, which the checkpoints share.
        s.seek(20000);
        let commit = |n: &crate::view::NodeView| {
            n.proto.fields.iter().find(|f| f.name == "commitIndex").map_or(0, |f| f.value.parse::<u64>().unwrap())
        };
        let most = s.run().snapshot().nodes.iter().map(commit).max().unwrap();
        assert!(most > 64, "the logs filled a shared chunk (commit index {most})");
    }

    #[test]
    fn stepping_back_one_event_is_exact() {
        let mut s = Seeker::with_limits(busy_link(), 10, 8);
        s.seek_events(300);
        let before = s.run().snapshot();
        s.step();
        s.seek_events(300);
        assert_eq!(s.run().snapshot(), before);
        assert_eq!(s.events(), 300);
    }

    #[test]
    fn trace_is_kept_up_to_the_frontier_while_in_the_past() {
        let mut s = Seeker::new(load_str(NET2).unwrap());
        s.run_to_end();
        let full = s.trace().len();
        s.seek(50);
        assert_eq!(s.trace().len(), full, "going back does not lose the known future");
        assert!(s.trace().iter().any(|r| r.t == 85));
    }

    #[test]
    fn injected_actions_replay_identically_from_the_exported_scenario() {
        let mut s = Seeker::with_limits(busy_link(), 30, 6);
        s.seek(400);
        s.inject(Action::Crash(1));
        s.seek(900);
        s.inject(Action::Recover(1));
        s.seek(1200);
        s.inject(Action::Partition(vec![vec![0], vec![1]]));
        s.run_to_end();
        let live = s.run().report();
        // Seeking back across the injections and forward again re-applies them.
        s.seek(100);
        s.run_to_end();
        assert_eq!(s.run().report()["traceHash"], live["traceHash"]);
        // The exported scenario (original + injected actions) replays to the same trace.
        let mut replay = crate::run::load(&s.scenario()).unwrap();
        replay.run_to_end();
        assert_eq!(replay.report()["traceHash"], live["traceHash"]);
    }

    #[test]
    fn acting_in_the_past_forks_the_run() {
        let mut s = Seeker::with_limits(busy_link(), 30, 6);
        s.seek(2000);
        let old_frontier = s.frontier();
        s.seek(500);
        s.inject(Action::Crash(0));
        assert!(s.frontier() < old_frontier, "the future was discarded");
        assert!(s.trace().iter().all(|r| r.ev <= s.events()));
        s.seek(2000);
        assert!(!s.run().snapshot().nodes[0].up);
    }
}

//! The simulation kernel: one event queue, nodes, the network, clocks, faults and the checker.
//!
//! Every pending occurrence is an event keyed `(time, class, seq)` (protocols.md §1.1): scripted actions (class 0)
//! before deliveries (1) before timers (2) at equal times, and `seq`, a counter bumped every time an event is
//! scheduled, orders the rest. The scenario's schedule is kept as a sorted list beside the heap (its entries own
//! `seq` 0..n, in execution order) so a checkpoint does not copy it.
//!
//! One call to [`Simulation::step`] takes the earliest event, applies it (running at most one protocol handler and
//! then that handler's effects, in order), runs the checker, and appends to the trace hash. Nothing here reads a
//! wall clock, iterates a hash map, or draws randomness other than from the scenario's seeded streams.

mod chunked;
mod explore;
mod network;
mod queue;
mod record;
#[cfg(test)]
mod tests;
mod timers;

pub use chunked::ChunkedVec;
pub use explore::{LocalEvent, PendingDelivery};

use crate::check::{Checker, Found, Liveness, Violation};
#[cfg(feature = "report")]
use crate::hash::hex;
use crate::hash::TraceHasher;
use crate::protocol::{ClientMemory, Cluster, Ctx, Effect, Message, NodeId, Observation, Protocol, Record, TimerName};
use crate::protocols::erased::{Erased, Member};
use crate::rng::{self, Rng};
use crate::scenario::{
    describe_action, Action, CrashOn, FaultRule, HookEffect, HookPhase, NetParams, Scenario, ScenarioError, Scheduled,
};
use crate::time::{NodeClock, Time, VClock};
use crate::trace::{DropReason, TraceEvent, TraceKind};
use crate::view::{MessageView, NetworkView, NodeView, ProtoView, Snapshot, TimerView};
use network::{Fate, Network};
use queue::Queue;
use record::{Recorder, Stamp};
use serde_json::{json, Map, Value};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use timers::Timers;

/// A timer whose expiry is waiting in a paused node's deferred list (it has no queue entry of its own).
const DEFERRED_TIMER: u64 = u64::MAX;

/// Most events the queue holds for a send to go out (messages in flight, timers, pending actions): a send that finds
/// this many is lost with reason `overflow` (timers are still armed). Protocols that answer every copy of a message
/// can multiply traffic without end under duplication; the bound keeps such a storm to a fixed size (a few tens of
/// MB) instead of exhausting memory. Normal runs stay far below it (the stress preset keeps about 450 in flight).
pub const MAX_IN_FLIGHT: usize = 100_000;

/// Fewest stale timer entries worth a pass over the queue (see [`Simulation::drop_stale_timers`]).
const STALE_SWEEP_MIN: usize = 64;

/// Most timeline entries kept in a report.
const MAX_TIMELINE: usize = 100_000;

/// What every node and the checker share, fixed for the whole run.
#[derive(Debug)]
pub struct Shared<P: Protocol> {
    /// The scenario being run.
    pub scenario: Scenario,
    /// Node ids and orderings.
    pub cluster: Cluster,
    /// Protocol parameters.
    pub params: P::Params,
    schedule: Vec<Scheduled>,
    hooks: Vec<CrashOn>,
}

#[derive(Clone, Copy, Debug)]
struct TimerEntry {
    seq: u64,
    armed_at: Time,
    deadline: Time,
    /// Monotonic-clock reading at which it fires (kept so a drift change can re-schedule it).
    mc_target: i64,
}

/// A node as the kernel holds it.
#[derive(Clone, Debug)]
pub struct Slot<P: Protocol> {
    proto: Option<P>,
    durable: P::Durable,
    up: bool,
    paused_until: Time,
    timers: Timers<P::Timer, TimerEntry>,
    clock: NodeClock,
    lamport: u64,
    vclock: VClock,
    rng: Rng,
    /// Simulator bookkeeping that survives crashes (see [`Ctx::sim_counter`]).
    sim_counter: u64,
    /// Inputs that came due while the node was paused, in the order they came due (protocols.md §1.3).
    deferred: Vec<EvKind<P>>,
}

/// Whether the queue entry `seq` of `timer` is the one that will fire (else the timer was re-armed, cancelled or
/// voided since, and the entry is stale).
fn timer_live<P: Protocol>(s: &Slot<P>, timer: &P::Timer, seq: u64) -> bool {
    s.up && s.timers.get(timer).is_some_and(|e| e.seq == seq)
}

/// A message in the network with the kernel's envelope.
#[derive(Clone, Debug)]
pub struct Envelope<M> {
    /// Trace id (copies share it).
    pub id: u64,
    /// Sender.
    pub src: NodeId,
    /// Receiver.
    pub dst: NodeId,
    /// Send time.
    pub sent_at: Time,
    /// Scheduled delivery time.
    pub deliver_at: Time,
    /// A copy made by the network.
    pub dup: bool,
    /// Extra latency from delay rules.
    pub delayed: u64,
    /// Kernel Lamport stamp.
    pub lamport: u64,
    /// Kernel vector stamp.
    pub vclock: VClock,
    /// Sender's physical clock at send time.
    pub sent_wall: i64,
    /// Digest of the payload (computed once at send, reused at delivery for the trace hash).
    pub digest: u64,
    /// The label, when the send was recorded (views reuse it instead of formatting it every frame).
    pub label: Option<Arc<str>>,
    /// Payload.
    pub msg: M,
}

#[derive(Clone, Debug)]
enum EvKind<P: Protocol> {
    Action(Box<Action>),
    /// Boxed so that every queue entry (timers included) stays small: entries move on every push and pop.
    Deliver(Box<Envelope<P::Msg>>),
    Timer {
        node: NodeId,
        timer: P::Timer,
    },
    /// A pause ends: the node's deferred inputs are handled, in order, before anything else due at that instant.
    Resume(NodeId),
}

struct Event<P: Protocol> {
    time: Time,
    seq: u64,
    kind: EvKind<P>,
}

/// What a timeline entry records: a protocol observation (turned into JSON only when a report is built) or a
/// kernel event.
#[derive(Clone, Debug)]
#[cfg_attr(not(feature = "report"), allow(dead_code))]
enum TimelineWhat<O> {
    Obs(O),
    Kernel(&'static str, Map<String, Value>),
}

/// A timeline entry of the report.
#[derive(Clone, Debug)]
#[cfg_attr(not(feature = "report"), allow(dead_code))]
struct TimelineEntry<O> {
    at: Time,
    node: Option<NodeId>,
    what: TimelineWhat<O>,
}

/// Only the report reads the timeline, so a build without the `report` feature (the web app) keeps this one, which
/// records nothing: no memory per observation over a long run, and no per-protocol code to store, clone and drop the
/// entries.
#[cfg(not(feature = "report"))]
#[derive(Clone, Debug, Default)]
struct NoTimeline;

#[cfg(not(feature = "report"))]
impl NoTimeline {
    fn push<O>(&mut self, _: TimelineEntry<O>) {}

    fn len(&self) -> usize {
        0
    }
}

/// Read-only access to the simulated world, for checkers and report builders.
pub struct World<'a, P: Protocol> {
    cluster: &'a Cluster,
    params: &'a P::Params,
    nodes: Nodes<'a, P>,
    net: &'a Network,
    now: Time,
}

/// The nodes a [`World`] looks at: a kernel's own, or those of the type-erased kernel seen as protocol `P` (the
/// projections are the `Member` conversions of [`crate::protocols::erased`], passed as plain function pointers so
/// that `World` needs no bound beyond `Protocol`).
enum Nodes<'a, P: Protocol> {
    Own(&'a [Slot<P>]),
    Erased {
        slots: &'a [Slot<Erased>],
        node: fn(&Erased) -> &P,
        durable: fn(&<Erased as Protocol>::Durable) -> &P::Durable,
        timer: fn(&P::Timer) -> <Erased as Protocol>::Timer,
    },
}

impl<P: Protocol> Clone for Nodes<'_, P> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P: Protocol> Copy for Nodes<'_, P> {}

impl<'a, P: Protocol> World<'a, P> {
    /// A kernel's world (taking the fields, not the kernel, so that the checker can be borrowed beside it).
    fn own(shared: &'a Shared<P>, nodes: &'a [Slot<P>], net: &'a Network, now: Time) -> Self {
        World { cluster: &shared.cluster, params: &shared.params, nodes: Nodes::Own(nodes), net, now }
    }

    /// The kernel-independent part of a node's slot.
    fn base(&self, i: NodeId) -> SlotBase<'a> {
        match self.nodes {
            Nodes::Own(s) => s[i].base(),
            Nodes::Erased { slots, .. } => slots[i].base(),
        }
    }

    /// Current true time.
    pub fn now(&self) -> Time {
        self.now
    }
    /// Number of nodes.
    pub fn n(&self) -> usize {
        self.cluster.len()
    }
    /// Ids and orderings.
    pub fn cluster(&self) -> &'a Cluster {
        self.cluster
    }
    /// Protocol parameters.
    pub fn params(&self) -> &'a P::Params {
        self.params
    }
    /// The node's live state; `None` while it is crashed.
    pub fn node(&self, i: NodeId) -> Option<&'a P> {
        match self.nodes {
            Nodes::Own(s) => s[i].proto.as_ref(),
            Nodes::Erased { slots, node, .. } => slots[i].proto.as_ref().map(node),
        }
    }
    /// The node's stable state (kept while it is crashed).
    pub fn durable(&self, i: NodeId) -> &'a P::Durable {
        match self.nodes {
            Nodes::Own(s) => &s[i].durable,
            Nodes::Erased { slots, durable, .. } => durable(&slots[i].durable),
        }
    }
    /// True unless crashed.
    pub fn up(&self, i: NodeId) -> bool {
        self.base(i).up
    }
    /// True while paused.
    pub fn paused(&self, i: NodeId) -> bool {
        self.base(i).paused_until > self.now
    }
    /// Kernel vector clock of the node (ground truth for happens-before).
    pub fn vclock(&self, i: NodeId) -> VClock {
        *self.base(i).vclock
    }
    /// The node's clocks.
    pub fn clock(&self, i: NodeId) -> &'a NodeClock {
        self.base(i).clock
    }
    /// The node's physical clock reading now.
    pub fn wall(&self, i: NodeId) -> i64 {
        self.base(i).clock.pc(self.now)
    }
    /// Id of node `i`.
    pub fn id(&self, i: NodeId) -> &'a str {
        &self.cluster.ids[i]
    }
    /// Whether `a` and `b` can reach each other now: the network carries messages both ways between them (no
    /// partition, no cut in either direction). Whether they are up is asked separately.
    pub fn connected(&self, a: NodeId, b: NodeId) -> bool {
        !self.net.is_cut(a, b) && !self.net.is_cut(b, a)
    }
    /// True time at which the node's named timer fires, if armed.
    pub fn timer_deadline(&self, i: NodeId, t: &P::Timer) -> Option<Time> {
        match self.nodes {
            Nodes::Own(s) => s[i].timers.get(t).map(|e| e.deadline),
            Nodes::Erased { slots, timer, .. } => slots[i].timers.get(&timer(t)).map(|e| e.deadline),
        }
    }
}

impl<'a> World<'a, Erased> {
    /// This world seen by protocol `Q`, which must be the protocol the erased kernel runs.
    #[inline]
    pub(crate) fn project<Q: Member>(&self) -> World<'a, Q> {
        let Nodes::Own(slots) = self.nodes else { unreachable!("the erased kernel's world is its own") };
        World {
            cluster: self.cluster,
            params: Q::params_of(self.params),
            nodes: Nodes::Erased { slots, node: Q::node_of, durable: Q::durable_of, timer: Q::timer_to },
            net: self.net,
            now: self.now,
        }
    }
}

/// What a [`World`] reads of a slot whatever the protocol.
struct SlotBase<'a> {
    up: bool,
    paused_until: Time,
    vclock: &'a VClock,
    clock: &'a NodeClock,
}

impl<P: Protocol> Slot<P> {
    fn base(&self) -> SlotBase<'_> {
        SlotBase { up: self.up, paused_until: self.paused_until, vclock: &self.vclock, clock: &self.clock }
    }
}

fn digest<T: Hash + ?Sized>(x: &T) -> u64 {
    let mut h = TraceHasher::default();
    x.hash(&mut h);
    h.finish()
}

/// What a handler is being run for.
enum Input<P: Protocol> {
    Boot(bool),
    Message(NodeId, P::Msg),
    Timer(P::Timer),
    Action(P::Action, String),
}

/// A deterministic simulation of one protocol.
#[derive(Clone, Debug)]
pub struct Simulation<P: Protocol> {
    shared: Arc<Shared<P>>,
    now: Time,
    /// Some event at `now` has been processed (an action injected now must wait for the next ms to replay alike).
    mid: bool,
    seq: u64,
    queue: Queue<EvKind<P>>,
    sched_pos: usize,
    nodes: Vec<Slot<P>>,
    net: Network,
    net_rng: Rng,
    hooks_fired: Vec<bool>,
    next_msg: u64,
    checker: P::Checker,
    rec: Recorder,
    #[cfg(feature = "report")]
    /// Only appended to, and only by the report: larger chunks than the default, fewer allocations.
    timeline: ChunkedVec<TimelineEntry<P::Obs>, 512>,
    #[cfg(not(feature = "report"))]
    timeline: NoTimeline,
    effects: Vec<Effect<P>>,
    /// What external clients remember (protocol-defined; see `Ctx::client_memory`).
    clients: ClientMemory,
    /// Replies to clients made by the handler being applied (reused buffer).
    told: Vec<(usize, String, Value)>,
    found: Found,
    /// Stale timer entries in the queue (see [`Simulation::drop_stale_timers`]).
    stale: usize,
}

impl<P: Protocol> Simulation<P> {
    /// Builds the simulation of a scenario (which must name this protocol) and boots every node at t = 0.
    pub fn new(s: &Scenario) -> Result<Self, ScenarioError> {
        Self::build(s, true)
    }

    /// Like [`Simulation::new`], but skips the protocol's whole-scenario constraints (such as the link protocol's
    /// two nodes), for kernel benchmarks that need other shapes. Parameters are still validated.
    pub fn new_unconstrained(s: &Scenario) -> Result<Self, ScenarioError> {
        Self::build(s, false)
    }

    fn build(s: &Scenario, constrained: bool) -> Result<Self, ScenarioError> {
        let cluster = s.cluster();
        let mut reader = crate::run::param_reader(s, &cluster)?;
        let net_params = NetParams::read(&mut reader, P::default_network(s))?;
        let params = P::params(&mut reader, &cluster)?;
        reader.obj.finish()?;
        if constrained {
            P::validate(s, &params)?;
        }
        let schedule = s.ordered_schedule();
        let hooks: Vec<CrashOn> = s
            .faults
            .iter()
            .filter_map(|f| if let FaultRule::CrashOn(h) = f { Some(h.clone()) } else { None })
            .collect();
        let n = cluster.len();
        let nodes = (0..n)
            .map(|i| {
                let c = s.clock(i);
                Slot {
                    proto: None,
                    durable: P::empty_durable(&params),
                    up: true,
                    paused_until: 0,
                    timers: Timers::default(),
                    clock: NodeClock::new(c.offset, c.drift),
                    lamport: 0,
                    vclock: VClock::new(n),
                    rng: Rng::stream(s.seed, rng::node_stream(i)),
                    sim_counter: 0,
                    deferred: Vec::new(),
                }
            })
            .collect::<Vec<_>>();
        let hooks_fired = vec![false; hooks.len()];
        let seq = schedule.len() as u64;
        let shared = Arc::new(Shared { scenario: s.clone(), cluster, params, schedule, hooks });
        let net = Network::new(n, net_params, &s.faults);
        let checker = P::Checker::new(&World::own(&shared, &nodes, &net, 0));
        let mut sim = Simulation {
            net,
            net_rng: Rng::stream(s.seed, rng::NETWORK_STREAM),
            shared,
            now: 0,
            mid: false,
            seq,
            queue: Queue::default(),
            sched_pos: 0,
            nodes,
            hooks_fired,
            next_msg: 1,
            checker,
            rec: Recorder::default(),
            timeline: Default::default(),
            effects: Vec::new(),
            clients: ClientMemory::new(),
            told: Vec::new(),
            found: Found::default(),
            stale: 0,
        };
        // The boot at t = 0 is always recorded (a few records), so that whoever turns recording on before the
        // first step still sees the messages and timers the nodes started with.
        sim.rec.recording = true;
        let order = sim.shared.cluster.ascending.clone();
        for i in order {
            sim.handle(i, Input::Boot(false));
        }
        sim.flush_found();
        sim.rec.recording = false;
        Ok(sim)
    }

    /// Turns full trace recording on or off (the trace hash is always kept).
    pub fn set_recording(&mut self, on: bool) {
        self.rec.recording = on;
    }

    /// Takes the trace recorded so far.
    pub fn take_trace(&mut self) -> Vec<TraceEvent> {
        std::mem::take(&mut self.rec.trace)
    }

    /// Current true time.
    pub fn now(&self) -> Time {
        self.now
    }

    /// Events processed so far.
    pub fn events(&self) -> u64 {
        self.rec.events
    }

    /// The trace hash so far.
    pub fn trace_hash(&self) -> u64 {
        self.rec.hash()
    }

    /// The shared configuration.
    pub fn shared(&self) -> &Shared<P> {
        &self.shared
    }

    /// First violation of each invariant, in the order found.
    pub fn first_violations(&self) -> &[Violation] {
        &self.rec.first
    }

    /// Distinct violations found so far (capped).
    pub fn violations(&self) -> &[Violation] {
        &self.rec.violations
    }

    /// Read-only view of the world.
    pub fn world(&self) -> World<'_, P> {
        World::own(&self.shared, &self.nodes, &self.net, self.now)
    }

    /// The checker.
    pub fn checker(&self) -> &P::Checker {
        &self.checker
    }

    fn sched_key(&self) -> Option<(Time, u8, u64)> {
        self.shared.schedule.get(self.sched_pos).map(|e| (e.at, 0, self.sched_pos as u64))
    }

    /// Time of the next pending event.
    pub fn next_time(&self) -> Option<Time> {
        let h = self.queue.peek().map(|k| k.0);
        let s = self.sched_key().map(|k| k.0);
        match (h, s) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn pop(&mut self) -> Option<Event<P>> {
        let from_sched = match (self.sched_key(), self.queue.peek()) {
            (Some(s), Some(h)) => s < h,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if from_sched {
            let e = &self.shared.schedule[self.sched_pos];
            let ev = Event { time: e.at, seq: self.sched_pos as u64, kind: EvKind::Action(Box::new(e.action.clone())) };
            self.sched_pos += 1;
            Some(ev)
        } else {
            self.queue.pop().map(|(time, _, seq, kind)| Event { time, seq, kind })
        }
    }

    fn push(&mut self, time: Time, class: u8, kind: EvKind<P>) -> u64 {
        let seq = self.seq;
        self.seq += 1;
        self.queue.push(time, class, seq, kind);
        seq
    }

    /// Processes the next event. Returns false when nothing is left.
    pub fn step(&mut self) -> bool {
        self.step_inner(None)
    }

    /// Processes the next event if it comes before `limit`; returns false (with only cancelled timers and deferred
    /// inputs before `limit` consumed) otherwise. Unlike [`Simulation::step`], it never reaches past stale queue
    /// entries to an event at or after `limit`, so that something can be injected exactly at `limit`.
    pub fn step_before(&mut self, limit: Time) -> bool {
        self.step_inner(Some(limit))
    }

    fn step_inner(&mut self, limit: Option<Time>) -> bool {
        loop {
            if limit.is_some_and(|l| self.next_time().is_none_or(|t| t >= l)) {
                return false;
            }
            let Some(ev) = self.pop() else { return false };
            if ev.time > self.now {
                self.mid = false;
            }
            self.now = self.now.max(ev.time);
            self.rec.in_event = true;
            let counted = self.process(ev);
            self.rec.in_event = false;
            if self.stale > STALE_SWEEP_MIN && self.stale * 2 > self.queue.len() {
                self.drop_stale_timers();
            }
            if counted {
                self.mid = true;
                self.rec.events += 1;
                let w = World::own(&self.shared, &self.nodes, &self.net, self.now);
                self.found.at = self.now;
                self.checker.after_event(&w, &mut self.found);
                self.flush_found();
                return true;
            }
        }
    }

    /// Processes every event with time `< t`, then sets the clock to `t`.
    pub fn advance_to(&mut self, t: Time) {
        while self.step_before(t) {}
        if t > self.now {
            self.now = t;
            self.mid = false;
        }
    }

    /// Runs to the end of the scenario (events at `runUntil` included).
    pub fn run_to_end(&mut self) {
        let end = self.shared.scenario.run_until;
        self.advance_to(end + 1);
        self.now = end;
    }

    /// The time an action injected now is scheduled at: now, or the next ms when events at `now` were already
    /// processed (so that replaying the scenario runs it in the same place).
    pub fn inject_time(&self) -> Time {
        if self.mid {
            self.now + 1
        } else {
            self.now
        }
    }

    /// Schedules a viewer action at [`Simulation::inject_time`]; returns that time.
    pub fn inject(&mut self, a: Action) -> Time {
        let t = self.inject_time();
        self.push(t, 0, EvKind::Action(Box::new(a)));
        t
    }

    /// A node's clocks now, for its trace records.
    fn stamp(&self, n: NodeId) -> Stamp {
        let s = &self.nodes[n];
        (s.lamport, s.vclock, s.clock.pc(self.now))
    }

    /// Records an event in the hash and, when recording, in the trace.
    fn emit(&mut self, node: Option<NodeId>, kind: TraceKind, payload: u64) {
        let stamp = if self.rec.recording { node.map(|n| self.stamp(n)) } else { None };
        self.rec.emit(self.now, node, stamp, kind, payload);
    }

    fn timeline_push(&mut self, node: Option<NodeId>, kind: &'static str, extra: Map<String, Value>) {
        if self.timeline.len() < MAX_TIMELINE {
            self.timeline.push(TimelineEntry { at: self.now, node, what: TimelineWhat::<P::Obs>::Kernel(kind, extra) });
        }
    }

    fn flush_found(&mut self) {
        // Indicators a checker raised (2PC's "blocked"): in the trace and the timeline like an observation.
        for (node, kind, what) in std::mem::take(&mut self.found.notes) {
            let what = if self.rec.recording { what } else { String::new() };
            self.emit(Some(node), TraceKind::Note { what, timeline: kind }, 0);
            self.timeline_push(Some(node), kind, Map::new());
        }
        if self.found.list.is_empty() {
            return;
        }
        let stamps: Vec<Stamp> =
            if self.rec.recording { (0..self.nodes.len()).map(|n| self.stamp(n)).collect() } else { Vec::new() };
        self.rec.flush(self.now, &mut self.found, &stamps);
    }

    /// Applies one event. Returns false when it was only deferred (a paused receiver) or stale (a cancelled
    /// timer), which do not count as events.
    fn process(&mut self, ev: Event<P>) -> bool {
        match ev.kind {
            EvKind::Action(a) => self.action(*a),
            EvKind::Deliver(env) => self.deliver(env),
            EvKind::Timer { node, timer } => self.timer(node, timer, ev.seq),
            EvKind::Resume(node) => {
                self.resume(node);
                false
            }
        }
    }

    fn ignored(&mut self, node: Option<NodeId>, what: String) {
        self.emit(node, TraceKind::Ignored { what: if self.rec.recording { what } else { String::new() } }, 0);
    }

    fn action(&mut self, a: Action) -> bool {
        let a = match network_action(&mut self.net, &mut self.rec, self.now, &self.shared.cluster.ids, a) {
            Ok(entry) => {
                if let Some((kind, extra)) = entry {
                    self.timeline_push(None, kind, extra);
                }
                return true;
            }
            Err(a) => a,
        };
        let ids = &self.shared.cluster.ids;
        match a {
            Action::Crash(n) => self.crash(n, None),
            Action::Recover(n) => self.recover(n),
            Action::Pause { node, until } => {
                if !self.nodes[node].up || until <= self.now {
                    self.ignored(Some(node), format!("pause {} until {until}", ids[node]));
                } else {
                    let s = &mut self.nodes[node];
                    let resume_pending = s.paused_until > self.now;
                    s.paused_until = s.paused_until.max(until);
                    let at = s.paused_until;
                    // An extended pause reschedules its own resumption when the first one comes due.
                    if !resume_pending {
                        self.push(at, 0, EvKind::Resume(node));
                    }
                    self.emit(Some(node), TraceKind::Pause { until }, 0);
                }
            }
            Action::ClockJump { node, delta } => {
                self.nodes[node].clock.jump(delta);
                self.emit(Some(node), TraceKind::ClockJump { delta }, 0);
            }
            Action::SetClock { node, offset, drift } => {
                self.nodes[node].clock.set(self.now, offset, drift);
                self.reschedule_timers(node);
                self.emit(Some(node), TraceKind::SetClock { offset, drift }, 0);
            }
            Action::DropMessage(id) => self.drop_in_flight(id),
            other => {
                let Some(pa) = P::action(&other, &self.shared.params) else {
                    let what = describe_action(&other, ids);
                    self.ignored(None, what);
                    return true;
                };
                let node = P::action_node(&pa, &self.shared.params);
                if !self.nodes[node].up {
                    let what = describe_action(&other, ids);
                    self.ignored(Some(node), format!("{what} (node is down)"));
                } else if self.nodes[node].paused_until > self.now {
                    self.nodes[node].deferred.push(EvKind::Action(Box::new(other)));
                    return false;
                } else {
                    let what = if self.rec.recording { describe_action(&other, ids) } else { String::new() };
                    self.handle(node, Input::Action(pa, what));
                }
            }
        }
        true
    }

    /// Ends a pause: re-queues the deferred inputs now, in the order they came due, ahead of everything else due
    /// at this instant (scripted actions aside); or waits again if the pause was extended.
    fn resume(&mut self, node: NodeId) {
        let s = &mut self.nodes[node];
        if !s.up {
            return;
        }
        if s.paused_until > self.now {
            let at = s.paused_until;
            self.push(at, 0, EvKind::Resume(node));
            return;
        }
        let deferred = std::mem::take(&mut s.deferred);
        for k in deferred {
            let timer = if let EvKind::Timer { timer, .. } = &k { Some(timer.clone()) } else { None };
            let seq = self.push(self.now, 0, k);
            if let Some(t) = timer {
                if let Some(e) = self.nodes[node].timers.get_mut(&t) {
                    e.seq = seq;
                }
            }
        }
    }

    fn drop_in_flight(&mut self, id: u64) {
        let mut gone = self.queue.remove_where(|_, e| matches!(e, EvKind::Deliver(env) if env.id == id));
        for s in &mut self.nodes {
            let (drop, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut s.deferred)
                .into_iter()
                .partition(|e| matches!(e, EvKind::Deliver(env) if env.id == id));
            s.deferred = keep;
            gone.extend(drop);
        }
        let removed: Vec<(NodeId, NodeId, &'static str, Time)> = gone
            .into_iter()
            .filter_map(|e| match e {
                EvKind::Deliver(env) => Some((env.src, env.dst, env.msg.kind(), env.sent_at)),
                _ => None,
            })
            .collect();
        if removed.is_empty() {
            self.ignored(None, format!("dropMessage {id}: no such message in flight"));
        }
        for (src, dst, msg, sent_at) in removed {
            self.emit(None, TraceKind::Drop { id, from: src, to: dst, msg, reason: DropReason::Viewer, sent_at }, 0);
        }
    }

    fn reschedule_timers(&mut self, node: NodeId) {
        let now = self.now;
        let entries: Vec<(P::Timer, TimerEntry)> =
            self.nodes[node].timers.iter().map(|(k, v)| (k.clone(), *v)).collect();
        for (t, e) in entries.into_iter().filter(|(_, e)| e.seq != DEFERRED_TIMER) {
            let deadline = self.nodes[node].clock.first_time_mc_reaches(now, e.mc_target);
            if deadline != e.deadline {
                let seq = self.push(deadline, 2, EvKind::Timer { node, timer: t.clone() });
                self.nodes[node].timers.insert(t, TimerEntry { seq, deadline, ..e });
                self.superseded(e);
            }
        }
    }

    /// Counts the queue entry of a timer that was re-armed, cancelled or voided as stale (a timer deferred by a
    /// pause has none). Stale entries are skipped when they come due; see [`Simulation::drop_stale_timers`].
    fn superseded(&mut self, e: TimerEntry) {
        if e.seq != DEFERRED_TIMER {
            self.stale += 1;
        }
    }

    /// Takes the stale timer entries out of the queue once they outnumber the live events. A node that re-arms a
    /// timeout on every heartbeat (a Raft follower) leaves one behind per heartbeat, so a nine-server cluster kept
    /// ten times more stale entries than live ones: every checkpoint copied them and every push searched a
    /// calendar that many instants long. Removing each entry as it goes stale costs a calendar search per re-arm,
    /// which slowed protocols that cancel a timer per message (the link layer) by a sixth; one pass over the queue
    /// when half of it is stale costs less than the entries it removes cost to keep.
    fn drop_stale_timers(&mut self) {
        let nodes = &self.nodes;
        let gone = self.queue.remove_where(|(_, _, seq), e| match e {
            EvKind::Timer { node, timer } => !timer_live(&nodes[*node], timer, seq),
            _ => false,
        });
        debug_assert_eq!(gone.len(), self.stale, "the stale count matches the stale entries");
        self.stale = 0;
    }

    fn crash(&mut self, n: NodeId, hook: Option<usize>) {
        if !self.nodes[n].up {
            let id = self.shared.cluster.ids[n].clone();
            self.ignored(Some(n), format!("crash {id} (already down)"));
            return;
        }
        let queued = self.nodes[n].timers.iter().filter(|(_, e)| e.seq != DEFERRED_TIMER).count();
        self.stale += queued;
        // What the checker may see of the state the node crashed in (the report shows it for a down node). A
        // handler runs whole before its effects are applied, so after a hook that fires *after* an effect the
        // node's state is the handler's, as far as it matters; a hook *before* an effect discards the rest, and
        // the state the handler reached was never really reached: the node shows what it was before.
        let reached = hook.is_none_or(|h| self.shared.hooks[h].phase == HookPhase::After);
        let s = &mut self.nodes[n];
        if !reached {
            s.proto = None;
        }
        s.up = false;
        s.timers.clear();
        s.paused_until = 0;
        // Messages that waited out the pause are lost with the node; its deferred timers and actions are void.
        for k in std::mem::take(&mut s.deferred) {
            if let EvKind::Deliver(env) = k {
                let (id, from, msg, sent_at) = (env.id, env.src, env.msg.kind(), env.sent_at);
                self.emit(None, TraceKind::Drop { id, from, to: n, msg, reason: DropReason::DstDown, sent_at }, 0);
            }
        }
        let hook = hook.map(|h| if self.rec.recording { describe_hook(&self.shared.hooks[h]) } else { String::new() });
        self.emit(Some(n), TraceKind::Crash { hook }, 0);
        self.timeline_push(Some(n), "crash", Map::new());
        let w = World::own(&self.shared, &self.nodes, &self.net, self.now);
        self.found.at = self.now;
        self.checker.on_crash(&w, n, false, &mut self.found);
        self.nodes[n].proto = None;
    }

    fn recover(&mut self, n: NodeId) {
        if self.nodes[n].up {
            let id = self.shared.cluster.ids[n].clone();
            self.ignored(Some(n), format!("recover {id} (already up)"));
            return;
        }
        let s = &mut self.nodes[n];
        s.up = true;
        self.emit(Some(n), TraceKind::Recover, 0);
        self.timeline_push(Some(n), "recover", Map::new());
        let w = World::own(&self.shared, &self.nodes, &self.net, self.now);
        self.found.at = self.now;
        self.checker.on_crash(&w, n, true, &mut self.found);
        self.handle(n, Input::Boot(true));
    }

    fn deliver(&mut self, env: Box<Envelope<P::Msg>>) -> bool {
        let (src, dst) = (env.src, env.dst);
        let drop = if self.net.is_cut(src, dst) {
            Some(DropReason::PartitionAtDeliver)
        } else if !self.nodes[dst].up {
            Some(DropReason::DstDown)
        } else {
            None
        };
        if let Some(reason) = drop {
            let k =
                TraceKind::Drop { id: env.id, from: src, to: dst, msg: env.msg.kind(), reason, sent_at: env.sent_at };
            self.emit(None, k, 0);
            return true;
        }
        let until = self.nodes[dst].paused_until;
        if until > self.now {
            self.emit(None, TraceKind::Defer { id: env.id, until }, 0);
            let mut env = env;
            env.deliver_at = until;
            self.nodes[dst].deferred.push(EvKind::Deliver(env));
            return false;
        }
        let s = &mut self.nodes[dst];
        s.lamport = s.lamport.max(env.lamport) + 1;
        s.vclock.merge(&env.vclock);
        s.vclock.tick(dst);
        let k = TraceKind::Deliver { id: env.id, from: src, msg: env.msg.kind(), dup: env.dup, sent_at: env.sent_at };
        self.emit(Some(dst), k, env.digest);
        let w = World::own(&self.shared, &self.nodes, &self.net, self.now);
        self.found.at = self.now;
        self.checker.on_deliver(&w, dst, src, &env.msg, &mut self.found);
        self.handle(dst, Input::Message(src, env.msg));
        true
    }

    fn timer(&mut self, node: NodeId, timer: P::Timer, seq: u64) -> bool {
        if !timer_live(&self.nodes[node], &timer, seq) {
            // Cancelled, re-armed or voided by a crash since.
            debug_assert!(self.stale > 0, "a stale timer entry was counted");
            self.stale -= 1;
            return false;
        }
        let s = &mut self.nodes[node];
        if s.paused_until > self.now {
            let until = s.paused_until;
            if let Some(e) = s.timers.get_mut(&timer) {
                e.deadline = until;
                e.seq = DEFERRED_TIMER;
            }
            s.deferred.push(EvKind::Timer { node, timer });
            return false;
        }
        s.timers.remove(&timer);
        self.handle(node, Input::Timer(timer));
        true
    }

    /// Runs one handler of `node` and applies its effects.
    fn handle(&mut self, node: NodeId, input: Input<P>) {
        let shared = &*self.shared;
        let slot = &mut self.nodes[node];
        let mut effects = std::mem::take(&mut self.effects);
        let mut told = std::mem::take(&mut self.told);
        let mut cx = Ctx {
            me: node,
            now: self.now,
            clock: &slot.clock,
            rng: &mut slot.rng,
            sim_counter: &mut slot.sim_counter,
            cluster: &shared.cluster,
            effects: &mut effects,
            clients: matches!(input, Input::Action(..)).then_some(&self.clients),
            told: &mut told,
        };
        // Timer and action handlers are local events unless they send: then the sends are the events. This keeps
        // the kernel's Lamport and vector clocks identical to the Lamport module's (protocols.md §5.1).
        let local = match input {
            Input::Boot(recovering) => {
                slot.proto = Some(P::boot(&mut cx, &shared.params, &slot.durable, recovering));
                None
            }
            Input::Message(from, m) => {
                if let Some(p) = slot.proto.as_mut() {
                    p.on_message(&mut cx, &shared.params, from, m);
                }
                None
            }
            Input::Timer(t) => {
                let name = if self.rec.recording { t.name() } else { String::new() };
                let d = digest(&t);
                if let Some(p) = slot.proto.as_mut() {
                    p.on_timer(&mut cx, &shared.params, t);
                }
                Some((TraceKind::Timer { name }, d))
            }
            Input::Action(a, what) => {
                if let Some(p) = slot.proto.as_mut() {
                    p.on_action(&mut cx, &shared.params, a);
                }
                Some((TraceKind::Action { what }, 0))
            }
        };
        if let Some((kind, d)) = local {
            if !effects.iter().any(|e| matches!(e, Effect::Send { .. })) {
                let s = &mut self.nodes[node];
                s.lamport += 1;
                s.vclock.tick(node);
            }
            self.emit(Some(node), kind, d);
        }
        self.apply_effects(node, &mut effects, &told);
        effects.clear();
        self.effects = effects;
        told.clear();
        self.told = told;
    }

    /// Applies the handler's replies to clients made after the first `upto` effects (from `next` on); returns the
    /// index of the first reply not yet applied.
    fn tell_clients(&mut self, told: &[(usize, String, Value)], mut next: usize, upto: usize) -> usize {
        while let Some((at, client, memory)) = told.get(next) {
            if *at > upto {
                break;
            }
            self.clients.insert(client.clone(), memory.clone());
            next += 1;
        }
        next
    }

    fn hook_for(&self, node: NodeId, e: &Effect<P>) -> Option<usize> {
        self.shared.hooks.iter().enumerate().find_map(|(i, h)| {
            if self.hooks_fired[i] || h.node != node {
                return None;
            }
            let hit = match (h.effect, e) {
                (HookEffect::Send, Effect::Send { to, msg }) => {
                    h.types.as_ref().is_none_or(|ts| ts.iter().any(|t| t == msg.kind()))
                        && h.dst.as_ref().is_none_or(|d| d.contains(to))
                }
                // A message to a client outside the cluster (2PC's TX_RESULT): a send with no node to go to.
                (HookEffect::Send, Effect::Observe(o)) => o.client_message().is_some_and(|kind| {
                    h.types.as_ref().is_none_or(|ts| ts.iter().any(|t| t == kind)) && h.dst.is_none()
                }),
                (HookEffect::Persist, Effect::Persist(r)) => {
                    h.record.as_ref().is_none_or(|name| name == r.name()) && h.cmd.as_ref().is_none_or(|c| r.has_cmd(c))
                }
                _ => false,
            };
            hit.then_some(i)
        })
    }

    fn apply_effects(&mut self, node: NodeId, effects: &mut Vec<Effect<P>>, told: &[(usize, String, Value)]) {
        let total = effects.len();
        let mut replied = 0;
        for (i, e) in effects.drain(..).enumerate() {
            if !self.nodes[node].up {
                break; // a crash hook cut the handler short: the remaining effects never happen
            }
            if !told.is_empty() {
                replied = self.tell_clients(told, replied, i);
            }
            let hook = if self.shared.hooks.is_empty() { None } else { self.hook_for(node, &e) };
            if let Some(h) = hook {
                self.hooks_fired[h] = true;
                if self.shared.hooks[h].phase == HookPhase::Before {
                    self.crash(node, Some(h));
                    break;
                }
            }
            let w = World::own(&self.shared, &self.nodes, &self.net, self.now);
            self.found.at = self.now;
            self.checker.on_effect(&w, node, &e.as_ref(), &mut self.found);
            match e {
                Effect::Persist(r) => {
                    P::apply(&mut self.nodes[node].durable, &r);
                    let record = if self.rec.recording { r.describe(&self.shared.cluster.ids) } else { String::new() };
                    self.emit(Some(node), TraceKind::Persist { record }, digest(&r));
                }
                Effect::Send { to, msg } => self.send(node, to, msg),
                Effect::SetTimer { timer, after } => {
                    let s = &self.nodes[node];
                    let deadline = s.clock.timer_deadline(self.now, after);
                    let mc_target = s.clock.mc(self.now).saturating_add(after as i64);
                    let seq = self.push(deadline, 2, EvKind::Timer { node, timer: timer.clone() });
                    let entry = TimerEntry { seq, armed_at: self.now, deadline, mc_target };
                    if let Some(old) = self.nodes[node].timers.insert(timer, entry) {
                        self.superseded(old);
                    }
                }
                Effect::CancelTimer(t) => {
                    if let Some(old) = self.nodes[node].timers.remove(&t) {
                        self.superseded(old);
                    }
                }
                Effect::Observe(o) => {
                    let kind = o.timeline_kind();
                    let what = if self.rec.recording { o.describe() } else { String::new() };
                    self.emit(Some(node), TraceKind::Observe { what, timeline: kind }, digest(&o));
                    if kind.is_some() && self.timeline.len() < MAX_TIMELINE {
                        self.timeline.push(TimelineEntry {
                            at: self.now,
                            node: Some(node),
                            what: TimelineWhat::Obs(o),
                        });
                    }
                }
            }
            if hook.is_some() {
                self.crash(node, hook);
                break;
            }
        }
        if !told.is_empty() && self.nodes[node].up {
            self.tell_clients(told, replied, total);
        }
    }

    fn send(&mut self, src: NodeId, dst: NodeId, msg: P::Msg) {
        let id = self.next_msg;
        self.next_msg += 1;
        let s = &mut self.nodes[src];
        s.lamport += 1;
        s.vclock.tick(src);
        let (lamport, vclock, sent_wall) = (s.lamport, s.vclock, s.clock.pc(self.now));
        let kind = msg.kind();
        let label = if self.rec.recording { msg.label() } else { String::new() };
        let shared_label = self.rec.recording.then(|| Arc::<str>::from(label.as_str()));
        let d = digest(&msg);
        let fate = if self.queue.len() - self.stale >= MAX_IN_FLIGHT {
            Fate::Dropped(DropReason::Overflow)
        } else {
            self.net.route(src, dst, kind, self.now, &mut self.net_rng)
        };
        match fate {
            Fate::Dropped(reason) => {
                self.emit(
                    Some(src),
                    TraceKind::Send { id, to: dst, msg: kind, label, deliver_at: None, copies: 0, delayed: 0 },
                    d,
                );
                self.emit(None, TraceKind::Drop { id, from: src, to: dst, msg: kind, reason, sent_at: self.now }, 0);
            }
            Fate::Arrives { at, delayed, copies } => {
                let k = TraceKind::Send {
                    id,
                    to: dst,
                    msg: kind,
                    label,
                    deliver_at: Some(at),
                    copies: copies.len() as u32,
                    delayed,
                };
                self.emit(Some(src), k, d);
                let env = Envelope {
                    id,
                    src,
                    dst,
                    sent_at: self.now,
                    deliver_at: at,
                    dup: false,
                    delayed,
                    lamport,
                    vclock,
                    sent_wall,
                    digest: d,
                    label: shared_label,
                    msg,
                };
                // The original is scheduled first, then its copies: a copy arriving at the same instant (no gap,
                // no jitter) comes after the message it duplicates.
                let dups: Vec<Envelope<P::Msg>> =
                    copies.into_iter().map(|c| Envelope { deliver_at: c, dup: true, ..env.clone() }).collect();
                self.push(at, 1, EvKind::Deliver(Box::new(env)));
                for copy in dups {
                    self.push(copy.deliver_at, 1, EvKind::Deliver(Box::new(copy)));
                }
            }
        }
    }

    /// Liveness properties evaluated now.
    pub fn liveness(&self) -> Vec<Liveness> {
        self.checker.liveness(&self.world())
    }

    /// The report (scenario-format.md), including the `expect` result when the scenario has one.
    #[cfg(feature = "report")]
    pub fn report(&self) -> Value {
        let w = self.world();
        let ids = &self.shared.cluster.ids;
        let s = &self.shared.scenario;
        let id_or_null = |n: Option<NodeId>| n.map_or(Value::Null, |n| json!(ids[n]));
        let violations: Vec<Value> = self
            .rec
            .first
            .iter()
            .map(|v| json!({"invariant": v.invariant, "at": v.at, "node": id_or_null(v.node), "detail": v.detail}))
            .collect();
        let liveness: Vec<Value> = self
            .liveness()
            .into_iter()
            .map(|l| json!({"property": l.property, "holds": l.holds, "detail": l.detail}))
            .collect();
        let mut nodes = Map::new();
        for (i, id) in ids.iter().enumerate() {
            let mut m = Map::new();
            m.insert("up".into(), json!(self.nodes[i].up));
            m.extend(P::report_node(&w, i, &self.checker));
            nodes.insert(id.clone(), Value::Object(m));
        }
        let timeline: Vec<Value> = self
            .timeline
            .iter()
            .map(|e| match &e.what {
                TimelineWhat::Kernel(kind, extra) => {
                    timeline_json(e.at, e.node.map(|n| &ids[n]), Some((kind, extra.clone())))
                }
                TimelineWhat::Obs(o) => timeline_json(e.at, e.node.map(|n| &ids[n]), o.timeline()),
            })
            .collect();
        let frame = ReportFrame {
            scenario: s,
            events: self.rec.events,
            trace_hash: self.trace_hash(),
            truncated: self.timeline.len() >= MAX_TIMELINE,
        };
        frame.finish(violations, liveness, nodes, timeline, P::report_app(&w, &self.checker))
    }

    /// Everything on screen now.
    pub fn snapshot(&self) -> Snapshot {
        let now = self.now;
        let p = &self.shared.params;
        let nodes = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut proto: ProtoView = match &s.proto {
                    Some(x) => x.view(p, &s.durable),
                    None => P::view_down(p, &s.durable),
                };
                self.checker.annotate(i, &mut proto);
                let mut timers: Vec<TimerView> = s
                    .timers
                    .iter()
                    .map(|(t, e)| TimerView { name: t.name(), armed_at: e.armed_at, deadline: e.deadline })
                    .collect();
                sort_timers(&mut timers);
                NodeView {
                    id: self.shared.cluster.ids[i].clone(),
                    up: s.up,
                    paused_until: (s.paused_until > now).then_some(s.paused_until),
                    proto,
                    timers,
                    wall: s.clock.pc(now),
                    mono: s.clock.mc(now),
                    offset: s.clock.offset,
                    drift: s.clock.drift,
                    lamport: s.lamport,
                    vclock: s.vclock,
                }
            })
            .collect();
        let mut messages: Vec<MessageView> = self
            .queue
            .iter()
            .chain(self.nodes.iter().flat_map(|s| s.deferred.iter()))
            .filter_map(|e| match e {
                EvKind::Deliver(env) => Some(MessageView {
                    id: env.id,
                    src: env.src,
                    dst: env.dst,
                    kind: env.msg.kind(),
                    label: env.label.clone().unwrap_or_else(|| env.msg.label().into()),
                    response: env.msg.is_response(),
                    sent_at: env.sent_at,
                    deliver_at: env.deliver_at,
                    dup: env.dup,
                    delayed: env.delayed,
                    lamport: env.lamport,
                    vclock: env.vclock,
                    sent_wall: env.sent_wall,
                }),
                _ => None,
            })
            .collect();
        sort_messages(&mut messages);
        let np = &self.net.params;
        Snapshot {
            t: now,
            nodes,
            messages,
            cut: self.net.matrix(),
            groups: self.net.groups.clone(),
            network: NetworkView { latency: np.latency, jitter: np.jitter, loss: np.loss, duplicate: np.duplicate },
        }
    }

    /// The fields of the in-flight message with this id (for the inspector).
    pub fn message_fields(&self, id: u64) -> Option<Value> {
        self.queue.iter().chain(self.nodes.iter().flat_map(|s| s.deferred.iter())).find_map(|e| match e {
            EvKind::Deliver(env) if env.id == id => Some(env.msg.fields(&self.shared.cluster.ids)),
            _ => None,
        })
    }
}

/// Applies a network action (partition, heal, cut, restore, network change). These need nothing of the protocol, so
/// they are compiled once rather than in every protocol's kernel. Returns the report timeline's entry, if the action
/// has one, or the action itself when it is not a network action.
#[inline(never)]
#[allow(clippy::type_complexity)]
fn network_action(
    net: &mut Network,
    rec: &mut Recorder,
    now: Time,
    ids: &[String],
    a: Action,
) -> Result<Option<(&'static str, Map<String, Value>)>, Action> {
    let mut entry = None;
    match a {
        Action::Partition(groups) => {
            net.partition(&groups);
            if cfg!(feature = "report") {
                let names: Vec<Vec<&str>> =
                    groups.iter().map(|g| g.iter().map(|n| ids[*n].as_str()).collect()).collect();
                let mut extra = Map::new();
                extra.insert("groups".into(), json!(names));
                entry = Some(("partition", extra));
            }
            rec.emit(now, None, None, TraceKind::Partition { groups }, 0);
        }
        Action::Heal => {
            net.heal();
            rec.emit(now, None, None, TraceKind::Heal, 0);
            entry = Some(("heal", Map::new()));
        }
        Action::Cut { src, dst } => {
            net.set_cut(src, dst, true);
            rec.emit(now, None, None, TraceKind::Cut { src, dst }, 0);
        }
        Action::Restore { src, dst } => {
            net.set_cut(src, dst, false);
            rec.emit(now, None, None, TraceKind::Restore { src, dst }, 0);
        }
        Action::SetNetwork(c) => {
            net.change(&c);
            let p = &net.params;
            let what = format!("latency {} jitter {} loss {} duplicate {}", p.latency, p.jitter, p.loss, p.duplicate);
            rec.emit(now, None, None, TraceKind::SetNetwork { what }, 0);
        }
        other => return Err(other),
    }
    Ok(entry)
}

// The helpers below hold the parts of reporting and viewing that do not depend on the protocol. They are plain
// functions so that the web build carries one copy of them rather than one per protocol (the simulation is generic).

fn sort_timers(timers: &mut [TimerView]) {
    crate::sort::sort_by_key(timers, |t| t.deadline);
}

fn sort_messages(messages: &mut [MessageView]) {
    crate::sort::sort_by_key(messages, |m| (m.id, m.deliver_at));
}

#[cfg(feature = "report")]
fn timeline_json(at: Time, node: Option<&String>, what: Option<(&str, Map<String, Value>)>) -> Value {
    let mut m = Map::new();
    m.insert("at".into(), json!(at));
    // Every entry has `node` (scenario-format.md): null for the network's own (partition, heal).
    m.insert("node".into(), json!(node));
    if let Some((kind, extra)) = what {
        m.insert("kind".into(), json!(kind));
        m.extend(extra);
    }
    Value::Object(m)
}

/// What a report says about the run as a whole.
#[cfg(feature = "report")]
struct ReportFrame<'a> {
    scenario: &'a Scenario,
    events: u64,
    trace_hash: u64,
    truncated: bool,
}

#[cfg(feature = "report")]
impl ReportFrame<'_> {
    fn finish(
        self,
        violations: Vec<Value>,
        liveness: Vec<Value>,
        nodes: Map<String, Value>,
        timeline: Vec<Value>,
        app: Map<String, Value>,
    ) -> Value {
        let s = self.scenario;
        let mut r = json!({
            "format": 1,
            "id": s.id,
            "protocol": s.protocol,
            "seed": s.seed,
            "until": s.run_until,
            "events": self.events,
            "traceHash": hex(self.trace_hash),
            "rng": rng::ALGORITHM,
            "violations": violations,
            "liveness": liveness,
            "nodes": nodes,
            "timeline": timeline,
            "app": Value::Object(app),
        });
        if self.truncated {
            r["timelineTruncated"] = json!(true);
        }
        if let Some(e) = &s.expect {
            let mismatches = crate::scenario::match_expect(e, &r);
            r["expect"] = json!({
                "ok": mismatches.is_empty(),
                "mismatches": mismatches.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
            });
        }
        r
    }
}

fn describe_hook(h: &CrashOn) -> String {
    let phase = if h.phase == HookPhase::Before { "before" } else { "after" };
    let effect = if h.effect == HookEffect::Persist { "persist" } else { "send" };
    let mut what = vec![];
    if let Some(t) = &h.types {
        what.push(t.join("|"));
    }
    if let Some(r) = &h.record {
        what.push(r.clone());
    }
    if let Some(c) = &h.cmd {
        what.push(c.clone());
    }
    format!("crashOn {phase} {effect} {}", what.join(" "))
}

//! The sans-IO protocol interface: what a protocol implements and what the kernel gives it.
//!
//! A protocol node is a deterministic state machine. The kernel calls one of its handlers per event and the
//! handler describes what it wants done as an ordered list of [`Effect`]s, collected by [`Ctx`]: persist a record,
//! send a message, arm or cancel a named timer, report an observation. The kernel applies the effects in order,
//! which is what makes the write-ahead rule checkable ("persist before send") and what lets a `crashOn` hook stop a
//! node between two effects. Handlers never fail, never block and never read a clock or a global RNG: `Ctx`
//! supplies the node's own clock readings and its own seeded random stream.

use crate::check::Checker;
use crate::rng::Rng;
use crate::scenario::{Action, NetParams, ParamReader, Scenario, ScenarioError};
use crate::sim::World;
use crate::time::{NodeClock, Time};
use crate::vecmap::VecMap;
use crate::view::ProtoView;
use serde_json::{Map, Value};
use std::fmt::Debug;
use std::hash::Hash;

/// Index of a node in the scenario's `nodes` list.
pub type NodeId = usize;

/// What a message type says about itself to the kernel and the views.
pub trait Message: Clone + Debug + Hash + Send + Sync {
    /// The message type as written in scenarios and shown on screen (`"AppendEntries"`, `"VOTE"`).
    fn kind(&self) -> &'static str;
    /// True for a reply (drawn differently from requests).
    fn is_response(&self) -> bool {
        false
    }
    /// A short label for the animation (`"AE 3..4"`); defaults to the type.
    fn label(&self) -> String {
        self.kind().to_string()
    }
    /// Every field, for the inspector.
    fn fields(&self, _ids: &[String]) -> Value;
}

/// A record written to stable storage.
pub trait Record: Clone + Debug + Hash + Send + Sync {
    /// The record's name, matched by `crashOn.match.record` (`"PREPARED"`, `"COMMIT"`, `"vote"`, `"term"`).
    fn name(&self) -> &'static str;
    /// True when the record persists a log entry whose command is `cmd` (`crashOn.match.cmd`).
    fn has_cmd(&self, _cmd: &str) -> bool {
        false
    }
    /// One-line description for traces.
    fn describe(&self, _ids: &[String]) -> String {
        self.name().to_string()
    }
}

/// A named timer.
pub trait TimerName: Clone + Debug + Ord + Hash + Send + Sync {
    /// The name shown on screen (`"election"`, `"rto:3"`).
    fn name(&self) -> String;
}

/// Something a node reports that is not an effect on the world: a decision, a new leader, a commit, an
/// application-level delivery. Observations feed the report's timeline, the event log and the checkers.
pub trait Observation: Clone + Debug + Hash + Send + Sync {
    /// The timeline entry for this observation (`kind` plus extra fields), if it belongs in the timeline.
    fn timeline(&self) -> Option<(&'static str, Map<String, Value>)>;
    /// Just the timeline kind (called for every observation, so override it when `timeline` allocates).
    fn timeline_kind(&self) -> Option<&'static str> {
        self.timeline().map(|t| t.0)
    }
    /// One-line description for traces and the event log.
    fn describe(&self) -> String;
    /// The message type, if this observation is a message sent to a client outside the cluster (2PC's
    /// `TX_RESULT`). It never crosses the simulated network, but a crash hook on sends can stop at it.
    fn client_message(&self) -> Option<&'static str> {
        None
    }
}

/// An effect requested by a handler, applied by the kernel in order.
#[derive(Clone, Debug)]
pub enum Effect<P: Protocol> {
    /// Write a record to stable storage (synchronous and atomic).
    Persist(P::Record),
    /// Send a message.
    Send {
        /// Destination node.
        to: NodeId,
        /// Payload.
        msg: P::Msg,
    },
    /// Arm (or re-arm, cancelling the previous instance) a named timer that fires after `after` ms of the node's
    /// monotonic clock.
    SetTimer {
        /// Timer name.
        timer: P::Timer,
        /// Duration in ms of the node's monotonic clock.
        after: u64,
    },
    /// Cancel a named timer if it is armed.
    CancelTimer(P::Timer),
    /// Report an observation.
    Observe(P::Obs),
}

/// An [`Effect`] by reference, as checkers see it: the type-erased kernel keeps its effects in its own types and
/// can lend them to a protocol's checker this way without copying a message.
#[derive(Debug)]
pub enum EffectRef<'e, P: Protocol> {
    /// See [`Effect::Persist`].
    Persist(&'e P::Record),
    /// See [`Effect::Send`].
    Send {
        /// Destination node.
        to: NodeId,
        /// Payload.
        msg: &'e P::Msg,
    },
    /// See [`Effect::SetTimer`].
    SetTimer {
        /// Timer name.
        timer: &'e P::Timer,
        /// Duration in ms of the node's monotonic clock.
        after: u64,
    },
    /// See [`Effect::CancelTimer`].
    CancelTimer(&'e P::Timer),
    /// See [`Effect::Observe`].
    Observe(&'e P::Obs),
}

impl<P: Protocol> Effect<P> {
    /// This effect by reference.
    pub fn as_ref(&self) -> EffectRef<'_, P> {
        match self {
            Effect::Persist(r) => EffectRef::Persist(r),
            Effect::Send { to, msg } => EffectRef::Send { to: *to, msg },
            Effect::SetTimer { timer, after } => EffectRef::SetTimer { timer, after: *after },
            Effect::CancelTimer(t) => EffectRef::CancelTimer(t),
            Effect::Observe(o) => EffectRef::Observe(o),
        }
    }
}

/// Read-only facts about the cluster that every node knows: ids and their order.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// Node ids in scenario order.
    pub ids: Vec<String>,
    /// Node indices in ascending id order (lexicographic on the id string): the order of every broadcast.
    pub ascending: Vec<NodeId>,
    /// `rank[i]` = position of node `i` in ascending id order (Lamport's tie-breaking process order).
    pub rank: Vec<usize>,
}

impl Cluster {
    /// Builds the ordering tables for the given ids.
    pub fn new(ids: Vec<String>) -> Self {
        let mut ascending: Vec<NodeId> = (0..ids.len()).collect();
        crate::sort::sort_by(&mut ascending, |a, b| ids[*a].cmp(&ids[*b]));
        let mut rank = vec![0; ids.len()];
        for (r, &i) in ascending.iter().enumerate() {
            rank[i] = r;
        }
        Cluster { ids, ascending, rank }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when there are no nodes (never, for a valid scenario).
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Index of the node with this id.
    pub fn index(&self, id: &str) -> Option<NodeId> {
        self.ids.iter().position(|x| x == id)
    }
}

/// What the external clients of a protocol remember between their requests, by client name (JSON `null` for a
/// client never told anything). See [`Ctx::client_memory`].
pub type ClientMemory = VecMap<String, Value>;

/// The handler context: the node's identity, clocks and randomness, and the effect list being built.
pub struct Ctx<'a, P: Protocol> {
    pub(crate) me: NodeId,
    pub(crate) now: Time,
    pub(crate) clock: &'a NodeClock,
    pub(crate) rng: &'a mut Rng,
    pub(crate) sim_counter: &'a mut u64,
    pub(crate) cluster: &'a Cluster,
    pub(crate) effects: &'a mut Vec<Effect<P>>,
    /// The clients' memory, in the handler of a scripted action only.
    pub(crate) clients: Option<&'a ClientMemory>,
    /// What the handler told clients, each with the number of effects emitted before it.
    pub(crate) told: &'a mut Vec<(usize, String, Value)>,
}

impl<'a, P: Protocol> Ctx<'a, P> {
    /// This node's index.
    pub fn me(&self) -> NodeId {
        self.me
    }

    /// The cluster's ids and orderings.
    pub fn cluster(&self) -> &'a Cluster {
        self.cluster
    }

    /// Number of nodes.
    pub fn n(&self) -> usize {
        self.cluster.len()
    }

    /// Every other node, in ascending id order. The iterator does not borrow the context, so a handler can send
    /// while it walks the peers.
    pub fn peers(&self) -> impl Iterator<Item = NodeId> + use<'a, P> {
        let me = self.me;
        let cluster: &'a Cluster = self.cluster;
        cluster.ascending.iter().copied().filter(move |&p| p != me)
    }

    /// This node's monotonic clock reading (what timers and durations use).
    pub fn mono(&self) -> i64 {
        self.clock.mc(self.now)
    }

    /// This node's physical (wall) clock reading: skewed, drifting and jumping.
    pub fn wall(&self) -> i64 {
        self.clock.pc(self.now)
    }

    /// The node's own random stream.
    pub fn rng(&mut self) -> &mut Rng {
        self.rng
    }

    /// A per-node counter that the simulator keeps across crashes, starting at 0. It is not stable storage and
    /// models nothing inside the node: it is simulator bookkeeping that a crash must not reset, such as the number
    /// of elections a Raft node has started, which picks its pinned election timeout (protocols.md §4.1).
    pub fn sim_counter(&mut self) -> &mut u64 {
        self.sim_counter
    }

    /// Writes a record to stable storage.
    pub fn persist(&mut self, r: P::Record) {
        self.effects.push(Effect::Persist(r));
    }

    /// Sends a message.
    pub fn send(&mut self, to: NodeId, msg: P::Msg) {
        self.effects.push(Effect::Send { to, msg });
    }

    /// Arms (or re-arms) a named timer.
    pub fn set_timer(&mut self, timer: P::Timer, after: u64) {
        self.effects.push(Effect::SetTimer { timer, after });
    }

    /// Cancels a named timer.
    pub fn cancel_timer(&mut self, timer: P::Timer) {
        self.effects.push(Effect::CancelTimer(timer));
    }

    /// Reports an observation.
    pub fn observe(&mut self, o: P::Obs) {
        self.effects.push(Effect::Observe(o));
    }

    /// What the external client `name` remembers (JSON `null` until it is told something), in the handler of a
    /// scripted action; `None` in every other handler, where no client is present.
    ///
    /// Clients that are not nodes (LWW's, which carry `clientMaxTs` from one replica to the next) have no handler
    /// and no state of their own: the kernel keeps their memory for them, checkpoints it with the run and never
    /// interprets it.
    pub fn client_memory(&self, name: &str) -> Option<&Value> {
        self.clients.map(|m| m.get(name).unwrap_or(&Value::Null))
    }

    /// Replies to the client `name`, which remembers `memory` from then on. Only in the handler of a scripted
    /// action (ignored elsewhere). The reply takes its place among the effects: the client hears it once the
    /// effects emitted before this call are applied, so a crash hook that cuts the handler short before that point
    /// means the client never heard back.
    pub fn tell_client(&mut self, name: &str, memory: Value) {
        if self.clients.is_some() {
            self.told.push((self.effects.len(), name.to_string(), memory));
        }
    }
}

/// A protocol: node behaviour, its messages, records, timers, parameters and checker.
pub trait Protocol: Clone + Debug + Sized + Send + Sync + 'static {
    /// Name as written in scenarios (`"raft"`, `"2pc"`).
    const NAME: &'static str;
    /// Every message type, as matched by fault rules (`"AppendEntries"`).
    const MESSAGE_TYPES: &'static [&'static str];
    /// Message types sent to clients outside the cluster (see [`Observation::client_message`]): a fault rule may
    /// name them, and only a crash hook can act on them.
    const CLIENT_MESSAGE_TYPES: &'static [&'static str] = &[];
    /// Every stable-record name, as matched by `crashOn.match.record`.
    const RECORDS: &'static [&'static str];
    /// Parsed, validated parameters, shared by every node.
    type Params: Clone + Debug + Send + Sync;
    /// Messages.
    type Msg: Message;
    /// Timer names.
    type Timer: TimerName;
    /// Stable-storage records.
    type Record: Record;
    /// Stable state: what survives a crash, rebuilt by applying records in order.
    type Durable: Clone + Debug + Send + Sync;
    /// Protocol-specific scripted actions.
    type Action: Clone + Debug + Send + Sync;
    /// Observations.
    type Obs: Observation;
    /// The protocol's safety and liveness checker.
    type Checker: Checker<Self>;

    /// Reads the protocol's parameters (the network parameters are already consumed).
    fn params(r: &mut ParamReader<'_>, cluster: &Cluster) -> Result<Self::Params, ScenarioError>;

    /// Network defaults before the scenario's own network parameters apply (a preset may change them).
    fn default_network(_s: &Scenario) -> NetParams {
        NetParams::default()
    }

    /// Checks node-count bounds and other whole-scenario constraints.
    fn validate(s: &Scenario, p: &Self::Params) -> Result<(), ScenarioError>;

    /// Converts a validated scenario action for this protocol, or `None` if it does not apply to it.
    fn action(a: &Action, p: &Self::Params) -> Option<Self::Action>;

    /// A random protocol action at time `t` (a client request, a transaction, a read or write) for soaks and the
    /// counterexample search; `None` when the protocol has none.
    fn random_action(_rng: &mut Rng, _s: &Scenario, _t: Time) -> Option<Action> {
        None
    }

    /// A node's stable state before it has written anything.
    fn empty_durable(p: &Self::Params) -> Self::Durable;

    /// Applies a record to stable state.
    fn apply(d: &mut Self::Durable, r: &Self::Record);

    /// Boots node `me` (at t = 0 with empty stable state, or on recovery with what was persisted) and runs the
    /// protocol's start or recovery procedure.
    fn boot(cx: &mut Ctx<'_, Self>, p: &Self::Params, d: &Self::Durable, recovering: bool) -> Self;

    /// Handles a delivered message.
    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, p: &Self::Params, from: NodeId, m: Self::Msg);

    /// Handles an expired timer.
    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, p: &Self::Params, t: Self::Timer);

    /// Handles a scripted action addressed to this node.
    fn on_action(&mut self, cx: &mut Ctx<'_, Self>, p: &Self::Params, a: Self::Action);

    /// The node whose isolation would hurt the most right now (Raft: the leader), for the counterexample search's
    /// `isolate` faults; `None` lets the search cut off a node of its own choosing.
    fn focus(_w: &World<'_, Self>) -> Option<NodeId> {
        None
    }

    /// The node that a protocol action is addressed to.
    fn action_node(a: &Self::Action, p: &Self::Params) -> NodeId;

    /// What the UI shows of a live node.
    fn view(&self, p: &Self::Params, d: &Self::Durable) -> ProtoView;

    /// What the UI shows of a crashed node (only its stable state is left).
    fn view_down(p: &Self::Params, d: &Self::Durable) -> ProtoView;

    /// The node's fields in the report (`nodes.<id>` minus `up`); `w.node(i)` is `None` when it is down.
    fn report_node(w: &World<'_, Self>, i: NodeId, c: &Self::Checker) -> Map<String, Value>;

    /// The report's `app` object.
    fn report_app(_w: &World<'_, Self>, _c: &Self::Checker) -> Map<String, Value> {
        Map::new()
    }
}

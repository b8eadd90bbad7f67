//! Protocol-agnostic snapshots that the UI draws from.
//!
//! A [`Snapshot`] is everything on screen at one instant: the nodes (role, key fields, log or stable records,
//! timers, clocks), the messages in flight with their send and delivery times (the animation interpolates between
//! them), and the state of every link. Protocols fill in a [`ProtoView`]; the kernel adds what it owns.

use crate::protocol::NodeId;
use crate::time::{Time, VClock};
use serde::{Serialize, Serializer};
use serde_json::Value;

pub(crate) fn ser_opt_node<S: Serializer>(n: &Option<NodeId>, s: S) -> Result<S::Ok, S::Error> {
    n.serialize(s)
}

/// One key field of a node.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Field {
    /// Field name (`"term"`, `"votedFor"`).
    pub name: &'static str,
    /// Value as shown.
    pub value: String,
    /// True when the field lives in stable storage (survives a crash).
    pub durable: bool,
}

impl Field {
    /// A volatile field.
    pub fn volatile(name: &'static str, value: impl ToString) -> Self {
        Field { name, value: value.to_string(), durable: false }
    }

    /// A field in stable storage.
    pub fn durable(name: &'static str, value: impl ToString) -> Self {
        Field { name, value: value.to_string(), durable: true }
    }
}

/// One line of a node's log or stable records.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogLine {
    /// Text (`"2:x=3"`, `"PREPARED"`).
    pub text: String,
    /// Raft: committed (known to this node). Records: always true.
    pub committed: bool,
    /// The term or epoch the line belongs to, for colouring (0 when not applicable).
    pub term: u64,
}

/// What a protocol says about one node.
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct ProtoView {
    /// Role or state label, as text (never colour alone): `"leader"`, `"PREPARED"`.
    pub role: String,
    /// Styling class for the role (`"leader"`, `"candidate"`, `"committed"`, `"uncertain"`, …).
    pub class: &'static str,
    /// Key fields.
    pub fields: Vec<Field>,
    /// Log entries or stable records.
    pub log: Vec<LogLine>,
    /// Since when the node has been blocked, if it is.
    pub blocked_since: Option<Time>,
}

/// A timer as drawn (a ring counting down).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimerView {
    /// Timer name.
    pub name: String,
    /// True time when it was armed.
    pub armed_at: Time,
    /// True time when it fires.
    pub deadline: Time,
}

/// A node in a snapshot.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeView {
    /// Node id.
    pub id: String,
    /// False while crashed.
    pub up: bool,
    /// Set while paused: the true time it resumes.
    pub paused_until: Option<Time>,
    /// The protocol's part.
    pub proto: ProtoView,
    /// Armed timers, soonest first.
    pub timers: Vec<TimerView>,
    /// Physical clock reading now.
    pub wall: i64,
    /// Monotonic clock reading now.
    pub mono: i64,
    /// Clock skew (ms) and drift (ppm).
    pub offset: i64,
    /// Clock drift in ppm.
    pub drift: i64,
    /// Kernel Lamport clock.
    pub lamport: u64,
    /// Kernel vector clock.
    pub vclock: VClock,
}

/// A message in flight.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessageView {
    /// Trace id (copies made by the network share it).
    pub id: u64,
    /// Sender.
    pub src: NodeId,
    /// Receiver.
    pub dst: NodeId,
    /// Type.
    pub kind: &'static str,
    /// Short label (shared with the envelope: a view is rebuilt every frame, the label only once per message).
    pub label: std::sync::Arc<str>,
    /// True for replies.
    pub response: bool,
    /// Send time.
    pub sent_at: Time,
    /// Scheduled delivery time.
    pub deliver_at: Time,
    /// A copy made by the network.
    pub dup: bool,
    /// Extra latency added by delay rules (ms).
    pub delayed: u64,
    /// Kernel Lamport stamp.
    pub lamport: u64,
    /// Kernel vector stamp.
    pub vclock: VClock,
    /// Physical clock reading of the sender at send time.
    pub sent_wall: i64,
}

/// Everything on screen at one instant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Snapshot {
    /// True time.
    pub t: Time,
    /// Nodes in scenario order.
    pub nodes: Vec<NodeView>,
    /// Messages in flight, by id.
    pub messages: Vec<MessageView>,
    /// `cut[src][dst]`: the one-way link src→dst is down.
    pub cut: Vec<Vec<bool>>,
    /// Partition groups in force (empty when none was drawn or after a heal).
    pub groups: Vec<Vec<NodeId>>,
    /// Network parameters now in force.
    pub network: NetworkView,
}

/// Network parameters as shown.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NetworkView {
    /// Base latency (ms).
    pub latency: u64,
    /// Maximum jitter (ms).
    pub jitter: u64,
    /// Loss probability.
    pub loss: f64,
    /// Duplication probability.
    pub duplicate: f64,
}

/// A node for the inspector: its name (`ids[n]`), or its index if the list has no such entry.
pub fn node_json(ids: &[String], n: usize) -> Value {
    ids.get(n).map_or_else(|| Value::from(n), |s| Value::from(s.as_str()))
}

/// Nodes for the inspector, by name (see [`node_json`]).
pub fn nodes_json(ids: &[String], ns: &[usize]) -> Value {
    Value::Array(ns.iter().map(|&n| node_json(ids, n)).collect())
}

/// A node's name for a description (`#n` if the list has no such entry).
pub fn node_name(ids: &[String], n: usize) -> String {
    ids.get(n).cloned().unwrap_or_else(|| format!("#{n}"))
}

/// Message fields as JSON for the inspector (helper for protocols).
pub fn fields<I: IntoIterator<Item = (&'static str, Value)>>(it: I) -> Value {
    Value::Object(crate::collect::object(it))
}

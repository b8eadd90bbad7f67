//! The trace: every event the simulator processed, in order, and its 64-bit hash.
//!
//! The hash covers every structural fact of each event (time, node, kind, message ids, endpoints, delivery times,
//! drop reasons) plus a digest of the protocol payload involved (the message, record, timer or observation,
//! through their `Hash` impls and [`TraceHasher`]). Display strings are not hashed: they are derived from the
//! same data and are only built when the trace is being recorded, so a hash-only run (benchmarks, soaks) never
//! formats text.

use crate::hash::TraceHasher;
use crate::protocol::{Cluster, NodeId};
use crate::time::{Time, VClock};
use serde::Serialize;
use serde_json::{json, Value};
use std::hash::Hasher;

/// Why a message did not arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum DropReason {
    /// The link was cut when the message was sent.
    #[serde(rename = "partition@send")]
    PartitionAtSend,
    /// The link was cut when the message would have arrived (a partition destroys messages in flight).
    #[serde(rename = "partition@deliver")]
    PartitionAtDeliver,
    /// A `drop` fault rule matched.
    #[serde(rename = "rule")]
    Rule,
    /// Random loss (`loss` network parameter).
    #[serde(rename = "loss")]
    Loss,
    /// The receiver was down when it arrived.
    #[serde(rename = "dst-down")]
    DstDown,
    /// The viewer dropped it by hand (`dropMessage`).
    #[serde(rename = "viewer")]
    Viewer,
    /// The network already held its capacity of messages in flight ([`crate::sim::MAX_IN_FLIGHT`]): only a message
    /// storm gets there, and it is bounded rather than left to exhaust memory.
    #[serde(rename = "overflow")]
    Overflow,
}

impl DropReason {
    /// The reason as written in traces and on screen.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::PartitionAtSend => "partition@send",
            DropReason::PartitionAtDeliver => "partition@deliver",
            DropReason::Rule => "rule",
            DropReason::Loss => "loss",
            DropReason::DstDown => "dst-down",
            DropReason::Viewer => "viewer",
            DropReason::Overflow => "overflow",
        }
    }
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum TraceKind {
    /// A message left its sender.
    Send {
        /// Trace id.
        id: u64,
        /// Receiver.
        to: NodeId,
        /// Message type.
        msg: &'static str,
        /// Label (only when recording).
        label: String,
        /// Scheduled arrival, `None` when dropped at send.
        deliver_at: Option<Time>,
        /// Extra copies scheduled by the network.
        copies: u32,
        /// Extra latency from delay rules.
        delayed: u64,
    },
    /// A message was handed to its receiver.
    Deliver {
        /// Trace id.
        id: u64,
        /// Sender.
        from: NodeId,
        /// Message type.
        msg: &'static str,
        /// A copy made by the network.
        dup: bool,
        /// When it was sent.
        sent_at: Time,
    },
    /// A message was lost.
    Drop {
        /// Trace id.
        id: u64,
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// Message type.
        msg: &'static str,
        /// Why.
        reason: DropReason,
        /// When it was sent.
        sent_at: Time,
    },
    /// A message's delivery was deferred because its receiver was paused.
    Defer {
        /// Trace id.
        id: u64,
        /// New delivery time.
        until: Time,
    },
    /// A timer fired.
    Timer {
        /// Timer name.
        name: String,
    },
    /// A record was written to stable storage.
    Persist {
        /// Record description.
        record: String,
    },
    /// A node reported an observation.
    Observe {
        /// Description.
        what: String,
        /// The timeline kind, if it is a timeline event.
        timeline: Option<&'static str>,
    },
    /// An indicator the checker raised about a node, not the node's own observation (2PC's "blocked", which
    /// depends on whom the node can reach).
    Note {
        /// Description.
        what: String,
        /// The timeline kind.
        timeline: &'static str,
    },
    /// A scripted or viewer action reached a node (client request, submit, local event).
    Action {
        /// Description.
        what: String,
    },
    /// An action that changed nothing (recovering a node that is up, dropping a message no longer in flight).
    Ignored {
        /// Description.
        what: String,
    },
    /// A node crashed.
    Crash {
        /// The `crashOn` hook that fired, if any.
        hook: Option<String>,
    },
    /// A node recovered.
    Recover,
    /// A node was paused.
    Pause {
        /// Resume time.
        until: Time,
    },
    /// Partition into groups (nodes not listed are isolated).
    Partition {
        /// The groups.
        groups: Vec<Vec<NodeId>>,
    },
    /// All links up.
    Heal,
    /// One direction of one link cut.
    Cut {
        /// Sender side.
        src: NodeId,
        /// Receiver side.
        dst: NodeId,
    },
    /// One direction of one link restored.
    Restore {
        /// Sender side.
        src: NodeId,
        /// Receiver side.
        dst: NodeId,
    },
    /// A physical clock was stepped.
    ClockJump {
        /// Step in ms.
        delta: i64,
    },
    /// A clock's skew and drift were set.
    SetClock {
        /// New skew.
        offset: i64,
        /// New drift.
        drift: i64,
    },
    /// Network parameters changed.
    SetNetwork {
        /// Description.
        what: String,
    },
    /// A safety invariant broke.
    Violation {
        /// Invariant id.
        invariant: &'static str,
        /// Explanation.
        detail: String,
    },
}

/// One trace record.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceEvent {
    /// Position in the trace (0-based).
    pub i: u64,
    /// The event this record belongs to (1-based count of processed events; 0 for the boot at t = 0).
    pub ev: u64,
    /// True time.
    pub t: Time,
    /// The node it happened at, if any.
    pub node: Option<NodeId>,
    /// What happened.
    #[serde(flatten)]
    pub kind: TraceKind,
    /// Kernel Lamport clock of the node after the event (0 when no node).
    pub lamport: u64,
    /// Kernel vector clock of the node after the event.
    pub vclock: VClock,
    /// The node's physical clock reading at the event.
    pub wall: i64,
}

impl TraceEvent {
    /// The event as one JSON object with node ids spelled out (the `--trace` JSON-lines format).
    pub fn to_json(&self, c: &Cluster) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or(Value::Null);
        let id = |n: NodeId| Value::String(c.ids.get(n).cloned().unwrap_or_default());
        if let Value::Object(m) = &mut v {
            if let Some(n) = self.node {
                m.insert("node".into(), id(n));
            }
            for key in ["to", "from", "src", "dst"] {
                if let Some(Value::Number(x)) = m.get(key) {
                    let n = x.as_u64().unwrap_or(0) as usize;
                    m.insert(key.into(), id(n));
                }
            }
            if let TraceKind::Partition { groups } = &self.kind {
                m.insert(
                    "groups".into(),
                    json!(groups.iter().map(|g| g.iter().map(|&n| id(n)).collect::<Vec<_>>()).collect::<Vec<_>>()),
                );
            }
            if self.node.is_none() {
                m.remove("vclock");
                m.remove("lamport");
                m.remove("wall");
            }
        }
        v
    }
}

/// Feeds the structural facts of an event (never its display strings) to the hasher.
pub(crate) fn hash_event(h: &mut TraceHasher, t: Time, node: Option<NodeId>, k: &TraceKind, payload: u64) {
    h.write_u64(t);
    h.write_u64(node.map_or(u64::MAX, |n| n as u64));
    match k {
        TraceKind::Send { id, to, msg, deliver_at, copies, delayed, .. } => {
            h.write_u8(1);
            h.write_u64(*id);
            h.write_u64(*to as u64);
            h.feed(msg);
            h.write_u64(deliver_at.unwrap_or(u64::MAX));
            h.write_u32(*copies);
            h.write_u64(*delayed);
        }
        TraceKind::Deliver { id, from, dup, sent_at, .. } => {
            h.write_u8(2);
            h.write_u64(*id);
            h.write_u64(*from as u64);
            h.write_u8(*dup as u8);
            h.write_u64(*sent_at);
        }
        TraceKind::Drop { id, to, reason, .. } => {
            h.write_u8(3);
            h.write_u64(*id);
            h.write_u64(*to as u64);
            h.feed(reason);
        }
        TraceKind::Defer { id, until } => {
            h.write_u8(4);
            h.write_u64(*id);
            h.write_u64(*until);
        }
        TraceKind::Timer { .. } => h.write_u8(5),
        TraceKind::Persist { .. } => h.write_u8(6),
        TraceKind::Observe { .. } => h.write_u8(7),
        TraceKind::Note { timeline, .. } => {
            h.write_u8(21);
            h.feed(timeline);
        }
        // An action's description, and an ignored input's, is written only when the trace is recorded, so the
        // hash takes neither: it must not depend on recording (the CLI with and without --trace, a seek that
        // re-runs silently from a checkpoint taken while recording). The empty text is what it always took
        // without recording, so reports keep their hashes.
        TraceKind::Action { .. } => {
            h.write_u8(8);
            h.feed("");
        }
        TraceKind::Ignored { .. } => {
            h.write_u8(9);
            h.feed("");
        }
        TraceKind::Crash { hook } => {
            h.write_u8(10);
            h.write_u8(hook.is_some() as u8);
        }
        TraceKind::Recover => h.write_u8(11),
        TraceKind::Pause { until } => {
            h.write_u8(12);
            h.write_u64(*until);
        }
        TraceKind::Partition { groups } => {
            h.write_u8(13);
            h.feed(groups);
        }
        TraceKind::Heal => h.write_u8(14),
        TraceKind::Cut { src, dst } => {
            h.write_u8(15);
            h.feed(&(src, dst));
        }
        TraceKind::Restore { src, dst } => {
            h.write_u8(16);
            h.feed(&(src, dst));
        }
        TraceKind::ClockJump { delta } => {
            h.write_u8(17);
            h.write_i64(*delta);
        }
        TraceKind::SetClock { offset, drift } => {
            h.write_u8(18);
            h.write_i64(*offset);
            h.write_i64(*drift);
        }
        TraceKind::SetNetwork { what } => {
            h.write_u8(19);
            h.feed(what);
        }
        TraceKind::Violation { invariant, detail } => {
            h.write_u8(20);
            h.feed(invariant);
            h.feed(detail);
        }
    }
    h.write_u64(payload);
}

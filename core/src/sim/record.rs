//! What a run records as it goes: the trace hash, the full trace when asked for, the event counters, and the
//! violations found.
//!
//! None of this depends on the protocol, so it lives outside the generic kernel: the web build carries every
//! protocol, and each generic method is compiled once per protocol. The kernel passes in the little it knows about
//! nodes (their clocks, as a [`Stamp`]) and calls these methods, which are compiled once.

use crate::check::{Found, Violation};
use crate::hash::TraceHasher;
use crate::protocol::NodeId;
use crate::time::{Time, VClock};
use crate::trace::{hash_event, TraceEvent, TraceKind};
use std::hash::Hasher;

/// Most distinct violations kept per run (the first of each invariant is always kept).
const MAX_VIOLATIONS: usize = 256;

/// A node's clocks after an event, as a trace record shows them: Lamport, vector, and physical clock reading.
pub(super) type Stamp = (u64, VClock, i64);

/// The run's record (see the module documentation).
#[derive(Clone, Debug, Default)]
pub(super) struct Recorder {
    hasher: TraceHasher,
    trace_len: u64,
    /// Full trace records are kept (the hash always is).
    pub recording: bool,
    pub trace: Vec<TraceEvent>,
    /// Events processed so far.
    pub events: u64,
    /// An event is being processed (its trace records belong to event `events + 1`).
    pub in_event: bool,
    /// First violation of each invariant, in the order found.
    pub first: Vec<Violation>,
    /// Distinct violations found so far (capped).
    pub violations: Vec<Violation>,
}

impl Recorder {
    /// The trace hash so far.
    pub fn hash(&self) -> u64 {
        self.hasher.finish()
    }

    /// Records an event in the hash and, when recording, in the trace. `stamp` is the node's (read only when
    /// recording; `None` for events of no node).
    #[inline(never)]
    pub fn emit(&mut self, now: Time, node: Option<NodeId>, stamp: Option<Stamp>, kind: TraceKind, payload: u64) {
        hash_event(&mut self.hasher, now, node, &kind, payload);
        if self.recording {
            let (lamport, vclock, wall) = stamp.unwrap_or_default();
            let ev = self.events + u64::from(self.in_event);
            self.trace.push(TraceEvent { i: self.trace_len, ev, t: now, node, kind, lamport, vclock, wall });
        }
        self.trace_len += 1;
    }

    /// Moves what the checker found into the record: each distinct violation once, the first of each invariant
    /// always, the others up to [`MAX_VIOLATIONS`]. `stamps` gives every node's stamp (empty when not recording).
    #[inline(never)]
    pub fn flush(&mut self, now: Time, found: &mut Found, stamps: &[Stamp]) {
        let list = std::mem::take(&mut found.list);
        for v in list {
            let known = self.violations.iter().any(|x| x.invariant == v.invariant && x.detail == v.detail);
            if known {
                continue;
            }
            if !self.first.iter().any(|x| x.invariant == v.invariant) {
                self.first.push(v.clone());
            } else if self.violations.len() >= MAX_VIOLATIONS {
                continue;
            }
            let detail = v.detail.clone();
            let stamp = v.node.and_then(|n| stamps.get(n).copied());
            self.emit(now, v.node, stamp, TraceKind::Violation { invariant: v.invariant, detail }, 0);
            self.violations.push(v);
        }
    }
}

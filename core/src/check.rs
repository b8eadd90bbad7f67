//! Invariants: checked after every event, incrementally; a broken one is data, never a panic.
//!
//! Each protocol has one [`Checker`] holding the bookkeeping of all its invariants (`leadersByTerm`, the decisions
//! taken so far, …). The kernel shows it every effect just before applying it (that is how the write-ahead
//! invariants see a send whose record is not yet durable) and calls it once after every event. Work per call must
//! not grow with the length of the run.

use crate::protocol::{EffectRef, NodeId, Protocol};
use crate::sim::World;
use crate::time::Time;
use crate::view::ProtoView;
use serde::Serialize;

/// A broken safety invariant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Invariant id from the catalogue (protocols.md §7), e.g. `"R-ES"`.
    pub invariant: &'static str,
    /// True time of the event after which it was found broken.
    pub at: Time,
    /// The node most involved, if any.
    #[serde(serialize_with = "crate::view::ser_opt_node")]
    pub node: Option<NodeId>,
    /// Human-readable explanation.
    pub detail: String,
    /// Every node involved (for highlighting).
    #[serde(skip)]
    pub nodes: Vec<NodeId>,
}

/// Collects violations found during one event.
#[derive(Clone, Debug, Default)]
pub struct Found {
    pub(crate) at: Time,
    pub(crate) list: Vec<Violation>,
    /// Indicators raised for a node: `(node, timeline kind, description)`.
    pub(crate) notes: Vec<(NodeId, &'static str, String)>,
}

impl Found {
    /// Reports invariant `id` broken, with the node most involved and an explanation.
    pub fn report(&mut self, id: &'static str, node: Option<NodeId>, detail: impl Into<String>) {
        self.report_nodes(id, node, node.into_iter().collect(), detail);
    }

    /// Like [`Found::report`], naming every node involved.
    pub fn report_nodes(
        &mut self,
        id: &'static str,
        node: Option<NodeId>,
        nodes: Vec<NodeId>,
        detail: impl Into<String>,
    ) {
        self.list.push(Violation { invariant: id, at: self.at, node, detail: detail.into(), nodes });
    }

    /// Raises an indicator that is not a violation (2PC's "blocked", §2.8): it goes into the trace and the
    /// report's timeline as `kind` at `node`, now.
    pub fn note(&mut self, node: NodeId, kind: &'static str, what: impl Into<String>) {
        self.notes.push((node, kind, what.into()));
    }
}

/// A liveness property evaluated at the end of a run (or on demand).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Liveness {
    /// Property id, e.g. `"AC-Termination"`.
    pub property: &'static str,
    /// Whether it holds at the evaluation time.
    pub holds: bool,
    /// Why (or why not).
    pub detail: String,
}

/// An invariant as listed in the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvariantInfo {
    /// Id from the catalogue.
    pub id: &'static str,
    /// One-line statement.
    pub summary: &'static str,
}

/// A protocol's checker.
pub trait Checker<P: Protocol>: Clone + std::fmt::Debug + Send + Sync {
    /// Creates the checker for a run.
    fn new(w: &World<'_, P>) -> Self;

    /// The safety invariants this checker evaluates.
    fn invariants(p: &P::Params) -> Vec<InvariantInfo>;

    /// Sees an effect of `node` just before the kernel applies it.
    fn on_effect(&mut self, _w: &World<'_, P>, _node: NodeId, _e: &EffectRef<'_, P>, _out: &mut Found) {}

    /// Sees a message delivered to `node` (before its handler runs).
    fn on_deliver(&mut self, _w: &World<'_, P>, _node: NodeId, _from: NodeId, _m: &P::Msg, _out: &mut Found) {}

    /// Sees a node crash or recover (after the kernel has applied it). On a crash between events or by a hook
    /// *after* an effect, `w.node(node)` still shows the volatile state it crashed in, dropped right after; on a
    /// crash by a hook *before* an effect it is `None` (the handler's changes never happened).
    fn on_crash(&mut self, _w: &World<'_, P>, _node: NodeId, _up: bool, _out: &mut Found) {}

    /// Runs after every event.
    fn after_event(&mut self, w: &World<'_, P>, out: &mut Found);

    /// Liveness properties evaluated at `w.now()`.
    fn liveness(&self, _w: &World<'_, P>) -> Vec<Liveness> {
        Vec::new()
    }

    /// Adds to a node's view what only the checker knows (2PC's "blocked since", which depends on who the node
    /// can reach).
    fn annotate(&self, _node: NodeId, _view: &mut ProtoView) {}
}

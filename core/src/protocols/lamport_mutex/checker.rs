//! The mutex checker: ME-Exclusion and ME-Order after every event, ME-Liveness at the end.

use super::{LamportMutex, MutexObs, MutexParams, Req};
use crate::check::{Checker, Found, InvariantInfo, Liveness};
use crate::protocol::{EffectRef, NodeId};
use crate::sim::World;
use crate::time::Time;
use crate::vecmap::VecMap;
use serde_json::{json, Map, Value};

/// Most entries listed in `app.entries` (the count is exact).
const MAX_ENTRIES: usize = 10_000;

/// One use of the critical section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The process.
    pub node: NodeId,
    /// Its request.
    pub req: Req,
    /// When it asked.
    pub requested: Time,
    /// When it entered.
    pub entered: Time,
    /// When it left (`None`: still inside, or it crashed inside).
    pub exited: Option<Time>,
}

/// Checks ME-Exclusion and ME-Order; evaluates ME-Liveness.
#[derive(Clone, Debug, Default)]
pub struct MutexChecker {
    /// Requests issued and not yet granted, with their process and time.
    outstanding: VecMap<Req, (NodeId, Time)>,
    /// The largest request granted so far.
    last_granted: Option<Req>,
    /// Every entry, in order.
    entries: Vec<Entry>,
    entry_count: usize,
    /// Index in `entries` of each process's current entry.
    inside: Vec<Option<usize>>,
    /// Requests abandoned by a crash: (process, request, crash time, crashed inside the critical section).
    abandoned: Vec<(NodeId, Req, Time, bool)>,
    /// Crash times of processes that are down.
    down_since: Vec<Option<Time>>,
}

impl MutexChecker {
    /// Every use of the critical section so far.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The report's `app`: `entries` (who entered with which request, when, and when it left).
    pub fn report_app(&self, w: &World<'_, LamportMutex>) -> Map<String, Value> {
        let p = w.params();
        let list = self
            .entries
            .iter()
            .map(|e| {
                json!({
                    "node": p.ids[e.node], "request": e.req.to_json(p), "requestedAt": e.requested,
                    "enter": e.entered, "exit": e.exited,
                })
            })
            .collect();
        let mut m = Map::new();
        m.insert("entries".into(), Value::Array(list));
        m.insert("entryCount".into(), json!(self.entry_count));
        let abandoned = self
            .abandoned
            .iter()
            .map(|(n, r, t, inside)| {
                json!({ "node": p.ids[*n], "request": r.to_json(p), "crashedAt": t, "inside": inside })
            })
            .collect();
        m.insert("abandoned".into(), Value::Array(abandoned));
        m
    }

    fn enter(&mut self, w: &World<'_, LamportMutex>, node: NodeId, r: Req, out: &mut Found) {
        let p = w.params();
        let requested = self.outstanding.remove(&r).map_or(w.now(), |(_, t)| t);
        // Lamport's guarantee: requests are granted in ⇒ order. An earlier request still waiting, or a later one
        // already granted, means this entry jumped the queue.
        if let Some((&earlier, &(q, _))) = self.outstanding.iter().next().filter(|(e, _)| **e < r) {
            out.report_nodes(
                "ME-Order",
                Some(node),
                vec![node, q],
                format!(
                    "{} entered with request {} while {}'s earlier request {} was still waiting",
                    p.ids[node],
                    r.show(p),
                    p.ids[q],
                    earlier.show(p)
                ),
            );
        }
        if let Some(g) = self.last_granted.filter(|g| *g > r) {
            out.report(
                "ME-Order",
                Some(node),
                format!(
                    "{} entered with request {} after the later request {} was granted",
                    p.ids[node],
                    r.show(p),
                    g.show(p)
                ),
            );
        }
        self.last_granted = Some(self.last_granted.map_or(r, |g| g.max(r)));
        self.entry_count += 1;
        if self.entries.len() < MAX_ENTRIES {
            self.inside[node] = Some(self.entries.len());
            self.entries.push(Entry { node, req: r, requested, entered: w.now(), exited: None });
        }
    }
}

fn show_nodes(w: &World<'_, LamportMutex>, nodes: &[NodeId]) -> String {
    nodes.iter().map(|&i| w.id(i)).collect::<Vec<_>>().join(", ")
}

impl Checker<LamportMutex> for MutexChecker {
    fn new(w: &World<'_, LamportMutex>) -> Self {
        MutexChecker { inside: vec![None; w.n()], down_since: vec![None; w.n()], ..Default::default() }
    }

    fn invariants(_p: &MutexParams) -> Vec<InvariantInfo> {
        vec![
            InvariantInfo { id: "ME-Exclusion", summary: "at most one process is in the critical section" },
            InvariantInfo { id: "ME-Order", summary: "processes enter in ⇒ order of their request timestamps" },
        ]
    }

    fn on_effect(
        &mut self,
        w: &World<'_, LamportMutex>,
        node: NodeId,
        e: &EffectRef<'_, LamportMutex>,
        out: &mut Found,
    ) {
        let EffectRef::Observe(o) = e else { return };
        match o {
            MutexObs::Requested(r) => {
                self.outstanding.insert(*r, (node, w.now()));
            }
            MutexObs::Enter(r) => self.enter(w, node, *r, out),
            MutexObs::Exit(_) => {
                if let Some(i) = self.inside[node].take() {
                    self.entries[i].exited = Some(w.now());
                }
            }
            MutexObs::Ignored(_) => {}
        }
    }

    fn on_crash(&mut self, w: &World<'_, LamportMutex>, node: NodeId, up: bool, _out: &mut Found) {
        if up {
            self.down_since[node] = None;
            return;
        }
        self.down_since[node] = Some(w.now());
        // The crashed process forgets its request: it will never be granted, or never released.
        if let Some(i) = self.inside[node].take() {
            self.abandoned.push((node, self.entries[i].req, w.now(), true));
        }
        let mine: Vec<Req> = self.outstanding.iter().filter(|(_, (n, _))| *n == node).map(|(r, _)| *r).collect();
        for r in mine {
            self.outstanding.remove(&r);
            self.abandoned.push((node, r, w.now(), false));
        }
    }

    fn after_event(&mut self, w: &World<'_, LamportMutex>, out: &mut Found) {
        let inside: Vec<NodeId> = (0..w.n()).filter(|&i| w.node(i).is_some_and(|n| n.in_cs())).collect();
        if inside.len() > 1 {
            out.report_nodes(
                "ME-Exclusion",
                Some(inside[inside.len() - 1]),
                inside.clone(),
                format!("{} are in the critical section at the same time", show_nodes(w, &inside)),
            );
        }
    }

    fn liveness(&self, w: &World<'_, LamportMutex>) -> Vec<Liveness> {
        let p = w.params();
        let waiting: Vec<String> = self
            .outstanding
            .iter()
            .map(|(r, (n, t))| format!("{} waits with {} since {t}", p.ids[*n], r.show(p)))
            .collect();
        let mut down: Vec<String> = self
            .abandoned
            .iter()
            .map(|(n, r, t, inside)| {
                let what = if *inside { "inside the critical section" } else { "while waiting" };
                format!("{} crashed at {t} {what} with {}", p.ids[*n], r.show(p))
            })
            .collect();
        down.extend((0..w.n()).filter_map(|i| self.down_since[i].map(|t| format!("{} is down since {t}", p.ids[i]))));
        let holds = waiting.is_empty();
        let detail = if holds {
            format!("all {} requests were granted", self.entry_count)
        } else {
            let mut d = format!("not granted: {}", waiting.join("; "));
            if !down.is_empty() {
                d.push_str(&format!(" ({})", down.join("; ")));
            }
            d
        };
        vec![Liveness { property: "ME-Liveness", holds, detail }]
    }
}

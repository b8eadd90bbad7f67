//! The Lamport checker: records every event with its ground-truth vector and checks LC-* incrementally.

use super::{Lamport, LcEvent};
use crate::check::{Checker, Found, InvariantInfo};
use crate::protocol::{Cluster, EffectRef, NodeId};
use crate::sim::World;
use crate::time::{Time, VClock};
use crate::vecmap::VecSet;
use serde_json::{json, Map, Value};

/// Most pairs listed in `app.concurrent` and `app.inversions` (the counts are always exact).
const MAX_PAIRS: usize = 10_000;

/// What kind of event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A local event.
    Local,
    /// A send event.
    Send,
    /// A receive event.
    Recv,
}

impl EventKind {
    fn name(self) -> &'static str {
        match self {
            EventKind::Local => "local",
            EventKind::Send => "send",
            EventKind::Recv => "recv",
        }
    }
}

/// One event as the omniscient observer saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRec {
    /// Event name.
    pub name: String,
    /// Process.
    pub node: NodeId,
    /// Local, send or receive.
    pub kind: EventKind,
    /// The message sent or received.
    pub msg: Option<String>,
    /// True time.
    pub t: Time,
    /// The process's physical clock reading.
    pub pc: i64,
    /// Lamport timestamp.
    pub c: u64,
    /// Ground-truth vector clock (the kernel's).
    pub v: VClock,
}

impl EventRec {
    /// The event as listed in the report's `events`.
    pub fn to_json(&self, cluster: &Cluster) -> Value {
        let mut m = Map::new();
        m.insert("name".into(), json!(self.name));
        m.insert("node".into(), json!(cluster.ids[self.node]));
        m.insert("t".into(), json!(self.t));
        m.insert("pc".into(), json!(self.pc));
        m.insert("lamport".into(), json!(self.c));
        m.insert("vector".into(), json!(self.v.as_slice()));
        m.insert("kind".into(), json!(self.kind.name()));
        if let Some(msg) = &self.msg {
            m.insert("msg".into(), json!(msg));
        }
        Value::Object(m)
    }
}

/// Per node: the recorded events in process order, each with its own vector component (the kernel's count of
/// the node's events, which also counts events a crash interrupted before they were recorded) and the largest
/// `C` among the node's events up to it.
#[derive(Clone, Debug, Default)]
struct History {
    /// (own vector component, prefix maximum of C, index in `events` of an event with that maximum)
    marks: Vec<(u32, u64, usize)>,
}

impl History {
    /// Largest C (and the event carrying it) among the recorded events with own component ≤ `k`.
    fn max_upto(&self, k: u32) -> Option<(u64, usize)> {
        let i = self.marks.partition_point(|m| m.0 <= k);
        (i > 0).then(|| (self.marks[i - 1].1, self.marks[i - 1].2))
    }
}

/// Checks LC-Mono, LC-Recv, LC-Clock, LC-Unique and LC-Extends; keeps every event for the report.
#[derive(Clone, Debug, Default)]
pub struct LamportChecker {
    events: Vec<EventRec>,
    hist: Vec<History>,
    last_c: Vec<Option<u64>>,
    stamps: VecSet<(u64, usize)>,
    /// The timestamp of the message being delivered to each node (set on delivery, used by its receive event).
    delivering: Vec<Option<u64>>,
}

impl LamportChecker {
    /// Every event in the order it happened.
    pub fn events(&self) -> &[EventRec] {
        &self.events
    }

    /// The events of one node, in process order.
    pub fn node_events(&self, i: NodeId) -> impl Iterator<Item = &EventRec> + '_ {
        self.events.iter().filter(move |e| e.node == i)
    }

    /// Event indices in the total order ⇒: by (C, rank of the node), then by occurrence.
    pub fn total_order(&self, cluster: &Cluster) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.events.len()).collect();
        crate::sort::sort_by_key(&mut idx, |&i| (self.events[i].c, cluster.rank[self.events[i].node], i));
        idx
    }

    /// Pairs of concurrent events (indices, ordered by name), sorted by names.
    pub fn concurrent_pairs(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for i in 0..self.events.len() {
            for j in i + 1..self.events.len() {
                if self.events[i].v.concurrent(&self.events[j].v) {
                    out.push(self.by_name(i, j));
                }
            }
        }
        self.sort_pairs(&mut out);
        out
    }

    /// Physical-clock causality inversions: pairs `(a, b)` with `a → b` but `PC(a) > PC(b)`, sorted by names.
    pub fn inversions(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for i in 0..self.events.len() {
            for j in 0..self.events.len() {
                let (a, b) = (&self.events[i], &self.events[j]);
                if i != j && a.v.happened_before(&b.v) && a.pc > b.pc {
                    out.push((i, j));
                }
            }
        }
        self.sort_pairs(&mut out);
        out
    }

    fn by_name(&self, i: usize, j: usize) -> (usize, usize) {
        if (&self.events[j].name, j) < (&self.events[i].name, i) {
            (j, i)
        } else {
            (i, j)
        }
    }

    fn sort_pairs(&self, v: &mut [(usize, usize)]) {
        crate::sort::sort_by(v, |x, y| {
            let key = |p: &(usize, usize)| (&self.events[p.0].name, &self.events[p.1].name, p.0, p.1);
            key(x).cmp(&key(y))
        });
    }

    /// The report's `app`: `order` (names in ⇒ order), `concurrent` and `inversions` (pairs of names).
    pub fn report_app(&self, cluster: &Cluster) -> Map<String, Value> {
        let name = |i: usize| json!(self.events[i].name);
        let pairs = |v: &[(usize, usize)]| -> Value {
            Value::Array(v.iter().take(MAX_PAIRS).map(|&(a, b)| json!([name(a), name(b)])).collect())
        };
        let conc = self.concurrent_pairs();
        let inv = self.inversions();
        let mut m = Map::new();
        m.insert("order".into(), Value::Array(self.total_order(cluster).into_iter().map(name).collect()));
        m.insert("concurrent".into(), pairs(&conc));
        m.insert("concurrentCount".into(), json!(conc.len()));
        m.insert("inversions".into(), pairs(&inv));
        m.insert("inversionCount".into(), json!(inv.len()));
        m
    }

    /// Records the event and checks every LC-* invariant against it.
    fn record(&mut self, w: &World<'_, Lamport>, e: EventRec, recv_ts: Option<u64>, out: &mut Found) {
        let n = e.node;
        let ids = &w.cluster().ids;
        let rank = w.cluster().rank[n];
        let c = e.c;
        let me = &ids[n];
        if let Some(prev) = self.last_c[n] {
            if c <= prev {
                out.report(
                    "LC-Mono",
                    Some(n),
                    format!("{me}: event {} has C={c} after an event with C={prev}", e.name),
                );
            }
        }
        if let Some(ts) = recv_ts {
            if c <= ts {
                out.report(
                    "LC-Recv",
                    Some(n),
                    format!("{me}: receive event {} has C={c}, not above the message's timestamp {ts}", e.name),
                );
            }
        }
        if !self.stamps.insert((c, rank)) {
            out.report("LC-Unique", Some(n), format!("{me}: timestamp ({c}, {me}) of {} was issued twice", e.name));
        }
        // Happened-before from the vector: node j's events up to its number V[j] precede this one (for this node,
        // those before it). C is checked against the largest C among them.
        for (j, other) in ids.iter().enumerate() {
            let k = if j == n { e.v.get(j).saturating_sub(1) } else { e.v.get(j) };
            let Some((maxc, at)) = self.hist[j].max_upto(k) else { continue };
            if maxc < c {
                continue;
            }
            let a = &self.events[at];
            let detail = format!(
                "{} ({}, C={maxc}) → {} ({me}, C={c}) but C({}) ≥ C({})",
                a.name, other, e.name, a.name, e.name
            );
            out.report_nodes("LC-Clock", Some(n), vec![j, n], detail.clone());
            if (maxc, w.cluster().rank[j]) >= (c, rank) {
                out.report_nodes("LC-Extends", Some(n), vec![j, n], format!("{detail}, and ⇒ orders them backwards"));
            }
        }
        let idx = self.events.len();
        let h = &mut self.hist[n];
        let prev = h.marks.last().map(|m| (m.1, m.2));
        let (pm, pi) = match prev {
            Some((pm, pi)) if pm >= c => (pm, pi),
            _ => (c, idx),
        };
        h.marks.push((e.v.get(n), pm, pi));
        self.last_c[n] = Some(self.last_c[n].map_or(c, |x| x.max(c)));
        self.events.push(e);
    }
}

impl Checker<Lamport> for LamportChecker {
    fn new(w: &World<'_, Lamport>) -> Self {
        LamportChecker {
            hist: vec![History::default(); w.n()],
            last_c: vec![None; w.n()],
            delivering: vec![None; w.n()],
            ..Default::default()
        }
    }

    fn invariants(_p: &super::LamportParams) -> Vec<InvariantInfo> {
        vec![
            InvariantInfo { id: "LC-Mono", summary: "timestamps on one node strictly increase (also across crashes)" },
            InvariantInfo { id: "LC-Recv", summary: "a receive event's timestamp exceeds the message's" },
            InvariantInfo { id: "LC-Clock", summary: "a → b implies C(a) < C(b) (the Clock Condition)" },
            InvariantInfo { id: "LC-Unique", summary: "the pairs (C, node) are all distinct" },
            InvariantInfo {
                id: "LC-Extends", summary: "a → b implies (C(a), node a) < (C(b), node b): ⇒ extends →"
            },
        ]
    }

    fn on_effect(&mut self, w: &World<'_, Lamport>, node: NodeId, e: &EffectRef<'_, Lamport>, out: &mut Found) {
        match e {
            // A send event is recorded as the message leaves: the kernel stamps it with one more tick of the
            // sender's vector. (Recording it here rather than at its observation keeps it even when a crash hook
            // stops the node right after the send.)
            EffectRef::Send { msg, .. } => {
                let mut v = w.vclock(node);
                v.tick(node);
                let rec = EventRec {
                    name: msg.send.clone(),
                    node,
                    kind: EventKind::Send,
                    msg: Some(msg.name.clone()),
                    t: w.now(),
                    pc: w.wall(node),
                    c: msg.ts,
                    v,
                };
                self.record(w, rec, None, out);
            }
            EffectRef::Observe(LcEvent { kind: kind @ (EventKind::Local | EventKind::Recv), name, c, msg, .. }) => {
                let recv_ts = if *kind == EventKind::Recv { self.delivering[node].take() } else { None };
                let rec = EventRec {
                    name: name.clone(),
                    node,
                    kind: *kind,
                    msg: msg.clone(),
                    t: w.now(),
                    pc: w.wall(node),
                    c: *c,
                    v: w.vclock(node),
                };
                self.record(w, rec, recv_ts, out);
            }
            _ => {}
        }
    }

    fn on_deliver(
        &mut self,
        _w: &World<'_, Lamport>,
        node: NodeId,
        _from: NodeId,
        m: &super::LamportMsg,
        _out: &mut Found,
    ) {
        self.delivering[node] = Some(m.ts);
    }

    fn after_event(&mut self, _w: &World<'_, Lamport>, _out: &mut Found) {}
}

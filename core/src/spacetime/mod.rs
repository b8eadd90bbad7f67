//! The space-time (Lamport) diagram of a run, built from its trace: one line per node, every message an arrow from
//! its send event to its receive event (or to a cross where it was lost), local events as points, annotations
//! (timers, persisted records, decisions, role changes) as marks, crashes as gaps, pauses as hatched spans, and
//! partitions as shaded periods.
//!
//! Three vertical orders: true time (what really happened), Lamport timestamps (the logical order a process can
//! compute), and each node's physical clock (what the nodes believe, distorted by skew and drift). Causality comes
//! from the kernel's vector clocks: an event's past is every event whose vector is ≤ its own.
//!
//! The diagram grows with the trace ([`Diagram::extend`]) so a long run is not rebuilt every frame, and every
//! list is sorted by true time so a view can find what is visible with a binary search.

pub mod render;

use crate::protocol::NodeId;
use crate::time::{Time, VClock};
use crate::trace::{TraceEvent, TraceKind};
use serde::Serialize;
use std::collections::BTreeMap;

/// How the vertical axis is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
pub enum Order {
    /// True simulated time.
    #[default]
    TrueTime,
    /// Lamport timestamps.
    Lamport,
    /// Each node's physical (wall) clock reading.
    Physical,
}

/// What kind of event a point is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum PointKind {
    /// A message left this node.
    Send {
        /// Trace id of the message.
        id: u64,
        /// Receiver.
        to: NodeId,
        /// Type.
        msg: &'static str,
    },
    /// A message arrived at this node.
    Receive {
        /// Trace id of the message.
        id: u64,
        /// Sender.
        from: NodeId,
        /// Type.
        msg: &'static str,
    },
    /// A local event (a timer or a scripted action that sent nothing).
    Local,
}

/// An event on a node's line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Point {
    /// Index of its trace record (stable identifier for selection).
    pub trace: u64,
    /// The simulator event it belongs to.
    pub ev: u64,
    /// Node.
    pub node: NodeId,
    /// True time.
    pub t: Time,
    /// Kernel Lamport timestamp.
    pub lamport: u64,
    /// Node's physical clock reading.
    pub wall: i64,
    /// Kernel vector clock.
    pub vclock: VClock,
    /// Kind.
    pub kind: PointKind,
    /// What the node reported in the same step (decisions, named events), for labels.
    pub notes: Vec<String>,
    /// What caused a local event (the timer or the scripted action), when it is one.
    pub cause: Option<String>,
}

/// A message: from a send point to a receive point, or to where it was lost.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Arrow {
    /// Trace id.
    pub id: u64,
    /// Type.
    pub msg: &'static str,
    /// Index (in `points`) of the send.
    pub from: usize,
    /// Index of the receive, once delivered (a duplicate makes another arrow).
    pub to: Option<usize>,
    /// Where it was lost: (node line it was heading to, true time, reason).
    pub lost: Option<(NodeId, Time, &'static str)>,
    /// Receiver.
    pub dst: NodeId,
    /// True time the arrow was added (its send, or the delivery of a duplicate): arrows are in this order.
    pub at: Time,
}

/// A mark on a node's line that is not an event of its own.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mark {
    /// Trace index.
    pub trace: u64,
    /// Node.
    pub node: NodeId,
    /// True time.
    pub t: Time,
    /// Lamport clock at the mark.
    pub lamport: u64,
    /// Physical clock at the mark.
    pub wall: i64,
    /// What.
    pub text: String,
    /// Styling class: `timer`, `persist`, `observe`, `crash`, `recover`, `violation`, `clock`.
    pub class: &'static str,
}

/// A period on one node's line: down (a gap) or paused (hatched).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Span {
    /// Node.
    pub node: NodeId,
    /// Start.
    pub from: Time,
    /// End (open while it lasts).
    pub to: Option<Time>,
    /// `down` or `paused`.
    pub class: &'static str,
}

/// A period during which the network was split.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Band {
    /// Start.
    pub from: Time,
    /// End (open while it lasts).
    pub to: Option<Time>,
    /// Description (the groups or the cut link).
    pub text: String,
}

/// The diagram.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Diagram {
    /// Nodes.
    pub n: usize,
    /// Events, in trace order (hence true-time order).
    pub points: Vec<Point>,
    /// Messages.
    pub arrows: Vec<Arrow>,
    /// Annotations.
    pub marks: Vec<Mark>,
    /// Crashes and pauses.
    pub spans: Vec<Span>,
    /// Partitions and cut links.
    pub bands: Vec<Band>,
    /// Trace records consumed so far (by trace index; the next expected index).
    pub consumed: u64,
    last_lamport: Vec<u64>,
    /// Index of the arrow of each message id awaiting delivery (copies share an id).
    open_sends: BTreeMap<u64, usize>,
    /// The longest time any arrow spans (send to delivery or loss): bounds the search for arrows crossing a window.
    pub max_span: Time,
    last_point_of: Vec<Option<usize>>,
}

impl Diagram {
    /// An empty diagram for `n` nodes.
    pub fn new(n: usize) -> Self {
        Diagram { n, last_lamport: vec![0; n], last_point_of: vec![None; n], ..Default::default() }
    }

    /// Builds the diagram of a whole trace.
    pub fn build(trace: &[TraceEvent], n: usize) -> Self {
        let mut d = Diagram::new(n);
        d.extend(trace);
        d
    }

    fn close_span(&mut self, node: NodeId, class: &str, t: Time) {
        if let Some(s) = self.spans.iter_mut().rev().find(|s| s.node == node && s.class == class && s.to.is_none()) {
            s.to = Some(t);
        }
    }

    fn close_bands(&mut self, t: Time) {
        for b in self.bands.iter_mut().filter(|b| b.to.is_none()) {
            b.to = Some(t);
        }
    }

    fn push_point(&mut self, e: &TraceEvent, node: NodeId, kind: PointKind) -> usize {
        self.points.push(Point {
            trace: e.i,
            ev: e.ev,
            node,
            t: e.t,
            lamport: e.lamport,
            wall: e.wall,
            vclock: e.vclock,
            kind,
            notes: Vec::new(),
            cause: None,
        });
        let i = self.points.len() - 1;
        self.last_point_of[node] = Some(i);
        self.last_lamport[node] = e.lamport;
        i
    }

    fn stretch(&mut self, arrow: usize, end: Time) {
        let from = self.points[self.arrows[arrow].from].t;
        self.max_span = self.max_span.max(end.saturating_sub(from));
    }

    /// Indices of the arrows that may cross the true-time window `[from, to]` (a superset; callers still test).
    pub fn arrows_near(&self, from: Time, to: Time) -> std::ops::Range<usize> {
        let a = self.arrows.partition_point(|x| x.at < from.saturating_sub(self.max_span));
        let z = self.arrows.partition_point(|x| x.at <= to.saturating_add(self.max_span));
        a..z.max(a)
    }

    fn mark(&mut self, e: &TraceEvent, node: NodeId, text: String, class: &'static str) {
        self.marks.push(Mark { trace: e.i, node, t: e.t, lamport: e.lamport, wall: e.wall, text, class });
    }

    /// Adds the records not seen yet (records with an index below [`Diagram::consumed`] are skipped, so the same
    /// growing trace can be passed again).
    pub fn extend(&mut self, trace: &[TraceEvent]) {
        let start = trace.partition_point(|e| e.i < self.consumed);
        for e in &trace[start..] {
            self.consumed = e.i + 1;
            self.add(e);
        }
    }

    fn add(&mut self, e: &TraceEvent) {
        let Some(node) = e.node.filter(|n| *n < self.n) else {
            match &e.kind {
                TraceKind::Drop { id, to, reason, .. } => {
                    if let Some(a) = self.open_sends.remove(id) {
                        self.arrows[a].lost = Some((*to, e.t, reason.as_str()));
                        self.stretch(a, e.t);
                    }
                }
                TraceKind::Partition { groups } => {
                    self.close_bands(e.t);
                    let g: Vec<String> = groups.iter().map(|g| format!("{g:?}")).collect();
                    self.bands.push(Band { from: e.t, to: None, text: format!("partition {}", g.join(" | ")) });
                }
                TraceKind::Cut { src, dst } => {
                    self.bands.push(Band { from: e.t, to: None, text: format!("cut {src}→{dst}") });
                }
                TraceKind::Heal => self.close_bands(e.t),
                TraceKind::Restore { src, dst } => {
                    let text = format!("cut {src}→{dst}");
                    if let Some(b) = self.bands.iter_mut().rev().find(|b| b.to.is_none() && b.text == text) {
                        b.to = Some(e.t);
                    }
                }
                _ => {}
            }
            return;
        };
        match &e.kind {
            TraceKind::Send { id, to, msg, deliver_at, .. } => {
                let p = self.push_point(e, node, PointKind::Send { id: *id, to: *to, msg });
                self.arrows.push(Arrow { id: *id, msg, from: p, to: None, lost: None, dst: *to, at: e.t });
                // Dropped at send: the Drop record follows at once and closes it.
                let _ = deliver_at;
                self.open_sends.insert(*id, self.arrows.len() - 1);
            }
            TraceKind::Deliver { id, from, msg, .. } => {
                let p = self.push_point(e, node, PointKind::Receive { id: *id, from: *from, msg });
                // The arrow of this send; a copy whose send fell out of the bounded table is found by searching.
                let open = self.open_sends.get(id).copied();
                match open.or_else(|| self.arrows.iter().rposition(|a| a.id == *id)) {
                    Some(a) if open.is_some() && self.arrows[a].to.is_none() => {
                        self.arrows[a].to = Some(p);
                        self.stretch(a, e.t);
                    }
                    // A duplicate copy, or a copy after the first arrived: another arrow from the same send.
                    Some(a) => {
                        let from = self.arrows[a].from;
                        self.arrows.push(Arrow { id: *id, msg, from, to: Some(p), lost: None, dst: node, at: e.t });
                        self.stretch(self.arrows.len() - 1, e.t);
                    }
                    None => {}
                }
                // Keep the send open while copies may still arrive; forget the oldest to bound the table.
                if self.open_sends.len() > 4096 {
                    if let Some(&k) = self.open_sends.keys().nth(2048) {
                        self.open_sends = self.open_sends.split_off(&k);
                    }
                }
            }
            TraceKind::Timer { name } => {
                if e.lamport > self.last_lamport[node] {
                    let p = self.push_point(e, node, PointKind::Local);
                    self.points[p].cause = Some(format!("timer {name}"));
                } else {
                    self.mark(e, node, format!("timer {name}"), "timer");
                }
            }
            TraceKind::Action { what } => {
                if e.lamport > self.last_lamport[node] {
                    let p = self.push_point(e, node, PointKind::Local);
                    self.points[p].cause = Some(what.clone());
                } else {
                    self.mark(e, node, what.clone(), "action");
                }
            }
            TraceKind::Observe { what, .. } => {
                // A note on the event of the same step, if this node had one; a mark otherwise.
                match self.last_point_of[node] {
                    Some(p) if self.points[p].ev == e.ev => self.points[p].notes.push(what.clone()),
                    _ => self.mark(e, node, what.clone(), "observe"),
                }
            }
            // The checker's judgement about the node after its step: a mark of its own, not a note on the step.
            TraceKind::Note { what, .. } => self.mark(e, node, what.clone(), "observe"),
            TraceKind::Persist { record } => self.mark(e, node, record.clone(), "persist"),
            TraceKind::Crash { hook } => {
                self.mark(e, node, hook.clone().unwrap_or_else(|| "crash".into()), "crash");
                self.spans.push(Span { node, from: e.t, to: None, class: "down" });
            }
            TraceKind::Recover => {
                self.close_span(node, "down", e.t);
                self.mark(e, node, "recover".into(), "recover");
            }
            TraceKind::Pause { until } => {
                self.spans.push(Span { node, from: e.t, to: Some(*until), class: "paused" });
            }
            TraceKind::ClockJump { delta } => self.mark(e, node, format!("clock {delta:+} ms"), "clock"),
            TraceKind::SetClock { offset, drift } => {
                self.mark(e, node, format!("clock skew {offset} ms, drift {drift} ppm"), "clock")
            }
            TraceKind::Violation { invariant, detail } => {
                self.mark(e, node, format!("{invariant}: {detail}"), "violation")
            }
            _ => {}
        }
    }

    /// The vertical coordinate of a point in an order.
    pub fn coord(&self, p: &Point, order: Order) -> f64 {
        match order {
            Order::TrueTime => p.t as f64,
            Order::Lamport => p.lamport as f64,
            Order::Physical => p.wall as f64,
        }
    }

    /// Points in the true-time window `[from, to]` (indices into `points`).
    pub fn points_between(&self, from: Time, to: Time) -> std::ops::Range<usize> {
        let a = self.points.partition_point(|p| p.t < from);
        let b = self.points.partition_point(|p| p.t <= to);
        a..b
    }

    /// Indices of the points in the causal past of point `i` (happened before it).
    pub fn past(&self, i: usize) -> Vec<usize> {
        let v = self.points[i].vclock;
        (0..self.points.len()).filter(|&j| j != i && self.points[j].vclock.happened_before(&v)).collect()
    }

    /// Indices of the points in the causal future of point `i`.
    pub fn future(&self, i: usize) -> Vec<usize> {
        let v = self.points[i].vclock;
        (0..self.points.len()).filter(|&j| j != i && v.happened_before(&self.points[j].vclock)).collect()
    }

    /// How point `j` relates to point `i`: -1 past, 1 future, 0 concurrent (or `i` itself).
    pub fn relation(&self, i: usize, j: usize) -> i8 {
        let (a, b) = (&self.points[i].vclock, &self.points[j].vclock);
        if i == j {
            0
        } else if b.happened_before(a) {
            -1
        } else if a.happened_before(b) {
            1
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::load_str;

    fn diagram_of(doc: &str) -> Diagram {
        let mut r = load_str(doc).unwrap();
        r.set_recording(true);
        let n = r.scenario().nodes.len();
        r.run_to_end();
        Diagram::build(&r.take_trace(), n)
    }

    const NET2: &str = include_str!("../../scenarios/NET-2.json");

    #[test]
    fn arrows_join_sends_to_receives_and_losses_end_in_crosses() {
        let d = diagram_of(NET2);
        let lost: Vec<(Time, &str)> = d.arrows.iter().filter_map(|a| a.lost.map(|(_, t, r)| (t, r))).collect();
        assert_eq!(lost, vec![(0, "rule"), (40, "rule")], "the first DATA and the first ACK");
        let delivered = d.arrows.iter().filter(|a| a.to.is_some()).count();
        assert_eq!(delivered, 5, "DATA arrives at 40, 70 and (the network copy) 75; ACKs at 80 and 85");
        for a in &d.arrows {
            if let Some(to) = a.to {
                assert!(d.points[a.from].t < d.points[to].t);
                assert!(d.points[a.from].vclock.happened_before(&d.points[to].vclock));
            }
        }
    }

    #[test]
    fn causal_past_and_future_follow_the_vector_clocks() {
        let d = diagram_of(NET2);
        // The first receive at B (t=40) has in its past exactly A's events up to the retransmission at 30.
        let r = d.points.iter().position(|p| matches!(p.kind, PointKind::Receive { .. })).unwrap();
        assert_eq!(d.points[r].t, 40);
        let past: Vec<(NodeId, Time)> = d.past(r).iter().map(|&j| (d.points[j].node, d.points[j].t)).collect();
        assert_eq!(past, vec![(0, 0), (0, 30)]);
        for j in d.future(r) {
            assert!(d.points[j].t >= 40);
            assert_eq!(d.relation(r, j), 1);
        }
    }

    #[test]
    fn crashes_are_gaps_pauses_are_spans_and_partitions_are_bands() {
        let d = diagram_of(
            r#"{"format":1,"id":"x","protocol":"link","nodes":["A","B"],"params":{"sendEvery":10},"runUntil":200,
                "schedule":[{"at":20,"crash":"B"},{"at":50,"recover":"B"},{"at":60,"pause":{"node":"A","until":90}},
                            {"at":100,"partition":[["A"],["B"]]},{"at":150,"heal":{}}]}"#,
        );
        assert_eq!(
            d.spans,
            vec![
                Span { node: 1, from: 20, to: Some(50), class: "down" },
                Span { node: 0, from: 60, to: Some(90), class: "paused" },
            ]
        );
        assert_eq!(d.bands.len(), 1);
        assert_eq!((d.bands[0].from, d.bands[0].to), (100, Some(150)));
    }

    #[test]
    fn extending_gives_the_same_diagram_as_building_at_once() {
        let mut r = load_str(NET2).unwrap();
        r.set_recording(true);
        let mut all = Vec::new();
        let mut inc = Diagram::new(2);
        while r.step() {
            all.extend(r.take_trace());
            inc.extend(&all);
        }
        assert_eq!(inc, Diagram::build(&all, 2));
    }

    #[test]
    fn arrows_crossing_a_window_are_all_in_the_searched_range() {
        // Lossy, jittery links (arrows end long after they start) and a duplicated copy (an arrow added late).
        for (doc, end, narrows) in [(include_str!("../../scenarios/RAFT-stress.json"), 2_000, true), (NET2, 120, false)]
        {
            let d = diagram_of(doc);
            assert!(d.max_span > 0 && d.arrows.windows(2).all(|w| w[0].at <= w[1].at));
            let end_of =
                |a: &Arrow| a.to.map(|k| d.points[k].t).or(a.lost.map(|(_, t, _)| t)).unwrap_or(d.points[a.from].t);
            for from in (0..end).step_by(7) {
                let to = from + 25;
                let near = d.arrows_near(from, to);
                for (i, a) in d.arrows.iter().enumerate() {
                    if end_of(a) >= from && d.points[a.from].t <= to {
                        assert!(near.contains(&i), "arrow {i} crosses [{from}, {to}] but is outside {near:?}");
                    }
                }
                assert!(!narrows || near.len() < d.arrows.len() / 4, "the search narrows the range");
            }
        }
    }

    #[test]
    fn windows_are_found_by_binary_search() {
        let d = diagram_of(NET2);
        let w = d.points_between(30, 70);
        assert!(d.points[w.clone()].iter().all(|p| (30..=70).contains(&p.t)));
        assert!(w.start == 0 || d.points[w.start - 1].t < 30);
    }
}

//! Reliable links over an unreliable network (Database Internals ch. 8; protocols.md §1.8).
//!
//! The base network is a *fair-loss* link: it may lose, delay, duplicate and reorder messages, but a message sent
//! infinitely often is delivered infinitely often, and it never invents one. Two layers turn that into something an
//! application can use:
//!
//! * A **stubborn link** retransmits. The sender numbers each message per destination, keeps it in `unacked`, and
//!   re-sends it every `RTO` ms until an ACK comes back. Messages now arrive *at least* once, and maybe many times:
//!   every lost ACK and every network duplicate yields another copy.
//! * A **perfect link** adds receiver-side **deduplication**: the receiver always ACKs (so a lost ACK is repaired by
//!   the next retransmission) but hands a sequence number to the application only the first time. At-least-once
//!   delivery plus dedup is what Database Internals calls exactly-once *processing*. An optional FIFO mode holds
//!   back messages that arrive ahead of a gap.
//!
//! The classic failure this module shows: turn dedup off and a money transfer retransmitted three times credits
//! Bob three times (PL-NoDup). And dedup only works if the receiver remembers what it delivered *atomically with*
//! the application effect: with `persistDelivered: false` a receiver that crashes forgets, and the next
//! retransmission is applied again. The sender persists what it sent, so it keeps retransmitting after a restart.

use crate::check::{Checker, Found, InvariantInfo, Liveness};
use crate::protocol::{Cluster, Ctx, EffectRef, Message, NodeId, Observation, Protocol, Record, TimerName};
use crate::scenario::{read::err, Action, ParamReader, Scenario, ScenarioError};
use crate::sim::World;
use crate::vecmap::{VecMap, VecSet};
use crate::view::{fields, Field, LogLine, ProtoView};
use serde_json::{json, Map, Value};
use std::collections::VecDeque;
use std::sync::Arc;

/// A payload, shared rather than copied as it travels through records, messages and observations.
pub type Payload = Arc<str>;

/// How many delivered payloads the report lists (the count is always exact).
const REPORT_PAYLOADS: usize = 1000;

/// Parameters.
#[derive(Clone, Debug)]
pub struct LinkParams {
    /// Retransmission timeout; `None` = never retransmit (at-most-once).
    pub rto: Option<u64>,
    /// Receiver-side deduplication.
    pub dedup: bool,
    /// Hold back messages that arrive ahead of a gap.
    pub fifo: bool,
    /// The receiver persists what it delivered atomically with the application effect.
    pub persist_delivered: bool,
    /// Every node sends a numbered payload to every other node this often (continuous traffic).
    pub send_every: Option<u64>,
}

/// Messages.
#[derive(Clone, Debug, Hash)]
pub enum LinkMsg {
    /// A payload with its per-destination sequence number.
    Data {
        /// Sequence number.
        seq: u64,
        /// Payload.
        payload: Payload,
    },
    /// Acknowledges a sequence number.
    Ack {
        /// Sequence number.
        seq: u64,
    },
}

impl Message for LinkMsg {
    fn kind(&self) -> &'static str {
        match self {
            LinkMsg::Data { .. } => "DATA",
            LinkMsg::Ack { .. } => "ACK",
        }
    }
    fn is_response(&self) -> bool {
        matches!(self, LinkMsg::Ack { .. })
    }
    fn label(&self) -> String {
        match self {
            LinkMsg::Data { seq, .. } => format!("DATA {seq}"),
            LinkMsg::Ack { seq } => format!("ACK {seq}"),
        }
    }
    fn fields(&self, _ids: &[String]) -> Value {
        match self {
            LinkMsg::Data { seq, payload } => fields([("seq", json!(seq)), ("payload", json!(&**payload))]),
            LinkMsg::Ack { seq } => fields([("seq", json!(seq))]),
        }
    }
}

/// Timers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkTimer {
    /// Retransmission of `seq` to `dst`.
    Rto {
        /// Destination.
        dst: NodeId,
        /// Sequence number.
        seq: u64,
    },
    /// Continuous traffic.
    Tick,
}

impl TimerName for LinkTimer {
    fn name(&self) -> String {
        match self {
            LinkTimer::Rto { seq, .. } => format!("rto:{seq}"),
            LinkTimer::Tick => "send".into(),
        }
    }
}

/// Stable records.
#[derive(Clone, Debug, Hash)]
pub enum LinkRecord {
    /// Sender: a message handed to the link (its number and payload), so retransmission survives a restart.
    Sent {
        /// Destination.
        dst: NodeId,
        /// Sequence number.
        seq: u64,
        /// Payload.
        payload: Payload,
    },
    /// Sender: the message was acknowledged.
    Acked {
        /// Destination.
        dst: NodeId,
        /// Sequence number.
        seq: u64,
    },
    /// Receiver: the application effect together with the dedup record.
    Delivered {
        /// Sender.
        src: NodeId,
        /// Sequence number.
        seq: u64,
        /// Payload.
        payload: Payload,
    },
    /// Receiver: the application effect alone (`persistDelivered: false`).
    Applied {
        /// Payload.
        payload: Payload,
    },
}

impl Record for LinkRecord {
    fn name(&self) -> &'static str {
        match self {
            LinkRecord::Sent { .. } => "SENT",
            LinkRecord::Acked { .. } => "ACKED",
            LinkRecord::Delivered { .. } => "DELIVERED",
            LinkRecord::Applied { .. } => "APPLIED",
        }
    }
    fn describe(&self, _ids: &[String]) -> String {
        match self {
            LinkRecord::Sent { seq, payload, .. } => format!("SENT {seq} {payload:?}"),
            LinkRecord::Acked { seq, .. } => format!("ACKED {seq}"),
            LinkRecord::Delivered { seq, payload, .. } => format!("DELIVERED {seq} {payload:?}"),
            LinkRecord::Applied { payload } => format!("APPLIED {payload:?}"),
        }
    }
}

/// A set of sequence numbers, compressed as "everything up to `upto`" plus the ones above it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SeqSet {
    upto: u64,
    above: VecSet<u64>,
}

impl SeqSet {
    /// Membership.
    pub fn contains(&self, s: u64) -> bool {
        s <= self.upto || self.above.contains(&s)
    }
    /// Adds a number.
    pub fn insert(&mut self, s: u64) {
        if s <= self.upto {
            return;
        }
        if s > self.upto + 1 {
            self.above.insert(s);
            return;
        }
        // The usual case: the next number in order extends the prefix, maybe closing a gap.
        self.upto = s;
        while self.above.first() == Some(&(self.upto + 1)) {
            self.above.pop_first();
            self.upto += 1;
        }
    }
}

/// Values by sequence number over a sliding range: links number messages consecutively and acknowledge and
/// deliver them roughly in order, so a deque from the oldest live number replaces a search tree with O(1) work per
/// message.
#[derive(Clone, Debug)]
struct SeqWindow<V> {
    base: u64,
    slots: VecDeque<Option<V>>,
    len: usize,
}

impl<V> Default for SeqWindow<V> {
    fn default() -> Self {
        SeqWindow { base: 0, slots: VecDeque::new(), len: 0 }
    }
}

impl<V: Clone> SeqWindow<V> {
    fn insert(&mut self, seq: u64, v: V) {
        if self.slots.is_empty() {
            self.base = seq;
        }
        while seq < self.base {
            self.slots.push_front(None);
            self.base -= 1;
        }
        let i = (seq - self.base) as usize;
        if i >= self.slots.len() {
            self.slots.resize(i + 1, None);
        }
        if self.slots[i].replace(v).is_none() {
            self.len += 1;
        }
    }

    fn get(&self, seq: u64) -> Option<&V> {
        let i = usize::try_from(seq.checked_sub(self.base)?).ok()?;
        self.slots.get(i)?.as_ref()
    }

    fn remove(&mut self, seq: u64) -> Option<V> {
        let i = usize::try_from(seq.checked_sub(self.base)?).ok()?;
        let v = self.slots.get_mut(i)?.take()?;
        self.len -= 1;
        while self.slots.front().is_some_and(Option::is_none) {
            self.slots.pop_front();
            self.base += 1;
        }
        while self.slots.back().is_some_and(Option::is_none) {
            self.slots.pop_back();
        }
        Some(v)
    }

    fn iter(&self) -> impl Iterator<Item = (u64, &V)> + '_ {
        self.slots.iter().enumerate().filter_map(|(i, v)| v.as_ref().map(|v| (self.base + i as u64, v)))
    }
}

/// Values indexed by node, grown on first use: lookups by node are a bounds check instead of a tree search, and
/// iteration runs in node order like the ordered maps it replaces.
#[derive(Clone, Debug)]
struct PerNode<T>(Vec<T>);

impl<T> Default for PerNode<T> {
    fn default() -> Self {
        PerNode(Vec::new())
    }
}

impl<T: Default> PerNode<T> {
    fn get(&self, i: NodeId) -> Option<&T> {
        self.0.get(i)
    }

    fn get_mut(&mut self, i: NodeId) -> Option<&mut T> {
        self.0.get_mut(i)
    }

    fn entry(&mut self, i: NodeId) -> &mut T {
        if self.0.len() <= i {
            self.0.resize_with(i + 1, T::default);
        }
        &mut self.0[i]
    }

    fn iter(&self) -> impl Iterator<Item = (NodeId, &T)> + '_ {
        self.0.iter().enumerate()
    }
}

/// Payloads not yet acknowledged, per destination then sequence number.
#[derive(Clone, Debug, Default)]
pub struct Outbox {
    by_dst: PerNode<SeqWindow<Payload>>,
    len: usize,
}

impl Outbox {
    fn insert(&mut self, dst: NodeId, seq: u64, p: Payload) {
        let w = self.by_dst.entry(dst);
        let before = w.len;
        w.insert(seq, p);
        self.len += w.len - before;
    }

    fn get(&self, dst: NodeId, seq: u64) -> Option<&Payload> {
        self.by_dst.get(dst)?.get(seq)
    }

    fn remove(&mut self, dst: NodeId, seq: u64) -> Option<Payload> {
        let p = self.by_dst.get_mut(dst)?.remove(seq)?;
        self.len -= 1;
        Some(p)
    }

    /// Number of unacknowledged payloads.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when everything was acknowledged.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `(destination, seq, payload)` in that order.
    fn iter(&self) -> impl Iterator<Item = (NodeId, u64, &Payload)> + '_ {
        self.by_dst.iter().flat_map(|(d, w)| w.iter().map(move |(q, p)| (d, q, p)))
    }
}

/// Stable state.
#[derive(Clone, Debug, Default)]
pub struct LinkDurable {
    next_seq: PerNode<u64>,
    unacked: Outbox,
    delivered: PerNode<SeqSet>,
    app_count: u64,
    app: Vec<Payload>,
}

/// Observations.
#[derive(Clone, Debug, Hash)]
pub enum LinkObs {
    /// The application handed a payload to the link.
    Submitted {
        /// Destination.
        to: NodeId,
        /// Sequence number.
        seq: u64,
        /// Payload.
        payload: Payload,
    },
    /// The link handed a payload to the application.
    Delivered {
        /// Sender.
        from: NodeId,
        /// Sequence number.
        seq: u64,
        /// Payload.
        payload: Payload,
    },
    /// A duplicate was recognised and discarded.
    Discarded {
        /// Sender.
        from: NodeId,
        /// Sequence number.
        seq: u64,
    },
}

impl Observation for LinkObs {
    fn timeline(&self) -> Option<(&'static str, Map<String, Value>)> {
        match self {
            LinkObs::Delivered { seq, payload, .. } => {
                let mut m = Map::new();
                m.insert("seq".into(), json!(seq));
                m.insert("payload".into(), json!(&**payload));
                Some(("deliver", m))
            }
            _ => None,
        }
    }
    fn timeline_kind(&self) -> Option<&'static str> {
        matches!(self, LinkObs::Delivered { .. }).then_some("deliver")
    }
    fn describe(&self) -> String {
        match self {
            LinkObs::Submitted { seq, payload, .. } => format!("send {seq} {payload:?}"),
            LinkObs::Delivered { seq, payload, .. } => {
                format!("deliver {seq} {payload:?} to the application")
            }
            LinkObs::Discarded { seq, .. } => format!("duplicate {seq} discarded"),
        }
    }
}

/// `m<n>`, built on the stack: continuous traffic makes one per message, and `format!` would allocate twice.
fn numbered_payload(n: u64) -> Payload {
    let mut buf = [0u8; 21];
    buf[0] = b'm';
    let digits = n.checked_ilog10().unwrap_or(0) as usize + 1;
    let mut rest = n;
    for i in (1..=digits).rev() {
        buf[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    Payload::from(std::str::from_utf8(&buf[..=digits]).expect("ASCII digits"))
}

/// One link endpoint (every node can send and receive).
#[derive(Clone, Debug)]
pub struct Link {
    next_seq: PerNode<u64>,
    unacked: Outbox,
    delivered: PerNode<SeqSet>,
    held: VecMap<(NodeId, u64), Payload>,
    traffic: u64,
    app_count: u64,
}

impl Link {
    fn transmit(&self, cx: &mut Ctx<'_, Self>, p: &LinkParams, dst: NodeId, seq: u64, payload: &Payload) {
        cx.send(dst, LinkMsg::Data { seq, payload: payload.clone() });
        if let Some(rto) = p.rto {
            cx.set_timer(LinkTimer::Rto { dst, seq }, rto);
        }
    }

    fn submit(&mut self, cx: &mut Ctx<'_, Self>, p: &LinkParams, dst: NodeId, payload: Payload) {
        let next = self.next_seq.entry(dst);
        *next += 1;
        let seq = *next;
        cx.persist(LinkRecord::Sent { dst, seq, payload: payload.clone() });
        cx.observe(LinkObs::Submitted { to: dst, seq, payload: payload.clone() });
        self.transmit(cx, p, dst, seq, &payload);
        self.unacked.insert(dst, seq, payload);
    }

    fn hand_up(&mut self, cx: &mut Ctx<'_, Self>, p: &LinkParams, from: NodeId, seq: u64, payload: Payload) {
        if p.persist_delivered {
            cx.persist(LinkRecord::Delivered { src: from, seq, payload: payload.clone() });
        } else {
            cx.persist(LinkRecord::Applied { payload: payload.clone() });
        }
        self.delivered.entry(from).insert(seq);
        self.app_count += 1;
        cx.observe(LinkObs::Delivered { from, seq, payload });
    }
}

impl Protocol for Link {
    const NAME: &'static str = "link";
    const MESSAGE_TYPES: &'static [&'static str] = &["DATA", "ACK"];
    const RECORDS: &'static [&'static str] = &["SENT", "ACKED", "DELIVERED", "APPLIED"];
    type Params = LinkParams;
    type Msg = LinkMsg;
    type Timer = LinkTimer;
    type Record = LinkRecord;
    type Durable = LinkDurable;
    type Action = (NodeId, NodeId, Payload);
    type Obs = LinkObs;
    type Checker = LinkChecker;

    fn params(r: &mut ParamReader<'_>, _c: &Cluster) -> Result<LinkParams, ScenarioError> {
        let rto = r.duration("RTO", Some(30))?;
        if rto == Some(0) {
            return Err(err(&r.path("RTO"), "must be at least 1 ms (null means never retransmit)"));
        }
        let dedup = r.bool("dedup", true)?;
        let fifo = r.bool("fifo", false)?;
        if fifo && !dedup {
            return Err(err(&r.path("fifo"), "FIFO delivery needs dedup: true"));
        }
        let persist_delivered = r.bool("persistDelivered", true)?;
        let send_every = r.duration("sendEvery", None)?;
        if send_every == Some(0) {
            return Err(err(&r.path("sendEvery"), "must be at least 1 ms (null means off)"));
        }
        Ok(LinkParams { rto, dedup, fifo, persist_delivered, send_every })
    }

    fn validate(s: &Scenario, _p: &LinkParams) -> Result<(), ScenarioError> {
        if s.nodes.len() != 2 {
            return Err(err("nodes", format!("link needs exactly 2 nodes (sender, receiver), got {}", s.nodes.len())));
        }
        Ok(())
    }

    fn action(a: &Action, _p: &Self::Params) -> Option<(NodeId, NodeId, Payload)> {
        match a {
            Action::LinkSend { node, to, payload } => Some((*node, *to, Payload::from(payload.as_str()))),
            _ => None,
        }
    }

    fn random_action(rng: &mut crate::rng::Rng, s: &Scenario, t: crate::time::Time) -> Option<Action> {
        let n = s.nodes.len() as u64;
        let node = rng.range(0, n) as NodeId;
        let to = ((node as u64 + 1 + rng.range(0, n - 1)) % n) as NodeId;
        Some(Action::LinkSend { node, to, payload: format!("transfer@{t}") })
    }

    fn action_node(a: &(NodeId, NodeId, Payload), _p: &LinkParams) -> NodeId {
        a.0
    }

    fn empty_durable(_p: &Self::Params) -> Self::Durable {
        Default::default()
    }

    fn apply(d: &mut LinkDurable, r: &LinkRecord) {
        match r {
            LinkRecord::Sent { dst, seq, payload } => {
                *d.next_seq.entry(*dst) = *seq;
                d.unacked.insert(*dst, *seq, payload.clone());
            }
            LinkRecord::Acked { dst, seq } => {
                d.unacked.remove(*dst, *seq);
            }
            LinkRecord::Delivered { src, seq, payload } => {
                d.delivered.entry(*src).insert(*seq);
                d.app_count += 1;
                if d.app.len() < REPORT_PAYLOADS {
                    d.app.push(payload.clone());
                }
            }
            LinkRecord::Applied { payload } => {
                d.app_count += 1;
                if d.app.len() < REPORT_PAYLOADS {
                    d.app.push(payload.clone());
                }
            }
        }
    }

    fn boot(cx: &mut Ctx<'_, Self>, p: &LinkParams, d: &LinkDurable, _recovering: bool) -> Link {
        let node = Link {
            next_seq: d.next_seq.clone(),
            unacked: d.unacked.clone(),
            delivered: if p.persist_delivered { d.delivered.clone() } else { PerNode::default() },
            held: VecMap::new(),
            traffic: d.next_seq.iter().map(|(_, n)| n).sum(),
            app_count: d.app_count,
        };
        // A restarted sender resumes retransmitting whatever is still unacknowledged.
        for (dst, seq, payload) in node.unacked.iter() {
            node.transmit(cx, p, dst, seq, payload);
        }
        if let Some(every) = p.send_every {
            cx.set_timer(LinkTimer::Tick, every);
        }
        node
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, p: &LinkParams, from: NodeId, m: LinkMsg) {
        match m {
            LinkMsg::Data { seq, payload } => {
                if !p.dedup {
                    self.hand_up(cx, p, from, seq, payload);
                } else if self.delivered.get(from).is_some_and(|s| s.contains(seq))
                    || self.held.contains_key(&(from, seq))
                {
                    cx.observe(LinkObs::Discarded { from, seq });
                } else if p.fifo {
                    self.held.insert((from, seq), payload);
                    loop {
                        let next = self.delivered.get(from).map_or(0, |s| s.upto) + 1;
                        let Some(pl) = self.held.remove(&(from, next)) else {
                            break;
                        };
                        self.hand_up(cx, p, from, next, pl);
                    }
                } else {
                    self.hand_up(cx, p, from, seq, payload);
                }
                // Always acknowledge, duplicates too: that is what repairs a lost ACK. The ACK goes out after the
                // delivery is durable, so a crash in between cannot lose an acknowledged message.
                cx.send(from, LinkMsg::Ack { seq });
            }
            LinkMsg::Ack { seq } => {
                if self.unacked.remove(from, seq).is_some() {
                    cx.persist(LinkRecord::Acked { dst: from, seq });
                    cx.cancel_timer(LinkTimer::Rto { dst: from, seq });
                }
            }
        }
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, p: &LinkParams, t: LinkTimer) {
        match t {
            LinkTimer::Rto { dst, seq } => {
                if let Some(payload) = self.unacked.get(dst, seq).cloned() {
                    self.transmit(cx, p, dst, seq, &payload);
                }
            }
            LinkTimer::Tick => {
                for dst in cx.peers() {
                    self.traffic += 1;
                    self.submit(cx, p, dst, numbered_payload(self.traffic));
                }
                if let Some(every) = p.send_every {
                    cx.set_timer(LinkTimer::Tick, every);
                }
            }
        }
    }

    fn on_action(&mut self, cx: &mut Ctx<'_, Self>, p: &LinkParams, (_, to, payload): (NodeId, NodeId, Payload)) {
        self.submit(cx, p, to, payload);
    }

    fn view(&self, _p: &LinkParams, d: &LinkDurable) -> ProtoView {
        let mut v = Self::view_down(_p, d);
        v.role = if self.unacked.is_empty() { "idle".into() } else { format!("{} unacked", self.unacked.len()) };
        v.class = if self.unacked.is_empty() { "idle" } else { "waiting" };
        v.fields.push(Field::volatile("held back", self.held.len()));
        v
    }

    fn view_down(_p: &LinkParams, d: &LinkDurable) -> ProtoView {
        let mut log: Vec<LogLine> = d
            .unacked
            .iter()
            .map(|(_, seq, pl)| LogLine { text: format!("unacked {seq}: {pl}"), committed: true, term: 0 })
            .collect();
        log.extend(d.app.iter().rev().take(8).rev().map(|pl| LogLine {
            text: format!("delivered {pl}"),
            committed: true,
            term: 0,
        }));
        ProtoView {
            role: "down".into(),
            class: "down",
            fields: vec![
                Field::durable("sent", d.next_seq.iter().map(|(_, n)| n).sum::<u64>()),
                Field::durable("unacked", d.unacked.len()),
                Field::durable("delivered", d.app_count),
            ],
            log,
            blocked_since: None,
        }
    }

    fn report_node(w: &World<'_, Self>, i: NodeId, _c: &LinkChecker) -> Map<String, Value> {
        let d = w.durable(i);
        let mut m = Map::new();
        m.insert("delivered".into(), json!(d.app.iter().map(|p| &**p).collect::<Vec<&str>>()));
        m.insert("deliveredCount".into(), json!(d.app_count));
        m.insert("unacked".into(), json!(d.unacked.len()));
        m
    }
}

/// Checks PL-NoDup and PL-NoCreate; evaluates PL-Reliable. Memory stays proportional to the messages not yet
/// delivered: delivered sequence numbers are kept compressed per sender-receiver pair.
#[derive(Clone, Debug, Default)]
pub struct LinkChecker {
    /// Per (src, dst): payloads handed to the link and not yet delivered, by sequence number.
    pending: PerNode<PerNode<SeqWindow<Payload>>>,
    /// Sequence numbers delivered at least once per (src, dst).
    delivered: PerNode<PerNode<SeqSet>>,
    total: u64,
}

impl Checker<Link> for LinkChecker {
    fn new(_w: &World<'_, Link>) -> Self {
        LinkChecker::default()
    }

    fn invariants(_p: &LinkParams) -> Vec<InvariantInfo> {
        vec![
            InvariantInfo { id: "PL-NoDup", summary: "a message is delivered to the application at most once" },
            InvariantInfo { id: "PL-NoCreate", summary: "only messages that were sent are delivered" },
        ]
    }

    fn on_effect(&mut self, w: &World<'_, Link>, node: NodeId, e: &EffectRef<'_, Link>, out: &mut Found) {
        let EffectRef::Observe(o) = e else { return };
        match o {
            LinkObs::Submitted { to, seq, payload } => {
                self.pending.entry(node).entry(*to).insert(*seq, payload.clone());
                self.total += 1;
            }
            LinkObs::Delivered { from, seq, payload } => {
                let seen = self.delivered.entry(*from).entry(node);
                if seen.contains(*seq) {
                    out.report(
                        "PL-NoDup",
                        Some(node),
                        format!("{} delivered seq {seq} from {} ({payload:?}) more than once", w.id(node), w.id(*from)),
                    );
                    return;
                }
                seen.insert(*seq);
                match self.pending.get_mut(*from).and_then(|m| m.get_mut(node)).and_then(|w| w.remove(*seq)) {
                    Some(p) if p == *payload => {}
                    _ => out.report(
                        "PL-NoCreate",
                        Some(node),
                        format!("{} delivered {payload:?} (seq {seq}) that {} never sent", w.id(node), w.id(*from)),
                    ),
                }
            }
            LinkObs::Discarded { .. } => {}
        }
    }

    fn after_event(&mut self, _w: &World<'_, Link>, _out: &mut Found) {}

    fn liveness(&self, w: &World<'_, Link>) -> Vec<Liveness> {
        let lost: Vec<String> = self
            .pending
            .iter()
            .flat_map(|(s, m)| m.iter().map(move |(d, win)| (s, d, win)))
            .filter(|(s, d, _)| w.up(*s) && w.up(*d))
            .flat_map(|(s, d, win)| win.iter().map(move |(q, _)| format!("{}→{} seq {q}", w.id(s), w.id(d))))
            .collect();
        let detail = if lost.is_empty() {
            format!("all {} messages between live nodes were delivered", self.total)
        } else {
            format!("{} not delivered: {}", lost.len(), lost.iter().take(5).cloned().collect::<Vec<_>>().join(", "))
        };
        vec![Liveness { property: "PL-Reliable", holds: lost.is_empty(), detail }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seq_sets_compress_a_prefix_and_remember_numbers_past_a_gap() {
        let mut s = SeqSet::default();
        for q in [1, 2, 5, 4, 4, 9] {
            s.insert(q);
        }
        assert_eq!((s.upto, s.above.iter().copied().collect::<Vec<_>>()), (2, vec![4, 5, 9]));
        s.insert(3);
        assert_eq!((s.upto, s.above.iter().copied().collect::<Vec<_>>()), (5, vec![9]));
        assert!(s.contains(5) && !s.contains(6) && s.contains(9));
    }

    #[test]
    fn windows_hold_payloads_in_any_order_and_shrink_from_both_ends() {
        let mut w = SeqWindow::default();
        let p = |x: &str| Payload::from(x);
        w.insert(5, p("five"));
        w.insert(7, p("seven"));
        w.insert(3, p("three"));
        w.insert(3, p("three"));
        assert_eq!(w.iter().map(|(q, _)| q).collect::<Vec<_>>(), vec![3, 5, 7]);
        assert_eq!(w.len, 3);
        assert_eq!(w.get(7).map(|x| &**x), Some("seven"));
        assert_eq!(w.get(6), None);
        assert_eq!(w.remove(4), None);
        assert_eq!(w.remove(2), None);
        assert_eq!(w.remove(3).as_deref(), Some("three"));
        assert_eq!(w.remove(3), None, "removed once");
        assert_eq!(w.remove(7).as_deref(), Some("seven"));
        assert_eq!((w.base, w.slots.len(), w.len), (5, 1, 1), "empty ends are trimmed");
        assert_eq!(w.remove(5).as_deref(), Some("five"));
        w.insert(40, p("forty"));
        assert_eq!(w.iter().map(|(q, _)| q).collect::<Vec<_>>(), vec![40]);
    }

    #[test]
    fn traffic_payloads_are_numbered() {
        for n in [0, 7, 10, 99, 12345, u64::MAX] {
            assert_eq!(&*numbered_payload(n), format!("m{n}"));
        }
    }

    #[test]
    fn an_outbox_counts_and_lists_by_destination_then_number() {
        let mut o = Outbox::default();
        o.insert(2, 1, Payload::from("a"));
        o.insert(1, 4, Payload::from("b"));
        o.insert(1, 3, Payload::from("c"));
        assert_eq!(o.len(), 3);
        assert_eq!(o.iter().map(|(d, q, _)| (d, q)).collect::<Vec<_>>(), vec![(1, 3), (1, 4), (2, 1)]);
        assert!(o.remove(1, 3).is_some() && o.remove(1, 3).is_none());
        assert_eq!(o.len(), 2);
        assert!(!o.is_empty());
    }
}

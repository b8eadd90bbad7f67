//! Lamport's mutual exclusion (Lamport 1978 §3; protocols.md §5.4): a total order from logical clocks.
//!
//! The application Lamport gives for his total order `⇒`. Processes share one resource and must use it one at a
//! time, in the order of their requests. Each keeps a Lamport clock (§5.1 rules for every send and receive), a
//! `queue` of requests `(ts, pid)` ordered by `⇒`, and `lastSeen[q]`, the timestamp of the latest message
//! received from each other process.
//!
//! * **request**: `L++`; put `(L, me)` in the own queue; send `REQUEST{ts = L}` to every other process.
//! * On **REQUEST** from `Pj`: put `(ts, Pj)` in the queue and reply `ACK` (a send event, so `ACK.ts > ts`).
//! * **release** (only in the critical section): leave it, remove the own request, `L++`, send `RELEASE{ts = L}`
//!   to all. On **RELEASE** from `Pj`: remove `Pj`'s request.
//! * **Enter rule**, evaluated after every event: enter iff the own request is the `⇒`-smallest in the queue
//!   **and** every other process has sent something timestamped later than it.
//!
//! Why it works: once `Pi` has heard from `Pj` with a later timestamp, FIFO channels guarantee that any earlier
//! request of `Pj` has already arrived, so "smallest in my queue" really is "smallest anywhere". Three messages
//! per request and per process, no coordinator, no clock synchronisation.
//!
//! What it assumes, and what the simulator lets you break:
//!
//! * **Reliable FIFO channels.** With a `delay` rule, `Pj`'s ACK can overtake its own earlier REQUEST. `Pi` then
//!   has a later timestamp from `Pj` and no sign of `Pj`'s request, enters, and `Pj` (whose request is smaller)
//!   enters too: **ME-Exclusion** and **ME-Order** fail. A lost message simply blocks everyone.
//! * **No crashes.** The queue, `lastSeen` and the CS flag are volatile and there is no recovery procedure (the
//!   clock itself is stable, §5.1). A crashed process never ACKs or RELEASEs, so every other process waits for it
//!   forever: liveness is lost, and the report's `ME-Liveness` says who is stuck and why.
//!
//! `lastSeen` is the latest message's timestamp (§5.4), as each message arrives. Under FIFO that is also the
//! largest one received, the paper's "timestamped later than"; when a `delay` or a `duplicate` delivers an older
//! message after a newer one, `lastSeen` goes back with it, and the process may wait again (or for ever). One
//! request per process at a time: a `request` while waiting or inside, or a `release` outside, is ignored (and
//! shown as such).

mod checker;
#[cfg(test)]
mod tests;

pub use checker::MutexChecker;

use crate::protocol::{Cluster, Ctx, Message, NodeId, Observation, Protocol, Record};
use crate::protocols::lamport::NoTimer;
use crate::rng::Rng;
use crate::scenario::{read::err, Action, ParamReader, Scenario, ScenarioError};
use crate::sim::World;
use crate::time::Time;
use crate::vecmap::VecSet;
use crate::view::{fields, Field, LogLine, ProtoView};
use serde_json::{json, Map, Value};

/// Parameters: the cluster's ids and order (the protocol has no tunables).
#[derive(Clone, Debug)]
pub struct MutexParams {
    /// Node ids.
    pub ids: Vec<String>,
    /// Rank of each node in ascending id order (the tie-break of `⇒`).
    pub rank: Vec<usize>,
    /// Nodes in ascending id order.
    pub ascending: Vec<NodeId>,
}

/// A request `(ts, pid)` ordered by `⇒`: by timestamp, then by the rank of the process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Req {
    /// Timestamp.
    pub ts: u64,
    /// Rank of the requesting process.
    pub rank: usize,
}

impl Req {
    /// `[ts, id]` as in the report.
    pub fn to_json(self, p: &MutexParams) -> Value {
        json!([self.ts, p.ids[p.ascending[self.rank]]])
    }

    /// `(ts,id)` for display.
    pub fn show(self, p: &MutexParams) -> String {
        format!("({},{})", self.ts, p.ids[p.ascending[self.rank]])
    }
}

/// Messages; every one carries its sender's Lamport timestamp.
#[derive(Clone, Debug, Hash)]
pub enum MutexMsg {
    /// Asks for the resource.
    Request {
        /// The request's timestamp.
        ts: u64,
    },
    /// Acknowledges a request.
    Ack {
        /// Sender's clock at the send.
        ts: u64,
    },
    /// Gives the resource back.
    Release {
        /// Sender's clock at the send.
        ts: u64,
    },
}

impl MutexMsg {
    fn ts(&self) -> u64 {
        match self {
            MutexMsg::Request { ts } | MutexMsg::Ack { ts } | MutexMsg::Release { ts } => *ts,
        }
    }
}

impl Message for MutexMsg {
    fn kind(&self) -> &'static str {
        match self {
            MutexMsg::Request { .. } => "REQUEST",
            MutexMsg::Ack { .. } => "ACK",
            MutexMsg::Release { .. } => "RELEASE",
        }
    }
    fn is_response(&self) -> bool {
        matches!(self, MutexMsg::Ack { .. })
    }
    fn label(&self) -> String {
        format!("{} ts={}", self.kind(), self.ts())
    }
    fn fields(&self, _ids: &[String]) -> Value {
        fields([("ts", json!(self.ts()))])
    }
}

/// The stable record: the Lamport clock (§5.1: it never goes backwards).
#[derive(Clone, Debug, Hash)]
pub struct ClockRec(pub u64);

impl Record for ClockRec {
    fn name(&self) -> &'static str {
        "clock"
    }
    fn describe(&self, _ids: &[String]) -> String {
        format!("clock L={}", self.0)
    }
}

/// Stable state: the clock.
#[derive(Clone, Debug, Default)]
pub struct MutexDurable {
    /// Last clock value persisted.
    pub l: u64,
}

/// A scripted action at a process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MutexAction {
    /// Ask for the resource.
    Request(NodeId),
    /// Give it back.
    Release(NodeId),
}

/// Observations.
#[derive(Clone, Debug, Hash)]
pub enum MutexObs {
    /// The process asked for the resource with this request.
    Requested(Req),
    /// It entered the critical section for this request.
    Enter(Req),
    /// It left the critical section.
    Exit(Req),
    /// A scripted action did not apply (already requesting, not inside).
    Ignored(&'static str),
}

impl Observation for MutexObs {
    fn timeline(&self) -> Option<(&'static str, Map<String, Value>)> {
        let (kind, r) = match self {
            MutexObs::Enter(r) => ("enter", r),
            MutexObs::Exit(r) => ("exit", r),
            _ => return None,
        };
        let mut m = Map::new();
        m.insert("ts".into(), json!(r.ts));
        Some((kind, m))
    }
    fn describe(&self) -> String {
        match self {
            MutexObs::Requested(r) => format!("requests the resource, ts {}", r.ts),
            MutexObs::Enter(r) => format!("enters the critical section (request ts {})", r.ts),
            MutexObs::Exit(r) => format!("leaves the critical section (request ts {})", r.ts),
            MutexObs::Ignored(why) => format!("action ignored: {why}"),
        }
    }
}

/// One process.
#[derive(Clone, Debug)]
pub struct LamportMutex {
    l: u64,
    queue: VecSet<Req>,
    last_seen: Vec<u64>,
    mine: Option<Req>,
    in_cs: bool,
    me: NodeId,
}

impl LamportMutex {
    /// True while in the critical section.
    pub fn in_cs(&self) -> bool {
        self.in_cs
    }

    /// The Lamport clock.
    pub fn clock(&self) -> u64 {
        self.l
    }

    /// The request queue in `⇒` order.
    pub fn queue(&self) -> impl Iterator<Item = &Req> + '_ {
        self.queue.iter()
    }

    /// The own pending or granted request.
    pub fn request(&self) -> Option<Req> {
        self.mine
    }

    /// A send or local event: `L := L + 1`, made durable before anything leaves.
    fn tick(&mut self, cx: &mut Ctx<'_, Self>) -> u64 {
        self.l += 1;
        cx.persist(ClockRec(self.l));
        self.l
    }

    /// A receive event: `L := max(L, ts) + 1`; `lastSeen` is the timestamp of the sender's latest message.
    fn receive(&mut self, from: NodeId, ts: u64) {
        self.l = self.l.max(ts) + 1;
        self.last_seen[from] = ts;
    }

    /// The enter rule, evaluated after every event.
    fn try_enter(&mut self, cx: &mut Ctx<'_, Self>) {
        let Some(r) = self.mine else { return };
        if self.in_cs || self.queue.first() != Some(&r) {
            return;
        }
        if cx.peers().all(|q| self.last_seen[q] > r.ts) {
            self.in_cs = true;
            cx.observe(MutexObs::Enter(r));
        }
    }
}

impl Protocol for LamportMutex {
    const NAME: &'static str = "lamport-mutex";
    const MESSAGE_TYPES: &'static [&'static str] = &["REQUEST", "ACK", "RELEASE"];
    const RECORDS: &'static [&'static str] = &["clock"];
    type Params = MutexParams;
    type Msg = MutexMsg;
    type Timer = NoTimer;
    type Record = ClockRec;
    type Durable = MutexDurable;
    type Action = MutexAction;
    type Obs = MutexObs;
    type Checker = MutexChecker;

    fn params(_r: &mut ParamReader<'_>, c: &Cluster) -> Result<MutexParams, ScenarioError> {
        Ok(MutexParams { ids: c.ids.clone(), rank: c.rank.clone(), ascending: c.ascending.clone() })
    }

    fn validate(s: &Scenario, _p: &MutexParams) -> Result<(), ScenarioError> {
        if s.nodes.is_empty() {
            return Err(err("nodes", "lamport-mutex needs at least one process"));
        }
        Ok(())
    }

    fn action(a: &Action, _p: &Self::Params) -> Option<MutexAction> {
        match a {
            Action::Request(n) => Some(MutexAction::Request(*n)),
            Action::Release(n) => Some(MutexAction::Release(*n)),
            _ => None,
        }
    }

    fn random_action(rng: &mut Rng, s: &Scenario, _t: Time) -> Option<Action> {
        let node = rng.range(0, s.nodes.len() as u64) as usize;
        // Requests are ignored while one is pending, releases outside the section: both kinds are harmless.
        Some(if rng.chance(0.5) { Action::Request(node) } else { Action::Release(node) })
    }

    fn action_node(a: &MutexAction, _p: &MutexParams) -> NodeId {
        match a {
            MutexAction::Request(n) | MutexAction::Release(n) => *n,
        }
    }

    fn empty_durable(_p: &Self::Params) -> Self::Durable {
        Default::default()
    }

    fn apply(d: &mut MutexDurable, r: &ClockRec) {
        d.l = r.0;
    }

    fn boot(cx: &mut Ctx<'_, Self>, _p: &MutexParams, d: &MutexDurable, _recovering: bool) -> LamportMutex {
        // No recovery procedure: only the clock survives; the queue and lastSeen start empty.
        LamportMutex { l: d.l, queue: VecSet::new(), last_seen: vec![0; cx.n()], mine: None, in_cs: false, me: cx.me() }
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, p: &MutexParams, from: NodeId, m: MutexMsg) {
        self.receive(from, m.ts());
        match m {
            MutexMsg::Request { ts } => {
                self.queue.insert(Req { ts, rank: p.rank[from] });
                let ts = self.tick(cx);
                cx.send(from, MutexMsg::Ack { ts });
            }
            MutexMsg::Ack { .. } => cx.persist(ClockRec(self.l)),
            MutexMsg::Release { .. } => {
                self.queue.retain(|r| r.rank != p.rank[from]);
                cx.persist(ClockRec(self.l));
            }
        }
        self.try_enter(cx);
    }

    fn on_timer(&mut self, _cx: &mut Ctx<'_, Self>, _p: &MutexParams, t: NoTimer) {
        match t {}
    }

    fn on_action(&mut self, cx: &mut Ctx<'_, Self>, p: &MutexParams, a: MutexAction) {
        match a {
            MutexAction::Request(_) => {
                if self.in_cs {
                    cx.observe(MutexObs::Ignored("already in the critical section"));
                    return;
                }
                if self.mine.is_some() {
                    cx.observe(MutexObs::Ignored("a request is already pending"));
                    return;
                }
                let ts = self.tick(cx);
                let r = Req { ts, rank: p.rank[self.me] };
                self.queue.insert(r);
                self.mine = Some(r);
                cx.observe(MutexObs::Requested(r));
                let peers: Vec<NodeId> = cx.peers().collect();
                for q in peers {
                    cx.send(q, MutexMsg::Request { ts });
                }
            }
            MutexAction::Release(_) => {
                let (true, Some(r)) = (self.in_cs, self.mine) else {
                    cx.observe(MutexObs::Ignored("not in the critical section"));
                    return;
                };
                self.in_cs = false;
                self.queue.remove(&r);
                self.mine = None;
                cx.observe(MutexObs::Exit(r));
                let ts = self.tick(cx);
                let peers: Vec<NodeId> = cx.peers().collect();
                for q in peers {
                    cx.send(q, MutexMsg::Release { ts });
                }
            }
        }
        self.try_enter(cx);
    }

    fn view(&self, p: &MutexParams, _d: &MutexDurable) -> ProtoView {
        let (role, class) = match (self.in_cs, self.mine) {
            (true, _) => ("in critical section".to_string(), "leader"),
            (false, Some(r)) => (format!("waiting, request {}", r.show(p)), "waiting"),
            _ => ("idle".to_string(), "idle"),
        };
        let seen: Vec<String> = p
            .ascending
            .iter()
            .filter(|&&q| q != self.me)
            .map(|&q| format!("{}:{}", p.ids[q], self.last_seen[q]))
            .collect();
        ProtoView {
            role,
            class,
            fields: vec![
                Field::durable("L", self.l),
                Field::volatile("inCS", self.in_cs),
                Field::volatile("lastSeen", seen.join(" ")),
            ],
            log: self
                .queue
                .iter()
                .map(|r| LogLine {
                    text: format!("{}{}", r.show(p), if Some(*r) == self.mine { " (mine)" } else { "" }),
                    committed: Some(*r) == self.mine && self.in_cs,
                    term: r.ts,
                })
                .collect(),
            blocked_since: None,
        }
    }

    fn view_down(_p: &MutexParams, d: &MutexDurable) -> ProtoView {
        ProtoView { role: "down".into(), class: "down", fields: vec![Field::durable("L", d.l)], ..Default::default() }
    }

    fn report_node(w: &World<'_, Self>, i: NodeId, _c: &MutexChecker) -> Map<String, Value> {
        let p = w.params();
        let mut m = Map::new();
        match w.node(i) {
            Some(n) => {
                m.insert("clock".into(), json!(n.l));
                m.insert("inCS".into(), json!(n.in_cs));
                m.insert("queue".into(), Value::Array(n.queue.iter().map(|r| r.to_json(p)).collect()));
                m.insert("request".into(), n.mine.map_or(Value::Null, |r| r.to_json(p)));
                let seen = crate::collect::object(
                    (0..w.n()).filter(|&q| q != i).map(|q| (p.ids[q].clone(), json!(n.last_seen[q]))),
                );
                m.insert("lastSeen".into(), Value::Object(seen));
            }
            None => {
                m.insert("clock".into(), json!(w.durable(i).l));
                m.insert("inCS".into(), json!(false));
                m.insert("queue".into(), json!([]));
                m.insert("request".into(), Value::Null);
            }
        }
        m
    }

    fn report_app(w: &World<'_, Self>, c: &MutexChecker) -> Map<String, Value> {
        c.report_app(w)
    }
}

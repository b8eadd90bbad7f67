//! Lamport logical clocks (Lamport 1978; protocols.md §5.1), shown next to skewed physical clocks.
//!
//! Every process keeps a counter `C` and follows two implementation rules. **IR1**: every event ticks the
//! counter (a local event or a send does `C := C + 1`). **IR2**: a message carries its sender's counter, and the
//! receive event sets `C := max(C, m.ts) + 1`. That is enough for the **Clock Condition**: if `a → b` (a happened
//! before b: same process and earlier, or the send of a message and its receipt, or a chain of those) then
//! `C(a) < C(b)`. Breaking ties by a fixed process order (ascending node id) gives a total order `⇒`,
//! `(C(a), a's node) < (C(b), b's node)`, that extends happens-before. That total order is what Lamport's mutual
//! exclusion (§5.4) and, in a richer form, every replicated state machine are built on.
//!
//! What the counter does **not** say is just as important, and is what this module shows:
//!
//! * The converse fails: `C(a) < C(b)` holds for plenty of concurrent events. In CLK-1, `e` (C = 1) and `d`
//!   (C = 3) are concurrent. Only vector clocks characterise `→` exactly, so the checker keeps one per node
//!   (the kernel's, hidden from the processes) as ground truth and lists every concurrent pair.
//! * `⇒` need not match real time: `i` at t = 40 is ordered before `d` at t = 20.
//! * Physical clocks fail the Clock Condition outright. With skew, drift and NTP steps, a message can arrive
//!   "before" it was sent according to the wall clocks; every such **causality inversion** (`a → b` but
//!   `PC(a) > PC(b)`) is listed.
//! * The order is known only after the fact (DDIA ch. 9): when a process acts it cannot know whether someone is
//!   about to produce a smaller timestamp. Deciding "first" on the spot needs total order broadcast (Raft).
//!
//! **Crashes.** The counter is stable: every event persists it before it becomes visible (before the message
//! leaves), so a recovered process resumes from the last value it issued and never goes backwards. The
//! `persistClock: false` toggle keeps it in memory only; a recovered process then restarts from 0 and reuses
//! timestamps, which LC-Mono and LC-Unique catch (pitfall 10 of §9).
//!
//! **Scripted events.** `local {node, name}` is a local event; `send {node, to, name?, msg?, recv?}` is a send
//! event named `name` carrying a message named `msg`, whose receive event (when it arrives) is named `recv`.
//! Unnamed ones get names from the message: the message defaults to `m(C,node)` (its timestamp and sender, which
//! is unique), the send event to `send <msg>`, the receive event to `recv <msg>`. A copy delivered twice by the
//! network is two receive events of the same name.
//!
//! **Checker** ([`LamportChecker`]). For every event it records the true time `t`, the node's physical clock
//! reading `PC` (§1.5), `C` and the kernel's vector `V`, then checks LC-Mono, LC-Recv, LC-Clock, LC-Unique and
//! LC-Extends incrementally: for each other node `j`, the latest of `j`'s events that happened before the new one
//! is `j`'s event number `V[j]`, and a per-node prefix maximum of `C` answers "is any of them ≥ C?" in
//! logarithmic time. The report lists every node's events, the total order, the concurrent pairs and the
//! inversions.
//!
//! One limit of that ground truth: the kernel counts a delivery as a receive event before the handler runs. A
//! `crashOn` hook that stops the process at the receive's first effect (persisting the counter) leaves a receipt
//! the process never recorded and has forgotten after recovery, yet the kernel's vector keeps it, so LC-Clock may
//! then flag the process's later events against the lost message. Plain crashes (between events) never do this.

mod checker;
#[cfg(test)]
mod tests;

pub use checker::{EventKind, EventRec, LamportChecker};

use crate::protocol::{Cluster, Ctx, Message, NodeId, Observation, Protocol, Record, TimerName};
use crate::rng::Rng;
use crate::scenario::{read::err, Action, ParamReader, Scenario, ScenarioError};
use crate::sim::World;
use crate::time::Time;
use crate::view::{fields, Field, LogLine, ProtoView};
use serde_json::{json, Map, Value};
use std::collections::VecDeque;

/// Events kept for display in a node's view (the report has them all).
const RECENT: usize = 12;

/// Parameters.
#[derive(Clone, Debug)]
pub struct LamportParams {
    /// Persist the counter with every event (`persistClock`, default true). Off: it restarts from 0 after a crash.
    pub persist_clock: bool,
}

/// The one message type: an application message stamped with its sender's counter.
#[derive(Clone, Debug, Hash)]
pub struct LamportMsg {
    /// Message name (`m1`, or `m(C,node)` by default).
    pub name: String,
    /// The sender's counter at the send event (IR2).
    pub ts: u64,
    /// Name of the send event.
    pub send: String,
    /// Name the receive event will have.
    pub recv: String,
}

impl Message for LamportMsg {
    fn kind(&self) -> &'static str {
        "MSG"
    }
    fn label(&self) -> String {
        format!("{} ts={}", self.name, self.ts)
    }
    fn fields(&self, _ids: &[String]) -> Value {
        fields([
            ("msg", json!(self.name)),
            ("ts", json!(self.ts)),
            ("sendEvent", json!(self.send)),
            ("recvEvent", json!(self.recv)),
        ])
    }
}

/// Lamport processes arm no timers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NoTimer {}

impl TimerName for NoTimer {
    fn name(&self) -> String {
        match *self {}
    }
}

/// The stable record written with every event: the counter after it.
#[derive(Clone, Debug, Hash)]
pub struct ClockRecord {
    /// The counter (the event's timestamp).
    pub c: u64,
    /// The event's name.
    pub event: String,
    /// The physical clock reading at the event (for display).
    pub pc: i64,
}

impl Record for ClockRecord {
    fn name(&self) -> &'static str {
        "clock"
    }
    fn describe(&self, _ids: &[String]) -> String {
        format!("clock C={} ({})", self.c, self.event)
    }
}

/// Stable state: the last counter issued and the latest events.
#[derive(Clone, Debug, Default)]
pub struct LamportDurable {
    /// Last counter value persisted.
    pub c: u64,
    /// Events persisted.
    pub count: u64,
    /// The latest events (name, C, PC), oldest first.
    pub recent: VecDeque<(String, u64, i64)>,
}

/// A scripted event.
#[derive(Clone, Debug)]
pub enum LamportAction {
    /// A local event.
    Local {
        /// Node.
        node: NodeId,
        /// Event name.
        name: String,
    },
    /// A send event.
    Send {
        /// Sender.
        node: NodeId,
        /// Receiver.
        to: NodeId,
        /// Send event name.
        name: Option<String>,
        /// Message name.
        msg: Option<String>,
        /// Receive event name.
        recv: Option<String>,
    },
}

/// An event happened at the observing node.
#[derive(Clone, Debug, Hash)]
pub struct LcEvent {
    /// Local, send or receive.
    pub kind: EventKind,
    /// Event name.
    pub name: String,
    /// Its timestamp `C`.
    pub c: u64,
    /// The message sent or received.
    pub msg: Option<String>,
    /// For a receive: the message's timestamp.
    pub ts: Option<u64>,
}

impl Observation for LcEvent {
    fn timeline(&self) -> Option<(&'static str, Map<String, Value>)> {
        None
    }
    fn describe(&self) -> String {
        match (self.kind, &self.msg, self.ts) {
            (EventKind::Send, Some(m), _) => format!("{}: send {m}, C={}", self.name, self.c),
            (EventKind::Recv, Some(m), Some(ts)) => {
                format!("{}: receive {m} (ts {ts}), C=max(…,{ts})+1={}", self.name, self.c)
            }
            _ => format!("{}: local event, C={}", self.name, self.c),
        }
    }
}

/// One process.
#[derive(Clone, Debug)]
pub struct Lamport {
    c: u64,
    since_boot: u64,
    recent: VecDeque<(String, u64, i64)>,
}

impl Lamport {
    /// The process's counter.
    pub fn clock(&self) -> u64 {
        self.c
    }

    /// IR1/IR2 done: make the event durable (before anything leaves the node) and remember it.
    fn event(&mut self, cx: &mut Ctx<'_, Self>, p: &LamportParams, name: &str) {
        let pc = cx.wall();
        if p.persist_clock {
            cx.persist(ClockRecord { c: self.c, event: name.to_string(), pc });
        }
        self.since_boot += 1;
        push_recent(&mut self.recent, (name.to_string(), self.c, pc));
    }
}

fn push_recent(q: &mut VecDeque<(String, u64, i64)>, e: (String, u64, i64)) {
    if q.len() == RECENT {
        q.pop_front();
    }
    q.push_back(e);
}

fn recent_log(q: &VecDeque<(String, u64, i64)>) -> Vec<LogLine> {
    q.iter().map(|(n, c, pc)| LogLine { text: format!("{n}  C={c}  PC={pc}"), committed: true, term: *c }).collect()
}

impl Protocol for Lamport {
    const NAME: &'static str = "lamport";
    const MESSAGE_TYPES: &'static [&'static str] = &["MSG"];
    const RECORDS: &'static [&'static str] = &["clock"];
    type Params = LamportParams;
    type Msg = LamportMsg;
    type Timer = NoTimer;
    type Record = ClockRecord;
    type Durable = LamportDurable;
    type Action = LamportAction;
    type Obs = LcEvent;
    type Checker = LamportChecker;

    fn params(r: &mut ParamReader<'_>, _c: &Cluster) -> Result<LamportParams, ScenarioError> {
        Ok(LamportParams { persist_clock: r.bool("persistClock", true)? })
    }

    fn validate(s: &Scenario, _p: &LamportParams) -> Result<(), ScenarioError> {
        if s.nodes.is_empty() {
            return Err(err("nodes", "lamport needs at least one process"));
        }
        Ok(())
    }

    fn action(a: &Action, _p: &Self::Params) -> Option<LamportAction> {
        match a {
            Action::Local { node, name } => Some(LamportAction::Local { node: *node, name: name.clone() }),
            Action::LamportSend { node, to, name, msg, recv } => Some(LamportAction::Send {
                node: *node,
                to: *to,
                name: name.clone(),
                msg: msg.clone(),
                recv: recv.clone(),
            }),
            _ => None,
        }
    }

    fn random_action(rng: &mut Rng, s: &Scenario, t: Time) -> Option<Action> {
        let n = s.nodes.len();
        let node = rng.range(0, n as u64) as usize;
        if n < 2 || rng.chance(0.4) {
            Some(Action::Local { node, name: format!("{}@{t}", s.nodes[node]) })
        } else {
            let to = (node + 1 + rng.range(0, n as u64 - 1) as usize) % n;
            Some(Action::LamportSend { node, to, name: None, msg: None, recv: None })
        }
    }

    fn action_node(a: &LamportAction, _p: &LamportParams) -> NodeId {
        match a {
            LamportAction::Local { node, .. } | LamportAction::Send { node, .. } => *node,
        }
    }

    fn empty_durable(_p: &Self::Params) -> Self::Durable {
        Default::default()
    }

    fn apply(d: &mut LamportDurable, r: &ClockRecord) {
        d.c = r.c;
        d.count += 1;
        push_recent(&mut d.recent, (r.event.clone(), r.c, r.pc));
    }

    fn boot(_cx: &mut Ctx<'_, Self>, p: &LamportParams, d: &LamportDurable, _recovering: bool) -> Lamport {
        // Recovery: resume from the last counter issued (it was persisted before the event became visible).
        let (c, recent) = if p.persist_clock { (d.c, d.recent.clone()) } else { (0, VecDeque::new()) };
        Lamport { c, since_boot: 0, recent }
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, p: &LamportParams, _from: NodeId, m: LamportMsg) {
        // IR2: the receive event jumps past the message's timestamp.
        self.c = self.c.max(m.ts) + 1;
        self.event(cx, p, &m.recv);
        cx.observe(LcEvent { kind: EventKind::Recv, name: m.recv, c: self.c, msg: Some(m.name), ts: Some(m.ts) });
    }

    fn on_timer(&mut self, _cx: &mut Ctx<'_, Self>, _p: &LamportParams, t: NoTimer) {
        match t {}
    }

    fn on_action(&mut self, cx: &mut Ctx<'_, Self>, p: &LamportParams, a: LamportAction) {
        match a {
            LamportAction::Local { name, .. } => {
                self.c += 1; // IR1
                self.event(cx, p, &name);
                cx.observe(LcEvent { kind: EventKind::Local, name, c: self.c, msg: None, ts: None });
            }
            LamportAction::Send { to, name, msg, recv, .. } => {
                self.c += 1; // IR1; the message carries the new value (IR2)
                let me = &cx.cluster().ids[cx.me()];
                let msg = msg.unwrap_or_else(|| format!("m({},{me})", self.c));
                let send = name.unwrap_or_else(|| format!("send {msg}"));
                let recv = recv.unwrap_or_else(|| format!("recv {msg}"));
                self.event(cx, p, &send);
                cx.send(to, LamportMsg { name: msg.clone(), ts: self.c, send: send.clone(), recv });
                cx.observe(LcEvent { kind: EventKind::Send, name: send, c: self.c, msg: Some(msg), ts: None });
            }
        }
    }

    fn view(&self, p: &LamportParams, _d: &LamportDurable) -> ProtoView {
        let c = if p.persist_clock { Field::durable("C", self.c) } else { Field::volatile("C", self.c) };
        ProtoView {
            role: format!("C = {}", self.c),
            class: "idle",
            fields: vec![c, Field::volatile("events since start", self.since_boot)],
            log: recent_log(&self.recent),
            blocked_since: None,
        }
    }

    fn view_down(p: &LamportParams, d: &LamportDurable) -> ProtoView {
        let mut fields = Vec::new();
        if p.persist_clock {
            fields.push(Field::durable("C", d.c));
            fields.push(Field::durable("events", d.count));
        }
        ProtoView { role: "down".into(), class: "down", fields, log: recent_log(&d.recent), blocked_since: None }
    }

    fn report_node(w: &World<'_, Self>, i: NodeId, c: &LamportChecker) -> Map<String, Value> {
        let clock = match w.node(i) {
            Some(n) => n.c,
            None if w.params().persist_clock => w.durable(i).c,
            None => 0,
        };
        let mut m = Map::new();
        m.insert("clock".into(), json!(clock));
        m.insert("events".into(), Value::Array(c.node_events(i).map(|e| e.to_json(w.cluster())).collect()));
        m
    }

    fn report_app(w: &World<'_, Self>, c: &LamportChecker) -> Map<String, Value> {
        c.report_app(w.cluster())
    }
}

//! Last-write-wins registers under clock skew (DDIA ch. 8; protocols.md §5.2).
//!
//! Every replica stores, per key, a value and the timestamp `(time, writerId)` of the write that produced it.
//! A client writes through any replica; that replica stamps the write, keeps it if its timestamp is larger than
//! the one stored (otherwise **silently discards it**), acknowledges the client **either way**, and sends
//! `REPL{key, value, ts}` to every other replica, which apply the same rule. Since every replica keeps the
//! largest timestamp it has seen, they all converge on the same value once replication stops, with no
//! coordination at all. That is why Cassandra and Riak offer it.
//!
//! The price is in where the timestamp comes from:
//!
//! * `tsMode: physical` (the default, as in Cassandra): `time` is the accepting replica's wall clock `PC`
//!   (§1.5). A replica whose clock runs ahead stamps its writes "in the future"; a write accepted later by a
//!   replica with a correct (or slow, or just stepped back by NTP) clock gets a smaller timestamp and is thrown
//!   away everywhere, **although the client was told OK**. If the later write was *causally* later (its client
//!   had read the earlier value, as in CLK-2), a causally later write is lost: LWW-CausalLoss. Concurrent writes
//!   may be dropped too; that is LWW's documented data loss, not a violation.
//! * `tsMode: lamport`: `time` is a Lamport clock (§5.1). Clients carry the largest timestamp they have seen
//!   (`clientMaxTs`); a write first does `L := max(L, clientMaxTs.L)`, then `L := L + 1`, and receiving a REPL
//!   does `L := max(L, ts.L) + 1`. Whatever a client has seen has a smaller timestamp than what it writes next,
//!   so a causally later write always wins. Reads do not advance `L`.
//!
//! **Clients** are not nodes: they are names in the scripted `read`/`write` actions, and what they remember
//! between requests (`clientMaxTs`) is kept for them by the kernel ([`Ctx::client_memory`]). A read returns the
//! stored `(value, ts)` and the client takes `ts` into `clientMaxTs`. The acknowledgement of a write returns the
//! write's own timestamp, which the client takes in too: "the largest timestamp it has seen" includes that of its
//! own last write, so that two writes of one client through two replicas are ordered like its program.
//!
//! **Storage.** The registers, the Lamport clock and the replica's write counter are stable: they are persisted
//! before the client is acknowledged and before REPL leaves. A crash loses nothing acknowledged; there is no
//! anti-entropy, so a REPL lost in the network (a drop rule, a partition, a down replica) leaves the replicas
//! diverged for good, which the `LWW-Convergence` liveness property reports.
//!
//! **Ground truth.** Each write gets a unique id (the accepting replica and its write counter) that the rules
//! never look at; it lets the checker say which write a replica holds. The checker keeps a vector clock per
//! client over the clients' writes: a write carries its client's vector (its own component ticked), a read merges
//! the vector of the write it returned. "`w1 → w2`" is then "`w2`'s client had seen `w1`, directly or through
//! other clients' writes", and LWW-CausalLoss is reported whenever a replica keeps `w1` over `w2` although
//! `w1 → w2`.
//!
//! [`Ctx::client_memory`]: crate::protocol::Ctx::client_memory

mod checker;
#[cfg(test)]
mod tests;

pub use checker::LwwChecker;

use crate::protocol::{Cluster, Ctx, Message, NodeId, Observation, Protocol, Record};
use crate::protocols::lamport::NoTimer;
use crate::rng::Rng;
use crate::scenario::{read::err, Action, ParamReader, Scenario, ScenarioError};
use crate::sim::World;
use crate::time::Time;
use crate::vecmap::VecMap;
use crate::view::{fields, Field, LogLine, ProtoView};
use serde_json::{json, Map, Value};
use std::collections::VecDeque;

/// Decisions kept for a replica's view.
const RECENT: usize = 10;

/// Where timestamps come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TsMode {
    /// The accepting replica's physical clock.
    Physical,
    /// Lamport clocks, with the clients' `clientMaxTs`.
    Lamport,
}

/// Parameters.
#[derive(Clone, Debug)]
pub struct LwwParams {
    /// `tsMode`.
    pub mode: TsMode,
    /// Node ids.
    pub ids: Vec<String>,
    /// Rank of each node in ascending id order (timestamps compare writer ids as strings).
    pub rank: Vec<usize>,
    /// Nodes in ascending id order.
    pub ascending: Vec<NodeId>,
}

/// A timestamp `(time, writerId)`, compared lexicographically (the writer by its id, i.e. its rank).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ts {
    /// Physical clock reading or Lamport counter.
    pub time: i64,
    /// Rank of the writer (the accepting replica).
    pub rank: usize,
}

impl Ts {
    /// `[time, id]` as in the report.
    pub fn to_json(self, p: &LwwParams) -> Value {
        json!([self.time, p.ids[p.ascending[self.rank]]])
    }

    /// `(time,id)` for display.
    pub fn show(self, p: &LwwParams) -> String {
        format!("({},{})", self.time, p.ids[p.ascending[self.rank]])
    }

    /// Reads `[time, id]` back (client memory).
    fn from_json(v: &Value, p: &LwwParams) -> Option<Ts> {
        let time = v.get(0)?.as_i64()?;
        let id = v.get(1)?.as_str()?;
        let node = p.ids.iter().position(|x| x == id)?;
        Some(Ts { time, rank: p.rank[node] })
    }
}

/// The identity of a write: the replica that accepted it and its write counter there. Simulator metadata that the
/// LWW rules never compare; the checker and the views use it to tell writes apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Wid {
    /// Accepting replica.
    pub node: NodeId,
    /// Its write counter.
    pub seq: u64,
}

/// A stored register: value (JSON text), timestamp and the write that produced it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cell {
    /// The value as JSON text.
    pub value: String,
    /// Its timestamp.
    pub ts: Ts,
    /// The write.
    pub wid: Wid,
}

impl Cell {
    /// The value as JSON.
    pub fn json_value(&self) -> Value {
        serde_json::from_str(&self.value).unwrap_or(Value::Null)
    }
}

/// The one message: replicate a write.
#[derive(Clone, Debug, Hash)]
pub struct Repl {
    /// Key.
    pub key: String,
    /// The write.
    pub cell: Cell,
    /// Id of the replica that accepted the write (the timestamp's writer), for the inspector.
    pub writer: String,
}

impl Message for Repl {
    fn kind(&self) -> &'static str {
        "REPL"
    }
    fn label(&self) -> String {
        format!("REPL {}={} ts {}", self.key, self.cell.value, self.cell.ts.time)
    }
    fn fields(&self, _ids: &[String]) -> Value {
        fields([
            ("key", json!(self.key)),
            ("value", self.cell.json_value()),
            ("ts", json!([self.cell.ts.time, self.writer])),
            ("write", json!(format!("{}#{}", self.writer, self.cell.wid.seq))),
        ])
    }
}

/// Stable records.
#[derive(Clone, Debug, Hash)]
pub enum LwwRecord {
    /// A client write was stamped: the replica's write counter and Lamport clock after it.
    Write {
        /// Write counter.
        seq: u64,
        /// Lamport clock (0 in physical mode).
        l: u64,
    },
    /// The Lamport clock after receiving a REPL.
    Clock(u64),
    /// A register's new content.
    Store {
        /// Key.
        key: String,
        /// The write kept.
        cell: Cell,
    },
}

impl Record for LwwRecord {
    fn name(&self) -> &'static str {
        match self {
            LwwRecord::Write { .. } => "write",
            LwwRecord::Clock(_) => "clock",
            LwwRecord::Store { .. } => "store",
        }
    }
    fn describe(&self, _ids: &[String]) -> String {
        match self {
            LwwRecord::Write { seq, l } => format!("write #{seq} (L={l})"),
            LwwRecord::Clock(l) => format!("clock L={l}"),
            LwwRecord::Store { key, cell } => format!("store {key}={} ts {}", cell.value, cell.ts.time),
        }
    }
}

/// Stable state: everything a replica has.
#[derive(Clone, Debug, Default)]
pub struct LwwDurable {
    /// Write counter.
    pub seq: u64,
    /// Lamport clock.
    pub l: u64,
    /// Registers.
    pub store: VecMap<String, Cell>,
}

/// A scripted client request at a replica.
#[derive(Clone, Debug)]
pub enum LwwAction {
    /// Write `value` (JSON text) to `key`.
    Write {
        /// Client.
        client: String,
        /// Replica.
        node: NodeId,
        /// Key.
        key: String,
        /// Value as JSON text.
        value: String,
    },
    /// Read `key`.
    Read {
        /// Client.
        client: String,
        /// Replica.
        node: NodeId,
        /// Key.
        key: String,
    },
}

/// Observations.
#[derive(Clone, Debug, Hash)]
pub enum LwwObs {
    /// A client write was stamped here and compared with the stored register.
    Stamped {
        /// Client.
        client: String,
        /// Key.
        key: String,
        /// The write.
        cell: Cell,
        /// Kept (true) or discarded.
        kept: bool,
        /// What was stored before.
        against: Option<Cell>,
    },
    /// The client was acknowledged (always "OK", even for a discarded write).
    Ack {
        /// Client.
        client: String,
        /// Key.
        key: String,
        /// The write.
        cell: Cell,
        /// It was discarded at this replica.
        discarded: bool,
    },
    /// A replicated write was compared with the stored register.
    Merge {
        /// Key.
        key: String,
        /// The incoming write.
        cell: Cell,
        /// Kept (true) or discarded.
        kept: bool,
        /// What was stored before.
        against: Option<Cell>,
    },
    /// A read returned the stored register.
    Read {
        /// Client.
        client: String,
        /// Key.
        key: String,
        /// What it returned (`None`: never written).
        cell: Option<Cell>,
    },
}

impl Observation for LwwObs {
    fn timeline(&self) -> Option<(&'static str, Map<String, Value>)> {
        None
    }
    fn describe(&self) -> String {
        let ts = |c: &Cell| format!("ts {}", c.ts.time);
        match self {
            LwwObs::Stamped { client, key, cell, kept: true, .. } => {
                format!("{client}'s write {key}={} stamped {}: stored", cell.value, ts(cell))
            }
            LwwObs::Stamped { client, key, cell, against, .. } => format!(
                "{client}'s write {key}={} stamped {}: DISCARDED, the stored {} is newer",
                cell.value,
                ts(cell),
                against.as_ref().map(ts).unwrap_or_default()
            ),
            LwwObs::Ack { client, key, cell, discarded } => format!(
                "OK to {client} for {key}={}{}",
                cell.value,
                if *discarded { " (acknowledged although discarded)" } else { "" }
            ),
            LwwObs::Merge { key, cell, kept, .. } => {
                format!("REPL {key}={} {}: {}", cell.value, ts(cell), if *kept { "stored" } else { "discarded" })
            }
            LwwObs::Read { client, key, cell } => match cell {
                Some(c) => format!("{client} reads {key}={} ({})", c.value, ts(c)),
                None => format!("{client} reads {key}: never written"),
            },
        }
    }
}

/// One replica.
#[derive(Clone, Debug)]
pub struct Lww {
    seq: u64,
    l: u64,
    store: VecMap<String, Cell>,
    me: NodeId,
    recent: VecDeque<String>,
}

impl Lww {
    /// The stored register of `key`.
    pub fn get(&self, key: &str) -> Option<&Cell> {
        self.store.get(key)
    }

    /// The Lamport clock (lamport mode).
    pub fn clock(&self) -> u64 {
        self.l
    }

    fn note(&mut self, s: String) {
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back(s);
    }

    /// The LWW rule: keep `cell` iff its timestamp is larger than the stored one's.
    fn offer(&self, key: &str, cell: &Cell) -> (bool, Option<Cell>) {
        let cur = self.store.get(key).cloned();
        (cur.as_ref().is_none_or(|c| cell.ts > c.ts), cur)
    }

    fn write(&mut self, cx: &mut Ctx<'_, Self>, p: &LwwParams, client: String, key: String, value: String) {
        let me = self.me;
        let client_max = cx.client_memory(&client).and_then(|m| Ts::from_json(m, p));
        let time = match p.mode {
            TsMode::Physical => cx.wall(),
            TsMode::Lamport => {
                let seen = client_max.map_or(0, |t| t.time.max(0) as u64);
                self.l = self.l.max(seen) + 1;
                self.l as i64
            }
        };
        let ts = Ts { time, rank: p.rank[me] };
        self.seq += 1;
        cx.persist(LwwRecord::Write { seq: self.seq, l: self.l });
        let cell = Cell { value, ts, wid: Wid { node: me, seq: self.seq } };
        let (kept, against) = self.offer(&key, &cell);
        cx.observe(LwwObs::Stamped {
            client: client.clone(),
            key: key.clone(),
            cell: cell.clone(),
            kept,
            against: against.clone(),
        });
        if kept {
            cx.persist(LwwRecord::Store { key: key.clone(), cell: cell.clone() });
            self.store.insert(key.clone(), cell.clone());
            self.note(format!("{client}: {key}={} {} stored", cell.value, ts.show(p)));
        } else {
            let other = against.map(|c| c.ts.show(p)).unwrap_or_default();
            self.note(format!("{client}: {key}={} {} DISCARDED (< {other}), acked", cell.value, ts.show(p)));
        }
        // LWW reports no error: the client hears OK and the write's timestamp either way.
        let remember = client_max.map_or(ts, |m| m.max(ts));
        cx.tell_client(&client, remember.to_json(p));
        cx.observe(LwwObs::Ack { client, key: key.clone(), cell: cell.clone(), discarded: !kept });
        let writer = p.ids[me].clone();
        let peers: Vec<NodeId> = cx.peers().collect();
        for q in peers {
            cx.send(q, Repl { key: key.clone(), cell: cell.clone(), writer: writer.clone() });
        }
    }
}

impl Protocol for Lww {
    const NAME: &'static str = "lww";
    const MESSAGE_TYPES: &'static [&'static str] = &["REPL"];
    const RECORDS: &'static [&'static str] = &["write", "clock", "store"];
    type Params = LwwParams;
    type Msg = Repl;
    type Timer = NoTimer;
    type Record = LwwRecord;
    type Durable = LwwDurable;
    type Action = LwwAction;
    type Obs = LwwObs;
    type Checker = LwwChecker;

    fn params(r: &mut ParamReader<'_>, c: &Cluster) -> Result<LwwParams, ScenarioError> {
        let mode = match r.choice("tsMode", &["physical", "lamport"], "physical")? {
            "lamport" => TsMode::Lamport,
            _ => TsMode::Physical,
        };
        Ok(LwwParams { mode, ids: c.ids.clone(), rank: c.rank.clone(), ascending: c.ascending.clone() })
    }

    fn validate(s: &Scenario, _p: &LwwParams) -> Result<(), ScenarioError> {
        if s.nodes.is_empty() {
            return Err(err("nodes", "lww needs at least one replica"));
        }
        Ok(())
    }

    fn action(a: &Action, _p: &Self::Params) -> Option<LwwAction> {
        match a {
            Action::LwwWrite { client, node, key, value } => Some(LwwAction::Write {
                client: client.clone(),
                node: *node,
                key: key.clone(),
                value: value.to_string(),
            }),
            Action::LwwRead { client, node, key } => {
                Some(LwwAction::Read { client: client.clone(), node: *node, key: key.clone() })
            }
            _ => None,
        }
    }

    fn random_action(rng: &mut Rng, s: &Scenario, t: Time) -> Option<Action> {
        const CLIENTS: [&str; 3] = ["A", "B", "C"];
        let client = CLIENTS[rng.range(0, CLIENTS.len() as u64) as usize].to_string();
        let node = rng.range(0, s.nodes.len() as u64) as usize;
        let key = if rng.chance(0.8) { "x" } else { "y" }.to_string();
        Some(if rng.chance(0.5) {
            Action::LwwRead { client, node, key }
        } else {
            Action::LwwWrite { client, node, key, value: json!(t) }
        })
    }

    fn action_node(a: &LwwAction, _p: &LwwParams) -> NodeId {
        match a {
            LwwAction::Write { node, .. } | LwwAction::Read { node, .. } => *node,
        }
    }

    fn empty_durable(_p: &Self::Params) -> Self::Durable {
        Default::default()
    }

    fn apply(d: &mut LwwDurable, r: &LwwRecord) {
        match r {
            LwwRecord::Write { seq, l } => {
                d.seq = *seq;
                d.l = *l;
            }
            LwwRecord::Clock(l) => d.l = *l,
            LwwRecord::Store { key, cell } => {
                d.store.insert(key.clone(), cell.clone());
            }
        }
    }

    fn boot(cx: &mut Ctx<'_, Self>, _p: &LwwParams, d: &LwwDurable, _recovering: bool) -> Lww {
        Lww { seq: d.seq, l: d.l, store: d.store.clone(), me: cx.me(), recent: VecDeque::new() }
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, p: &LwwParams, _from: NodeId, m: Repl) {
        if p.mode == TsMode::Lamport {
            self.l = self.l.max(m.cell.ts.time.max(0) as u64) + 1;
            cx.persist(LwwRecord::Clock(self.l));
        }
        let (kept, against) = self.offer(&m.key, &m.cell);
        cx.observe(LwwObs::Merge { key: m.key.clone(), cell: m.cell.clone(), kept, against: against.clone() });
        let what = format!("REPL {}={} {}", m.key, m.cell.value, m.cell.ts.show(p));
        if kept {
            cx.persist(LwwRecord::Store { key: m.key.clone(), cell: m.cell.clone() });
            self.store.insert(m.key, m.cell);
            self.note(format!("{what} stored"));
        } else {
            let other = against.map(|c| c.ts.show(p)).unwrap_or_default();
            self.note(format!("{what} discarded (≤ {other})"));
        }
    }

    fn on_timer(&mut self, _cx: &mut Ctx<'_, Self>, _p: &LwwParams, t: NoTimer) {
        match t {}
    }

    fn on_action(&mut self, cx: &mut Ctx<'_, Self>, p: &LwwParams, a: LwwAction) {
        match a {
            LwwAction::Write { client, key, value, .. } => self.write(cx, p, client, key, value),
            LwwAction::Read { client, key, .. } => {
                let cell = self.store.get(&key).cloned();
                if let Some(c) = &cell {
                    let known = cx.client_memory(&client).and_then(|m| Ts::from_json(m, p));
                    let remember = known.map_or(c.ts, |k| k.max(c.ts));
                    cx.tell_client(&client, remember.to_json(p));
                }
                cx.observe(LwwObs::Read { client, key, cell });
            }
        }
    }

    fn view(&self, p: &LwwParams, _d: &LwwDurable) -> ProtoView {
        let mut v = view_of(p, &self.store, self.l, self.seq);
        v.role = "replica".into();
        v.class = "idle";
        v.log.extend(self.recent.iter().map(|s| LogLine { text: s.clone(), committed: true, term: 0 }));
        v
    }

    fn view_down(p: &LwwParams, d: &LwwDurable) -> ProtoView {
        view_of(p, &d.store, d.l, d.seq)
    }

    fn report_node(w: &World<'_, Self>, i: NodeId, c: &LwwChecker) -> Map<String, Value> {
        let p = w.params();
        let (store, l) = match w.node(i) {
            Some(n) => (&n.store, n.l),
            None => (&w.durable(i).store, w.durable(i).l),
        };
        let cell_json = |c: Option<&Cell>| match c {
            Some(c) => (c.json_value(), c.ts.to_json(p)),
            None => (Value::Null, json!([0, null])),
        };
        let mut m = Map::new();
        let (value, ts) = cell_json(store.get(c.main_key()));
        m.insert("value".into(), value);
        m.insert("ts".into(), ts);
        let keys: Map<String, Value> = store
            .iter()
            .map(|(k, cell)| {
                let (value, ts) = cell_json(Some(cell));
                (k.clone(), json!({ "value": value, "ts": ts }))
            })
            .collect();
        m.insert("keys".into(), Value::Object(keys));
        m.insert("clock".into(), json!(l));
        m
    }

    fn report_app(w: &World<'_, Self>, c: &LwwChecker) -> Map<String, Value> {
        c.report_app(w)
    }
}

fn view_of(p: &LwwParams, store: &VecMap<String, Cell>, l: u64, seq: u64) -> ProtoView {
    let regs: Vec<String> = store.iter().map(|(k, c)| format!("{k}={} {}", c.value, c.ts.show(p))).collect();
    let mut fields = vec![Field::durable("registers", if regs.is_empty() { "⊥".into() } else { regs.join("  ") })];
    if p.mode == TsMode::Lamport {
        fields.push(Field::durable("L", l));
    }
    fields.push(Field::durable("writes accepted", seq));
    ProtoView { role: "down".into(), class: "down", fields, log: Vec::new(), blocked_since: None }
}

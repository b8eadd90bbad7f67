//! Quorum replication: the hotel-booking example (DDIA ch. 5 "Quorums for reading and writing", ch. 9;
//! protocols.md §6).
//!
//! A stateless application server `App` keeps a room's booking on `N` replicas `db1..dbN`. Every key holds a
//! `(value, version)` pair, initially `("available", 0)` (parameter `initialValue`).
//!
//! * **Write** (`bookRoom`): `App` picks `version := last + 1` for the key (one writer per key, so versions are
//!   unique and ordered), sends `WRITE{key, value, version}` to every replica in ascending order, and reports
//!   success to the client after **W** distinct replicas have acknowledged, or failure after `T_req` ms without
//!   them. A replica stores the write iff its version is newer than what it holds, persisting it before it
//!   replies, and **always** replies `ACK`: an older write is already superseded, and that is a success too.
//!   `W = 0` acknowledges as soon as the write is handed to the network ("write to a message queue first").
//! * **Read** (`isRoomAvailable`): `App` sends `READ{key}` to the replicas of `readTargets` (default: all, in
//!   ascending order), takes the first **R** distinct responses in arrival order, breaking ties between responses
//!   that arrive at the same instant by their position in `readTargets`, and returns the value with the highest
//!   version. To apply the tie rule exactly, `App` decides at a zero-length timer that fires after every delivery
//!   of the instant. A read has no timeout (§6 gives `T_req` to writes only): without `R` responses it waits,
//!   and the App's view counts it as pending.
//! * **Read repair** (`readRepair`, off by default): when a read has returned, `App` writes the value it returned
//!   back to every replica that answered with an older version, including ones that answer later.
//!
//! The parameters map onto the hotel-booking example's options: serial synchronous write `W = N`, serial
//! asynchronous write `W = 1`, message queue first `W = 0`; read from one / a majority / all: `R = 1 / ⌊N/2⌋+1 /
//! N`. The defaults are majorities.
//!
//! **Why `R + W > N` works.** A read that starts after a write was acknowledged asks `R` replicas; the write is on
//! `W` of them; if `R + W > N` the two sets share at least one replica, which answers with that write's version or
//! a newer one, and the maximum wins. This is **Q-Regular**, checked on every read: *a read that starts after a
//! write was acknowledged returns that write's version or a newer one.* The argument needs distinct replicas on
//! both sides (duplicated ACKs or responses must not be counted twice, which is why both are counted as sets), no
//! lost replica state (replicas persist before they acknowledge), and versions that order the writes (one `App`
//! numbering them, with its counter in stable storage so a restart never reuses a version that replicas would
//! silently ignore while still acknowledging it). With `R + W ≤ N` the read set can miss the write set entirely:
//! a **stale read**, the hotel-booking example's "data correctness problem" (QRM-1-B).
//!
//! **Not linearizable, even with `R + W > N`.** A read that *overlaps* a write may see it or not. So one client can
//! see the new value and a second client, starting after the first has returned, the old one (QRM-2). Q-Regular
//! allows that, since neither read started after the write was acknowledged. The checker lists such pairs as
//! informative `app.readInversions`, not as violations. Dynamo-style stores behave this way; a read that waits for
//! its repair writes to be acknowledged before returning would avoid it.
//!
//! **Liveness.** *Q-Convergence*: once every WRITE is delivered, every replica holds the newest version of every
//! key. Without read repair or anti-entropy nothing repairs a lost WRITE, so the property fails when a WRITE is
//! lost; read repair fixes the replicas that a read touches.

mod checker;

pub use checker::QuorumChecker;

use crate::protocol::{Cluster, Ctx, Message, NodeId, Observation, Protocol, Record, TimerName};
use crate::rng::Rng;
use crate::scenario::read::{as_nodes, err, index};
use crate::scenario::{Action, ParamReader, Scenario, ScenarioError};
use crate::sim::World;
use crate::time::Time;
use crate::vecmap::{VecMap, VecSet};
use crate::view::{fields, Field, LogLine, ProtoView};
use serde_json::{json, Map, Value};
use std::collections::VecDeque;

/// How many recent outcomes a node keeps for its view.
const RECENT: usize = 8;

/// The application server is always the first node.
pub const APP: NodeId = 0;

/// Parameters.
#[derive(Clone, Debug)]
pub struct QuorumParams {
    /// Write quorum: ACKs needed before a write is reported successful (`0` = on enqueue).
    pub w: usize,
    /// Read quorum: responses a read waits for.
    pub r: usize,
    /// The replicas a read asks, in order (ties between simultaneous responses go to the earlier one).
    pub read_targets: Vec<NodeId>,
    /// Request timeout (ms); `None` = wait forever.
    pub t_req: Option<u64>,
    /// Write the newest value back to replicas that answered a read with an older one.
    pub read_repair: bool,
    /// The value every key holds at version 0 (JSON text).
    pub initial: String,
    /// Node ids.
    pub ids: Vec<String>,
}

impl QuorumParams {
    /// Number of replicas `N`.
    pub fn n(&self) -> usize {
        self.ids.len() - 1
    }
}

/// Messages. Values travel as JSON text.
#[derive(Clone, Debug, Hash)]
pub enum QuorumMsg {
    /// App → replica: store this version (a client write, or a read repair).
    Write {
        /// Key.
        key: String,
        /// Value (JSON text).
        value: String,
        /// Version.
        version: u64,
        /// The App operation it belongs to.
        op: u64,
        /// Sent by read repair.
        repair: bool,
    },
    /// Replica → App: the write is stored (or superseded by a newer version).
    Ack {
        /// Key.
        key: String,
        /// Version acknowledged.
        version: u64,
        /// The App operation.
        op: u64,
    },
    /// App → replica: what do you hold for this key?
    Read {
        /// Key.
        key: String,
        /// The App operation.
        op: u64,
    },
    /// Replica → App: what it holds.
    Reply {
        /// Key.
        key: String,
        /// Value (JSON text).
        value: String,
        /// Version.
        version: u64,
        /// The App operation.
        op: u64,
    },
}

impl Message for QuorumMsg {
    fn kind(&self) -> &'static str {
        match self {
            QuorumMsg::Write { .. } => "WRITE",
            QuorumMsg::Ack { .. } => "ACK",
            QuorumMsg::Read { .. } => "READ",
            QuorumMsg::Reply { .. } => "REPLY",
        }
    }
    fn is_response(&self) -> bool {
        matches!(self, QuorumMsg::Ack { .. } | QuorumMsg::Reply { .. })
    }
    fn label(&self) -> String {
        match self {
            QuorumMsg::Write { key, version, repair, .. } => {
                format!("{} {key} v{version}", if *repair { "REPAIR" } else { "WRITE" })
            }
            QuorumMsg::Ack { key, version, .. } => format!("ACK {key} v{version}"),
            QuorumMsg::Read { key, .. } => format!("READ {key}"),
            QuorumMsg::Reply { key, value, version, .. } => format!("{key}={value} v{version}"),
        }
    }
    fn fields(&self, _ids: &[String]) -> Value {
        match self {
            QuorumMsg::Write { key, value, version, op, repair } => fields([
                ("key", json!(key)),
                ("value", parse(value)),
                ("version", json!(version)),
                ("op", json!(op)),
                ("repair", json!(repair)),
            ]),
            QuorumMsg::Ack { key, version, op } => {
                fields([("key", json!(key)), ("version", json!(version)), ("op", json!(op))])
            }
            QuorumMsg::Read { key, op } => fields([("key", json!(key)), ("op", json!(op))]),
            QuorumMsg::Reply { key, value, version, op } => {
                fields([("key", json!(key)), ("value", parse(value)), ("version", json!(version)), ("op", json!(op))])
            }
        }
    }
}

/// A value's JSON text back as JSON.
pub(crate) fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// Timers (App only).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QuorumTimer {
    /// `T_req` of a write (reads have no timeout).
    Request(u64),
    /// Zero-length: every response of this instant has been delivered; decide the reads that are ready.
    Collect,
}

impl TimerName for QuorumTimer {
    fn name(&self) -> String {
        match self {
            QuorumTimer::Request(op) => format!("T_req:{}", op & SEQ_MASK),
            QuorumTimer::Collect => "collect".into(),
        }
    }
}

/// Stable records.
#[derive(Clone, Debug, Hash)]
pub enum QuorumRecord {
    /// App: a version number is taken for a key (never reused after a restart).
    Issued {
        /// Key.
        key: String,
        /// Version.
        version: u64,
    },
    /// App: restarted (operation numbers of earlier lives are not reused).
    Boot,
    /// Replica: a version stored.
    Stored {
        /// Key.
        key: String,
        /// Value (JSON text).
        value: String,
        /// Version.
        version: u64,
    },
}

impl Record for QuorumRecord {
    fn name(&self) -> &'static str {
        match self {
            QuorumRecord::Issued { .. } => "ISSUED",
            QuorumRecord::Boot => "BOOT",
            QuorumRecord::Stored { .. } => "STORED",
        }
    }
    fn describe(&self, _ids: &[String]) -> String {
        match self {
            QuorumRecord::Issued { key, version } => format!("ISSUED {key} v{version}"),
            QuorumRecord::Boot => "BOOT".into(),
            QuorumRecord::Stored { key, value, version } => format!("STORED {key}={value} v{version}"),
        }
    }
}

/// A stored value with its version.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Versioned {
    /// Value (JSON text).
    pub value: String,
    /// Version.
    pub version: u64,
}

/// Stable state (App: version counters and restarts; replica: its store).
#[derive(Clone, Debug, Default)]
pub struct QuorumDurable {
    /// App: last version issued per key.
    pub versions: VecMap<String, u64>,
    /// App: restarts so far.
    pub epoch: u64,
    /// Replica: key → stored value.
    pub store: VecMap<String, Versioned>,
    /// Replica: writes stored.
    pub stored: u64,
}

impl QuorumDurable {
    /// What a replica holds for `key` (the initial value at version 0 when it never stored one).
    pub fn get(&self, key: &str, p: &QuorumParams) -> Versioned {
        self.store.get(key).cloned().unwrap_or_else(|| Versioned { value: p.initial.clone(), version: 0 })
    }
}

/// Observations.
#[derive(Clone, Debug, Hash)]
pub enum QuorumObs {
    /// App started a write.
    WriteStarted {
        /// Operation.
        op: u64,
        /// Client.
        client: String,
        /// Key.
        key: String,
        /// Version chosen.
        version: u64,
    },
    /// App reported a write's outcome to its client.
    WriteDone {
        /// Operation.
        op: u64,
        /// Client.
        client: String,
        /// Key.
        key: String,
        /// Value (JSON text).
        value: String,
        /// Version.
        version: u64,
        /// W ACKs arrived (else `T_req` expired).
        ok: bool,
    },
    /// App started a read.
    ReadStarted {
        /// Operation.
        op: u64,
        /// Client.
        client: String,
        /// Key.
        key: String,
    },
    /// App returned a read to its client.
    ReadDone {
        /// Operation.
        op: u64,
        /// Client.
        client: String,
        /// Key.
        key: String,
        /// The value and version returned.
        result: Versioned,
        /// The replicas whose responses were used.
        from: Vec<NodeId>,
    },
    /// App wrote a newer value back to a stale replica.
    Repair {
        /// Replica.
        to: NodeId,
        /// Its id.
        name: String,
        /// Key.
        key: String,
        /// Version written back.
        version: u64,
    },
    /// A replica stored a newer version.
    Stored {
        /// Key.
        key: String,
        /// Version.
        version: u64,
    },
}

impl Observation for QuorumObs {
    fn timeline(&self) -> Option<(&'static str, Map<String, Value>)> {
        let mut m = Map::new();
        match self {
            QuorumObs::WriteDone { client, key, version, ok, .. } => {
                m.insert("client".into(), json!(client));
                m.insert("key".into(), json!(key));
                m.insert("version".into(), json!(version));
                m.insert("ok".into(), json!(ok));
                Some(("write", m))
            }
            QuorumObs::ReadDone { client, key, result, .. } => {
                m.insert("client".into(), json!(client));
                m.insert("key".into(), json!(key));
                m.insert("value".into(), parse(&result.value));
                m.insert("version".into(), json!(result.version));
                Some(("read", m))
            }
            _ => None,
        }
    }
    fn describe(&self) -> String {
        match self {
            QuorumObs::WriteStarted { client, key, version, .. } => format!("{client} writes {key} as v{version}"),
            QuorumObs::WriteDone { client, key, version, ok, .. } => {
                format!("{key} v{version} {} to {client}", if *ok { "acknowledged" } else { "failed (T_req)" })
            }
            QuorumObs::ReadStarted { client, key, .. } => format!("{client} reads {key}"),
            QuorumObs::ReadDone { client, key, result: r, .. } => {
                format!("{client} reads {key} = {} (v{})", r.value, r.version)
            }
            QuorumObs::Repair { name, key, version, .. } => format!("read repair: {key} v{version} to {name}"),
            QuorumObs::Stored { key, version } => format!("stores {key} v{version}"),
        }
    }
}

/// A scripted quorum action, addressed to `App`.
#[derive(Clone, Debug)]
pub enum QuorumAction {
    /// A client writes a key.
    Write {
        /// Client.
        client: String,
        /// Key.
        key: String,
        /// Value (JSON text).
        value: String,
    },
    /// A client reads a key.
    Read {
        /// Client.
        client: String,
        /// Key.
        key: String,
    },
}

const SEQ_BITS: u32 = 40;
const SEQ_MASK: u64 = (1 << SEQ_BITS) - 1;

#[derive(Clone, Debug)]
struct PendingWrite {
    client: String,
    key: String,
    value: String,
    version: u64,
    acks: VecSet<NodeId>,
}

#[derive(Clone, Debug)]
struct Response {
    replica: NodeId,
    /// Instant of arrival (counts `Collect` firings).
    instant: u64,
    got: Versioned,
}

#[derive(Clone, Debug)]
struct PendingRead {
    client: String,
    key: String,
    responses: Vec<Response>,
    /// Set once the read has returned (it stays open for read repair of late responders).
    returned: Option<Versioned>,
}

/// The application server's volatile state.
#[derive(Clone, Debug, Default)]
pub struct AppState {
    versions: VecMap<String, u64>,
    epoch: u64,
    next_seq: u64,
    writes: VecMap<u64, PendingWrite>,
    reads: VecMap<u64, PendingRead>,
    instant: u64,
    collect_armed: bool,
    recent: VecDeque<String>,
}

/// A quorum node: the application server or a replica.
#[derive(Clone, Debug)]
pub enum Quorum {
    /// The application server.
    App(AppState),
    /// A replica (its state is all stable).
    Replica {
        /// Key → value (mirror of stable storage).
        store: VecMap<String, Versioned>,
        /// Requests served since boot.
        served: u64,
    },
}

fn push_recent(q: &mut VecDeque<String>, s: String) {
    if q.len() == RECENT {
        q.pop_front();
    }
    q.push_back(s);
}

impl AppState {
    fn new_op(&mut self) -> u64 {
        self.next_seq += 1;
        (self.epoch << SEQ_BITS) | (self.next_seq & SEQ_MASK)
    }

    fn write(&mut self, cx: &mut Ctx<'_, Quorum>, p: &QuorumParams, client: String, key: String, value: String) {
        let version = self.versions.get(&key).copied().unwrap_or(0) + 1;
        // The version is durable before any replica can see it: a restarted App never issues it again.
        cx.persist(QuorumRecord::Issued { key: key.clone(), version });
        self.versions.insert(key.clone(), version);
        let op = self.new_op();
        cx.observe(QuorumObs::WriteStarted { op, client: client.clone(), key: key.clone(), version });
        let replicas: Vec<NodeId> = cx.peers().collect();
        for r in replicas {
            cx.send(r, QuorumMsg::Write { key: key.clone(), value: value.clone(), version, op, repair: false });
        }
        if p.w == 0 {
            push_recent(&mut self.recent, format!("{client}: {key} v{version} queued"));
            cx.observe(QuorumObs::WriteDone { op, client, key, value, version, ok: true });
            return;
        }
        self.writes.insert(op, PendingWrite { client, key, value, version, acks: VecSet::new() });
        if let Some(t) = p.t_req {
            cx.set_timer(QuorumTimer::Request(op), t);
        }
    }

    fn read(&mut self, cx: &mut Ctx<'_, Quorum>, p: &QuorumParams, client: String, key: String) {
        let op = self.new_op();
        cx.observe(QuorumObs::ReadStarted { op, client: client.clone(), key: key.clone() });
        for &r in &p.read_targets {
            cx.send(r, QuorumMsg::Read { key: key.clone(), op });
        }
        self.reads.insert(op, PendingRead { client, key, responses: Vec::new(), returned: None });
    }

    fn ack(&mut self, cx: &mut Ctx<'_, Quorum>, p: &QuorumParams, from: NodeId, op: u64) {
        let Some(w) = self.writes.get_mut(&op) else { return };
        w.acks.insert(from); // a set: a duplicated ACK does not count twice
        if w.acks.len() >= p.w {
            let w = self.writes.remove(&op).expect("present");
            cx.cancel_timer(QuorumTimer::Request(op));
            push_recent(&mut self.recent, format!("{}: {} v{} acknowledged", w.client, w.key, w.version));
            cx.observe(QuorumObs::WriteDone {
                op,
                client: w.client,
                key: w.key,
                value: w.value,
                version: w.version,
                ok: true,
            });
        }
    }

    fn reply(&mut self, cx: &mut Ctx<'_, Quorum>, p: &QuorumParams, from: NodeId, op: u64, got: Versioned) {
        let Some(r) = self.reads.get_mut(&op) else { return };
        if r.responses.iter().any(|x| x.replica == from) || !p.read_targets.contains(&from) {
            return; // a duplicate (or a replica that was not asked): counted once
        }
        r.responses.push(Response { replica: from, instant: self.instant, got: got.clone() });
        if let Some(ret) = r.returned.clone() {
            // A late responder (a returned read is kept only for read repair): repair it if it is behind.
            if got.version < ret.version {
                let key = r.key.clone();
                repair(cx, from, &key, &ret);
            }
            if r.responses.len() == p.read_targets.len() {
                self.reads.remove(&op);
            }
            return;
        }
        if !self.collect_armed {
            self.collect_armed = true;
            cx.set_timer(QuorumTimer::Collect, 0);
        }
    }

    /// Every response of this instant has arrived: return the reads that have R of them.
    fn collect(&mut self, cx: &mut Ctx<'_, Quorum>, p: &QuorumParams) {
        self.collect_armed = false;
        let pos = |n: NodeId| p.read_targets.iter().position(|&x| x == n).unwrap_or(usize::MAX);
        let ready: Vec<u64> = self
            .reads
            .iter()
            .filter(|(_, r)| r.returned.is_none() && r.responses.len() >= p.r)
            .map(|(op, _)| *op)
            .collect();
        for op in ready {
            let r = self.reads.get_mut(&op).expect("present");
            let mut order: Vec<&Response> = r.responses.iter().collect();
            crate::sort::sort_by_key(&mut order, |x| (x.instant, pos(x.replica)));
            let chosen = &order[..p.r];
            let mut best = &chosen[0].got;
            for x in chosen {
                if x.got.version > best.version {
                    best = &x.got;
                }
            }
            let best = best.clone();
            let from: Vec<NodeId> = chosen.iter().map(|x| x.replica).collect();
            let stale: Vec<NodeId> =
                r.responses.iter().filter(|x| x.got.version < best.version).map(|x| x.replica).collect();
            r.returned = Some(best.clone());
            let (client, key) = (r.client.clone(), r.key.clone());
            let done = r.responses.len() == p.read_targets.len();
            push_recent(&mut self.recent, format!("{client}: {key} = {} v{}", best.value, best.version));
            cx.observe(QuorumObs::ReadDone { op, client, key: key.clone(), result: best.clone(), from });
            if p.read_repair {
                for to in stale {
                    repair(cx, to, &key, &best);
                }
            }
            // A returned read is kept only to repair replicas that answer later.
            if done || !p.read_repair {
                self.reads.remove(&op);
            }
        }
        self.instant += 1;
    }

    fn timeout(&mut self, cx: &mut Ctx<'_, Quorum>, op: u64) {
        if let Some(w) = self.writes.remove(&op) {
            push_recent(&mut self.recent, format!("{}: {} v{} failed", w.client, w.key, w.version));
            cx.observe(QuorumObs::WriteDone {
                op,
                client: w.client,
                key: w.key,
                value: w.value,
                version: w.version,
                ok: false,
            });
        }
    }
}

fn repair(cx: &mut Ctx<'_, Quorum>, to: NodeId, key: &str, v: &Versioned) {
    let name = cx.cluster().ids[to].clone();
    cx.observe(QuorumObs::Repair { to, name, key: key.to_string(), version: v.version });
    cx.send(
        to,
        QuorumMsg::Write { key: key.to_string(), value: v.value.clone(), version: v.version, op: 0, repair: true },
    );
}

impl Protocol for Quorum {
    const NAME: &'static str = "quorum";
    const MESSAGE_TYPES: &'static [&'static str] = &["WRITE", "ACK", "READ", "REPLY"];
    const RECORDS: &'static [&'static str] = &["ISSUED", "BOOT", "STORED"];
    type Params = QuorumParams;
    type Msg = QuorumMsg;
    type Timer = QuorumTimer;
    type Record = QuorumRecord;
    type Durable = QuorumDurable;
    type Action = QuorumAction;
    type Obs = QuorumObs;
    type Checker = QuorumChecker;

    fn params(r: &mut ParamReader<'_>, c: &Cluster) -> Result<QuorumParams, ScenarioError> {
        let n = c.len().saturating_sub(1);
        let majority = n / 2 + 1;
        let w = r.u64("W", majority.min(n) as u64, n as u64)? as usize;
        let read_targets = match r.raw("readTargets") {
            None => c.ascending.iter().copied().filter(|&i| i != APP).collect(),
            Some(v) => {
                let path = r.path("readTargets");
                let list = as_nodes(v, &path, c)?;
                for (i, &t) in list.iter().enumerate() {
                    if t == APP {
                        return Err(err(
                            &index(&path, i),
                            format!("{:?} is the application server, not a replica", c.ids[t]),
                        ));
                    }
                    if list[..i].contains(&t) {
                        return Err(err(&index(&path, i), format!("{:?} is listed twice", c.ids[t])));
                    }
                }
                list
            }
        };
        let r_default = majority.min(read_targets.len()).max(1) as u64;
        let rq = r.u64("R", r_default, read_targets.len() as u64)? as usize;
        if rq == 0 {
            return Err(err(&r.path("R"), "a read needs at least one response"));
        }
        let t_req = r.duration("T_req", Some(1000))?;
        if t_req == Some(0) {
            return Err(err(&r.path("T_req"), "must be at least 1 ms (null means wait forever)"));
        }
        let read_repair = r.bool("readRepair", false)?;
        let initial = match r.raw("initialValue") {
            None => "\"available\"".to_string(),
            Some(v) => {
                let text = v.to_string();
                if text.len() > 1000 {
                    return Err(err(&r.path("initialValue"), "at most 1000 bytes of JSON"));
                }
                text
            }
        };
        Ok(QuorumParams { w, r: rq, read_targets, t_req, read_repair, initial, ids: c.ids.clone() })
    }

    fn validate(s: &Scenario, _p: &QuorumParams) -> Result<(), ScenarioError> {
        if s.nodes.len() < 2 {
            return Err(err("nodes", "quorum needs [App, replica...]: at least 2 nodes"));
        }
        Ok(())
    }

    fn action(a: &Action, _p: &Self::Params) -> Option<QuorumAction> {
        match a {
            Action::QuorumWrite { client, key, value } => {
                Some(QuorumAction::Write { client: client.clone(), key: key.clone(), value: value.to_string() })
            }
            Action::QuorumRead { client, key } => Some(QuorumAction::Read { client: client.clone(), key: key.clone() }),
            _ => None,
        }
    }

    fn random_action(rng: &mut Rng, _s: &Scenario, t: Time) -> Option<Action> {
        let client = format!("u{}", rng.range(1, 4));
        let key = if rng.chance(0.7) { "r1" } else { "r2" }.to_string();
        Some(if rng.chance(0.5) {
            Action::QuorumWrite { value: json!(format!("booked:{client}@{t}")), client, key }
        } else {
            Action::QuorumRead { client, key }
        })
    }

    fn action_node(_a: &QuorumAction, _p: &QuorumParams) -> NodeId {
        APP
    }

    fn empty_durable(_p: &Self::Params) -> Self::Durable {
        Default::default()
    }

    fn apply(d: &mut QuorumDurable, r: &QuorumRecord) {
        match r {
            QuorumRecord::Issued { key, version } => {
                d.versions.insert(key.clone(), *version);
            }
            QuorumRecord::Boot => d.epoch += 1,
            QuorumRecord::Stored { key, value, version } => {
                d.store.insert(key.clone(), Versioned { value: value.clone(), version: *version });
                d.stored += 1;
            }
        }
    }

    fn boot(cx: &mut Ctx<'_, Self>, _p: &QuorumParams, d: &QuorumDurable, recovering: bool) -> Quorum {
        if cx.me() != APP {
            return Quorum::Replica { store: d.store.clone(), served: 0 };
        }
        let mut epoch = d.epoch;
        if recovering {
            // Replies to operations of the previous life may still arrive: number this life's operations apart.
            cx.persist(QuorumRecord::Boot);
            epoch += 1;
        }
        Quorum::App(AppState { versions: d.versions.clone(), epoch, ..Default::default() })
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, p: &QuorumParams, from: NodeId, m: QuorumMsg) {
        match (self, m) {
            (Quorum::App(a), QuorumMsg::Ack { op, .. }) => a.ack(cx, p, from, op),
            (Quorum::App(a), QuorumMsg::Reply { op, value, version, .. }) => {
                a.reply(cx, p, from, op, Versioned { value, version })
            }
            (Quorum::Replica { store, served }, QuorumMsg::Write { key, value, version, op, .. }) if from == APP => {
                *served += 1;
                let held = store.get(&key).map_or(0, |v| v.version);
                if version > held {
                    // Persist before acknowledging: an acknowledged write survives a crash of this replica.
                    cx.persist(QuorumRecord::Stored { key: key.clone(), value: value.clone(), version });
                    store.insert(key.clone(), Versioned { value, version });
                    cx.observe(QuorumObs::Stored { key: key.clone(), version });
                }
                // Always ACK: a write older than what the replica holds is superseded, not lost.
                cx.send(APP, QuorumMsg::Ack { key, version, op });
            }
            (Quorum::Replica { store, served }, QuorumMsg::Read { key, op }) if from == APP => {
                *served += 1;
                let v = store.get(&key).cloned().unwrap_or_else(|| Versioned { value: p.initial.clone(), version: 0 });
                cx.send(APP, QuorumMsg::Reply { key, value: v.value, version: v.version, op });
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, p: &QuorumParams, t: QuorumTimer) {
        let Quorum::App(a) = self else { return };
        match t {
            QuorumTimer::Request(op) => a.timeout(cx, op),
            QuorumTimer::Collect => a.collect(cx, p),
        }
    }

    fn on_action(&mut self, cx: &mut Ctx<'_, Self>, p: &QuorumParams, act: QuorumAction) {
        let Quorum::App(a) = self else { return };
        match act {
            QuorumAction::Write { client, key, value } => a.write(cx, p, client, key, value),
            QuorumAction::Read { client, key } => a.read(cx, p, client, key),
        }
    }

    fn view(&self, p: &QuorumParams, d: &QuorumDurable) -> ProtoView {
        match self {
            Quorum::App(a) => {
                let versions: Vec<String> = a.versions.iter().map(|(k, v)| format!("{k}:v{v}")).collect();
                let sum = p.r + p.w;
                ProtoView {
                    role: "app server".into(),
                    class: if a.writes.is_empty() && a.reads.iter().all(|(_, r)| r.returned.is_some()) {
                        "idle"
                    } else {
                        "waiting"
                    },
                    fields: vec![
                        Field::volatile(
                            "quorums",
                            format!(
                                "W={} R={} N={} ({})",
                                p.w,
                                p.r,
                                p.n(),
                                if sum > p.n() { "R+W>N" } else { "R+W≤N" }
                            ),
                        ),
                        Field::volatile("writes pending", a.writes.len()),
                        Field::volatile("reads pending", a.reads.values().filter(|r| r.returned.is_none()).count()),
                        Field::durable("versions", if versions.is_empty() { "-".into() } else { versions.join(" ") }),
                    ],
                    log: a.recent.iter().map(|s| LogLine { text: s.clone(), committed: true, term: 0 }).collect(),
                    blocked_since: None,
                }
            }
            Quorum::Replica { served, .. } => {
                let mut v = Self::view_down(p, d);
                v.role = "replica".into();
                v.class = "idle";
                v.fields.push(Field::volatile("requests served", served));
                v
            }
        }
    }

    fn view_down(_p: &QuorumParams, d: &QuorumDurable) -> ProtoView {
        let mut fields = vec![Field::durable("writes stored", d.stored)];
        if !d.versions.is_empty() {
            let versions: Vec<String> = d.versions.iter().map(|(k, v)| format!("{k}:v{v}")).collect();
            fields.push(Field::durable("versions", versions.join(" ")));
        }
        ProtoView {
            role: "down".into(),
            class: "down",
            fields,
            log: d
                .store
                .iter()
                .take(RECENT)
                .map(|(k, v)| LogLine {
                    text: format!("{k} = {} (v{})", v.value, v.version),
                    committed: true,
                    term: v.version,
                })
                .collect(),
            blocked_since: None,
        }
    }

    fn report_node(w: &World<'_, Self>, i: NodeId, c: &QuorumChecker) -> Map<String, Value> {
        let p = w.params();
        let d = w.durable(i);
        let mut m = Map::new();
        if i == APP {
            m.insert("role".into(), json!("app"));
            m.insert("versions".into(), json!(d.versions));
            return m;
        }
        let held = d.get(c.primary_key(), p);
        m.insert("value".into(), parse(&held.value));
        m.insert("version".into(), json!(held.version));
        let keys: Map<String, Value> =
            d.store.iter().map(|(k, v)| (k.clone(), json!({"value": parse(&v.value), "version": v.version}))).collect();
        m.insert("keys".into(), Value::Object(keys));
        m
    }

    fn report_app(w: &World<'_, Self>, c: &QuorumChecker) -> Map<String, Value> {
        c.report(w)
    }
}

#[cfg(test)]
mod tests;

//! Scenarios, version 1 (scenario-format.md): parsing with path-named errors, validation, and serialisation.
//!
//! A scenario fully determines a run. Parsing checks everything that can be checked without running it: the
//! document size and the limits on nodes and schedule entries, every field's type and range, every node id, every
//! action and fault rule against the protocol, and the protocol's own parameters. Unknown fields are errors.

mod expect;
mod params;
pub(crate) mod read;

pub use expect::{match_expect, Mismatch};
pub use params::{ParamReader, MAX_DURATION};

use crate::protocol::{Cluster, NodeId};
use crate::time::Time;
use crate::vecmap::VecMap;
use read::{as_list, as_node, as_nodes, as_prob, as_str, as_strs, as_u64, err, index, join, kind_of, Obj};
use serde_json::{json, Map, Value};
use std::fmt;

/// Largest scenario document accepted (1 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 1 << 20;
/// Most schedule entries a scenario may have.
pub const MAX_SCHEDULE: usize = 10_000;
/// Most fault rules a scenario may have.
pub const MAX_FAULTS: usize = 1_000;
/// Latest time anything may be scheduled at, and longest run (one day of simulated time).
pub const MAX_TIME: Time = 86_400_000;
/// Largest clock offset or jump (ms), either sign.
pub const MAX_OFFSET: i64 = 86_400_000;
/// Largest clock drift (ppm), either sign: ±50 %.
pub const MAX_DRIFT: i64 = 500_000;
/// Longest command, payload, transaction id or event name.
pub const MAX_TEXT: usize = 200;
/// Longest title (characters).
pub const MAX_TITLE: usize = 1_000;
/// Longest description (characters).
pub const MAX_DESCRIPTION: usize = 50_000;

/// A scenario that failed to parse or validate: the JSON path and what is wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// JSON path (`schedule[3].partition`), empty for the whole document.
    pub path: String,
    /// What is wrong.
    pub msg: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.msg)
        } else {
            write!(f, "{}: {}", self.path, self.msg)
        }
    }
}

impl std::error::Error for ScenarioError {}

/// The protocols a scenario may name.
pub const PROTOCOLS: &[&str] =
    &["raft", "2pc", "3pc", "lamport", "lamport-mutex", "lww", "quorum", "fencing", "link", "generals"];

/// Changes to the network parameters (`setNetwork`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct NetChange {
    /// New base latency.
    pub latency: Option<u64>,
    /// New jitter.
    pub jitter: Option<u64>,
    /// New loss probability.
    pub loss: Option<f64>,
    /// New duplication probability.
    pub duplicate: Option<f64>,
}

/// A scripted action (a class-0 event).
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Split the network into groups; unlisted nodes are isolated.
    Partition(Vec<Vec<NodeId>>),
    /// All links up.
    Heal,
    /// Cut one direction of one link.
    Cut {
        /// Sender side.
        src: NodeId,
        /// Receiver side.
        dst: NodeId,
    },
    /// Restore one direction of one link.
    Restore {
        /// Sender side.
        src: NodeId,
        /// Receiver side.
        dst: NodeId,
    },
    /// Crash a node.
    Crash(NodeId),
    /// Recover a node.
    Recover(NodeId),
    /// Pause a node until a true time.
    Pause {
        /// Node.
        node: NodeId,
        /// Resume time.
        until: Time,
    },
    /// Step a node's physical clock.
    ClockJump {
        /// Node.
        node: NodeId,
        /// Step (ms).
        delta: i64,
    },
    /// Set a node's skew and drift from now on.
    SetClock {
        /// Node.
        node: NodeId,
        /// Skew (ms).
        offset: i64,
        /// Drift (ppm).
        drift: i64,
    },
    /// Change network parameters from now on.
    SetNetwork(NetChange),
    /// Drop the in-flight message with this trace id.
    DropMessage(u64),
    /// Raft: a client command at a node.
    Client {
        /// Node.
        node: NodeId,
        /// Command.
        cmd: String,
    },
    /// Raft: the node's election timer expires now.
    Timeout(NodeId),
    /// 2PC/3PC: start a transaction at the coordinator.
    Submit {
        /// The coordinator.
        node: NodeId,
        /// Transaction id.
        txid: String,
        /// Operation per participant.
        ops: Option<VecMap<NodeId, String>>,
    },
    /// Lamport: a local event.
    Local {
        /// Node.
        node: NodeId,
        /// Event name.
        name: String,
    },
    /// Lamport: a send event (and, on arrival, a receive event).
    LamportSend {
        /// Sender.
        node: NodeId,
        /// Receiver.
        to: NodeId,
        /// Name of the send event.
        name: Option<String>,
        /// Name of the message.
        msg: Option<String>,
        /// Name of the receive event.
        recv: Option<String>,
    },
    /// Link: hand a payload to the sender's stubborn/perfect link.
    LinkSend {
        /// Sender.
        node: NodeId,
        /// Receiver.
        to: NodeId,
        /// Payload.
        payload: String,
    },
    /// Lamport mutex: request the resource.
    Request(NodeId),
    /// Lamport mutex: release it.
    Release(NodeId),
    /// LWW: a client writes through a replica.
    LwwWrite {
        /// Client name.
        client: String,
        /// Replica.
        node: NodeId,
        /// Key.
        key: String,
        /// Value (any JSON).
        value: Value,
    },
    /// LWW: a client reads from a replica.
    LwwRead {
        /// Client name.
        client: String,
        /// Replica.
        node: NodeId,
        /// Key.
        key: String,
    },
    /// Quorum: a client writes through the application server.
    QuorumWrite {
        /// Client name.
        client: String,
        /// Key.
        key: String,
        /// Value (any JSON).
        value: Value,
    },
    /// Quorum: a client reads through the application server.
    QuorumRead {
        /// Client name.
        client: String,
        /// Key.
        key: String,
    },
    /// Fencing: a client asks the lock service for the lock.
    Acquire(NodeId),
    /// Fencing: a client checks its lease, then writes after `delay` ms (a pause can fall in between).
    PrepareWrite {
        /// Client.
        client: NodeId,
        /// Data.
        data: String,
        /// Delay between the check and the write (ms).
        delay: u64,
    },
    /// Fencing: a client writes now with its token.
    FencedWrite {
        /// Client.
        client: NodeId,
        /// Data.
        data: String,
    },
}

/// True for actions handled by a protocol's nodes (as opposed to the kernel's network, clock and crash actions).
pub fn is_protocol_action(a: &Action) -> bool {
    !matches!(
        a,
        Action::Partition(_)
            | Action::Heal
            | Action::Cut { .. }
            | Action::Restore { .. }
            | Action::Crash(_)
            | Action::Recover(_)
            | Action::Pause { .. }
            | Action::ClockJump { .. }
            | Action::SetClock { .. }
            | Action::SetNetwork(_)
            | Action::DropMessage(_)
    )
}

/// A scheduled action.
#[derive(Clone, Debug, PartialEq)]
pub struct Scheduled {
    /// True time.
    pub at: Time,
    /// What.
    pub action: Action,
}

/// Which messages a rule applies to.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct MsgMatch {
    /// Senders (any when `None`).
    pub src: Option<Vec<NodeId>>,
    /// Receivers (any when `None`).
    pub dst: Option<Vec<NodeId>>,
    /// Message types (any when `None`).
    pub types: Option<Vec<String>>,
    /// Window start on the send time (inclusive).
    pub from: Time,
    /// Window end on the send time (exclusive); open when `None`.
    pub to: Option<Time>,
    /// How many messages it may affect; unlimited when `None`.
    pub count: Option<u64>,
}

impl MsgMatch {
    /// True when a message `src → dst` of type `kind` sent at `t` matches (count aside).
    pub fn matches(&self, src: NodeId, dst: NodeId, kind: &str, t: Time) -> bool {
        t >= self.from
            && self.to.is_none_or(|to| t < to)
            && self.src.as_ref().is_none_or(|s| s.contains(&src))
            && self.dst.as_ref().is_none_or(|d| d.contains(&dst))
            && self.types.as_ref().is_none_or(|ts| ts.iter().any(|x| x == kind))
    }
}

/// Which effect a crash hook waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookEffect {
    /// A record written to stable storage.
    Persist,
    /// A message sent.
    Send,
}

/// Whether the node crashes just before or just after the matching effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookPhase {
    /// The effect is not applied.
    Before,
    /// The effect is applied, then the node crashes.
    After,
}

/// A `crashOn` hook.
#[derive(Clone, Debug, PartialEq)]
pub struct CrashOn {
    /// The node it watches.
    pub node: NodeId,
    /// Which effect.
    pub effect: HookEffect,
    /// Before or after it.
    pub phase: HookPhase,
    /// Send: message types.
    pub types: Option<Vec<String>>,
    /// Send: destinations.
    pub dst: Option<Vec<NodeId>>,
    /// Persist: record name.
    pub record: Option<String>,
    /// Persist: the command of a log entry.
    pub cmd: Option<String>,
}

/// A fault rule, active from t = 0.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultRule {
    /// Drop matching messages.
    Drop(MsgMatch),
    /// Add `extra` ms of latency to matching messages.
    Delay {
        /// Which messages.
        m: MsgMatch,
        /// Extra latency (ms).
        extra: u64,
    },
    /// Deliver `copies` extra copies `gap` ms apart.
    Duplicate {
        /// Which messages.
        m: MsgMatch,
        /// Extra copies.
        copies: u32,
        /// Gap between copies (ms).
        gap: u64,
    },
    /// Crash a node just before or after an effect.
    CrashOn(CrashOn),
}

/// Per-node clock settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ClockSpec {
    /// Skew (ms).
    pub offset: i64,
    /// Drift (ppm).
    pub drift: i64,
}

/// A parsed, validated scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Identifier.
    pub id: String,
    /// Title shown in the UI.
    pub title: Option<String>,
    /// Description shown in the UI.
    pub description: Option<String>,
    /// Protocol name (one of [`PROTOCOLS`]).
    pub protocol: String,
    /// Node ids in scenario order.
    pub nodes: Vec<String>,
    /// PRNG seed.
    pub seed: u64,
    /// Parameters as written (validated against the protocol).
    pub params: Map<String, Value>,
    /// Clock settings per node.
    pub clocks: VecMap<NodeId, ClockSpec>,
    /// Scripted actions, in listed order.
    pub schedule: Vec<Scheduled>,
    /// Fault rules.
    pub faults: Vec<FaultRule>,
    /// End of the run.
    pub run_until: Time,
    /// Expected outcome, as written (validated in shape).
    pub expect: Option<Value>,
}

fn check_id(s: &str, path: &str) -> Result<(), ScenarioError> {
    if s.is_empty() || s.len() > 40 || !s.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)) {
        return Err(err(path, format!("{s:?} is not 1-40 characters of A-Z, a-z, 0-9, '_', '.', '-'")));
    }
    Ok(())
}

fn check_node_id(s: &str, path: &str) -> Result<(), ScenarioError> {
    if s.is_empty() || s.len() > 8 || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(err(path, format!("{s:?} is not a node id of 1-8 characters A-Z, a-z, 0-9")));
    }
    Ok(())
}

impl Scenario {
    /// Parses and validates a scenario document.
    pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        if text.len() > MAX_DOCUMENT_BYTES {
            return Err(err("", format!("document is {} bytes, larger than the 1 MiB limit", text.len())));
        }
        let v: Value = serde_json::from_str(text).map_err(|e| err("", format!("not valid JSON: {e}")))?;
        Scenario::from_value(&v)
    }

    /// Validates a scenario given as a JSON value.
    pub fn from_value(v: &Value) -> Result<Scenario, ScenarioError> {
        let mut o = Obj::new(v, "")?;
        let format = o.u64("format", u64::MAX)?;
        if format != 1 {
            return Err(err("format", format!("unsupported version {format} (this build reads version 1)")));
        }
        let id = o.str("id", 40)?.to_string();
        check_id(&id, "id")?;
        // Free text for the UI: the format sets no length, so the bounds only keep a hostile file small.
        let title = o.opt_text("title", MAX_TITLE)?.map(str::to_string);
        let description = o.opt_text("description", MAX_DESCRIPTION)?.map(str::to_string);
        let protocol = o.str("protocol", 20)?;
        if !PROTOCOLS.contains(&protocol) {
            return Err(err("protocol", format!("unknown protocol {protocol:?} (one of {})", PROTOCOLS.join(", "))));
        }
        let protocol = protocol.to_string();
        let nodes_v = as_list(o.req("nodes")?, "nodes", crate::time::MAX_NODES)?;
        if nodes_v.is_empty() {
            return Err(err("nodes", "needs at least one node"));
        }
        let mut nodes = Vec::new();
        for (i, n) in nodes_v.iter().enumerate() {
            let p = index("nodes", i);
            let s = as_str(n, &p, 8)?;
            check_node_id(s, &p)?;
            if nodes.iter().any(|x| x == s) {
                return Err(err(&p, format!("duplicate node id {s:?}")));
            }
            nodes.push(s.to_string());
        }
        let cluster = Cluster::new(nodes.clone());
        let seed = o.opt_u64("seed", u64::MAX)?.unwrap_or(0);
        let params = match o.opt("params") {
            None => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(other) => return Err(err("params", format!("expected an object, got {}", kind_of(other)))),
        };
        let mut clocks = VecMap::new();
        if let Some(cv) = o.opt("clocks") {
            let co = Obj::new(cv, "clocks")?;
            for key in co.keys() {
                let p = join("clocks", key);
                let node = as_node(&Value::String(key.clone()), &p, &cluster)?;
                let mut c = Obj::new(&co.map[key], &p)?;
                let offset = c.opt_i64("offset", MAX_OFFSET)?.unwrap_or(0);
                let drift = c.opt_i64("drift", MAX_DRIFT)?.unwrap_or(0);
                c.finish()?;
                clocks.insert(node, ClockSpec { offset, drift });
            }
        }
        let run_until = o.u64("runUntil", MAX_TIME)?;
        let mut schedule = Vec::new();
        if let Some(sv) = o.opt("schedule") {
            for (i, e) in as_list(sv, "schedule", MAX_SCHEDULE)?.iter().enumerate() {
                schedule.push(parse_scheduled(e, &index("schedule", i), &protocol, &cluster)?);
            }
        }
        let mut faults = Vec::new();
        if let Some(fv) = o.opt("faults") {
            for (i, f) in as_list(fv, "faults", MAX_FAULTS)?.iter().enumerate() {
                faults.push(parse_fault(f, &index("faults", i), &cluster)?);
            }
        }
        let expect = o.opt("expect").cloned();
        if let Some(e) = &expect {
            expect::validate(e, &cluster)?;
        }
        o.finish()?;
        let s = Scenario {
            id,
            title,
            description,
            protocol,
            nodes,
            seed,
            params,
            clocks,
            schedule,
            faults,
            run_until,
            expect,
        };
        crate::run::validate(&s)?;
        Ok(s)
    }

    /// The cluster's ids and orderings.
    pub fn cluster(&self) -> Cluster {
        Cluster::new(self.nodes.clone())
    }

    /// Clock settings of node `i` (zero when not given).
    pub fn clock(&self, i: NodeId) -> ClockSpec {
        self.clocks.get(&i).copied().unwrap_or_default()
    }

    /// The scenario as JSON (the format-v1 document), with node ids spelled out.
    pub fn to_json(&self) -> Value {
        let ids = &self.nodes;
        let mut m = Map::new();
        m.insert("format".into(), json!(1));
        m.insert("id".into(), json!(self.id));
        if let Some(t) = &self.title {
            m.insert("title".into(), json!(t));
        }
        if let Some(d) = &self.description {
            m.insert("description".into(), json!(d));
        }
        m.insert("protocol".into(), json!(self.protocol));
        m.insert("nodes".into(), json!(self.nodes));
        m.insert("seed".into(), json!(self.seed));
        m.insert("params".into(), Value::Object(self.params.clone()));
        let clocks = crate::collect::object(
            self.clocks.iter().map(|(n, c)| (ids[*n].clone(), json!({"offset": c.offset, "drift": c.drift}))),
        );
        m.insert("clocks".into(), Value::Object(clocks));
        m.insert("schedule".into(), Value::Array(self.schedule.iter().map(|s| scheduled_json(s, ids)).collect()));
        m.insert("faults".into(), Value::Array(self.faults.iter().map(|f| fault_json(f, ids)).collect()));
        m.insert("runUntil".into(), json!(self.run_until));
        if let Some(e) = &self.expect {
            m.insert("expect".into(), e.clone());
        }
        Value::Object(m)
    }

    /// The schedule in execution order: by time, equal times in listed order.
    pub fn ordered_schedule(&self) -> Vec<Scheduled> {
        let mut s = self.schedule.clone();
        crate::sort::sort_by_key(&mut s, |e| e.at); // stable
        s
    }
}

const MAX_LATENCY: u64 = 60_000;

/// Network parameters (valid for every protocol).
#[derive(Clone, Debug, PartialEq)]
pub struct NetParams {
    /// Base latency (ms).
    pub latency: u64,
    /// Maximum jitter (ms): latency is `latency + uniform[0, jitter]`.
    pub jitter: u64,
    /// Loss probability.
    pub loss: f64,
    /// Duplication probability.
    pub duplicate: f64,
}

impl Default for NetParams {
    fn default() -> Self {
        NetParams { latency: 10, jitter: 0, loss: 0.0, duplicate: 0.0 }
    }
}

impl NetParams {
    /// Reads the network parameters out of `params`, with defaults.
    pub fn read(r: &mut ParamReader<'_>, defaults: NetParams) -> Result<NetParams, ScenarioError> {
        let latency = r.u64("latency", defaults.latency, MAX_LATENCY)?;
        let jitter = r.u64("jitter", defaults.jitter, MAX_LATENCY)?;
        let lp = r.path("loss");
        let loss = r.raw("loss").map(|v| as_prob(v, &lp)).transpose()?.unwrap_or(defaults.loss);
        let dp = r.path("duplicate");
        let duplicate = r.raw("duplicate").map(|v| as_prob(v, &dp)).transpose()?.unwrap_or(defaults.duplicate);
        Ok(NetParams { latency, jitter, loss, duplicate })
    }
}

fn parse_scheduled(v: &Value, path: &str, protocol: &str, c: &Cluster) -> Result<Scheduled, ScenarioError> {
    let mut o = Obj::new(v, path)?;
    let at = o.u64("at", MAX_TIME)?;
    let keys: Vec<&String> = o.keys().filter(|k| k.as_str() != "at").collect();
    let key = match keys.as_slice() {
        [k] => k.as_str(),
        [] => return Err(err(path, "has no action (expected e.g. \"crash\", \"partition\", \"client\")")),
        more => {
            let names: Vec<&str> = more.iter().map(|k| k.as_str()).collect();
            return Err(err(path, format!("has more than one action: {}", names.join(", "))));
        }
    };
    let arg = o.req(key)?;
    let p = join(path, key);
    let action = parse_action(key, arg, &p, protocol, c)?;
    o.finish()?;
    Ok(Scheduled { at, action })
}

fn not_for(action: &str, protocol: &str, path: &str) -> ScenarioError {
    err(path, format!("action {action:?} does not apply to protocol {protocol}"))
}

/// Parses one action (`key` with argument `arg`) for `protocol`.
pub fn parse_action(key: &str, arg: &Value, path: &str, protocol: &str, c: &Cluster) -> Result<Action, ScenarioError> {
    let node = |v: &Value| as_node(v, path, c);
    let text = |o: &mut Obj<'_>, k: &str| o.str(k, MAX_TEXT).map(str::to_string);
    let pr = protocol;
    let a = match key {
        "partition" => {
            let groups = as_list(arg, path, crate::time::MAX_NODES)?;
            let mut seen = vec![false; c.len()];
            let mut out = Vec::new();
            for (i, g) in groups.iter().enumerate() {
                let gp = index(path, i);
                let members = as_list(g, &gp, crate::time::MAX_NODES)?;
                let mut grp = Vec::new();
                for (j, x) in members.iter().enumerate() {
                    let n = as_node(x, &index(&gp, j), c)?;
                    if seen[n] {
                        return Err(err(&index(&gp, j), format!("node {:?} is in more than one group", c.ids[n])));
                    }
                    seen[n] = true;
                    grp.push(n);
                }
                out.push(grp);
            }
            Action::Partition(out)
        }
        "heal" => {
            Obj::new(arg, path)?.finish()?;
            Action::Heal
        }
        "cut" | "restore" => {
            let mut o = Obj::new(arg, path)?;
            let src = o.node("src", c)?;
            let dst = o.node("dst", c)?;
            o.finish()?;
            if src == dst {
                return Err(err(path, "src and dst must differ"));
            }
            if key == "cut" {
                Action::Cut { src, dst }
            } else {
                Action::Restore { src, dst }
            }
        }
        "crash" => Action::Crash(node(arg)?),
        "recover" => Action::Recover(node(arg)?),
        "pause" => {
            let mut o = Obj::new(arg, path)?;
            let node = o.node("node", c)?;
            let until = o.u64("until", MAX_TIME)?;
            o.finish()?;
            Action::Pause { node, until }
        }
        "clockJump" => {
            let mut o = Obj::new(arg, path)?;
            let node = o.node("node", c)?;
            let delta = o.i64("delta", MAX_OFFSET)?;
            o.finish()?;
            Action::ClockJump { node, delta }
        }
        "setClock" => {
            let mut o = Obj::new(arg, path)?;
            let node = o.node("node", c)?;
            let offset = o.i64("offset", MAX_OFFSET)?;
            let drift = o.i64("drift", MAX_DRIFT)?;
            o.finish()?;
            Action::SetClock { node, offset, drift }
        }
        "setNetwork" => {
            let mut o = Obj::new(arg, path)?;
            let latency = o.opt_u64("latency", MAX_LATENCY)?;
            let jitter = o.opt_u64("jitter", MAX_LATENCY)?;
            let loss = o.opt_prob("loss")?;
            let duplicate = o.opt_prob("duplicate")?;
            o.finish()?;
            Action::SetNetwork(NetChange { latency, jitter, loss, duplicate })
        }
        "dropMessage" => {
            let mut o = Obj::new(arg, path)?;
            let id = o.u64("id", u64::MAX)?;
            o.finish()?;
            Action::DropMessage(id)
        }
        "client" if pr == "raft" => {
            let mut o = Obj::new(arg, path)?;
            let node = o.node("node", c)?;
            let cmd = text(&mut o, "cmd")?;
            o.finish()?;
            Action::Client { node, cmd }
        }
        "timeout" if pr == "raft" => Action::Timeout(node(arg)?),
        "submit" if pr == "2pc" || pr == "3pc" => {
            let mut o = Obj::new(arg, path)?;
            let node = o.node("node", c)?;
            let txid = text(&mut o, "txid")?;
            let ops = match o.opt("ops") {
                None => None,
                Some(ov) => {
                    let op = join(path, "ops");
                    let oo = Obj::new(ov, &op)?;
                    let mut m = VecMap::new();
                    for k in oo.keys() {
                        let kp = join(&op, k);
                        let n = as_node(&Value::String(k.clone()), &kp, c)?;
                        m.insert(n, as_str(&oo.map[k], &kp, MAX_TEXT)?.to_string());
                    }
                    Some(m)
                }
            };
            o.finish()?;
            Action::Submit { node, txid, ops }
        }
        "local" if pr == "lamport" => {
            let mut o = Obj::new(arg, path)?;
            let node = o.node("node", c)?;
            let name = text(&mut o, "name")?;
            o.finish()?;
            Action::Local { node, name }
        }
        "send" if pr == "lamport" => {
            let mut o = Obj::new(arg, path)?;
            let node = o.node("node", c)?;
            let to = o.node("to", c)?;
            let name = o.opt_str("name", MAX_TEXT)?.map(str::to_string);
            let msg = o.opt_str("msg", MAX_TEXT)?.map(str::to_string);
            let recv = o.opt_str("recv", MAX_TEXT)?.map(str::to_string);
            o.finish()?;
            if node == to {
                return Err(err(&join(path, "to"), "a process cannot send to itself"));
            }
            Action::LamportSend { node, to, name, msg, recv }
        }
        "send" if pr == "link" => {
            let mut o = Obj::new(arg, path)?;
            let node = o.node("node", c)?;
            let to = o.node("to", c)?;
            let payload = text(&mut o, "payload")?;
            o.finish()?;
            if node == to {
                return Err(err(&join(path, "to"), "a node cannot send to itself"));
            }
            Action::LinkSend { node, to, payload }
        }
        "request" if pr == "lamport-mutex" => Action::Request(node(arg)?),
        "release" if pr == "lamport-mutex" => Action::Release(node(arg)?),
        "write" if pr == "lww" => {
            let mut o = Obj::new(arg, path)?;
            let client = text(&mut o, "client")?;
            let node = o.node("node", c)?;
            let key = text(&mut o, "key")?;
            let value = json_value(o.req("value")?, &join(path, "value"))?;
            o.finish()?;
            Action::LwwWrite { client, node, key, value }
        }
        "read" if pr == "lww" => {
            let mut o = Obj::new(arg, path)?;
            let client = text(&mut o, "client")?;
            let node = o.node("node", c)?;
            let key = text(&mut o, "key")?;
            o.finish()?;
            Action::LwwRead { client, node, key }
        }
        "write" if pr == "quorum" => {
            let mut o = Obj::new(arg, path)?;
            let client = text(&mut o, "client")?;
            let key = text(&mut o, "key")?;
            let value = json_value(o.req("value")?, &join(path, "value"))?;
            o.finish()?;
            Action::QuorumWrite { client, key, value }
        }
        "read" if pr == "quorum" => {
            let mut o = Obj::new(arg, path)?;
            let client = text(&mut o, "client")?;
            let key = text(&mut o, "key")?;
            o.finish()?;
            Action::QuorumRead { client, key }
        }
        "acquire" if pr == "fencing" => {
            let mut o = Obj::new(arg, path)?;
            let client = o.node("client", c)?;
            o.finish()?;
            Action::Acquire(client)
        }
        "prepareWrite" if pr == "fencing" => {
            let mut o = Obj::new(arg, path)?;
            let client = o.node("client", c)?;
            let data = text(&mut o, "data")?;
            let delay = o.u64("delay", MAX_DURATION)?;
            o.finish()?;
            Action::PrepareWrite { client, data, delay }
        }
        "write" if pr == "fencing" => {
            let mut o = Obj::new(arg, path)?;
            let client = o.node("client", c)?;
            let data = text(&mut o, "data")?;
            o.finish()?;
            Action::FencedWrite { client, data }
        }
        "client" | "timeout" | "submit" | "local" | "send" | "request" | "release" | "write" | "read" | "acquire"
        | "prepareWrite" => return Err(not_for(key, pr, path)),
        other => {
            let p = path.rsplit_once('.').map_or(path, |(a, _)| a);
            return Err(err(p, format!("unknown action {other:?}")));
        }
    };
    Ok(a)
}

/// Values carried by writes: any JSON except huge documents.
fn json_value(v: &Value, path: &str) -> Result<Value, ScenarioError> {
    let size = v.to_string().len();
    if size > 1000 {
        return Err(err(path, format!("value is {size} bytes of JSON, at most 1000 allowed")));
    }
    Ok(v.clone())
}

fn parse_match(o: &mut Obj<'_>, c: &Cluster) -> Result<MsgMatch, ScenarioError> {
    let src = o.opt("src").map(|v| as_nodes(v, &o.path_of("src"), c)).transpose()?;
    let dst = o.opt("dst").map(|v| as_nodes(v, &o.path_of("dst"), c)).transpose()?;
    let types = o.opt("type").map(|v| as_strs(v, &o.path_of("type"), 40)).transpose()?;
    let from = o.opt_u64("from", MAX_TIME)?.unwrap_or(0);
    let to = o.opt_u64("to", MAX_TIME)?;
    if let Some(t) = to {
        if t < from {
            return Err(err(&o.path_of("to"), format!("window ends ({t}) before it starts ({from})")));
        }
    }
    let count = o.opt_u64("count", u64::MAX)?;
    Ok(MsgMatch { src, dst, types, from, to, count })
}

fn parse_fault(v: &Value, path: &str, c: &Cluster) -> Result<FaultRule, ScenarioError> {
    let o = Obj::new(v, path)?;
    let keys: Vec<&String> = o.keys().collect();
    let [key] = keys.as_slice() else {
        return Err(err(path, "must have exactly one rule: drop, delay, duplicate or crashOn"));
    };
    let p = join(path, key);
    let arg = &o.map[key.as_str()];
    let mut a = Obj::new(arg, &p)?;
    let rule = match key.as_str() {
        "drop" => FaultRule::Drop(parse_match(&mut a, c)?),
        "delay" => {
            let m = parse_match(&mut a, c)?;
            let extra = a.u64("extra", MAX_DURATION)?;
            FaultRule::Delay { m, extra }
        }
        "duplicate" => {
            let m = parse_match(&mut a, c)?;
            let copies = a.u64("copies", 100)? as u32;
            let gap = a.u64("gap", MAX_DURATION)?;
            FaultRule::Duplicate { m, copies, gap }
        }
        "crashOn" => {
            let node = a.node("node", c)?;
            let effect = match a.str("effect", 10)? {
                "persist" => HookEffect::Persist,
                "send" => HookEffect::Send,
                other => return Err(err(&a.path_of("effect"), format!("{other:?} is not \"persist\" or \"send\""))),
            };
            let phase = match a.str("phase", 10)? {
                "before" => HookPhase::Before,
                "after" => HookPhase::After,
                other => return Err(err(&a.path_of("phase"), format!("{other:?} is not \"before\" or \"after\""))),
            };
            let mp = a.path_of("match");
            let mut mo = match a.opt("match") {
                Some(mv) => Some(Obj::new(mv, &mp)?),
                None => None,
            };
            let (mut types, mut dst, mut record, mut cmd) = (None, None, None, None);
            if let Some(m) = mo.as_mut() {
                types = m.opt("type").map(|v| as_strs(v, &m.path_of("type"), 40)).transpose()?;
                dst = m.opt("dst").map(|v| as_nodes(v, &m.path_of("dst"), c)).transpose()?;
                record = m.opt_str("record", 40)?.map(str::to_string);
                cmd = m.opt_str("cmd", MAX_TEXT)?.map(str::to_string);
            }
            if let Some(m) = mo {
                m.finish()?;
            }
            match effect {
                HookEffect::Send if record.is_some() || cmd.is_some() => {
                    return Err(err(&mp, "\"record\" and \"cmd\" match persist effects; this hook watches sends"));
                }
                HookEffect::Persist if types.is_some() || dst.is_some() => {
                    return Err(err(&mp, "\"type\" and \"dst\" match send effects; this hook watches persists"));
                }
                _ => {}
            }
            FaultRule::CrashOn(CrashOn { node, effect, phase, types, dst, record, cmd })
        }
        other => return Err(err(&p, format!("unknown fault rule {other:?} (drop, delay, duplicate, crashOn)"))),
    };
    a.finish()?;
    Ok(rule)
}

fn ids_json(ns: &[NodeId], ids: &[String]) -> Value {
    if ns.len() == 1 {
        json!(ids[ns[0]])
    } else {
        json!(ns.iter().map(|n| &ids[*n]).collect::<Vec<_>>())
    }
}

fn strs_json(ts: &[String]) -> Value {
    if ts.len() == 1 {
        json!(ts[0])
    } else {
        json!(ts)
    }
}

fn match_json(m: &MsgMatch, ids: &[String]) -> Map<String, Value> {
    let mut o = Map::new();
    if let Some(s) = &m.src {
        o.insert("src".into(), ids_json(s, ids));
    }
    if let Some(d) = &m.dst {
        o.insert("dst".into(), ids_json(d, ids));
    }
    if let Some(t) = &m.types {
        o.insert("type".into(), strs_json(t));
    }
    if m.from != 0 {
        o.insert("from".into(), json!(m.from));
    }
    if let Some(t) = m.to {
        o.insert("to".into(), json!(t));
    }
    if let Some(c) = m.count {
        o.insert("count".into(), json!(c));
    }
    o
}

/// A fault rule as JSON.
pub fn fault_json(f: &FaultRule, ids: &[String]) -> Value {
    match f {
        FaultRule::Drop(m) => json!({ "drop": match_json(m, ids) }),
        FaultRule::Delay { m, extra } => {
            let mut o = match_json(m, ids);
            o.insert("extra".into(), json!(extra));
            json!({ "delay": o })
        }
        FaultRule::Duplicate { m, copies, gap } => {
            let mut o = match_json(m, ids);
            o.insert("copies".into(), json!(copies));
            o.insert("gap".into(), json!(gap));
            json!({ "duplicate": o })
        }
        FaultRule::CrashOn(h) => {
            let mut mm = Map::new();
            if let Some(t) = &h.types {
                mm.insert("type".into(), strs_json(t));
            }
            if let Some(d) = &h.dst {
                mm.insert("dst".into(), ids_json(d, ids));
            }
            if let Some(r) = &h.record {
                mm.insert("record".into(), json!(r));
            }
            if let Some(c) = &h.cmd {
                mm.insert("cmd".into(), json!(c));
            }
            json!({ "crashOn": {
                "node": ids[h.node],
                "effect": if h.effect == HookEffect::Persist { "persist" } else { "send" },
                "phase": if h.phase == HookPhase::Before { "before" } else { "after" },
                "match": mm,
            }})
        }
    }
}

/// The action's key and argument as written in scenarios.
pub fn action_json(a: &Action, ids: &[String]) -> (&'static str, Value) {
    let id = |n: &NodeId| json!(ids[*n]);
    match a {
        Action::Partition(gs) => {
            ("partition", json!(gs.iter().map(|g| g.iter().map(|n| &ids[*n]).collect::<Vec<_>>()).collect::<Vec<_>>()))
        }
        Action::Heal => ("heal", json!({})),
        Action::Cut { src, dst } => ("cut", json!({"src": ids[*src], "dst": ids[*dst]})),
        Action::Restore { src, dst } => ("restore", json!({"src": ids[*src], "dst": ids[*dst]})),
        Action::Crash(n) => ("crash", id(n)),
        Action::Recover(n) => ("recover", id(n)),
        Action::Pause { node, until } => ("pause", json!({"node": ids[*node], "until": until})),
        Action::ClockJump { node, delta } => ("clockJump", json!({"node": ids[*node], "delta": delta})),
        Action::SetClock { node, offset, drift } => {
            ("setClock", json!({"node": ids[*node], "offset": offset, "drift": drift}))
        }
        Action::SetNetwork(c) => {
            let mut o = Map::new();
            if let Some(v) = c.latency {
                o.insert("latency".into(), json!(v));
            }
            if let Some(v) = c.jitter {
                o.insert("jitter".into(), json!(v));
            }
            if let Some(v) = c.loss {
                o.insert("loss".into(), json!(v));
            }
            if let Some(v) = c.duplicate {
                o.insert("duplicate".into(), json!(v));
            }
            ("setNetwork", Value::Object(o))
        }
        Action::DropMessage(i) => ("dropMessage", json!({ "id": i })),
        Action::Client { node, cmd } => ("client", json!({"node": ids[*node], "cmd": cmd})),
        Action::Timeout(n) => ("timeout", id(n)),
        Action::Submit { node, txid, ops } => {
            let mut o = Map::new();
            o.insert("node".into(), id(node));
            o.insert("txid".into(), json!(txid));
            if let Some(ops) = ops {
                o.insert(
                    "ops".into(),
                    Value::Object(crate::collect::object(ops.iter().map(|(k, v)| (ids[*k].clone(), json!(v))))),
                );
            }
            ("submit", Value::Object(o))
        }
        Action::Local { node, name } => ("local", json!({"node": ids[*node], "name": name})),
        Action::LamportSend { node, to, name, msg, recv } => {
            let mut o = Map::new();
            o.insert("node".into(), id(node));
            o.insert("to".into(), id(to));
            for (k, v) in [("name", name), ("msg", msg), ("recv", recv)] {
                if let Some(v) = v {
                    o.insert(k.into(), json!(v));
                }
            }
            ("send", Value::Object(o))
        }
        Action::LinkSend { node, to, payload } => {
            ("send", json!({"node": ids[*node], "to": ids[*to], "payload": payload}))
        }
        Action::Request(n) => ("request", id(n)),
        Action::Release(n) => ("release", id(n)),
        Action::LwwWrite { client, node, key, value } => {
            ("write", json!({"client": client, "node": ids[*node], "key": key, "value": value}))
        }
        Action::LwwRead { client, node, key } => ("read", json!({"client": client, "node": ids[*node], "key": key})),
        Action::QuorumWrite { client, key, value } => ("write", json!({"client": client, "key": key, "value": value})),
        Action::QuorumRead { client, key } => ("read", json!({"client": client, "key": key})),
        Action::Acquire(c) => ("acquire", json!({ "client": ids[*c] })),
        Action::PrepareWrite { client, data, delay } => {
            ("prepareWrite", json!({"client": ids[*client], "data": data, "delay": delay}))
        }
        Action::FencedWrite { client, data } => ("write", json!({"client": ids[*client], "data": data})),
    }
}

/// A scheduled action as JSON.
pub fn scheduled_json(s: &Scheduled, ids: &[String]) -> Value {
    let (k, v) = action_json(&s.action, ids);
    let mut o = Map::new();
    o.insert("at".into(), json!(s.at));
    o.insert(k.into(), v);
    Value::Object(o)
}

/// A short human description of an action (event log, traces).
pub fn describe_action(a: &Action, ids: &[String]) -> String {
    let (k, v) = action_json(a, ids);
    match v {
        Value::String(s) => format!("{k} {s}"),
        v => format!("{k} {v}"),
    }
}

/// Checks a value that must be a whole, non-negative number (used by the CLI for `--until`/`--seed`).
pub fn parse_u64_arg(s: &str, what: &str) -> Result<u64, ScenarioError> {
    let v: Value = s.parse::<u64>().map(Value::from).map_err(|_| err(what, format!("{s:?} is not a whole number")))?;
    as_u64(&v, what, u64::MAX)
}

//! Raft's parameters (protocols.md §4.1, §4.8, §4.10) and the RaftScope preset.

use crate::protocol::{Cluster, NodeId};
use crate::scenario::read::{as_u64, err, kind_of};
use crate::scenario::{NetParams, ParamReader, ScenarioError, MAX_DURATION};
use serde_json::{Map, Value};

/// Longest pinned election-timeout list.
pub const MAX_PINNED: usize = 100;

/// How a node picks its election timeout every time it (re)arms the election timer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ElectionTimeout {
    /// A fresh draw, uniform in `[T, 2T)`, from the node's own seeded PRNG.
    Random,
    /// Pinned (canonical scenarios): `list[min(k, len − 1)]`, where `k` counts the elections and pre-vote rounds
    /// the node has started so far (across crashes). `None` = never (infinity; only a scripted `timeout` starts an
    /// election).
    Pinned(Vec<Option<u64>>),
}

/// Parameters.
#[derive(Clone, Debug)]
pub struct RaftParams {
    /// The named preset applied before the explicit parameters (`"raftscope"`), if any.
    pub preset: Option<&'static str>,
    /// Heartbeat interval `H` (ms).
    pub heartbeat: u64,
    /// Minimum election timeout `T` (ms): random timeouts are drawn from `[T, 2T)`; also the CheckQuorum period
    /// and the lease length.
    pub election_min: u64,
    /// Election timeout per node.
    pub election_timeout: Vec<ElectionTimeout>,
    /// PreVote (thesis §9.6), per node.
    pub pre_vote: Vec<bool>,
    /// CheckQuorum and the leader lease on RequestVote (thesis §6.2, §4.2.3), per node.
    pub check_quorum: Vec<bool>,
    /// A new leader appends a no-op entry of its term (paper §8), per node.
    pub noop_on_election: Vec<bool>,
    /// Teaching bug (§4.10): the leader commits entries of earlier terms by counting replicas, per node.
    pub buggy_commit_previous_term: Vec<bool>,
    /// `false` is a teaching bug: `votedFor` is kept in memory only, so a restarted node may vote twice in a term.
    pub persist_voted_for: Vec<bool>,
    /// Teaching bug: the AppendEntries receiver drops everything after the new entries even when they match, so a
    /// reordered AppendEntries erases newer entries.
    pub truncate_on_match: Vec<bool>,
    /// Most entries per AppendEntries; `None` = unlimited.
    pub max_entries_per_append: Option<u64>,
    /// The modelled client sends a command every this many ms (`None` = no modelled client).
    pub client_every: Option<u64>,
    /// The node whose process hosts the modelled client.
    pub client_node: NodeId,
    /// The modelled client re-sends an unanswered request (same seq) to the next server after this many ms.
    pub client_retry: u64,
    /// `⌊N/2⌋ + 1`.
    pub majority: usize,
    /// Node indices in ascending id order (the order of every broadcast).
    pub ascending: Vec<NodeId>,
    /// Node ids in scenario order (for views).
    pub ids: Vec<String>,
}

/// The presets a scenario may name with `"preset"`.
pub const PRESETS: &[&str] = &["raftscope"];

/// RaftScope (raft.github.io) defaults: election timeout uniform in [100, 200) ms, heartbeat 50 ms, latency
/// uniform in [10, 15) ms.
const RAFTSCOPE_ELECTION_MIN: u64 = 100;
const RAFTSCOPE_HEARTBEAT: u64 = 50;

fn preset_of(raw: &Map<String, Value>) -> Option<&'static str> {
    match raw.get("preset") {
        Some(Value::String(s)) => PRESETS.iter().copied().find(|p| p == s),
        _ => None,
    }
}

/// Network defaults: RaftScope's latency is uniform in [10, 15) ms, i.e. 10 + uniform[0, 4].
pub fn default_network(raw: &Map<String, Value>) -> NetParams {
    match preset_of(raw) {
        Some("raftscope") => NetParams { latency: 10, jitter: 4, ..NetParams::default() },
        _ => NetParams::default(),
    }
}

fn positive(r: &mut ParamReader<'_>, key: &str, default: u64) -> Result<u64, ScenarioError> {
    let v = r.u64(key, default, MAX_DURATION)?;
    if v == 0 {
        return Err(err(&r.path(key), "must be at least 1 ms"));
    }
    Ok(v)
}

fn pinned_value(v: &Value, path: &str) -> Result<Option<u64>, ScenarioError> {
    match v {
        Value::Null => Ok(None),
        v => match as_u64(v, path, MAX_DURATION)? {
            0 => Err(err(path, "must be at least 1 ms (null means never)")),
            x => Ok(Some(x)),
        },
    }
}

fn pinned(v: &Value, path: &str) -> Result<ElectionTimeout, ScenarioError> {
    match v {
        Value::Array(xs) => {
            if xs.is_empty() || xs.len() > MAX_PINNED {
                return Err(err(path, format!("needs 1 to {MAX_PINNED} timeouts, got {}", xs.len())));
            }
            let list = xs
                .iter()
                .enumerate()
                .map(|(i, x)| pinned_value(x, &format!("{path}[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ElectionTimeout::Pinned(list))
        }
        Value::Null | Value::Number(_) => Ok(ElectionTimeout::Pinned(vec![pinned_value(v, path)?])),
        other => Err(err(path, format!("expected ms, null or a list of them, got {}", kind_of(other)))),
    }
}

/// Reads the parameters (the network parameters are already consumed).
pub fn read(r: &mut ParamReader<'_>, c: &Cluster) -> Result<RaftParams, ScenarioError> {
    let preset = match r.raw("preset") {
        None => None,
        Some(_) => Some(r.choice("preset", PRESETS, "raftscope")?),
    };
    let (h_default, t_default) = match preset {
        Some("raftscope") => (RAFTSCOPE_HEARTBEAT, RAFTSCOPE_ELECTION_MIN),
        _ => (50, 150),
    };
    let heartbeat = positive(r, "heartbeat", h_default)?;
    let election_min = positive(r, "electionTimeoutMin", t_default)?;
    let election_timeout = r.per_node("electionTimeout", ElectionTimeout::Random, pinned)?;
    let pre_vote = r.bool_per_node("preVote", false)?;
    let check_quorum = r.bool_per_node("checkQuorum", false)?;
    let noop_on_election = r.bool_per_node("noopOnElection", false)?;
    let buggy_commit_previous_term = r.bool_per_node("buggyCommitPreviousTerm", false)?;
    let persist_voted_for = r.bool_per_node("persistVotedFor", true)?;
    let truncate_on_match = r.bool_per_node("truncateOnMatch", false)?;
    let max_entries_per_append = r.duration("maxEntriesPerAppend", None)?;
    if max_entries_per_append == Some(0) {
        return Err(err(&r.path("maxEntriesPerAppend"), "must be at least 1 (null means unlimited)"));
    }
    let client_every = r.duration("clientEvery", None)?;
    if client_every == Some(0) {
        return Err(err(&r.path("clientEvery"), "must be at least 1 ms (null means no modelled client)"));
    }
    let client_node = match r.raw("clientNode") {
        None => c.ascending.first().copied().unwrap_or(0),
        Some(v) => crate::scenario::read::as_node(v, &r.path("clientNode"), c)?,
    };
    let client_retry = positive(r, "clientRetry", election_min)?;
    Ok(RaftParams {
        preset,
        heartbeat,
        election_min,
        election_timeout,
        pre_vote,
        check_quorum,
        noop_on_election,
        buggy_commit_previous_term,
        persist_voted_for,
        truncate_on_match,
        max_entries_per_append,
        client_every,
        client_node,
        client_retry,
        majority: c.len() / 2 + 1,
        ascending: c.ascending.clone(),
        ids: c.ids.clone(),
    })
}

impl RaftParams {
    /// Number of servers.
    pub fn n(&self) -> usize {
        self.ascending.len()
    }
}

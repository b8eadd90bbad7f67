//! Raft's vocabulary: log entries, messages (§4.3), timers (§4.4), stable records (§4.2, §4.9), observations.

use crate::protocol::{Message, NodeId, Observation, Record, TimerName};
use crate::sim::ChunkedVec;
use crate::view::{fields, node_json, node_name};
use serde_json::{json, Map, Value};
use std::fmt;
use std::sync::Arc;

/// Text shared rather than copied as it travels through logs, records, messages and observations.
pub type Text = Arc<str>;

/// Who sent a client command, for deduplication (§4.7): the client's id and its sequence number.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientTag {
    /// Client id.
    pub id: Text,
    /// Sequence number (a retry re-uses it).
    pub seq: u64,
}

impl fmt::Display for ClientTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.id, self.seq)
    }
}

impl ClientTag {
    /// Splits a scripted command `"<command>@<clientId>#<seq>"` into the command and its tag. A command without a
    /// well-formed tag is anonymous: it comes from a one-shot client and is never deduplicated.
    pub fn parse(cmd: &str) -> (Text, Option<ClientTag>) {
        if let Some((c, tag)) = cmd.rsplit_once('@') {
            if let Some((id, seq)) = tag.split_once('#') {
                let id_ok = !id.is_empty() && id.chars().all(|ch| ch.is_ascii_alphanumeric() || "_-.".contains(ch));
                if let (true, Ok(seq), false) = (id_ok, seq.parse::<u64>(), c.is_empty()) {
                    return (c.into(), Some(ClientTag { id: id.into(), seq }));
                }
            }
        }
        (cmd.into(), None)
    }
}

/// A log entry: `{term, command}` plus the client's `{clientId, seq}` (§4.2).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    /// Term in which a leader created it.
    pub term: u64,
    /// The command (`"no-op"` for a no-op).
    pub cmd: Text,
    /// The client that sent it, if it is to be deduplicated.
    pub client: Option<ClientTag>,
    /// A leader's no-op (paper §8): replicated and committed, never executed.
    pub noop: bool,
}

impl Entry {
    /// A new leader's no-op.
    pub fn noop(term: u64) -> Self {
        Entry { term, cmd: "no-op".into(), client: None, noop: true }
    }
}

impl fmt::Display for Entry {
    /// `"term:cmd"`, as in reports.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.term, self.cmd)
    }
}

/// A server's log (index 1 is `log[0]`). Shared in chunks between copies, so checkpoints of a long run do not copy
/// it whole.
pub type Log = ChunkedVec<Entry>;

/// Helpers over a log whose index 1 is `log[0]`.
pub trait LogExt {
    /// `lastLogIndex`.
    fn last_index(&self) -> u64;
    /// `termAt(i)`, 0 for index 0 (and for an index past the end).
    fn term_at(&self, i: u64) -> u64;
    /// `lastLogTerm`.
    fn last_term(&self) -> u64 {
        self.term_at(self.last_index())
    }
    /// Entry at index `i ≥ 1`.
    fn at(&self, i: u64) -> Option<&Entry>;
}

impl LogExt for Log {
    fn last_index(&self) -> u64 {
        self.len() as u64
    }
    fn term_at(&self, i: u64) -> u64 {
        if i == 0 {
            0
        } else {
            self.get(i as usize - 1).map_or(0, |e| e.term)
        }
    }
    fn at(&self, i: u64) -> Option<&Entry> {
        i.checked_sub(1).and_then(|k| self.get(k as usize))
    }
}

/// §5.4.1: a candidate's log `(cT, cI)` is at least as up-to-date as the voter's `(vT, vI)` iff
/// `cT > vT ∨ (cT = vT ∧ cI ≥ vI)`.
pub fn up_to_date(c_term: u64, c_index: u64, v_term: u64, v_index: u64) -> bool {
    c_term > v_term || (c_term == v_term && c_index >= v_index)
}

/// Roles (§4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Answers RPCs.
    Follower,
    /// Asking whether it could win before disturbing anyone (PreVote).
    PreCandidate,
    /// Running an election.
    Candidate,
    /// Leads its term.
    Leader,
}

impl Role {
    /// The name used in reports and views.
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::PreCandidate => "precandidate",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}

/// What a server answers a client (§4.3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ClientReply {
    /// Executed (or found already executed): the result is the log index at which the command was executed.
    Ok {
        /// Result.
        result: u64,
    },
    /// This server is not the leader; try the hinted one.
    NotLeader {
        /// The leader this server knows of.
        hint: Option<NodeId>,
    },
}

/// Messages (§4.3). Node ids are indices in scenario order.
#[derive(Clone, Debug, Hash)]
pub enum RaftMsg {
    /// A candidate asks for a vote.
    RequestVote {
        /// Candidate's term.
        term: u64,
        /// Candidate.
        candidate: NodeId,
        /// Candidate's last log index.
        last_log_index: u64,
        /// Candidate's last log term.
        last_log_term: u64,
    },
    /// A vote.
    RequestVoteResponse {
        /// Voter's term.
        term: u64,
        /// Vote granted.
        granted: bool,
    },
    /// Replication and heartbeat.
    AppendEntries {
        /// Leader's term.
        term: u64,
        /// Leader.
        leader: NodeId,
        /// Index of the entry just before the new ones.
        prev_log_index: u64,
        /// Its term.
        prev_log_term: u64,
        /// New entries (empty for a heartbeat).
        entries: Vec<Entry>,
        /// Leader's commitIndex.
        leader_commit: u64,
    },
    /// Reply to AppendEntries, with the echo fields that pair it with its request.
    AppendEntriesResponse {
        /// Follower's term.
        term: u64,
        /// The consistency check passed and the entries are stored.
        success: bool,
        /// `prevLogIndex + len(entries)` on success.
        match_index: u64,
        /// Echoed from the request.
        prev_log_index: u64,
    },
    /// A pre-candidate asks whether it could win (`term` = its currentTerm + 1).
    PreVote {
        /// The term it would campaign in.
        term: u64,
        /// Pre-candidate.
        candidate: NodeId,
        /// Its last log index.
        last_log_index: u64,
        /// Its last log term.
        last_log_term: u64,
    },
    /// Reply to PreVote: the request's term if granted, the voter's currentTerm otherwise.
    PreVoteResponse {
        /// Term.
        term: u64,
        /// Pre-vote granted.
        granted: bool,
    },
    /// A client command.
    ClientRequest {
        /// Client id and sequence number.
        client: ClientTag,
        /// Command.
        cmd: Text,
    },
    /// The answer to a client.
    ClientResponse {
        /// Client id and sequence number.
        client: ClientTag,
        /// Outcome.
        reply: ClientReply,
    },
}

impl Message for RaftMsg {
    fn kind(&self) -> &'static str {
        match self {
            RaftMsg::RequestVote { .. } => "RequestVote",
            RaftMsg::RequestVoteResponse { .. } => "RequestVoteResponse",
            RaftMsg::AppendEntries { .. } => "AppendEntries",
            RaftMsg::AppendEntriesResponse { .. } => "AppendEntriesResponse",
            RaftMsg::PreVote { .. } => "PreVote",
            RaftMsg::PreVoteResponse { .. } => "PreVoteResponse",
            RaftMsg::ClientRequest { .. } => "ClientRequest",
            RaftMsg::ClientResponse { .. } => "ClientResponse",
        }
    }

    fn is_response(&self) -> bool {
        matches!(
            self,
            RaftMsg::RequestVoteResponse { .. }
                | RaftMsg::AppendEntriesResponse { .. }
                | RaftMsg::PreVoteResponse { .. }
                | RaftMsg::ClientResponse { .. }
        )
    }

    fn label(&self) -> String {
        match self {
            RaftMsg::RequestVote { term, .. } => format!("RequestVote t{term}"),
            RaftMsg::RequestVoteResponse { granted: true, term } => format!("vote yes t{term}"),
            RaftMsg::RequestVoteResponse { granted: false, term } => format!("vote no t{term}"),
            RaftMsg::AppendEntries { term, prev_log_index, entries, .. } if entries.is_empty() => {
                format!("AE t{term} heartbeat @{prev_log_index}")
            }
            RaftMsg::AppendEntries { term, prev_log_index, entries, .. } => {
                let (a, b) = (prev_log_index + 1, prev_log_index + entries.len() as u64);
                if a == b {
                    format!("AE t{term} [{a}]")
                } else {
                    format!("AE t{term} [{a}..{b}]")
                }
            }
            RaftMsg::AppendEntriesResponse { success: true, match_index, .. } => format!("AE ok {match_index}"),
            RaftMsg::AppendEntriesResponse { success: false, prev_log_index, .. } => {
                format!("AE fail @{prev_log_index}")
            }
            RaftMsg::PreVote { term, .. } => format!("PreVote t{term}"),
            RaftMsg::PreVoteResponse { granted: true, term } => format!("pre-vote yes t{term}"),
            RaftMsg::PreVoteResponse { granted: false, term } => format!("pre-vote no t{term}"),
            RaftMsg::ClientRequest { cmd, .. } => format!("request {cmd}"),
            RaftMsg::ClientResponse { reply: ClientReply::Ok { result }, .. } => format!("ok @{result}"),
            RaftMsg::ClientResponse { reply: ClientReply::NotLeader { .. }, .. } => "not leader".into(),
        }
    }

    fn fields(&self, ids: &[String]) -> Value {
        match self {
            RaftMsg::RequestVote { term, candidate, last_log_index, last_log_term }
            | RaftMsg::PreVote { term, candidate, last_log_index, last_log_term } => fields([
                ("term", json!(term)),
                ("candidateId", node_json(ids, *candidate)),
                ("lastLogIndex", json!(last_log_index)),
                ("lastLogTerm", json!(last_log_term)),
            ]),
            RaftMsg::RequestVoteResponse { term, granted } => {
                fields([("term", json!(term)), ("voteGranted", json!(granted))])
            }
            RaftMsg::PreVoteResponse { term, granted } => fields([("term", json!(term)), ("granted", json!(granted))]),
            RaftMsg::AppendEntries { term, leader, prev_log_index, prev_log_term, entries, leader_commit } => fields([
                ("term", json!(term)),
                ("leaderId", node_json(ids, *leader)),
                ("prevLogIndex", json!(prev_log_index)),
                ("prevLogTerm", json!(prev_log_term)),
                ("entries", json!(entries.iter().map(|e| e.to_string()).collect::<Vec<_>>())),
                ("leaderCommit", json!(leader_commit)),
            ]),
            RaftMsg::AppendEntriesResponse { term, success, match_index, prev_log_index } => fields([
                ("term", json!(term)),
                ("success", json!(success)),
                ("matchIndex", json!(match_index)),
                ("prevLogIndex", json!(prev_log_index)),
            ]),
            RaftMsg::ClientRequest { client, cmd } => {
                fields([("clientId", json!(&*client.id)), ("seq", json!(client.seq)), ("command", json!(&**cmd))])
            }
            RaftMsg::ClientResponse { client, reply } => {
                let mut m = Map::new();
                m.insert("clientId".into(), json!(&*client.id));
                m.insert("seq".into(), json!(client.seq));
                match reply {
                    ClientReply::Ok { result } => {
                        m.insert("ok".into(), json!(true));
                        m.insert("result".into(), json!(result));
                    }
                    ClientReply::NotLeader { hint } => {
                        m.insert("notLeader".into(), json!(true));
                        m.insert("leaderHint".into(), json!(hint));
                    }
                }
                Value::Object(m)
            }
        }
    }
}

/// Timers (§4.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RaftTimer {
    /// Follower, candidate and pre-candidate: start an election (or a pre-vote round).
    Election,
    /// Leader: send AppendEntries to every peer.
    Heartbeat,
    /// Leader with CheckQuorum: step down unless a majority answered during the last period.
    CheckQuorum,
    /// The modelled client's clock.
    Client,
}

impl TimerName for RaftTimer {
    fn name(&self) -> String {
        match self {
            RaftTimer::Election => "election",
            RaftTimer::Heartbeat => "heartbeat",
            RaftTimer::CheckQuorum => "checkQuorum",
            RaftTimer::Client => "client",
        }
        .into()
    }
}

/// Stable-storage records (§4.2). Each is one atomic write.
#[derive(Clone, Debug, Hash)]
pub enum RaftRecord {
    /// `currentTerm` and `votedFor` together (a higher term seen, or a candidate's new term and self-vote).
    Term {
        /// New currentTerm.
        term: u64,
        /// New votedFor.
        voted_for: Option<NodeId>,
    },
    /// A vote granted in the current term.
    Vote {
        /// The term (the current one).
        term: u64,
        /// The candidate.
        voted_for: NodeId,
    },
    /// The log from index `from` on is replaced by `entries` (an append when `from = lastLogIndex + 1`).
    Log {
        /// First index written.
        from: u64,
        /// The entries from there on.
        entries: Vec<Entry>,
    },
}

impl Record for RaftRecord {
    fn name(&self) -> &'static str {
        match self {
            RaftRecord::Term { .. } => "term",
            RaftRecord::Vote { .. } => "vote",
            RaftRecord::Log { .. } => "log",
        }
    }

    fn has_cmd(&self, cmd: &str) -> bool {
        matches!(self, RaftRecord::Log { entries, .. } if entries.iter().any(|e| &*e.cmd == cmd))
    }

    fn describe(&self, ids: &[String]) -> String {
        match self {
            RaftRecord::Term { term, voted_for: Some(v) } => format!("term {term}, votedFor {}", node_name(ids, *v)),
            RaftRecord::Term { term, voted_for: None } => format!("term {term}, votedFor null"),
            RaftRecord::Vote { term, voted_for } => {
                format!("vote for {} in term {term}", node_name(ids, *voted_for))
            }
            RaftRecord::Log { from, entries } => {
                let es: Vec<String> = entries.iter().map(|e| e.to_string()).collect();
                format!("log from {from}: [{}]", es.join(", "))
            }
        }
    }
}

/// What survives a crash (§4.9): `currentTerm`, `votedFor`, `log`.
#[derive(Clone, Debug, Default)]
pub struct RaftDurable {
    /// currentTerm.
    pub term: u64,
    /// votedFor.
    pub voted_for: Option<NodeId>,
    /// The log.
    pub log: Log,
}

/// Observations: the trace's `role`, `apply`, `commit`, `client-reject` records, and the report's timeline.
#[derive(Clone, Debug, Hash)]
pub enum RaftObs {
    /// The node changed role.
    Role {
        /// New role.
        role: Role,
        /// Its term.
        term: u64,
    },
    /// The node became leader of `term` (timeline `leader`).
    Leader {
        /// Term.
        term: u64,
    },
    /// A leader raised its commitIndex from `from` to `to` (timeline `commit`).
    Commit {
        /// Old commitIndex.
        from: u64,
        /// New commitIndex.
        to: u64,
        /// The leader's term.
        term: u64,
    },
    /// The node applied the entry at `index` to its state machine.
    Apply {
        /// Index.
        index: u64,
        /// The entry.
        entry: Entry,
        /// False for a no-op or a deduplicated retry (the state machine did not execute it).
        executed: bool,
    },
    /// A leader appended a client command.
    Accept {
        /// Index.
        index: u64,
        /// Command.
        cmd: Text,
        /// Client, if tagged.
        client: Option<ClientTag>,
    },
    /// A non-leader rejected a client command (trace `client-reject`).
    Reject {
        /// Command.
        cmd: Text,
        /// Client, if tagged.
        client: Option<ClientTag>,
        /// The leader hint given back, as an id.
        hint: Option<Text>,
    },
    /// A leader answered a client: after applying its command, or at once from the session cache for a retry of
    /// a command already executed.
    Reply {
        /// Command.
        cmd: Text,
        /// Client, if tagged.
        client: Option<ClientTag>,
        /// The result (the index at which the command was executed).
        result: u64,
        /// Answered from the session cache without appending anything.
        cached: bool,
    },
    /// A RequestVote with a higher term was ignored because the node is within a leader lease (§4.8).
    LeaseIgnored {
        /// The candidate.
        from: Text,
        /// Its term.
        term: u64,
    },
    /// The modelled client received the answer to its command.
    ClientDone {
        /// Client and seq.
        client: ClientTag,
        /// Result.
        result: u64,
    },
}

impl Observation for RaftObs {
    fn timeline(&self) -> Option<(&'static str, Map<String, Value>)> {
        let mut m = Map::new();
        match self {
            RaftObs::Leader { term } => {
                m.insert("term".into(), json!(term));
                Some(("leader", m))
            }
            RaftObs::Commit { to, term, .. } => {
                m.insert("index".into(), json!(to));
                m.insert("term".into(), json!(term));
                Some(("commit", m))
            }
            _ => None,
        }
    }

    fn timeline_kind(&self) -> Option<&'static str> {
        match self {
            RaftObs::Leader { .. } => Some("leader"),
            RaftObs::Commit { .. } => Some("commit"),
            _ => None,
        }
    }

    fn describe(&self) -> String {
        let tag = |c: &Option<ClientTag>| c.as_ref().map_or(String::new(), |t| format!(" ({t})"));
        match self {
            RaftObs::Role { role, term } => format!("role {} (term {term})", role.name()),
            RaftObs::Leader { term } => format!("leader of term {term}"),
            RaftObs::Commit { from, to, term } => format!("commit {} (term {term}, was {from})", to),
            RaftObs::Apply { index, entry, executed: true } => format!("apply {index} {entry}"),
            RaftObs::Apply { index, entry, executed: false } if entry.noop => format!("apply {index} {entry}"),
            RaftObs::Apply { index, entry, executed: false } => {
                format!("apply {index} {entry}{}: duplicate, not executed", tag(&entry.client))
            }
            RaftObs::Accept { index, cmd, client } => format!("client {cmd}{} appended at {index}", tag(client)),
            RaftObs::Reject { cmd, client, hint } => {
                format!("client-reject {cmd}{} (leader hint: {})", tag(client), hint.as_deref().unwrap_or("none"))
            }
            RaftObs::Reply { cmd, client, result, cached } => format!(
                "client-ok {cmd}{} result {result}{}",
                tag(client),
                if *cached { " (already executed: cached)" } else { "" }
            ),
            RaftObs::LeaseIgnored { from, term } => format!("ignored RequestVote from {from} (term {term}): in lease"),
            RaftObs::ClientDone { client, result } => format!("client {client} answered: result {result}"),
        }
    }
}

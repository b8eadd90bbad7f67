//! Raft (Ongaro & Ousterhout; protocols.md §4): a replicated log that survives crashes and partitions.
//!
//! **The idea.** Time is cut into numbered *terms*, each with at most one leader. A follower that hears nothing
//! from a leader for a randomised election timeout becomes a candidate: it moves to the next term, votes for
//! itself and asks everyone else for a vote. Each server gives one vote per term, and only to a candidate whose
//! log is at least as up-to-date as its own (§5.4.1: compare the last entries' terms, then the lengths). A
//! majority makes a leader. The leader appends client commands to its log and pushes them with AppendEntries,
//! which also carries the index and term of the entry before the new ones: a follower accepts only if it holds
//! that entry (the consistency check), so by induction two logs that share an entry share everything before it
//! (Log Matching). Once an entry *of its own term* is stored on a majority the leader commits it and every entry
//! before it, applies them to its state machine, and tells the followers with the next AppendEntries.
//!
//! **Why it is safe.** Any two majorities intersect. A committed entry sits on a majority, every electorate
//! contains one of those servers, and that server refuses any candidate lacking the entry; so every later leader
//! has it (Leader Completeness), and no two servers ever apply different commands at one index (State Machine
//! Safety). Terms act as DDIA's epochs: a message from an older term is refused, a newer term makes anyone step
//! down, and a stale leader cut off in a minority can append but never commit (scenario RAFT-3).
//!
//! **The subtle rule.** A leader must not commit an entry of an *earlier* term by counting replicas: Figure 8 of
//! the paper (RAFT-5) shows such an entry, stored on a majority, later overwritten by a server whose last entry
//! has a higher term. Earlier-term entries become committed only indirectly, below a current-term entry. Turn on
//! `buggyCommitPreviousTerm` and the checker reports Leader Completeness and State Machine Safety broken.
//!
//! **Failure modes shown here.** Without a connected majority nothing commits (safety holds, liveness does not).
//! A partitioned server keeps timing out and inflating its term; when it comes back its RequestVote deposes a
//! healthy leader (RAFT-6a); PreVote makes it ask first whether it could win, without touching any term (RAFT-6b).
//! A leader that can send but not receive keeps suppressing elections forever unless CheckQuorum makes it step
//! down when it stops hearing from a majority. Stable storage matters: forget `votedFor` across a restart
//! (`persistVotedFor: false`) and a server can vote twice in one term, electing two leaders; truncate a follower's
//! log on a *matching* AppendEntries (`truncateOnMatch: true`) and a reordered message erases acknowledged entries.
//!
//! **Exactly what this module does.** Figure 2 in full with the simulator's determinism rules: the election timer
//! is (re)armed only at the moments of §4.4, messages are handled by rule 2 (term) then rule 3 (stale) of §4.5,
//! the leader sends AppendEntries only at the five moments of §4.6, commitIndex is applied in the step that raises
//! it, and every broadcast goes in ascending id order. Election timeouts are pinned per node (canonical scenarios:
//! `list[min(k, len−1)]`, `k` = elections and pre-vote rounds started, kept by the simulator across crashes) or
//! drawn from the node's seeded PRNG in `[T, 2T)`. Client requests carry `{clientId, seq}` and the state machine
//! executes each once (§4.7; a scripted command is tagged by writing `"x=1@alice#1"`, see [`client`]). The checker
//! ([`checker`]) evaluates every invariant of §4.11 incrementally after every event, crashed servers' persisted logs
//! included.
//!
//! **Parameters** (names as in protocols.md): `heartbeat` (H, default 50), `electionTimeoutMin` (T, 150),
//! `electionTimeout` (pinned: ms, `null` for never, or a list, for every node or per node; nodes left out draw from
//! `[T, 2T)`), `preVote`, `checkQuorum`, `noopOnElection`, `buggyCommitPreviousTerm`, `persistVotedFor` (default
//! true), `truncateOnMatch` (every toggle may also be given per node), `maxEntriesPerAppend` (`null` = unlimited),
//! `"preset": "raftscope"` (RaftScope's timings and latency; explicit parameters still win), and the modelled
//! client `clientEvery`, `clientNode`, `clientRetry` (see [`client`]). 1 to 16 servers.

pub mod checker;
pub mod client;
mod node;
pub mod params;
mod rpc;
pub mod state;
#[cfg(test)]
mod tests;

pub use checker::RaftChecker;
pub use node::Raft;
pub use params::{ElectionTimeout, RaftParams};
pub use state::{ClientReply, ClientTag, Entry, Log, RaftDurable, RaftMsg, RaftObs, RaftRecord, RaftTimer, Role};

use crate::protocol::{Cluster, Ctx, NodeId, Protocol};
use crate::rng::Rng;
use crate::scenario::{Action, NetParams, ParamReader, Scenario, ScenarioError};
use crate::sim::World;
use crate::time::Time;
use crate::view::{Field, LogLine, ProtoView};
use node::Origin;
use serde_json::{json, Map, Value};

/// Most log lines a view shows (the latest ones).
const VIEW_LOG_LINES: usize = 64;

/// Raft's scripted actions.
#[derive(Clone, Debug)]
pub enum RaftAction {
    /// A client command injected at a node (§4.7).
    Client {
        /// The node.
        node: NodeId,
        /// The command, without its tag.
        cmd: state::Text,
        /// `{clientId, seq}` when the command was tagged `"<cmd>@<clientId>#<seq>"`.
        client: Option<ClientTag>,
    },
    /// The node's election timer expires now.
    Timeout(NodeId),
}

fn names(w_ids: &[String], set: impl Iterator<Item = NodeId>) -> String {
    let v: Vec<&str> = set.map(|i| w_ids[i].as_str()).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

fn log_lines(log: &Log, commit: u64) -> Vec<LogLine> {
    let skip = log.len().saturating_sub(VIEW_LOG_LINES);
    let mut out = Vec::with_capacity(log.len() - skip + 1);
    if skip > 0 {
        out.push(LogLine { text: format!("… {skip} earlier entries"), committed: (skip as u64) <= commit, term: 0 });
    }
    for (i, e) in log.iter_from(skip).enumerate() {
        let index = (skip + i) as u64 + 1;
        let tag = e.client.as_ref().map_or(String::new(), |t| format!(" ({t})"));
        out.push(LogLine { text: format!("[{index}] {e}{tag}"), committed: index <= commit, term: e.term });
    }
    out
}

impl Protocol for Raft {
    const NAME: &'static str = "raft";
    const MESSAGE_TYPES: &'static [&'static str] = &[
        "RequestVote",
        "RequestVoteResponse",
        "AppendEntries",
        "AppendEntriesResponse",
        "PreVote",
        "PreVoteResponse",
        "ClientRequest",
        "ClientResponse",
    ];
    const RECORDS: &'static [&'static str] = &["term", "vote", "log"];
    type Params = RaftParams;
    type Msg = RaftMsg;
    type Timer = RaftTimer;
    type Record = RaftRecord;
    type Durable = RaftDurable;
    type Action = RaftAction;
    type Obs = RaftObs;
    type Checker = RaftChecker;

    fn params(r: &mut ParamReader<'_>, c: &Cluster) -> Result<RaftParams, ScenarioError> {
        params::read(r, c)
    }

    fn default_network(s: &Scenario) -> NetParams {
        params::default_network(&s.params)
    }

    fn validate(_s: &Scenario, _p: &RaftParams) -> Result<(), ScenarioError> {
        // Any cluster the scenario format allows (1 to 16 nodes, checked by the parser) runs Raft.
        Ok(())
    }

    fn action(a: &Action, _p: &Self::Params) -> Option<RaftAction> {
        match a {
            Action::Client { node, cmd } => {
                let (cmd, client) = ClientTag::parse(cmd);
                Some(RaftAction::Client { node: *node, cmd, client })
            }
            Action::Timeout(n) => Some(RaftAction::Timeout(*n)),
            _ => None,
        }
    }

    /// The leader of the highest term among live servers: cutting it off is what forces the elections, and
    /// leaves the unreplicated entries, that Raft's subtle cases (§5.4.2, Figure 8) are made of.
    fn focus(w: &World<'_, Self>) -> Option<NodeId> {
        (0..w.n())
            .filter_map(|i| w.node(i).filter(|r| r.role == Role::Leader).map(|r| (r.term, i)))
            .max_by_key(|&(term, i)| (term, std::cmp::Reverse(i)))
            .map(|(_, i)| i)
    }

    fn action_node(a: &RaftAction, _p: &RaftParams) -> NodeId {
        match a {
            RaftAction::Client { node, .. } | RaftAction::Timeout(node) => *node,
        }
    }

    /// A client command at a random server (a quarter of them retries of a small set of tagged clients, so the
    /// sessions get exercised), or now and then a forced election timeout.
    fn random_action(rng: &mut Rng, s: &Scenario, t: Time) -> Option<Action> {
        let node = rng.range(0, s.nodes.len() as u64) as NodeId;
        if rng.chance(0.2) {
            return Some(Action::Timeout(node));
        }
        let cmd = if rng.chance(0.5) {
            let client = rng.range(0, 3);
            let seq = t / 100 + 1;
            format!("v{seq}@c{client}#{seq}")
        } else {
            format!("w{t}")
        };
        Some(Action::Client { node, cmd })
    }

    fn empty_durable(_p: &Self::Params) -> Self::Durable {
        Default::default()
    }

    fn apply(d: &mut RaftDurable, r: &RaftRecord) {
        match r {
            RaftRecord::Term { term, voted_for } => {
                d.term = *term;
                d.voted_for = *voted_for;
            }
            RaftRecord::Vote { term, voted_for } => {
                if *term == d.term {
                    d.voted_for = Some(*voted_for);
                }
            }
            RaftRecord::Log { from, entries } => {
                d.log.truncate(from.saturating_sub(1) as usize);
                d.log.extend(entries.iter().cloned());
            }
        }
    }

    fn boot(cx: &mut Ctx<'_, Self>, p: &RaftParams, d: &RaftDurable, _recovering: bool) -> Raft {
        Raft::start(cx, p, d)
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, p: &RaftParams, from: NodeId, m: RaftMsg) {
        self.receive(cx, p, from, m);
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, p: &RaftParams, t: RaftTimer) {
        match t {
            RaftTimer::Election => self.election_timeout(cx, p),
            RaftTimer::Heartbeat => self.heartbeat(cx, p),
            RaftTimer::CheckQuorum => self.check_quorum(cx, p),
            RaftTimer::Client => self.client_tick(cx, p),
        }
    }

    fn on_action(&mut self, cx: &mut Ctx<'_, Self>, p: &RaftParams, a: RaftAction) {
        match a {
            RaftAction::Client { cmd, client, .. } => self.client_request(cx, p, Origin::Script, cmd, client),
            RaftAction::Timeout(_) => self.election_timeout(cx, p),
        }
    }

    fn view(&self, p: &RaftParams, _d: &RaftDurable) -> ProtoView {
        self.view_with(p, &p.ids)
    }

    fn view_down(p: &RaftParams, d: &RaftDurable) -> ProtoView {
        ProtoView {
            role: "down".into(),
            class: "down",
            fields: vec![
                Field::durable("term", d.term),
                Field::durable("votedFor", d.voted_for.map_or("null".to_string(), |v| p.ids[v].clone())),
                Field::durable("lastLogIndex", d.log.len()),
            ],
            log: log_lines(&d.log, 0),
            blocked_since: None,
        }
    }

    fn report_node(w: &World<'_, Self>, i: NodeId, _c: &RaftChecker) -> Map<String, Value> {
        let mut m = Map::new();
        let id = |n: Option<NodeId>| n.map_or(Value::Null, |n| json!(w.id(n)));
        let log_json = |log: &Log| json!(log.iter().map(|e| e.to_string()).collect::<Vec<_>>());
        match w.node(i) {
            Some(r) => {
                m.insert("role".into(), json!(r.role.name()));
                m.insert("term".into(), json!(r.term));
                m.insert("votedFor".into(), id(r.voted_for));
                m.insert("log".into(), log_json(&r.log));
                m.insert("commitIndex".into(), json!(r.commit));
                let applied: Vec<&str> = r.sm.executed().iter().map(|(_, c)| &**c).collect();
                m.insert("applied".into(), json!(applied));
                m.insert("lastApplied".into(), json!(r.applied));
                m.insert("leader".into(), id(r.leader));
                let sessions = crate::collect::object(r.sm.sessions().map(|(k, s)| (k.to_string(), json!(s))));
                m.insert("sessions".into(), Value::Object(sessions));
            }
            None => {
                let d = w.durable(i);
                m.insert("role".into(), Value::Null);
                m.insert("term".into(), json!(d.term));
                m.insert("votedFor".into(), id(d.voted_for));
                m.insert("log".into(), log_json(&d.log));
                m.insert("commitIndex".into(), json!(0));
                m.insert("applied".into(), json!([]));
            }
        }
        m
    }

    fn report_app(w: &World<'_, Self>, c: &RaftChecker) -> Map<String, Value> {
        c.report_app(w)
    }
}

impl Raft {
    /// The view, with node ids spelled as given.
    fn view_with(&self, p: &RaftParams, ids: &[String]) -> ProtoView {
        let opt = |n: Option<NodeId>| n.map_or("null".to_string(), |n| ids[n].clone());
        let mut fields = vec![
            Field::durable("term", self.term),
            Field::durable("votedFor", opt(self.voted_for)),
            Field::volatile("commitIndex", self.commit),
            Field::volatile("lastApplied", self.applied),
            Field::volatile("leader", opt(self.leader)),
        ];
        let peers = || p.ascending.iter().copied().filter(|&i| i != self.me);
        match self.role {
            Role::Candidate | Role::PreCandidate => {
                let granted = names(ids, p.ascending.iter().copied().filter(|&i| self.votes & (1 << i) != 0));
                let what = if self.role == Role::Candidate { "votes" } else { "pre-votes" };
                fields.push(Field::volatile(what, format!("{granted} ({}/{})", Self::count(self.votes), p.majority)));
            }
            Role::Leader => {
                let per = |v: &[u64]| peers().map(|i| format!("{}:{}", ids[i], v[i])).collect::<Vec<_>>().join(" ");
                fields.push(Field::volatile("nextIndex", per(&self.next_index)));
                fields.push(Field::volatile("matchIndex", per(&self.match_index)));
                if p.check_quorum[self.me] {
                    let heard = names(ids, peers().filter(|&i| self.recent_active & (1 << i) != 0));
                    fields.push(Field::volatile("recentActive", heard));
                }
                if !self.pending.is_empty() {
                    fields.push(Field::volatile("awaiting apply", self.pending.len()));
                }
            }
            Role::Follower => {}
        }
        fields.push(Field::volatile("elections started", self.k));
        if let Some(c) = &self.client {
            let state = match &c.pending {
                Some(o) => format!("{} #{} → {} (waiting)", o.cmd, o.seq, ids[c.target]),
                None => format!("idle, {} answered", c.done),
            };
            fields.push(Field::volatile("client", format!("{}: {state}", c.id)));
        }
        ProtoView {
            role: self.role.name().into(),
            class: self.role.name(),
            fields,
            log: log_lines(&self.log, self.commit),
            blocked_since: None,
        }
    }
}

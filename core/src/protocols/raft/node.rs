//! A Raft server: its state (Figure 2 plus the simulator's extras) and the role rules of §4.4-§4.8 that are not
//! message receivers: timers, starting elections and pre-vote rounds, becoming leader, replicating and committing.

use super::client::{ClientDriver, StateMachine};
use super::params::{ElectionTimeout, RaftParams};
use super::state::Text;
use super::state::{
    ClientReply, ClientTag, Entry, Log, LogExt, RaftDurable, RaftMsg, RaftObs, RaftRecord, RaftTimer, Role,
};
use super::Raft as Proto;
use crate::protocol::{Ctx, NodeId};
use crate::vecmap::VecMap;

/// Where a client command came from, so the leader knows whom to answer once it is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A scripted `client` action injected at the node (no network hop; the answer is an observation).
    Script,
    /// The modelled client hosted by this very node.
    Local,
    /// The modelled client hosted by another node (answered with a ClientResponse).
    Remote(NodeId),
}

/// A command the leader appended and will answer once applied.
#[derive(Clone, Debug)]
pub struct Pending {
    /// Who asked.
    pub origin: Origin,
    /// The command.
    pub cmd: Text,
    /// The client tag.
    pub client: Option<ClientTag>,
    /// Monotonic time it was appended.
    pub at: i64,
}

/// One Raft server.
#[derive(Clone, Debug)]
pub struct Raft {
    pub(super) me: NodeId,
    // Persistent (mirrored in stable storage through records).
    pub(super) term: u64,
    pub(super) voted_for: Option<NodeId>,
    pub(super) log: Log,
    // Volatile on every server.
    pub(super) role: Role,
    pub(super) leader: Option<NodeId>,
    pub(super) commit: u64,
    pub(super) applied: u64,
    pub(super) last_leader_contact: Option<i64>,
    /// Votes (candidate) or pre-votes (pre-candidate) granted, as a bit set of node indices.
    pub(super) votes: u32,
    pub(super) sm: StateMachine,
    /// Elections and pre-vote rounds started (the simulator's `k`, which survives crashes).
    pub(super) k: u64,
    // Volatile on leaders.
    pub(super) next_index: Vec<u64>,
    pub(super) match_index: Vec<u64>,
    pub(super) recent_active: u32,
    pub(super) pending: VecMap<u64, Pending>,
    /// The modelled client, if this node hosts it.
    pub(super) client: Option<ClientDriver>,
}

pub(super) fn bit(i: NodeId) -> u32 {
    1 << i
}

impl Raft {
    /// Boot (t = 0) or recovery (§4.9): role Follower, stable state reloaded, election timer armed.
    pub(super) fn start(cx: &mut Ctx<'_, Proto>, p: &RaftParams, d: &RaftDurable) -> Raft {
        let me = cx.me();
        let n = p.n();
        let k = *cx.sim_counter();
        let mut r = Raft {
            me,
            term: d.term,
            voted_for: d.voted_for,
            log: d.log.clone(),
            role: Role::Follower,
            leader: None,
            commit: 0,
            applied: 0,
            last_leader_contact: None,
            votes: 0,
            sm: StateMachine::default(),
            k,
            next_index: vec![0; n],
            match_index: vec![0; n],
            recent_active: 0,
            pending: VecMap::new(),
            client: None,
        };
        r.arm_election(cx, p);
        if let (Some(every), true) = (p.client_every, p.client_node == me) {
            let id: Text = format!("{}@{}", cx.cluster().ids[me], cx.mono()).into();
            r.client = Some(ClientDriver { id, next_seq: 1, target: me, pending: None, done: 0 });
            cx.set_timer(RaftTimer::Client, every);
        }
        r
    }

    /// (Re)arms the election timer with the node's pinned or random timeout (§4.1).
    pub(super) fn arm_election(&self, cx: &mut Ctx<'_, Proto>, p: &RaftParams) {
        let after = match &p.election_timeout[self.me] {
            ElectionTimeout::Random => Some(cx.rng().range(p.election_min, 2 * p.election_min)),
            ElectionTimeout::Pinned(list) => list[(self.k as usize).min(list.len() - 1)],
        };
        match after {
            Some(ms) => cx.set_timer(RaftTimer::Election, ms),
            None => cx.cancel_timer(RaftTimer::Election),
        }
    }

    pub(super) fn set_role(&mut self, cx: &mut Ctx<'_, Proto>, role: Role) {
        if self.role != role {
            self.role = role;
            cx.observe(RaftObs::Role { role, term: self.term });
        }
    }

    pub(super) fn count(set: u32) -> usize {
        set.count_ones() as usize
    }

    /// "In lease" (§4.8): the node is the leader, or it heard from a known leader less than `T` ago.
    pub(super) fn in_lease(&self, cx: &Ctx<'_, Proto>, p: &RaftParams) -> bool {
        self.role == Role::Leader
            || (self.leader.is_some()
                && self.last_leader_contact.is_some_and(|t| cx.mono() - t < p.election_min as i64))
    }

    /// Rule 2 of §4.5: a higher term was seen. Persist the term with `votedFor = null`, become follower, forget
    /// the leader; a leader also stops its timers and arms the election timer.
    pub(super) fn adopt_term(&mut self, cx: &mut Ctx<'_, Proto>, p: &RaftParams, term: u64) {
        self.term = term;
        self.voted_for = None;
        cx.persist(RaftRecord::Term { term, voted_for: None });
        self.leader = None;
        let was_leader = self.role == Role::Leader;
        self.set_role(cx, Role::Follower);
        if was_leader {
            self.leave_leadership(cx);
            self.arm_election(cx, p);
        }
    }

    /// A leader steps down: its timers stop and its pending client requests will never be answered (§4.7).
    pub(super) fn leave_leadership(&mut self, cx: &mut Ctx<'_, Proto>) {
        cx.cancel_timer(RaftTimer::Heartbeat);
        cx.cancel_timer(RaftTimer::CheckQuorum);
        self.pending.clear();
        self.recent_active = 0;
    }

    /// Election timer expiry, or a scripted `timeout` (ignored by a leader).
    pub(super) fn election_timeout(&mut self, cx: &mut Ctx<'_, Proto>, p: &RaftParams) {
        match self.role {
            Role::Leader => {}
            _ if p.pre_vote[self.me] => self.start_pre_vote(cx, p),
            _ => self.start_election(cx, p),
        }
    }

    fn count_election(&mut self, cx: &mut Ctx<'_, Proto>) {
        *cx.sim_counter() += 1;
        self.k = *cx.sim_counter();
    }

    /// `startPreVote()` (§4.8): no term change, no vote; ask every peer whether it would vote in term + 1. The
    /// known leader is kept (§4.8 changes nothing else; etcd forgets it here): a pre-candidate that heard the leader
    /// less than `T` ago is still in lease, and refuses other pre-votes.
    pub(super) fn start_pre_vote(&mut self, cx: &mut Ctx<'_, Proto>, p: &RaftParams) {
        self.count_election(cx);
        self.set_role(cx, Role::PreCandidate);
        self.votes = bit(self.me);
        self.arm_election(cx, p);
        let (term, lli, llt) = (self.term + 1, self.log.last_index(), self.log.last_term());
        for &peer in &p.ascending {
            if peer != self.me {
                let m = RaftMsg::PreVote { term, candidate: self.me, last_log_index: lli, last_log_term: llt };
                cx.send(peer, m);
            }
        }
        if Self::count(self.votes) >= p.majority {
            self.start_election(cx, p);
        }
    }

    /// `startElection()` (§4.6): new term, vote for itself (persisted before any RequestVote goes out).
    pub(super) fn start_election(&mut self, cx: &mut Ctx<'_, Proto>, p: &RaftParams) {
        self.count_election(cx);
        self.term += 1;
        self.voted_for = Some(self.me);
        let persisted = if p.persist_voted_for[self.me] { Some(self.me) } else { None };
        cx.persist(RaftRecord::Term { term: self.term, voted_for: persisted });
        self.set_role(cx, Role::Candidate);
        self.leader = None;
        self.votes = bit(self.me);
        self.arm_election(cx, p);
        let (term, lli, llt) = (self.term, self.log.last_index(), self.log.last_term());
        for &peer in &p.ascending {
            if peer != self.me {
                let m = RaftMsg::RequestVote { term, candidate: self.me, last_log_index: lli, last_log_term: llt };
                cx.send(peer, m);
            }
        }
        if Self::count(self.votes) >= p.majority {
            self.become_leader(cx, p);
        }
    }

    /// `becomeLeader()` (§4.6).
    pub(super) fn become_leader(&mut self, cx: &mut Ctx<'_, Proto>, p: &RaftParams) {
        self.set_role(cx, Role::Leader);
        self.leader = Some(self.me);
        cx.cancel_timer(RaftTimer::Election);
        cx.observe(RaftObs::Leader { term: self.term });
        let next = self.log.last_index() + 1;
        self.next_index.iter_mut().for_each(|x| *x = next);
        self.match_index.iter_mut().for_each(|x| *x = 0);
        self.recent_active = 0;
        self.pending.clear();
        if p.noop_on_election[self.me] {
            self.append(cx, Entry::noop(self.term));
        }
        self.broadcast_append_entries(cx, p);
        cx.set_timer(RaftTimer::Heartbeat, p.heartbeat);
        if p.check_quorum[self.me] {
            cx.set_timer(RaftTimer::CheckQuorum, p.election_min);
        }
        // A single-server cluster commits on its own.
        self.advance_commit(cx, p);
    }

    /// The leader appends one entry of its own and persists it.
    pub(super) fn append(&mut self, cx: &mut Ctx<'_, Proto>, e: Entry) -> u64 {
        self.log.push(e.clone());
        let index = self.log.last_index();
        cx.persist(RaftRecord::Log { from: index, entries: vec![e] });
        index
    }

    /// `sendAE(p)`: entries from `nextIndex[p]` (at most `maxEntriesPerAppend`), possibly none.
    pub(super) fn send_append_entries(&self, cx: &mut Ctx<'_, Proto>, p: &RaftParams, peer: NodeId) {
        let prev = self.next_index[peer] - 1;
        let last = self.log.last_index();
        let end = p.max_entries_per_append.map_or(last, |m| last.min(prev + m));
        let entries = if end > prev { self.log.to_vec(prev as usize, end as usize) } else { Vec::new() };
        cx.send(
            peer,
            RaftMsg::AppendEntries {
                term: self.term,
                leader: self.me,
                prev_log_index: prev,
                prev_log_term: self.log.term_at(prev),
                entries,
                leader_commit: self.commit,
            },
        );
    }

    /// AppendEntries to every peer, in ascending id order.
    pub(super) fn broadcast_append_entries(&self, cx: &mut Ctx<'_, Proto>, p: &RaftParams) {
        for &peer in &p.ascending {
            if peer != self.me {
                self.send_append_entries(cx, p, peer);
            }
        }
    }

    /// Heartbeat expiry: AppendEntries to every peer, then re-arm.
    pub(super) fn heartbeat(&mut self, cx: &mut Ctx<'_, Proto>, p: &RaftParams) {
        if self.role != Role::Leader {
            return;
        }
        self.broadcast_append_entries(cx, p);
        cx.set_timer(RaftTimer::Heartbeat, p.heartbeat);
    }

    /// CheckQuorum expiry (§4.8): step down without a majority heard from during the last period.
    pub(super) fn check_quorum(&mut self, cx: &mut Ctx<'_, Proto>, p: &RaftParams) {
        if self.role != Role::Leader {
            return;
        }
        if 1 + Self::count(self.recent_active & !bit(self.me)) < p.majority {
            self.leader = None;
            self.set_role(cx, Role::Follower);
            self.leave_leadership(cx);
            self.arm_election(cx, p);
        } else {
            self.recent_active = 0;
            cx.set_timer(RaftTimer::CheckQuorum, p.election_min);
        }
    }

    /// `advanceCommit()` (§4.6): the largest `N` stored on a majority whose entry is of the current term (any term
    /// with `buggyCommitPreviousTerm`). Earlier entries are committed with it, indirectly.
    pub(super) fn advance_commit(&mut self, cx: &mut Ctx<'_, Proto>, p: &RaftParams) {
        // The majority-th largest of {lastLogIndex (the leader itself), matchIndex[p] for every peer}: every
        // N up to it is stored on a majority, nothing above it is.
        let mut stored = [0u64; 32];
        let n = p.n();
        for (i, slot) in stored.iter_mut().enumerate().take(n) {
            *slot = if i == self.me { self.log.last_index() } else { self.match_index[i] };
        }
        stored[..n].sort_unstable_by(|a, b| b.cmp(a));
        let top = stored[p.majority - 1];
        let buggy = p.buggy_commit_previous_term[self.me];
        let mut idx = top;
        while idx > self.commit {
            if buggy || self.log.term_at(idx) == self.term {
                let from = self.commit;
                self.commit = idx;
                cx.observe(RaftObs::Commit { from, to: idx, term: self.term });
                self.apply_committed(cx, p);
                return;
            }
            idx -= 1;
        }
    }

    /// Rule 1 of §4.5: apply everything committed, in order, in the step that raised commitIndex. A leader then
    /// answers the clients whose commands these were.
    pub(super) fn apply_committed(&mut self, cx: &mut Ctx<'_, Proto>, p: &RaftParams) {
        while self.applied < self.commit && self.applied < self.log.last_index() {
            self.applied += 1;
            let index = self.applied;
            let e = self.log[index as usize - 1].clone();
            let (executed, result) = self.sm.apply(index, &e);
            cx.observe(RaftObs::Apply { index, entry: e, executed });
            if self.role == Role::Leader {
                if let Some(pd) = self.pending.remove(&index) {
                    cx.observe(RaftObs::Reply { cmd: pd.cmd, client: pd.client.clone(), result, cached: false });
                    if let Some(tag) = pd.client {
                        self.answer(cx, p, pd.origin, tag, ClientReply::Ok { result });
                    }
                }
            }
        }
    }

    /// Delivers an answer to whoever asked: the local modelled client directly, a remote one by message.
    pub(super) fn answer(
        &mut self,
        cx: &mut Ctx<'_, Proto>,
        p: &RaftParams,
        origin: Origin,
        client: ClientTag,
        reply: ClientReply,
    ) {
        match origin {
            Origin::Script => {}
            Origin::Local => self.client_response(cx, p, self.me, client, reply),
            Origin::Remote(to) => cx.send(to, RaftMsg::ClientResponse { client, reply }),
        }
    }
}

//! Message receivers (§4.5-§4.8) and client requests (§4.7).

use super::node::{bit, Origin, Pending, Raft};
use super::params::RaftParams;
use super::state::{up_to_date, ClientReply, ClientTag, Entry, LogExt, RaftMsg, RaftObs, RaftRecord, RaftTimer};
use super::state::{Role, Text};
use super::Raft as Proto;
use crate::protocol::{Ctx, NodeId};

impl Raft {
    /// Dispatches a delivered message.
    pub(super) fn receive(&mut self, cx: &mut Ctx<'_, Proto>, p: &RaftParams, from: NodeId, m: RaftMsg) {
        match m {
            RaftMsg::RequestVote { term, candidate, last_log_index, last_log_term } => {
                self.on_request_vote(cx, p, from, term, candidate, last_log_index, last_log_term)
            }
            RaftMsg::RequestVoteResponse { term, granted } => self.on_vote(cx, p, from, term, granted),
            RaftMsg::AppendEntries { term, leader, prev_log_index, prev_log_term, entries, leader_commit } => {
                self.on_append_entries(cx, p, from, term, leader, prev_log_index, prev_log_term, entries, leader_commit)
            }
            RaftMsg::AppendEntriesResponse { term, success, match_index, prev_log_index } => {
                self.on_append_response(cx, p, from, term, success, match_index, prev_log_index)
            }
            RaftMsg::PreVote { term, last_log_index, last_log_term, .. } => {
                // Never changes anything at the receiver, not even its term (§4.8).
                let granted = term > self.term
                    && up_to_date(last_log_term, last_log_index, self.log.last_term(), self.log.last_index())
                    && !self.in_lease(cx, p);
                let term = if granted { term } else { self.term };
                cx.send(from, RaftMsg::PreVoteResponse { term, granted });
            }
            RaftMsg::PreVoteResponse { term, granted } => {
                if !granted {
                    if term > self.term {
                        self.adopt_term(cx, p, term);
                    }
                } else if self.role == Role::PreCandidate && term == self.term + 1 {
                    self.votes |= bit(from);
                    if Self::count(self.votes) >= p.majority {
                        self.start_election(cx, p);
                    }
                }
            }
            RaftMsg::ClientRequest { client, cmd } => {
                self.client_request(cx, p, Origin::Remote(from), cmd, Some(client))
            }
            RaftMsg::ClientResponse { client, reply } => self.client_response(cx, p, from, client, reply),
        }
    }

    /// RequestVote receiver (§4.6), after the lease check (§4.8) and rule 2.
    #[allow(clippy::too_many_arguments)]
    fn on_request_vote(
        &mut self,
        cx: &mut Ctx<'_, Proto>,
        p: &RaftParams,
        from: NodeId,
        term: u64,
        candidate: NodeId,
        lli: u64,
        llt: u64,
    ) {
        if term > self.term && p.check_quorum[self.me] && self.in_lease(cx, p) {
            cx.observe(RaftObs::LeaseIgnored { from: cx.cluster().ids[from].as_str().into(), term });
            return;
        }
        if term > self.term {
            self.adopt_term(cx, p, term);
        }
        if term < self.term {
            cx.send(from, RaftMsg::RequestVoteResponse { term: self.term, granted: false });
            return;
        }
        let grant = self.voted_for.is_none_or(|v| v == candidate)
            && up_to_date(llt, lli, self.log.last_term(), self.log.last_index());
        if grant {
            self.voted_for = Some(candidate);
            if p.persist_voted_for[self.me] {
                cx.persist(RaftRecord::Vote { term: self.term, voted_for: candidate });
            }
            self.arm_election(cx, p);
        }
        cx.send(from, RaftMsg::RequestVoteResponse { term: self.term, granted: grant });
    }

    /// RequestVoteResponse at a candidate.
    fn on_vote(&mut self, cx: &mut Ctx<'_, Proto>, p: &RaftParams, from: NodeId, term: u64, granted: bool) {
        if term > self.term {
            self.adopt_term(cx, p, term);
            return;
        }
        if term < self.term || self.role != Role::Candidate || !granted {
            return;
        }
        self.votes |= bit(from);
        if Self::count(self.votes) >= p.majority {
            self.become_leader(cx, p);
        }
    }

    /// AppendEntries receiver (§4.6).
    #[allow(clippy::too_many_arguments)]
    fn on_append_entries(
        &mut self,
        cx: &mut Ctx<'_, Proto>,
        p: &RaftParams,
        from: NodeId,
        term: u64,
        leader: NodeId,
        prev: u64,
        prev_term: u64,
        entries: Vec<Entry>,
        leader_commit: u64,
    ) {
        if term > self.term {
            self.adopt_term(cx, p, term);
        }
        let reject = |me: &Self, cx: &mut Ctx<'_, Proto>| {
            let m =
                RaftMsg::AppendEntriesResponse { term: me.term, success: false, match_index: 0, prev_log_index: prev };
            cx.send(from, m);
        };
        if term < self.term {
            reject(self, cx);
            return;
        }
        if self.role == Role::Leader {
            // Another leader of this very term: Election Safety is already broken (the checker says so). A leader
            // never takes entries from anyone.
            return;
        }
        if self.role != Role::Follower {
            self.set_role(cx, Role::Follower);
        }
        self.leader = Some(leader);
        self.last_leader_contact = Some(cx.mono());
        self.arm_election(cx, p);
        if prev > self.log.last_index() || self.log.term_at(prev) != prev_term {
            reject(self, cx);
            return;
        }
        // Only a conflict truncates; entries already present are left alone, so a delayed or duplicated
        // AppendEntries cannot erase newer ones (unless truncateOnMatch re-creates that bug).
        let mut changed_from: Option<u64> = None;
        let n_new = entries.len() as u64;
        for (k, e) in entries.into_iter().enumerate() {
            let idx = prev + 1 + k as u64;
            if idx <= self.log.last_index() {
                if self.log.term_at(idx) == e.term {
                    continue;
                }
                self.log.truncate(idx as usize - 1);
            }
            changed_from.get_or_insert(idx);
            self.log.push(e);
        }
        let last_new = prev + n_new;
        if p.truncate_on_match[self.me] && n_new > 0 && self.log.last_index() > last_new {
            self.log.truncate(last_new as usize);
            changed_from = Some(changed_from.map_or(last_new + 1, |c| c.min(last_new + 1)));
        }
        if let Some(from_idx) = changed_from {
            let entries = self.log.to_vec(from_idx as usize - 1, usize::MAX);
            cx.persist(RaftRecord::Log { from: from_idx, entries });
        }
        if leader_commit > self.commit {
            self.commit = self.commit.max(leader_commit.min(last_new));
            self.apply_committed(cx, p);
        }
        let m = RaftMsg::AppendEntriesResponse {
            term: self.term,
            success: true,
            match_index: last_new,
            prev_log_index: prev,
        };
        cx.send(from, m);
    }

    /// AppendEntriesResponse at the leader (§4.6).
    #[allow(clippy::too_many_arguments)]
    fn on_append_response(
        &mut self,
        cx: &mut Ctx<'_, Proto>,
        p: &RaftParams,
        from: NodeId,
        term: u64,
        success: bool,
        match_index: u64,
        prev: u64,
    ) {
        if term > self.term {
            self.adopt_term(cx, p, term);
            return;
        }
        if term < self.term || self.role != Role::Leader {
            return;
        }
        self.recent_active |= bit(from);
        if success {
            self.match_index[from] = self.match_index[from].max(match_index);
            self.next_index[from] = self.next_index[from].max(match_index + 1);
            self.advance_commit(cx, p);
            if self.role == Role::Leader && self.next_index[from] <= self.log.last_index() {
                self.send_append_entries(cx, p, from);
            }
        } else {
            self.next_index[from] = (self.match_index[from] + 1).max(self.next_index[from].min(prev));
            self.send_append_entries(cx, p, from);
        }
    }

    /// A client command arrives (§4.7): a non-leader rejects it with a hint; a leader answers a retry of an
    /// executed command from the cache, and otherwise appends, persists and replicates it at once.
    pub(super) fn client_request(
        &mut self,
        cx: &mut Ctx<'_, Proto>,
        p: &RaftParams,
        origin: Origin,
        cmd: Text,
        client: Option<ClientTag>,
    ) {
        if self.role != Role::Leader {
            let hint = self.leader.map(|l| cx.cluster().ids[l].as_str().into());
            cx.observe(RaftObs::Reject { cmd, client: client.clone(), hint });
            if let Some(tag) = client {
                self.answer(cx, p, origin, tag, ClientReply::NotLeader { hint: self.leader });
            }
            return;
        }
        if let Some(result) = client.as_ref().and_then(|t| self.sm.cached(t)) {
            cx.observe(RaftObs::Reply { cmd, client: client.clone(), result, cached: true });
            if let Some(tag) = client {
                self.answer(cx, p, origin, tag, ClientReply::Ok { result });
            }
            return;
        }
        let e = Entry { term: self.term, cmd: cmd.clone(), client: client.clone(), noop: false };
        let index = self.append(cx, e);
        cx.observe(RaftObs::Accept { index, cmd: cmd.clone(), client: client.clone() });
        self.pending.insert(index, Pending { origin, cmd, client, at: cx.mono() });
        self.broadcast_append_entries(cx, p);
        self.advance_commit(cx, p);
    }

    /// The modelled client's clock: send the next command, or re-send an unanswered one to the next server.
    pub(super) fn client_tick(&mut self, cx: &mut Ctx<'_, Proto>, p: &RaftParams) {
        let Some(every) = p.client_every else { return };
        cx.set_timer(RaftTimer::Client, every);
        let now = cx.mono();
        let n = p.n();
        let Some(c) = self.client.as_mut() else { return };
        match c.pending.as_mut() {
            None => {
                let seq = c.next_seq;
                c.next_seq += 1;
                c.pending =
                    Some(super::client::Outstanding { seq, cmd: format!("x={seq}").into(), sent_at: None, hops: 0 });
            }
            Some(out) => {
                out.hops = 0;
                match out.sent_at {
                    Some(t) if now - t < p.client_retry as i64 => return,
                    Some(_) => c.target = next_in_order(p, c.target, n),
                    None => {}
                }
            }
        }
        self.client_send(cx, p);
    }

    /// Sends the outstanding request of the modelled client to its target (directly when that is its host).
    fn client_send(&mut self, cx: &mut Ctx<'_, Proto>, p: &RaftParams) {
        let Some(c) = self.client.as_mut() else { return };
        let Some(out) = c.pending.as_mut() else { return };
        out.sent_at = Some(cx.mono());
        let tag = ClientTag { id: c.id.clone(), seq: out.seq };
        let (cmd, target) = (out.cmd.clone(), c.target);
        if target == self.me {
            self.client_request(cx, p, Origin::Local, cmd, Some(tag));
        } else {
            cx.send(target, RaftMsg::ClientRequest { client: tag, cmd });
        }
    }

    /// The modelled client gets an answer: done, or follow the leader hint.
    pub(super) fn client_response(
        &mut self,
        cx: &mut Ctx<'_, Proto>,
        p: &RaftParams,
        from: NodeId,
        tag: ClientTag,
        reply: ClientReply,
    ) {
        let n = p.n();
        let Some(c) = self.client.as_mut() else { return };
        let Some(out) = c.pending.as_mut() else { return };
        if tag.id != c.id || tag.seq != out.seq {
            return; // an answer to an earlier attempt that was already settled
        }
        match reply {
            ClientReply::Ok { result } => {
                c.pending = None;
                c.done += 1;
                cx.observe(RaftObs::ClientDone { client: tag, result });
            }
            ClientReply::NotLeader { hint } => match hint {
                Some(h) if h != from && (out.hops as usize) < n => {
                    out.hops += 1;
                    c.target = h;
                    self.client_send(cx, p);
                }
                _ => {
                    // No usable hint: try the next server at the next tick.
                    c.target = next_in_order(p, from, n);
                    out.sent_at = None;
                }
            },
        }
    }
}

/// The server after `x` in ascending id order (wrapping).
fn next_in_order(p: &RaftParams, x: NodeId, n: usize) -> NodeId {
    let pos = p.ascending.iter().position(|&i| i == x).unwrap_or(0);
    p.ascending[(pos + 1) % n]
}

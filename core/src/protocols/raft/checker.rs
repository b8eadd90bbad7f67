//! Raft's checker: every invariant of §4.11 after every event, incrementally, crashed servers' persisted logs
//! included; the liveness properties of §4.12 at the end of a run.
//!
//! The checker keeps a mirror of every server's *persisted* log as `(term, entry hash, prefix hash)` per index,
//! updated from the `log` records it sees written. The prefix hash ("chain") makes Log Matching and Leader
//! Completeness comparisons O(1) per index: two logs agree on `1..k` iff their chains at `k` are equal. The
//! committed entries form a prefix `1..K` of indices (a leader raising commitIndex from `c` to `N` commits every
//! index in `c+1..N`, and its `c` was committed before); for each index the checker keeps the first entry committed
//! there, the smallest term of a leader that committed it, and how many persisted logs hold it.

use super::state::{ClientTag, Entry, LogExt, RaftMsg, RaftObs, RaftRecord, Role, Text};
use super::{Raft, RaftParams};
use crate::check::{Checker, Found, InvariantInfo, Liveness};
use crate::hash::TraceHasher;
use crate::protocol::{EffectRef, NodeId};
use crate::sim::{ChunkedVec, World};
use crate::time::Time;
use crate::vecmap::{VecMap, VecSet};
use serde_json::{json, Map, Value};
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};

/// How many acknowledgements and rejections the report lists (the counts are always exact).
const REPORT_CLIENTS: usize = 1000;
/// How many recent acknowledgement times are kept for liveness checks.
const RECENT_ACKS: usize = 4096;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Slot {
    term: u64,
    hash: u64,
    chain: u64,
}

impl Slot {
    fn same_entry(&self, o: &Slot) -> bool {
        self.term == o.term && self.hash == o.hash
    }
}

fn entry_hash(e: &Entry) -> u64 {
    let mut h = TraceHasher::default();
    e.hash(&mut h);
    h.finish()
}

fn chain(prev: u64, hash: u64) -> u64 {
    let mut h = TraceHasher::default();
    h.write_u64(prev);
    h.write_u64(hash);
    h.finish()
}

#[derive(Clone, Debug)]
struct Committed {
    entry: Entry,
    slot: Slot,
    /// Smallest term of a leader that committed it.
    tc: u64,
    /// Persisted logs holding it at its index.
    holders: usize,
}

/// A second, different entry committed at an index that already had one (only possible when safety is broken).
#[derive(Clone, Debug)]
struct Conflict {
    index: u64,
    entry: Entry,
    slot: Slot,
    tc: u64,
}

/// A client acknowledgement: a leader answered a client after applying its command (or from the session cache).
#[derive(Clone, Debug, PartialEq)]
pub struct Ack {
    /// True time.
    pub at: Time,
    /// The leader.
    pub node: NodeId,
    /// Command.
    pub cmd: Text,
    /// Client, if tagged.
    pub client: Option<ClientTag>,
    /// Result (index at which it was executed).
    pub result: u64,
    /// Answered from the cache (a retry of an executed command).
    pub cached: bool,
}

/// A rejected client command.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejection {
    /// True time.
    pub at: Time,
    /// The server that rejected it.
    pub node: NodeId,
    /// Command.
    pub cmd: Text,
    /// Client, if tagged.
    pub client: Option<ClientTag>,
    /// Leader hint.
    pub hint: Option<Text>,
}

/// Checks R-ES, R-LAO, R-LM, R-LC, R-SMS, R-TM, R-V1, R-CI, R-LT, R-CD; evaluates R-Leader and R-Progress.
#[derive(Clone, Debug)]
pub struct RaftChecker {
    majority: usize,
    leaders_by_term: VecMap<u64, Vec<NodeId>>,
    /// The term each node currently leads.
    leading: Vec<Option<u64>>,
    /// Mirror of every persisted log.
    logs: Vec<ChunkedVec<Slot>>,
    /// First entry committed at each index (index k at k − 1).
    committed: ChunkedVec<Committed>,
    conflicts: Vec<Conflict>,
    /// Largest commit term recorded.
    tc_max: u64,
    /// First application seen at each index: (node, entry, entry hash).
    applied: ChunkedVec<(NodeId, Entry, u64)>,
    /// commitIndex last seen per live node.
    commit_seen: Vec<u64>,
    /// Last non-null vote persisted per node: (term, candidate).
    last_vote: Vec<Option<(u64, NodeId)>>,
    /// Nodes whose handler ran during the current event.
    touched: u32,
    /// Leaders elected during the current event.
    new_leaders: Vec<(NodeId, u64)>,
    /// Commits recorded (or re-recorded with a smaller term) during the current event: (index, conflict number).
    new_commits: Vec<(u64, Option<usize>)>,
    reported: VecSet<(&'static str, u64, u64)>,
    elections: Vec<(Time, NodeId, u64)>,
    acks: ChunkedVec<Ack>,
    ack_count: u64,
    recent_acks: VecDeque<Time>,
    rejects: ChunkedVec<Rejection>,
    reject_count: u64,
}

fn bit(i: NodeId) -> u32 {
    1 << i
}

impl RaftChecker {
    /// Every leader elected: (time, node, term), in order.
    pub fn elections(&self) -> &[(Time, NodeId, u64)] {
        &self.elections
    }

    /// Client acknowledgements (the first 1000).
    pub fn acks(&self) -> &ChunkedVec<Ack> {
        &self.acks
    }

    /// How many client commands were acknowledged.
    pub fn ack_count(&self) -> u64 {
        self.ack_count
    }

    /// Rejected client commands (the first 1000).
    pub fn rejections(&self) -> &ChunkedVec<Rejection> {
        &self.rejects
    }

    /// Highest index committed by any leader.
    pub fn committed_len(&self) -> u64 {
        self.committed.len() as u64
    }

    /// Time of the first client acknowledgement at or after `t`, among the most recent 4096.
    pub fn first_ack_at_or_after(&self, t: Time) -> Option<Time> {
        self.recent_acks.iter().copied().find(|&a| a >= t)
    }

    pub(super) fn report_app(&self, w: &World<'_, Raft>) -> Map<String, Value> {
        let tag = |c: &Option<ClientTag>| c.as_ref().map_or(Value::Null, |t| json!(t.to_string()));
        let acks: Vec<Value> = self
            .acks
            .iter()
            .map(|a| {
                json!({"at": a.at, "node": w.id(a.node), "cmd": &*a.cmd, "client": tag(&a.client),
                       "result": a.result, "cached": a.cached})
            })
            .collect();
        let rejects: Vec<Value> = self
            .rejects
            .iter()
            .map(|r| {
                json!({"at": r.at, "node": w.id(r.node), "cmd": &*r.cmd, "client": tag(&r.client),
                       "hint": r.hint.as_deref()})
            })
            .collect();
        let mut m = Map::new();
        m.insert("acks".into(), json!(acks));
        m.insert("acked".into(), json!(self.ack_count));
        m.insert("rejects".into(), json!(rejects));
        m.insert("rejected".into(), json!(self.reject_count));
        m.insert("committed".into(), json!(self.committed.len()));
        m
    }

    fn vote(&mut self, w: &World<'_, Raft>, i: NodeId, term: u64, v: NodeId, out: &mut Found) {
        if let Some((t, c)) = self.last_vote[i] {
            if t == term && c != v && self.reported.insert(("R-V1", i as u64, term)) {
                out.report_nodes(
                    "R-V1",
                    Some(i),
                    vec![i, c, v],
                    format!("{} persisted votes for {} and {} in term {term}", w.id(i), w.id(c), w.id(v)),
                );
            }
        }
        self.last_vote[i] = Some((term, v));
    }

    fn holders_of(&self, k: u64, slot: &Slot) -> usize {
        self.logs.iter().filter(|l| l.get(k as usize - 1).is_some_and(|s| s.same_entry(slot))).count()
    }

    fn check_durability(&mut self, w: &World<'_, Raft>, k: u64, out: &mut Found) {
        let c = &self.committed[k as usize - 1];
        if c.holders < self.majority && self.reported.insert(("R-CD", k, 0)) {
            let detail =
                format!("committed index {k} ({}) is in only {} of {} persisted logs", c.entry, c.holders, w.n());
            out.report("R-CD", None, detail);
        }
    }

    /// A `log` record: the persisted log of `i` is replaced from index `from` on.
    fn log_write(&mut self, w: &World<'_, Raft>, i: NodeId, from: u64, entries: &[Entry], out: &mut Found) {
        let from = from.max(1);
        let old_len = self.logs[i].len() as u64;
        if from > old_len + 1 {
            if self.reported.insert(("R-LT", i as u64, from)) {
                out.report("R-LT", Some(i), format!("{} wrote index {from} past the end of its log", w.id(i)));
            }
            return;
        }
        // R-LT: terms never decrease along the log, and never exceed the owner's currentTerm.
        let cur = w.durable(i).term;
        let mut t = if from >= 2 { self.logs[i][from as usize - 2].term } else { 0 };
        for (k, e) in entries.iter().enumerate() {
            let idx = from + k as u64;
            if e.term < t && self.reported.insert(("R-LT", i as u64, idx)) {
                out.report(
                    "R-LT",
                    Some(i),
                    format!("{}'s log goes from term {t} down to {} at index {idx}", w.id(i), e.term),
                );
            }
            if e.term > cur && self.reported.insert(("R-LT", i as u64, idx + (1 << 40))) {
                out.report(
                    "R-LT",
                    Some(i),
                    format!(
                        "{} stores an entry of term {} at index {idx} but its currentTerm is {cur}",
                        w.id(i),
                        e.term
                    ),
                );
            }
            t = e.term;
        }
        // R-LAO: a leader only appends to its own log.
        if from <= old_len {
            if let (Some(term), Some(node)) = (self.leading[i], w.node(i)) {
                if node.role == Role::Leader && node.term == term && self.reported.insert(("R-LAO", i as u64, term)) {
                    out.report(
                        "R-LAO",
                        Some(i),
                        format!("leader {} of term {term} overwrote its own log from index {from}", w.id(i)),
                    );
                }
            }
        }
        // R-CD bookkeeping, before and after.
        let kmax = self.committed.len() as u64;
        let mut lost = Vec::new();
        for k in from..=old_len.min(kmax) {
            let c = &mut self.committed[k as usize - 1];
            if self.logs[i][k as usize - 1].same_entry(&c.slot) {
                c.holders -= 1;
                lost.push(k);
            }
        }
        let log = &mut self.logs[i];
        log.truncate(from as usize - 1);
        let mut prev = log.last().map_or(0, |s| s.chain);
        for e in entries {
            let hash = entry_hash(e);
            prev = chain(prev, hash);
            log.push(Slot { term: e.term, hash, chain: prev });
        }
        let new_len = log.len() as u64;
        for k in from..=new_len.min(kmax) {
            let c = &mut self.committed[k as usize - 1];
            if self.logs[i][k as usize - 1].same_entry(&c.slot) {
                c.holders += 1;
            }
        }
        for k in lost {
            self.check_durability(w, k, out);
        }
        if !self.conflicts.is_empty() {
            for n in 0..self.conflicts.len() {
                let (k, slot) = (self.conflicts[n].index, self.conflicts[n].slot);
                if k >= from
                    && self.holders_of(k, &slot) < self.majority
                    && self.reported.insert(("R-CD", k, slot.hash))
                {
                    let detail = format!(
                        "committed index {k} ({}) is in fewer than a majority of persisted logs",
                        self.conflicts[n].entry
                    );
                    out.report("R-CD", None, detail);
                }
            }
        }
        // R-LM: wherever another log has the same term at an index just written, the prefixes must be equal.
        for k in from..=new_len {
            let mine = self.logs[i][k as usize - 1];
            for j in 0..self.logs.len() {
                if j == i {
                    continue;
                }
                let Some(theirs) = self.logs[j].get(k as usize - 1) else { continue };
                if theirs.term == mine.term && theirs.chain != mine.chain {
                    let (a, b) = (i.min(j), i.max(j));
                    if self.reported.insert(("R-LM", a as u64, b as u64)) {
                        out.report_nodes(
                            "R-LM",
                            Some(i),
                            vec![i, j],
                            format!(
                                "{} and {} both hold a term-{} entry at index {k} but their logs differ up to it",
                                w.id(a),
                                w.id(b),
                                mine.term
                            ),
                        );
                    }
                }
            }
        }
    }

    /// A leader raised its commitIndex from `from` to `to` in term `tc`.
    fn record_commit(&mut self, w: &World<'_, Raft>, l: NodeId, from: u64, to: u64, tc: u64, out: &mut Found) {
        let Some(node) = w.node(l) else { return };
        let to = to.min(self.logs[l].len() as u64).min(node.log.last_index());
        let kmax = self.committed.len() as u64;
        let hi = to.min(kmax);
        if hi > from {
            let same_prefix = self.logs[l][hi as usize - 1].chain == self.committed[hi as usize - 1].slot.chain;
            if !same_prefix || tc < self.tc_max {
                for k in from + 1..=hi {
                    let slot = self.logs[l][k as usize - 1];
                    let c = &mut self.committed[k as usize - 1];
                    if c.slot.same_entry(&slot) {
                        if tc < c.tc {
                            c.tc = tc;
                            self.new_commits.push((k, None));
                        }
                    } else {
                        self.conflict(w, l, k, slot, tc, out);
                    }
                }
            }
        }
        for k in kmax.max(from) + 1..=to {
            let slot = self.logs[l][k as usize - 1];
            let prev = self.committed.last().map_or(0, |c| c.slot.chain);
            let Some(entry) = node.log.at(k).cloned() else { break };
            let holders = self.holders_of(k, &slot);
            let cslot = Slot { chain: chain(prev, slot.hash), ..slot };
            self.committed.push(Committed { entry, slot: cslot, tc, holders });
            self.new_commits.push((k, None));
            self.check_durability(w, k, out);
        }
        self.tc_max = self.tc_max.max(tc);
    }

    fn conflict(&mut self, w: &World<'_, Raft>, l: NodeId, k: u64, slot: Slot, tc: u64, out: &mut Found) {
        if let Some(n) = self.conflicts.iter().position(|c| c.index == k && c.slot.same_entry(&slot)) {
            if tc < self.conflicts[n].tc {
                self.conflicts[n].tc = tc;
                self.new_commits.push((k, Some(n)));
            }
            return;
        }
        let Some(entry) = w.node(l).and_then(|r| r.log.at(k).cloned()) else { return };
        self.conflicts.push(Conflict { index: k, entry: entry.clone(), slot, tc });
        self.new_commits.push((k, Some(self.conflicts.len() - 1)));
        if self.holders_of(k, &slot) < self.majority && self.reported.insert(("R-CD", k, slot.hash)) {
            out.report(
                "R-CD",
                None,
                format!("committed index {k} ({entry}) is in fewer than a majority of persisted logs"),
            );
        }
    }

    /// R-LC for a leader just elected: it must hold every entry committed in an earlier term.
    fn check_new_leader(&mut self, w: &World<'_, Raft>, l: NodeId, term: u64, out: &mut Found) {
        let kmax = self.committed.len();
        // The last index committed in a term before `term` (everything up to it must be in the leader's log).
        let mut kstar = kmax;
        if self.tc_max >= term {
            while kstar > 0 && self.committed[kstar - 1].tc >= term {
                kstar -= 1;
            }
        }
        let log = &self.logs[l];
        let fast_ok = kstar == 0 || log.get(kstar - 1).is_some_and(|s| s.chain == self.committed[kstar - 1].slot.chain);
        if !fast_ok {
            for k in 1..=kstar {
                let c = &self.committed[k - 1];
                if c.tc < term && !log.get(k - 1).is_some_and(|s| s.same_entry(&c.slot)) {
                    self.lc_violation(w, l, term, k as u64, c.entry.clone(), out);
                    break;
                }
            }
        }
        for n in 0..self.conflicts.len() {
            let c = &self.conflicts[n];
            if c.tc < term && !self.logs[l].get(c.index as usize - 1).is_some_and(|s| s.same_entry(&c.slot)) {
                let (k, e) = (c.index, c.entry.clone());
                self.lc_violation(w, l, term, k, e, out);
            }
        }
    }

    fn lc_violation(&mut self, w: &World<'_, Raft>, l: NodeId, term: u64, k: u64, e: Entry, out: &mut Found) {
        if self.reported.insert(("R-LC", (l as u64) << 32 | k, term)) {
            out.report("R-LC", Some(l), format!("leader {} term {term} lacks committed idx {k} ({e})", w.id(l)));
        }
    }

    fn check_new_commit(&mut self, w: &World<'_, Raft>, k: u64, conflict: Option<usize>, out: &mut Found) {
        let (slot, tc, entry) = match conflict {
            None => {
                let c = &self.committed[k as usize - 1];
                (c.slot, c.tc, &c.entry)
            }
            Some(n) => {
                let c = &self.conflicts[n];
                (c.slot, c.tc, &c.entry)
            }
        };
        let entry = entry.clone();
        for l in 0..self.leading.len() {
            if let Some(term) = self.leading[l] {
                if term > tc && !self.logs[l].get(k as usize - 1).is_some_and(|s| s.same_entry(&slot)) {
                    self.lc_violation(w, l, term, k, entry.clone(), out);
                }
            }
        }
    }
}

impl Checker<Raft> for RaftChecker {
    fn new(w: &World<'_, Raft>) -> Self {
        let n = w.n();
        RaftChecker {
            majority: n / 2 + 1,
            leaders_by_term: VecMap::new(),
            leading: vec![None; n],
            logs: vec![ChunkedVec::default(); n],
            committed: ChunkedVec::default(),
            conflicts: Vec::new(),
            tc_max: 0,
            applied: ChunkedVec::default(),
            commit_seen: vec![0; n],
            last_vote: vec![None; n],
            touched: 0,
            new_leaders: Vec::new(),
            new_commits: Vec::new(),
            reported: VecSet::new(),
            elections: Vec::new(),
            acks: ChunkedVec::default(),
            ack_count: 0,
            recent_acks: VecDeque::new(),
            rejects: ChunkedVec::default(),
            reject_count: 0,
        }
    }

    fn invariants(_p: &RaftParams) -> Vec<InvariantInfo> {
        vec![
            InvariantInfo { id: "R-ES", summary: "Election Safety: at most one leader per term" },
            InvariantInfo {
                id: "R-LAO",
                summary: "Leader Append-Only: a leader never overwrites or deletes its entries",
            },
            InvariantInfo { id: "R-LM", summary: "Log Matching: same index and term means identical logs up to there" },
            InvariantInfo {
                id: "R-LC",
                summary: "Leader Completeness: every later leader holds every committed entry",
            },
            InvariantInfo {
                id: "R-SMS",
                summary: "State Machine Safety: no two servers apply different entries at an index",
            },
            InvariantInfo { id: "R-TM", summary: "currentTerm never decreases, across restarts too" },
            InvariantInfo { id: "R-V1", summary: "at most one vote per server per term (as persisted)" },
            InvariantInfo {
                id: "R-CI",
                summary: "lastApplied ≤ commitIndex ≤ lastLogIndex; commitIndex never decreases while up",
            },
            InvariantInfo { id: "R-LT", summary: "log terms never decrease and never exceed the owner's currentTerm" },
            InvariantInfo { id: "R-CD", summary: "every committed entry is in a majority of persisted logs" },
        ]
    }

    fn on_effect(&mut self, w: &World<'_, Raft>, node: NodeId, e: &EffectRef<'_, Raft>, out: &mut Found) {
        self.touched |= bit(node);
        match e {
            EffectRef::Persist(r) => match r {
                RaftRecord::Term { term, voted_for } => {
                    let old = w.durable(node).term;
                    if *term < old && self.reported.insert(("R-TM", node as u64, *term)) {
                        out.report(
                            "R-TM",
                            Some(node),
                            format!("{}'s currentTerm went from {old} down to {term}", w.id(node)),
                        );
                    }
                    if let Some(v) = voted_for {
                        self.vote(w, node, *term, *v, out);
                    }
                }
                RaftRecord::Vote { term, voted_for } => self.vote(w, node, *term, *voted_for, out),
                RaftRecord::Log { from, entries } => self.log_write(w, node, *from, entries, out),
            },
            EffectRef::Observe(o) => match o {
                RaftObs::Leader { term } => {
                    let term = *term;
                    self.elections.push((w.now(), node, term));
                    let leaders = self.leaders_by_term.entry(term).or_default();
                    if !leaders.contains(&node) {
                        leaders.push(node);
                    }
                    if leaders.len() > 1 {
                        let list = leaders.clone();
                        let names: Vec<&str> = list.iter().map(|&i| w.id(i)).collect();
                        out.report_nodes(
                            "R-ES",
                            Some(node),
                            list.clone(),
                            format!("{} leaders in term {term}: {}", list.len(), names.join(", ")),
                        );
                    }
                    self.leading[node] = Some(term);
                    self.new_leaders.push((node, term));
                }
                RaftObs::Role { role, .. } if *role != Role::Leader => self.leading[node] = None,
                RaftObs::Commit { from, to, term } => self.record_commit(w, node, *from, *to, *term, out),
                RaftObs::Apply { index, entry, .. } => {
                    let k = *index as usize;
                    let hash = entry_hash(entry);
                    if k == self.applied.len() + 1 {
                        self.applied.push((node, entry.clone(), hash));
                    } else if let Some((first, e, h)) = self.applied.get(k - 1) {
                        if (*h != hash || e.term != entry.term) && self.reported.insert(("R-SMS", *index, node as u64))
                        {
                            let detail = format!(
                                "{} applied {entry} at index {k} but {} applied {e} there",
                                w.id(node),
                                w.id(*first)
                            );
                            out.report_nodes("R-SMS", Some(node), vec![node, *first], detail);
                        }
                    }
                }
                RaftObs::Reply { cmd, client, result, cached } => {
                    self.ack_count += 1;
                    if self.recent_acks.len() == RECENT_ACKS {
                        self.recent_acks.pop_front();
                    }
                    self.recent_acks.push_back(w.now());
                    if self.acks.len() < REPORT_CLIENTS {
                        self.acks.push(Ack {
                            at: w.now(),
                            node,
                            cmd: cmd.clone(),
                            client: client.clone(),
                            result: *result,
                            cached: *cached,
                        });
                    }
                }
                RaftObs::Reject { cmd, client, hint } => {
                    self.reject_count += 1;
                    if self.rejects.len() < REPORT_CLIENTS {
                        self.rejects.push(Rejection {
                            at: w.now(),
                            node,
                            cmd: cmd.clone(),
                            client: client.clone(),
                            hint: hint.clone(),
                        });
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }

    fn on_deliver(&mut self, w: &World<'_, Raft>, node: NodeId, from: NodeId, m: &RaftMsg, out: &mut Found) {
        self.touched |= bit(node);
        if let RaftMsg::AppendEntries { term, .. } = m {
            if let Some(r) = w.node(node) {
                if r.role == Role::Leader && r.term == *term && self.reported.insert(("R-ES", *term, 1 << 40)) {
                    out.report_nodes(
                        "R-ES",
                        Some(node),
                        vec![node, from],
                        format!(
                            "leader {} of term {term} received AppendEntries of its own term from {}",
                            w.id(node),
                            w.id(from)
                        ),
                    );
                }
            }
        }
    }

    fn on_crash(&mut self, _w: &World<'_, Raft>, node: NodeId, _up: bool, _out: &mut Found) {
        self.leading[node] = None;
        self.commit_seen[node] = 0;
    }

    fn after_event(&mut self, w: &World<'_, Raft>, out: &mut Found) {
        if self.touched == 0 {
            return;
        }
        if !self.new_leaders.is_empty() {
            for (l, term) in std::mem::take(&mut self.new_leaders) {
                self.check_new_leader(w, l, term, out);
            }
        }
        if !self.new_commits.is_empty() {
            for (k, c) in std::mem::take(&mut self.new_commits) {
                self.check_new_commit(w, k, c, out);
            }
        }
        let mut t = std::mem::take(&mut self.touched);
        while t != 0 {
            let i = t.trailing_zeros() as NodeId;
            t &= t - 1;
            let Some(r) = w.node(i) else { continue };
            let last = r.log.last_index();
            if !(r.applied <= r.commit && r.commit <= last) && self.reported.insert(("R-CI", i as u64, r.commit)) {
                out.report(
                    "R-CI",
                    Some(i),
                    format!(
                        "{}: lastApplied {} ≤ commitIndex {} ≤ lastLogIndex {last} does not hold",
                        w.id(i),
                        r.applied,
                        r.commit
                    ),
                );
            }
            if r.commit < self.commit_seen[i] && self.reported.insert(("R-CI", i as u64, r.commit + (1 << 40))) {
                out.report(
                    "R-CI",
                    Some(i),
                    format!("{}'s commitIndex went down from {} to {}", w.id(i), self.commit_seen[i], r.commit),
                );
            }
            self.commit_seen[i] = r.commit;
        }
    }

    fn liveness(&self, w: &World<'_, Raft>) -> Vec<Liveness> {
        let p = w.params();
        let n = w.n();
        // A functioning leader: up, not paused, and recognised by a majority (itself included) in its term.
        let mut leader: Option<(NodeId, u64, Vec<NodeId>)> = None;
        for l in 0..n {
            let Some(r) = w.node(l) else { continue };
            if r.role != Role::Leader || w.paused(l) {
                continue;
            }
            let followers: Vec<NodeId> = (0..n)
                .filter(|&i| i != l)
                .filter(|&i| w.node(i).is_some_and(|f| f.term == r.term && f.leader == Some(l)))
                .collect();
            if 1 + followers.len() >= self.majority && leader.as_ref().is_none_or(|(_, t, _)| r.term > *t) {
                leader = Some((l, r.term, followers));
            }
        }
        let top_term = (0..n).map(|i| w.durable(i).term).max().unwrap_or(0);
        let (elect, progress) = match &leader {
            Some((l, term, followers)) => {
                let names: Vec<&str> = followers.iter().map(|&i| w.id(i)).collect();
                let elect = Liveness {
                    property: "R-Leader",
                    holds: true,
                    detail: format!("{} leads term {term}, followed by {}", w.id(*l), names.join(", ")),
                };
                let r = w.node(*l).expect("leader is up");
                let now = w.clock(*l).mc(w.now());
                let bound = (p.election_min + p.heartbeat) as i64;
                let stuck: Vec<String> = r
                    .pending
                    .iter()
                    .filter(|(_, pd)| now - pd.at >= bound)
                    .map(|(i, pd)| format!("{}@{i}", pd.cmd))
                    .collect();
                let progress = if stuck.is_empty() {
                    Liveness {
                        property: "R-Progress",
                        holds: true,
                        detail: format!(
                            "every command {} accepted more than {bound} ms ago is committed (commitIndex {})",
                            w.id(*l),
                            r.commit
                        ),
                    }
                } else {
                    Liveness {
                        property: "R-Progress",
                        holds: false,
                        detail: format!(
                            "{} has uncommitted commands older than {bound} ms: {}",
                            w.id(*l),
                            stuck.join(", ")
                        ),
                    }
                };
                (elect, progress)
            }
            None => (
                Liveness {
                    property: "R-Leader",
                    holds: false,
                    detail: format!("no leader recognised by a majority (highest term {top_term})"),
                },
                Liveness { property: "R-Progress", holds: false, detail: "no leader, so no command can commit".into() },
            ),
        };
        vec![elect, progress]
    }
}

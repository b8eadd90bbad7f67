//! The 2PC checker: the safety invariants of protocols.md §2.9 after every event, liveness (§2.10) at the end.
//!
//! Decisions are taken from the effects themselves: a decision record being persisted, or a decision announced
//! without a record (only when `coordinatorLogsDecision` is off). The write-ahead invariants compare each send with
//! the sender's stable state at that instant. AC-Coordinator is checked against what the coordinator actually
//! received (the YES votes delivered to it since it last booted), not against what it claims.

use super::common::{self, Decision, DecisionBook};
use super::{ledgers, PState, TcState, TwoPc, TwoPcMsg, TwoPcObs, TwoPcRecord, TC};
use crate::check::{Checker, Found, InvariantInfo, Liveness};
use crate::protocol::{EffectRef, Message, NodeId};
use crate::sim::World;
use crate::time::Time;
use crate::vecmap::{VecMap, VecSet};
use crate::view::ProtoView;

/// Checks AC-Agreement, AC-Irrevocability, AC-Validity, AC-Coordinator, WAL-1/2/3 and APP-Conservation; evaluates
/// AC-NonTriviality and AC-Termination.
#[derive(Clone, Debug)]
pub struct TwoPcChecker {
    book: DecisionBook,
    parts: Vec<NodeId>,
    ids: Vec<String>,
    /// The TC has logged BEGIN in its current life and not decided yet.
    tc_wait: bool,
    /// YES votes delivered to the TC in its current life.
    tc_yes: VecSet<NodeId>,
    app_dirty: bool,
    /// (invariant, node) pairs already reported.
    reported: VecSet<(&'static str, NodeId)>,
    crashes: u64,
    no_vote: bool,
    /// (src, dst, type) → (sent, delivered), to tell a run without losses.
    traffic: VecMap<(NodeId, NodeId, &'static str), (u64, u64)>,
    /// Each node's state after the last event (kept for the report while it is down).
    last_state: Vec<&'static str>,
    /// Per node: since when the participant has been blocked (§2.8), if it is.
    blocked: Vec<Option<Time>>,
}

impl TwoPcChecker {
    /// The decisions taken so far.
    pub fn book(&self) -> &DecisionBook {
        &self.book
    }

    /// The state node `i` was in after the last event it was up for.
    pub fn last_state(&self, i: NodeId) -> &'static str {
        self.last_state[i]
    }

    /// Since when participant `i` has been blocked, if it is (§2.8).
    pub fn blocked_since(&self, i: NodeId) -> Option<Time> {
        self.blocked[i]
    }

    /// §2.8: a participant is blocked while it is PREPARED, its decision timer has fired at least once, and no
    /// process it can reach knows the decision. Reaching needs the network both ways and the other process up;
    /// knowing means having decided (the TC's COMMIT or ABORT, a participant's). So asking a peer that knows
    /// (cases 2 and 3) is not blocking, and a partition that heals, or a TC that recovers with its decision logged,
    /// ends a block before the decision even arrives.
    fn update_blocked(&mut self, w: &World<'_, TwoPc>, out: &mut Found) {
        let knows = |q: NodeId| match w.node(q) {
            Some(TwoPc::Coordinator(c)) => matches!(c.state, TcState::Decided(_) | TcState::Ended(_)),
            Some(TwoPc::Participant(x)) => matches!(x.state, PState::Decided(_)),
            None => false,
        };
        for &i in &self.parts {
            let blocked = match w.node(i) {
                Some(TwoPc::Participant(x)) => {
                    x.state == PState::Prepared
                        && x.rounds > 0
                        && !(0..w.n()).any(|q| q != i && w.up(q) && w.connected(i, q) && knows(q))
                }
                _ => false,
            };
            match (blocked, self.blocked[i]) {
                (true, None) => {
                    self.blocked[i] = Some(w.now());
                    out.note(
                        i,
                        "blocked",
                        "blocked: uncertain, holding its locks; no process it can reach knows the decision",
                    );
                }
                (false, Some(_)) => self.blocked[i] = None,
                _ => {}
            }
        }
    }

    fn once(&mut self, id: &'static str, node: NodeId) -> bool {
        self.reported.insert((id, node))
    }

    fn wal(&mut self, id: &'static str, node: NodeId, ok: bool, detail: impl FnOnce() -> String, out: &mut Found) {
        if !ok && self.once(id, node) {
            out.report(id, Some(node), detail());
        }
    }

    fn decided(&mut self, w: &World<'_, TwoPc>, node: NodeId, d: Decision, out: &mut Found) {
        for b in self.book.decide(node, d, w.now(), &self.parts, &self.ids) {
            out.report_nodes(b.id, Some(b.node), b.nodes, b.detail);
        }
        if node == TC {
            if d == Decision::Commit {
                let missing: Vec<String> =
                    self.parts.iter().filter(|p| !self.tc_yes.contains(p)).map(|&p| self.ids[p].clone()).collect();
                if (!self.tc_wait || !missing.is_empty()) && self.once("AC-Coordinator", TC) {
                    let detail = if !self.tc_wait {
                        format!("{} decided COMMIT outside WAIT", self.ids[TC])
                    } else {
                        format!("{} decided COMMIT without a YES from {}", self.ids[TC], missing.join(", "))
                    };
                    out.report("AC-Coordinator", Some(TC), detail);
                }
            }
            self.tc_wait = false;
        }
        self.app_dirty = true;
    }
}

impl Checker<TwoPc> for TwoPcChecker {
    fn new(w: &World<'_, TwoPc>) -> Self {
        TwoPcChecker {
            book: DecisionBook::new(w.n()),
            parts: common::participants(w.cluster()),
            ids: w.cluster().ids.clone(),
            tc_wait: false,
            tc_yes: VecSet::new(),
            app_dirty: false,
            reported: VecSet::new(),
            crashes: 0,
            no_vote: false,
            traffic: VecMap::new(),
            last_state: (0..w.n()).map(|i| if i == TC { "IDLE" } else { "INIT" }).collect(),
            blocked: vec![None; w.n()],
        }
    }

    fn invariants(_p: &super::TwoPcParams) -> Vec<InvariantInfo> {
        vec![
            InvariantInfo { id: "AC-Agreement", summary: "no process decides COMMIT while another decides ABORT" },
            InvariantInfo {
                id: "AC-Irrevocability",
                summary: "a process never changes its decision, even across a crash",
            },
            InvariantInfo { id: "AC-Validity", summary: "COMMIT is decided only after every participant voted YES" },
            InvariantInfo {
                id: "AC-Coordinator",
                summary: "the TC commits only in WAIT with a YES from every participant",
            },
            InvariantInfo { id: "WAL-1", summary: "a participant votes YES only once PREPARED is in its stable log" },
            InvariantInfo { id: "WAL-2", summary: "the TC announces COMMIT only once COMMIT is in its stable log" },
            InvariantInfo {
                id: "WAL-3",
                summary: "a participant acknowledges or reports a decision only once it is durable",
            },
            InvariantInfo { id: "APP-Conservation", summary: "once all have decided, no money was created or lost" },
        ]
    }

    fn on_effect(&mut self, w: &World<'_, TwoPc>, node: NodeId, e: &EffectRef<'_, TwoPc>, out: &mut Found) {
        match e {
            EffectRef::Persist(r) => match r {
                TwoPcRecord::Begin { .. } if node == TC => {
                    self.tc_wait = true;
                }
                TwoPcRecord::Commit { .. } => self.decided(w, node, Decision::Commit, out),
                TwoPcRecord::Abort { .. } => self.decided(w, node, Decision::Abort, out),
                _ => {}
            },
            EffectRef::Observe(TwoPcObs::Decide { decision, logged: false, .. }) => {
                self.decided(w, node, *decision, out)
            }
            EffectRef::Observe(TwoPcObs::TxResult { decision: Decision::Commit }) => {
                let ok = w.durable(node).decision == Some(Decision::Commit);
                let id = self.ids[node].clone();
                self.wal(
                    "WAL-2",
                    node,
                    ok,
                    || format!("{id} reported success to the client before COMMIT was logged"),
                    out,
                );
            }
            EffectRef::Send { to, msg } => {
                self.traffic.entry((node, *to, msg.kind())).or_default().0 += 1;
                let d = w.durable(node);
                let (id, to_id) = (self.ids[node].clone(), self.ids[*to].clone());
                match msg {
                    TwoPcMsg::Vote { yes: true, .. } if node != TC => {
                        self.book.yes_sent.insert(node);
                        let ok = d.prepared;
                        self.wal(
                            "WAL-1",
                            node,
                            ok,
                            || format!("{id} voted YES without PREPARED in its stable log"),
                            out,
                        );
                    }
                    TwoPcMsg::Vote { yes: false, .. } => self.no_vote = true,
                    TwoPcMsg::Decision { decision: Decision::Commit, .. } if node == TC => {
                        let ok = d.decision == Some(Decision::Commit);
                        let detail = || format!("{id} sent COMMIT to {to_id} without COMMIT in its stable log");
                        self.wal("WAL-2", node, ok, detail, out);
                    }
                    TwoPcMsg::Ack { .. } if node != TC => {
                        let ok = d.decision.is_some();
                        self.wal("WAL-3", node, ok, || format!("{id} sent ACK before its decision was durable"), out);
                    }
                    TwoPcMsg::DecisionResp { state: super::PeerAnswer::Decided(x), .. } => {
                        let ok = d.decision == Some(*x);
                        let name = x.name();
                        self.wal("WAL-3", node, ok, || format!("{id} told {to_id} {name} before logging it"), out);
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    fn on_deliver(&mut self, _w: &World<'_, TwoPc>, node: NodeId, from: NodeId, m: &TwoPcMsg, _out: &mut Found) {
        self.traffic.entry((from, node, m.kind())).or_default().1 += 1;
        if node == TC {
            if let TwoPcMsg::Vote { yes: true, .. } = m {
                self.tc_yes.insert(from);
            }
        }
    }

    fn on_crash(&mut self, w: &World<'_, TwoPc>, node: NodeId, up: bool, _out: &mut Found) {
        if !up {
            self.crashes += 1;
            // The state it crashed in (see `Checker::on_crash` for a crash hook's handler).
            if let Some(x) = w.node(node) {
                self.last_state[node] = x.state_name();
            }
        }
        if node == TC {
            // The TC's vote tally and WAIT state are volatile: a new life starts from its log.
            self.tc_wait = false;
            self.tc_yes.clear();
        }
    }

    fn after_event(&mut self, w: &World<'_, TwoPc>, out: &mut Found) {
        for i in 0..w.n() {
            if let Some(x) = w.node(i) {
                self.last_state[i] = x.state_name();
            }
        }
        self.update_blocked(w, out);
        if !self.app_dirty {
            return;
        }
        self.app_dirty = false;
        if self.reported.contains(&("APP-Conservation", TC)) {
            return;
        }
        let p = w.params();
        let ledgers = ledgers(w);
        if let Some(detail) = common::conservation(&p.app, &self.parts, &w.durable(TC).ops, &ledgers, &self.ids) {
            self.reported.insert(("APP-Conservation", TC));
            out.report_nodes("APP-Conservation", None, self.parts.clone(), detail);
        }
    }

    fn annotate(&self, node: NodeId, view: &mut ProtoView) {
        view.blocked_since = self.blocked[node];
    }

    fn liveness(&self, w: &World<'_, TwoPc>) -> Vec<Liveness> {
        let started = w.durable(TC).begun || self.book.taken.iter().any(|t| !t.is_empty());
        let mut waiting = Vec::new();
        for i in 0..w.n() {
            match w.node(i) {
                Some(TwoPc::Coordinator(c)) if c.state == TcState::Wait => {
                    waiting.push(format!("{} still waiting for votes", self.ids[i]));
                }
                Some(TwoPc::Participant(x)) => match (x.state, self.blocked[i]) {
                    (PState::Prepared, Some(t)) => waiting.push(format!("{} blocked since {t}", self.ids[i])),
                    (PState::Prepared, None) => waiting.push(format!("{} uncertain", self.ids[i])),
                    (PState::Init, _) if started => waiting.push(format!("{} has not voted", self.ids[i])),
                    _ => {}
                },
                _ => {}
            }
        }
        let termination = if !started {
            Liveness { property: "AC-Termination", holds: true, detail: "no transaction was submitted".into() }
        } else if waiting.is_empty() {
            Liveness { property: "AC-Termination", holds: true, detail: "every live process has decided".into() }
        } else {
            Liveness { property: "AC-Termination", holds: false, detail: waiting.join("; ") }
        };
        let lossless = self.traffic.values().all(|(sent, got)| got >= sent);
        let all_yes = self.parts.iter().all(|p| self.book.yes_sent.contains(p)) && !self.no_vote;
        let premise = started && self.crashes == 0 && lossless && all_yes;
        let all_commit = (0..w.n()).all(|i| self.book.taken[i].iter().all(|(d, _)| *d == Decision::Commit))
            && (0..w.n()).all(|i| !self.book.taken[i].is_empty());
        let nontriviality = if !premise {
            Liveness {
                property: "AC-NonTriviality",
                holds: true,
                detail: "not applicable: a failure, a loss or a NO vote occurred (or no transaction)".into(),
            }
        } else {
            Liveness {
                property: "AC-NonTriviality",
                holds: all_commit,
                detail: if all_commit {
                    "no failure and every vote YES: everyone committed".into()
                } else {
                    "no failure and every vote YES, yet not everyone committed".into()
                },
            }
        };
        vec![nontriviality, termination]
    }
}

#[cfg(test)]
mod tests {
    //! The invariants a correct 2PC never breaks still have to be able to fire: feed the checker the effect a
    //! faulty coordinator or participant would emit, at a real point of a real run.
    use super::*;
    use crate::protocol::Effect;
    use crate::scenario::Scenario;
    use crate::sim::Simulation;

    /// 2PC-1 stopped at `t`.
    fn at(t: u64) -> Simulation<TwoPc> {
        let s = Scenario::parse(
            r#"{"format":1,"id":"x","protocol":"2pc","nodes":["TC","K","S"],
                "schedule":[{"at":0,"submit":{"node":"TC","txid":"T1"}}],"runUntil":200}"#,
        )
        .unwrap();
        let mut sim = Simulation::<TwoPc>::new(&s).unwrap();
        sim.advance_to(t);
        sim
    }

    fn feed(sim: &Simulation<TwoPc>, node: NodeId, e: Effect<TwoPc>) -> Vec<&'static str> {
        let mut c = sim.checker().clone();
        let mut out = Found::default();
        c.on_effect(&sim.world(), node, &e.as_ref(), &mut out);
        c.after_event(&sim.world(), &mut out);
        out.list.iter().map(|v| v.invariant).collect()
    }

    #[test]
    fn ac_coordinator_flags_a_commit_before_the_votes_arrived() {
        // At t=15 both YES votes are in flight: a TC committing now has not received them.
        let sim = at(15);
        let found = feed(&sim, TC, Effect::Persist(TwoPcRecord::Commit { txid: Some("T1".into()), posting: None }));
        assert_eq!(found, vec!["AC-Coordinator"]);
        // Once they are delivered, the same commit is legitimate.
        let sim = at(21);
        assert!(sim.first_violations().is_empty());
        assert_eq!(sim.checker().book().names(TC), vec!["COMMIT"]);
    }

    #[test]
    fn ac_validity_flags_a_commit_before_anyone_voted() {
        let sim = at(5);
        let found = feed(&sim, TC, Effect::Persist(TwoPcRecord::Commit { txid: Some("T1".into()), posting: None }));
        assert!(found.contains(&"AC-Validity"), "{found:?}");
    }

    #[test]
    fn wal_3_flags_an_ack_before_the_decision_is_durable() {
        let sim = at(15);
        let k = sim.shared().cluster.index("K").unwrap();
        let found = feed(&sim, k, Effect::Send { to: TC, msg: TwoPcMsg::Ack { txid: "T1".into() } });
        assert_eq!(found, vec!["WAL-3"]);
        let answer =
            TwoPcMsg::DecisionResp { txid: "T1".into(), state: super::super::PeerAnswer::Decided(Decision::Commit) };
        assert_eq!(feed(&sim, k, Effect::Send { to: 2, msg: answer }), vec!["WAL-3"]);
    }

    #[test]
    fn ac_irrevocability_and_agreement_flag_a_participant_that_changes_its_mind() {
        let sim = at(35); // everyone committed at t=30
        let k = sim.shared().cluster.index("K").unwrap();
        let mut found = feed(&sim, k, Effect::Persist(TwoPcRecord::Abort { txid: Some("T1".into()) }));
        crate::sort::sort(&mut found);
        assert_eq!(found, vec!["AC-Agreement", "AC-Irrevocability"]);
    }
}

//! The 3PC checker: the invariants of protocols.md §3.9 after every event, liveness (§3.10) at the end.
//!
//! 3PC-T1 is checked against the STATE_REPORTs actually delivered to the termination coordinator in its current
//! round and against its own state when it started that round (its own report, §3.7), not only against the reports
//! it says it used. A coordinator that becomes COMMITTABLE after it elected itself (a late PRE_COMMIT) keeps the
//! round it started, with the report it had (§3.7 ends a round only with a decision), so TR3 over those reports
//! follows the rule and is not flagged, even though its premise ("had C committed, every operational participant
//! would be COMMITTABLE") fails when a timeout suspected a live process: that run breaks AC-Agreement instead
//! (3PC-13). 3PC-C1 is judged within one life of the coordinator: it is the rule of §3.5 that a coordinator
//! which has sent PRE_COMMIT may no longer abort. After a crash it recovers as RECOVERING and only adopts what it is
//! told (§3.8), which can correctly be ABORT: survivors that were all UNCERTAIN abort by TR3 even after a PRE_COMMIT
//! reached a participant that then crashed. AC-Agreement judges that adoption.

use super::common::{self, Decision, DecisionBook};
use super::{ledgers, CState, Reported, ThreePc, ThreePcMsg, ThreePcObs, ThreePcRecord, C};
use crate::check::{Checker, Found, InvariantInfo, Liveness};
use crate::protocol::{EffectRef, Message, NodeId};
use crate::sim::World;
use crate::vecmap::{VecMap, VecSet};

/// Checks AC-Agreement, AC-Irrevocability, AC-Validity, WAL-1/2/3, 3PC-NB, 3PC-C1, 3PC-T1 and APP-Conservation;
/// evaluates AC-NonTriviality, AC-Termination and 3PC-NonBlocking.
#[derive(Clone, Debug)]
pub struct ThreePcChecker {
    book: DecisionBook,
    parts: Vec<NodeId>,
    ids: Vec<String>,
    /// The coordinator has sent a PRE_COMMIT in its current life.
    c_precommit_sent: bool,
    /// Per node: it became COMMITTABLE in its current life.
    committable: Vec<bool>,
    /// Per node: it was COMMITTABLE when it elected itself termination coordinator (its own report).
    round_committable: Vec<bool>,
    /// Per node: STATE_REPORTs delivered to it since it last sent STATE_REQ.
    round_reports: Vec<VecMap<NodeId, Reported>>,
    app_dirty: bool,
    nb_reported: bool,
    /// (invariant, node) pairs already reported.
    reported: VecSet<(&'static str, NodeId)>,
    crashes: u64,
    no_vote: bool,
    traffic: VecMap<(NodeId, NodeId, &'static str), (u64, u64)>,
    /// Each node's state after the last event (kept for the report while it is down).
    last_state: Vec<&'static str>,
}

impl ThreePcChecker {
    /// The decisions taken so far.
    pub fn book(&self) -> &DecisionBook {
        &self.book
    }

    /// The state node `i` was in after the last event it was up for.
    pub fn last_state(&self, i: NodeId) -> &'static str {
        self.last_state[i]
    }

    fn once(&mut self, id: &'static str, node: NodeId) -> bool {
        self.reported.insert((id, node))
    }

    fn decided(&mut self, w: &World<'_, ThreePc>, node: NodeId, d: Decision, out: &mut Found) {
        for b in self.book.decide(node, d, w.now(), &self.parts, &self.ids) {
            out.report_nodes(b.id, Some(b.node), b.nodes, b.detail);
        }
        if node == C && d == Decision::Abort && self.c_precommit_sent && self.once("3PC-C1", C) {
            let detail = format!("{} decided ABORT after sending PRE_COMMIT", self.ids[C]);
            out.report("3PC-C1", Some(C), detail);
        }
        self.app_dirty = true;
    }

    fn wal(&mut self, id: &'static str, node: NodeId, ok: bool, detail: impl FnOnce() -> String, out: &mut Found) {
        if !ok && self.once(id, node) {
            out.report(id, Some(node), detail());
        }
    }
}

impl Checker<ThreePc> for ThreePcChecker {
    fn new(w: &World<'_, ThreePc>) -> Self {
        ThreePcChecker {
            book: DecisionBook::new(w.n()),
            parts: common::participants(w.cluster()),
            ids: w.cluster().ids.clone(),
            c_precommit_sent: false,
            committable: vec![false; w.n()],
            round_committable: vec![false; w.n()],
            round_reports: vec![VecMap::new(); w.n()],
            app_dirty: false,
            nb_reported: false,
            reported: VecSet::new(),
            crashes: 0,
            no_vote: false,
            traffic: VecMap::new(),
            last_state: (0..w.n()).map(|i| if i == C { "IDLE" } else { "INIT" }).collect(),
        }
    }

    fn invariants(_p: &super::ThreePcParams) -> Vec<InvariantInfo> {
        vec![
            InvariantInfo { id: "AC-Agreement", summary: "no process decides COMMIT while another decides ABORT" },
            InvariantInfo {
                id: "AC-Irrevocability",
                summary: "a process never changes its decision, even across a crash",
            },
            InvariantInfo { id: "AC-Validity", summary: "COMMIT is decided only after every participant voted YES" },
            InvariantInfo { id: "WAL-1", summary: "a participant votes YES only once YES is in its stable log" },
            InvariantInfo { id: "WAL-2", summary: "a process sends COMMIT only once COMMIT is in its stable log" },
            InvariantInfo { id: "WAL-3", summary: "a process sends or reports a decision only once it is durable" },
            InvariantInfo {
                id: "3PC-NB",
                summary: "once anyone committed, no live, non-recovering participant is UNCERTAIN",
            },
            InvariantInfo { id: "3PC-C1", summary: "the coordinator never aborts after sending PRE_COMMIT" },
            InvariantInfo { id: "3PC-T1", summary: "TR3 (abort) only when every state collected is UNCERTAIN" },
            InvariantInfo { id: "APP-Conservation", summary: "once all have decided, no money was created or lost" },
        ]
    }

    fn on_effect(&mut self, w: &World<'_, ThreePc>, node: NodeId, e: &EffectRef<'_, ThreePc>, out: &mut Found) {
        match e {
            EffectRef::Persist(ThreePcRecord::Commit { .. }) => self.decided(w, node, Decision::Commit, out),
            EffectRef::Persist(ThreePcRecord::Abort { .. }) => self.decided(w, node, Decision::Abort, out),
            EffectRef::Persist(_) => {}
            EffectRef::Observe(ThreePcObs::Committable { .. }) => self.committable[node] = true,
            EffectRef::Observe(ThreePcObs::Elected { coord, .. }) if *coord == self.ids[node] => {
                self.round_committable[node] = self.committable[node];
            }
            EffectRef::Observe(ThreePcObs::Rule { rule: rule @ ("TR3" | "SKEEN-ABORT"), reports }) => {
                let mut wrong: Vec<String> = reports
                    .iter()
                    .filter(|(_, s)| *s != Reported::Uncertain)
                    .map(|(q, s)| format!("{q} reported {}", s.name()))
                    .collect();
                if self.round_committable[node] {
                    wrong.push(format!("{} itself was COMMITTABLE", self.ids[node]));
                }
                if *rule == "TR3" {
                    wrong.extend(
                        self.round_reports[node]
                            .iter()
                            .filter(|(_, s)| **s != Reported::Uncertain)
                            .map(|(q, s)| format!("{} reported {}", self.ids[*q], s.name())),
                    );
                }
                if !wrong.is_empty() && self.once("3PC-T1", node) {
                    let detail = format!("{} applied {rule} although {}", self.ids[node], wrong.join(", "));
                    out.report("3PC-T1", Some(node), detail);
                }
            }
            EffectRef::Observe(_) => {}
            EffectRef::Send { to, msg } => {
                self.traffic.entry((node, *to, msg.kind())).or_default().0 += 1;
                let durable = w.durable(node);
                let (id, to_id) = (self.ids[node].clone(), self.ids[*to].clone());
                match msg {
                    ThreePcMsg::Vote { yes: true, .. } => {
                        self.book.yes_sent.insert(node);
                        let ok = durable.yes;
                        self.wal("WAL-1", node, ok, || format!("{id} voted YES without YES in its stable log"), out);
                    }
                    ThreePcMsg::Vote { yes: false, .. } => self.no_vote = true,
                    ThreePcMsg::PreCommit { .. } if node == C => self.c_precommit_sent = true,
                    ThreePcMsg::Decision { decision: Decision::Commit, .. } => {
                        let ok = durable.decision == Some(Decision::Commit);
                        self.wal("WAL-2", node, ok, || format!("{id} sent COMMIT to {to_id} before logging it"), out);
                    }
                    ThreePcMsg::Decision { decision: Decision::Abort, .. } => {
                        let ok = durable.decision == Some(Decision::Abort);
                        self.wal("WAL-3", node, ok, || format!("{id} sent ABORT to {to_id} before logging it"), out);
                    }
                    ThreePcMsg::StateReport { state: s @ (Reported::Committed | Reported::Aborted), .. } => {
                        let logged = match s {
                            Reported::Committed => Some(Decision::Commit),
                            _ => Some(Decision::Abort),
                        };
                        let ok = durable.decision == logged;
                        let name = s.name();
                        self.wal("WAL-3", node, ok, || format!("{id} reported {name} before logging it"), out);
                    }
                    ThreePcMsg::StateReq { .. } => self.round_reports[node].clear(),
                    _ => {}
                }
            }
            _ => {}
        }
    }

    fn on_deliver(&mut self, _w: &World<'_, ThreePc>, node: NodeId, from: NodeId, m: &ThreePcMsg, _out: &mut Found) {
        self.traffic.entry((from, node, m.kind())).or_default().1 += 1;
        if let ThreePcMsg::StateReport { state, .. } = m {
            self.round_reports[node].insert(from, *state);
        }
    }

    fn on_crash(&mut self, w: &World<'_, ThreePc>, node: NodeId, up: bool, _out: &mut Found) {
        if !up {
            self.crashes += 1;
            // The state it crashed in (see `Checker::on_crash` for a crash hook's handler).
            if let Some(x) = w.node(node) {
                self.last_state[node] = x.state_name();
            }
        }
        // Everything below is volatile at the node: a new life starts from its log.
        self.committable[node] = false;
        self.round_committable[node] = false;
        self.round_reports[node].clear();
        if node == C {
            self.c_precommit_sent = false;
        }
    }

    fn after_event(&mut self, w: &World<'_, ThreePc>, out: &mut Found) {
        for i in 0..w.n() {
            if let Some(x) = w.node(i) {
                self.last_state[i] = x.state_name();
            }
        }
        if !self.nb_reported && self.book.any_commit() {
            let uncertain: Vec<NodeId> = self
                .parts
                .iter()
                .copied()
                .filter(|&i| matches!(w.node(i), Some(ThreePc::Participant(x)) if x.is_uncertain()))
                .collect();
            if !uncertain.is_empty() {
                self.nb_reported = true;
                let committed: Vec<&str> = (0..w.n())
                    .filter(|&i| self.book.taken[i].iter().any(|(d, _)| *d == Decision::Commit))
                    .map(|i| self.ids[i].as_str())
                    .collect();
                let unc: Vec<&str> = uncertain.iter().map(|&i| self.ids[i].as_str()).collect();
                let detail = format!(
                    "{} committed while {} {} up and UNCERTAIN",
                    committed.join(", "),
                    unc.join(", "),
                    if unc.len() == 1 { "is" } else { "are" }
                );
                out.report_nodes("3PC-NB", Some(uncertain[0]), uncertain, detail);
            }
        }
        if self.app_dirty {
            self.app_dirty = false;
            if self.reported.contains(&("APP-Conservation", C)) {
                return;
            }
            let ledgers = ledgers(w);
            let p = w.params();
            if let Some(detail) = common::conservation(&p.app, &self.parts, &w.durable(C).ops, &ledgers, &self.ids) {
                self.reported.insert(("APP-Conservation", C));
                out.report_nodes("APP-Conservation", None, self.parts.clone(), detail);
            }
        }
    }

    fn liveness(&self, w: &World<'_, ThreePc>) -> Vec<Liveness> {
        let started = w.durable(C).begun || self.book.taken.iter().any(|t| !t.is_empty());
        let mut undecided = Vec::new();
        let mut operational_undecided = Vec::new();
        for i in 0..w.n() {
            let name = &self.ids[i];
            match w.node(i) {
                Some(ThreePc::Coordinator(c)) => match c.state {
                    CState::Wait | CState::PreCommit => undecided.push(format!("{name} undecided")),
                    CState::Recovering => undecided.push(match c.blocked_since {
                        Some(t) => format!("{name} blocked since {t}"),
                        None => format!("{name} recovering"),
                    }),
                    _ => {}
                },
                Some(ThreePc::Participant(x)) => {
                    let s = x.state_name();
                    match s {
                        "COMMITTED" | "ABORTED" => {}
                        "INIT" => {
                            // It never entered the protocol: AC-Termination counts it, non-blocking does not.
                            if started {
                                undecided.push(format!("{name} has not voted"));
                            }
                        }
                        "RECOVERING" => undecided.push(match x.blocked_since {
                            Some(t) => format!("{name} blocked since {t}"),
                            None => format!("{name} recovering"),
                        }),
                        _ => {
                            undecided.push(format!("{name} still {s}"));
                            operational_undecided.push(format!("{name} still {s}"));
                        }
                    }
                }
                None => {}
            }
        }
        let termination = if !started {
            Liveness { property: "AC-Termination", holds: true, detail: "no transaction was submitted".into() }
        } else if undecided.is_empty() {
            Liveness { property: "AC-Termination", holds: true, detail: "every live process has decided".into() }
        } else {
            Liveness { property: "AC-Termination", holds: false, detail: undecided.join("; ") }
        };
        let nonblocking = if operational_undecided.is_empty() {
            Liveness {
                property: "3PC-NonBlocking",
                holds: true,
                detail: "every operational participant that voted (up, not recovering) has decided".into(),
            }
        } else {
            Liveness { property: "3PC-NonBlocking", holds: false, detail: operational_undecided.join("; ") }
        };
        let lossless = self.traffic.values().all(|(sent, got)| got >= sent);
        let all_yes = self.parts.iter().all(|p| self.book.yes_sent.contains(p)) && !self.no_vote;
        let premise = started && self.crashes == 0 && lossless && all_yes;
        let all_commit = (0..w.n())
            .all(|i| !self.book.taken[i].is_empty() && self.book.taken[i].iter().all(|(d, _)| *d == Decision::Commit));
        let nontriviality = if !premise {
            Liveness {
                property: "AC-NonTriviality",
                holds: true,
                detail: "not applicable: a failure, a loss or a NO vote occurred (or no transaction)".into(),
            }
        } else if all_commit {
            Liveness {
                property: "AC-NonTriviality",
                holds: true,
                detail: "no failure and every vote YES: everyone committed".into(),
            }
        } else {
            Liveness {
                property: "AC-NonTriviality",
                holds: false,
                detail: "no failure and every vote YES, yet not everyone committed".into(),
            }
        };
        vec![nontriviality, termination, nonblocking]
    }
}

#[cfg(test)]
mod tests {
    //! 3PC-C1 and 3PC-T1 never fire for a correct implementation: feed the checker the effects of a faulty one.
    use super::*;
    use crate::protocol::Effect;
    use crate::scenario::Scenario;
    use crate::sim::Simulation;

    /// The 3PC happy path (3PC-4) stopped at `t`.
    fn at(t: u64) -> Simulation<ThreePc> {
        let s = Scenario::parse(
            r#"{"format":1,"id":"x","protocol":"3pc","nodes":["C","P1","P2","P3"],
                "schedule":[{"at":0,"submit":{"node":"C","txid":"T1"}}],"runUntil":200}"#,
        )
        .unwrap();
        let mut sim = Simulation::<ThreePc>::new(&s).unwrap();
        sim.advance_to(t);
        sim
    }

    fn feed(sim: &Simulation<ThreePc>, node: NodeId, e: Effect<ThreePc>) -> Vec<&'static str> {
        feed_all(sim, node, vec![e])
    }

    /// Effects of one event at `node`, in order.
    fn feed_all(sim: &Simulation<ThreePc>, node: NodeId, es: Vec<Effect<ThreePc>>) -> Vec<&'static str> {
        let mut c = sim.checker().clone();
        let mut out = Found::default();
        for e in &es {
            c.on_effect(&sim.world(), node, &e.as_ref(), &mut out);
        }
        c.after_event(&sim.world(), &mut out);
        out.list.iter().map(|v| v.invariant).collect()
    }

    fn elects_itself(id: &str) -> Effect<ThreePc> {
        Effect::Observe(ThreePcObs::Elected { coord: id.into(), suspected: vec!["C".into()] })
    }

    #[test]
    fn c1_flags_a_coordinator_that_aborts_after_pre_commit() {
        let abort = || Effect::Persist(ThreePcRecord::Abort { txid: Some("T1".into()) });
        // At t=15 no PRE_COMMIT has been sent: the coordinator may still abort.
        assert!(feed(&at(15), C, abort()).is_empty());
        // At t=25 it has sent PRE_COMMIT to everyone.
        assert_eq!(feed(&at(25), C, abort()), vec!["3PC-C1"]);
    }

    #[test]
    fn t1_flags_tr3_over_a_committable_report_or_a_committable_self() {
        let sim = at(35); // every participant is COMMITTABLE
        let tr3 = |reports: Vec<(&str, Reported)>| {
            let reports = reports.into_iter().map(|(q, s)| (q.to_string(), s)).collect();
            Effect::Observe(ThreePcObs::Rule { rule: "TR3", reports })
        };
        let found = feed(&sim, 1, tr3(vec![("P1", Reported::Uncertain), ("P2", Reported::Committable)]));
        assert_eq!(found, vec!["3PC-T1"]);
        // P1 claims to be UNCERTAIN, but the checker saw it become COMMITTABLE at t=30, before it elected itself.
        let found = feed_all(&sim, 1, vec![elects_itself("P1"), tr3(vec![("P1", Reported::Uncertain)])]);
        assert_eq!(found, vec!["3PC-T1"]);
    }

    #[test]
    fn t1_judges_the_own_report_by_the_state_at_election() {
        // P1 elects itself while UNCERTAIN (t=15), then a PRE_COMMIT makes it COMMITTABLE: its round goes on with
        // the report it had, so TR3 over "P1 UNCERTAIN" follows the rule (§3.7).
        let rule = Effect::Observe(ThreePcObs::Rule { rule: "TR3", reports: vec![("P1".into(), Reported::Uncertain)] });
        let committable = Effect::Observe(ThreePcObs::Committable { from: C });
        assert!(feed_all(&at(15), 1, vec![elects_itself("P1"), committable, rule]).is_empty());
    }

    #[test]
    fn t1_accepts_tr3_when_everyone_really_is_uncertain() {
        let sim = at(15); // everyone voted YES, nobody is COMMITTABLE
        let reports = vec![("P1".to_string(), Reported::Uncertain), ("P2".to_string(), Reported::Uncertain)];
        assert!(feed(&sim, 1, Effect::Observe(ThreePcObs::Rule { rule: "TR3", reports })).is_empty());
    }

    #[test]
    fn nb_flags_a_commit_while_a_live_participant_is_uncertain() {
        // At t=15 every participant is UNCERTAIN: a commit now is exactly what 3PC forbids.
        let found = feed(&at(15), C, Effect::Persist(ThreePcRecord::Commit { txid: Some("T1".into()), posting: None }));
        assert_eq!(found, vec!["3PC-NB"]);
    }
}

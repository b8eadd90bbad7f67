//! A 3PC participant: normal operation (protocols.md §3.6), the termination protocol (§3.7) and recovery (§3.8).

use super::common::{self, Decision, Posting};
use super::{
    decision_record, txid_or, Reported, TerminationRule, ThreePc, ThreePcDurable, ThreePcMsg, ThreePcObs,
    ThreePcParams, ThreePcRecord, ThreePcTimer, C,
};
use crate::protocol::{Ctx, NodeId};
use crate::time::Time;
use crate::vecmap::{VecMap, VecSet};

/// Participant states (protocols.md §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PState {
    /// Has not voted (q).
    Init,
    /// Voted YES, no PRE_COMMIT yet (w).
    Uncertain,
    /// Received PRE_COMMIT: knows everyone voted YES (p).
    Committable,
    /// Decided (c / a).
    Decided(Decision),
    /// Restarted after voting YES without a logged decision: only asks.
    Recovering,
}

/// What a termination coordinator is doing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TermPhase {
    /// Waiting for STATE_REPORTs.
    Collecting,
    /// TR4 (or Skeen's rule): PRE_COMMIT sent, waiting for these ACKs.
    PreCommitting {
        /// Participants that have not acknowledged yet.
        waiting: VecSet<NodeId>,
    },
}

/// A termination coordinator's bookkeeping.
#[derive(Clone, Debug)]
pub struct Termination {
    /// Participants it expects to hear from (its own id included).
    pub expected: VecSet<NodeId>,
    /// States reported so far, its own included.
    pub reports: VecMap<NodeId, Reported>,
    /// Phase.
    pub phase: TermPhase,
}

/// A participant's volatile state.
#[derive(Clone, Debug)]
pub struct Participant {
    /// State.
    pub state: PState,
    /// Transaction id, once known.
    pub txid: Option<String>,
    /// Its operation, once known.
    pub op: Option<String>,
    /// Every participant.
    pub participants: Vec<NodeId>,
    /// Who it currently follows: the coordinator, or the elected termination coordinator.
    pub coord: NodeId,
    /// Processes it believes have crashed (messages from them are ignored).
    pub suspected: VecSet<NodeId>,
    /// Set while it acts as termination coordinator.
    pub term: Option<Termination>,
    /// Its vote, once cast.
    pub vote: Option<bool>,
    /// Locks held while undecided.
    pub locks: Vec<String>,
    /// While recovering: since when nobody has answered.
    pub blocked_since: Option<Time>,
    /// Balance changes applied so far (a copy of the stable ones).
    pub applied: Vec<Posting>,
}

fn lock_of(op: &str) -> String {
    common::parse_op(op).map_or(op.to_string(), |p| p.account)
}

impl Participant {
    pub(super) fn boot(cx: &mut Ctx<'_, ThreePc>, p: &ThreePcParams, d: &ThreePcDurable, recovering: bool) -> Self {
        let mut x = Participant {
            state: PState::Init,
            txid: d.txid.clone(),
            op: d.op.clone(),
            participants: if d.yes { d.participants.clone() } else { p.participants.clone() },
            coord: C,
            suspected: VecSet::new(),
            term: None,
            vote: d.yes.then_some(true),
            locks: Vec::new(),
            blocked_since: None,
            applied: d.applied.clone(),
        };
        if let Some(dec) = d.decision {
            x.state = PState::Decided(dec);
        } else if !recovering {
            if let Some(t) = p.t_work {
                cx.set_timer(ThreePcTimer::Work, t);
            }
        } else if d.yes {
            // Voted YES, no decision: it may not take part in termination (the others may have decided while it
            // was down), so it only asks until some decided process answers.
            x.state = PState::Recovering;
            x.locks = d.op.iter().map(|op| lock_of(op)).collect();
            x.ask(cx, p);
        } else {
            x.learn(cx, Decision::Abort, "unilateral: recovered without a YES record".into(), "");
        }
        x
    }

    /// The state name (protocols.md §3.2).
    pub fn state_name(&self) -> &'static str {
        match self.state {
            PState::Init => "INIT",
            PState::Uncertain => "UNCERTAIN",
            PState::Committable => "COMMITTABLE",
            PState::Decided(d) => d.state(),
            PState::Recovering => "RECOVERING",
        }
    }

    /// Styling class of the state.
    pub fn class(&self) -> &'static str {
        match self.state {
            PState::Init => "idle",
            PState::Uncertain => "uncertain",
            PState::Committable => "committable",
            PState::Decided(d) => d.class(),
            PState::Recovering => "recovering",
        }
    }

    /// True in UNCERTAIN or COMMITTABLE: the states in which termination runs.
    pub fn is_undecided(&self) -> bool {
        matches!(self.state, PState::Uncertain | PState::Committable)
    }

    /// True while it is in UNCERTAIN (for 3PC-NB).
    pub fn is_uncertain(&self) -> bool {
        self.state == PState::Uncertain
    }

    fn own_report(&self) -> Option<Reported> {
        match self.state {
            PState::Uncertain => Some(Reported::Uncertain),
            PState::Committable => Some(Reported::Committable),
            PState::Decided(Decision::Commit) => Some(Reported::Committed),
            PState::Decided(Decision::Abort) => Some(Reported::Aborted),
            PState::Init | PState::Recovering => None,
        }
    }

    fn txid(&self) -> String {
        txid_or(&self.txid, "")
    }

    /// Takes decision `d`: logs it with the balance change, then forgets every timer and any termination role.
    fn learn(&mut self, cx: &mut Ctx<'_, ThreePc>, d: Decision, why: String, fallback_txid: &str) {
        let posting = if d == Decision::Commit { self.op.as_deref().and_then(common::parse_op) } else { None };
        let txid = Some(txid_or(&self.txid, fallback_txid));
        cx.persist(decision_record(d, txid.clone(), posting.clone()));
        cx.observe(ThreePcObs::Decide { decision: d, why });
        self.applied.extend(posting);
        self.txid = txid;
        self.state = PState::Decided(d);
        self.locks.clear();
        self.blocked_since = None;
        self.term = None;
        for t in [ThreePcTimer::Wait, ThreePcTimer::Collect, ThreePcTimer::Tacks, ThreePcTimer::Ask, ThreePcTimer::Work]
        {
            cx.cancel_timer(t);
        }
    }

    fn ask(&self, cx: &mut Ctx<'_, ThreePc>, p: &ThreePcParams) {
        let txid = self.txid();
        let peers: Vec<NodeId> = cx.peers().collect();
        for q in peers {
            cx.send(q, ThreePcMsg::DecisionReq { txid: txid.clone() });
        }
        if let Some(t) = p.t_ask {
            cx.set_timer(ThreePcTimer::Ask, t);
        }
    }

    fn wait(&self, cx: &mut Ctx<'_, ThreePc>, p: &ThreePcParams) {
        if let Some(t) = p.t_wait {
            cx.set_timer(ThreePcTimer::Wait, t);
        }
    }

    fn ids(cx: &Ctx<'_, ThreePc>, xs: impl Iterator<Item = NodeId>) -> Vec<String> {
        xs.map(|q| cx.cluster().ids[q].clone()).collect()
    }

    /// `elect()`: the smallest participant it does not suspect becomes termination coordinator.
    fn elect(&mut self, cx: &mut Ctx<'_, ThreePc>, p: &ThreePcParams) {
        let me = cx.me();
        let c = self.participants.iter().copied().find(|q| !self.suspected.contains(q)).unwrap_or(me);
        self.coord = c;
        let suspected = Self::ids(cx, self.suspected.iter().copied());
        cx.observe(ThreePcObs::Elected { coord: cx.cluster().ids[c].clone(), suspected });
        if c == me {
            self.start_termination(cx, p);
        } else {
            self.wait(cx, p);
        }
    }

    /// Targets of the termination coordinator's messages: every unsuspected participant but itself.
    fn targets(&self, me: NodeId) -> Vec<NodeId> {
        match &self.term {
            Some(t) => t.expected.iter().copied().filter(|&q| q != me && !self.suspected.contains(&q)).collect(),
            None => Vec::new(),
        }
    }

    fn start_termination(&mut self, cx: &mut Ctx<'_, ThreePc>, p: &ThreePcParams) {
        let me = cx.me();
        cx.cancel_timer(ThreePcTimer::Wait);
        let Some(own) = self.own_report() else { return };
        let expected: VecSet<NodeId> =
            self.participants.iter().copied().filter(|q| !self.suspected.contains(q)).collect();
        let reports = VecMap::from([(me, own)]);
        self.term = Some(Termination { expected, reports, phase: TermPhase::Collecting });
        let targets = self.targets(me);
        match p.rule {
            TerminationRule::Collect => {
                let txid = self.txid();
                for &q in &targets {
                    cx.send(q, ThreePcMsg::StateReq { txid: txid.clone() });
                }
                if targets.is_empty() {
                    self.apply_rules(cx, p);
                } else if let Some(t) = p.t_collect {
                    cx.set_timer(ThreePcTimer::Collect, t);
                }
            }
            TerminationRule::Skeen => {
                // The backup decides from its own state alone.
                let name = cx.cluster().ids[me].clone();
                if own == Reported::Committable {
                    cx.observe(ThreePcObs::Rule { rule: "SKEEN-COMMIT", reports: vec![(name, own)] });
                    self.pre_commit(cx, p, targets);
                } else {
                    cx.observe(ThreePcObs::Rule { rule: "SKEEN-ABORT", reports: vec![(name, own)] });
                    self.finish(cx, Decision::Abort, "Skeen's rule: the backup is UNCERTAIN".into());
                }
            }
        }
    }

    /// Sends PRE_COMMIT to `to` and waits for their ACKs (TR4, Skeen's commit); commits at once if `to` is empty.
    fn pre_commit(&mut self, cx: &mut Ctx<'_, ThreePc>, p: &ThreePcParams, to: Vec<NodeId>) {
        let me = cx.me();
        if self.state == PState::Uncertain {
            self.state = PState::Committable;
            cx.observe(ThreePcObs::Committable { from: me });
        }
        let txid = self.txid();
        for &q in &to {
            cx.send(q, ThreePcMsg::PreCommit { txid: txid.clone() });
        }
        if let Some(t) = &mut self.term {
            t.phase = TermPhase::PreCommitting { waiting: to.iter().copied().collect() };
        }
        if to.is_empty() {
            self.finish(cx, Decision::Commit, "termination: nobody left uncertain".into());
        } else if let Some(t) = p.t_tack {
            cx.set_timer(ThreePcTimer::Tacks, t);
        }
    }

    /// The termination coordinator decides and tells every unsuspected participant it expected.
    fn finish(&mut self, cx: &mut Ctx<'_, ThreePc>, d: Decision, why: String) {
        let targets = self.targets(cx.me());
        let txid = self.txid();
        self.learn(cx, d, why, "");
        for q in targets {
            cx.send(q, ThreePcMsg::Decision { txid: txid.clone(), decision: d });
        }
    }

    /// TR1-TR4 over the reports (protocols.md §3.7).
    fn apply_rules(&mut self, cx: &mut Ctx<'_, ThreePc>, p: &ThreePcParams) {
        let Some(t) = &self.term else { return };
        let states: Vec<Reported> = t.reports.values().copied().collect();
        let reports: Vec<(String, Reported)> =
            t.reports.iter().map(|(q, s)| (cx.cluster().ids[*q].clone(), *s)).collect();
        let uncertain: Vec<NodeId> =
            t.reports.iter().filter(|(_, s)| **s == Reported::Uncertain).map(|(q, _)| *q).collect();
        let me = cx.me();
        let (rule, outcome) = if states.contains(&Reported::Aborted) {
            ("TR1", Some(Decision::Abort))
        } else if states.contains(&Reported::Committed) {
            ("TR2", Some(Decision::Commit))
        } else if states.iter().all(|s| *s == Reported::Uncertain) {
            ("TR3", Some(Decision::Abort))
        } else {
            ("TR4", None)
        };
        cx.observe(ThreePcObs::Rule { rule, reports });
        match outcome {
            Some(d) => self.finish(cx, d, format!("termination rule {rule}")),
            None => {
                let to = uncertain.into_iter().filter(|&q| q != me).collect();
                self.pre_commit(cx, p, to);
            }
        }
    }

    pub(super) fn on_message(&mut self, cx: &mut Ctx<'_, ThreePc>, p: &ThreePcParams, from: NodeId, m: ThreePcMsg) {
        let me = cx.me();
        let from_id = cx.cluster().ids[from].clone();
        let ignored_suspect = |cx: &mut Ctx<'_, ThreePc>, what: &str| {
            cx.observe(ThreePcObs::Ignored { why: format!("{what} from {from_id}, whom it suspects") });
        };
        match m {
            ThreePcMsg::VoteReq { txid, participants, op } => match self.state {
                PState::Init => {
                    self.txid = Some(txid.clone());
                    self.participants = participants.clone();
                    self.op = Some(op.clone());
                    match common::willing(&p.app, me, &op, &self.applied) {
                        Ok(lock) => {
                            cx.persist(ThreePcRecord::Yes { txid: txid.clone(), participants, op });
                            self.state = PState::Uncertain;
                            self.vote = Some(true);
                            self.locks = vec![lock];
                            cx.cancel_timer(ThreePcTimer::Work);
                            cx.send(from, ThreePcMsg::Vote { txid, yes: true });
                            self.wait(cx, p);
                        }
                        Err(why) => {
                            self.vote = Some(false);
                            self.learn(cx, Decision::Abort, format!("votes NO: {why}"), &txid);
                            cx.send(from, ThreePcMsg::Vote { txid, yes: false });
                        }
                    }
                }
                PState::Uncertain | PState::Committable => cx.send(from, ThreePcMsg::Vote { txid, yes: true }),
                PState::Decided(Decision::Abort) => cx.send(from, ThreePcMsg::Vote { txid, yes: false }),
                PState::Decided(Decision::Commit) | PState::Recovering => {}
            },
            ThreePcMsg::PreCommit { txid } => {
                if self.suspected.contains(&from) {
                    ignored_suspect(cx, "PRE_COMMIT");
                } else if self.is_undecided() {
                    // A termination round this process runs goes on (§3.6 and §3.7 end a round only by a
                    // decision): its own report stays the state it had when it was elected.
                    if self.state == PState::Uncertain {
                        self.state = PState::Committable;
                        cx.observe(ThreePcObs::Committable { from });
                    }
                    self.coord = from;
                    cx.send(from, ThreePcMsg::Ack { txid });
                    self.wait(cx, p);
                }
            }
            ThreePcMsg::Ack { .. } => {
                let Some(Termination { phase: TermPhase::PreCommitting { waiting }, .. }) = &mut self.term else {
                    return;
                };
                waiting.remove(&from);
                if waiting.is_empty() {
                    cx.cancel_timer(ThreePcTimer::Tacks);
                    self.finish(cx, Decision::Commit, "termination: every PRE_COMMIT acknowledged".into());
                }
            }
            ThreePcMsg::Decision { txid, decision } => {
                if self.suspected.contains(&from) {
                    ignored_suspect(cx, decision.name());
                    return;
                }
                match self.state {
                    PState::Decided(mine) if mine != decision => {
                        cx.observe(ThreePcObs::Conflict { mine, told: decision, from });
                    }
                    PState::Decided(_) => {}
                    _ => self.learn(cx, decision, format!("told by {from_id}"), &txid),
                }
            }
            ThreePcMsg::StateReq { txid } => {
                if self.suspected.contains(&from) {
                    ignored_suspect(cx, "STATE_REQ");
                    return;
                }
                match self.state {
                    PState::Recovering => return, // a recovered process does not take part in termination
                    PState::Init => {
                        // It never voted, so nobody can have committed.
                        let why = format!("asked for its state by {from_id} before voting");
                        self.learn(cx, Decision::Abort, why, &txid);
                    }
                    _ => {}
                }
                self.coord = from;
                if let Some(state) = self.own_report() {
                    cx.send(from, ThreePcMsg::StateReport { txid, state });
                }
                if self.is_undecided() {
                    self.wait(cx, p);
                }
            }
            ThreePcMsg::StateReport { state, .. } => {
                let Some(t) = &mut self.term else { return };
                if t.phase != TermPhase::Collecting || !t.expected.contains(&from) {
                    return;
                }
                t.reports.insert(from, state);
                if t.expected.iter().all(|q| t.reports.contains_key(q)) {
                    cx.cancel_timer(ThreePcTimer::Collect);
                    self.apply_rules(cx, p);
                }
            }
            ThreePcMsg::DecisionReq { txid } => {
                // §3.6: only a decided process answers; anyone else, INIT included, ignores it. So a coordinator
                // that crashed right after BEGIN recovers and asks until a participant decides (by `T_work`, or by
                // a termination round's STATE_REQ): 3PC's recovery blocks where 2PC's case 3′ would abort.
                if let PState::Decided(d) = self.state {
                    cx.send(from, ThreePcMsg::Decision { txid, decision: d });
                }
            }
            ThreePcMsg::Vote { .. } => {}
        }
    }

    pub(super) fn on_timer(&mut self, cx: &mut Ctx<'_, ThreePc>, p: &ThreePcParams, t: ThreePcTimer) {
        let me = cx.me();
        match t {
            ThreePcTimer::Wait if self.is_undecided() => {
                if self.coord != me {
                    self.suspected.insert(self.coord);
                }
                self.elect(cx, p);
            }
            ThreePcTimer::Collect => {
                let Some(term) = &mut self.term else { return };
                if term.phase != TermPhase::Collecting {
                    return;
                }
                let silent: Vec<NodeId> =
                    term.expected.iter().copied().filter(|q| !term.reports.contains_key(q)).collect();
                term.expected = term.reports.keys().copied().collect();
                self.suspected.extend(silent);
                self.apply_rules(cx, p);
            }
            ThreePcTimer::Tacks => {
                if matches!(&self.term, Some(Termination { phase: TermPhase::PreCommitting { .. }, .. })) {
                    self.finish(cx, Decision::Commit, "termination: ACK timeout".into());
                }
            }
            ThreePcTimer::Ask if self.state == PState::Recovering => {
                if self.blocked_since.is_none() {
                    self.blocked_since = Some(cx.now);
                    cx.observe(ThreePcObs::Blocked);
                }
                self.ask(cx, p);
            }
            ThreePcTimer::Work if self.state == PState::Init => {
                self.learn(cx, Decision::Abort, "unilateral: no VOTE_REQ within T_work".into(), "");
            }
            _ => {}
        }
    }
}

//! Two-phase commit with the cooperative termination protocol (protocols.md §2).
//!
//! A transaction coordinator (TC, the first node) asks every participant "are you ready?" (`PREPARE`). A
//! participant that can do its part writes `PREPARED` to its log, takes its locks and votes YES; one that cannot
//! writes `ABORT` and votes NO. If every vote is YES the TC writes `COMMIT`, otherwise (a NO, or no answer within
//! `T_vote`) `ABORT`; that record is the **commit point**. It then sends the decision to everyone until each has
//! acknowledged, and writes `END`. In the bank-transfer example Alice's bank K debits 1 000 won and Bob's bank S
//! credits them, both or neither.
//!
//! **Why each log record.** Every record is written *before* the message that depends on it (the write-ahead
//! rule). A participant that votes YES promises it can still commit after a crash, so `PREPARED` must be on disk
//! first: without it (`participantLogsPrepared: false`) it recovers knowing nothing, aborts, and the transfer is
//! half done (2PC-4b). A TC that has told anyone COMMIT must remember it: without the record
//! (`coordinatorLogsDecision: false`) it recovers with `BEGIN` only, presumes abort, and contradicts the
//! participants it already told (2PC-9). Conversely a recovered TC *may* presume abort when it finds no decision,
//! because COMMIT is only ever sent after being logged.
//!
//! **Why it blocks.** A participant that voted YES is *uncertain*: it must neither commit nor abort alone, since
//! the TC may have decided either way. When its decision timer fires it asks the TC and, with cooperative
//! termination, its peers (the 2PC notes' four cases): a peer that knows the decision tells it (case 2: COMMIT;
//! case 3: ABORT), a peer that has not voted aborts on the spot and says so (case 3′), a peer that is itself
//! uncertain cannot help (case 4) and a crashed peer says nothing (case 1). If the TC dies after everyone voted YES
//! and before anyone learned the decision, every participant is uncertain: all of them hold their locks, blocked,
//! until the TC comes back (2PC-8). With `voteTimeout: null` the TC itself may wait for ever for a vote that never
//! comes. 2PC is safe, not live: exactly the gap that three-phase commit (and Paxos Commit) address.

mod checker;
pub mod common;

pub use checker::TwoPcChecker;

use crate::protocol::{Cluster, Ctx, Message, NodeId, Observation, Protocol, Record, TimerName};
use crate::rng::Rng;
use crate::scenario::{read::err, Action, ParamReader, Scenario, ScenarioError};
use crate::sim::World;
use crate::time::Time;
use crate::vecmap::{VecMap, VecSet};
use crate::view::{fields, nodes_json, Field, ProtoView};
use common::{AppParams, Decision, Ledger, Posting};
use serde_json::{json, Map, Value};

/// The coordinator's node index (the first node of the scenario).
pub const TC: NodeId = 0;

/// Parameters (protocols.md §2.1).
#[derive(Clone, Debug)]
pub struct TwoPcParams {
    /// The coordinator's wait for votes (`voteTimeout`, default `T_vote` = 50); `None` = wait for ever.
    pub vote_timeout: Option<u64>,
    /// Period of the coordinator's decision resends (`T_resend`).
    pub t_resend: Option<u64>,
    /// A participant's wait for the decision after voting YES (`T_dec`).
    pub t_dec: Option<u64>,
    /// Period of cooperative-termination rounds (`T_retry`).
    pub t_retry: Option<u64>,
    /// A participant without PREPARE aborts unilaterally after this long (`T_work`, off by default).
    pub t_work: Option<u64>,
    /// The TC writes its decision before announcing it (teaching toggle).
    pub coordinator_logs_decision: bool,
    /// Per node: a participant writes PREPARED before voting YES (teaching toggle).
    pub participant_logs_prepared: Vec<bool>,
    /// Per node: an uncertain participant also asks its peers, not only the TC.
    pub cooperative_termination: Vec<bool>,
    /// Balances and votes.
    pub app: AppParams,
    /// Participants in ascending id order.
    pub participants: Vec<NodeId>,
    /// Node ids (for the views).
    pub ids: Vec<String>,
}

/// A participant's answer to a peer's `DECISION_REQ`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PeerAnswer {
    /// It knows COMMIT or ABORT.
    Decided(Decision),
    /// It voted YES and does not know the decision either (case 4).
    Uncertain,
}

/// Messages (protocols.md §2.3).
#[derive(Clone, Debug, Hash)]
pub enum TwoPcMsg {
    /// TC → P: "are you ready?", with the participant list (what makes cooperative termination possible).
    Prepare {
        /// Transaction id.
        txid: String,
        /// Every participant.
        participants: Vec<NodeId>,
        /// This participant's operation.
        op: String,
    },
    /// P → TC: the vote.
    Vote {
        /// Transaction id.
        txid: String,
        /// YES (true) or NO.
        yes: bool,
    },
    /// TC → P: the decision (idempotent; also the answer to questions).
    Decision {
        /// Transaction id.
        txid: String,
        /// COMMIT or ABORT.
        decision: Decision,
    },
    /// P → TC: the decision is durable here.
    Ack {
        /// Transaction id.
        txid: String,
    },
    /// P → TC or P → P: "what was decided?" (cooperative termination).
    DecisionReq {
        /// Transaction id.
        txid: String,
    },
    /// P → P: a peer's answer.
    DecisionResp {
        /// Transaction id.
        txid: String,
        /// COMMIT, ABORT or UNCERTAIN.
        state: PeerAnswer,
    },
}

impl Message for TwoPcMsg {
    fn kind(&self) -> &'static str {
        match self {
            TwoPcMsg::Prepare { .. } => "PREPARE",
            TwoPcMsg::Vote { .. } => "VOTE",
            TwoPcMsg::Decision { .. } => "DECISION",
            TwoPcMsg::Ack { .. } => "ACK",
            TwoPcMsg::DecisionReq { .. } => "DECISION_REQ",
            TwoPcMsg::DecisionResp { .. } => "DECISION_RESP",
        }
    }
    fn is_response(&self) -> bool {
        matches!(self, TwoPcMsg::Vote { .. } | TwoPcMsg::Ack { .. } | TwoPcMsg::DecisionResp { .. })
    }
    fn label(&self) -> String {
        match self {
            TwoPcMsg::Vote { yes, .. } => format!("VOTE {}", if *yes { "YES" } else { "NO" }),
            TwoPcMsg::Decision { decision, .. } => decision.name().to_string(),
            TwoPcMsg::DecisionReq { .. } => "DECISION?".into(),
            TwoPcMsg::DecisionResp { state, .. } => format!("RESP {}", answer_name(*state)),
            m => m.kind().to_string(),
        }
    }
    fn fields(&self, ids: &[String]) -> Value {
        match self {
            TwoPcMsg::Prepare { txid, participants, op } => {
                fields([("txid", json!(txid)), ("participants", nodes_json(ids, participants)), ("op", json!(op))])
            }
            TwoPcMsg::Vote { txid, yes } => {
                fields([("txid", json!(txid)), ("vote", json!(if *yes { "YES" } else { "NO" }))])
            }
            TwoPcMsg::Decision { txid, decision } => {
                fields([("txid", json!(txid)), ("decision", json!(decision.name()))])
            }
            TwoPcMsg::Ack { txid } | TwoPcMsg::DecisionReq { txid } => fields([("txid", json!(txid))]),
            TwoPcMsg::DecisionResp { txid, state } => {
                fields([("txid", json!(txid)), ("state", json!(answer_name(*state)))])
            }
        }
    }
}

fn answer_name(a: PeerAnswer) -> &'static str {
    match a {
        PeerAnswer::Decided(d) => d.name(),
        PeerAnswer::Uncertain => "UNCERTAIN",
    }
}

/// Timers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TwoPcTimer {
    /// TC: the wait for votes.
    Vote,
    /// TC: resend the decision to participants that have not acknowledged it.
    Resend,
    /// Participant: the wait for the decision, then each cooperative-termination round.
    Dec,
    /// Participant: unilateral abort when no PREPARE came (`T_work`).
    Work,
}

impl TimerName for TwoPcTimer {
    fn name(&self) -> String {
        match self {
            TwoPcTimer::Vote => "vote",
            TwoPcTimer::Resend => "resend",
            TwoPcTimer::Dec => "dec",
            TwoPcTimer::Work => "work",
        }
        .into()
    }
}

/// Stable records (protocols.md §2.4).
#[derive(Clone, Debug, Hash)]
pub enum TwoPcRecord {
    /// TC: a transaction began (written before the first PREPARE).
    Begin {
        /// Transaction id.
        txid: String,
        /// Operation per participant, ascending.
        ops: Vec<(NodeId, String)>,
    },
    /// Participant: voted YES; with what it needs to finish after a crash (written before the vote).
    Prepared {
        /// Transaction id.
        txid: String,
        /// The coordinator.
        coordinator: NodeId,
        /// Every participant.
        participants: Vec<NodeId>,
        /// Its operation (the redo information).
        op: String,
    },
    /// The COMMIT decision, with the participant's balance change in the same atomic write.
    Commit {
        /// Transaction id (unknown to a participant that never got PREPARE).
        txid: Option<String>,
        /// The application effect (participants only).
        posting: Option<Posting>,
    },
    /// The ABORT decision.
    Abort {
        /// Transaction id (unknown to a participant that never got PREPARE).
        txid: Option<String>,
    },
    /// TC: every participant acknowledged; the transaction can be forgotten.
    End {
        /// Transaction id.
        txid: String,
    },
}

impl Record for TwoPcRecord {
    fn name(&self) -> &'static str {
        match self {
            TwoPcRecord::Begin { .. } => "BEGIN",
            TwoPcRecord::Prepared { .. } => "PREPARED",
            TwoPcRecord::Commit { .. } => "COMMIT",
            TwoPcRecord::Abort { .. } => "ABORT",
            TwoPcRecord::End { .. } => "END",
        }
    }
    fn describe(&self, _ids: &[String]) -> String {
        match self {
            TwoPcRecord::Begin { txid, ops } => format!("BEGIN {txid} ({} participants)", ops.len()),
            TwoPcRecord::Prepared { txid, op, .. } => format!("PREPARED {txid} \"{op}\""),
            TwoPcRecord::Commit { posting: Some(p), .. } => format!("COMMIT ({} {:+})", p.account, p.delta),
            TwoPcRecord::Commit { .. } => "COMMIT".into(),
            TwoPcRecord::Abort { .. } => "ABORT".into(),
            TwoPcRecord::End { txid } => format!("END {txid}"),
        }
    }
}

/// Stable state, rebuilt from the records.
#[derive(Clone, Debug, Default)]
pub struct TwoPcDurable {
    /// Record names in the order written.
    pub records: Vec<&'static str>,
    /// Transaction id, once known.
    pub txid: Option<String>,
    /// TC: `BEGIN` is logged.
    pub begun: bool,
    /// TC: the operations of the transaction.
    pub ops: Vec<(NodeId, String)>,
    /// Participant: `PREPARED` is logged (it voted YES).
    pub prepared: bool,
    /// Participant: its operation, from `PREPARED`.
    pub op: Option<String>,
    /// Participant: every participant, from `PREPARED`.
    pub participants: Vec<NodeId>,
    /// The logged decision (the last one, if a buggy run wrote two).
    pub decision: Option<Decision>,
    /// TC: `END` is logged.
    pub ended: bool,
    /// Participant: balance changes applied with COMMIT.
    pub applied: Vec<Posting>,
}

/// Observations.
#[derive(Clone, Debug, Hash)]
pub enum TwoPcObs {
    /// A decision taken (timeline `decide`).
    Decide {
        /// COMMIT or ABORT.
        decision: Decision,
        /// Whether it was written to stable storage just before.
        logged: bool,
        /// Why, for the event log.
        why: String,
    },
    /// TC: the outcome reported to the client (the TX_RESULT of the 2PC notes; the client is not a node).
    TxResult {
        /// COMMIT (success) or ABORT (failure).
        decision: Decision,
    },
    /// A decided participant was told the opposite decision; it keeps its own (decisions are irrevocable).
    Conflict {
        /// Its decision.
        mine: Decision,
        /// What it was told.
        told: Decision,
        /// By whom.
        from: NodeId,
    },
    /// A `submit` that could not start a transaction.
    Ignored {
        /// Why.
        why: String,
    },
}

impl Observation for TwoPcObs {
    fn timeline(&self) -> Option<(&'static str, Map<String, Value>)> {
        match self {
            TwoPcObs::Decide { decision, .. } => {
                let mut m = Map::new();
                m.insert("decision".into(), json!(decision.name()));
                Some(("decide", m))
            }
            _ => None,
        }
    }
    fn describe(&self) -> String {
        match self {
            TwoPcObs::Decide { decision, logged, why } => {
                format!("decides {} ({why}){}", decision.name(), if *logged { "" } else { " without logging it" })
            }
            TwoPcObs::TxResult { decision: Decision::Commit } => "reports to Alice: transfer done".into(),
            TwoPcObs::TxResult { decision: Decision::Abort } => "reports to Alice: transfer failed".into(),
            TwoPcObs::Conflict { mine, told, .. } => {
                format!("told {} but keeps {} (irrevocable): conflict", told.name(), mine.name())
            }
            TwoPcObs::Ignored { why } => format!("ignored: {why}"),
        }
    }
    fn client_message(&self) -> Option<&'static str> {
        matches!(self, TwoPcObs::TxResult { .. }).then_some("TX_RESULT")
    }
}

/// A scripted `submit`.
#[derive(Clone, Debug)]
pub struct Submit {
    /// The node it is addressed to.
    pub node: NodeId,
    /// Transaction id.
    pub txid: String,
    /// Operations per participant, if given.
    pub ops: Option<VecMap<NodeId, String>>,
}

/// Coordinator states (protocols.md §2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcState {
    /// No transaction.
    Idle,
    /// PREPAREs sent, collecting votes.
    Wait,
    /// Decided (and logged, unless the toggle is off); resending until every ACK is in.
    Decided(Decision),
    /// Every ACK is in and END is written.
    Ended(Decision),
}

/// Participant states (protocols.md §2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PState {
    /// Working: has not voted; may still abort unilaterally.
    Init,
    /// Voted YES: uncertain, holding its locks, must not decide alone.
    Prepared,
    /// Decided.
    Decided(Decision),
}

/// The coordinator's volatile state.
#[derive(Clone, Debug)]
pub struct Coordinator {
    /// State.
    pub state: TcState,
    /// Transaction id.
    pub txid: Option<String>,
    /// Participants that voted YES.
    pub yes: VecSet<NodeId>,
    /// Participants that acknowledged the decision.
    pub acks: VecSet<NodeId>,
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
    /// Every participant (from PREPARE), for cooperative termination.
    pub participants: Vec<NodeId>,
    /// Its vote, once cast.
    pub vote: Option<bool>,
    /// Locks held (while PREPARED).
    pub locks: Vec<String>,
    /// Cooperative-termination rounds run in this life: how many times its decision timer fired while PREPARED.
    /// Whether it is blocked also depends on whom it can reach, which the checker judges (§2.8).
    pub rounds: u32,
    /// Balance changes applied so far (a copy of the stable ones, for the willingness check).
    pub applied: Vec<Posting>,
}

/// A 2PC node: the coordinator or a participant.
#[derive(Clone, Debug)]
pub enum TwoPc {
    /// The transaction coordinator.
    Coordinator(Coordinator),
    /// A participant (resource manager).
    Participant(Participant),
}

fn txid_or(t: &Option<String>, fallback: &str) -> String {
    t.clone().unwrap_or_else(|| fallback.to_string())
}

fn decision_record(d: Decision, txid: Option<String>, posting: Option<Posting>) -> TwoPcRecord {
    match d {
        Decision::Commit => TwoPcRecord::Commit { txid, posting },
        Decision::Abort => TwoPcRecord::Abort { txid },
    }
}

impl Coordinator {
    fn submit(&mut self, cx: &mut Ctx<'_, TwoPc>, p: &TwoPcParams, s: Submit) {
        if self.state != TcState::Idle {
            let busy = format!("submit {}: transaction {} is already under way", s.txid, txid_or(&self.txid, "?"));
            cx.observe(TwoPcObs::Ignored { why: busy });
            return;
        }
        let ops = common::ops_for(s.ops.as_ref(), cx.cluster());
        cx.persist(TwoPcRecord::Begin { txid: s.txid.clone(), ops: ops.clone() });
        self.state = TcState::Wait;
        self.txid = Some(s.txid.clone());
        for (q, op) in ops {
            cx.send(q, TwoPcMsg::Prepare { txid: s.txid.clone(), participants: p.participants.clone(), op });
        }
        if let Some(t) = p.vote_timeout {
            cx.set_timer(TwoPcTimer::Vote, t);
        }
    }

    fn decide(&mut self, cx: &mut Ctx<'_, TwoPc>, p: &TwoPcParams, d: Decision, why: String) {
        let txid = txid_or(&self.txid, "");
        if p.coordinator_logs_decision {
            cx.persist(decision_record(d, Some(txid.clone()), None));
        }
        cx.observe(TwoPcObs::Decide { decision: d, logged: p.coordinator_logs_decision, why });
        self.state = TcState::Decided(d);
        cx.cancel_timer(TwoPcTimer::Vote);
        self.announce(cx, p, d);
    }

    /// Sends the decision to every participant, reports it to the client and arms the resend timer.
    fn announce(&mut self, cx: &mut Ctx<'_, TwoPc>, p: &TwoPcParams, d: Decision) {
        let txid = txid_or(&self.txid, "");
        for &q in &p.participants {
            cx.send(q, TwoPcMsg::Decision { txid: txid.clone(), decision: d });
        }
        cx.observe(TwoPcObs::TxResult { decision: d });
        if let Some(t) = p.t_resend {
            cx.set_timer(TwoPcTimer::Resend, t);
        }
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, TwoPc>, p: &TwoPcParams, from: NodeId, m: TwoPcMsg) {
        let ids = &cx.cluster().ids;
        match m {
            TwoPcMsg::Vote { txid, yes } => match self.state {
                TcState::Wait if !yes => {
                    let why = format!("{} voted NO", ids[from]);
                    self.decide(cx, p, Decision::Abort, why);
                }
                TcState::Wait => {
                    self.yes.insert(from);
                    if p.participants.iter().all(|q| self.yes.contains(q)) {
                        self.decide(cx, p, Decision::Commit, "every participant voted YES".into());
                    }
                }
                // A late or re-sent vote is treated as a question.
                TcState::Decided(d) | TcState::Ended(d) => {
                    cx.send(from, TwoPcMsg::Decision { txid, decision: d });
                }
                // No BEGIN in the log: presumed abort.
                TcState::Idle => cx.send(from, TwoPcMsg::Decision { txid, decision: Decision::Abort }),
            },
            TwoPcMsg::Ack { .. } => {
                self.acks.insert(from);
                if let TcState::Decided(d) = self.state {
                    if p.participants.iter().all(|q| self.acks.contains(q)) {
                        cx.persist(TwoPcRecord::End { txid: txid_or(&self.txid, "") });
                        self.state = TcState::Ended(d);
                        cx.cancel_timer(TwoPcTimer::Resend);
                    }
                }
            }
            TwoPcMsg::DecisionReq { txid } => match self.state {
                TcState::Decided(d) | TcState::Ended(d) => cx.send(from, TwoPcMsg::Decision { txid, decision: d }),
                TcState::Idle => cx.send(from, TwoPcMsg::Decision { txid, decision: Decision::Abort }),
                TcState::Wait => {} // it will decide at its own timeout
            },
            TwoPcMsg::Prepare { .. } | TwoPcMsg::Decision { .. } | TwoPcMsg::DecisionResp { .. } => {}
        }
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, TwoPc>, p: &TwoPcParams, t: TwoPcTimer) {
        match t {
            TwoPcTimer::Vote if self.state == TcState::Wait => {
                let missing: Vec<&str> = p
                    .participants
                    .iter()
                    .filter(|q| !self.yes.contains(q))
                    .map(|&q| cx.cluster().ids[q].as_str())
                    .collect();
                let why = format!("vote timeout: no vote from {}", missing.join(", "));
                self.decide(cx, p, Decision::Abort, why);
            }
            TwoPcTimer::Resend => {
                if let TcState::Decided(d) = self.state {
                    let txid = txid_or(&self.txid, "");
                    for &q in &p.participants {
                        if !self.acks.contains(&q) {
                            cx.send(q, TwoPcMsg::Decision { txid: txid.clone(), decision: d });
                        }
                    }
                    if let Some(t) = p.t_resend {
                        cx.set_timer(TwoPcTimer::Resend, t);
                    }
                }
            }
            _ => {}
        }
    }
}

impl Participant {
    fn learn(&mut self, cx: &mut Ctx<'_, TwoPc>, d: Decision, why: String, fallback_txid: &str) {
        let posting = if d == Decision::Commit { self.op.as_deref().and_then(common::parse_op) } else { None };
        let txid = Some(txid_or(&self.txid, fallback_txid));
        cx.persist(decision_record(d, txid.clone(), posting.clone()));
        self.applied.extend(posting);
        cx.observe(TwoPcObs::Decide { decision: d, logged: true, why });
        self.txid = txid;
        self.state = PState::Decided(d);
        self.locks.clear();
        cx.cancel_timer(TwoPcTimer::Dec);
        cx.cancel_timer(TwoPcTimer::Work);
    }

    fn ask(&mut self, cx: &mut Ctx<'_, TwoPc>, p: &TwoPcParams) {
        let txid = txid_or(&self.txid, "");
        cx.send(TC, TwoPcMsg::DecisionReq { txid: txid.clone() });
        if p.cooperative_termination[cx.me()] {
            let me = cx.me();
            for &q in self.participants.iter().filter(|&&q| q != me) {
                cx.send(q, TwoPcMsg::DecisionReq { txid: txid.clone() });
            }
        }
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, TwoPc>, p: &TwoPcParams, from: NodeId, m: TwoPcMsg) {
        let me = cx.me();
        let ids = &cx.cluster().ids;
        let from_id = ids[from].clone();
        match m {
            TwoPcMsg::Prepare { txid, participants, op } => match self.state {
                PState::Init => {
                    self.txid = Some(txid.clone());
                    self.participants = participants.clone();
                    self.op = Some(op.clone());
                    match common::willing(&p.app, me, &op, &self.applied) {
                        Ok(lock) => {
                            if p.participant_logs_prepared[me] {
                                cx.persist(TwoPcRecord::Prepared {
                                    txid: txid.clone(),
                                    coordinator: from,
                                    participants,
                                    op,
                                });
                            }
                            self.state = PState::Prepared;
                            self.vote = Some(true);
                            self.locks = vec![lock];
                            cx.cancel_timer(TwoPcTimer::Work);
                            cx.send(from, TwoPcMsg::Vote { txid, yes: true });
                            if let Some(t) = p.t_dec {
                                cx.set_timer(TwoPcTimer::Dec, t);
                            }
                        }
                        Err(why) => {
                            self.vote = Some(false);
                            self.learn(cx, Decision::Abort, format!("votes NO: {why}"), &txid);
                            cx.send(from, TwoPcMsg::Vote { txid, yes: false });
                        }
                    }
                }
                PState::Prepared => cx.send(from, TwoPcMsg::Vote { txid, yes: true }),
                PState::Decided(Decision::Abort) => cx.send(from, TwoPcMsg::Vote { txid, yes: false }),
                PState::Decided(Decision::Commit) => {}
            },
            TwoPcMsg::Decision { txid, decision } => {
                match self.state {
                    PState::Init | PState::Prepared => {
                        self.learn(cx, decision, format!("told by {from_id}"), &txid);
                    }
                    PState::Decided(mine) if mine != decision => {
                        cx.observe(TwoPcObs::Conflict { mine, told: decision, from });
                    }
                    PState::Decided(_) => {}
                }
                cx.send(from, TwoPcMsg::Ack { txid });
            }
            TwoPcMsg::DecisionReq { txid } => {
                let answer = match self.state {
                    PState::Decided(d) => PeerAnswer::Decided(d),
                    PState::Prepared => PeerAnswer::Uncertain,
                    PState::Init => {
                        // It has not voted, so the TC cannot have committed: abort on the spot (case 3′).
                        let why = format!("unilateral: asked by {from_id} before voting");
                        self.learn(cx, Decision::Abort, why, &txid);
                        PeerAnswer::Decided(Decision::Abort)
                    }
                };
                cx.send(from, TwoPcMsg::DecisionResp { txid, state: answer });
            }
            TwoPcMsg::DecisionResp { txid, state: PeerAnswer::Decided(v) } if self.state == PState::Prepared => {
                self.learn(cx, v, format!("learned from peer {from_id}"), &txid);
            }
            TwoPcMsg::DecisionResp { .. } | TwoPcMsg::Vote { .. } | TwoPcMsg::Ack { .. } => {}
        }
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, TwoPc>, p: &TwoPcParams, t: TwoPcTimer) {
        match t {
            TwoPcTimer::Dec if self.state == PState::Prepared => {
                self.rounds += 1;
                self.ask(cx, p);
                if let Some(t) = p.t_retry {
                    cx.set_timer(TwoPcTimer::Dec, t);
                }
            }
            TwoPcTimer::Work if self.state == PState::Init => {
                self.learn(cx, Decision::Abort, "unilateral: no PREPARE within T_work".into(), "");
            }
            _ => {}
        }
    }
}

impl Protocol for TwoPc {
    const NAME: &'static str = "2pc";
    const MESSAGE_TYPES: &'static [&'static str] =
        &["PREPARE", "VOTE", "DECISION", "ACK", "DECISION_REQ", "DECISION_RESP"];
    const CLIENT_MESSAGE_TYPES: &'static [&'static str] = &["TX_RESULT"];
    const RECORDS: &'static [&'static str] = &["BEGIN", "PREPARED", "COMMIT", "ABORT", "END"];
    type Params = TwoPcParams;
    type Msg = TwoPcMsg;
    type Timer = TwoPcTimer;
    type Record = TwoPcRecord;
    type Durable = TwoPcDurable;
    type Action = Submit;
    type Obs = TwoPcObs;
    type Checker = TwoPcChecker;

    fn params(r: &mut ParamReader<'_>, c: &Cluster) -> Result<TwoPcParams, ScenarioError> {
        let positive = |r: &mut ParamReader<'_>, key: &str, v: Option<u64>| {
            if v == Some(0) {
                Err(err(&r.path(key), "must be at least 1 ms (null means never)"))
            } else {
                Ok(v)
            }
        };
        let t_vote = r.duration("T_vote", Some(50))?;
        let t_vote = positive(r, "T_vote", t_vote)?;
        let vote_timeout = r.duration("voteTimeout", t_vote)?;
        let vote_timeout = positive(r, "voteTimeout", vote_timeout)?;
        let t_resend = r.duration("T_resend", Some(100))?;
        let t_resend = positive(r, "T_resend", t_resend)?;
        let t_dec = r.duration("T_dec", Some(100))?;
        let t_dec = positive(r, "T_dec", t_dec)?;
        let t_retry = r.duration("T_retry", Some(100))?;
        let t_retry = positive(r, "T_retry", t_retry)?;
        let t_work = r.duration("T_work", None)?;
        let t_work = positive(r, "T_work", t_work)?;
        let coordinator_logs_decision = r.bool_per_node("coordinatorLogsDecision", true)?[TC];
        let participant_logs_prepared = r.bool_per_node("participantLogsPrepared", true)?;
        let cooperative_termination = r.bool_per_node("cooperativeTermination", true)?;
        let app = AppParams::read(r)?;
        Ok(TwoPcParams {
            vote_timeout,
            t_resend,
            t_dec,
            t_retry,
            t_work,
            coordinator_logs_decision,
            participant_logs_prepared,
            cooperative_termination,
            app,
            participants: common::participants(c),
            ids: c.ids.clone(),
        })
    }

    fn validate(s: &Scenario, _p: &TwoPcParams) -> Result<(), ScenarioError> {
        common::validate(s, "2pc")
    }

    fn action(a: &Action, _p: &Self::Params) -> Option<Submit> {
        match a {
            Action::Submit { node, txid, ops } => Some(Submit { node: *node, txid: txid.clone(), ops: ops.clone() }),
            _ => None,
        }
    }

    fn random_action(rng: &mut Rng, s: &Scenario, t: Time) -> Option<Action> {
        common::random_submit(rng, s, t)
    }

    fn action_node(a: &Submit, _p: &TwoPcParams) -> NodeId {
        a.node
    }

    fn empty_durable(_p: &Self::Params) -> Self::Durable {
        Default::default()
    }

    fn apply(d: &mut TwoPcDurable, r: &TwoPcRecord) {
        d.records.push(r.name());
        match r {
            TwoPcRecord::Begin { txid, ops } => {
                d.txid = Some(txid.clone());
                d.begun = true;
                d.ops = ops.clone();
            }
            TwoPcRecord::Prepared { txid, participants, op, .. } => {
                d.txid = Some(txid.clone());
                d.prepared = true;
                d.participants = participants.clone();
                d.op = Some(op.clone());
            }
            TwoPcRecord::Commit { txid, posting } => {
                if txid.is_some() {
                    d.txid = txid.clone();
                }
                d.decision = Some(Decision::Commit);
                d.applied.extend(posting.iter().cloned());
            }
            TwoPcRecord::Abort { txid } => {
                if txid.is_some() {
                    d.txid = txid.clone();
                }
                d.decision = Some(Decision::Abort);
            }
            TwoPcRecord::End { .. } => d.ended = true,
        }
    }

    fn boot(cx: &mut Ctx<'_, Self>, p: &TwoPcParams, d: &TwoPcDurable, recovering: bool) -> TwoPc {
        if cx.me() == TC {
            let mut c =
                Coordinator { state: TcState::Idle, txid: d.txid.clone(), yes: VecSet::new(), acks: VecSet::new() };
            if recovering && d.begun {
                if d.ended {
                    // END: nothing left to do. (Without a logged decision the buggy TC presumes abort.)
                    c.state = TcState::Ended(d.decision.unwrap_or(Decision::Abort));
                } else if let Some(dec) = d.decision {
                    // The decision is logged but not every ACK came in: resend it.
                    c.state = TcState::Decided(dec);
                    c.announce(cx, p, dec);
                } else {
                    // BEGIN without a decision: nobody can have committed, since COMMIT is sent only once logged.
                    c.state = TcState::Wait;
                    c.decide(cx, p, Decision::Abort, "presumed abort: recovered with BEGIN and no decision".into());
                }
            }
            return TwoPc::Coordinator(c);
        }
        let mut part = Participant {
            state: PState::Init,
            txid: d.txid.clone(),
            op: d.op.clone(),
            participants: if d.prepared { d.participants.clone() } else { p.participants.clone() },
            vote: d.prepared.then_some(true),
            locks: Vec::new(),
            rounds: 0,
            applied: d.applied.clone(),
        };
        if let Some(dec) = d.decision {
            part.state = PState::Decided(dec);
        } else if !recovering {
            if let Some(t) = p.t_work {
                cx.set_timer(TwoPcTimer::Work, t);
            }
        } else if d.prepared {
            // Still uncertain: re-take the locks, re-send the vote and ask around.
            part.state = PState::Prepared;
            part.locks = d.op.iter().map(|op| common::parse_op(op).map_or(op.clone(), |x| x.account)).collect();
            let txid = txid_or(&part.txid, "");
            cx.send(TC, TwoPcMsg::Vote { txid: txid.clone(), yes: true });
            if p.cooperative_termination[cx.me()] {
                let me = cx.me();
                for &q in part.participants.iter().filter(|&&q| q != me) {
                    cx.send(q, TwoPcMsg::DecisionReq { txid: txid.clone() });
                }
            }
            if let Some(t) = p.t_retry {
                cx.set_timer(TwoPcTimer::Dec, t);
            }
        } else {
            // Nothing logged: it never voted YES, so it may abort unilaterally.
            part.learn(cx, Decision::Abort, "unilateral: recovered with nothing logged".into(), "");
        }
        TwoPc::Participant(part)
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, p: &TwoPcParams, from: NodeId, m: TwoPcMsg) {
        match self {
            TwoPc::Coordinator(c) => c.on_message(cx, p, from, m),
            TwoPc::Participant(x) => x.on_message(cx, p, from, m),
        }
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, p: &TwoPcParams, t: TwoPcTimer) {
        match self {
            TwoPc::Coordinator(c) => c.on_timer(cx, p, t),
            TwoPc::Participant(x) => x.on_timer(cx, p, t),
        }
    }

    fn on_action(&mut self, cx: &mut Ctx<'_, Self>, p: &TwoPcParams, a: Submit) {
        match self {
            TwoPc::Coordinator(c) => c.submit(cx, p, a),
            TwoPc::Participant(_) => {
                cx.observe(TwoPcObs::Ignored { why: format!("submit {}: not the coordinator", a.txid) });
            }
        }
    }

    fn view(&self, p: &TwoPcParams, d: &TwoPcDurable) -> ProtoView {
        let mut v = Self::view_down(p, d);
        match self {
            TwoPc::Coordinator(c) => {
                let (role, class) = match c.state {
                    TcState::Idle => ("IDLE".to_string(), "idle"),
                    TcState::Wait => ("WAIT".to_string(), "waiting"),
                    TcState::Decided(x) => (x.state().to_string(), x.class()),
                    TcState::Ended(x) => ("ENDED".to_string(), x.class()),
                };
                v.role = role;
                v.class = class;
                let names = |s: &VecSet<NodeId>, ids: &[NodeId]| {
                    let v: Vec<&str> = ids.iter().filter(|q| s.contains(q)).map(|&q| p.ids[q].as_str()).collect();
                    if v.is_empty() {
                        "none".to_string()
                    } else {
                        v.join(", ")
                    }
                };
                v.fields.push(Field::volatile("YES votes", names(&c.yes, &p.participants)));
                v.fields.push(Field::volatile("ACKs", names(&c.acks, &p.participants)));
            }
            TwoPc::Participant(x) => {
                let (role, class) = match x.state {
                    PState::Init => ("INIT".to_string(), "idle"),
                    PState::Prepared => ("PREPARED".to_string(), "uncertain"),
                    PState::Decided(y) => (y.state().to_string(), y.class()),
                };
                v.role = role;
                v.class = class;
                if x.vote == Some(false) {
                    v.fields.retain(|f| f.name != "vote");
                    v.fields.insert(0, Field::durable("vote", "NO"));
                } else if x.vote == Some(true) && !d.prepared {
                    v.fields.retain(|f| f.name != "vote");
                    v.fields.insert(0, Field::volatile("vote", "YES (not logged!)"));
                }
                let locks = if x.locks.is_empty() { "none".to_string() } else { x.locks.join(", ") };
                v.fields.push(Field::volatile("locks", locks));
                if x.rounds > 0 {
                    v.fields.push(Field::volatile("termination rounds", x.rounds));
                }
            }
        }
        v
    }

    fn view_down(p: &TwoPcParams, d: &TwoPcDurable) -> ProtoView {
        common::down_view(common::StableFacts {
            ids: &p.ids,
            app: &p.app,
            records: &d.records,
            txid: d.txid.as_deref(),
            ops: &d.ops,
            voted_yes: d.prepared,
            op: d.op.as_deref(),
            applied: &d.applied,
            decision: d.decision,
        })
    }

    fn report_node(w: &World<'_, Self>, i: NodeId, c: &TwoPcChecker) -> Map<String, Value> {
        let d = w.durable(i);
        let (blocked, vote) = match w.node(i) {
            Some(TwoPc::Participant(x)) => (c.blocked_since(i), x.vote),
            Some(TwoPc::Coordinator(_)) => (None, None),
            None => (None, d.prepared.then_some(true)),
        };
        let mut m = Map::new();
        // A crashed node has no state left: report the one it was in when it crashed.
        m.insert("state".into(), json!(w.node(i).map_or(c.last_state(i), |x| x.state_name())));
        m.insert("decisions".into(), json!(c.book().names(i)));
        m.insert("log".into(), json!(d.records));
        m.insert("blockedSince".into(), json!(blocked));
        if i != TC {
            m.insert("vote".into(), json!(vote.map(|y| if y { "YES" } else { "NO" })));
        }
        m
    }

    fn report_app(w: &World<'_, Self>, _c: &TwoPcChecker) -> Map<String, Value> {
        let p = w.params();
        let ledgers = ledgers(w);
        common::app_report(&p.app, &w.durable(TC).ops, &ledgers)
    }
}

/// Every node's stable ledger, indexed by node.
pub(crate) fn ledgers<'a>(w: &World<'a, TwoPc>) -> Vec<Ledger<'a>> {
    (0..w.n()).map(|i| Ledger { decision: w.durable(i).decision, applied: &w.durable(i).applied }).collect()
}

impl TwoPc {
    /// The state name (protocols.md §2.2), as in the report.
    pub fn state_name(&self) -> &'static str {
        match self {
            TwoPc::Coordinator(c) => tc_state_name(c.state),
            TwoPc::Participant(x) => p_state_name(x.state),
        }
    }
}

fn tc_state_name(s: TcState) -> &'static str {
    match s {
        TcState::Idle => "IDLE",
        TcState::Wait => "WAIT",
        TcState::Decided(d) => d.state(),
        TcState::Ended(_) => "ENDED",
    }
}

fn p_state_name(s: PState) -> &'static str {
    match s {
        PState::Init => "INIT",
        PState::Prepared => "PREPARED",
        PState::Decided(d) => d.state(),
    }
}

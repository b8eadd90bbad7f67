//! Three-phase commit with its termination protocol (protocols.md §3).
//!
//! 2PC blocks because a participant that voted YES sits in a state (PREPARED) from which both COMMIT and ABORT are
//! one step away: when the coordinator dies, nobody uncertain can tell which. 3PC inserts a **pre-commit** phase
//! so that no such state exists (Skeen's conditions). After collecting every YES the coordinator first sends
//! `PRE_COMMIT`; a participant that receives it becomes COMMITTABLE ("everyone voted YES") and acknowledges; only
//! then does the coordinator log and send COMMIT. The coordinator never commits while an operational participant
//! is merely UNCERTAIN (3PC-NB), and once it has sent a PRE_COMMIT it may no longer abort (3PC-C1).
//!
//! **Termination.** When the coordinator goes silent, participants time out and elect the smallest participant
//! they do not suspect. That termination coordinator collects everyone's state and applies four rules: someone
//! ABORTED → abort (TR1); someone COMMITTED → commit (TR2); all UNCERTAIN → abort (TR3: had the coordinator
//! committed, everyone operational would be COMMITTABLE); otherwise someone is COMMITTABLE → pre-commit the
//! uncertain ones, then commit (TR4). If it dies too, the others time out on it and elect the next one; the rules
//! stay consistent because TR1/TR2 only propagate an existing decision and a partial TR4 leaves someone
//! COMMITTABLE. `terminationRule: "skeen"` uses Skeen's central-site backup instead: the backup decides from its
//! own state alone. A process that crashed and recovers without a decision never joins termination, since the
//! survivors may have decided either way while it was down: it only asks until some decided process answers. So a
//! recovered coordinator must **not** presume abort, unlike in 2PC.
//!
//! **Where it breaks.** All of this assumes crash-stop failures detected perfectly by timeouts: a synchronous
//! network, no partitions, and not everyone failing. Under a partition each side runs termination alone: the side
//! with a COMMITTABLE member (or the coordinator, reading missing ACKs as crashes) commits while an all-UNCERTAIN
//! side aborts by TR3. Atomicity is lost, not just progress (3PC-3). After a total failure every process recovers
//! uncertain and can only ask the others, who know no more: 3PC blocks too.

mod checker;
mod participant;

pub use checker::ThreePcChecker;
pub use participant::{PState, Participant, TermPhase, Termination};

use super::two_pc::common::{self, AppParams, Decision, Ledger, Posting};
use crate::protocol::{Cluster, Ctx, Message, NodeId, Observation, Protocol, Record, TimerName};
use crate::rng::Rng;
use crate::scenario::{read::err, Action, ParamReader, Scenario, ScenarioError};
use crate::sim::World;
use crate::time::Time;
use crate::vecmap::{VecMap, VecSet};
use crate::view::{fields, nodes_json, Field, ProtoView};
use serde_json::{json, Map, Value};

/// The coordinator's node index (the first node of the scenario).
pub const C: NodeId = 0;

/// How a termination coordinator decides (protocols.md §3.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TerminationRule {
    /// Collect every state and apply TR1-TR4 (BHG ch. 7).
    Collect,
    /// Skeen's central-site backup: decide from its own state alone.
    Skeen,
}

/// Parameters (protocols.md §3.1).
#[derive(Clone, Debug)]
pub struct ThreePcParams {
    /// Coordinator: wait for votes (`T_vote`).
    pub t_vote: Option<u64>,
    /// Coordinator: wait for PRE_COMMIT acknowledgements (`T_ack`).
    pub t_ack: Option<u64>,
    /// Participant: wait in UNCERTAIN or COMMITTABLE, and for an elected termination coordinator (`T_wait`).
    pub t_wait: Option<u64>,
    /// Termination coordinator: wait for state reports (`T_collect`).
    pub t_collect: Option<u64>,
    /// Termination coordinator: wait for PRE_COMMIT acknowledgements (`T_tack`).
    pub t_tack: Option<u64>,
    /// Recovering process: period of its questions (`T_ask`).
    pub t_ask: Option<u64>,
    /// Participant without VOTE_REQ aborts unilaterally after this long (`T_work`, off by default).
    pub t_work: Option<u64>,
    /// The termination rule.
    pub rule: TerminationRule,
    /// Balances and votes.
    pub app: AppParams,
    /// Participants in ascending id order.
    pub participants: Vec<NodeId>,
    /// Node ids (for the views).
    pub ids: Vec<String>,
}

/// A state as reported to a termination coordinator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reported {
    /// Voted YES, no PRE_COMMIT.
    Uncertain,
    /// Received PRE_COMMIT.
    Committable,
    /// Decided COMMIT.
    Committed,
    /// Decided ABORT.
    Aborted,
}

impl Reported {
    /// The state name.
    pub fn name(self) -> &'static str {
        match self {
            Reported::Uncertain => "UNCERTAIN",
            Reported::Committable => "COMMITTABLE",
            Reported::Committed => "COMMITTED",
            Reported::Aborted => "ABORTED",
        }
    }
}

/// Messages (protocols.md §3.3).
#[derive(Clone, Debug, Hash)]
pub enum ThreePcMsg {
    /// C → P: "CanCommit?", with the participant list and this participant's operation.
    VoteReq {
        /// Transaction id.
        txid: String,
        /// Every participant.
        participants: Vec<NodeId>,
        /// This participant's operation.
        op: String,
    },
    /// P → C: the vote.
    Vote {
        /// Transaction id.
        txid: String,
        /// YES (true) or NO.
        yes: bool,
    },
    /// C or termination coordinator → P: everyone voted YES.
    PreCommit {
        /// Transaction id.
        txid: String,
    },
    /// P → sender of PRE_COMMIT.
    Ack {
        /// Transaction id.
        txid: String,
    },
    /// The decision (`COMMIT` / `ABORT` on the wire): from C, a termination coordinator, or any decided process
    /// answering a question.
    Decision {
        /// Transaction id.
        txid: String,
        /// COMMIT or ABORT.
        decision: Decision,
    },
    /// Termination coordinator → P: "what is your state?"
    StateReq {
        /// Transaction id.
        txid: String,
    },
    /// P → termination coordinator.
    StateReport {
        /// Transaction id.
        txid: String,
        /// Its state.
        state: Reported,
    },
    /// Recovering process → everyone: "what was decided?"
    DecisionReq {
        /// Transaction id.
        txid: String,
    },
}

impl Message for ThreePcMsg {
    fn kind(&self) -> &'static str {
        match self {
            ThreePcMsg::VoteReq { .. } => "VOTE_REQ",
            ThreePcMsg::Vote { .. } => "VOTE",
            ThreePcMsg::PreCommit { .. } => "PRE_COMMIT",
            ThreePcMsg::Ack { .. } => "ACK",
            ThreePcMsg::Decision { decision, .. } => decision.name(),
            ThreePcMsg::StateReq { .. } => "STATE_REQ",
            ThreePcMsg::StateReport { .. } => "STATE_REPORT",
            ThreePcMsg::DecisionReq { .. } => "DECISION_REQ",
        }
    }
    fn is_response(&self) -> bool {
        matches!(self, ThreePcMsg::Vote { .. } | ThreePcMsg::Ack { .. } | ThreePcMsg::StateReport { .. })
    }
    fn label(&self) -> String {
        match self {
            ThreePcMsg::Vote { yes, .. } => format!("VOTE {}", if *yes { "YES" } else { "NO" }),
            ThreePcMsg::StateReport { state, .. } => format!("STATE {}", state.name()),
            ThreePcMsg::DecisionReq { .. } => "DECISION?".into(),
            m => m.kind().to_string(),
        }
    }
    fn fields(&self, ids: &[String]) -> Value {
        match self {
            ThreePcMsg::VoteReq { txid, participants, op } => {
                fields([("txid", json!(txid)), ("participants", nodes_json(ids, participants)), ("op", json!(op))])
            }
            ThreePcMsg::Vote { txid, yes } => {
                fields([("txid", json!(txid)), ("vote", json!(if *yes { "YES" } else { "NO" }))])
            }
            ThreePcMsg::StateReport { txid, state } => fields([("txid", json!(txid)), ("state", json!(state.name()))]),
            ThreePcMsg::PreCommit { txid }
            | ThreePcMsg::Ack { txid }
            | ThreePcMsg::Decision { txid, .. }
            | ThreePcMsg::StateReq { txid }
            | ThreePcMsg::DecisionReq { txid } => fields([("txid", json!(txid))]),
        }
    }
}

/// Timers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ThreePcTimer {
    /// Coordinator: the wait for votes.
    Vote,
    /// Coordinator: the wait for PRE_COMMIT acknowledgements.
    Ack,
    /// Participant: the wait for the (termination) coordinator.
    Wait,
    /// Termination coordinator: the wait for state reports.
    Collect,
    /// Termination coordinator: the wait for PRE_COMMIT acknowledgements.
    Tacks,
    /// Recovering process: ask again.
    Ask,
    /// Participant: unilateral abort when no VOTE_REQ came (`T_work`).
    Work,
}

impl TimerName for ThreePcTimer {
    fn name(&self) -> String {
        match self {
            ThreePcTimer::Vote => "vote",
            ThreePcTimer::Ack => "ack",
            ThreePcTimer::Wait => "wait",
            ThreePcTimer::Collect => "collect",
            ThreePcTimer::Tacks => "tacks",
            ThreePcTimer::Ask => "ask",
            ThreePcTimer::Work => "work",
        }
        .into()
    }
}

/// Stable records (protocols.md §3.4). Receiving PRE_COMMIT is not logged (the reference model).
#[derive(Clone, Debug, Hash)]
pub enum ThreePcRecord {
    /// C: a transaction began (before the first VOTE_REQ).
    Begin {
        /// Transaction id.
        txid: String,
        /// Operation per participant, ascending.
        ops: Vec<(NodeId, String)>,
    },
    /// P: voted YES (before the vote), with what it needs after a crash.
    Yes {
        /// Transaction id.
        txid: String,
        /// Every participant.
        participants: Vec<NodeId>,
        /// Its operation.
        op: String,
    },
    /// The COMMIT decision, with the participant's balance change in the same write.
    Commit {
        /// Transaction id, if known.
        txid: Option<String>,
        /// The application effect (participants only).
        posting: Option<Posting>,
    },
    /// The ABORT decision.
    Abort {
        /// Transaction id, if known.
        txid: Option<String>,
    },
}

impl Record for ThreePcRecord {
    fn name(&self) -> &'static str {
        match self {
            ThreePcRecord::Begin { .. } => "BEGIN",
            ThreePcRecord::Yes { .. } => "YES",
            ThreePcRecord::Commit { .. } => "COMMIT",
            ThreePcRecord::Abort { .. } => "ABORT",
        }
    }
    fn describe(&self, _ids: &[String]) -> String {
        match self {
            ThreePcRecord::Begin { txid, ops } => format!("BEGIN {txid} ({} participants)", ops.len()),
            ThreePcRecord::Yes { txid, op, .. } => format!("YES {txid} \"{op}\""),
            ThreePcRecord::Commit { posting: Some(p), .. } => format!("COMMIT ({} {:+})", p.account, p.delta),
            ThreePcRecord::Commit { .. } => "COMMIT".into(),
            ThreePcRecord::Abort { .. } => "ABORT".into(),
        }
    }
}

/// Stable state, rebuilt from the records.
#[derive(Clone, Debug, Default)]
pub struct ThreePcDurable {
    /// Record names in the order written.
    pub records: Vec<&'static str>,
    /// Transaction id, once known.
    pub txid: Option<String>,
    /// C: `BEGIN` is logged.
    pub begun: bool,
    /// C: the operations.
    pub ops: Vec<(NodeId, String)>,
    /// P: `YES` is logged.
    pub yes: bool,
    /// P: its operation.
    pub op: Option<String>,
    /// P: every participant.
    pub participants: Vec<NodeId>,
    /// The logged decision.
    pub decision: Option<Decision>,
    /// P: balance changes applied with COMMIT.
    pub applied: Vec<Posting>,
}

/// Observations.
#[derive(Clone, Debug, Hash)]
pub enum ThreePcObs {
    /// A decision taken, logged just before (timeline `decide`).
    Decide {
        /// COMMIT or ABORT.
        decision: Decision,
        /// Why, for the event log.
        why: String,
    },
    /// A participant became COMMITTABLE (it knows everyone voted YES).
    Committable {
        /// Who sent the PRE_COMMIT (itself for a termination coordinator applying TR4).
        from: NodeId,
    },
    /// A participant elected a termination coordinator (itself, or the node it now waits for).
    Elected {
        /// The elected participant (id).
        coord: String,
        /// Everyone it suspects (ids).
        suspected: Vec<String>,
    },
    /// A termination coordinator applied a rule (`TR1`..`TR4`, or `SKEEN-COMMIT` / `SKEEN-ABORT`).
    Rule {
        /// The rule.
        rule: &'static str,
        /// The states it decided from (by node id), its own included.
        reports: Vec<(String, Reported)>,
    },
    /// A recovering process asked and nobody answered within `T_ask` (timeline `blocked`).
    Blocked,
    /// A decided process was told the opposite decision; it keeps its own.
    Conflict {
        /// Its decision.
        mine: Decision,
        /// What it was told.
        told: Decision,
        /// By whom.
        from: NodeId,
    },
    /// An input it had to ignore (a submit while busy, a message from a suspected process).
    Ignored {
        /// Why.
        why: String,
    },
}

impl Observation for ThreePcObs {
    fn timeline(&self) -> Option<(&'static str, Map<String, Value>)> {
        match self {
            ThreePcObs::Decide { decision, .. } => {
                let mut m = Map::new();
                m.insert("decision".into(), json!(decision.name()));
                Some(("decide", m))
            }
            ThreePcObs::Blocked => Some(("blocked", Map::new())),
            _ => None,
        }
    }
    fn describe(&self) -> String {
        match self {
            ThreePcObs::Decide { decision, why } => format!("decides {} ({why})", decision.name()),
            ThreePcObs::Committable { .. } => "COMMITTABLE: everyone voted YES".into(),
            ThreePcObs::Elected { coord, suspected } => {
                format!("elects {coord} as termination coordinator (suspects {})", suspected.join(", "))
            }
            ThreePcObs::Rule { rule, reports } => {
                let r: Vec<String> = reports.iter().map(|(q, s)| format!("{q}={}", s.name())).collect();
                format!("applies {rule} to {}", r.join(", "))
            }
            ThreePcObs::Blocked => "blocked: recovered uncertain, nobody it reached knows the decision".into(),
            ThreePcObs::Conflict { mine, told, .. } => {
                format!("told {} but keeps {} (irrevocable): conflict", told.name(), mine.name())
            }
            ThreePcObs::Ignored { why } => format!("ignored: {why}"),
        }
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

/// Coordinator states (protocols.md §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CState {
    /// No transaction (q1).
    Idle,
    /// VOTE_REQ sent, collecting votes; may abort (w1).
    Wait,
    /// PRE_COMMIT sent; may no longer abort (p1).
    PreCommit,
    /// Decided (c1 / a1).
    Decided(Decision),
    /// Restarted without a logged decision: asks.
    Recovering,
}

/// The coordinator's volatile state.
#[derive(Clone, Debug)]
pub struct Coordinator {
    /// State.
    pub state: CState,
    /// Transaction id.
    pub txid: Option<String>,
    /// YES votes received.
    pub yes: VecSet<NodeId>,
    /// PRE_COMMIT acknowledgements received.
    pub acks: VecSet<NodeId>,
    /// While recovering: since when nobody has answered.
    pub blocked_since: Option<Time>,
}

/// A 3PC node.
#[derive(Clone, Debug)]
pub enum ThreePc {
    /// The coordinator.
    Coordinator(Coordinator),
    /// A participant.
    Participant(Participant),
}

pub(crate) fn txid_or(t: &Option<String>, fallback: &str) -> String {
    t.clone().unwrap_or_else(|| fallback.to_string())
}

pub(crate) fn decision_record(d: Decision, txid: Option<String>, posting: Option<Posting>) -> ThreePcRecord {
    match d {
        Decision::Commit => ThreePcRecord::Commit { txid, posting },
        Decision::Abort => ThreePcRecord::Abort { txid },
    }
}

impl Coordinator {
    fn submit(&mut self, cx: &mut Ctx<'_, ThreePc>, p: &ThreePcParams, s: Submit) {
        if self.state != CState::Idle {
            let busy = format!("submit {}: transaction {} is already under way", s.txid, txid_or(&self.txid, "?"));
            cx.observe(ThreePcObs::Ignored { why: busy });
            return;
        }
        let ops = common::ops_for(s.ops.as_ref(), cx.cluster());
        cx.persist(ThreePcRecord::Begin { txid: s.txid.clone(), ops: ops.clone() });
        self.state = CState::Wait;
        self.txid = Some(s.txid.clone());
        for (q, op) in ops {
            cx.send(q, ThreePcMsg::VoteReq { txid: s.txid.clone(), participants: p.participants.clone(), op });
        }
        if let Some(t) = p.t_vote {
            cx.set_timer(ThreePcTimer::Vote, t);
        }
    }

    fn decide(&mut self, cx: &mut Ctx<'_, ThreePc>, p: &ThreePcParams, d: Decision, why: String) {
        let txid = txid_or(&self.txid, "");
        cx.persist(decision_record(d, Some(txid.clone()), None));
        cx.observe(ThreePcObs::Decide { decision: d, why });
        self.state = CState::Decided(d);
        cx.cancel_timer(ThreePcTimer::Vote);
        cx.cancel_timer(ThreePcTimer::Ack);
        for &q in &p.participants {
            cx.send(q, ThreePcMsg::Decision { txid: txid.clone(), decision: d });
        }
    }

    fn ask(&self, cx: &mut Ctx<'_, ThreePc>, p: &ThreePcParams) {
        let txid = txid_or(&self.txid, "");
        for &q in &p.participants {
            cx.send(q, ThreePcMsg::DecisionReq { txid: txid.clone() });
        }
        if let Some(t) = p.t_ask {
            cx.set_timer(ThreePcTimer::Ask, t);
        }
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, ThreePc>, p: &ThreePcParams, from: NodeId, m: ThreePcMsg) {
        let from_id = cx.cluster().ids[from].clone();
        match m {
            ThreePcMsg::Vote { yes: false, .. } if self.state == CState::Wait => {
                self.decide(cx, p, Decision::Abort, format!("{from_id} voted NO"));
            }
            ThreePcMsg::Vote { yes: true, .. } if self.state == CState::Wait => {
                self.yes.insert(from);
                if p.participants.iter().all(|q| self.yes.contains(q)) {
                    cx.cancel_timer(ThreePcTimer::Vote);
                    self.state = CState::PreCommit;
                    let txid = txid_or(&self.txid, "");
                    for &q in &p.participants {
                        cx.send(q, ThreePcMsg::PreCommit { txid: txid.clone() });
                    }
                    if let Some(t) = p.t_ack {
                        cx.set_timer(ThreePcTimer::Ack, t);
                    }
                }
            }
            ThreePcMsg::Ack { .. } if self.state == CState::PreCommit => {
                self.acks.insert(from);
                if p.participants.iter().all(|q| self.acks.contains(q)) {
                    self.decide(cx, p, Decision::Commit, "every participant acknowledged PRE_COMMIT".into());
                }
            }
            ThreePcMsg::Decision { decision, .. } => match self.state {
                CState::Recovering => {
                    cx.persist(decision_record(decision, self.txid.clone(), None));
                    cx.observe(ThreePcObs::Decide { decision, why: format!("learned from {from_id} after recovery") });
                    self.state = CState::Decided(decision);
                    self.blocked_since = None;
                    cx.cancel_timer(ThreePcTimer::Ask);
                }
                CState::Decided(mine) if mine != decision => {
                    cx.observe(ThreePcObs::Conflict { mine, told: decision, from });
                }
                _ => {}
            },
            ThreePcMsg::DecisionReq { txid } => {
                if let CState::Decided(d) = self.state {
                    cx.send(from, ThreePcMsg::Decision { txid, decision: d });
                }
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, ThreePc>, p: &ThreePcParams, t: ThreePcTimer) {
        match (t, self.state) {
            (ThreePcTimer::Vote, CState::Wait) => {
                let missing: Vec<&str> = p
                    .participants
                    .iter()
                    .filter(|q| !self.yes.contains(q))
                    .map(|&q| cx.cluster().ids[q].as_str())
                    .collect();
                let why = format!("vote timeout: no vote from {}", missing.join(", "));
                self.decide(cx, p, Decision::Abort, why);
            }
            (ThreePcTimer::Ack, CState::PreCommit) => {
                // A missing ACK means that participant crashed (assumption b); it may no longer abort.
                let missing: Vec<&str> = p
                    .participants
                    .iter()
                    .filter(|q| !self.acks.contains(q))
                    .map(|&q| cx.cluster().ids[q].as_str())
                    .collect();
                let why = format!("ACK timeout: {} treated as crashed", missing.join(", "));
                self.decide(cx, p, Decision::Commit, why);
            }
            (ThreePcTimer::Ask, CState::Recovering) => {
                if self.blocked_since.is_none() {
                    self.blocked_since = Some(cx.now);
                    cx.observe(ThreePcObs::Blocked);
                }
                self.ask(cx, p);
            }
            _ => {}
        }
    }
}

impl Protocol for ThreePc {
    const NAME: &'static str = "3pc";
    const MESSAGE_TYPES: &'static [&'static str] =
        &["VOTE_REQ", "VOTE", "PRE_COMMIT", "ACK", "COMMIT", "ABORT", "STATE_REQ", "STATE_REPORT", "DECISION_REQ"];
    const RECORDS: &'static [&'static str] = &["BEGIN", "YES", "COMMIT", "ABORT"];
    type Params = ThreePcParams;
    type Msg = ThreePcMsg;
    type Timer = ThreePcTimer;
    type Record = ThreePcRecord;
    type Durable = ThreePcDurable;
    type Action = Submit;
    type Obs = ThreePcObs;
    type Checker = ThreePcChecker;

    fn params(r: &mut ParamReader<'_>, c: &Cluster) -> Result<ThreePcParams, ScenarioError> {
        let dur = |r: &mut ParamReader<'_>, key: &str, default: Option<u64>| {
            let v = r.duration(key, default)?;
            if v == Some(0) {
                return Err(err(&r.path(key), "must be at least 1 ms (null means never)"));
            }
            Ok(v)
        };
        let t_vote = dur(r, "T_vote", Some(50))?;
        let t_ack = dur(r, "T_ack", Some(50))?;
        let t_wait = dur(r, "T_wait", Some(100))?;
        let t_collect = dur(r, "T_collect", Some(100))?;
        let t_tack = dur(r, "T_tack", Some(100))?;
        let t_ask = dur(r, "T_ask", Some(100))?;
        let t_work = dur(r, "T_work", None)?;
        let rule = match r.choice("terminationRule", &["collect", "skeen"], "collect")? {
            "skeen" => TerminationRule::Skeen,
            _ => TerminationRule::Collect,
        };
        let app = AppParams::read(r)?;
        Ok(ThreePcParams {
            t_vote,
            t_ack,
            t_wait,
            t_collect,
            t_tack,
            t_ask,
            t_work,
            rule,
            app,
            participants: common::participants(c),
            ids: c.ids.clone(),
        })
    }

    fn validate(s: &Scenario, _p: &ThreePcParams) -> Result<(), ScenarioError> {
        common::validate(s, "3pc")
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

    fn action_node(a: &Submit, _p: &ThreePcParams) -> NodeId {
        a.node
    }

    fn empty_durable(_p: &Self::Params) -> Self::Durable {
        Default::default()
    }

    fn apply(d: &mut ThreePcDurable, r: &ThreePcRecord) {
        d.records.push(r.name());
        match r {
            ThreePcRecord::Begin { txid, ops } => {
                d.txid = Some(txid.clone());
                d.begun = true;
                d.ops = ops.clone();
            }
            ThreePcRecord::Yes { txid, participants, op } => {
                d.txid = Some(txid.clone());
                d.yes = true;
                d.participants = participants.clone();
                d.op = Some(op.clone());
            }
            ThreePcRecord::Commit { txid, posting } => {
                if txid.is_some() {
                    d.txid = txid.clone();
                }
                d.decision = Some(Decision::Commit);
                d.applied.extend(posting.iter().cloned());
            }
            ThreePcRecord::Abort { txid } => {
                if txid.is_some() {
                    d.txid = txid.clone();
                }
                d.decision = Some(Decision::Abort);
            }
        }
    }

    fn boot(cx: &mut Ctx<'_, Self>, p: &ThreePcParams, d: &ThreePcDurable, recovering: bool) -> ThreePc {
        if cx.me() == C {
            let mut c = Coordinator {
                state: CState::Idle,
                txid: d.txid.clone(),
                yes: VecSet::new(),
                acks: VecSet::new(),
                blocked_since: None,
            };
            if let Some(dec) = d.decision {
                c.state = CState::Decided(dec);
            } else if recovering && d.begun {
                // Unlike 2PC, no presumed abort: termination may have committed while it was down. It only asks.
                c.state = CState::Recovering;
                c.ask(cx, p);
            }
            return ThreePc::Coordinator(c);
        }
        ThreePc::Participant(Participant::boot(cx, p, d, recovering))
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, p: &ThreePcParams, from: NodeId, m: ThreePcMsg) {
        match self {
            ThreePc::Coordinator(c) => c.on_message(cx, p, from, m),
            ThreePc::Participant(x) => x.on_message(cx, p, from, m),
        }
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, p: &ThreePcParams, t: ThreePcTimer) {
        match self {
            ThreePc::Coordinator(c) => c.on_timer(cx, p, t),
            ThreePc::Participant(x) => x.on_timer(cx, p, t),
        }
    }

    fn on_action(&mut self, cx: &mut Ctx<'_, Self>, p: &ThreePcParams, a: Submit) {
        match self {
            ThreePc::Coordinator(c) => c.submit(cx, p, a),
            ThreePc::Participant(_) => {
                cx.observe(ThreePcObs::Ignored { why: format!("submit {}: not the coordinator", a.txid) });
            }
        }
    }

    fn view(&self, p: &ThreePcParams, d: &ThreePcDurable) -> ProtoView {
        let mut v = Self::view_down(p, d);
        let names = |s: &mut dyn Iterator<Item = NodeId>| {
            let v: Vec<&str> = s.map(|q| p.ids[q].as_str()).collect();
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(", ")
            }
        };
        match self {
            ThreePc::Coordinator(c) => {
                v.role = c_state_name(c.state).to_string();
                v.class = match c.state {
                    CState::Idle => "idle",
                    CState::Wait => "waiting",
                    CState::PreCommit => "committable",
                    CState::Decided(x) => x.class(),
                    CState::Recovering => "recovering",
                };
                v.fields.push(Field::volatile("YES votes", names(&mut c.yes.iter().copied())));
                if c.state == CState::PreCommit {
                    v.fields.push(Field::volatile("ACKs", names(&mut c.acks.iter().copied())));
                }
                v.blocked_since = c.blocked_since;
            }
            ThreePc::Participant(x) => {
                v.role = x.state_name().to_string();
                v.class = x.class();
                if x.vote == Some(false) {
                    v.fields.retain(|f| f.name != "vote");
                    v.fields.insert(0, Field::durable("vote", "NO"));
                }
                if x.is_undecided() {
                    v.fields.push(Field::volatile("coordinator", &p.ids[x.coord]));
                    v.fields.push(Field::volatile("suspected", names(&mut x.suspected.iter().copied())));
                }
                if let Some(t) = &x.term {
                    let text = match &t.phase {
                        TermPhase::Collecting => {
                            let r: Vec<String> =
                                t.reports.iter().map(|(q, s)| format!("{}={}", p.ids[*q], s.name())).collect();
                            format!("collecting states: {}", r.join(", "))
                        }
                        TermPhase::PreCommitting { waiting } => {
                            format!("pre-committing, awaiting ACK from {}", names(&mut waiting.iter().copied()))
                        }
                    };
                    v.fields.push(Field::volatile("termination", text));
                }
                let locks = if x.locks.is_empty() { "none".to_string() } else { x.locks.join(", ") };
                v.fields.push(Field::volatile("locks", locks));
                v.blocked_since = x.blocked_since;
            }
        }
        v
    }

    fn view_down(p: &ThreePcParams, d: &ThreePcDurable) -> ProtoView {
        common::down_view(common::StableFacts {
            ids: &p.ids,
            app: &p.app,
            records: &d.records,
            txid: d.txid.as_deref(),
            ops: &d.ops,
            voted_yes: d.yes,
            op: d.op.as_deref(),
            applied: &d.applied,
            decision: d.decision,
        })
    }

    fn report_node(w: &World<'_, Self>, i: NodeId, c: &ThreePcChecker) -> Map<String, Value> {
        let d = w.durable(i);
        let (blocked, vote) = match w.node(i) {
            Some(ThreePc::Coordinator(x)) => (x.blocked_since, None),
            Some(ThreePc::Participant(x)) => (x.blocked_since, x.vote),
            None => (None, d.yes.then_some(true)),
        };
        let mut m = Map::new();
        // A crashed node has no state left: report the one it was in when it crashed.
        m.insert("state".into(), json!(w.node(i).map_or(c.last_state(i), |x| x.state_name())));
        m.insert("decisions".into(), json!(c.book().names(i)));
        m.insert("log".into(), json!(d.records));
        m.insert("blockedSince".into(), json!(blocked));
        if i != C {
            m.insert("vote".into(), json!(vote.map(|y| if y { "YES" } else { "NO" })));
        }
        m
    }

    fn report_app(w: &World<'_, Self>, _c: &ThreePcChecker) -> Map<String, Value> {
        let ledgers = ledgers(w);
        common::app_report(&w.params().app, &w.durable(C).ops, &ledgers)
    }
}

/// Every node's stable ledger, indexed by node.
pub(crate) fn ledgers<'a>(w: &World<'a, ThreePc>) -> Vec<Ledger<'a>> {
    (0..w.n()).map(|i| Ledger { decision: w.durable(i).decision, applied: &w.durable(i).applied }).collect()
}

impl ThreePc {
    /// The state name (protocols.md §3.2), as in the report.
    pub fn state_name(&self) -> &'static str {
        match self {
            ThreePc::Coordinator(c) => c_state_name(c.state),
            ThreePc::Participant(x) => x.state_name(),
        }
    }
}

fn c_state_name(s: CState) -> &'static str {
    match s {
        CState::Idle => "IDLE",
        CState::Wait => "WAIT",
        CState::PreCommit => "PRECOMMIT",
        CState::Decided(d) => d.state(),
        CState::Recovering => "RECOVERING",
    }
}

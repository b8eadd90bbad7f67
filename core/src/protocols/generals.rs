//! The two generals (protocols.md §1.8).
//!
//! Generals A and B must attack together or not at all, and can only agree through messengers who may be
//! captured. General A sends M1 ("attack at dawn"); every messenger that gets through triggers the next
//! acknowledgement, M2 from B, M3 from A, and so on up to MK. At dawn each general decides alone, on what it
//! received, by a fixed rule (default: attack iff every message addressed to you arrived; for K = 3 that is "A
//! attacks iff it got M2, B iff it got M1 and M3").
//!
//! No choice of K or of rule escapes the impossibility result: take the run where every messenger arrives and both
//! attack, and remove the last messenger. Its receiver's view changes, but the sender's does not, so the sender
//! still attacks; whatever the receiver now does, some loss schedule makes the generals disagree (TG-Agreement) or
//! makes them retreat although nothing was lost (TG-Progress). This is why 2PC needs logs and timeouts and still
//! cannot promise termination under every failure.

use crate::check::{Checker, Found, InvariantInfo, Liveness};
use crate::protocol::{Cluster, Ctx, EffectRef, Message, NodeId, Observation, Protocol, Record, TimerName};
use crate::scenario::{read::err, Action, ParamReader, Scenario, ScenarioError};
use crate::sim::World;
use crate::view::{fields, Field, LogLine, ProtoView};
use serde_json::{json, Map, Value};

/// Most messengers a scenario may use.
pub const MAX_K: u32 = 20;

const TYPES: [&str; MAX_K as usize] = [
    "M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M9", "M10", "M11", "M12", "M13", "M14", "M15", "M16", "M17",
    "M18", "M19", "M20",
];

/// How a general decides at dawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Attack iff every message addressed to you arrived.
    All,
    /// Attack iff at least one message addressed to you arrived (A, the initiator, always attacks).
    Any,
}

/// Parameters.
#[derive(Clone, Debug)]
pub struct GeneralsParams {
    /// Number of messengers.
    pub k: u32,
    /// When the generals decide (true ms).
    pub dawn: u64,
    /// The decision rule.
    pub rule: Rule,
}

/// Messenger `i` (1-based).
#[derive(Clone, Debug, Hash)]
pub struct Messenger(pub u32);

impl Message for Messenger {
    fn kind(&self) -> &'static str {
        TYPES[(self.0 - 1) as usize]
    }
    fn is_response(&self) -> bool {
        self.0 % 2 == 0
    }
    fn label(&self) -> String {
        if self.0 == 1 {
            "M1 attack at dawn".into()
        } else {
            format!("M{} ack", self.0)
        }
    }
    fn fields(&self, _ids: &[String]) -> Value {
        fields([("i", json!(self.0)), ("text", json!(if self.0 == 1 { "attack at dawn" } else { "ack" }))])
    }
}

/// The dawn timer.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dawn;

impl TimerName for Dawn {
    fn name(&self) -> String {
        "dawn".into()
    }
}

/// Generals keep nothing in stable storage.
#[derive(Clone, Debug, Hash)]
pub enum NoRecord {}

impl Record for NoRecord {
    fn name(&self) -> &'static str {
        match *self {}
    }
}

/// A decision at dawn.
#[derive(Clone, Debug, Hash)]
pub struct Decided {
    /// Attack or retreat.
    pub attack: bool,
}

impl Observation for Decided {
    fn timeline(&self) -> Option<(&'static str, Map<String, Value>)> {
        let mut m = Map::new();
        m.insert("decision".into(), json!(if self.attack { "attack" } else { "retreat" }));
        Some(("decide", m))
    }
    fn describe(&self) -> String {
        if self.attack { "attacks at dawn" } else { "retreats" }.into()
    }
}

/// One general.
#[derive(Clone, Debug)]
pub struct Generals {
    received: Vec<u32>,
    decision: Option<bool>,
}

fn is_a(me: NodeId) -> bool {
    me == 0
}

impl Protocol for Generals {
    const NAME: &'static str = "generals";
    const MESSAGE_TYPES: &'static [&'static str] = &TYPES;
    const RECORDS: &'static [&'static str] = &[];
    type Params = GeneralsParams;
    type Msg = Messenger;
    type Timer = Dawn;
    type Record = NoRecord;
    type Durable = ();
    type Action = ();
    type Obs = Decided;
    type Checker = GeneralsChecker;

    fn params(r: &mut ParamReader<'_>, _c: &Cluster) -> Result<GeneralsParams, ScenarioError> {
        let k = r.u64("K", 3, MAX_K as u64)? as u32;
        if k == 0 {
            return Err(err(&r.path("K"), "needs at least one messenger"));
        }
        let dawn = r.u64("dawn", 100, crate::scenario::MAX_TIME)?;
        let rule = match r.choice("rule", &["all", "any"], "all")? {
            "any" => Rule::Any,
            _ => Rule::All,
        };
        Ok(GeneralsParams { k, dawn, rule })
    }

    fn validate(s: &Scenario, _p: &GeneralsParams) -> Result<(), ScenarioError> {
        if s.nodes.len() != 2 {
            return Err(err("nodes", format!("generals needs exactly 2 nodes (A, B), got {}", s.nodes.len())));
        }
        Ok(())
    }

    fn action(_a: &Action, _p: &Self::Params) -> Option<()> {
        None
    }

    fn action_node(_a: &(), _p: &GeneralsParams) -> NodeId {
        0
    }

    fn empty_durable(_p: &Self::Params) -> Self::Durable {
        Default::default()
    }

    fn apply(_d: &mut (), r: &NoRecord) {
        match *r {}
    }

    fn boot(cx: &mut Ctx<'_, Self>, p: &GeneralsParams, _d: &(), recovering: bool) -> Generals {
        if !recovering && is_a(cx.me()) {
            cx.send(1, Messenger(1));
        }
        let left = (p.dawn as i64 - cx.mono()).max(0) as u64;
        cx.set_timer(Dawn, left);
        Generals { received: Vec::new(), decision: None }
    }

    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, p: &GeneralsParams, from: NodeId, m: Messenger) {
        if self.decision.is_some() {
            return; // too late: dawn has passed
        }
        self.received.push(m.0);
        if m.0 < p.k {
            cx.send(from, Messenger(m.0 + 1));
        }
    }

    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, p: &GeneralsParams, _t: Dawn) {
        // Messages addressed to A are the even ones, to B the odd ones.
        let mine: Vec<u32> = (1..=p.k).filter(|i| (i % 2 == 0) == is_a(cx.me())).collect();
        let attack = match p.rule {
            Rule::All => mine.iter().all(|i| self.received.contains(i)),
            Rule::Any => is_a(cx.me()) || !self.received.is_empty(),
        };
        self.decision = Some(attack);
        cx.observe(Decided { attack });
    }

    fn on_action(&mut self, _cx: &mut Ctx<'_, Self>, _p: &GeneralsParams, _a: ()) {}

    fn view(&self, _p: &GeneralsParams, _d: &()) -> ProtoView {
        let (role, class) = match self.decision {
            None => ("waiting for dawn", "waiting"),
            Some(true) => ("ATTACK", "committed"),
            Some(false) => ("RETREAT", "aborted"),
        };
        let got = self.received.iter().map(|i| format!("M{i}")).collect::<Vec<_>>().join(", ");
        ProtoView {
            role: role.into(),
            class,
            fields: vec![Field::volatile("received", if got.is_empty() { "nothing".into() } else { got })],
            log: self
                .received
                .iter()
                .map(|i| LogLine { text: format!("got M{i}"), committed: true, term: 0 })
                .collect(),
            blocked_since: None,
        }
    }

    fn view_down(_p: &GeneralsParams, _d: &()) -> ProtoView {
        ProtoView { role: "down".into(), class: "down", ..Default::default() }
    }

    fn report_node(w: &World<'_, Self>, i: NodeId, _c: &GeneralsChecker) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("attack".into(), json!(w.node(i).and_then(|g| g.decision).unwrap_or(false)));
        m
    }
}

/// Checks TG-Agreement; evaluates TG-Progress.
#[derive(Clone, Debug, Default)]
pub struct GeneralsChecker {
    sent: u64,
    delivered: u64,
    decisions: [Option<bool>; 2],
    reported: bool,
}

impl Checker<Generals> for GeneralsChecker {
    fn new(_w: &World<'_, Generals>) -> Self {
        GeneralsChecker::default()
    }

    fn invariants(_p: &GeneralsParams) -> Vec<InvariantInfo> {
        vec![InvariantInfo { id: "TG-Agreement", summary: "at dawn both generals attack or both retreat" }]
    }

    fn on_effect(&mut self, _w: &World<'_, Generals>, node: NodeId, e: &EffectRef<'_, Generals>, _out: &mut Found) {
        match e {
            EffectRef::Send { .. } => self.sent += 1,
            EffectRef::Observe(d) => self.decisions[node] = Some(d.attack),
            _ => {}
        }
    }

    fn on_deliver(&mut self, _w: &World<'_, Generals>, _n: NodeId, _f: NodeId, _m: &Messenger, _out: &mut Found) {
        self.delivered += 1;
    }

    fn after_event(&mut self, w: &World<'_, Generals>, out: &mut Found) {
        if let [Some(a), Some(b)] = self.decisions {
            if a != b && !self.reported {
                self.reported = true;
                let say = |x: bool| if x { "attacks" } else { "retreats" };
                out.report_nodes(
                    "TG-Agreement",
                    Some(if a { 0 } else { 1 }),
                    vec![0, 1],
                    format!("{} {} alone while {} {}", w.id(0), say(a), w.id(1), say(b)),
                );
            }
        }
    }

    fn liveness(&self, _w: &World<'_, Generals>) -> Vec<Liveness> {
        let lost = self.sent > self.delivered;
        let both = self.decisions == [Some(true), Some(true)];
        let detail = if lost {
            format!("{} of {} messengers were captured", self.sent - self.delivered, self.sent)
        } else if both {
            "no messenger was lost and both attacked".into()
        } else {
            "no messenger was lost, yet the generals did not both attack".into()
        };
        vec![Liveness { property: "TG-Progress", holds: lost || both, detail }]
    }
}

//! Driving any protocol alike: the type-erased [`Run`] handle, and scenario validation per protocol.

use crate::check::{Checker, InvariantInfo, Liveness, Violation};
use crate::protocol::{Cluster, NodeId, Protocol};
use crate::protocols::erased::Erased;
use crate::protocols::{generals::Generals, link::Link, three_pc::ThreePc, two_pc::TwoPc};
use crate::scenario::is_protocol_action;
use crate::scenario::read::{err, index, join, Obj};
use crate::scenario::{Action, FaultRule, NetParams, ParamReader, Scenario, ScenarioError};
use crate::sim::{LocalEvent, PendingDelivery, Simulation};
use crate::time::Time;
use crate::trace::TraceEvent;
use crate::view::Snapshot;
use serde_json::Value;

/// A running simulation of any protocol.
pub trait Run: Send {
    /// Processes the next event; false when none is left.
    fn step(&mut self) -> bool;
    /// Processes every event before `t` and moves the clock to `t`.
    fn advance_to(&mut self, t: Time);
    /// Runs to `runUntil` (inclusive).
    fn run_to_end(&mut self);
    /// Current true time.
    fn now(&self) -> Time;
    /// Time of the next pending event.
    fn next_time(&self) -> Option<Time>;
    /// Events processed so far.
    fn events(&self) -> u64;
    /// Schedules a viewer action now; returns the time it was scheduled at.
    fn inject(&mut self, a: Action) -> Time;
    /// The time an action injected now would be scheduled at.
    fn inject_time(&self) -> Time;
    /// Everything on screen now.
    fn snapshot(&self) -> Snapshot;
    /// The report (scenario-format.md). Behind the `report` feature, which the web app leaves off.
    #[cfg(feature = "report")]
    fn report(&self) -> Value;
    /// The trace hash so far.
    fn trace_hash(&self) -> u64;
    /// Turns full trace recording on or off.
    fn set_recording(&mut self, on: bool);
    /// Takes the trace recorded so far.
    fn take_trace(&mut self) -> Vec<TraceEvent>;
    /// The first violation of each invariant, in the order found.
    fn first_violations(&self) -> &[Violation];
    /// Distinct violations so far.
    fn violations(&self) -> &[Violation];
    /// The protocol's safety invariants.
    fn invariants(&self) -> Vec<InvariantInfo>;
    /// Liveness properties now.
    fn liveness(&self) -> Vec<Liveness>;
    /// The scenario being run.
    fn scenario(&self) -> &Scenario;
    /// Fields of an in-flight message.
    fn message_fields(&self, id: u64) -> Option<Value>;
    /// A copy of the whole simulation (a checkpoint).
    fn clone_box(&self) -> Box<dyn Run>;
    /// Exploration hook: the deliveries waiting in the queue, in the order they would happen.
    fn pending_deliveries(&self) -> Vec<PendingDelivery>;
    /// Exploration hook: the earliest pending event that is not a delivery, at `node` (or global) or anywhere.
    fn next_local_event(&self, node: Option<NodeId>) -> Option<LocalEvent>;
    /// Time of the next event that will do something (stale timers skipped; see [`Simulation::next_live_time`]).
    fn next_live_time(&self) -> Option<Time>;
    /// Exploration hook: moves a pending delivery later, keeping its place in sending order at equal times.
    fn retime_delivery(&mut self, seq: u64, at: Time) -> bool;
    /// Exploration hook: loses a pending delivery in flight.
    fn drop_delivery(&mut self, seq: u64) -> bool;
    /// Exploration hook: a digest of everything that determines the rest of the run.
    fn state_digest(&self) -> u64;
    /// Exploration hook: the node the protocol leans on now (see [`Protocol::focus`]).
    fn focus(&self) -> Option<NodeId>;
    /// Processes the next event if it comes before `limit` (see [`Simulation::step_before`]).
    fn step_before(&mut self, limit: Time) -> bool;
}

impl<P: Protocol> Run for Simulation<P> {
    fn step(&mut self) -> bool {
        Simulation::step(self)
    }
    fn focus(&self) -> Option<NodeId> {
        P::focus(&self.world())
    }
    fn step_before(&mut self, limit: Time) -> bool {
        Simulation::step_before(self, limit)
    }
    fn advance_to(&mut self, t: Time) {
        Simulation::advance_to(self, t)
    }
    fn run_to_end(&mut self) {
        Simulation::run_to_end(self)
    }
    fn now(&self) -> Time {
        Simulation::now(self)
    }
    fn next_time(&self) -> Option<Time> {
        Simulation::next_time(self)
    }
    fn events(&self) -> u64 {
        Simulation::events(self)
    }
    fn inject(&mut self, a: Action) -> Time {
        Simulation::inject(self, a)
    }
    fn inject_time(&self) -> Time {
        Simulation::inject_time(self)
    }
    fn snapshot(&self) -> Snapshot {
        Simulation::snapshot(self)
    }
    #[cfg(feature = "report")]
    fn report(&self) -> Value {
        Simulation::report(self)
    }
    fn trace_hash(&self) -> u64 {
        Simulation::trace_hash(self)
    }
    fn set_recording(&mut self, on: bool) {
        Simulation::set_recording(self, on)
    }
    fn take_trace(&mut self) -> Vec<TraceEvent> {
        Simulation::take_trace(self)
    }
    fn first_violations(&self) -> &[Violation] {
        Simulation::first_violations(self)
    }
    fn violations(&self) -> &[Violation] {
        Simulation::violations(self)
    }
    fn invariants(&self) -> Vec<InvariantInfo> {
        P::Checker::invariants(&self.shared().params)
    }
    fn liveness(&self) -> Vec<Liveness> {
        Simulation::liveness(self)
    }
    fn scenario(&self) -> &Scenario {
        &self.shared().scenario
    }
    fn message_fields(&self, id: u64) -> Option<Value> {
        Simulation::message_fields(self, id)
    }
    fn clone_box(&self) -> Box<dyn Run> {
        Box::new(self.clone())
    }
    fn pending_deliveries(&self) -> Vec<PendingDelivery> {
        Simulation::pending_deliveries(self)
    }
    fn next_local_event(&self, node: Option<NodeId>) -> Option<LocalEvent> {
        Simulation::next_local_event(self, node)
    }
    fn next_live_time(&self) -> Option<Time> {
        Simulation::next_live_time(self)
    }
    fn retime_delivery(&mut self, seq: u64, at: Time) -> bool {
        Simulation::retime_delivery(self, seq, at)
    }
    fn drop_delivery(&mut self, seq: u64) -> bool {
        Simulation::drop_delivery(self, seq)
    }
    fn state_digest(&self) -> u64 {
        Simulation::state_digest(self)
    }
}

/// Calls `$f::<P>($args)` for the protocol named `$name`.
macro_rules! dispatch {
    ($name:expr, $f:ident ( $($arg:expr),* )) => {
        match $name {
            "link" => $f::<Link>($($arg),*),
            "generals" => $f::<Generals>($($arg),*),
            "raft" => $f::<crate::protocols::raft::Raft>($($arg),*),
            "fencing" => $f::<crate::protocols::fencing::Fencing>($($arg),*),
            "quorum" => $f::<crate::protocols::quorum::Quorum>($($arg),*),
            "lamport" => $f::<crate::protocols::lamport::Lamport>($($arg),*),
            "lamport-mutex" => $f::<crate::protocols::lamport_mutex::LamportMutex>($($arg),*),
            "lww" => $f::<crate::protocols::lww::Lww>($($arg),*),
            "2pc" => $f::<TwoPc>($($arg),*),
            "3pc" => $f::<ThreePc>($($arg),*),
            other => Err(err("protocol", format!("protocol {other:?} is not available in this build"))),
        }
    };
}

/// Starts a simulation of the scenario (booting every node at t = 0).
///
/// Every protocol runs in the one kernel compiled for [`Erased`], whose traces and reports are the typed kernels'
/// (see `protocols::erased`): ten kernels would cost the web app about a fifth of its code.
pub fn load(s: &Scenario) -> Result<Box<dyn Run>, ScenarioError> {
    Ok(Box::new(Simulation::<Erased>::new(s)?))
}

/// Like [`load`], but in the kernel compiled for the scenario's own protocol (for tests and benchmarks that
/// compare the two).
pub fn load_typed(s: &Scenario) -> Result<Box<dyn Run>, ScenarioError> {
    fn build<P: Protocol>(s: &Scenario) -> Result<Box<dyn Run>, ScenarioError> {
        Ok(Box::new(Simulation::<P>::new(s)?))
    }
    dispatch!(s.protocol.as_str(), build(s))
}

/// Parses, validates and starts a scenario document.
pub fn load_str(text: &str) -> Result<Box<dyn Run>, ScenarioError> {
    load(&Scenario::parse(text)?)
}

/// Runs a scenario to its end and returns the report.
#[cfg(feature = "report")]
pub fn run_scenario(s: &Scenario) -> Result<Value, ScenarioError> {
    let mut r = load(s)?;
    r.run_to_end();
    Ok(r.report())
}

/// The reader over a scenario's `params`.
pub(crate) fn param_reader<'a>(s: &'a Scenario, c: &'a Cluster) -> Result<ParamReader<'a>, ScenarioError> {
    Ok(ParamReader { obj: Obj::from_map(&s.params, "params"), cluster: c, protocol: &s.protocol })
}

/// Protocol-specific validation of a parsed scenario: parameters, node counts, message types in fault rules and
/// record names in crash hooks.
pub(crate) fn validate(s: &Scenario) -> Result<(), ScenarioError> {
    fn check<P: Protocol>(s: &Scenario) -> Result<(), ScenarioError> {
        let c = s.cluster();
        let mut r = param_reader(s, &c)?;
        NetParams::read(&mut r, P::default_network(s))?;
        let params = P::params(&mut r, &c)?;
        r.obj.finish()?;
        P::validate(s, &params)?;
        for (i, f) in s.faults.iter().enumerate() {
            let p = index("faults", i);
            let (key, types) = match f {
                FaultRule::Drop(m) => ("drop", &m.types),
                FaultRule::Delay { m, .. } => ("delay", &m.types),
                FaultRule::Duplicate { m, .. } => ("duplicate", &m.types),
                FaultRule::CrashOn(h) => {
                    if let Some(r) = &h.record {
                        if !P::RECORDS.contains(&r.as_str()) {
                            return Err(err(
                                &join(&p, "crashOn.match.record"),
                                format!("{} has no record {r:?} (records: {})", P::NAME, P::RECORDS.join(", ")),
                            ));
                        }
                    }
                    ("crashOn.match", &h.types)
                }
            };
            for t in types.iter().flatten() {
                let known = P::MESSAGE_TYPES.iter().chain(P::CLIENT_MESSAGE_TYPES);
                if !known.clone().any(|k| k == t) {
                    let all: Vec<&str> = known.copied().collect();
                    return Err(err(
                        &join(&join(&p, key), "type"),
                        format!("{} has no message type {t:?} (types: {})", P::NAME, all.join(", ")),
                    ));
                }
            }
        }
        for (i, e) in s.schedule.iter().enumerate() {
            if is_protocol_action(&e.action) && P::action(&e.action, &params).is_none() {
                return Err(err(&index("schedule", i), format!("this action does not apply to protocol {}", P::NAME)));
            }
        }
        Ok(())
    }
    dispatch!(s.protocol.as_str(), check(s))
}

/// A random fault schedule for any protocol (see [`crate::explore::random_scenario`]).
pub fn random_for(base: &Scenario, b: &crate::explore::Budget, seed: u64) -> Result<Scenario, ScenarioError> {
    plan_for(base, b, seed).map(|p| p.resolve_blind())
}

/// A random fault schedule for any protocol, its isolations still to aim (see [`crate::explore::random_plan`]).
pub fn plan_for(base: &Scenario, b: &crate::explore::Budget, seed: u64) -> Result<crate::explore::Plan, ScenarioError> {
    fn gen<P: Protocol>(
        base: &Scenario,
        b: &crate::explore::Budget,
        seed: u64,
    ) -> Result<crate::explore::Plan, ScenarioError> {
        Ok(crate::explore::random_plan::<P>(base, b, seed))
    }
    dispatch!(base.protocol.as_str(), gen(base, b, seed))
}

//! One kernel for every protocol: the protocols summed into a single [`Protocol`].
//!
//! The kernel is generic over the protocol it runs, and that is what makes it fast: messages, timers and node
//! states are plain values of the protocol's own types, handlers are called directly and inlined. The price is paid
//! in code size. A program that can run any protocol (the web app, the CLI, the explorer) compiles the whole kernel
//! once per protocol, ten times over: the event loop, the network, the fault hooks, the checkpoint copies, the
//! snapshot for the views.
//!
//! [`Erased`] is that program's protocol. It is a sum: a node is one of the ten protocols' nodes, a message one of
//! their messages, and so on for timers, records, stable states, actions, observations, parameters and checkers.
//! The kernel is compiled once, for `Erased`, and each of its calls into the protocol becomes a `match` that hands
//! the call to the protocol actually running. The protocols themselves are untouched: each handler still gets a
//! [`Ctx`] of its own protocol, and the effects it asks for are wrapped on the way back. Checkers see the world
//! through [`World::project`], which unwraps each node as it is read.
//!
//! Nothing observable changes. A run never mixes two protocols, so every value in it is of the same variant, and
//! every wrapper is transparent: its `Debug` text and its `Hash` input are the wrapped value's, and timers order as
//! the wrapped timers do. Traces, trace hashes, state digests and reports are the typed kernel's, bit for bit
//! (tested over every preset in `tests/erased.rs`).

use crate::check::{Checker, Found, InvariantInfo, Liveness};
use crate::protocol::{Cluster, Ctx, Effect, EffectRef, Message, NodeId, Observation, Protocol, Record, TimerName};
use crate::protocols::{
    fencing::Fencing, generals::Generals, lamport::Lamport, lamport_mutex::LamportMutex, link::Link, lww::Lww,
    quorum::Quorum, raft::Raft, three_pc::ThreePc, two_pc::TwoPc,
};
use crate::rng::Rng;
use crate::scenario::read::err;
use crate::scenario::{Action, NetParams, ParamReader, Scenario, ScenarioError};
use crate::sim::World;
use crate::time::Time;
use crate::view::ProtoView;
use serde_json::{Map, Value};
use std::fmt;
use std::hash::{Hash, Hasher};

/// A protocol that [`Erased`] can run: the conversions between its types and the sum's.
pub(crate) trait Member: Protocol {
    /// The node inside an erased node.
    fn node_of(e: &Erased) -> &Self;
    /// The stable state inside an erased one.
    fn durable_of(d: &ErasedDurable) -> &Self::Durable;
    /// The stable state inside an erased one, to change.
    fn durable_mut(d: &mut ErasedDurable) -> &mut Self::Durable;
    /// The parameters inside erased ones.
    fn params_of(p: &ErasedParams) -> &Self::Params;
    /// The message inside an erased one.
    fn msg_of(m: &ErasedMsg) -> &Self::Msg;
    /// The message inside an erased one, taken out.
    fn msg_into(m: ErasedMsg) -> Self::Msg;
    /// The timer inside an erased one, taken out.
    fn timer_into(t: ErasedTimer) -> Self::Timer;
    /// A timer of this protocol, erased (to look it up in the erased kernel's timer table).
    fn timer_to(t: &Self::Timer) -> ErasedTimer;
    /// The action inside an erased one, taken out.
    fn action_into(a: ErasedAction) -> Self::Action;
    /// An effect of this protocol, erased.
    fn wrap_effect(e: Effect<Self>) -> Effect<Erased>;
    /// An erased effect, lent as this protocol's.
    fn effect_ref<'e>(e: &EffectRef<'e, Erased>) -> EffectRef<'e, Self>;
}

/// A value of another protocol where one of this run's was expected: the kernel never mixes protocols, so this is
/// a bug in the kernel, and one place to stop for it keeps every conversion small.
#[cold]
#[inline(never)]
fn mixed() -> ! {
    unreachable!("the erased kernel met a value of a protocol it is not running")
}

/// How a sum holds one protocol's value: as it is, or boxed (`boxed` in the `erase!` list below). `Box` is
/// transparent to `Debug`, `Hash`, `Clone` and `Ord`, so boxing changes no trace, digest or order.
trait Slot<T>: Sized {
    fn wrap(t: T) -> Self;
    fn get(&self) -> &T;
    fn take(self) -> T;
}

impl<T> Slot<T> for T {
    fn wrap(t: T) -> Self {
        t
    }
    fn get(&self) -> &T {
        self
    }
    fn take(self) -> T {
        self
    }
}

impl<T> Slot<T> for Box<T> {
    fn wrap(t: T) -> Self {
        Box::new(t)
    }
    fn get(&self) -> &T {
        self
    }
    fn take(self) -> T {
        *self
    }
}

/// A protocol's type inside a sum: boxed for a protocol marked `boxed` (only the messages and observations are).
macro_rules! slot {
    (boxed $t:ty) => { Box<$t> };
    ($t:ty) => { $t };
}

/// A node's buffer for the effects of its handlers in its own protocol's type, empty between two handlers (kept
/// with the node so that a handler does not allocate one: the kernel runs one per event).
pub struct Scratch<P: Protocol>(Vec<Effect<P>>);

impl<P: Protocol> Clone for Scratch<P> {
    fn clone(&self) -> Self {
        Scratch(Vec::new())
    }
}

/// Runs a handler of protocol `P` with a context of its own, then hands its effects to the erased kernel.
fn sub<P: Member, R>(cx: &mut Ctx<'_, Erased>, scratch: &mut Scratch<P>, f: impl FnOnce(&mut Ctx<'_, P>) -> R) -> R {
    // A reply to a client is placed by the number of effects emitted before it; the kernel starts every handler
    // with no effects, so the handler's own count is the kernel's.
    debug_assert!(cx.effects.is_empty());
    let effects = &mut scratch.0;
    let r = f(&mut Ctx {
        me: cx.me,
        now: cx.now,
        clock: cx.clock,
        rng: &mut *cx.rng,
        sim_counter: &mut *cx.sim_counter,
        cluster: cx.cluster,
        effects: &mut *effects,
        clients: cx.clients,
        told: &mut *cx.told,
    });
    cx.effects.extend(effects.drain(..).map(P::wrap_effect));
    r
}

/// Declares the sum types and every trait implementation over the list of protocols.
macro_rules! erase {
    ($($v:ident => $name:literal $($boxed:ident)?),* $(,)?) => {
        /// A node of whichever protocol the run is of.
        #[derive(Clone)]
        pub enum Erased { $(#[doc = concat!("A node of ", $name, ".")] $v($v, Scratch<$v>)),* }
        erase!(@sum "A message of the run's protocol." [Clone] ErasedMsg = Msg; $($v $name [$($boxed)?])*);
        erase!(@sum "A timer of the run's protocol (ordered as the wrapped timers are: a run has one variant only)."
            [Clone, PartialEq, Eq, PartialOrd, Ord] ErasedTimer = Timer; $($v $name [])*);
        erase!(@sum "A stable record of the run's protocol." [Clone] ErasedRecord = Record; $($v $name [])*);
        erase!(@sum "The stable state of the run's protocol." [Clone] ErasedDurable = Durable; $($v $name [])*);
        erase!(@sum "A scripted action of the run's protocol." [Clone] ErasedAction = Action; $($v $name [])*);
        erase!(@sum "An observation of the run's protocol." [Clone] ErasedObs = Obs; $($v $name [$($boxed)?])*);
        erase!(@sum "The parameters of the run's protocol." [Clone] ErasedParams = Params; $($v $name [])*);
        erase!(@sum "The checker of the run's protocol." [Clone] ErasedChecker = Checker; $($v $name [])*);

        impl fmt::Debug for Erased {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self { $(Erased::$v(x, _) => fmt::Debug::fmt(x, f)),* }
            }
        }

        erase!(@hash ErasedMsg; $($v)*);
        erase!(@hash ErasedTimer; $($v)*);
        erase!(@hash ErasedRecord; $($v)*);
        erase!(@hash ErasedObs; $($v)*);

        impl Message for ErasedMsg {
            fn kind(&self) -> &'static str {
                match self { $(Self::$v(m) => m.kind()),* }
            }
            fn is_response(&self) -> bool {
                match self { $(Self::$v(m) => m.is_response()),* }
            }
            fn label(&self) -> String {
                match self { $(Self::$v(m) => m.label()),* }
            }
            fn fields(&self, ids: &[String]) -> Value {
                match self { $(Self::$v(m) => m.fields(ids)),* }
            }
        }

        impl Record for ErasedRecord {
            fn name(&self) -> &'static str {
                match self { $(Self::$v(r) => r.name()),* }
            }
            fn has_cmd(&self, cmd: &str) -> bool {
                match self { $(Self::$v(r) => r.has_cmd(cmd)),* }
            }
            fn describe(&self, ids: &[String]) -> String {
                match self { $(Self::$v(r) => r.describe(ids)),* }
            }
        }

        impl TimerName for ErasedTimer {
            fn name(&self) -> String {
                match self { $(Self::$v(t) => t.name()),* }
            }
        }

        impl Observation for ErasedObs {
            fn timeline(&self) -> Option<(&'static str, Map<String, Value>)> {
                match self { $(Self::$v(o) => o.timeline()),* }
            }
            fn timeline_kind(&self) -> Option<&'static str> {
                match self { $(Self::$v(o) => o.timeline_kind()),* }
            }
            fn describe(&self) -> String {
                match self { $(Self::$v(o) => o.describe()),* }
            }
            fn client_message(&self) -> Option<&'static str> {
                match self { $(Self::$v(o) => o.client_message()),* }
            }
        }

        $(
        impl Member for $v {
            fn node_of(e: &Erased) -> &Self {
                match e { Erased::$v(x, _) => x, #[allow(unreachable_patterns)] _ => mixed() }
            }
            fn durable_of(d: &ErasedDurable) -> &Self::Durable {
                match d { ErasedDurable::$v(x) => x, #[allow(unreachable_patterns)] _ => mixed() }
            }
            fn durable_mut(d: &mut ErasedDurable) -> &mut Self::Durable {
                match d { ErasedDurable::$v(x) => x, #[allow(unreachable_patterns)] _ => mixed() }
            }
            fn params_of(p: &ErasedParams) -> &Self::Params {
                match p { ErasedParams::$v(x) => x, #[allow(unreachable_patterns)] _ => mixed() }
            }
            fn msg_of(m: &ErasedMsg) -> &Self::Msg {
                match m { ErasedMsg::$v(x) => Slot::get(x), #[allow(unreachable_patterns)] _ => mixed() }
            }
            fn msg_into(m: ErasedMsg) -> Self::Msg {
                match m { ErasedMsg::$v(x) => Slot::take(x), #[allow(unreachable_patterns)] _ => mixed() }
            }
            fn timer_into(t: ErasedTimer) -> Self::Timer {
                match t { ErasedTimer::$v(x) => x, #[allow(unreachable_patterns)] _ => mixed() }
            }
            #[allow(unreachable_code)] // for a protocol without timers
            fn timer_to(t: &Self::Timer) -> ErasedTimer {
                ErasedTimer::$v(t.clone())
            }
            fn action_into(a: ErasedAction) -> Self::Action {
                match a { ErasedAction::$v(x) => x, #[allow(unreachable_patterns)] _ => mixed() }
            }
            fn wrap_effect(e: Effect<Self>) -> Effect<Erased> {
                match e {
                    Effect::Persist(r) => Effect::Persist(ErasedRecord::$v(r)),
                    Effect::Send { to, msg } => Effect::Send { to, msg: ErasedMsg::$v(Slot::wrap(msg)) },
                    Effect::SetTimer { timer, after } => Effect::SetTimer { timer: ErasedTimer::$v(timer), after },
                    Effect::CancelTimer(t) => Effect::CancelTimer(ErasedTimer::$v(t)),
                    Effect::Observe(o) => Effect::Observe(ErasedObs::$v(Slot::wrap(o))),
                }
            }
            fn effect_ref<'e>(e: &EffectRef<'e, Erased>) -> EffectRef<'e, Self> {
                #[allow(unreachable_patterns)]
                match *e {
                    EffectRef::Persist(ErasedRecord::$v(r)) => EffectRef::Persist(r),
                    EffectRef::Send { to, msg: ErasedMsg::$v(msg) } => EffectRef::Send { to, msg: Slot::get(msg) },
                    EffectRef::SetTimer { timer: ErasedTimer::$v(timer), after } => EffectRef::SetTimer { timer, after },
                    EffectRef::CancelTimer(ErasedTimer::$v(t)) => EffectRef::CancelTimer(t),
                    EffectRef::Observe(ErasedObs::$v(o)) => EffectRef::Observe(Slot::get(o)),
                    _ => mixed(),
                }
            }
        }
        )*

        impl Protocol for Erased {
            const NAME: &'static str = "any";
            // The erased kernel never reads these: scenario validation and the explorer's fault generator dispatch
            // on the scenario's protocol to the typed lists (`run::validate`, `run::plan_for`).
            const MESSAGE_TYPES: &'static [&'static str] = &[];
            const RECORDS: &'static [&'static str] = &[];
            type Params = ErasedParams;
            type Msg = ErasedMsg;
            type Timer = ErasedTimer;
            type Record = ErasedRecord;
            type Durable = ErasedDurable;
            type Action = ErasedAction;
            type Obs = ErasedObs;
            type Checker = ErasedChecker;

            fn params(r: &mut ParamReader<'_>, cluster: &Cluster) -> Result<ErasedParams, ScenarioError> {
                match r.protocol {
                    $($name => <$v as Protocol>::params(r, cluster).map(ErasedParams::$v),)*
                    other => Err(err("protocol", format!("protocol {other:?} is not available in this build"))),
                }
            }

            fn default_network(s: &Scenario) -> NetParams {
                match s.protocol.as_str() {
                    $($name => <$v as Protocol>::default_network(s),)*
                    _ => NetParams::default(),
                }
            }

            fn validate(s: &Scenario, p: &ErasedParams) -> Result<(), ScenarioError> {
                match p { $(ErasedParams::$v(p) => <$v as Protocol>::validate(s, p)),* }
            }

            fn action(a: &Action, p: &ErasedParams) -> Option<ErasedAction> {
                match p { $(ErasedParams::$v(p) => <$v as Protocol>::action(a, p).map(ErasedAction::$v)),* }
            }

            fn random_action(rng: &mut Rng, s: &Scenario, t: Time) -> Option<Action> {
                match s.protocol.as_str() {
                    $($name => <$v as Protocol>::random_action(rng, s, t),)*
                    _ => None,
                }
            }

            fn empty_durable(p: &ErasedParams) -> ErasedDurable {
                match p { $(ErasedParams::$v(p) => ErasedDurable::$v(<$v as Protocol>::empty_durable(p))),* }
            }

            fn apply(d: &mut ErasedDurable, r: &ErasedRecord) {
                match r { $(ErasedRecord::$v(r) => <$v as Protocol>::apply(<$v as Member>::durable_mut(d), r)),* }
            }

            fn boot(cx: &mut Ctx<'_, Self>, p: &ErasedParams, d: &ErasedDurable, recovering: bool) -> Self {
                match p {
                    $(ErasedParams::$v(p) => {
                        let mut scratch = Scratch(Vec::new());
                        let d = <$v as Member>::durable_of(d);
                        let node = sub(cx, &mut scratch, |c| <$v as Protocol>::boot(c, p, d, recovering));
                        Erased::$v(node, scratch)
                    })*
                }
            }

            fn on_message(&mut self, cx: &mut Ctx<'_, Self>, p: &ErasedParams, from: NodeId, m: ErasedMsg) {
                match self {
                    $(Erased::$v(n, s) => {
                        let (p, m) = (<$v as Member>::params_of(p), <$v as Member>::msg_into(m));
                        sub(cx, s, |c| n.on_message(c, p, from, m))
                    })*
                }
            }

            #[allow(unreachable_code, unused_variables)] // for a protocol without timers
            fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, p: &ErasedParams, t: ErasedTimer) {
                match self {
                    $(Erased::$v(n, s) => {
                        let (p, t) = (<$v as Member>::params_of(p), <$v as Member>::timer_into(t));
                        sub(cx, s, |c| n.on_timer(c, p, t))
                    })*
                }
            }

            fn on_action(&mut self, cx: &mut Ctx<'_, Self>, p: &ErasedParams, a: ErasedAction) {
                match self {
                    $(Erased::$v(n, s) => {
                        let (p, a) = (<$v as Member>::params_of(p), <$v as Member>::action_into(a));
                        sub(cx, s, |c| n.on_action(c, p, a))
                    })*
                }
            }

            fn focus(w: &World<'_, Self>) -> Option<NodeId> {
                match w.params() { $(ErasedParams::$v(_) => <$v as Protocol>::focus(&w.project::<$v>())),* }
            }

            fn action_node(a: &ErasedAction, p: &ErasedParams) -> NodeId {
                match a {
                    $(ErasedAction::$v(a) => <$v as Protocol>::action_node(a, <$v as Member>::params_of(p)),)*
                }
            }

            fn view(&self, p: &ErasedParams, d: &ErasedDurable) -> ProtoView {
                match self {
                    $(Erased::$v(n, _) => n.view(<$v as Member>::params_of(p), <$v as Member>::durable_of(d)),)*
                }
            }

            fn view_down(p: &ErasedParams, d: &ErasedDurable) -> ProtoView {
                match p {
                    $(ErasedParams::$v(p) => <$v as Protocol>::view_down(p, <$v as Member>::durable_of(d)),)*
                }
            }

            fn report_node(w: &World<'_, Self>, i: NodeId, c: &ErasedChecker) -> Map<String, Value> {
                match c {
                    $(ErasedChecker::$v(c) => <$v as Protocol>::report_node(&w.project::<$v>(), i, c),)*
                }
            }

            fn report_app(w: &World<'_, Self>, c: &ErasedChecker) -> Map<String, Value> {
                match c {
                    $(ErasedChecker::$v(c) => <$v as Protocol>::report_app(&w.project::<$v>(), c),)*
                }
            }
        }

        impl Checker<Erased> for ErasedChecker {
            fn new(w: &World<'_, Erased>) -> Self {
                match w.params() {
                    $(ErasedParams::$v(_) => {
                        ErasedChecker::$v(<<$v as Protocol>::Checker as Checker<$v>>::new(&w.project::<$v>()))
                    })*
                }
            }

            fn invariants(p: &ErasedParams) -> Vec<InvariantInfo> {
                match p { $(ErasedParams::$v(p) => <<$v as Protocol>::Checker as Checker<$v>>::invariants(p)),* }
            }

            fn on_effect(&mut self, w: &World<'_, Erased>, node: NodeId, e: &EffectRef<'_, Erased>, out: &mut Found) {
                match self {
                    $(ErasedChecker::$v(c) => {
                        c.on_effect(&w.project::<$v>(), node, &<$v as Member>::effect_ref(e), out)
                    })*
                }
            }

            fn on_deliver(&mut self, w: &World<'_, Erased>, node: NodeId, from: NodeId, m: &ErasedMsg, out: &mut Found) {
                match self {
                    $(ErasedChecker::$v(c) => {
                        c.on_deliver(&w.project::<$v>(), node, from, <$v as Member>::msg_of(m), out)
                    })*
                }
            }

            fn on_crash(&mut self, w: &World<'_, Erased>, node: NodeId, up: bool, out: &mut Found) {
                match self { $(ErasedChecker::$v(c) => c.on_crash(&w.project::<$v>(), node, up, out)),* }
            }

            fn after_event(&mut self, w: &World<'_, Erased>, out: &mut Found) {
                match self { $(ErasedChecker::$v(c) => c.after_event(&w.project::<$v>(), out)),* }
            }

            fn liveness(&self, w: &World<'_, Erased>) -> Vec<Liveness> {
                match self { $(ErasedChecker::$v(c) => c.liveness(&w.project::<$v>())),* }
            }

            fn annotate(&self, node: NodeId, view: &mut ProtoView) {
                match self { $(ErasedChecker::$v(c) => c.annotate(node, view)),* }
            }
        }
    };
    (@hash $t:ident; $($v:ident)*) => {
        impl Hash for $t {
            fn hash<H: Hasher>(&self, state: &mut H) {
                match self { $($t::$v(x) => x.hash(state)),* }
            }
        }
    };
    (@sum $doc:literal [$($d:ident),*] $t:ident = $assoc:ident; $($v:ident $name:literal [$($boxed:ident)?])*) => {
        #[doc = $doc]
        #[derive($($d),*)]
        pub enum $t { $(#[doc = concat!("Of ", $name, ".")] $v(slot!($($boxed)? <$v as Protocol>::$assoc))),* }

        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self { $($t::$v(x) => fmt::Debug::fmt(x, f)),* }
            }
        }
    };
}

// A sum is as large as its largest variant, and the kernel moves effects and messages by value: each effect once
// into the kernel's buffer and once out, each message into the queue and out to its handler. LWW's observations
// (168 bytes: two names and two versioned cells) and messages (104) and the quorum's observations (112) made every
// erased effect 168 bytes, for every protocol. Those two protocols' messages and observations are boxed (`boxed`),
// which makes an erased effect 96 bytes and a message 80: 6 % fewer instructions on the link benchmark and 2.7 % on
// RAFT-stress, for about 1 % more on the quorum's own runs (an allocation per message). `tests::sums_stay_small`
// keeps it so when a protocol is added.
erase! {
    Link => "link",
    Generals => "generals",
    Raft => "raft",
    Fencing => "fencing",
    Quorum => "quorum" boxed,
    Lamport => "lamport",
    LamportMutex => "lamport-mutex",
    Lww => "lww" boxed,
    TwoPc => "2pc",
    ThreePc => "3pc",
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::size_of;

    #[test]
    fn sums_stay_small() {
        // If this fails after adding a protocol, mark the protocol `boxed` in `erase!` (or shrink its types): every
        // protocol's effects would otherwise be moved at the new size.
        assert!(size_of::<Effect<Erased>>() <= 96, "an erased effect is {} bytes", size_of::<Effect<Erased>>());
        assert!(size_of::<ErasedMsg>() <= 80, "an erased message is {} bytes", size_of::<ErasedMsg>());
    }
}

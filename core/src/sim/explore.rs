//! Exploration hooks: what the bounded exhaustive search (`explore::exhaustive`) needs from the kernel.
//!
//! The kernel normally decides alone which event comes next: the one with the smallest `(time, class, seq)` key.
//! The exhaustive search wants to choose instead, among the message deliveries that could physically come next,
//! and to skip states it has already explored. Four small, additive operations give it that, without changing
//! what [`Simulation::step`] does:
//!
//! * [`Simulation::pending_deliveries`] lists the deliveries waiting in the queue, in the order they would happen;
//! * [`Simulation::next_local_event`] is the earliest pending event that is *not* a delivery (a scripted action, a
//!   live timer, the end of a pause), at a given node or anywhere: no delivery can be moved before it;
//! * [`Simulation::retime_delivery`] moves one delivery to a later time, keeping its sequence number, so that at
//!   equal times it keeps its place in sending order: exactly where a `delay` fault rule adding the same extra
//!   latency at send time would have put it. Every schedule the search builds is therefore a plain scenario (the
//!   base plus one `delay` rule per moved message) and replays as one;
//! * [`Simulation::drop_delivery`] loses one delivery in flight (replayed by a `drop` rule);
//! * [`Simulation::state_digest`] hashes everything that determines the rest of the run (nodes, stable state,
//!   timers, clocks, pending events without their ids, network, fault-rule counters, random streams, clients'
//!   memory and the checker's bookkeeping), so that two schedules reaching the same state are explored once.
//!
//! Choosing "node X receives m before its other pending messages" is then: retime X's deliveries due before m to
//! just after m's time. Time never runs backwards and no message arrives earlier than the network would have
//! delivered it.

use super::{EvKind, Simulation};
use crate::hash::TraceHasher;
use crate::protocol::{Message, NodeId, Protocol};
use crate::scenario::Action;
use crate::time::Time;
use crate::trace::{DropReason, TraceKind};
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};

/// An event's `(time, class, seq)` key.
type Key = (Time, u8, u64);

/// A message delivery waiting in the event queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingDelivery {
    /// The event's sequence number: identifies it among pending events.
    pub seq: u64,
    /// The message's trace id (network copies share it).
    pub id: u64,
    /// Sender.
    pub src: NodeId,
    /// Receiver.
    pub dst: NodeId,
    /// Message type.
    pub kind: &'static str,
    /// Send time.
    pub sent_at: Time,
    /// Scheduled delivery time.
    pub at: Time,
    /// A copy made by the network (a duplicate).
    pub dup: bool,
}

/// A pending event that is not a message delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalEvent {
    /// When it is due.
    pub at: Time,
    /// Its class: 0 for scripted actions and the end of a pause, 2 for timers.
    pub class: u8,
    /// Its sequence number.
    pub seq: u64,
    /// The node it happens at (`None`: the whole network).
    pub node: Option<NodeId>,
}

impl LocalEvent {
    /// Its `(time, class, seq)` key.
    pub fn key(&self) -> Key {
        (self.at, self.class, self.seq)
    }
}

/// Feeds `Debug` output into a hasher without building a string.
struct DebugSink<'a>(&'a mut TraceHasher);

impl std::fmt::Write for DebugSink<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

fn feed_debug<T: std::fmt::Debug + ?Sized>(h: &mut TraceHasher, x: &T) {
    let _ = write!(DebugSink(h), "{x:?}");
    h.write_u8(0xFF);
}

impl<P: Protocol> Simulation<P> {
    fn timer_live(&self, node: NodeId, timer: &P::Timer, seq: u64) -> bool {
        super::timer_live(&self.nodes[node], timer, seq)
    }

    /// The deliveries waiting in the event queue, in the order they would happen (deliveries deferred by a paused
    /// receiver are not listed: they wait for the node, not for the network).
    pub fn pending_deliveries(&self) -> Vec<PendingDelivery> {
        let mut v: Vec<(Key, PendingDelivery)> = self
            .queue
            .iter_keyed()
            .filter_map(|(k, e)| match e {
                EvKind::Deliver(env) => Some((
                    k,
                    PendingDelivery {
                        seq: k.2,
                        id: env.id,
                        src: env.src,
                        dst: env.dst,
                        kind: env.msg.kind(),
                        sent_at: env.sent_at,
                        at: k.0,
                        dup: env.dup,
                    },
                )),
                _ => None,
            })
            .collect();
        crate::sort::sort_by_key(&mut v, |(k, _)| *k);
        v.into_iter().map(|(_, d)| d).collect()
    }

    /// The node a scripted action happens at, or `None` for actions on the whole network (partitions, heals,
    /// cuts, network changes).
    fn action_at(&self, a: &Action) -> Option<NodeId> {
        match a {
            Action::Crash(n) | Action::Recover(n) => Some(*n),
            Action::Pause { node, .. } | Action::ClockJump { node, .. } | Action::SetClock { node, .. } => Some(*node),
            Action::Partition(_)
            | Action::Heal
            | Action::Cut { .. }
            | Action::Restore { .. }
            | Action::SetNetwork(_)
            | Action::DropMessage(_) => None,
            other => P::action(other, &self.shared.params).map(|pa| P::action_node(&pa, &self.shared.params)),
        }
    }

    /// The earliest pending event that is not a message delivery (a scripted action, a live timer, the end of a
    /// pause; cancelled timers, which do nothing, are skipped): at `node` or on the whole network when `node` is
    /// given, anywhere otherwise.
    pub fn next_local_event(&self, node: Option<NodeId>) -> Option<LocalEvent> {
        let concerns = |at: Option<NodeId>| node.is_none() || at.is_none() || at == node;
        let queued = self
            .queue
            .iter_keyed()
            .filter_map(|(k, e)| {
                let at = match e {
                    EvKind::Deliver(_) => return None,
                    EvKind::Timer { node, timer } => {
                        if !self.timer_live(*node, timer, k.2) {
                            return None;
                        }
                        Some(*node)
                    }
                    EvKind::Resume(n) => Some(*n),
                    EvKind::Action(a) => self.action_at(a),
                };
                concerns(at).then_some(LocalEvent { at: k.0, class: k.1, seq: k.2, node: at })
            })
            .min_by_key(|e| (e.at, e.class, e.seq));
        let scheduled = self.shared.schedule[self.sched_pos..].iter().enumerate().find_map(|(i, e)| {
            let at = self.action_at(&e.action);
            concerns(at).then_some(LocalEvent { at: e.at, class: 0, seq: (self.sched_pos + i) as u64, node: at })
        });
        match (scheduled, queued) {
            (Some(a), Some(b)) => Some(if (a.at, a.class, a.seq) <= (b.at, b.class, b.seq) { a } else { b }),
            (a, b) => a.or(b),
        }
    }

    /// Time of the next event that will do something: like [`Simulation::next_time`], but a cancelled or re-armed
    /// timer still waiting in the queue does not count (a crashed leader leaves its followers' old election
    /// deadlines there). Deliveries always count.
    pub fn next_live_time(&self) -> Option<Time> {
        let delivery = self.queue.iter_keyed().find_map(|(k, e)| matches!(e, EvKind::Deliver(_)).then_some(k.0));
        let local = self.next_local_event(None).map(|e| e.at);
        match (delivery, local) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Moves the pending delivery `seq` to time `at` (not earlier than its current time nor than now), keeping its
    /// sequence number, and counts the difference as extra delay. False when no such delivery is pending or `at`
    /// is too early.
    pub fn retime_delivery(&mut self, seq: u64, at: Time) -> bool {
        let ok = self.queue.iter_keyed().any(|(k, e)| k.2 == seq && matches!(e, EvKind::Deliver(_)) && at >= k.0);
        if !ok || at < self.now {
            return false;
        }
        let Some((time, class, seq, EvKind::Deliver(mut env))) = self.queue.take_seq(seq) else {
            unreachable!("checked above: a pending delivery");
        };
        env.delayed += at - time;
        env.deliver_at = at;
        self.queue.push(at, class, seq, EvKind::Deliver(env));
        true
    }

    /// Loses the pending delivery `seq` in flight (traced as a drop by a rule). False when it is not pending.
    pub fn drop_delivery(&mut self, seq: u64) -> bool {
        let ok = self.queue.iter_keyed().any(|(k, e)| k.2 == seq && matches!(e, EvKind::Deliver(_)));
        if !ok {
            return false;
        }
        let Some((_, _, _, EvKind::Deliver(env))) = self.queue.take_seq(seq) else {
            unreachable!("checked above: a pending delivery");
        };
        let k = TraceKind::Drop {
            id: env.id,
            from: env.src,
            to: env.dst,
            msg: env.msg.kind(),
            reason: DropReason::Rule,
            sent_at: env.sent_at,
        };
        self.emit(None, k, 0);
        true
    }

    /// A digest of everything that determines the rest of the run: the true time, every node (live state, stable
    /// state, timers with their deadlines, clocks, kernel Lamport and vector clocks, random stream, deferred
    /// inputs), the pending events in their order (without message ids or sequence numbers), the position in the
    /// schedule, the network (cuts, parameters, fault-rule counters, random stream), fired crash hooks, clients'
    /// memory, the checker's bookkeeping and the invariants already broken. Two runs with equal digests continue
    /// identically (up to message ids and trace contents), which is what lets the exhaustive search skip repeats.
    pub fn state_digest(&self) -> u64 {
        let mut h = TraceHasher::default();
        h.write_u64(self.now);
        h.write_usize(self.sched_pos);
        for s in &self.nodes {
            feed_debug(&mut h, &s.proto);
            feed_debug(&mut h, &s.durable);
            h.write_u8(s.up as u8);
            h.write_u64(s.paused_until);
            for (t, e) in s.timers.iter() {
                t.hash(&mut h);
                h.write_u64(e.deadline);
                h.write_i64(e.mc_target);
                h.write_u8((e.seq == super::DEFERRED_TIMER) as u8);
            }
            feed_debug(&mut h, &s.clock);
            h.write_u64(s.lamport);
            s.vclock.hash(&mut h);
            feed_debug(&mut h, &s.rng);
            h.write_u64(s.sim_counter);
            for e in &s.deferred {
                feed_event(&mut h, e);
            }
            h.write_u8(0xFE);
        }
        // The queue iterates in key order already. Stale timer entries are left out: they change nothing to come,
        // and the kernel sweeps them out from time to time.
        for (k, e) in self.queue.iter_keyed() {
            if let EvKind::Timer { node, timer } = e {
                if !self.timer_live(*node, timer, k.2) {
                    continue;
                }
            }
            h.write_u64(k.0);
            h.write_u8(k.1);
            feed_event(&mut h, e);
        }
        feed_debug(&mut h, &self.net);
        feed_debug(&mut h, &self.net_rng);
        feed_debug(&mut h, &self.hooks_fired);
        feed_debug(&mut h, &self.clients);
        feed_debug(&mut h, &self.checker);
        for v in &self.rec.first {
            h.write(v.invariant.as_bytes());
        }
        h.finish()
    }
}

/// Feeds a pending event to the state digest (its queue key, if any, is fed by the caller).
fn feed_event<P: Protocol>(h: &mut TraceHasher, e: &EvKind<P>) {
    match e {
        EvKind::Action(a) => {
            h.write_u8(0);
            feed_debug(h, a);
        }
        EvKind::Deliver(env) => {
            h.write_u8(1);
            h.write_usize(env.src);
            h.write_usize(env.dst);
            h.write_u64(env.sent_at);
            h.write_u8(env.dup as u8);
            h.write_u64(env.lamport);
            env.vclock.hash(h);
            h.write_i64(env.sent_wall);
            env.msg.hash(h);
        }
        EvKind::Timer { node, timer } => {
            h.write_u8(2);
            h.write_usize(*node);
            timer.hash(h);
        }
        EvKind::Resume(n) => {
            h.write_u8(3);
            h.write_usize(*n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::two_pc::TwoPc;
    use crate::scenario::{FaultRule, MsgMatch, Scenario};

    fn happy_path() -> Scenario {
        Scenario::parse(include_str!("../../scenarios/2PC-1.json")).expect("valid scenario")
    }

    fn at_first_delivery(s: &Scenario) -> Simulation<TwoPc> {
        let mut sim = Simulation::<TwoPc>::new(s).unwrap();
        while sim.pending_deliveries().is_empty() {
            assert!(sim.step());
        }
        sim
    }

    fn report_without_hash(sim: &Simulation<TwoPc>) -> serde_json::Value {
        let mut r = sim.report();
        r.as_object_mut().unwrap().remove("traceHash");
        r.as_object_mut().unwrap().remove("events");
        r
    }

    fn rule(src: NodeId, dst: NodeId, kind: &str, sent_at: Time) -> MsgMatch {
        MsgMatch {
            src: Some(vec![src]),
            dst: Some(vec![dst]),
            types: Some(vec![kind.to_string()]),
            from: sent_at,
            to: Some(sent_at + 1),
            count: Some(1),
        }
    }

    #[test]
    fn pending_deliveries_are_listed_in_delivery_order_with_the_next_local_event() {
        let sim = at_first_delivery(&happy_path());
        let p = sim.pending_deliveries();
        // The coordinator's PREPAREs, sent at t=0 in ascending id order (K before S), both due at t=10.
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].src, p[0].dst, p[0].kind, p[0].sent_at, p[0].at), (0, 1, "PREPARE", 0, 10));
        assert_eq!((p[1].dst, p[1].at), (2, 10));
        assert!(p[0].seq < p[1].seq && !p[0].dup);
        // The coordinator's vote timer (T_vote = 50) is the next local event, at TC or anywhere.
        let e = sim.next_local_event(None).expect("the vote timer");
        assert_eq!((e.at, e.class, e.node), (50, 2, Some(0)));
        assert_eq!(sim.next_local_event(Some(0)), Some(e));
        assert_eq!(sim.next_local_event(Some(1)), None, "K has no timer before it gets a PREPARE");
    }

    #[test]
    fn a_retimed_delivery_runs_exactly_like_a_delay_rule_and_a_dropped_one_like_a_drop_rule() {
        let s = happy_path();
        let mut sim = at_first_delivery(&s);
        let k = sim.pending_deliveries()[0].clone();
        assert!(!sim.retime_delivery(k.seq, k.at - 1), "never earlier than the network delivers it");
        assert!(sim.retime_delivery(k.seq, k.at + 25));
        assert_eq!(sim.pending_deliveries()[1].at, k.at + 25, "it now comes after S's PREPARE");
        sim.run_to_end();
        let mut replay = s.clone();
        replay.faults.push(FaultRule::Delay { m: rule(0, 1, "PREPARE", 0), extra: 25 });
        let mut r = Simulation::<TwoPc>::new(&replay).unwrap();
        r.run_to_end();
        assert_eq!(report_without_hash(&sim), report_without_hash(&r));

        let mut sim = at_first_delivery(&s);
        let k = sim.pending_deliveries()[0].clone();
        assert!(sim.drop_delivery(k.seq));
        assert!(!sim.drop_delivery(k.seq), "already gone");
        sim.run_to_end();
        let mut replay = s.clone();
        replay.faults.push(FaultRule::Drop(rule(0, 1, "PREPARE", 0)));
        let mut r = Simulation::<TwoPc>::new(&replay).unwrap();
        r.run_to_end();
        assert_eq!(report_without_hash(&sim), report_without_hash(&r));
        assert_eq!(
            r.report()["nodes"]["TC"]["decisions"],
            serde_json::json!(["ABORT"]),
            "K never voted: the TC aborts"
        );
    }

    #[test]
    fn the_state_digest_ignores_history_and_sees_every_change() {
        let s = happy_path();
        let a = at_first_delivery(&s);
        let b = at_first_delivery(&s);
        assert_eq!(a.state_digest(), b.state_digest());
        let mut c = a.clone();
        c.step();
        assert_ne!(a.state_digest(), c.state_digest());
        let mut d = a.clone();
        let k = d.pending_deliveries()[0].clone();
        assert!(d.retime_delivery(k.seq, k.at + 1));
        assert_ne!(a.state_digest(), d.state_digest(), "a pending delivery moved");
        let mut e = a.clone();
        e.next_msg += 7;
        e.rec.events += 3;
        assert_eq!(a.state_digest(), e.state_digest(), "message ids and event counts are not state");
    }
}

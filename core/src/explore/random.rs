//! Random fault schedules: the raw material of soaks and of the counterexample search.
//!
//! Given a base scenario and a fault budget, [`random_scenario`] adds seeded random faults (crashes with later
//! recoveries, partitions with later heals, one-way cuts, pauses, drop/delay/duplicate rules, clock skew, crash
//! hooks) and protocol actions (client requests, transactions), all inside the budget's time window. The same seed
//! always gives the same scenario, which is a plain scenario document: a failure is reproduced by running it.

use crate::protocol::Protocol;
use crate::rng::Rng;
use crate::scenario::{Action, CrashOn, FaultRule, HookEffect, HookPhase, MsgMatch, Scenario, Scheduled, MAX_TIME};
use crate::time::Time;
use crate::vecmap::VecSet;

/// The kinds of fault a budget may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaultKind {
    /// Crash a node (recovering it later, usually).
    Crash,
    /// Split the network in two groups (healing later).
    Partition,
    /// Cut one direction of one link (restoring later).
    Cut,
    /// Pause a node for a while.
    Pause,
    /// A rule dropping some messages.
    Drop,
    /// A rule delaying some messages (reordering them).
    Delay,
    /// A rule duplicating some messages.
    Duplicate,
    /// Skew, drift or a jump of a node's clock.
    Clock,
    /// Crash a node just before or after some persist or send.
    CrashOn,
    /// A protocol action: client request, transaction, read or write.
    Client,
    /// Cut one node off from all the others for a while. A search picks the node the protocol leans on at that
    /// moment (Raft: the leader), which only running the schedule can tell (see [`Plan`]); otherwise a random one.
    Isolate,
}

impl FaultKind {
    /// Every kind.
    pub const ALL: [FaultKind; 11] = [
        FaultKind::Crash,
        FaultKind::Partition,
        FaultKind::Cut,
        FaultKind::Pause,
        FaultKind::Drop,
        FaultKind::Delay,
        FaultKind::Duplicate,
        FaultKind::Clock,
        FaultKind::CrashOn,
        FaultKind::Client,
        FaultKind::Isolate,
    ];

    /// The name used on the command line and in the UI.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Crash => "crash",
            FaultKind::Partition => "partition",
            FaultKind::Cut => "cut",
            FaultKind::Pause => "pause",
            FaultKind::Drop => "drop",
            FaultKind::Delay => "delay",
            FaultKind::Duplicate => "duplicate",
            FaultKind::Clock => "clock",
            FaultKind::CrashOn => "crashOn",
            FaultKind::Client => "client",
            FaultKind::Isolate => "isolate",
        }
    }

    /// Parses a name.
    pub fn parse(s: &str) -> Option<FaultKind> {
        FaultKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// What a random schedule may contain.
#[derive(Clone, Debug)]
pub struct Budget {
    /// Fault kinds allowed.
    pub kinds: VecSet<FaultKind>,
    /// Most faults added (at least one).
    pub max_faults: usize,
    /// Faults start in `[from, to)`.
    pub from: Time,
    /// End of the fault window.
    pub to: Time,
    /// Longest extra delay a delay rule adds (keep it under a protocol's timeouts to stay within its assumptions).
    pub max_delay: u64,
    /// Longest outage (crash until recovery, partition until heal, pause).
    pub max_outage: u64,
    /// Probability that a crashed node is recovered later.
    pub recover_probability: f64,
    /// When set: at this time everything heals, every node recovers and clocks are left as they are (liveness
    /// can then be judged at the end of the run).
    pub heal_all_at: Option<Time>,
}

impl Budget {
    /// A budget with the given kinds and sensible defaults for a run of `until` ms.
    pub fn new(kinds: &[FaultKind], max_faults: usize, until: Time) -> Self {
        Budget {
            kinds: kinds.iter().copied().collect(),
            max_faults: max_faults.max(1),
            from: 0,
            to: until.max(1),
            max_delay: 100,
            max_outage: 500,
            recover_probability: 0.8,
            heal_all_at: None,
        }
    }
}

/// Most messages a random duplicate rule copies.
const MAX_RULE_COPIES: u64 = 10;

fn pick<'a, T>(rng: &mut Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.range(0, xs.len() as u64) as usize]
}

fn maybe_one<T: Clone>(rng: &mut Rng, xs: &[T], p_any: f64) -> Option<Vec<T>> {
    if xs.is_empty() || rng.chance(p_any) {
        None
    } else {
        Some(vec![pick(rng, xs).clone()])
    }
}

/// A random schedule whose `isolate` faults are still open: their target is chosen when a run reaches them.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The schedule without the isolations (their heals are in it).
    pub scenario: Scenario,
    /// The isolations, in time order.
    pub isolations: Vec<Isolation>,
}

/// An `isolate` fault: at `at`, one node is cut off from all the others (the scenario heals it later).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Isolation {
    /// When.
    pub at: Time,
    /// The node cut off when the protocol names no focus.
    pub fallback: usize,
}

/// The partition that cuts `node` off from the other `n - 1` nodes.
pub fn isolate(node: usize, n: usize) -> Action {
    Action::Partition(vec![vec![node], (0..n).filter(|&i| i != node).collect()])
}

impl Plan {
    /// The plain scenario, with the first `targets.len()` isolations cutting off the given nodes (the others are
    /// left out: a run that stopped before them never needed them).
    pub fn resolve(&self, targets: &[usize]) -> Scenario {
        let mut s = self.scenario.clone();
        let n = s.nodes.len();
        for (i, &node) in self.isolations.iter().zip(targets) {
            s.schedule.push(Scheduled { at: i.at, action: isolate(node, n) });
        }
        s
    }

    /// The plain scenario with every isolation cutting off its fallback node (for runs that do not look).
    pub fn resolve_blind(&self) -> Scenario {
        let targets: Vec<usize> = self.isolations.iter().map(|i| i.fallback).collect();
        self.resolve(&targets)
    }
}

/// The base scenario plus seeded random faults and actions within the budget, `isolate` faults aimed at random
/// nodes.
pub fn random_scenario<P: Protocol>(base: &Scenario, b: &Budget, seed: u64) -> Scenario {
    random_plan::<P>(base, b, seed).resolve_blind()
}

/// The base scenario plus seeded random faults and actions within the budget; `isolate` faults are left for the
/// run to aim.
pub fn random_plan<P: Protocol>(base: &Scenario, b: &Budget, seed: u64) -> Plan {
    let mut isolations = Vec::new();
    let mut rng = Rng::stream(seed, 0x5EED_F00D);
    let mut s = base.clone();
    s.id = format!("{}-r{seed}", base.id).chars().take(40).collect();
    s.seed = seed;
    s.title = Some(format!("Random schedule {seed} from {}", base.id));
    s.description = None;
    s.expect = None;
    let n = s.nodes.len();
    let nodes: Vec<usize> = (0..n).collect();
    let kinds: Vec<FaultKind> = b.kinds.iter().copied().collect();
    if kinds.is_empty() {
        return Plan { scenario: s, isolations };
    }
    let count = rng.range(1, b.max_faults as u64 + 1) as usize;
    let add = |at: Time, action: Action, s: &mut Scenario| {
        if at <= MAX_TIME {
            s.schedule.push(Scheduled { at, action });
        }
    };
    // Every outage ends by `heal_all_at`, so that the cluster is whole again from then on.
    let cap = b.heal_all_at.unwrap_or(Time::MAX);
    let outage_end = |rng: &mut Rng, t: Time| (t + rng.range(1, b.max_outage.max(2))).min(cap.max(t + 1));
    for _ in 0..count {
        let t = rng.range(b.from, b.to.max(b.from + 1));
        match *pick(&mut rng, &kinds) {
            FaultKind::Crash => {
                let node = *pick(&mut rng, &nodes);
                add(t, Action::Crash(node), &mut s);
                if rng.chance(b.recover_probability) {
                    let back = outage_end(&mut rng, t);
                    add(back, Action::Recover(node), &mut s);
                }
            }
            FaultKind::Partition if n >= 2 => {
                let mut groups = [Vec::new(), Vec::new()];
                for &i in &nodes {
                    groups[rng.range(0, 2) as usize].push(i);
                }
                if groups[0].is_empty() || groups[1].is_empty() {
                    let moved = groups[0].pop().or_else(|| groups[1].pop()).unwrap_or(0);
                    if groups[0].is_empty() {
                        groups[0].push(moved);
                    } else {
                        groups[1].push(moved);
                    }
                }
                add(t, Action::Partition(groups.to_vec()), &mut s);
                let heal = outage_end(&mut rng, t);
                add(heal, Action::Heal, &mut s);
            }
            FaultKind::Cut if n >= 2 => {
                let src = *pick(&mut rng, &nodes);
                let dst = (src + 1 + rng.range(0, n as u64 - 1) as usize) % n;
                add(t, Action::Cut { src, dst }, &mut s);
                let back = outage_end(&mut rng, t);
                add(back, Action::Restore { src, dst }, &mut s);
            }
            FaultKind::Pause => {
                let node = *pick(&mut rng, &nodes);
                let until = outage_end(&mut rng, t);
                add(t, Action::Pause { node, until }, &mut s);
            }
            kind @ (FaultKind::Drop | FaultKind::Delay | FaultKind::Duplicate) => {
                let types: Vec<String> = P::MESSAGE_TYPES.iter().map(|x| x.to_string()).collect();
                let mut m = MsgMatch {
                    src: maybe_one(&mut rng, &nodes, 0.5),
                    dst: maybe_one(&mut rng, &nodes, 0.5),
                    types: maybe_one(&mut rng, &types, 0.3),
                    from: t,
                    to: Some((t + rng.range(1, 300)).min(cap.max(t + 1))),
                    count: if rng.chance(0.5) { Some(rng.range(1, 4)) } else { None },
                };
                if kind == FaultKind::Duplicate {
                    // An unlimited duplicate rule turns every request-and-retry protocol into an exponential storm
                    // within its window (each copy is answered, each answer copied): bound what one rule copies.
                    m.count = m.count.or(Some(MAX_RULE_COPIES));
                }
                s.faults.push(match kind {
                    FaultKind::Drop => FaultRule::Drop(m),
                    FaultKind::Delay => FaultRule::Delay { m, extra: rng.range(1, b.max_delay.max(1) + 1) },
                    _ => FaultRule::Duplicate { m, copies: rng.range(1, 3) as u32, gap: rng.range(0, 30) },
                });
            }
            FaultKind::Clock => {
                let node = *pick(&mut rng, &nodes);
                if rng.chance(0.5) {
                    let delta = rng.range(0, 2001) as i64 - 1000;
                    add(t, Action::ClockJump { node, delta }, &mut s);
                } else {
                    let offset = rng.range(0, 2001) as i64 - 1000;
                    let drift = rng.range(0, 200_001) as i64 - 100_000;
                    add(t, Action::SetClock { node, offset, drift }, &mut s);
                }
            }
            FaultKind::CrashOn => {
                let node = *pick(&mut rng, &nodes);
                let phase = if rng.chance(0.5) { HookPhase::Before } else { HookPhase::After };
                let persist = !P::RECORDS.is_empty() && (P::MESSAGE_TYPES.is_empty() || rng.chance(0.5));
                let hook = if persist {
                    CrashOn {
                        node,
                        effect: HookEffect::Persist,
                        phase,
                        types: None,
                        dst: None,
                        record: Some(pick(&mut rng, P::RECORDS).to_string()),
                        cmd: None,
                    }
                } else if !P::MESSAGE_TYPES.is_empty() {
                    CrashOn {
                        node,
                        effect: HookEffect::Send,
                        phase,
                        types: Some(vec![pick(&mut rng, P::MESSAGE_TYPES).to_string()]),
                        dst: maybe_one(&mut rng, &nodes, 0.5),
                        record: None,
                        cmd: None,
                    }
                } else {
                    continue;
                };
                s.faults.push(FaultRule::CrashOn(hook));
                if rng.chance(b.recover_probability) {
                    // The hook fires at an unknown time; recover the node at the end of the fault window.
                    add(b.to + rng.range(0, b.max_outage.max(1)), Action::Recover(node), &mut s);
                }
            }
            FaultKind::Client => {
                if let Some(a) = P::random_action(&mut rng, &s, t) {
                    add(t, a, &mut s);
                }
            }
            FaultKind::Isolate if n >= 2 => {
                let fallback = *pick(&mut rng, &nodes);
                if t <= MAX_TIME {
                    isolations.push(Isolation { at: t, fallback });
                }
                let heal = outage_end(&mut rng, t);
                add(heal, Action::Heal, &mut s);
            }
            FaultKind::Partition | FaultKind::Cut | FaultKind::Isolate => {}
        }
    }
    if let Some(t) = b.heal_all_at {
        add(t, Action::Heal, &mut s);
        for i in 0..n {
            add(t, Action::Recover(i), &mut s);
        }
    }
    crate::sort::sort_by_key(&mut isolations, |i| i.at);
    Plan { scenario: s, isolations }
}

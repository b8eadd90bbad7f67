//! Soaks for the clock protocols (protocols.md §5.1, §5.2, §5.4): random skew, drift, jumps and pauses, with the
//! faults each protocol's assumptions allow, and the violations each one is expected to show outside them.
//!
//! * Lamport clocks never break LC-* whatever happens (crashes included: the counter is persisted), and a counter
//!   kept only in memory is caught going backwards after a crash. Crash *hooks* are left out: one that stops a
//!   process inside a receive handler, before anything is persisted, leaves the kernel's vector clock (the ground
//!   truth) counting a receipt the process has forgotten, and LC-Clock then compares later events with it.
//! * Lamport's mutual exclusion never breaks ME-Exclusion or ME-Order on reliable FIFO links without crashes, and
//!   never deadlocks (a request left waiting means some process holds the resource), pauses included (a pause
//!   defers a process's deliveries but keeps their order); reordering breaks exclusion.
//! * LWW loses a causally later write in physical mode under skew and never in Lamport mode.

use netsplit_core::explore::{soak, Budget, FaultKind};
use netsplit_core::protocols::{lamport::Lamport, lamport_mutex::LamportMutex, lww::Lww};
use netsplit_core::scenario::Scenario;
use netsplit_core::sim::Simulation;

/// Faults that keep links reliable and FIFO: no drop, delay, duplicate, cut or partition.
const CLOCKS: [FaultKind; 4] = [FaultKind::Clock, FaultKind::Client, FaultKind::Client, FaultKind::Pause];

fn base(protocol: &str, nodes: &[&str], params: &str, until: u64) -> Scenario {
    let nodes: Vec<String> = nodes.iter().map(|n| format!("{n:?}")).collect();
    Scenario::parse(&format!(
        r#"{{"format":1,"id":"soak-{protocol}","protocol":"{protocol}","nodes":[{}],"params":{params},
            "clocks":{{"{}":{{"offset":300,"drift":5000}}}},"runUntil":{until}}}"#,
        nodes.join(","),
        nodes[0].trim_matches('"'),
    ))
    .unwrap()
}

fn budget(kinds: &[FaultKind], max: usize, until: u64) -> Budget {
    let mut b = Budget::new(kinds, max, until);
    b.max_outage = 200;
    b
}

#[test]
fn lamport_clocks_never_break_lc_invariants_with_crashes_and_clock_faults() {
    let s = base("lamport", &["P1", "P2", "P3", "P4"], "{}", 1500);
    let kinds = [FaultKind::Client, FaultKind::Client, FaultKind::Crash, FaultKind::Pause, FaultKind::Clock];
    let b = budget(&kinds, 150, 1200);
    let r = soak::<Lamport>(&s, &b, 0..10_000, 2, false, &|_| Ok(()));
    println!("lamport, FIFO reliable links, crashes, clock faults: {}", r.summary());
    assert!(r.violated.is_empty(), "{}", r.explain_first());
}

#[test]
fn lamport_clocks_never_break_lc_invariants_under_network_faults_too() {
    let s = base("lamport", &["P1", "P2", "P3"], "{}", 1500);
    let mut kinds: Vec<FaultKind> = FaultKind::ALL.into_iter().filter(|k| *k != FaultKind::CrashOn).collect();
    kinds.extend([FaultKind::Client; 4]);
    let b = budget(&kinds, 150, 1200);
    let r = soak::<Lamport>(&s, &b, 0..8000, 2, false, &|_| Ok(()));
    println!("lamport, every fault kind but crash hooks: {}", r.summary());
    assert!(r.violated.is_empty(), "{}", r.explain_first());
}

#[test]
fn a_lamport_counter_kept_in_memory_is_caught_going_backwards() {
    let s = base("lamport", &["P1", "P2", "P3"], r#"{"persistClock":false}"#, 1500);
    let b = budget(&[FaultKind::Client, FaultKind::Client, FaultKind::Crash], 30, 1200);
    let r = soak::<Lamport>(&s, &b, 0..500, 2, true, &|_| Ok(()));
    println!("lamport, persistClock false: {}", r.summary());
    let f = r.first.as_ref().expect("a crash makes a volatile counter go backwards");
    assert!(f.violations.iter().any(|v| v.invariant == "LC-Mono"), "{}", r.explain_first());
}

/// ME-Liveness may fail at the end only because some process still holds the resource (random releases may never
/// come): a request stuck while nobody is inside would be a deadlock.
fn no_deadlock(sim: &Simulation<LamportMutex>) -> Result<(), String> {
    let live = sim.liveness();
    let l = live.iter().find(|l| l.property == "ME-Liveness").ok_or("ME-Liveness not evaluated")?;
    let w = sim.world();
    let holder = (0..w.n()).any(|i| w.node(i).is_some_and(|n| n.in_cs()));
    if l.holds || holder {
        Ok(())
    } else {
        Err(format!("deadlock: {}", l.detail))
    }
}

#[test]
fn lamport_mutex_keeps_exclusion_and_order_on_fifo_links_without_crashes() {
    let s = base("lamport-mutex", &["P1", "P2", "P3", "P4"], "{}", 2500);
    let b = budget(&CLOCKS, 150, 1500);
    let r = soak::<LamportMutex>(&s, &b, 0..12_000, 2, false, &no_deadlock);
    println!("lamport-mutex, FIFO reliable links, clock faults: {}", r.summary());
    assert!(r.violated.is_empty() && r.check_failures == 0, "{}", r.explain_first());
}

#[test]
fn lamport_mutex_loses_exclusion_when_messages_are_reordered() {
    let s = base("lamport-mutex", &["P1", "P2", "P3"], "{}", 2500);
    let kinds = [FaultKind::Client, FaultKind::Client, FaultKind::Client, FaultKind::Delay];
    let b = budget(&kinds, 40, 1500);
    let r = soak::<LamportMutex>(&s, &b, 0..1000, 2, false, &no_deadlock);
    println!("lamport-mutex, delay rules: {}", r.summary());
    assert!(
        r.violated.get("ME-Exclusion").is_some_and(|n| *n > 0),
        "reordering should break exclusion: {}",
        r.summary()
    );
}

#[test]
fn lww_in_physical_mode_with_skew_loses_a_causally_later_write() {
    let s = base("lww", &["n1", "n2", "n3"], r#"{"tsMode":"physical"}"#, 1500);
    let kinds = [FaultKind::Client, FaultKind::Client, FaultKind::Client, FaultKind::Clock];
    let b = budget(&kinds, 40, 1200);
    let r = soak::<Lww>(&s, &b, 0..500, 2, true, &|_| Ok(()));
    println!("lww physical, skew: {}", r.summary());
    let f = r.first.as_ref().expect("skew loses a causally later write");
    assert_eq!(f.violations[0].invariant, "LWW-CausalLoss", "{}", r.explain_first());
}

#[test]
fn lww_in_lamport_mode_never_loses_a_causally_later_write() {
    let s = base("lww", &["n1", "n2", "n3"], r#"{"tsMode":"lamport"}"#, 1500);
    let kinds = [
        FaultKind::Client,
        FaultKind::Client,
        FaultKind::Client,
        FaultKind::Clock,
        FaultKind::Crash,
        FaultKind::Pause,
        FaultKind::Partition,
        FaultKind::Drop,
        FaultKind::Delay,
        FaultKind::Duplicate,
    ];
    let b = budget(&kinds, 150, 1200);
    let r = soak::<Lww>(&s, &b, 0..10_000, 2, false, &|_| Ok(()));
    println!("lww lamport, clock and network faults, crashes: {}", r.summary());
    assert!(r.violated.is_empty(), "{}", r.explain_first());
}

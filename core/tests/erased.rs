//! The type-erased kernel (the one the app, the CLI and the explorer run) against the typed kernels: for every
//! preset, event by event, the same trace, the same state digest, the same screen, the same violations, and at the
//! end the same report. A wrapper that leaked into a `Debug` text, a hash or an order would show up here first.

use netsplit_core::presets;
use netsplit_core::run::{load, load_typed, Run};
use netsplit_core::scenario::{Action, Scenario};

/// Steps both runs to the end, comparing them after every event (snapshots every 97th event: they are the costly
/// part), then compares the reports.
fn same_run(s: &Scenario, mut a: Box<dyn Run>, mut b: Box<dyn Run>) {
    a.set_recording(true);
    b.set_recording(true);
    let id = &s.id;
    assert_eq!(a.invariants(), b.invariants(), "{id}: invariants");
    assert_eq!(a.snapshot(), b.snapshot(), "{id}: snapshot at boot");
    let mut n = 0u64;
    let end = s.run_until + 1;
    loop {
        let (more_a, more_b) = (a.step_before(end), b.step_before(end));
        assert_eq!(more_a, more_b, "{id}: one run ended before the other, event {n}");
        if !more_a {
            break;
        }
        n += 1;
        assert_eq!(a.take_trace(), b.take_trace(), "{id}: trace at event {n}");
        assert_eq!(a.violations().len(), b.violations().len(), "{id}: violations at event {n}");
        // The whole state is compared densely at first and then sparsely: the long runs (RAFT-stress) have
        // hundreds of thousands of events and states that grow with them.
        if n < 3_000 || n % 1_009 == 0 {
            assert_eq!(a.state_digest(), b.state_digest(), "{id}: state digest at event {n}");
            assert_eq!(a.pending_deliveries(), b.pending_deliveries(), "{id}: pending deliveries at event {n}");
            assert_eq!(a.next_local_event(None), b.next_local_event(None), "{id}: next local event at event {n}");
        }
        if n % 997 == 0 {
            assert_eq!(a.snapshot(), b.snapshot(), "{id}: snapshot at event {n}");
            assert_eq!(a.liveness(), b.liveness(), "{id}: liveness at event {n}");
        }
    }
    a.run_to_end();
    b.run_to_end();
    assert_eq!(a.violations(), b.violations(), "{id}: violations");
    assert_eq!(a.state_digest(), b.state_digest(), "{id}: final state digest");
    assert_eq!(a.focus(), b.focus(), "{id}: focus");
    assert_eq!(a.report(), b.report(), "{id}: report");
}

#[test]
fn every_preset_runs_alike_in_the_erased_and_the_typed_kernel() {
    let mut events = 0;
    for s in presets::parsed() {
        same_run(s, load(s).unwrap(), load_typed(s).unwrap());
        let mut r = load(s).unwrap();
        r.run_to_end();
        events += r.events();
    }
    assert!(presets::parsed().len() >= 50 && events > 100_000, "the comparison covered too little: {events} events");
}

#[test]
fn actions_and_message_surgery_act_alike_in_both_kernels() {
    // What the app does by hand: a crash and a recovery injected mid-run, a delivery delayed and another dropped.
    let mut tried = 0;
    for s in presets::parsed().iter().filter(|s| {
        ["RAFT-3", "2PC-4", "3PC-2", "CLK-2-lamport", "MUTEX-1", "QRM-2", "FEN-jump", "NET-2"].contains(&s.id.as_str())
    }) {
        let (mut a, mut b) = (load(s).unwrap(), load_typed(s).unwrap());
        for r in [&mut a, &mut b] {
            // Up to the first moment with two messages in flight (the same event in both kernels, or the
            // comparison below fails).
            while r.pending_deliveries().len() < 2 {
                assert!(r.step_before(s.run_until), "{}: never two messages in flight", s.id);
            }
            let first = r.pending_deliveries();
            assert!(r.retime_delivery(first[0].seq, first[0].at + 25));
            assert!(r.drop_delivery(first[1].seq));
            r.inject(Action::Crash(0));
            r.advance_to(r.now() + 80);
            r.inject(Action::Recover(0));
        }
        same_run(s, a, b);
        tried += 1;
    }
    assert_eq!(tried, 8);
}

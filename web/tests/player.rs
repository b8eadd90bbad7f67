//! The player reducer: playback, stepping, seeking, acting in the past, jumping to violations.
#![cfg(target_arch = "wasm32")]

use netsplit_core::scenario::Action;
use netsplit_web::player::{Msg, Player, Selection};
use std::rc::Rc;
use wasm_bindgen_test::*;
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

fn player(id: &str) -> Rc<Player> {
    Rc::new(Player::new(netsplit_core::presets::by_id(id).cloned().unwrap()).unwrap())
}

fn send(p: Rc<Player>, m: Msg) -> Rc<Player> {
    p.reduce(m)
}

#[wasm_bindgen_test]
fn frames_advance_the_playhead_by_wall_time_times_speed() {
    let mut p = send(player("NET-2"), Msg::Speed(0.01));
    p = send(p, Msg::SkipQuiet(false));
    p = send(p, Msg::Play);
    for _ in 0..10 {
        p = send(p, Msg::Frame(100.0)); // 100 ms of wall time at 1/100×: 1 ms of simulated time each
    }
    assert!((p.t - 10.0).abs() < 1e-9, "{}", p.t);
    p = send(p, Msg::Pause);
    let t = p.t;
    p = send(p, Msg::Frame(1000.0));
    assert_eq!(p.t, t, "a paused player does not move");
}

#[wasm_bindgen_test]
fn quiet_stretches_run_fast_but_never_past_the_next_event_and_messages_move_at_the_chosen_speed() {
    // RAFT-1: nothing is in flight until the first election timeout, at 150 ms.
    let mut p = send(player("RAFT-1"), Msg::Speed(0.01));
    assert!(p.skip_quiet, "on by default");
    p = send(p, Msg::Play);
    let mut frames = 0;
    while p.snap.messages.is_empty() && frames < 200 {
        p = send(p, Msg::Frame(16.0));
        frames += 1;
        assert!(p.t <= 150.0 + 1e-9 || !p.snap.messages.is_empty(), "jumped past the first event to {}", p.t);
    }
    // 150 ms at 1/100 would be 15 s of frames; eased, it takes a few seconds of them.
    assert!(frames < 200 && p.t >= 150.0, "{frames} frames, t = {}", p.t);
    assert!(frames > 30, "eased in over several frames, not jumped: {frames}");
    // With messages in flight, time runs at the chosen speed again.
    let t = p.t;
    p = send(p, Msg::Frame(100.0));
    assert!(!p.quieting, "RequestVotes are in flight");
    assert!((p.t - t - 1.0).abs() < 1e-9, "100 ms of wall time at 1/100 moved {t} → {}", p.t);
}

#[wasm_bindgen_test]
fn speed_and_quiet_skipping_outlive_loading_another_scenario() {
    let mut p = send(player("RAFT-1"), Msg::Speed(0.05));
    p = send(p, Msg::SkipQuiet(false));
    p = send(p, Msg::Load(Box::new(netsplit_core::presets::by_id("NET-2").cloned().unwrap())));
    assert_eq!((p.speed, p.skip_quiet), (0.05, false));
}

#[wasm_bindgen_test]
fn a_frame_never_jumps_more_than_its_bound() {
    let mut p = send(player("NET-2"), Msg::Speed(1.0));
    p = send(p, Msg::Play);
    p = send(p, Msg::Frame(60_000.0)); // a backgrounded tab
    assert!(p.t <= 100.0, "{}", p.t);
}

#[wasm_bindgen_test]
fn stepping_forward_then_back_restores_the_same_screen() {
    let mut p = player("NET-2");
    p = send(p, Msg::Seek(35.0));
    p = send(p, Msg::StepForward);
    let before = (p.snap.0.as_ref().clone(), p.events(), p.t);
    p = send(p, Msg::StepForward);
    assert_eq!(p.events(), before.1 + 1);
    p = send(p, Msg::StepBack);
    assert_eq!((p.snap.0.as_ref().clone(), p.events(), p.t), before);
}

#[wasm_bindgen_test]
fn seeking_back_and_forward_gives_the_same_screen() {
    let mut p = player("NET-2-nodedup");
    p = send(p, Msg::Seek(72.0));
    let at72 = p.snap.0.as_ref().clone();
    p = send(p, Msg::Seek(150.0));
    p = send(p, Msg::Seek(5.0));
    p = send(p, Msg::Seek(72.0));
    assert_eq!(*p.snap.0, at72);
}

#[wasm_bindgen_test]
fn acting_in_the_past_forks_the_run() {
    let mut p = player("NET-2");
    p = send(p, Msg::Seek(200.0));
    assert_eq!(p.scenario().schedule.len(), 1);
    p = send(p, Msg::Seek(20.0));
    p = send(p, Msg::Act(Box::new(Action::Crash(1))));
    let s = p.scenario();
    assert_eq!(s.schedule.len(), 2, "the action is part of the scenario now");
    assert_eq!(s.schedule[1].at, 21);
    p = send(p, Msg::Seek(200.0));
    assert!(!p.snap.nodes[1].up, "B stays down in the forked run");
}

#[wasm_bindgen_test]
fn jumping_to_a_violation_lands_on_it_and_highlights_the_nodes() {
    let mut p = player("NET-2-nodedup");
    p = send(p, Msg::Seek(200.0));
    assert_eq!(p.violations.len(), 1);
    p = send(p, Msg::Seek(10.0));
    assert!(p.violations.is_empty(), "at t=10 nothing has broken yet");
    p = send(p, Msg::JumpToViolation("PL-NoDup"));
    assert_eq!(p.t, 70.0);
    assert_eq!(p.violations[0].invariant, "PL-NoDup");
    assert_eq!(*p.highlight.0, vec![1]);
    p = send(p, Msg::Select(Selection::Node(0)));
    assert!(p.highlight.is_empty());
}

#[wasm_bindgen_test]
fn bad_scenarios_leave_a_notice_and_keep_the_run() {
    let mut p = player("NET-2");
    let mut bad = netsplit_core::presets::by_id("NET-2").cloned().unwrap();
    bad.protocol = "no-such".into();
    p = send(p, Msg::Load(Box::new(bad)));
    assert!(p.notice.is_some());
    assert_eq!(p.base.id, "NET-2");
}

#[wasm_bindgen_test]
fn scrubber_marks_show_each_invariants_first_break_ahead_of_the_playhead_too() {
    // 2PC-9 breaks WAL-2 at 20, AC-Irrevocability and AC-Agreement at 100, APP-Conservation at 110.
    let mut p = player("2PC-9");
    assert!(p.marks.is_empty());
    p = send(p, Msg::Seek(50.0));
    assert_eq!(*p.marks.0, vec![(20, "WAL-2")]);
    p = send(p, Msg::Seek(400.0));
    let all = (*p.marks.0).clone();
    let want = [(20, "WAL-2"), (100, "AC-Irrevocability"), (100, "AC-Agreement"), (110, "APP-Conservation")];
    assert_eq!(all, want, "one mark per invariant, at its first break, however often it breaks");
    p = send(p, Msg::Seek(10.0));
    assert_eq!(*p.marks.0, all, "marks stay for what the run computed ahead of the playhead");
    // Crashing S at t = 11 changes the run from there on: the marks follow the fork.
    p = send(p, Msg::Act(Box::new(Action::Crash(2))));
    p = send(p, Msg::Seek(400.0));
    let fresh = send(Rc::new(Player::new(p.scenario()).unwrap()), Msg::Seek(400.0));
    assert_eq!(*p.marks.0, *fresh.marks.0, "after a fork the marks are those of the forked run");
    assert_ne!(*p.marks.0, all, "the fork changed what breaks");
}

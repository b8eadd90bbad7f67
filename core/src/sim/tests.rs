//! Kernel tests with a probe protocol whose nodes write down every input they get, so the tests can see exactly
//! what the kernel delivered, when and in which order.

use super::*;
use crate::check::InvariantInfo;
use crate::protocol::Message;
use crate::scenario::{ClockSpec, CrashOn, MsgMatch};
use crate::vecmap::VecMap;
use crate::view::fields;

#[derive(Clone, Debug, Hash)]
struct Ping(u32);

impl Message for Ping {
    fn kind(&self) -> &'static str {
        "PING"
    }
    fn fields(&self, _ids: &[String]) -> Value {
        fields([("n", json!(self.0))])
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Named(String);

impl TimerName for Named {
    fn name(&self) -> String {
        self.0.clone()
    }
}

#[derive(Clone, Debug, Hash)]
struct Rec(String);

impl Record for Rec {
    fn name(&self) -> &'static str {
        "R"
    }
    fn has_cmd(&self, cmd: &str) -> bool {
        self.0 == cmd
    }
}

#[derive(Clone, Debug, Hash)]
struct Note(String);

impl Observation for Note {
    fn timeline(&self) -> Option<(&'static str, Map<String, Value>)> {
        None
    }
    fn describe(&self) -> String {
        self.0.clone()
    }
}

/// A node that logs `(true time, input)` for every input. Its scripted commands (`payload` of a link `send`
/// action) are space-separated steps: `ping` (send PING to `to`), `persist:X`, `timer:NAME:MS`, `cancel:NAME`.
#[derive(Clone, Debug)]
struct Probe {
    log: Vec<String>,
}

#[derive(Clone, Debug, Default)]
struct ProbeChecker;

impl Checker<Probe> for ProbeChecker {
    fn new(_w: &World<'_, Probe>) -> Self {
        ProbeChecker
    }
    fn invariants(_p: &()) -> Vec<InvariantInfo> {
        vec![]
    }
    fn after_event(&mut self, _w: &World<'_, Probe>, _out: &mut Found) {}
}

impl Probe {
    fn note(&mut self, cx: &Ctx<'_, Self>, what: String) {
        self.log.push(format!("{}:{what}", cx.now));
    }
}

impl Protocol for Probe {
    const NAME: &'static str = "probe";
    const MESSAGE_TYPES: &'static [&'static str] = &["PING"];
    const RECORDS: &'static [&'static str] = &["R"];
    type Params = ();
    type Msg = Ping;
    type Timer = Named;
    type Record = Rec;
    type Durable = Vec<String>;
    type Action = (NodeId, NodeId, String);
    type Obs = Note;
    type Checker = ProbeChecker;

    fn params(_r: &mut crate::scenario::ParamReader<'_>, _c: &Cluster) -> Result<(), ScenarioError> {
        Ok(())
    }
    fn validate(_s: &Scenario, _p: &()) -> Result<(), ScenarioError> {
        Ok(())
    }
    fn action(a: &Action, _p: &Self::Params) -> Option<Self::Action> {
        match a {
            Action::LinkSend { node, to, payload } => Some((*node, *to, payload.clone())),
            _ => None,
        }
    }
    fn action_node(a: &Self::Action, _p: &()) -> NodeId {
        a.0
    }
    fn empty_durable(_p: &Self::Params) -> Self::Durable {
        Default::default()
    }

    fn apply(d: &mut Vec<String>, r: &Rec) {
        d.push(r.0.clone());
    }
    fn boot(cx: &mut Ctx<'_, Self>, _p: &(), d: &Vec<String>, recovering: bool) -> Probe {
        let mut p = Probe { log: vec![] };
        p.note(cx, format!("boot recovering={recovering} durable={}", d.join(",")));
        p
    }
    fn on_message(&mut self, cx: &mut Ctx<'_, Self>, _p: &(), from: NodeId, m: Ping) {
        self.note(cx, format!("ping{} from {from}", m.0));
    }
    fn on_timer(&mut self, cx: &mut Ctx<'_, Self>, _p: &(), t: Named) {
        self.note(cx, format!("timer {}", t.0));
    }
    fn on_action(&mut self, cx: &mut Ctx<'_, Self>, _p: &(), (_, to, cmd): Self::Action) {
        self.note(cx, format!("action {cmd}"));
        for (i, step) in cmd.split(' ').enumerate() {
            let parts: Vec<&str> = step.split(':').collect();
            match parts.as_slice() {
                ["ping"] => cx.send(to, Ping(i as u32)),
                ["persist", x] => cx.persist(Rec(x.to_string())),
                ["timer", name, ms] => cx.set_timer(Named(name.to_string()), ms.parse().unwrap()),
                ["cancel", name] => cx.cancel_timer(Named(name.to_string())),
                ["note", x] => cx.observe(Note(x.to_string())),
                _ => panic!("bad probe step {step}"),
            }
        }
    }
    fn view(&self, _p: &(), _d: &Vec<String>) -> ProtoView {
        ProtoView::default()
    }
    fn view_down(_p: &(), _d: &Vec<String>) -> ProtoView {
        ProtoView::default()
    }
    fn report_node(_w: &World<'_, Self>, _i: NodeId, _c: &ProbeChecker) -> Map<String, Value> {
        Map::new()
    }
}

fn scenario(n: usize, schedule: Vec<(Time, Action)>, faults: Vec<FaultRule>) -> Scenario {
    Scenario {
        id: "probe".into(),
        title: None,
        description: None,
        protocol: "link".into(),
        nodes: (1..=n).map(|i| format!("n{i}")).collect(),
        seed: 1,
        params: Map::new(),
        clocks: VecMap::new(),
        schedule: schedule.into_iter().map(|(at, action)| Scheduled { at, action }).collect(),
        faults,
        run_until: 1000,
        expect: None,
    }
}

fn cmd(node: NodeId, to: NodeId, c: &str) -> Action {
    Action::LinkSend { node, to, payload: c.into() }
}

fn run(s: &Scenario) -> Simulation<Probe> {
    let mut sim = Simulation::<Probe>::new(s).unwrap();
    sim.set_recording(true);
    sim.run_to_end();
    sim
}

fn log(sim: &Simulation<Probe>, i: NodeId) -> Vec<String> {
    sim.world().node(i).map(|p| p.log[1..].to_vec()).unwrap_or_default()
}

#[test]
fn equal_times_run_actions_then_deliveries_then_timers() {
    // n1 sends at 0 (arrives 10) and arms a timer for 10; an action at 10 also reaches n2.
    let s = scenario(2, vec![(0, cmd(0, 1, "ping")), (0, cmd(1, 0, "timer:t:10")), (10, cmd(1, 0, "note:x"))], vec![]);
    let sim = run(&s);
    assert_eq!(log(&sim, 1), vec!["0:action timer:t:10", "10:action note:x", "10:ping0 from 0", "10:timer t"]);
}

#[test]
fn same_time_deliveries_keep_send_order_and_timers_keep_arming_order() {
    let s = scenario(2, vec![(0, cmd(0, 1, "ping ping ping")), (5, cmd(1, 0, "timer:b:5 timer:a:5"))], vec![]);
    let sim = run(&s);
    assert_eq!(
        log(&sim, 1),
        vec![
            "5:action timer:b:5 timer:a:5",
            "10:ping0 from 0",
            "10:ping1 from 0",
            "10:ping2 from 0",
            "10:timer b",
            "10:timer a"
        ]
    );
}

#[test]
fn scripted_actions_at_equal_times_run_in_listed_order_even_when_listed_out_of_time_order() {
    let s = scenario(
        2,
        vec![(7, cmd(0, 1, "note:second")), (3, cmd(0, 1, "note:first")), (7, cmd(0, 1, "note:third"))],
        vec![],
    );
    let sim = run(&s);
    assert_eq!(log(&sim, 0), vec!["3:action note:first", "7:action note:second", "7:action note:third"]);
}

#[test]
fn rearming_a_timer_cancels_the_previous_instance() {
    let s = scenario(
        1,
        vec![(0, cmd(0, 0, "timer:t:50")), (20, cmd(0, 0, "timer:t:50")), (30, cmd(0, 0, "timer:u:5 cancel:u"))],
        vec![],
    );
    let sim = run(&s);
    let fired: Vec<String> = log(&sim, 0).into_iter().filter(|l| l.contains("timer ")).collect();
    assert_eq!(fired, vec!["70:timer t"]);
}

#[test]
fn a_partition_destroys_messages_in_flight_and_drops_new_ones() {
    // Sent at 0, arrives at 10; the partition at 5 destroys it. A message sent during the partition is dropped
    // at send. A partition that heals before arrival does not matter.
    let s = scenario(
        3,
        vec![
            (0, cmd(0, 1, "ping")),
            (5, Action::Partition(vec![vec![0], vec![1, 2]])),
            (6, cmd(0, 1, "ping")),
            (20, Action::Heal),
            (30, cmd(0, 1, "ping")),
            (32, Action::Partition(vec![vec![0, 2], vec![1]])),
            (35, Action::Heal),
        ],
        vec![],
    );
    let mut sim = run(&s);
    let drops: Vec<(Time, DropReason)> = sim
        .take_trace()
        .into_iter()
        .filter_map(|e| if let TraceKind::Drop { reason, .. } = e.kind { Some((e.t, reason)) } else { None })
        .collect();
    assert_eq!(drops, vec![(6, DropReason::PartitionAtSend), (10, DropReason::PartitionAtDeliver)]);
    assert_eq!(log(&sim, 1), vec!["40:ping0 from 0"]);
}

#[test]
fn unlisted_nodes_are_isolated_and_one_way_cuts_are_one_way() {
    let s = scenario(
        3,
        vec![
            (0, Action::Partition(vec![vec![0, 1]])),
            (1, cmd(0, 2, "ping")),
            (1, cmd(2, 0, "ping")),
            (1, cmd(0, 1, "ping")),
            (50, Action::Heal),
            (50, Action::Cut { src: 0, dst: 1 }),
            (51, cmd(0, 1, "ping")),
            (51, cmd(1, 0, "ping")),
            (70, Action::Restore { src: 0, dst: 1 }),
            (71, cmd(0, 1, "ping")),
        ],
        vec![],
    );
    let sim = run(&s);
    assert!(log(&sim, 2).iter().all(|l| !l.contains("from")), "n3 is isolated: it received nothing");
    assert!(log(&sim, 0).contains(&"61:ping0 from 1".to_string()), "the reverse direction of a cut link works");
    let n2: Vec<String> = log(&sim, 1).into_iter().filter(|l| l.contains("from")).collect();
    assert_eq!(n2, vec!["11:ping0 from 0", "81:ping0 from 0"]);
}

#[test]
fn pause_defers_deliveries_and_timers_in_their_original_order() {
    let s = scenario(
        2,
        vec![
            (0, Action::Pause { node: 1, until: 50 }),
            (2, cmd(1, 0, "timer:t:13")), // a protocol action at a paused node waits too
            (0, cmd(0, 1, "ping")),       // arrives at 10
            (10, cmd(0, 1, "ping")),      // arrives at 20
        ],
        vec![],
    );
    let sim = run(&s);
    // The action (due at 2) runs at 50 and arms a timer for 63; the pings follow in arrival order.
    assert_eq!(log(&sim, 1), vec!["50:action timer:t:13", "50:ping0 from 0", "50:ping0 from 0", "63:timer t"]);
    let s2 = scenario(
        2,
        vec![(0, cmd(1, 0, "timer:t:15")), (1, Action::Pause { node: 1, until: 50 }), (15, cmd(0, 1, "ping"))],
        vec![],
    );
    // Timer due at 15, ping due at 25: both deferred to 50, timer first (it came due first).
    assert_eq!(log(&run(&s2), 1)[1..], ["50:timer t".to_string(), "50:ping0 from 0".to_string()]);
}

#[test]
fn crash_cancels_timers_drops_arrivals_and_recovery_reloads_stable_state() {
    let s = scenario(
        2,
        vec![
            (0, cmd(1, 0, "persist:a timer:t:100")),
            (5, cmd(0, 1, "ping")),
            (10, Action::Crash(1)),
            (14, cmd(0, 1, "ping")),
            (30, Action::Recover(1)),
            (31, Action::Recover(1)),
        ],
        vec![],
    );
    let mut sim = Simulation::<Probe>::new(&s).unwrap();
    sim.set_recording(true);
    sim.run_to_end();
    let trace = sim.take_trace();
    let n2 = sim.world().node(1).unwrap();
    assert_eq!(n2.log, vec!["30:boot recovering=true durable=a"], "volatile state and the timer are gone");
    let down_drops: Vec<Time> = trace
        .iter()
        .filter(|e| matches!(e.kind, TraceKind::Drop { reason: DropReason::DstDown, .. }))
        .map(|e| e.t)
        .collect();
    assert_eq!(down_drops, vec![15, 24], "messages arriving while it is down are dropped");
    assert!(trace.iter().any(|e| e.t == 31 && matches!(e.kind, TraceKind::Ignored { .. })));
}

#[test]
fn crash_hooks_cut_the_handler_before_or_after_the_matching_effect() {
    let hook = |effect, phase, record: Option<&str>, types: Option<&str>| {
        FaultRule::CrashOn(CrashOn {
            node: 0,
            effect,
            phase,
            types: types.map(|t| vec![t.to_string()]),
            dst: None,
            record: record.map(str::to_string),
            cmd: None,
        })
    };
    let sched = vec![(0, cmd(0, 1, "persist:a ping persist:b ping")), (100, Action::Recover(0))];
    let cases = [
        (hook(HookEffect::Persist, HookPhase::Before, Some("R"), None), "", 0),
        (hook(HookEffect::Persist, HookPhase::After, Some("R"), None), "a", 0),
        (hook(HookEffect::Send, HookPhase::Before, None, Some("PING")), "a", 0),
        (hook(HookEffect::Send, HookPhase::After, None, Some("PING")), "a", 1),
    ];
    for (h, durable, pings) in cases {
        let sim = run(&scenario(2, sched.clone(), vec![h.clone()]));
        let n1 = sim.world().node(0).unwrap();
        assert_eq!(n1.log[0], format!("100:boot recovering=true durable={durable}"), "{h:?}");
        assert_eq!(log(&sim, 1).len(), pings, "{h:?}");
    }
    // A hook fires at most once: after recovery the same effects go through.
    let again = vec![(0, cmd(0, 1, "persist:a")), (10, Action::Recover(0)), (20, cmd(0, 1, "persist:b"))];
    let sim = run(&scenario(2, again, vec![hook(HookEffect::Persist, HookPhase::Before, Some("R"), None)]));
    assert_eq!(sim.world().durable(0), &vec!["b".to_string()]);
}

#[test]
fn timers_follow_the_monotonic_clock_under_drift_and_ignore_jumps() {
    let mut s = scenario(
        2,
        vec![
            (0, cmd(0, 0, "timer:t:110")),
            (0, cmd(1, 1, "timer:t:90")),
            (5, Action::ClockJump { node: 1, delta: -5000 }),
        ],
        vec![],
    );
    s.clocks.insert(0, ClockSpec { offset: 0, drift: 100_000 });
    s.clocks.insert(1, ClockSpec { offset: 0, drift: -100_000 });
    let sim = run(&s);
    assert_eq!(log(&sim, 0)[1], "100:timer t");
    assert_eq!(log(&sim, 1)[1], "100:timer t");
    assert_eq!(sim.world().wall(1), 10_000 + 1000 - 5000 - 100);
}

#[test]
fn changing_drift_reschedules_pending_timers() {
    let s = scenario(
        1,
        vec![(0, cmd(0, 0, "timer:t:100")), (50, Action::SetClock { node: 0, offset: 0, drift: 1_000_000 })],
        vec![],
    );
    let sim = run(&s);
    // 50 ms elapsed on the monotonic clock; the other 50 take 25 ms at double speed.
    assert_eq!(log(&sim, 0)[1], "75:timer t");
}

#[test]
fn lamport_and_vector_stamps_follow_sends_and_receives() {
    let s = scenario(3, vec![(0, cmd(0, 1, "note:a")), (1, cmd(0, 1, "ping")), (20, cmd(1, 2, "ping"))], vec![]);
    let mut sim = Simulation::<Probe>::new(&s).unwrap();
    sim.set_recording(true);
    sim.run_to_end();
    let lv: Vec<(u64, Vec<u32>)> = sim
        .take_trace()
        .iter()
        .filter(|e| match &e.kind {
            TraceKind::Send { .. } | TraceKind::Deliver { .. } => true,
            TraceKind::Action { what } => what.contains("note"),
            _ => false,
        })
        .map(|e| (e.lamport, e.vclock.as_slice().to_vec()))
        .collect();
    // a (local) [1,0,0]; send [2,0,0]; n2 receives: max(0,2)+1 = 3, [2,1,0]; n2 sends [2,2,0] L4; n3 receives L5.
    assert_eq!(
        lv,
        vec![(1, vec![1, 0, 0]), (2, vec![2, 0, 0]), (3, vec![2, 1, 0]), (4, vec![2, 2, 0]), (5, vec![2, 2, 1])]
    );
}

#[test]
fn fault_rules_drop_delay_and_duplicate_by_send_time() {
    let m = |from, to| MsgMatch { from, to: Some(to), ..Default::default() };
    let faults = vec![
        FaultRule::Drop(MsgMatch { count: Some(1), ..m(0, 5) }),
        FaultRule::Delay { m: m(10, 11), extra: 100 },
        FaultRule::Duplicate { m: m(20, 21), copies: 2, gap: 4 },
    ];
    let s = scenario(2, vec![(0, cmd(0, 1, "ping ping")), (10, cmd(0, 1, "ping")), (20, cmd(0, 1, "ping"))], faults);
    let sim = run(&s);
    assert_eq!(
        log(&sim, 1),
        vec!["10:ping1 from 0", "30:ping0 from 0", "34:ping0 from 0", "38:ping0 from 0", "120:ping0 from 0"]
    );
}

#[test]
fn a_copy_arriving_with_its_original_comes_after_it() {
    let m = MsgMatch { from: 0, to: Some(100), ..Default::default() };
    let s = scenario(2, vec![(0, cmd(0, 1, "ping"))], vec![FaultRule::Duplicate { m, copies: 2, gap: 0 }]);
    let mut sim = run(&s);
    let dups: Vec<(u64, bool)> = sim
        .take_trace()
        .iter()
        .filter_map(|e| match e.kind {
            TraceKind::Deliver { dup, .. } => Some((e.t, dup)),
            _ => None,
        })
        .collect();
    assert_eq!(dups, vec![(10, false), (10, true), (10, true)]);
}

#[test]
fn the_viewer_can_drop_a_message_in_flight_by_id() {
    let s = scenario(2, vec![(0, cmd(0, 1, "ping ping"))], vec![]);
    let mut sim = Simulation::<Probe>::new(&s).unwrap();
    sim.advance_to(5);
    let ids: Vec<u64> = sim.snapshot().messages.iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![1, 2]);
    sim.inject(Action::DropMessage(1));
    sim.inject(Action::DropMessage(99));
    sim.run_to_end();
    assert_eq!(log(&sim, 1), vec!["10:ping1 from 0"]);
}

#[test]
fn actions_injected_after_events_at_the_same_time_wait_for_the_next_millisecond() {
    let s = scenario(2, vec![(0, cmd(0, 1, "ping"))], vec![]);
    let mut sim = Simulation::<Probe>::new(&s).unwrap();
    assert_eq!(sim.inject_time(), 0);
    sim.step(); // the action at 0
    assert_eq!(sim.inject_time(), 1);
    sim.advance_to(7);
    assert_eq!(sim.inject_time(), 7);
}

#[test]
fn snapshots_interpolate_from_send_and_delivery_times() {
    let s = scenario(2, vec![(3, cmd(0, 1, "ping"))], vec![]);
    let mut sim = Simulation::<Probe>::new(&s).unwrap();
    sim.advance_to(8);
    let snap = sim.snapshot();
    assert_eq!(snap.messages.len(), 1);
    let m = &snap.messages[0];
    assert_eq!((m.src, m.dst, m.sent_at, m.deliver_at, m.kind), (0, 1, 3, 13, "PING"));
    assert_eq!(sim.message_fields(m.id), Some(json!({"n": 0})));
}

#[test]
fn a_pause_keeps_a_link_fifo_when_it_is_extended_or_ends_as_a_message_arrives() {
    // Extended while messages wait: m1 (due 10) waits for the first end at 20, m2 (due 15) comes due after the
    // extension to 40; both are handled at 40, m1 first.
    let s = scenario(
        2,
        vec![
            (0, Action::Pause { node: 1, until: 20 }),
            (0, cmd(0, 1, "ping")),
            (5, cmd(0, 1, "note:x ping")),
            (12, Action::Pause { node: 1, until: 40 }),
        ],
        vec![],
    );
    assert_eq!(log(&run(&s), 1), vec!["40:ping0 from 0", "40:ping1 from 0"]);
    // A message arriving exactly when the pause ends comes after the one that waited.
    let s = scenario(
        2,
        vec![(0, Action::Pause { node: 1, until: 15 }), (0, cmd(0, 1, "ping")), (5, cmd(0, 1, "note:x ping"))],
        vec![],
    );
    assert_eq!(log(&run(&s), 1), vec!["15:ping0 from 0", "15:ping1 from 0"]);
}

#[test]
fn a_node_crashing_while_paused_loses_what_waited_for_it() {
    let s = scenario(
        2,
        vec![
            (0, Action::Pause { node: 1, until: 100 }),
            (0, cmd(0, 1, "ping")),
            (50, Action::Crash(1)),
            (60, Action::Recover(1)),
        ],
        vec![],
    );
    let mut sim = Simulation::<Probe>::new(&s).unwrap();
    sim.set_recording(true);
    sim.run_to_end();
    let trace = sim.take_trace();
    assert!(trace.iter().any(|e| e.t == 50 && matches!(e.kind, TraceKind::Drop { reason: DropReason::DstDown, .. })));
    assert_eq!(log(&sim, 1), Vec::<String>::new(), "nothing is delivered after recovery, and no stale resume fires");
}

#[test]
fn advancing_to_t_never_reaches_an_event_at_t_past_cancelled_timers() {
    // Raft re-arms its election timer on every heartbeat, so the queue is full of cancelled entries; skipping one
    // must not carry the kernel on into the next real event when that one is at or after the bound.
    let s = Scenario::parse(
        r#"{"format":1,"id":"bound","protocol":"raft","nodes":["a","b","c"],"params":{"clientEvery":30},
            "runUntil":2000}"#,
    )
    .expect("valid");
    for t in (1..2000).step_by(7) {
        let mut sim = Simulation::<crate::protocols::raft::Raft>::new(&s).expect("loads");
        sim.set_recording(true);
        sim.take_trace();
        sim.advance_to(t);
        assert_eq!(sim.now(), t);
        assert!(sim.take_trace().iter().all(|e| e.t < t), "an event at or after {t} was processed");
        assert!(!sim.step_before(t), "nothing is left before {t}");
        assert!(sim.next_time().is_none_or(|n| n >= t));
    }
}

#[test]
fn a_full_network_loses_new_messages_as_overflow_instead_of_growing_without_bound() {
    // Two endpoints each send a message every ms over links of 60 s: by t = 50 s the network holds its capacity.
    let s = Scenario::parse(
        r#"{"format":1,"id":"storm","protocol":"link","nodes":["A","B"],
            "params":{"RTO":null,"sendEvery":1,"latency":60000},"runUntil":58000}"#,
    )
    .expect("valid");
    let mut sim = Simulation::<crate::protocols::link::Link>::new(&s).expect("loads");
    sim.set_recording(true);
    let (mut overflow, mut peak) = (0, 0);
    while sim.next_time().is_some_and(|t| t <= 58_000) {
        sim.step();
        peak = peak.max(sim.queue.len());
        overflow += sim
            .take_trace()
            .iter()
            .filter(|e| matches!(e.kind, TraceKind::Drop { reason: DropReason::Overflow, .. }))
            .count();
    }
    // Timers are always armed, so the queue may pass the bound by the nodes' own timers (one each here).
    assert!(peak <= MAX_IN_FLIGHT + 2, "the queue held {peak} events");
    assert!(peak >= MAX_IN_FLIGHT - 10, "the network filled up ({peak})");
    // About 116,000 sends by 58 s, of which 100,000 fit.
    assert!((15_000..17_000).contains(&overflow), "{overflow} messages lost to overflow");
}

/// Raft followers re-arm their election timeout on every heartbeat, each time leaving the old queue entry behind.
/// The kernel keeps count of those stale entries exactly and sweeps them out once they outnumber the live events,
/// so the queue, and every checkpoint copied from it, stays proportional to what is really pending.
#[test]
fn stale_timer_entries_are_counted_and_swept() {
    let s = Scenario::parse(include_str!("../../scenarios/RAFT-stress.json")).unwrap();
    let mut sim = Simulation::<crate::protocols::raft::Raft>::new(&s).unwrap();
    let mut sweeps = 0;
    let mut longest = 0;
    while sim.now() < 20_000 && sim.step() {
        let live = sim.queue.len() - sim.stale;
        assert!(sim.stale <= STALE_SWEEP_MIN.max(live), "{} stale entries beside {live} live ones", sim.stale);
        longest = longest.max(sim.queue.len());
        let stale_now = sim
            .queue
            .iter_keyed()
            .filter(|(k, e)| matches!(e, EvKind::Timer { node, timer } if !timer_live(&sim.nodes[*node], timer, k.2)))
            .count();
        assert_eq!(stale_now, sim.stale, "the count is exact at t = {}", sim.now());
        if stale_now == 0 {
            sweeps += 1;
        }
    }
    assert!(sweeps > 100, "the sweep ran ({sweeps} times)");
    assert!(longest < 2_000, "the queue stayed short: at most {longest} entries (without the sweep: over 5,000)");
}

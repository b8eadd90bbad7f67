//! Throughput of the fencing and quorum protocols: their canonical scenarios, a long busy run of each, and the
//! long soaks (50,000 random fault schedules per protocol, every invariant on).
//!
//! Run with `cargo bench -p netsplit-core --bench fencing_quorum`.

use divan::counter::ItemsCount;
use divan::Bencher;
use netsplit_core::explore::{soak, Budget, FaultKind};
use netsplit_core::protocol::Protocol;
use netsplit_core::protocols::fencing::Fencing;
use netsplit_core::protocols::quorum::Quorum;
use netsplit_core::rng::Rng;
use netsplit_core::run::load;
use netsplit_core::scenario::{Action, Scenario, Scheduled};
use netsplit_core::sim::Simulation;
use serde_json::{json, Value};

fn main() {
    divan::main()
}

fn preset(id: &str) -> Scenario {
    netsplit_core::presets::by_id(id).cloned().expect("preset exists")
}

fn events_of(s: &Scenario) -> u64 {
    let mut r = load(s).unwrap();
    r.run_to_end();
    r.events()
}

#[divan::bench(args = ["CLK-3", "CLK-3-fenced", "FEN-jump", "QRM-1-A", "QRM-2", "QRM-3-repair"])]
fn scenario(b: Bencher<'_, '_>, id: &str) {
    let s = preset(id);
    b.counter(ItemsCount::new(events_of(&s))).bench(|| events_of(&s));
}

/// A scenario with a client action every `every` ms for `until` ms.
fn busy<P: Protocol>(doc: Value, until: u64, every: u64) -> Scenario {
    let mut s = Scenario::from_value(&doc).unwrap();
    let mut rng = Rng::stream(7, 1);
    let mut t = 0;
    while t < until {
        if let Some(a) = P::random_action(&mut rng, &s, t) {
            s.schedule.push(Scheduled { at: t, action: a });
        }
        t += every;
    }
    s
}

fn fencing_busy(fenced: bool, until: u64) -> Scenario {
    busy::<Fencing>(
        json!({"format": 1, "id": "busy-fencing", "protocol": "fencing",
               "nodes": ["LS", "c1", "c2", "c3", "c4", "c5", "c6", "St"],
               "params": {"TTL": 100, "fenced": fenced}, "runUntil": until}),
        until,
        5,
    )
}

fn quorum_busy(replicas: usize, w: u64, r: u64, until: u64, every: u64) -> Scenario {
    let nodes: Vec<String> =
        std::iter::once("App".to_string()).chain((1..=replicas).map(|i| format!("db{i}"))).collect();
    let mut s = busy::<Quorum>(
        json!({"format": 1, "id": "busy-quorum", "protocol": "quorum", "nodes": nodes,
               "params": {"W": w, "R": r}, "runUntil": until}),
        until,
        every,
    );
    // Writes one after the other (so that R + W > N promises regular reads), reads at random.
    s.schedule.retain(|e| matches!(e.action, Action::QuorumRead { .. }));
    for (k, t) in (0..until).step_by(100).enumerate() {
        let key = if k % 2 == 0 { "r1" } else { "r2" };
        s.schedule.push(Scheduled {
            at: t,
            action: Action::QuorumWrite { client: "u0".into(), key: key.into(), value: json!(k) },
        });
    }
    s
}

/// One minute of simulated time with a client action every 5 ms.
#[divan::bench]
fn fencing_busy_minute(b: Bencher<'_, '_>) {
    let s = fencing_busy(true, 60_000);
    b.counter(ItemsCount::new(events_of(&s))).bench(|| events_of(&s));
}

/// One minute of simulated time, five replicas, W = R = 3, a read every 5 ms and a write every 100 ms.
#[divan::bench]
fn quorum_busy_minute(b: Bencher<'_, '_>) {
    let s = quorum_busy(5, 3, 3, 60_000, 5);
    b.counter(ItemsCount::new(events_of(&s))).bench(|| events_of(&s));
}

const SOAK_RUNS: u64 = 50_000;

fn budget() -> Budget {
    let mut b = Budget::new(&FaultKind::ALL, 30, 2500);
    b.max_outage = 600;
    b
}

fn ok<P: Protocol>(_: &Simulation<P>) -> Result<(), String> {
    Ok(())
}

/// 50,000 random fault schedules against the fenced storage: FT-1 and FT-2 must hold in every one.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn fencing_soak_50k(b: Bencher<'_, '_>) {
    let mut base = fencing_busy(true, 3000);
    base.schedule.retain(|e| e.at < 2700);
    b.counter(ItemsCount::new(SOAK_RUNS)).bench(|| {
        let r = soak::<Fencing>(&base, &budget(), 0..SOAK_RUNS, 2, false, &ok::<Fencing>);
        println!("fencing (fenced): {}", r.summary());
        assert!(r.first.is_none(), "{}", r.explain_first());
        r.events
    });
}

/// 50,000 random fault schedules with W = 2, R = 2, N = 3 (a read every 15 ms, a write every 100 ms): Q-Regular
/// must hold in every one.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn quorum_soak_50k(b: Bencher<'_, '_>) {
    let mut base = quorum_busy(3, 2, 2, 3000, 15);
    base.schedule.retain(|e| e.at < 2700);
    b.counter(ItemsCount::new(SOAK_RUNS)).bench(|| {
        let r = soak::<Quorum>(&base, &budget(), 0..SOAK_RUNS, 2, false, &ok::<Quorum>);
        println!("quorum W=2 R=2 N=3: {}", r.summary());
        assert!(r.first.is_none(), "{}", r.explain_first());
        r.events
    });
}

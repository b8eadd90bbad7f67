//! Property tests: no input can panic the parser, and no valid scenario can panic the simulator.

use netsplit_core::explore::{Budget, FaultKind};
use netsplit_core::presets;
use netsplit_core::run::load;
use netsplit_core::scenario::Scenario;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Keys the format knows, so random documents reach deep validation paths instead of failing at the first key.
const KEYS: &[&str] = &[
    "format",
    "id",
    "protocol",
    "nodes",
    "seed",
    "params",
    "clocks",
    "schedule",
    "faults",
    "runUntil",
    "expect",
    "at",
    "partition",
    "heal",
    "crash",
    "recover",
    "pause",
    "node",
    "until",
    "drop",
    "delay",
    "duplicate",
    "crashOn",
    "src",
    "dst",
    "type",
    "from",
    "to",
    "count",
    "extra",
    "copies",
    "gap",
    "effect",
    "phase",
    "match",
    "record",
    "send",
    "payload",
    "RTO",
    "dedup",
    "latency",
    "jitter",
    "loss",
    "offset",
    "drift",
    "clockJump",
    "delta",
    "setClock",
    "setNetwork",
    "dropMessage",
    "violations",
    "invariant",
    "timeline",
    "app",
    "liveness",
    "K",
    "dawn",
];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(|f| json!(f)),
        (0u64..2000).prop_map(Value::from),
        prop::sample::select(vec![
            "A",
            "B",
            "n1",
            "link",
            "generals",
            "raft",
            "DATA",
            "ACK",
            "persist",
            "send",
            "before",
            "after",
            "",
            "x".repeat(300).leak()
        ])
        .prop_map(|s: &str| Value::from(s)),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map<_, _>>())),
        ]
    })
}

/// Replaces the value at a pseudo-random path of `doc` with `new`.
fn mutate(doc: &mut Value, pick: u64, new: Value) {
    let deeper = pick % 3 != 0
        && match doc {
            Value::Object(m) => !m.is_empty(),
            Value::Array(a) => !a.is_empty(),
            _ => false,
        };
    if !deeper {
        *doc = new;
        return;
    }
    let i = (pick / 3) as usize;
    match doc {
        Value::Object(m) => {
            let k = m.keys().nth(i % m.len()).unwrap().clone();
            mutate(m.get_mut(&k).unwrap(), pick / 7, new);
        }
        Value::Array(a) => {
            let n = a.len();
            mutate(&mut a[i % n], pick / 7, new);
        }
        _ => unreachable!("checked above"),
    }
}

fn run_briefly(s: &mut Scenario) {
    s.run_until = s.run_until.min(3_000);
    if let Ok(mut r) = load(s) {
        r.run_to_end();
        let _ = r.report();
        let _ = r.snapshot();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_the_parser(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = Scenario::parse(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_json_never_panics_the_parser(v in value()) {
        let _ = Scenario::from_value(&v);
        let mut doc = json!({"format": 1, "id": "p", "protocol": "link", "nodes": ["A", "B"], "runUntil": 100});
        doc["schedule"] = json!([v.clone()]);
        let _ = Scenario::from_value(&doc);
        doc["schedule"] = json!([]);
        doc["faults"] = json!([v.clone()]);
        let _ = Scenario::from_value(&doc);
        doc["faults"] = json!([]);
        doc["params"] = v;
        let _ = Scenario::from_value(&doc);
    }

    #[test]
    fn mutated_presets_never_panic(which in any::<prop::sample::Index>(), pick in any::<u64>(), new in value()) {
        let (_, text) = presets::ALL[which.index(presets::ALL.len())];
        let mut doc: Value = serde_json::from_str(text).unwrap();
        mutate(&mut doc, pick, new);
        if let Ok(mut s) = Scenario::from_value(&doc) {
            run_briefly(&mut s);
        }
    }

    #[test]
    fn valid_random_schedules_never_panic_the_simulator(which in any::<prop::sample::Index>(), seed in any::<u64>(),
                                                        faults in 1usize..12, kinds in prop::collection::vec(any::<prop::sample::Index>(), 1..5)) {
        let s = presets::parsed();
        let base = &s[which.index(s.len())];
        let kinds: Vec<FaultKind> = kinds.iter().map(|k| FaultKind::ALL[k.index(FaultKind::ALL.len())]).collect();
        let b = Budget::new(&kinds, faults, base.run_until);
        let mut sc = netsplit_core::run::random_for(base, &b, seed).unwrap();
        // The generated document must also be valid as a file: serialise, parse, run.
        let text = serde_json::to_string(&sc.to_json()).unwrap();
        let parsed = Scenario::parse(&text);
        prop_assert!(parsed.is_ok(), "generated scenario does not parse: {:?}\n{}", parsed.err(), text);
        run_briefly(&mut sc);
    }
}

#[test]
fn oversized_documents_are_refused_with_a_clear_error() {
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(2 << 20));
    let e = Scenario::parse(&big).unwrap_err().to_string();
    assert!(e.contains("1 MiB"), "{e}");
}

/// Titles and descriptions are free text (scenario-format.md): empty means none, and only a hostile length is refused.
#[test]
fn titles_and_descriptions_are_free_text() {
    let doc = |title: &str, description: &str| {
        format!(
            r#"{{"format":1,"id":"x","protocol":"link","nodes":["A","B"],"runUntil":10,"title":{title:?},"description":{description:?}}}"#
        )
    };
    let s = Scenario::parse(&doc("", "")).unwrap();
    assert_eq!((s.title, s.description), (None, None));
    let long = "a long story. ".repeat(500);
    let s = Scenario::parse(&doc(&"t".repeat(300), &long)).unwrap();
    assert_eq!(s.description.as_deref(), Some(long.as_str()));
    let e = Scenario::parse(&doc(&"t".repeat(1001), "")).unwrap_err().to_string();
    assert!(e.starts_with("title: is longer than 1000 characters"), "{e}");
}

#[test]
fn errors_name_the_json_path() {
    let cases = [
        (
            r#"{"format":1,"id":"x","protocol":"link","nodes":["A","B"],"runUntil":10,"schedule":[{"at":0,"crash":"Z"}]}"#,
            "schedule[0].crash: unknown node \"Z\"",
        ),
        (
            r#"{"format":1,"id":"x","protocol":"link","nodes":["A","B"],"runUntil":10,"schedule":[{"at":0,"crsh":"A"}]}"#,
            "schedule[0]: unknown action \"crsh\"",
        ),
        (
            r#"{"format":1,"id":"x","protocol":"link","nodes":["A","B"],"runUntil":10,"colour":1}"#,
            "colour: unknown field",
        ),
        (r#"{"format":2,"id":"x","protocol":"link","nodes":["A","B"],"runUntil":10}"#, "format: unsupported version 2"),
        (
            r#"{"format":1,"id":"x","protocol":"link","nodes":["A","B"],"runUntil":-5}"#,
            "runUntil: must not be negative",
        ),
        (r#"{"format":1,"id":"x","protocol":"link","nodes":["A","A"],"runUntil":5}"#, "nodes[1]: duplicate node id"),
        (
            r#"{"format":1,"id":"x","protocol":"link","nodes":["A","B"],"runUntil":5,"params":{"RTO":"soon"}}"#,
            "params.RTO: expected a whole number",
        ),
        (
            r#"{"format":1,"id":"x","protocol":"link","nodes":["A","B","C"],"runUntil":5}"#,
            "nodes: link needs exactly 2 nodes",
        ),
        (
            r#"{"format":1,"id":"x","protocol":"link","nodes":["A","B"],"runUntil":5,"faults":[{"drop":{"type":"DTA"}}]}"#,
            "faults[0].drop.type: link has no message type \"DTA\"",
        ),
        (
            r#"{"format":1,"id":"x","protocol":"generals","nodes":["A","B"],"runUntil":5,"schedule":[{"at":1,"client":{"node":"A","cmd":"x"}}]}"#,
            "schedule[0].client: action \"client\" does not apply to protocol generals",
        ),
        (
            r#"{"format":1,"id":"x","protocol":"link","nodes":["A","B"],"runUntil":5,"clocks":{"A":{"drift":9000000}}}"#,
            "clocks.A.drift: 9000000 is out of range",
        ),
        (
            // The one value whose absolute value does not fit an i64.
            r#"{"format":1,"id":"x","protocol":"link","nodes":["A","B"],"runUntil":5,"clocks":{"A":{"offset":-9223372036854775808}}}"#,
            "clocks.A.offset: -9223372036854775808 is out of range",
        ),
    ];
    for (doc, want) in cases {
        let e = Scenario::parse(doc).unwrap_err().to_string();
        assert!(e.starts_with(want), "{doc}\n  got:  {e}\n  want: {want}…");
    }
}

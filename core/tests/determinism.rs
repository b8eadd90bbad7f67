//! Determinism: every scenario gives the same trace hash twice, and the hashes equal the golden file that the
//! browser test (web/tests/determinism.rs) also checks, so native and wasm runs agree.
//!
//! After an intended change to the trace, regenerate the golden file with `NETSPLIT_BLESS=1 cargo test
//! -p netsplit-core --test determinism`.

use netsplit_core::presets;
use netsplit_core::run::load;
use netsplit_core::scenario::Scenario;
use std::collections::BTreeMap;

const GOLDEN: &str = "tests/golden/trace-hashes.json";

fn hash_of(s: &Scenario) -> String {
    let mut r = load(s).unwrap();
    r.run_to_end();
    r.report()["traceHash"].as_str().unwrap().to_string()
}

#[test]
fn every_scenario_hashes_the_same_twice_and_matches_the_golden_file() {
    let mut hashes = BTreeMap::new();
    for (file, text) in presets::ALL {
        let s = Scenario::parse(text).unwrap();
        let a = hash_of(&s);
        let b = hash_of(&s);
        assert_eq!(a, b, "{file}: two runs differ");
        hashes.insert(file.to_string(), a);
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    let current = serde_json::to_string_pretty(&hashes).unwrap() + "\n";
    if std::env::var_os("NETSPLIT_BLESS").is_some() {
        std::fs::write(&path, &current).unwrap();
        return;
    }
    let golden = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        golden, current,
        "trace hashes changed; if intended, run NETSPLIT_BLESS=1 cargo test -p netsplit-core --test determinism"
    );
}

#[test]
fn the_seed_changes_randomised_runs_and_only_the_seed() {
    let doc = |seed: u64| {
        format!(
            r#"{{"format":1,"id":"j","protocol":"link","nodes":["A","B"],"seed":{seed},
               "params":{{"sendEvery":5,"jitter":9,"loss":0.1}},"runUntil":500}}"#
        )
    };
    let h = |seed| hash_of(&Scenario::parse(&doc(seed)).unwrap());
    assert_eq!(h(1), h(1));
    assert_ne!(h(1), h(2));
}

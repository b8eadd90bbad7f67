//! Scenario conformance: every scenario in `core/scenarios/` meets its `expect` block (what `netsplit check`
//! does), and every one has an `expect` block.

use netsplit_core::presets;
use netsplit_core::run::run_scenario;
use netsplit_core::scenario::Scenario;

#[test]
fn every_canonical_scenario_meets_its_expectations() {
    let mut failures = Vec::new();
    assert!(!presets::ALL.is_empty());
    for (file, text) in presets::ALL {
        let s = Scenario::parse(text).unwrap_or_else(|e| panic!("{file}.json is invalid: {e}"));
        assert_eq!(&s.id, file, "{file}.json: the id should match the file name");
        assert!(s.expect.is_some(), "{file}.json has no expect block");
        let report = run_scenario(&s).unwrap();
        if report["expect"]["ok"] != true {
            failures.push(format!("{file}: {}", report["expect"]["mismatches"]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every timeline entry is `{at, node, kind, ...}` (scenario-format.md), the network's own with a null node.
#[test]
fn every_timeline_entry_has_at_node_and_kind() {
    let s = presets::by_id("RAFT-3").expect("RAFT-3 is a preset");
    let report = run_scenario(s).unwrap();
    let timeline = report["timeline"].as_array().unwrap();
    for e in timeline {
        for key in ["at", "node", "kind"] {
            assert!(e.get(key).is_some(), "{e} has no {key}");
        }
    }
    let partition = timeline.iter().find(|e| e["kind"] == "partition").expect("RAFT-3 partitions");
    assert_eq!(partition["node"], serde_json::Value::Null);
}

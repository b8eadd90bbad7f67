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

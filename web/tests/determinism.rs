//! The simulator gives the same trace hashes in the browser as natively: every preset is run in wasm and its
//! hash compared with the golden file that the native determinism test checks.
#![cfg(target_arch = "wasm32")]

use netsplit_core::presets;
use netsplit_core::run::load;
use netsplit_core::scenario::Scenario;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const GOLDEN: &str = include_str!("../../core/tests/golden/trace-hashes.json");

#[wasm_bindgen_test]
fn every_preset_hashes_in_wasm_exactly_as_natively() {
    let golden: serde_json::Value = serde_json::from_str(GOLDEN).unwrap();
    assert_eq!(golden.as_object().unwrap().len(), presets::ALL.len(), "the golden file covers every preset");
    for (file, text) in presets::ALL {
        let s = Scenario::parse(text).unwrap();
        let mut r = load(&s).unwrap();
        r.run_to_end();
        assert_eq!(netsplit_core::hash::hex(r.trace_hash()), golden[*file].as_str().unwrap(), "{file}");
    }
}

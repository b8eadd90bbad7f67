//! The guided tours checked in the browser, with the same checks as the native `core/tests/guide_data.rs`: every
//! step's preset exists, its moment is within the run and between events, its highlighted nodes and message types
//! are on screen, and its narration is written in both languages.
#![cfg(target_arch = "wasm32")]

use netsplit_web::guide;
use wasm_bindgen_test::*;

#[path = "../../core/tests/common/guide_checks.rs"]
mod guide_checks;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn every_step_matches_its_preset_and_is_written_in_both_languages() {
    guide_checks::assert_guide_is_sound();
}

#[wasm_bindgen_test]
fn chapters_are_in_the_order_of_the_requirement() {
    let ids: Vec<&str> = guide::chapters::CHAPTERS.iter().map(|c| c.id).collect();
    assert_eq!(ids.first(), Some(&"generals"));
    assert_eq!(ids.last(), Some(&"quorums"));
}

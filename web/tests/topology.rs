//! The cluster drawing's choices that can be checked without painting: which message labels are drawn.
#![cfg(target_arch = "wasm32")]

use netsplit_core::layout::Point;
use netsplit_web::components::topology::message_labels;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn label(x: f64, y: f64, text: &str) -> (Point, String) {
    (Point { x, y }, text.to_string())
}

#[wasm_bindgen_test]
fn a_broadcasts_labels_do_not_pile_up_and_the_preferred_one_always_shows() {
    // Fifteen RequestVotes a few units apart as they leave a candidate: one label, the first wanted.
    let burst: Vec<(Point, String)> =
        (0..15).map(|k| label(300.0 + k as f64, 100.0 + k as f64 * 0.5, "RequestVote t1")).collect();
    assert_eq!(message_labels(&burst), vec![0]);
    // The selected message is passed first: it wins even inside the burst.
    let mut with_selected = vec![label(307.0, 103.0, "AE 3..4")];
    with_selected.extend(burst);
    assert_eq!(message_labels(&with_selected), vec![0]);
    // Labels well apart, across or down, are all drawn.
    let apart = vec![
        label(100.0, 100.0, "RequestVote t1"),
        label(300.0, 100.0, "RequestVote t1"),
        label(100.0, 120.0, "vote yes t1"),
    ];
    assert_eq!(message_labels(&apart), vec![0, 1, 2]);
}

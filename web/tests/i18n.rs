//! The string table: every key unique and translated; browser language tags pick the language.
#![cfg(target_arch = "wasm32")]

use netsplit_web::i18n::{tr, Lang, STRINGS};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn every_key_is_unique_and_translated() {
    let mut keys: Vec<&str> = STRINGS.iter().map(|e| e.0).collect();
    keys.sort_unstable();
    let n = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), n, "duplicate keys");
    for (k, en, ko) in STRINGS {
        assert!(!en.is_empty() && !ko.is_empty(), "{k} lacks a translation");
        assert_eq!(tr(Lang::En, k), *en);
        assert_eq!(tr(Lang::Ko, k), *ko);
    }
}

#[wasm_bindgen_test]
fn browser_tags_pick_the_language() {
    assert_eq!(Lang::from_tag("ko-KR"), Lang::Ko);
    assert_eq!(Lang::from_tag("en-US"), Lang::En);
    assert_eq!(Lang::from_tag("fr"), Lang::En);
}

#[wasm_bindgen_test]
fn every_invariant_of_every_protocol_reads_in_korean() {
    use netsplit_web::i18n::invariant_summary;
    let mut checked = 0;
    for s in netsplit_core::presets::parsed() {
        let run = netsplit_core::run::load(s).expect("presets load");
        for inv in run.invariants() {
            let ko = invariant_summary(Lang::Ko, inv.summary);
            assert!(ko.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c)), "{} ({}): {ko}", inv.id, s.protocol);
            assert_eq!(invariant_summary(Lang::En, inv.summary), inv.summary);
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked} invariants checked");
}

#[wasm_bindgen_test]
fn role_words_read_in_korean_and_unknown_labels_pass_through() {
    use netsplit_web::i18n::{role, ROLES};
    for (en, ko) in ROLES {
        assert_eq!(role(Lang::Ko, en), *ko);
        assert_eq!(role(Lang::En, en), *en);
    }
    assert_eq!(role(Lang::Ko, "PREPARED"), "PREPARED");
}

#[wasm_bindgen_test]
fn roles_with_a_value_in_them_read_in_korean_and_keep_the_value() {
    use netsplit_web::i18n::role;
    for (en, ko) in [
        ("holds lease #3", "리스 #3 보유"),
        ("lease #1 over (own clock)", "리스 #1 만료 (자기 시계)"),
        ("lock service: #2 granted to c2", "잠금 서비스: #2 → c2"),
        ("waiting, request (1,P2)", "대기 중, 요청 (1,P2)"),
        ("4 unacked", "미확인 4개"),
    ] {
        assert_eq!(role(Lang::Ko, en), ko);
        assert_eq!(role(Lang::En, en), en);
    }
    // A value must be there: the bare words are not a role the patterns know.
    assert_eq!(role(Lang::Ko, " unacked"), " unacked");
}

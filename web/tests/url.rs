//! Numbers read from the page address and from the fields of the panels.
#![cfg(target_arch = "wasm32")]

use netsplit_web::i18n::Lang;
use netsplit_web::{number, url};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn a_field_reads_as_the_number_a_person_typed() {
    assert_eq!(number("0.01"), Some(0.01));
    assert_eq!(number(" 250 "), Some(250.0));
    assert_eq!(number("-3.5e2"), Some(-350.0));
    assert_eq!(number("1e-3"), Some(0.001));
    // An emptied field is no number, not zero; neither is text, infinity or NaN.
    for bad in ["", "   ", "abc", "12abc", "Infinity", "1e400", "NaN"] {
        assert_eq!(number(bad), None, "{bad:?}");
    }
}

#[wasm_bindgen_test]
fn the_link_sets_speed_and_the_embedded_window() {
    let l = url::parse("?speed=0.05&embed=1&start=1500&end=4000.5", "", None, Lang::En);
    assert_eq!(l.speed, Some(0.05));
    let e = l.embed.expect("embed mode");
    assert_eq!((e.start, e.end), (1500.0, Some(4000.5)));
    // Values that are not numbers, or out of range, are ignored rather than read as zero.
    let l = url::parse("?speed=fast&embed=1&start=-5&end=", "", None, Lang::En);
    assert_eq!(l.speed, None);
    let e = l.embed.expect("embed mode");
    assert_eq!((e.start, e.end), (0.0, None));
    // ... and each is named in the notice, so that whoever wrote the link can fix it.
    let notice = l.notice.expect("a notice");
    for part in ["speed=\"fast\"", "start=\"-5\"", "end=\"\""] {
        assert!(notice.contains(part), "{part} in {notice}");
    }
}

#[wasm_bindgen_test]
fn unusable_views_themes_and_languages_are_named_and_the_rest_applies() {
    let l = url::parse("?views=diagram,foo&theme=neon&lang=fr&utm_source=blog", "", None, Lang::Ko);
    let notice = l.notice.expect("a notice");
    for part in ["\"foo\"", "theme=\"neon\"", "lang=\"fr\""] {
        assert!(notice.contains(part), "{part} in {notice}");
    }
    assert!(!notice.contains("utm_source"), "parameters of other pages are left alone: {notice}");
    assert!(l.views.diagram && !l.views.cluster, "the usable view still applies");
    let good = url::parse("?views=cluster&theme=dark&lang=ko&speed=2&embed&start=0&end=500", "", None, Lang::En);
    assert_eq!(good.notice, None);
}

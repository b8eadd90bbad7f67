//! The guided tours' data (`web/src/guide`, plain Rust with no web dependency) checked natively against the
//! presets: see `common/guide_checks.rs`. The browser runs the same checks in `web/tests/guide.rs`.

#[path = "../../web/src/guide/mod.rs"]
#[allow(dead_code)]
mod guide;

#[path = "common/guide_checks.rs"]
mod guide_checks;

#[test]
fn every_step_matches_its_preset_and_is_written_in_both_languages() {
    guide_checks::assert_guide_is_sound();
}

#[test]
fn the_checks_catch_mistakes() {
    use guide::{Chapter, Narration, Step, Text};
    static BAD: &[Chapter] = &[
        Chapter {
            id: "Bad Id",
            title: Text { en: "", ko: "x" },
            steps: &[Step { scenario: "NET-2", until: 40, nodes: &["Z"], messages: &["VOTE"] }],
        },
        Chapter {
            id: "Bad Id",
            title: Text { en: "t", ko: "제목" },
            steps: &[Step { scenario: "NO-SUCH", until: 1, nodes: &[], messages: &[] }],
        },
        Chapter {
            id: "unnarrated",
            title: Text { en: "t", ko: "제목" },
            steps: &[Step { scenario: "NET-2", until: 41, nodes: &[], messages: &[] }],
        },
    ];
    let en = Narration::parse(r#"{"Bad Id": ["One. Two. Three. Four. Five."], "extra": ["Fine."]}"#).unwrap();
    let ko = Narration::parse(r#"{"Bad Id": ["English only.", "좋습니다."]}"#).unwrap();
    let p = guide_checks::problems_in(BAD, &en, &ko);
    let has = |needle: &str| p.iter().any(|l| l.contains(needle));
    assert!(has("not lowercase-kebab"), "{p:#?}");
    assert!(has("used twice"), "{p:#?}");
    assert!(has("empty text"), "{p:#?}");
    assert!(has("5 sentences"), "{p:#?}");
    assert!(has("no Korean"), "{p:#?}");
    assert!(has("node \"Z\""), "{p:#?}");
    assert!(has("message type \"VOTE\""), "{p:#?}");
    assert!(has("exactly at until"), "{p:#?}");
    assert!(has("no preset \"NO-SUCH\""), "{p:#?}");
    assert!(has("no English narration"), "{p:#?}");
    assert!(has("\"extra\", which is no chapter"), "{p:#?}");
    assert!(has("ko narration has 2 texts for \"Bad Id\""), "{p:#?}");
}

#[test]
fn sentences_are_counted_like_a_reader_would() {
    assert_eq!(guide_checks::sentences("A costs 1,000 won. B is \"OK.\" C?"), 3);
    assert_eq!(guide_checks::sentences("n1..n5 at t=1.5 ms (see below)."), 1);
    assert_eq!(guide_checks::sentences("둘 다 공격합니다. 끝."), 2);
}

#[test]
fn a_malformed_narration_file_is_refused_with_what_is_wrong() {
    use guide::{Narration, MAX_NARRATION_BYTES};
    let err = |text: &str| Narration::parse(text).expect_err(text);
    assert!(err("[\"x\"]").contains("must be an object"));
    assert!(err("{\"generals\": \"x\"}").contains("\"generals\" must be an array"));
    assert!(err("{\"generals\": [\"x\", 3]}").contains("\"generals\"[1] is not a string"));
    assert!(err("{\"generals\": [").contains("not JSON"));
    assert!(err(&" ".repeat(MAX_NARRATION_BYTES + 1)).contains("more than"));
    let n = Narration::parse("{\"generals\": [\"One.\", \"Two.\"]}").unwrap();
    assert_eq!(n.step("generals", 1), Some("Two."));
    assert_eq!(n.step("generals", 2), None);
    assert_eq!(n.steps("generals"), 2);
}

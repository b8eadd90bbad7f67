//! Checks on the guided tours (`web/src/guide`), shared by the native test `core/tests/guide_data.rs` and the
//! browser test `web/tests/guide.rs`. Both make the guide module reachable as `crate::guide`.
//!
//! Every step is checked against its preset, played exactly as the player plays to a moment: its scenario exists,
//! `until` is within the run, no event falls exactly on `until` (so the screen does not depend on whether events at
//! that instant count), every highlighted node exists, and every highlighted message type is on screen at `until`
//! (in flight, or in the trace so far). Every step has narration in both languages (and the narration files no
//! texts beyond the steps), texts are non-empty, Korean text is Korean, and narration
//! stays within four sentences.

use crate::guide::chapters::CHAPTERS;
use crate::guide::{Chapter, Narration};
use netsplit_core::presets;
use netsplit_core::run::load;
use netsplit_core::scenario::Scenario;
use netsplit_core::trace::TraceKind;
use std::collections::{BTreeMap, BTreeSet};

/// Most sentences a narration may have.
pub const MAX_SENTENCES: usize = 4;

/// What the screen holds at one moment of a preset.
struct Moment {
    /// Message types sent, delivered or dropped so far, or in flight now.
    kinds: BTreeSet<&'static str>,
    /// Whether some event happened exactly at the moment.
    event_at: bool,
}

/// Plays `s` to `until` as the player does (every event at or before `until`) and looks at the screen.
fn moment(s: &Scenario, until: u64) -> Moment {
    let mut run = load(s).expect("presets load");
    run.set_recording(true);
    let mut trace = run.take_trace();
    while run.next_time().is_some_and(|t| t <= until) {
        run.step();
        trace.extend(run.take_trace());
    }
    let mut kinds = BTreeSet::new();
    let mut event_at = false;
    for e in &trace {
        event_at |= e.t == until;
        match &e.kind {
            TraceKind::Send { msg, .. } | TraceKind::Deliver { msg, .. } | TraceKind::Drop { msg, .. } => {
                kinds.insert(*msg);
            }
            _ => {}
        }
    }
    kinds.extend(run.snapshot().messages.iter().map(|m| m.kind));
    Moment { kinds, event_at }
}

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

/// Sentences in a narration: sentence-ending punctuation followed (after closing quotes or brackets) by a space or
/// the end of the text.
pub fn sentences(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let mut n = 0;
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, '.' | '!' | '?') {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j], '"' | '\'' | ')' | '”' | '’') {
                j += 1;
            }
            if j == chars.len() || chars[j].is_whitespace() {
                n += 1;
            }
        }
    }
    n
}

/// The shipped narration files.
pub const NARRATION_EN: &str = include_str!("../../../web/guide/en.json");
/// The shipped narration files.
pub const NARRATION_KO: &str = include_str!("../../../web/guide/ko.json");

fn check_text(what: &str, en: &str, ko: &str, narration: bool, out: &mut Vec<String>) {
    if en.trim().is_empty() || ko.trim().is_empty() {
        out.push(format!("{what}: empty text (en {en:?}, ko {ko:?})"));
        return;
    }
    if en.chars().any(is_hangul) {
        out.push(format!("{what}: English text contains Korean"));
    }
    if !ko.chars().any(is_hangul) {
        out.push(format!("{what}: Korean text has no Korean in it"));
    }
    for (lang, s) in [("en", en), ("ko", ko)] {
        if s != s.trim() || s.contains("  ") {
            out.push(format!("{what} ({lang}): stray whitespace"));
        }
        if narration {
            let n = sentences(s);
            if !(1..=MAX_SENTENCES).contains(&n) {
                out.push(format!("{what} ({lang}): {n} sentences, want 1 to {MAX_SENTENCES}"));
            }
        }
    }
}

/// Every problem found in `chapters` and their narration, one line each.
pub fn problems_in(chapters: &[Chapter], en: &Narration, ko: &Narration) -> Vec<String> {
    let mut out = Vec::new();
    for (lang, n) in [("en", en), ("ko", ko)] {
        for id in n.chapter_ids() {
            match chapters.iter().find(|c| c.id == id) {
                None => out.push(format!("{lang} narration has texts for {id:?}, which is no chapter")),
                Some(c) if n.steps(id) != c.steps.len() => out.push(format!(
                    "{lang} narration has {} texts for {id:?}, which has {} steps",
                    n.steps(id),
                    c.steps.len()
                )),
                Some(_) => {}
            }
        }
    }
    let presets: BTreeMap<&str, Scenario> = presets::ALL
        .iter()
        .map(|(stem, text)| (*stem, Scenario::parse(text).unwrap_or_else(|e| panic!("preset {stem}: {e:?}"))))
        .collect();
    if chapters.is_empty() {
        out.push("no chapters".into());
    }
    let mut ids = BTreeSet::new();
    for ch in chapters {
        if ch.id.is_empty() || !ch.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            out.push(format!("chapter id {:?} is not lowercase-kebab", ch.id));
        }
        if !ids.insert(ch.id) {
            out.push(format!("chapter id {:?} is used twice", ch.id));
        }
        check_text(&format!("{} title", ch.id), ch.title.en, ch.title.ko, false, &mut out);
        if ch.steps.is_empty() {
            out.push(format!("{}: no steps", ch.id));
        }
        for (i, st) in ch.steps.iter().enumerate() {
            let what = format!("{} step {} ({} @ {})", ch.id, i + 1, st.scenario, st.until);
            match (en.step(ch.id, i), ko.step(ch.id, i)) {
                (Some(e), Some(k)) => check_text(&what, e, k, true, &mut out),
                (e, _) => out.push(format!("{what}: no {} narration", if e.is_none() { "English" } else { "Korean" })),
            }
            let Some(s) = presets.get(st.scenario) else {
                out.push(format!("{what}: no preset {:?}", st.scenario));
                continue;
            };
            if s.id != st.scenario {
                out.push(format!("{what}: the preset's id is {:?}, not its file stem", s.id));
            }
            if st.until > s.run_until {
                out.push(format!("{what}: until is past the preset's runUntil {}", s.run_until));
            }
            for n in st.nodes {
                if !s.nodes.iter().any(|x| x == n) {
                    out.push(format!("{what}: highlighted node {n:?} is not in the scenario {:?}", s.nodes));
                }
            }
            if st.nodes.iter().collect::<BTreeSet<_>>().len() != st.nodes.len() {
                out.push(format!("{what}: a highlighted node is listed twice"));
            }
            let m = moment(s, st.until);
            if m.event_at {
                out.push(format!("{what}: an event happens exactly at until; pick a moment between events"));
            }
            for k in st.messages {
                if !m.kinds.contains(k) {
                    out.push(format!("{what}: highlighted message type {k:?} is not on screen (seen: {:?})", m.kinds));
                }
            }
        }
    }
    out
}

/// Every problem found in the guide's chapters.
pub fn problems() -> Vec<String> {
    let en = Narration::parse(NARRATION_EN).expect("web/guide/en.json reads");
    let ko = Narration::parse(NARRATION_KO).expect("web/guide/ko.json reads");
    problems_in(CHAPTERS, &en, &ko)
}

/// Panics with every problem found.
pub fn assert_guide_is_sound() {
    let p = problems();
    assert!(p.is_empty(), "{} problem(s) in the guide:\n{}", p.len(), p.join("\n"));
}

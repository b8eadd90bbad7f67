//! Guided tours: chapters of steps, each with narration in English and Korean, a scenario played up to a moment,
//! and the nodes and message types to highlight. "Try it yourself" opens the sandbox at that moment.
//!
//! The steps (`chapters.rs`) are compiled in; their narration is not. It lives in `web/guide/<lang>.json` (chapter
//! id to the steps' texts, in step order), which the site ships beside the page and the guide fetches, one language,
//! when it first opens: the narration is a quarter of the data the page would otherwise load before its first
//! render, for a panel many visits never open. The checks in `core/tests/common/guide_checks.rs` keep the two in
//! step (same chapters, one text per step, both languages).

pub mod chapters;

/// A text in both languages.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Text {
    /// English.
    pub en: &'static str,
    /// Korean.
    pub ko: &'static str,
}

/// One step of a chapter (its narration is in [`Narration`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    /// The preset (file stem in core/scenarios) this step plays.
    pub scenario: &'static str,
    /// The step shows the scenario played up to this true time (ms).
    pub until: u64,
    /// Node ids to highlight.
    pub nodes: &'static [&'static str],
    /// Message types to highlight (messages of these types in flight or in the diagram).
    pub messages: &'static [&'static str],
}

/// A chapter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Chapter {
    /// Stable id (used in links).
    pub id: &'static str,
    /// Title.
    pub title: Text,
    /// Steps, in order.
    pub steps: &'static [Step],
}

/// Most bytes a narration file may have (the shipped ones are about 35 KB).
pub const MAX_NARRATION_BYTES: usize = 1 << 20;

/// The narration of every step in one language: chapter id to the steps' texts, in step order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Narration {
    chapters: netsplit_core::vecmap::VecMap<String, Vec<String>>,
}

impl Narration {
    /// Reads a narration file: a JSON object from chapter id to an array of strings.
    pub fn parse(text: &str) -> Result<Narration, String> {
        if text.len() > MAX_NARRATION_BYTES {
            return Err(format!("narration is {} bytes, more than {MAX_NARRATION_BYTES}", text.len()));
        }
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("narration is not JSON: {e}"))?;
        let obj = v.as_object().ok_or("narration must be an object of chapter id to texts")?;
        let mut chapters = netsplit_core::vecmap::VecMap::new();
        for (id, steps) in obj {
            let steps = steps.as_array().ok_or_else(|| format!("narration {id:?} must be an array of texts"))?;
            let texts = steps
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    t.as_str().map(str::to_string).ok_or_else(|| format!("narration {id:?}[{i}] is not a string"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            chapters.insert(id.clone(), texts);
        }
        Ok(Narration { chapters })
    }

    /// The text of step `step` (from 0) of chapter `chapter`.
    pub fn step(&self, chapter: &str, step: usize) -> Option<&str> {
        self.chapters.get(chapter)?.get(step).map(String::as_str)
    }

    /// The chapter ids it narrates.
    pub fn chapter_ids(&self) -> impl Iterator<Item = &str> {
        self.chapters.keys().map(String::as_str)
    }

    /// How many steps chapter `chapter` has texts for.
    pub fn steps(&self, chapter: &str) -> usize {
        self.chapters.get(chapter).map_or(0, Vec::len)
    }
}

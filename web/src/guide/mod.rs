//! Guided tours: chapters of steps, each with narration in English and Korean, a scenario played up to a moment,
//! and the nodes and message types to highlight. "Try it yourself" opens the sandbox at that moment.

pub mod chapters;

/// A text in both languages.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Text {
    /// English.
    pub en: &'static str,
    /// Korean.
    pub ko: &'static str,
}

/// One step of a chapter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    /// Narration.
    pub text: Text,
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

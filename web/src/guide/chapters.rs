//! The guide's chapters (content only).

use super::{Chapter, Step, Text};

/// Every chapter, in reading order.
pub static CHAPTERS: &[Chapter] = &[Chapter {
    id: "placeholder",
    title: Text { en: "Placeholder", ko: "자리 표시" },
    steps: &[Step {
        text: Text { en: "Placeholder step.", ko: "자리 표시 단계." },
        scenario: "NET-2",
        until: 40,
        nodes: &["B"],
        messages: &["DATA"],
    }],
}];

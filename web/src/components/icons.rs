//! Small inline SVG icons (no icon font: headless and minimal systems lack the glyphs).

use yew::prelude::*;

fn icon(path: &'static str) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d={path} fill="currentColor"/></svg>
    }
}

/// ▶
pub fn play() -> Html {
    icon("M4 2.5v11l9-5.5z")
}

/// ❚❚
pub fn pause() -> Html {
    icon("M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z")
}

/// ⏮ (one event back)
pub fn step_back() -> Html {
    icon("M3 2.5h2v11H3zM13 2.5v11L6 8z")
}

/// ⏭ (one event forward)
pub fn step_forward() -> Html {
    icon("M11 2.5h2v11h-2zM3 2.5v11L10 8z")
}

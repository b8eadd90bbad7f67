//! The theme's colours for canvas painting, read from the stylesheet's custom properties.

use web_sys::Element;

/// The colours the canvases need.
#[derive(Clone)]
pub struct Palette {
    /// Message-type hues, `--h0`..`--h7`.
    pub hues: Vec<String>,
    /// Panel background.
    pub panel: String,
    /// Text.
    pub fg: String,
    /// Secondary text and lines.
    pub muted: String,
    /// Danger: losses, crashes, violations.
    pub bad: String,
    /// Causal past of a selected event.
    pub accent: String,
    /// Causal future of a selected event.
    pub ok: String,
}

thread_local! {
    /// The palette, read once per theme: reading computed styles every frame forces a style recalculation right
    /// after the DOM changed, which profiles showed as a large share of a frame.
    static PALETTE: std::cell::RefCell<Option<(String, Palette)>> = const { std::cell::RefCell::new(None) };
    /// The system's dark-mode query, made once: a live list answers `matches` as the system changes, while making
    /// a new one on each paint showed in profiles.
    static DARK: Option<web_sys::MediaQueryList> =
        web_sys::window().and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
}

/// The palette for the current theme (`el` is any element under the themed root).
pub fn palette(el: &Element) -> Palette {
    let doc = gloo::utils::document();
    let dark = DARK.with(|d| d.as_ref().is_some_and(|m| m.matches()));
    let theme = doc.document_element().and_then(|e| e.get_attribute("data-theme")).unwrap_or_default();
    let key = format!("{theme}/{dark}");
    PALETTE.with(|p| {
        if let Some((k, pal)) = &*p.borrow() {
            if *k == key {
                return pal.clone();
            }
        }
        let st = web_sys::window().and_then(|w| w.get_computed_style(el).ok().flatten());
        let var = |name: &str| {
            st.as_ref()
                .and_then(|st| st.get_property_value(name).ok())
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "#888".into())
        };
        let pal = Palette {
            hues: (0..8).map(|k| var(&format!("--h{k}"))).collect(),
            panel: var("--panel"),
            fg: var("--fg"),
            muted: var("--muted"),
            bad: var("--bad"),
            accent: var("--accent"),
            ok: var("--ok"),
        };
        *p.borrow_mut() = Some((key, pal.clone()));
        pal
    })
}

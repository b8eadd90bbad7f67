//! netsplit-web: the Yew front end. The model (`player`, `catalog`) does not import the view; components draw
//! from immutable snapshots and send messages to the player.

pub mod app;
pub mod catalog;
pub mod components;
pub mod explore;
pub mod files;
pub mod guide;
pub mod i18n;
pub mod player;
pub mod presets;
pub mod url;

use app::AppProps;
use i18n::Lang;
use player::Shared;

/// A finite number typed into a field or read from a link, parsed by the browser (JavaScript's unary
/// `+`, which never throws on a string), or `None`.
///
/// Not `str::parse::<f64>`: Rust's float parser carries a 21 KB table of powers of five into the wasm (16 KB of
/// the gzipped bundle) for a handful of fields whose values the browser has already read as numbers. The two
/// differ only at the edges: `+` also reads hexadecimal (`0x10`), and neither kind of infinity or NaN is
/// returned by this function.
pub fn number(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() {
        // `+""` is 0: an emptied field is no number, not zero.
        return None;
    }
    Some(wasm_bindgen::JsValue::from_str(text).unchecked_into_f64()).filter(|v| v.is_finite())
}

/// The language of the browser, for a first visit.
pub fn browser_lang() -> Lang {
    web_sys::window().and_then(|w| w.navigator().language()).map_or(Lang::En, |l| Lang::from_tag(&l))
}

/// The app's starting properties, from the page address and what was remembered.
pub fn start_props() -> AppProps {
    let loc = web_sys::window().map(|w| w.location());
    let search = loc.as_ref().and_then(|l| l.search().ok()).unwrap_or_default();
    let hash = loc.as_ref().and_then(|l| l.hash().ok()).unwrap_or_default();
    AppProps { launch: Shared::new(url::parse(&search, &hash, url::remembered_lang(), browser_lang())) }
}

/// Mounts the application on the page body; does nothing in a worker, where the same module runs the
/// counterexample search ([`explore`]).
pub fn start() {
    let Some(window) = web_sys::window() else { return };
    let render = || {
        yew::Renderer::<app::App>::with_props(start_props()).render();
    };
    // A `?preset=` link shows its preset from the first render, so its scenario is fetched first (a failure is
    // reported by `url::parse`, and the sandbox opens).
    match url::preset_param(&window.location().search().unwrap_or_default()) {
        Some(id) if presets::exists(&id) => yew::platform::spawn_local(async move {
            let _ = presets::fetch(&id).await;
            render();
        }),
        _ => render(),
    }
}

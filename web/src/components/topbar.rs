//! The top bar: protocol, scenario, node count, seed, a new random run, the guide, language, theme and help.
//!
//! A component of its own so that it renders when what it shows changes, not on every animation frame with the
//! rest of the app.

use crate::catalog::{self, PROTOCOLS};
use crate::i18n::{tr, Lang};
use crate::player::{Msg, Shared};
use crate::presets;
use netsplit_core::scenario::Scenario;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Properties of the top bar.
#[derive(Properties, PartialEq)]
pub struct TopBarProps {
    /// Language.
    pub lang: Lang,
    /// The scenario loaded (its protocol, id, seed and node count are shown).
    pub base: Shared<Scenario>,
    /// Theme: "auto", "light" or "dark".
    pub theme: AttrValue,
    /// The guide is open.
    pub guide_open: bool,
    /// Sends a player message.
    pub send: Callback<Msg>,
    /// The viewer picked a language.
    pub on_lang: Callback<Lang>,
    /// The viewer picked a theme.
    pub on_theme: Callback<String>,
    /// The guide button: opens the guide, or closes it when open.
    pub on_guide: Callback<()>,
    /// The help button.
    pub on_help: Callback<()>,
}

fn random_seed() -> u64 {
    (js_sys::Math::random() * 1e9) as u64
}

/// Loads a fresh sandbox of `protocol` (or says why it could not).
fn load_sandbox(send: &Callback<Msg>, protocol: &str, nodes: usize, seed: u64) {
    match catalog::sandbox(protocol, nodes, seed) {
        Ok(sc) => send.emit(Msg::Load(Box::new(sc))),
        Err(err) => send.emit(Msg::Notice(err)),
    }
}

/// The top bar.
#[component]
pub fn TopBar(p: &TopBarProps) -> Html {
    let l = p.lang;
    let protocol = p.base.protocol.clone();
    let info = catalog::info(&protocol).copied();
    let n = p.base.nodes.len();
    let on_protocol = {
        let send = p.send.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            if let Some(info) = catalog::info(&s.value()) {
                load_sandbox(&send, info.id, info.default_nodes, 1);
            }
        })
    };
    let on_preset = {
        let send = p.send.clone();
        let protocol = protocol.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            let v = s.value();
            if v.is_empty() {
                let n = catalog::info(&protocol).map_or(3, |i| i.default_nodes);
                load_sandbox(&send, &protocol, n, 1);
            } else {
                let send = send.clone();
                presets::request(&v, move |r| match r {
                    Ok(sc) => send.emit(Msg::Load(Box::new(sc))),
                    Err(e) => send.emit(Msg::Notice(e)),
                });
            }
        })
    };
    let on_nodes = {
        let send = p.send.clone();
        let protocol = protocol.clone();
        let seed = p.base.seed;
        let now = n;
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            let Some(info) = catalog::info(&protocol) else { return };
            // The field always ends showing the count drawn: a count out of range becomes the nearest allowed one
            // (-3 → the least), and what is no number puts back the current count.
            match crate::number(&i.value()) {
                Some(x) => {
                    let k = x.round().clamp(info.min_nodes as f64, info.max_nodes as f64) as usize;
                    i.set_value(&k.to_string());
                    load_sandbox(&send, &protocol, k, seed);
                }
                None => i.set_value(&now.to_string()),
            }
        })
    };
    let on_seed = {
        let send = p.send.clone();
        let base = p.base.clone();
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            match i.value().trim().parse::<u64>() {
                Ok(seed) => {
                    let mut sc = (*base).clone();
                    sc.seed = seed;
                    send.emit(Msg::Load(Box::new(sc)));
                }
                Err(_) => send.emit(Msg::Notice(format!("seed: {:?} is not a whole number", i.value()))),
            }
        })
    };
    let on_new_run = {
        let send = p.send.clone();
        let protocol = protocol.clone();
        Callback::from(move |_| {
            if let Ok(sc) = catalog::sandbox(&protocol, n, random_seed()) {
                send.emit(Msg::Load(Box::new(sc)));
            }
        })
    };
    let on_lang = p.on_lang.reform(|e: Event| Lang::from_tag(&e.target_unchecked_into::<HtmlSelectElement>().value()));
    let on_theme = p.on_theme.reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
    let presets = presets::list(&protocol);
    let preset_value = if presets.iter().any(|(id, _)| *id == p.base.id) { p.base.id.as_str() } else { "" };
    let theme = p.theme.as_str();
    html! {
        <header class="topbar">
            <h1>{tr(l, "app.title")}</h1>
            <span class="tagline">{tr(l, "app.tagline")}</span>
            <label>{tr(l, "ctl.protocol")}
                <select id="protocol" onchange={on_protocol} aria-label={tr(l, "ctl.protocol")}>
                    { for PROTOCOLS.iter().map(|x| html!{
                        <option value={x.id} selected={x.id == protocol} disabled={!catalog::available(x.id)}>{tr(l, x.name_key)}</option>
                    }) }
                </select>
            </label>
            <label class="preset-label">{tr(l, "ctl.preset")}
                <select id="preset" onchange={on_preset} aria-label={tr(l, "ctl.preset")}
                        data-loaded={preset_value.to_string()}>
                    <option value="" selected={preset_value.is_empty()}>{tr(l, "ctl.sandbox")}</option>
                    { for presets.iter().map(|(id, title)| html!{
                        <option value={*id} selected={*id == preset_value}>{format!("{id}: {title}")}</option>
                    }) }
                </select>
            </label>
            <label>{tr(l, "ctl.nodes")}
                <input id="node-count" type="number" min={info.map_or(1, |i| i.min_nodes).to_string()}
                       max={info.map_or(netsplit_core::time::MAX_NODES, |i| i.max_nodes).to_string()} value={n.to_string()} onchange={on_nodes}/>
            </label>
            <label>{tr(l, "ctl.seed")}
                <input id="seed" type="number" min="0" value={p.base.seed.to_string()} onchange={on_seed}/>
            </label>
            <button id="new-run" onclick={on_new_run}>{tr(l, "ctl.newRun")}</button>
            <span class="spacer"></span>
            <button id="guide-button" class={classes!(p.guide_open.then_some("active"))}
                    onclick={p.on_guide.reform(|_| ())}>
                {tr(l, "guide.button")}
            </button>
            <label>{tr(l, "ctl.lang")}
                <select id="lang" onchange={on_lang}>
                    <option value="en" selected={l == Lang::En}>{"English"}</option>
                    <option value="ko" selected={l == Lang::Ko}>{"한국어"}</option>
                </select>
            </label>
            <label>{tr(l, "ctl.theme")}
                <select id="theme" onchange={on_theme}>
                    <option value="auto" selected={theme == "auto"}>{tr(l, "theme.auto")}</option>
                    <option value="light" selected={theme == "light"}>{tr(l, "theme.light")}</option>
                    <option value="dark" selected={theme == "dark"}>{tr(l, "theme.dark")}</option>
                </select>
            </label>
            <button id="help-button" onclick={p.on_help.reform(|_| ())} aria-label={tr(l, "ctl.help")}>{"?"}</button>
        </header>
    }
}

//! Reading the page address: a share link in the fragment (`#1.…`), a preset (`?preset=RAFT-3`), embed mode and
//! its parameters (`?embed&autoplay=1&loop=1&start=…&end=…&speed=…&views=cluster,diagram&theme=dark&lang=ko`),
//! and the remembered language. Anything malformed becomes a notice and the default sandbox.

use crate::app::initial_scenario;
use crate::i18n::Lang;
use crate::player::Selection;
use netsplit_core::scenario::Scenario;
use netsplit_core::share::{self, Shared as Link};
use serde_json::{json, Map, Value};

/// Which views are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Views {
    /// The animated cluster.
    pub cluster: bool,
    /// The space-time diagram.
    pub diagram: bool,
}

impl Default for Views {
    fn default() -> Self {
        Views { cluster: true, diagram: true }
    }
}

impl Views {
    fn parse(s: &str) -> Views {
        let has = |k: &str| s.split(',').any(|x| x.trim() == k);
        let v = Views { cluster: has("cluster"), diagram: has("diagram") };
        if v.cluster || v.diagram {
            v
        } else {
            Views::default()
        }
    }

    /// As written in links.
    pub fn to_param(self) -> String {
        let mut v = Vec::new();
        if self.cluster {
            v.push("cluster");
        }
        if self.diagram {
            v.push("diagram");
        }
        v.join(",")
    }
}

/// Embed-mode options.
#[derive(Clone, Debug, PartialEq)]
pub struct Embed {
    /// Start playing at once.
    pub autoplay: bool,
    /// Start again from `start` at the end.
    pub looped: bool,
    /// Where playback starts (ms).
    pub start: f64,
    /// Where playback stops (ms).
    pub end: Option<f64>,
}

/// How the app starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Launch {
    /// The scenario.
    pub scenario: Scenario,
    /// Playhead.
    pub t: f64,
    /// Language.
    pub lang: Lang,
    /// Views shown.
    pub views: Views,
    /// Playback speed, if given.
    pub speed: Option<f64>,
    /// Fast-forward quiet stretches (`quiet=0` turns it off).
    pub skip_quiet: bool,
    /// Theme (`auto`, `light`, `dark`).
    pub theme: String,
    /// Embed mode.
    pub embed: Option<Embed>,
    /// Start playing at once (`?autoplay=1`, in embeds and in the full app).
    pub autoplay: bool,
    /// The selection (`node:3`, `msg:12`, `event:40`).
    pub selection: Option<String>,
    /// A problem with the address, shown to the viewer.
    pub notice: Option<String>,
}

impl Launch {
    /// A plain start: the scenario paused at t = 0, default views and theme, nothing selected.
    pub fn new(scenario: Scenario, lang: Lang) -> Self {
        Launch {
            scenario,
            t: 0.0,
            lang,
            views: Views::default(),
            speed: None,
            skip_quiet: true,
            theme: "auto".into(),
            embed: None,
            autoplay: false,
            selection: None,
            notice: None,
        }
    }
}

/// Splits a query string into (key, value) pairs (values URL-decoded).
pub fn query_pairs(q: &str) -> Vec<(String, String)> {
    q.trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let dec =
                |s: &str| js_sys::decode_uri_component(&s.replace('+', " ")).map(String::from).unwrap_or_default();
            (dec(k), dec(v))
        })
        .collect()
}

/// The `preset` named in a query string, if any.
pub fn preset_param(search: &str) -> Option<String> {
    query_pairs(search).into_iter().find(|(k, _)| k == "preset").map(|(_, v)| v)
}

/// Reads the launch configuration from a query string, a fragment and the remembered language.
pub fn parse(search: &str, hash: &str, remembered: Option<Lang>, browser: Lang) -> Launch {
    let q = query_pairs(search);
    let get = |k: &str| q.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str());
    let mut notice = None;
    let mut scenario = None;
    let mut t = 0.0;
    let mut settings = Map::new();
    let payload = hash.trim_start_matches('#');
    if !payload.is_empty() {
        match share::decode(payload) {
            Ok(l) => {
                scenario = Some(l.scenario);
                t = l.t;
                settings = l.settings;
            }
            Err(e) => notice = Some(e.to_string()),
        }
    }
    if scenario.is_none() {
        if let Some(id) = get("preset") {
            // Fetched before the first render by `crate::start`.
            match crate::presets::fetched(id) {
                Some(s) => scenario = Some(s),
                None if crate::presets::exists(id) => {
                    let why = crate::presets::failure(id).unwrap_or_else(|| "it was not fetched".into());
                    notice = Some(format!("preset {id:?} could not be loaded: {why}"));
                }
                None => notice = Some(format!("no preset named {id:?}")),
            }
        }
    }
    // Values the address gives that cannot be used are named in the notice (the rest of the address still
    // applies): a link a blogger mistyped should say what is wrong, not quietly show something else.
    let problems = bad_params(&q);
    if !problems.is_empty() {
        let text = format!("this address has settings that were ignored: {}", problems.join("; "));
        notice = Some(match notice {
            Some(n) => format!("{n}. Also, {text}"),
            None => text,
        });
    }
    let setting = |k: &str| settings.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let lang = get("lang")
        .map(Lang::from_tag)
        .or_else(|| setting("lang").map(|l| Lang::from_tag(&l)))
        .or(remembered)
        .unwrap_or(browser);
    let views = get("views")
        .map(Views::parse)
        .or_else(|| settings.get("views").and_then(|v| v.as_str()).map(Views::parse))
        .unwrap_or_default();
    let speed = get("speed")
        .and_then(crate::number)
        .or_else(|| settings.get("speed").and_then(|v| v.as_f64()))
        .filter(|s| s.is_finite() && *s > 0.0);
    let skip_quiet =
        get("quiet").and_then(flag).or_else(|| settings.get("quiet").and_then(Value::as_bool)).unwrap_or(true);
    let theme = get("theme").filter(|t| ["auto", "light", "dark"].contains(t)).unwrap_or("auto").to_string();
    let embed = get("embed").map(|_| {
        let num = |k: &str| get(k).and_then(crate::number).filter(|x| *x >= 0.0);
        Embed {
            autoplay: get("autoplay").is_some_and(|v| v != "0" && v != "false"),
            looped: get("loop").is_some_and(|v| v != "0" && v != "false"),
            start: num("start").unwrap_or(0.0),
            end: num("end"),
        }
    });
    let scenario = scenario.unwrap_or_else(initial_scenario);
    if let Some(e) = &embed {
        t = e.start.min(scenario.run_until as f64);
    }
    let selection = setting("sel");
    let autoplay = get("autoplay").is_some_and(|v| v != "0" && v != "false");
    Launch { scenario, t, lang, views, speed, skip_quiet, theme, embed, autoplay, selection, notice }
}

/// An on/off parameter's value (`quiet=0`, `quiet=off`; present without a value is on).
fn flag(v: &str) -> Option<bool> {
    match v {
        "0" | "false" | "off" => Some(false),
        "" | "1" | "true" | "on" => Some(true),
        _ => None,
    }
}

/// What is wrong with the values of the address's known parameters (unknown parameters are left alone: pages
/// add their own, such as tracking tags).
fn bad_params(q: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in q {
        let number = crate::number(v);
        match k.as_str() {
            "views" => {
                let unknown: Vec<&str> = v
                    .split(',')
                    .map(str::trim)
                    .filter(|x| !x.is_empty() && !["cluster", "diagram"].contains(x))
                    .collect();
                if !unknown.is_empty() {
                    out.push(format!(
                        "views={v:?} names no view {:?} (use cluster, diagram or both)",
                        unknown.join(",")
                    ));
                }
            }
            "speed" if !number.is_some_and(|x| x > 0.0) => out.push(format!("speed={v:?} is not a positive number")),
            "start" | "end" if !number.is_some_and(|x| x >= 0.0) => {
                out.push(format!("{k}={v:?} is not a time in ms (0 or more)"))
            }
            "quiet" if flag(v).is_none() => out.push(format!("quiet={v:?} is not 0 or 1")),
            "theme" if !["auto", "light", "dark"].contains(&v.as_str()) => {
                out.push(format!("theme={v:?} is not auto, light or dark"))
            }
            "lang" if !["en", "ko"].iter().any(|l| v.to_ascii_lowercase().starts_with(l)) => {
                out.push(format!("lang={v:?} is not a language netsplit speaks (en, ko)"))
            }
            _ => {}
        }
    }
    out
}

/// The playback settings a share link keeps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Playback {
    /// Speed (simulated ms per wall ms).
    pub speed: f64,
    /// Quiet stretches are fast-forwarded.
    pub skip_quiet: bool,
}

/// The share payload for the current screen.
pub fn payload(scenario: &Scenario, t: f64, lang: Lang, views: Views, playback: Playback, sel: Selection) -> String {
    let mut settings = Map::new();
    match sel {
        Selection::Node(i) => settings.insert("sel".into(), json!(format!("node:{i}"))),
        Selection::Message(i) => settings.insert("sel".into(), json!(format!("msg:{i}"))),
        Selection::Event(i) => settings.insert("sel".into(), json!(format!("event:{i}"))),
        Selection::None => None,
    };
    settings.insert("lang".into(), json!(lang.code()));
    settings.insert("views".into(), Value::String(views.to_param()));
    settings.insert("speed".into(), json!(playback.speed));
    if !playback.skip_quiet {
        // Only when off: links made before the setting existed read as on.
        settings.insert("quiet".into(), json!(false));
    }
    share::encode(&Link { scenario: scenario.clone(), t, settings })
}

/// The page's address without query or fragment (works under any sub-path).
pub fn base_url() -> String {
    let loc = web_sys::window().map(|w| w.location());
    match loc {
        Some(l) => format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_else(|_| "/".into())),
        None => String::new(),
    }
}

/// An `<iframe>` snippet embedding this screen.
pub fn embed_code(payload: &str, title: &str, views: Views) -> String {
    let src = format!("{}?embed&autoplay=1&loop=1&views={}#{payload}", base_url(), views.to_param());
    let title = title.replace('"', "&quot;").replace('<', "&lt;");
    format!(
        r#"<iframe src="{src}" width="720" height="480" style="border:0;max-width:100%" loading="lazy" title="netsplit: {title}"></iframe>"#
    )
}

const LANG_KEY: &str = "netsplit.lang";

/// The language remembered from an earlier visit.
pub fn remembered_lang() -> Option<Lang> {
    let storage = web_sys::window()?.local_storage().ok()??;
    storage.get_item(LANG_KEY).ok()?.map(|l| Lang::from_tag(&l))
}

/// Remembers the language for the next visit.
pub fn remember_lang(l: Lang) {
    if let Some(Ok(Some(s))) = web_sys::window().map(|w| w.local_storage()) {
        let _ = s.set_item(LANG_KEY, l.code());
    }
}

/// Reads a selection as written in links.
pub fn parse_selection(s: &str) -> Selection {
    let (k, v) = s.split_once(':').unwrap_or(("", ""));
    match (k, v.parse::<u64>()) {
        ("node", Ok(i)) if i < 16 => Selection::Node(i as usize),
        ("msg", Ok(i)) => Selection::Message(i),
        ("event", Ok(i)) => Selection::Event(i),
        _ => Selection::None,
    }
}

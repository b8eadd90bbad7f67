//! The application: top bar (protocol, scenario, nodes, seed), the cluster view with its node menu, playback
//! controls, inspector, invariants, network panel and event log; the animation loop and keyboard shortcuts.

use crate::catalog::{self, PROTOCOLS};
use crate::components::controls::Controls;
use crate::components::event_log::EventLog;
use crate::components::help::Help;
use crate::components::inspector::Inspector;
use crate::components::invariants::Invariants;
use crate::components::network::Network;
use crate::components::node_menu::NodeMenu;
use crate::components::topology::{falling_messages, positions, Topology, SIZE};
use crate::i18n::{tr, Lang};
use crate::player::{Msg, Player, Selection, Shared};
use gloo::events::{EventListener, EventListenerOptions};
use gloo::render::{request_animation_frame, AnimationFrame};
use netsplit_core::scenario::{Action, Scenario};
use netsplit_core::trace::TraceKind;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, KeyboardEvent};
use yew::prelude::*;

/// The first scenario shown: a Raft sandbox when Raft is available, else the first protocol this build runs.
pub fn initial_scenario() -> Scenario {
    let proto = PROTOCOLS.iter().find(|p| catalog::available(p.id)).map_or("link", |p| p.id);
    let info = catalog::info(proto).expect("listed");
    catalog::sandbox(proto, info.default_nodes, 1).expect("sandbox scenarios are valid")
}

fn random_seed() -> u64 {
    (js_sys::Math::random() * 1e9) as u64
}

/// Keeps the last frame costs (ms) in `window.__netsplitFrames` for the frame-cost benchmark.
fn record_frame_cost(ms: f64) {
    let Some(w) = web_sys::window() else { return };
    let key = wasm_bindgen::JsValue::from_str("__netsplitFrames");
    let arr = match js_sys::Reflect::get(&w, &key).ok().and_then(|v| v.dyn_into::<js_sys::Array>().ok()) {
        Some(a) => a,
        None => {
            let a = js_sys::Array::new();
            let _ = js_sys::Reflect::set(&w, &key, &a);
            a
        }
    };
    if arr.length() >= 5000 {
        arr.shift();
    }
    arr.push(&wasm_bindgen::JsValue::from_f64(ms));
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

fn schedule_frame(
    holder: Rc<RefCell<Option<AnimationFrame>>>,
    last: Rc<Cell<Option<f64>>>,
    d: UseReducerDispatcher<Player>,
) {
    let h = holder.clone();
    let frame = request_animation_frame(move |ts| {
        let dt = last.get().map_or(16.7, |l| ts - l);
        last.set(Some(ts));
        let start = now_ms();
        d.dispatch(Msg::Frame(dt));
        record_frame_cost(now_ms() - start);
        schedule_frame(h, last, d);
    });
    *holder.borrow_mut() = Some(frame);
}

fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}

fn set_theme(theme: &str) {
    if let Some(el) = gloo::utils::document().document_element() {
        let _ = el.set_attribute("data-theme", theme);
    }
}

/// Properties of the app.
#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The scenario to open with.
    #[prop_or_else(|| Shared::new(initial_scenario()))]
    pub scenario: Shared<Scenario>,
    /// The language to start in.
    #[prop_or_default]
    pub lang: Lang,
}

/// The root component.
#[component]
pub fn App(props: &AppProps) -> Html {
    let player = {
        let s = (*props.scenario).clone();
        use_reducer(move || Player::new(s).unwrap_or_else(|_| Player::new(initial_scenario()).expect("sandbox")))
    };
    let lang = use_state(|| props.lang);
    let theme = use_state(|| "auto".to_string());
    let help = use_state(|| false);
    let partition_mode = use_state(|| false);
    let menu_open = use_state(|| false);
    let reduced_motion = use_memo((), |_| prefers_reduced_motion());
    let send: Callback<Msg> = {
        let d = player.dispatcher();
        Callback::from(move |m: Msg| d.dispatch(m))
    };

    // Animation loop while playing.
    {
        let d = player.dispatcher();
        use_effect_with(player.playing, move |&playing| {
            let holder: Rc<RefCell<Option<AnimationFrame>>> = Rc::new(RefCell::new(None));
            if playing {
                schedule_frame(holder.clone(), Rc::new(Cell::new(None)), d);
            }
            move || {
                holder.borrow_mut().take();
            }
        });
    }

    // Keyboard shortcuts.
    {
        let send = send.clone();
        let help = help.clone();
        let partition_mode = partition_mode.clone();
        let menu_open = menu_open.clone();
        let speed = player.speed;
        use_effect_with(speed, move |&speed| {
            // Not passive: Space must not scroll the page while it plays or pauses.
            let opts = EventListenerOptions::enable_prevent_default();
            let listener = EventListener::new_with_options(&gloo::utils::document(), "keydown", opts, move |e| {
                let Some(e) = e.dyn_ref::<KeyboardEvent>() else { return };
                let typing = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
                if typing || e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                match e.key().as_str() {
                    " " => {
                        e.prevent_default();
                        send.emit(Msg::Toggle);
                    }
                    "ArrowRight" => send.emit(Msg::StepForward),
                    "ArrowLeft" => send.emit(Msg::StepBack),
                    "+" | "=" => send.emit(Msg::Speed(speed * 2.0)),
                    "-" | "_" => send.emit(Msg::Speed(speed / 2.0)),
                    "?" => help.set(!*help),
                    "p" | "P" => partition_mode.set(!*partition_mode),
                    "Escape" => {
                        help.set(false);
                        partition_mode.set(false);
                        menu_open.set(false);
                    }
                    _ => {}
                }
            });
            move || drop(listener)
        });
    }

    let l = *lang;
    let snap = player.snap.clone();
    let protocol = player.base.protocol.clone();
    let info = catalog::info(&protocol).copied();
    let n = snap.nodes.len();

    let on_protocol = {
        let send = send.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            let id = s.value();
            if let Some(info) = catalog::info(&id) {
                match catalog::sandbox(&id, info.default_nodes, 1) {
                    Ok(sc) => send.emit(Msg::Load(Box::new(sc))),
                    Err(err) => send.emit(Msg::Notice(err)),
                }
            }
        })
    };
    let on_preset = {
        let send = send.clone();
        let protocol = protocol.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            let v = s.value();
            let sc = if v.is_empty() {
                catalog::sandbox(&protocol, catalog::info(&protocol).map_or(3, |i| i.default_nodes), 1).ok()
            } else {
                catalog::preset(&v)
            };
            if let Some(sc) = sc {
                send.emit(Msg::Load(Box::new(sc)));
            }
        })
    };
    let on_nodes = {
        let send = send.clone();
        let protocol = protocol.clone();
        let seed = player.base.seed;
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            if let (Ok(k), Some(info)) = (i.value().parse::<usize>(), catalog::info(&protocol)) {
                let k = k.clamp(info.min_nodes, info.max_nodes);
                i.set_value(&k.to_string());
                match catalog::sandbox(&protocol, k, seed) {
                    Ok(sc) => send.emit(Msg::Load(Box::new(sc))),
                    Err(err) => send.emit(Msg::Notice(err)),
                }
            }
        })
    };
    let on_seed = {
        let send = send.clone();
        let base = player.base.clone();
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
        let send = send.clone();
        let protocol = protocol.clone();
        Callback::from(move |_| {
            if let Ok(sc) = catalog::sandbox(&protocol, n, random_seed()) {
                send.emit(Msg::Load(Box::new(sc)));
            }
        })
    };
    let on_lang = {
        let lang = lang.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            lang.set(Lang::from_tag(&s.value()));
        })
    };
    let on_theme = {
        let theme = theme.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            set_theme(&s.value());
            theme.set(s.value());
        })
    };
    let on_select = {
        let send = send.clone();
        let menu_open = menu_open.clone();
        Callback::from(move |s: Selection| {
            menu_open.set(matches!(s, Selection::Node(_)));
            send.emit(Msg::Select(s));
        })
    };
    let on_split = {
        let send = send.clone();
        Callback::from(move |groups: Vec<Vec<usize>>| send.emit(Msg::Act(Box::new(Action::Partition(groups)))))
    };
    let on_link = {
        let send = send.clone();
        let cut = snap.cut.clone();
        Callback::from(move |(a, b, one_way): (usize, usize, bool)| {
            let both_cut = cut[a][b] && cut[b][a];
            let acts: Vec<Action> = if one_way {
                if cut[a][b] {
                    vec![Action::Restore { src: a, dst: b }]
                } else {
                    vec![Action::Cut { src: a, dst: b }]
                }
            } else if both_cut || cut[a][b] || cut[b][a] {
                vec![Action::Restore { src: a, dst: b }, Action::Restore { src: b, dst: a }]
            } else {
                vec![Action::Cut { src: a, dst: b }, Action::Cut { src: b, dst: a }]
            };
            for a in acts {
                send.emit(Msg::Act(Box::new(a)));
            }
        })
    };
    let toggle_partition = {
        let pm = partition_mode.clone();
        Callback::from(move |_| pm.set(!*pm))
    };
    let close_menu = {
        let m = menu_open.clone();
        Callback::from(move |_| m.set(false))
    };
    let close_help = {
        let h = help.clone();
        Callback::from(move |_| h.set(false))
    };
    let open_help = {
        let h = help.clone();
        Callback::from(move |_| h.set(true))
    };

    // Derived views of the trace: recently dropped messages, the log window, violation marks on the scrubber.
    let t = player.t;
    let window = (700.0 * player.speed).max(4.0);
    let falling = Shared::new(player.with_trace(|tr| falling_messages(tr, n, t, window)));
    let log_entries = use_memo(player.version, |_| {
        let ev = player.events();
        player.with_trace(|tr| {
            let end = tr.partition_point(|e| e.ev <= ev);
            Shared::new(tr[end.saturating_sub(400)..end].to_vec())
        })
    });
    let marks = use_memo(player.version, |_| {
        player.with_trace(|tr| {
            let mut seen: Vec<&'static str> = Vec::new();
            let mut out = Vec::new();
            for e in tr {
                if let TraceKind::Violation { invariant, .. } = &e.kind {
                    if !seen.contains(invariant) {
                        seen.push(invariant);
                        out.push((e.t, *invariant));
                    }
                }
            }
            Shared::new(out)
        })
    });
    let ids = use_memo(player.base.clone(), |b| Shared::new(b.nodes.clone()));
    let message_fields = match player.selected {
        Selection::Message(id) => player.with_run(|r| r.message_fields(id)).map(Shared::new),
        _ => None,
    };

    let menu = match (player.selected, *menu_open) {
        (Selection::Node(i), true) if i < n => {
            let p = positions(n)[i];
            Some(html! {
                <NodeMenu protocol={protocol.clone()} node={i} view={snap.nodes[i].clone()} ids={(*ids).to_vec()}
                          t={t} send={send.clone()} left={p.x / SIZE * 100.0} top={p.y / SIZE * 100.0} on_close={close_menu} />
            })
        }
        _ => None,
    };

    let presets = catalog::presets(&protocol);
    let preset_value =
        if presets.iter().any(|(id, _, _)| *id == player.base.id) { player.base.id.clone() } else { String::new() };
    let description = player.base.description.clone();
    html! {
        <ContextProvider<Lang> context={l}>
        <div class={classes!("app", (*partition_mode).then_some("partitioning"))} lang={l.code()}>
            <header class="topbar">
                <h1>{tr(l, "app.title")}</h1>
                <span class="tagline">{tr(l, "app.tagline")}</span>
                <label>{tr(l, "ctl.protocol")}
                    <select id="protocol" onchange={on_protocol} aria-label={tr(l, "ctl.protocol")}>
                        { for PROTOCOLS.iter().map(|p| html!{
                            <option value={p.id} selected={p.id == protocol} disabled={!catalog::available(p.id)}>{tr(l, p.name_key)}</option>
                        }) }
                    </select>
                </label>
                <label>{tr(l, "ctl.preset")}
                    <select id="preset" onchange={on_preset} aria-label={tr(l, "ctl.preset")}>
                        <option value="" selected={preset_value.is_empty()}>{tr(l, "ctl.sandbox")}</option>
                        { for presets.iter().map(|(id, title, _)| html!{
                            <option value={id.clone()} selected={*id == preset_value}>{format!("{id}: {title}")}</option>
                        }) }
                    </select>
                </label>
                <label>{tr(l, "ctl.nodes")}
                    <input id="node-count" type="number" min={info.map_or(1, |i| i.min_nodes).to_string()}
                           max={info.map_or(9, |i| i.max_nodes).to_string()} value={n.to_string()} onchange={on_nodes}/>
                </label>
                <label>{tr(l, "ctl.seed")}
                    <input id="seed" type="number" min="0" value={player.base.seed.to_string()} onchange={on_seed}/>
                </label>
                <button id="new-run" onclick={on_new_run}>{tr(l, "ctl.newRun")}</button>
                <span class="spacer"></span>
                <label>{tr(l, "ctl.lang")}
                    <select id="lang" onchange={on_lang}>
                        <option value="en" selected={l == Lang::En}>{"English"}</option>
                        <option value="ko" selected={l == Lang::Ko}>{"한국어"}</option>
                    </select>
                </label>
                <label>{tr(l, "ctl.theme")}
                    <select id="theme" onchange={on_theme}>
                        <option value="auto" selected={*theme == "auto"}>{"auto"}</option>
                        <option value="light" selected={*theme == "light"}>{"☀"}</option>
                        <option value="dark" selected={*theme == "dark"}>{"☾"}</option>
                    </select>
                </label>
                <button id="help-button" onclick={open_help} aria-label={tr(l, "ctl.help")}>{"?"}</button>
            </header>
            if let Some(d) = description {
                <p class="scenario-description">{d}</p>
            }
            if let Some(msg) = player.notice.clone() {
                <div class="notice" role="alert" id="notice">
                    <span>{msg}</span>
                    <button onclick={{ let s = send.clone(); Callback::from(move |_| s.emit(Msg::DismissNotice)) }}>{tr(l, "notice.dismiss")}</button>
                </div>
            }
            <main class="stage">
                <div class="cluster-wrap">
                    <Topology snap={snap.clone()} t={t} selected={player.selected} highlight={player.highlight.clone()}
                              falling={falling} partition_mode={*partition_mode} on_select={on_select}
                              on_split={on_split} on_link={on_link} reduced_motion={*reduced_motion}/>
                    { for menu }
                </div>
                <aside class="side">
                    <Inspector snap={snap.clone()} selected={player.selected} message_fields={message_fields} send={send.clone()}/>
                    <Invariants invariants={player.invariants.clone()} violations={player.violations.clone()} ids={(*ids).clone()}
                                liveness={player.liveness.clone()} send={send.clone()}/>
                </aside>
            </main>
            <Controls playing={player.playing} t={t} end={player.end} speed={player.speed} marks={(*marks).clone()}
                      events={player.events()} send={send.clone()}/>
            <div class="lower">
                <EventLog entries={(*log_entries).clone()} ids={(*ids).clone()} send={send.clone()}/>
                <Network net={snap.network.clone()} partition_mode={*partition_mode} on_partition_mode={toggle_partition} send={send.clone()}/>
            </div>
            if *help { <Help on_close={close_help}/> }
        </div>
        </ContextProvider<Lang>>
    }
}

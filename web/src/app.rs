//! The application: top bar (protocol, scenario, nodes, seed), the cluster view with its node menu, playback
//! controls, inspector, invariants, network panel and event log; the animation loop and keyboard shortcuts.

use crate::catalog::{self, PROTOCOLS};
use crate::components::controls::Controls;
use crate::components::event_log::EventLog;
use crate::components::explore::Explore;
use crate::components::guide::Guide;
use crate::components::help::Help;
use crate::components::inspector::Inspector;
use crate::components::invariants::Invariants;
use crate::components::network::Network;
use crate::components::node_menu::NodeMenu;
use crate::components::spacetime::{DiagramRef, SpaceTime};
use crate::components::topbar::TopBar;
use crate::components::topology::{falling_messages, positions, MessageList, Topology, SIZE};
use crate::files::{copy_to_clipboard, download_text, read_text};
use crate::guide::chapters::CHAPTERS;
use crate::i18n::{tr, Lang};
use crate::player::{Msg, Player, Selection, Shared};
use crate::presets;
use crate::url::{self, Launch};
use gloo::events::{EventListener, EventListenerOptions};
use gloo::render::{request_animation_frame, AnimationFrame};
use netsplit_core::scenario::{Action, Scenario};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;
use yew::Reducible;

/// The first scenario shown: a Raft sandbox when Raft is available, else the first protocol this build runs.
pub fn initial_scenario() -> Scenario {
    let proto = PROTOCOLS.iter().find(|p| catalog::available(p.id)).map_or("link", |p| p.id);
    let info = catalog::info(proto).expect("listed");
    catalog::sandbox(proto, info.default_nodes, 1).expect("sandbox scenarios are valid")
}

thread_local! {
    /// When the animation frame being rendered started (performance.now()), until the render that follows it ends.
    static FRAME_START: Cell<Option<f64>> = const { Cell::new(None) };
}

/// Appends a number to a JS array on `window` (kept at most 5,000 long) for the frame-cost benchmark.
fn record(key: &str, ms: f64) {
    let Some(w) = web_sys::window() else { return };
    let key = wasm_bindgen::JsValue::from_str(key);
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

/// The player versions the event log and the message list show, and the refresh tick they were taken at (see
/// `App`).
struct Pace {
    log: u64,
    list: u64,
    tick: u64,
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
        FRAME_START.with(|f| f.set(Some(now_ms())));
        d.dispatch(Msg::Frame(dt));
        schedule_frame(h, last, d);
    });
    *holder.borrow_mut() = Some(frame);
}

fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Gives the focus back to `to` after a dialog closed, if the focus was lost with the dialog (closing by a click
/// elsewhere leaves it where the click put it). With nothing to give it to, the focus stays on the page itself.
fn give_focus_back(to: Option<web_sys::HtmlElement>) {
    let lost = crate::components::focus_lost();
    if let Some(el) = to.filter(|el| lost && el.tag_name() != "BODY") {
        let _ = el.focus();
    }
}

/// Keeps Tab inside an open modal dialog: from its last control Tab goes to its first, and Shift+Tab the other
/// way, instead of walking into the page behind it.
fn trap_focus(e: &KeyboardEvent) {
    let doc = gloo::utils::document();
    // The topmost dialog (Help can open over the share dialog): the last in the page.
    let Some(dialog) = doc
        .query_selector_all(".overlay[aria-modal=true]")
        .ok()
        .and_then(|all| all.length().checked_sub(1).and_then(|last| all.item(last)))
        .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let Ok(list) = dialog.query_selector_all("button, input, textarea, select, a[href]") else { return };
    let controls: Vec<web_sys::HtmlElement> =
        (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()).collect();
    let (Some(first), Some(last)) = (controls.first(), controls.last()) else { return };
    let active = doc.active_element();
    let inside = active.as_ref().is_some_and(|a| dialog.contains(Some(a)));
    let at = |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>());
    let to = if !inside {
        Some(if e.shift_key() { last } else { first })
    } else if e.shift_key() && at(first) {
        Some(last)
    } else if !e.shift_key() && at(last) {
        Some(first)
    } else {
        None
    };
    if let Some(el) = to {
        e.prevent_default();
        let _ = el.focus();
    }
}

fn set_theme(theme: &str) {
    if let Some(el) = gloo::utils::document().document_element() {
        let _ = el.set_attribute("data-theme", theme);
    }
}

/// The player a launch configuration asks for: its scenario at its playhead and speed, playing if autoplay.
pub fn start_player(l: &Launch) -> Player {
    let (p, notice) = match Player::new(l.scenario.clone()) {
        Ok(p) => (p, l.notice.clone()),
        Err(e) => (Player::new(initial_scenario()).expect("the sandbox is valid"), Some(e)),
    };
    let mut p = Rc::new(p);
    if let Some(s) = l.speed {
        p = p.reduce(Msg::Speed(s));
    }
    if !l.skip_quiet {
        p = p.reduce(Msg::SkipQuiet(false));
    }
    if l.t > 0.0 {
        p = p.reduce(Msg::Seek(l.t));
    }
    if let Some(e) = &l.embed {
        p = p.reduce(Msg::StopAt(e.end));
    }
    if l.autoplay || l.embed.as_ref().is_some_and(|e| e.autoplay) {
        p = p.reduce(Msg::Play);
    }
    if let Some(sel) = &l.selection {
        p = p.reduce(Msg::Select(url::parse_selection(sel)));
    }
    if let Some(n) = notice {
        p = p.reduce(Msg::Notice(n));
    }
    (*p).clone()
}

/// Properties of the app.
#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// How to start: scenario, playhead, language, views, embed mode.
    pub launch: Shared<Launch>,
}

/// The root component.
#[component]
pub fn App(props: &AppProps) -> Html {
    let launch = props.launch.clone();
    let player = {
        let l = launch.clone();
        use_reducer(move || start_player(&l))
    };
    let lang = use_state(|| launch.lang);
    let theme = use_state(|| launch.theme.clone());
    let views = use_state(|| launch.views);
    let share = use_state(|| None::<(String, String)>);
    let guide = use_state(|| None::<(usize, usize)>);
    let help = use_state(|| false);
    let finding = use_state(|| false);
    // Frame cost: from the animation frame's start to the end of the render it caused (the benchmark reads
    // window.__netsplitFrames); and when the first render happened (window.__netsplitFirstRender).
    use_effect(|| {
        if let Some(start) = FRAME_START.with(|f| f.take()) {
            record("__netsplitFrames", now_ms() - start);
        }
        if let Some(w) = web_sys::window() {
            let key = wasm_bindgen::JsValue::from_str("__netsplitFirstRender");
            if js_sys::Reflect::get(&w, &key).map(|v| v.is_undefined()).unwrap_or(false) {
                let _ = js_sys::Reflect::set(&w, &key, &wasm_bindgen::JsValue::from_f64(now_ms()));
            }
        }
    });
    {
        let t = (*theme).clone();
        use_effect_with(t, |t| set_theme(t));
    }
    // Embeds: loop back to the start at the end.
    {
        let d = player.dispatcher();
        let embed = launch.embed.clone();
        let stop = player.stop_at.unwrap_or(player.end as f64).min(player.end as f64);
        let at_end = !player.playing && player.t >= stop;
        use_effect_with(at_end, move |&at_end| {
            if let Some(e) = embed.filter(|e| at_end && e.looped) {
                // A short rest at the end before starting again.
                let t = gloo::timers::callback::Timeout::new(1200, move || {
                    d.dispatch(Msg::Seek(e.start));
                    d.dispatch(Msg::Play);
                });
                t.forget();
            }
        });
    }
    let partition_mode = use_state(|| false);
    let menu_open = use_state(|| false);
    let reduced_motion = use_memo((), |_| prefers_reduced_motion());
    // The callbacks handed to child components are made once (or again only when what they read changes): a
    // callback is compared by identity, so a fresh one each frame would re-render every panel every frame.
    let send: Callback<Msg> = {
        let d = player.dispatcher();
        use_callback((), move |m: Msg, _| {
            // Whatever is loaded now (a sandbox, a file, a counterexample, another preset) wins over a preset still
            // being fetched.
            if matches!(m, Msg::Load(_)) {
                presets::cancel();
            }
            d.dispatch(m)
        })
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
        let share = share.clone();
        let speed = player.speed;
        // Rebuilt when what it reads changes: "?" and "p" toggle from the current state, not the first one.
        use_effect_with((speed, *help, *partition_mode), move |&(speed, help_open, partitioning)| {
            // Not passive: Space must not scroll the page while it plays or pauses.
            let opts = EventListenerOptions::enable_prevent_default();
            let listener = EventListener::new_with_options(&gloo::utils::document(), "keydown", opts, move |e| {
                let Some(e) = e.dyn_ref::<KeyboardEvent>() else { return };
                if e.key() == "Tab" {
                    trap_focus(e);
                    return;
                }
                // Escape closes dialogs and menus from anywhere, the share dialog's text fields included.
                if e.key() == "Escape" {
                    help.set(false);
                    share.set(None);
                    partition_mode.set(false);
                    menu_open.set(false);
                    return;
                }
                let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                // A slider (speed, timeline) keeps its arrows, but Space, which does nothing there, still plays.
                let slider = target.as_ref().is_some_and(|el| el.get_attribute("type").as_deref() == Some("range"));
                let typing =
                    target.as_ref().is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
                        && !(slider && e.key() == " ");
                if typing || e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                // Space presses a focused button or link (the keyboard's click): it must not also play or pause.
                let pressable = target.as_ref().is_some_and(|el| {
                    matches!(el.tag_name().as_str(), "BUTTON" | "A" | "SUMMARY")
                        || el.get_attribute("role").as_deref() == Some("button")
                });
                if pressable && e.key() == " " {
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
                    "?" => help.set(!help_open),
                    "p" | "P" => partition_mode.set(!partitioning),
                    _ => {}
                }
            });
            move || drop(listener)
        });
    }

    // A dialog takes the focus when it opens and gives it back to what had it (the button that opened it, or
    // nothing if a shortcut did) when it closes.
    {
        let was = use_mut_ref(|| (false, false, None::<web_sys::HtmlElement>));
        let open = (share.is_some(), *help);
        use_effect_with(open, move |&(share, help)| {
            let mut was = was.borrow_mut();
            let opened = (share && !was.0).then_some("share-link").or((help && !was.1).then_some("help-close"));
            if let Some(id) = opened {
                let doc = gloo::utils::document();
                was.2 = doc.active_element().and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok());
                crate::components::focus(&format!("#{id}"));
            } else if (was.0 && !share) || (was.1 && !help) {
                give_focus_back(was.2.take());
            }
            (was.0, was.1) = (share, help);
        });
    }

    let l = *lang;
    let snap = player.snap.clone();
    let protocol = player.base.protocol.clone();
    let n = snap.nodes.len();

    let on_lang = {
        let lang = lang.setter();
        // Only a language the viewer picks is remembered: one set by a link (`lang=ko`) or an embed applies to that
        // page alone, or one Korean embed in a blog post would turn every other netsplit page Korean.
        use_callback((), move |l: Lang, _| {
            url::remember_lang(l);
            lang.set(l)
        })
    };
    let on_theme = {
        let theme = theme.setter();
        use_callback((), move |t: String, _| {
            set_theme(&t);
            theme.set(t);
        })
    };
    let on_select = {
        let send = send.clone();
        let menu_open = menu_open.setter();
        use_callback((), move |s: Selection, _| {
            menu_open.set(matches!(s, Selection::Node(_)));
            send.emit(Msg::Select(s));
        })
    };
    let on_split = {
        let send = send.clone();
        use_callback((), move |groups: Vec<Vec<usize>>, _| send.emit(Msg::Act(Box::new(Action::Partition(groups)))))
    };
    let on_link = {
        let send = send.clone();
        use_callback(snap.cut.clone(), move |(a, b, one_way): (usize, usize, bool), cut| {
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
        let pm = partition_mode.setter();
        use_callback(*partition_mode, move |_, &on| pm.set(!on))
    };
    let close_menu = {
        let m = menu_open.setter();
        use_callback((), move |_, _| m.set(false))
    };
    let close_help = {
        let h = help.clone();
        Callback::from(move |_| h.set(false))
    };
    let open_help = {
        let h = help.setter();
        use_callback((), move |(), _| h.set(true))
    };

    // Derived views of the trace: recently dropped messages, the log window, violation marks on the scrubber.
    let t = player.t;
    // Lost messages fall for 0.7 s of wall time (at most 150 ms of simulated time), and at most 40 at once.
    let window = (700.0 * player.speed).clamp(4.0, 150.0);
    // Derived values handed to components are memoised: a new `Shared` each render would re-render (and repaint)
    // the cluster on renders that changed nothing it shows, such as the event log's refresh.
    let falling = {
        let player = player.clone();
        (*use_memo((player.version, t.to_bits(), window.to_bits()), move |_| {
            Shared::new(player.with_trace(|tr| {
                let mut f = falling_messages(tr, n, t, window);
                let extra = f.len().saturating_sub(40);
                f.drain(..extra);
                f
            }))
        }))
        .clone()
    };
    // While playing, the event log and the accessible message list (with each message's position at `t`) are
    // refreshed in turns, each twice a second, by a timer of their own: they are read, not watched per frame, and
    // rebuilding hundreds of rows inside an animation frame made those frames the slowest of the run. The timer's
    // render runs between frames: App's own view, and of the components only the panel whose turn it is (the
    // others get equal props, see the memoised values below). Paused, both follow every step and seek.
    let ticks = use_mut_ref(|| 0u64);
    {
        let ticks = ticks.clone();
        let render = use_force_update();
        use_effect_with(player.playing, move |&playing| {
            let timer = playing.then(|| {
                gloo::timers::callback::Interval::new(250, move || {
                    // A hidden page shows nothing and gets no animation frames: nothing to refresh either.
                    if !gloo::utils::document().hidden() {
                        *ticks.borrow_mut() += 1;
                        render.force_update();
                    }
                })
            });
            move || drop(timer)
        });
    }
    let tick = *ticks.borrow();
    let pace = use_mut_ref(|| Pace { log: 0, list: 0, tick: 0 });
    let (log_version, list_version) = {
        let mut k = pace.borrow_mut();
        if !player.playing {
            *k = Pace { log: player.version, list: player.version, tick };
        } else if tick != k.tick {
            k.tick = tick;
            if k.tick % 2 == 1 {
                k.log = player.version;
            } else {
                k.list = player.version;
            }
        }
        (k.log, k.list)
    };
    let list_snap = use_memo((list_version, if player.playing { 0 } else { t.to_bits() }), |_| (snap.clone(), t));
    let log_entries = use_memo(log_version, |_| {
        let ev = player.events();
        player.with_trace(|tr| {
            let end = tr.partition_point(|e| e.ev <= ev);
            Shared::new(tr[end.saturating_sub(400)..end].to_vec())
        })
    });
    let ids = use_memo(player.base.clone(), |b| Shared::new(b.nodes.clone()));
    let message_fields = {
        let player = player.clone();
        (*use_memo((player.selected, player.version), move |&(selected, _)| match selected {
            Selection::Message(id) => player.with_run(|r| r.message_fields(id)).map(Shared::new),
            _ => None,
        }))
        .clone()
    };

    // The selected trace record (an event picked in the diagram or the log), and the nodes to highlight.
    let selected_event = {
        let player = player.clone();
        (*use_memo((player.selected, player.version), move |&(selected, _)| match selected {
            Selection::Event(i) => player.with_trace(|tr| {
                let k = tr.partition_point(|e| e.i < i);
                tr.get(k).filter(|e| e.i == i).cloned().map(Shared::new)
            }),
            _ => None,
        }))
        .clone()
    };
    let highlight =
        (*use_memo((selected_event.as_ref().and_then(|e| e.node), player.highlight.clone()), |(node, highlight)| {
            match node {
                Some(node) => Shared::new(vec![*node]),
                None => highlight.clone(),
            }
        }))
        .clone();
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

    // Sharing, files and the guide.
    let current_payload = {
        let player = player.clone();
        let lang = *lang;
        let views = *views;
        let playback = url::Playback { speed: player.speed, skip_quiet: player.skip_quiet };
        move || url::payload(&player.scenario(), player.t, lang, views, playback, player.selected)
    };
    let on_share = {
        let share = share.clone();
        let payload = current_payload.clone();
        let title = player.base.title.clone().unwrap_or_else(|| player.base.id.clone());
        let views = *views;
        Callback::from(move |_| {
            let p = payload();
            let link = format!("{}#{p}", url::base_url());
            copy_to_clipboard(&link);
            share.set(Some((link, url::embed_code(&p, &title, views))));
        })
    };
    let close_share = {
        let share = share.clone();
        Callback::from(move |_| share.set(None))
    };
    let on_download = {
        let player = player.clone();
        Callback::from(move |_| {
            let s = player.scenario();
            let text = serde_json::to_string_pretty(&s.to_json()).unwrap_or_default() + "\n";
            download_text(&format!("{}.json", s.id), "application/json", &text);
        })
    };
    let on_trace = {
        let player = player.clone();
        Callback::from(move |_| {
            let ids = netsplit_core::protocol::Cluster::new(player.base.nodes.clone());
            let text = player
                .with_trace(|tr| tr.iter().map(|e| e.to_json(&ids).to_string()).collect::<Vec<_>>().join("\n") + "\n");
            download_text(&format!("{}-trace.jsonl", player.base.id), "application/x-ndjson", &text);
        })
    };
    let open_text = {
        let send = send.clone();
        move |r: Result<String, String>| match r.and_then(|t| Scenario::parse(&t).map_err(|e| e.to_string())) {
            Ok(sc) => send.emit(Msg::Load(Box::new(sc))),
            Err(e) => send.emit(Msg::Notice(e)),
        }
    };
    let on_file = {
        let open_text = open_text.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(f) = input.files().and_then(|fs| fs.get(0)) {
                let open_text = open_text.clone();
                read_text(f, open_text);
            }
            input.set_value("");
        })
    };
    let on_drop = {
        let open_text = open_text.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(f) = e.data_transfer().and_then(|d| d.files()).and_then(|fs| fs.get(0)) {
                let open_text = open_text.clone();
                read_text(f, open_text);
            }
        })
    };
    let on_dragover = Callback::from(|e: DragEvent| e.prevent_default());
    let toggle_view = |diagram: bool| {
        let views = views.clone();
        Callback::from(move |_| {
            let mut v = *views;
            if diagram {
                v.diagram = !v.diagram;
            } else {
                v.cluster = !v.cluster;
            }
            if v.cluster || v.diagram {
                views.set(v);
            }
        })
    };
    let go_guide = {
        let guide = guide.setter();
        let send = send.clone();
        use_callback((), move |(c, st): (usize, usize), _| {
            let Some(step) = CHAPTERS.get(c).and_then(|ch| ch.steps.get(st)) else { return };
            guide.set(Some((c, st)));
            let send = send.clone();
            let until = step.until as f64;
            presets::request(step.scenario, move |r| match r {
                Ok(sc) => {
                    send.emit(Msg::Load(Box::new(sc)));
                    send.emit(Msg::Seek(until));
                }
                Err(e) => send.emit(Msg::Notice(format!("guide: {e}"))),
            });
        })
    };
    let exit_guide = {
        let guide = guide.setter();
        use_callback((), move |(), _| guide.set(None))
    };
    let on_guide = {
        let (go, exit) = (go_guide.clone(), exit_guide.clone());
        use_callback(guide.is_some(), move |(), &open| if open { exit.emit(()) } else { go.emit((0, 0)) })
    };
    // Guide highlights: the step's nodes and message types.
    let (guide_nodes, hl_kinds) = (*use_memo((*guide, player.base.clone()), |(guide, base)| match *guide {
        Some((c, st)) => {
            let step = &CHAPTERS[c].steps[st];
            let nodes: Vec<usize> =
                step.nodes.iter().filter_map(|id| base.nodes.iter().position(|x| x == id)).collect();
            (Some(Shared::new(nodes)), Shared::new(step.messages.iter().map(|m| m.to_string()).collect::<Vec<_>>()))
        }
        None => (None, Shared::new(Vec::new())),
    }))
    .clone();
    let highlight = match guide_nodes.filter(|g| !g.is_empty()) {
        Some(g) => g,
        None => highlight,
    };

    let cluster_view = html! {
        <div class="cluster-wrap">
            <Topology snap={snap.clone()} t={t} selected={player.selected} highlight={highlight.clone()}
                      hl_kinds={hl_kinds.clone()} falling={falling.clone()} partition_mode={*partition_mode}
                      on_select={on_select.clone()} on_split={on_split.clone()} on_link={on_link.clone()}
                      reduced_motion={*reduced_motion}/>
            <MessageList snap={list_snap.0.clone()} t={list_snap.1} positions={!player.playing} on_select={on_select.clone()}/>
            { for menu }
        </div>
    };
    let diagram_view = html! {
        <SpaceTime diagram={DiagramRef(player.diagram.clone())} version={player.version} ids={ids.0.clone()}
                   t={t} events={player.events()} end={player.end} selected={player.selected}
                   send={send.clone()} name={player.base.id.clone()} gen={player.diagram_gen}/>
    };

    // Embed mode: the views and compact controls only, with a link to the full app.
    if launch.embed.is_some() {
        let open_full = format!("{}#{}", url::base_url(), current_payload());
        return html! {
            <ContextProvider<Lang> context={l}>
            <div class={classes!("embed", (views.cluster && views.diagram).then_some("both"))} lang={l.code()}>
                <div class="embed-views">
                    if views.cluster { { cluster_view } }
                    if views.diagram { { diagram_view } }
                </div>
                <div class="embed-bar">
                    <button id="play" class="primary" onclick={{ let s = send.clone(); Callback::from(move |_| s.emit(Msg::Toggle)) }}
                            aria-label={if player.playing { tr(l, "ctl.pause") } else { tr(l, "ctl.play") }}>
                        { if player.playing { crate::components::icons::pause() } else { crate::components::icons::play() } }
                    </button>
                    <input id="scrubber" type="range" min="0" max={player.end.to_string()} value={format!("{t:.0}")}
                           aria-label={tr(l, "ctl.timeline")}
                           oninput={{ let s = send.clone(); Callback::from(move |e: InputEvent| {
                               let i: HtmlInputElement = e.target_unchecked_into();
                               if let Some(v) = crate::number(&i.value()) { s.emit(Msg::Seek(v)); }
                           }) }}/>
                    <span class="clock">{format!("{t:.0} ms")}</span>
                    <a class="open-full" href={open_full} target="_blank" rel="noopener">{tr(l, "embed.open")}</a>
                </div>
                if let Some(msg) = player.notice.clone() { <div class="notice" role="alert" id="notice">{msg}</div> }
            </div>
            </ContextProvider<Lang>>
        };
    }

    let description = player.base.description.clone();
    html! {
        <ContextProvider<Lang> context={l}>
        <div class={classes!("app", (*partition_mode).then_some("partitioning"))} lang={l.code()}
             ondrop={on_drop} ondragover={on_dragover}>
            <TopBar lang={l} base={player.base.clone()} theme={AttrValue::from((*theme).clone())} guide_open={guide.is_some()}
                    send={send.clone()} on_lang={on_lang} on_theme={on_theme} on_guide={on_guide} on_help={open_help}/>
            <nav class="toolbar" aria-label={tr(l, "tools.title")}>
                <button id="share-button" onclick={on_share}>{tr(l, "tools.share")}</button>
                <button id="find-button" class={classes!((*finding).then_some("active"))} aria-pressed={finding.to_string()}
                        onclick={{ let f = finding.clone(); Callback::from(move |_| f.set(!*f)) }}>{tr(l, "find.button")}</button>
                <button id="download-scenario" onclick={on_download}>{tr(l, "tools.downloadScenario")}</button>
                <button id="download-trace" onclick={on_trace}>{tr(l, "tools.downloadTrace")}</button>
                <label class="file-button">{tr(l, "tools.open")}
                    <input id="open-file" type="file" accept=".json,application/json" onchange={on_file}/>
                </label>
                <span class="hint">{tr(l, "tools.drop")}</span>
                <span class="spacer"></span>
                <label><input type="checkbox" id="view-cluster" checked={views.cluster} onchange={toggle_view(false)}/>{tr(l, "views.cluster")}</label>
                <label><input type="checkbox" id="view-diagram" checked={views.diagram} onchange={toggle_view(true)}/>{tr(l, "views.diagram")}</label>
            </nav>
            if *finding {
                <Explore base={player.base.clone()} current={{ let p = player.clone(); Callback::from(move |_| p.scenario()) }}
                         send={send.clone()} on_close={{ let f = finding.clone(); Callback::from(move |_| f.set(false)) }}/>
            }
            if let Some((c, st)) = *guide {
                <Guide chapter={c} step={st} on_go={go_guide.clone()} on_exit={exit_guide.clone()}/>
            } else if let Some(d) = description {
                <p class="scenario-description">{d}</p>
            }
            if let Some(msg) = player.notice.clone() {
                <div class="notice" role="alert" id="notice">
                    <span>{msg}</span>
                    <button onclick={{ let s = send.clone(); Callback::from(move |_| s.emit(Msg::DismissNotice)) }}>{tr(l, "notice.dismiss")}</button>
                </div>
            }
            <main class={classes!("stage", (!(views.cluster && views.diagram)).then_some("single"))}>
                if views.cluster { { cluster_view } }
                if views.diagram { { diagram_view } }
            </main>
            <Controls playing={player.playing} t={t} end={player.end} speed={player.speed} marks={player.marks.clone()}
                      skip_quiet={player.skip_quiet} quieting={player.quieting}
                      events={player.events()} send={send.clone()}/>
            <div class="lower">
                <Inspector snap={snap.clone()} selected={player.selected} message_fields={message_fields}
                           event={selected_event} ids={(*ids).clone()} send={send.clone()}/>
                <Invariants invariants={player.invariants.clone()} violations={player.violations.clone()} ids={(*ids).clone()}
                            liveness={player.liveness.clone()} send={send.clone()}/>
                <EventLog entries={(*log_entries).clone()} ids={(*ids).clone()} send={send.clone()}
                          selected={if let Selection::Event(i) = player.selected { Some(i) } else { None }}/>
                <Network net={snap.network.clone()} partition_mode={*partition_mode} on_partition_mode={toggle_partition} send={send.clone()}/>
            </div>
            if let Some((link, code)) = (*share).clone() {
                <div class="overlay" role="dialog" aria-modal="true" aria-label={tr(l, "tools.share")} id="share-dialog">
                    <div class="overlay-box share-box">
                        <h2>{tr(l, "tools.share")}</h2>
                        <label>{tr(l, "share.link")}<input id="share-link" type="text" readonly=true value={link}/></label>
                        <p class="hint">{tr(l, "share.copied")}</p>
                        <label>{tr(l, "share.embed")}<textarea id="embed-code" readonly=true rows="4" value={code.clone()}/></label>
                        <button id="copy-embed" onclick={Callback::from(move |_| { copy_to_clipboard(&code); })}>{tr(l, "share.copyEmbed")}</button>
                        <button id="share-close" onclick={close_share}>{tr(l, "help.close")}</button>
                    </div>
                </div>
            }
            if *help { <Help on_close={close_help}/> }
        </div>
        </ContextProvider<Lang>>
    }
}

//! The space-time diagram panel, in sync with the cluster view: the playhead is a line across it, selecting an
//! event or a message selects it everywhere, clicking the background seeks there, and selecting an event shows
//! its causal past and future. Orders: true time, Lamport timestamps, each node's physical clock. Zoom and pan;
//! only the visible window is drawn. Export the window (or a time range) as SVG or PNG.

use crate::files::{download, download_png};
use crate::i18n::{tr, use_lang};
use crate::player::{Msg, Selection};
use netsplit_core::spacetime::render::{shapes, to_svg, Focus, Geometry, Labels, Shape};
use netsplit_core::spacetime::{Diagram, Order};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlInputElement, WheelEvent};
use yew::prelude::*;

/// Width of the drawing (SVG user units).
const WIDTH: f64 = 520.0;
/// Height of the visible window.
const HEIGHT: f64 = 620.0;
const TOP: f64 = 36.0;
/// Most events drawn at once while following the playhead.
const MAX_DRAWN: usize = 400;

/// The diagram, shared with the player (mutated in place as the trace grows; `version` says when).
#[derive(Clone)]
pub struct DiagramRef(pub Rc<RefCell<Diagram>>);

impl PartialEq for DiagramRef {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.0, &o.0)
    }
}

/// Properties of the diagram panel.
#[derive(Properties, PartialEq)]
pub struct SpaceTimeProps {
    /// The diagram.
    pub diagram: DiagramRef,
    /// Bumped when the diagram changed.
    pub version: u64,
    /// Node ids.
    pub ids: Rc<Vec<String>>,
    /// Playhead (true ms).
    pub t: f64,
    /// Events processed at the playhead (later events are drawn faded).
    pub events: u64,
    /// End of the run.
    pub end: u64,
    /// Selection.
    pub selected: Selection,
    /// Sends a player message.
    pub send: Callback<Msg>,
    /// Scenario id, for file names.
    pub name: String,
}

fn f1(x: f64) -> String {
    format!("{x:.1}")
}

fn render_shape(s: &Shape) -> Html {
    match s {
        Shape::Line { x1, y1, x2, y2, class, data } => {
            let msg = data.as_ref().map(|(_, v)| v.clone());
            html! { <line x1={f1(*x1)} y1={f1(*y1)} x2={f1(*x2)} y2={f1(*y2)} class={class.clone()} data-msg={msg}/> }
        }
        Shape::Circle { cx, cy, r, class, data, title } => {
            let get = |k: &str| data.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
            html! {
                <circle cx={f1(*cx)} cy={f1(*cy)} r={r.to_string()} class={class.clone()}
                        data-point={get("point")} data-lamport={get("lamport")} data-t={get("t")}
                        data-node={get("node")} data-name={get("name")}>
                    <title>{title}</title>
                </circle>
            }
        }
        Shape::Rect { x, y, w, h, class, title } => html! {
            <rect x={f1(*x)} y={f1(*y)} width={f1(*w)} height={f1(*h)} class={class.clone()}><title>{title}</title></rect>
        },
        Shape::Text { x, y, text, class } => html! { <text x={f1(*x)} y={f1(*y)} class={class.clone()}>{text}</text> },
    }
}

/// The space-time diagram panel.
#[component]
pub fn SpaceTime(p: &SpaceTimeProps) -> Html {
    let lang = use_lang();
    let order = use_state(|| Order::TrueTime);
    let labels = use_state(|| Labels { types: true, notes: true, ..Default::default() });
    // Short runs fit the panel; longer ones start at 1.5 px per ms (a window of about 400 ms).
    let fit = |end: u64| if end <= 1_500 { (HEIGHT - TOP) / end.max(50) as f64 } else { 1.5 };
    // px per coordinate unit, one per order: a Lamport step deserves far more room than a millisecond.
    let scales = use_state(|| [fit(p.end), 36.0, fit(p.end)]);
    {
        let scales = scales.clone();
        use_effect_with((p.name.clone(), p.end), move |(_, end)| {
            scales.set([fit(*end), 36.0, fit(*end)]);
        });
    }
    let follow = use_state(|| true);
    let top = use_state(|| 0.0f64); // coordinate at the top of the window when not following
    let svg_ref = use_node_ref();
    let from_ref = use_node_ref();
    let to_ref = use_node_ref();

    let d = p.diagram.0.borrow();
    let ord = *order;
    let slot = match ord {
        Order::TrueTime => 0,
        Order::Lamport => 1,
        Order::Physical => 2,
    };
    let scale_now = scales[slot];
    // The coordinate of the playhead in the current order.
    let head = match ord {
        Order::TrueTime => p.t,
        _ => {
            let done = d.points.partition_point(|q| q.ev <= p.events);
            d.points[..done].iter().rev().take(64).map(|q| d.coord(q, ord)).fold(f64::NAN, f64::max)
        }
    };
    let head = if head.is_nan() { 0.0 } else { head };
    // When following a dense run in true time, zoom in so that at most MAX_DRAWN events are on screen: the
    // panel stays readable and its cost per frame bounded whatever the run.
    let scale_now = if *follow && ord == Order::TrueTime {
        let done = d.points.partition_point(|q| q.ev <= p.events);
        let back = done.saturating_sub(MAX_DRAWN);
        match d.points.get(back) {
            Some(q) if done - back == MAX_DRAWN && head > q.t as f64 => {
                scale_now.max((HEIGHT - TOP) * 0.7 / (head - q.t as f64))
            }
            _ => scale_now,
        }
    } else {
        scale_now
    };
    let span = (HEIGHT - TOP) / scale_now;
    let c0 = if !*follow {
        *top
    } else if ord == Order::TrueTime {
        (head - span * 0.7).min(p.end as f64 - span).max(0.0)
    } else {
        (head - span * 0.7).max(if ord == Order::Physical { f64::MIN } else { 0.0 })
    };
    let g = Geometry { width: WIDTH, top: TOP, c0, scale: scale_now, n: d.n };
    let (c_from, c_to) = (c0, c0 + span);
    // Points to consider: the true-time window itself, or in the other orders the last few thousand events.
    let (t_from, t_to) = match ord {
        Order::TrueTime => (c_from.max(0.0) as u64, c_to.max(0.0).ceil() as u64),
        _ => {
            let k = d.points.len().saturating_sub(20_000);
            (d.points.get(k).map_or(0, |q| q.t), u64::MAX)
        }
    };
    let focus = Focus {
        point: match p.selected {
            Selection::Event(i) => d.points.iter().position(|q| q.trace == i),
            _ => None,
        },
        message: match p.selected {
            Selection::Message(id) => Some(id),
            _ => None,
        },
    };
    let sh = shapes(&d, &p.ids, ord, &g, (c_from, c_to), (t_from, t_to), *labels, &focus, p.events);
    let past_future = focus.point.map(|i| (d.past(i).len(), d.future(i).len()));
    let drawn: Vec<Html> = sh.iter().map(render_shape).collect();
    let playhead = (ord == Order::TrueTime).then(|| {
        let y = g.y(p.t);
        html! { <line class="st-playhead" x1="0" x2={WIDTH.to_string()} y1={f1(y)} y2={f1(y)}/> }
    });
    drop(d);

    // Clicks: a point selects the event, an arrow the message, the background seeks (true time).
    let onclick = {
        let send = p.send.clone();
        let svg_ref = svg_ref.clone();
        let follow = follow.clone();
        let diagram = p.diagram.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(target) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
            if let Some(pt) = target.get_attribute("data-point").and_then(|v| v.parse::<usize>().ok()) {
                let trace = diagram.0.borrow().points.get(pt).map(|q| q.trace);
                if let Some(i) = trace {
                    send.emit(Msg::Select(Selection::Event(i)));
                }
                return;
            }
            if let Some(m) = target.get_attribute("data-msg").and_then(|v| v.parse::<u64>().ok()) {
                send.emit(Msg::Select(Selection::Message(m)));
                return;
            }
            if ord != Order::TrueTime {
                return;
            }
            if let Some(svg) = svg_ref.cast::<Element>() {
                let r = svg.get_bounding_client_rect();
                let y = (e.client_y() as f64 - r.top()) / r.height().max(1.0) * HEIGHT;
                let t = g.coord_at(y);
                follow.set(true);
                send.emit(Msg::Seek(t.max(0.0)));
            }
        })
    };
    let onwheel = {
        let scales = scales.clone();
        let follow = follow.clone();
        let top = top.clone();
        Callback::from(move |e: WheelEvent| {
            e.prevent_default();
            if e.ctrl_key() {
                let f = if e.delta_y() > 0.0 { 0.8 } else { 1.25 };
                let mut sc = *scales;
                sc[slot] = (sc[slot] * f).clamp(0.002, 200.0);
                scales.set(sc);
            } else {
                follow.set(false);
                top.set(c0 + e.delta_y() / scale_now);
            }
        })
    };
    let zoom = |f: f64| {
        let scales = scales.clone();
        Callback::from(move |_| {
            let mut sc = *scales;
            sc[slot] = (sc[slot] * f).clamp(0.002, 200.0);
            scales.set(sc);
        })
    };
    let set_order = {
        let order = order.clone();
        let follow = follow.clone();
        Callback::from(move |e: Event| {
            let s: web_sys::HtmlSelectElement = e.target_unchecked_into();
            order.set(match s.value().as_str() {
                "lamport" => Order::Lamport,
                "physical" => Order::Physical,
                _ => Order::TrueTime,
            });
            follow.set(true);
        })
    };
    let toggle = |f: fn(&mut Labels) -> &mut bool| {
        let labels = labels.clone();
        Callback::from(move |_| {
            let mut l = *labels;
            let v = f(&mut l);
            *v = !*v;
            labels.set(l);
        })
    };
    let follow_cb = {
        let follow = follow.clone();
        Callback::from(move |_| follow.set(!*follow))
    };
    let export = |png: bool| {
        let diagram = p.diagram.clone();
        let ids = p.ids.clone();
        let labels = *labels;
        let scale = scale_now;
        let name = p.name.clone();
        let (from_ref, to_ref) = (from_ref.clone(), to_ref.clone());
        let events = p.events;
        Callback::from(move |_| {
            let num = |r: &NodeRef| r.cast::<HtmlInputElement>().and_then(|i| i.value().trim().parse::<f64>().ok());
            // A chosen range (true time) if both ends are given, else the visible window.
            let (a, b, sc, o) = match (num(&from_ref), num(&to_ref)) {
                // Same density as on screen, but never taller than 20,000 px.
                (Some(a), Some(b)) if b > a => (a, b, scale.min(20_000.0 / (b - a)), Order::TrueTime),
                _ => (c_from, c_to, scale, ord),
            };
            let d = diagram.0.borrow();
            let g = Geometry { width: WIDTH, top: TOP, c0: a, scale: sc, n: d.n };
            let tw = if o == Order::TrueTime { (a.max(0.0) as u64, b.ceil().max(0.0) as u64) } else { (t_from, t_to) };
            let sh = shapes(&d, &ids, o, &g, (a, b), tw, labels, &Focus::default(), events);
            let h = g.y(b) + 20.0;
            let svg = to_svg(&sh, WIDTH, h, &format!("netsplit {name} {a:.0}-{b:.0}"));
            let file = format!("netsplit-{name}-{a:.0}-{b:.0}");
            if png {
                download_png(format!("{file}.png"), svg, WIDTH, h);
            } else {
                download(&format!("{file}.svg"), "image/svg+xml", &JsValue::from_str(&svg));
            }
        })
    };
    let l = *labels;
    let (export_svg, export_png) = (export(false), export(true));
    html! {
        <section class="panel spacetime" aria-label={tr(lang, "st.title")}>
            <div class="st-head">
                <h2>{tr(lang, "st.title")}</h2>
                <label>{tr(lang, "st.order")}
                    <select id="st-order" onchange={set_order}>
                        <option value="true" selected={ord == Order::TrueTime}>{tr(lang, "st.trueTime")}</option>
                        <option value="lamport" selected={ord == Order::Lamport}>{tr(lang, "st.lamport")}</option>
                        <option value="physical" selected={ord == Order::Physical}>{tr(lang, "st.physical")}</option>
                    </select>
                </label>
                <button id="st-zoom-in" onclick={zoom(1.5)} aria-label={tr(lang, "st.zoomIn")}>{"+"}</button>
                <button id="st-zoom-out" onclick={zoom(1.0 / 1.5)} aria-label={tr(lang, "st.zoomOut")}>{"−"}</button>
                <button id="st-follow" class={classes!((*follow).then_some("active"))} onclick={follow_cb}>{tr(lang, "st.follow")}</button>
            </div>
            <div class="st-labels">
                <label><input type="checkbox" id="st-l-types" checked={l.types} onchange={toggle(|l| &mut l.types)}/>{tr(lang, "st.types")}</label>
                <label><input type="checkbox" id="st-l-notes" checked={l.notes} onchange={toggle(|l| &mut l.notes)}/>{tr(lang, "st.notes")}</label>
                <label><input type="checkbox" id="st-l-lamport" checked={l.lamport} onchange={toggle(|l| &mut l.lamport)}/>{"L"}</label>
                <label><input type="checkbox" id="st-l-vector" checked={l.vector} onchange={toggle(|l| &mut l.vector)}/>{"V"}</label>
                <label><input type="checkbox" id="st-l-wall" checked={l.wall} onchange={toggle(|l| &mut l.wall)}/>{"PC"}</label>
            </div>
            <svg id="spacetime" ref={svg_ref} viewBox={format!("0 0 {WIDTH} {HEIGHT}")} onclick={onclick} onwheel={onwheel}
                 role="img" aria-label={tr(lang, "st.title")}>
                <defs>
                    <marker id="st-arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0 0 L10 5 L0 10 z" class="st-head-fill"/>
                    </marker>
                    <pattern id="st-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <line x1="0" y1="0" x2="0" y2="6" class="st-hatch-line"/>
                    </pattern>
                </defs>
                { for drawn }
                { for playhead }
            </svg>
            if let Some((past, future)) = past_future {
                <p class="st-causal" id="st-causal">{format!("{} {past} · {} {future}", tr(lang, "st.past"), tr(lang, "st.future"))}</p>
            }
            <div class="st-export">
                <span>{tr(lang, "st.export")}</span>
                <label>{tr(lang, "st.from")}<input ref={from_ref.clone()} id="st-from" type="number" min="0" placeholder="—"/></label>
                <label>{tr(lang, "st.to")}<input ref={to_ref.clone()} id="st-to" type="number" min="0" placeholder="—"/></label>
                <button id="st-svg" onclick={export_svg}>{"SVG"}</button>
                <button id="st-png" onclick={export_png}>{"PNG"}</button>
            </div>
        </section>
    }
}

//! The space-time diagram panel, in sync with the cluster view: the playhead is a line across it, selecting an
//! event or a message selects it everywhere, clicking the background seeks there, and selecting an event shows
//! its causal past and future. Orders: true time, Lamport timestamps, each node's physical clock. Zoom and pan;
//! only the visible window is drawn. Export the window (or a time range) as SVG or PNG.

use crate::files::{download, download_png};
use crate::i18n::{tr, use_lang};
use crate::player::{Msg, Selection};
use netsplit_core::spacetime::render::{headers, shapes, to_svg, Focus, Geometry, Labels, Shape};
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
const MAX_DRAWN: usize = 300;
/// Above this many events in the window, the body is painted on a canvas.
const DENSE: usize = 150;

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
    /// Bumped when the diagram was rebuilt rather than extended.
    pub gen: u64,
}

/// Properties of one chunk of the true-time body.
#[derive(Properties, PartialEq)]
struct ChunkProps {
    diagram: DiagramRef,
    gen: u64,
    /// Changes while new events can still land in this chunk.
    content: u64,
    k: u64,
    ch: f64,
    scale: f64,
    ids: Rc<Vec<String>>,
    labels: Labels,
    focus: Focus,
    now_key: u64,
}

/// One window-sized slice of the diagram in fixed coordinates (re-rendered only when its props change).
#[component]
fn StChunk(p: &ChunkProps) -> Html {
    let d = p.diagram.0.borrow();
    let g = Geometry { width: WIDTH, top: TOP, c0: 0.0, scale: p.scale, n: d.n };
    let (a, b) = (p.k as f64 * p.ch, (p.k + 1) as f64 * p.ch);
    let sh =
        shapes(&d, &p.ids, Order::TrueTime, &g, (a, b), (a as u64, b.ceil() as u64), p.labels, &p.focus, p.now_key);
    // One group per layer: new events append at the end of their layer, so the diff of a growing chunk only adds.
    let mut layers: [Vec<Html>; 8] = Default::default();
    for s in &sh {
        layers[layer(s)].push(render_shape(s));
    }
    html! { <g class="st-chunk">{ for layers.into_iter().map(|l| html! { <g>{ for l }</g> }) }</g> }
}

fn f1(x: f64) -> String {
    format!("{x:.1}")
}

enum Hit {
    Point(usize),
    Message(u64),
}

/// What was painted under (x, y): an event point within 6 units, else a message arrow within 4.
fn hit(shapes: &[Shape], x: f64, y: f64) -> Option<Hit> {
    let mut best: Option<(f64, Hit)> = None;
    for s in shapes {
        match s {
            Shape::Circle { cx, cy, data, .. } => {
                let d2 = (cx - x).powi(2) + (cy - y).powi(2);
                let id = data.iter().find(|(k, _)| *k == "point").and_then(|(_, v)| v.parse::<usize>().ok());
                if let (true, Some(id)) = (d2 <= 36.0, id) {
                    if best.as_ref().is_none_or(|(b, _)| d2 < *b) {
                        best = Some((d2, Hit::Point(id)));
                    }
                }
            }
            Shape::Line { x1, y1, x2, y2, data: Some((_, v)), .. } if best.is_none() => {
                let (dx, dy) = (x2 - x1, y2 - y1);
                let len2 = (dx * dx + dy * dy).max(1e-9);
                let u = (((x - x1) * dx + (y - y1) * dy) / len2).clamp(0.0, 1.0);
                let d2 = (x1 + u * dx - x).powi(2) + (y1 + u * dy - y).powi(2);
                if let (true, Ok(m)) = (d2 <= 16.0, v.parse::<u64>()) {
                    return Some(Hit::Message(m));
                }
            }
            _ => {}
        }
    }
    best.map(|(_, h)| h)
}

/// What a shape's class says about how it is painted, read in one pass over its words (the paint used to search
/// the class for each word in turn, a few thousand substring searches a frame).
#[derive(Default)]
struct Style {
    band: bool,
    bad: bool,
    down: bool,
    hue: Option<u8>,
    selected: bool,
    future_run: bool,
    past: bool,
    future: bool,
    concurrent: bool,
    cross: bool,
    reason: bool,
}

impl Style {
    fn of(class: &str) -> Style {
        let mut st = Style::default();
        for word in class.split(' ') {
            match word {
                "band" => st.band = true,
                "violation" | "crash" => st.bad = true,
                "st-down" => st.down = true,
                "selected" => st.selected = true,
                "future-run" => st.future_run = true,
                "past" => st.past = true,
                "future" => st.future = true,
                "concurrent" => st.concurrent = true,
                "st-cross" => st.cross = true,
                "st-reason" => st.reason = true,
                w => {
                    if let Some(k) = w.strip_prefix("hue").and_then(|k| k.parse::<u8>().ok()) {
                        st.hue = Some(k);
                    }
                }
            }
        }
        st
    }
}

/// Paints shapes (in the panel's 520×620 units) on the canvas under the SVG, fitted the way the SVG fits its
/// viewBox (centred, uniform scale); an empty list clears it. `size` is the canvas's CSS size.
fn paint(c: &web_sys::HtmlCanvasElement, size: Option<(f64, f64)>, shapes: &[Shape]) {
    let Some(ctx) =
        c.get_context("2d").ok().flatten().and_then(|x| x.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    let (cw, ch) = size.unwrap_or((WIDTH, HEIGHT));
    let (w, h) = ((cw.max(1.0) * dpr).round() as u32, (ch.max(1.0) * dpr).round() as u32);
    if c.width() != w || c.height() != h {
        c.set_width(w);
        c.set_height(h);
    }
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, w as f64, h as f64);
    if shapes.is_empty() {
        return;
    }
    let k = (cw / WIDTH).min(ch / HEIGHT).max(1e-9);
    let (ox, oy) = ((cw - WIDTH * k) / 2.0, (ch - HEIGHT * k) / 2.0);
    let _ = ctx.set_transform(dpr * k, 0.0, 0.0, dpr * k, dpr * ox, dpr * oy);
    let super::palette::Palette { hues, fg, muted, bad, accent, ok, .. } = super::palette::palette(c);
    let colours: [&str; 14] = [
        &hues[0], &hues[1], &hues[2], &hues[3], &hues[4], &hues[5], &hues[6], &hues[7], &fg, &muted, &bad, &accent,
        &ok, "#f59e0b",
    ];
    const FG: u8 = 8;
    const MUTED: u8 = 9;
    const BAD: u8 = 10;
    const ACCENT: u8 = 11;
    const OK: u8 = 12;
    const AMBER: u8 = 13;
    // Shapes that look alike are painted as one path (one fill or stroke, one colour string decoded), grouped by
    // (layer, colour, line width, opacity); the layer keeps bands under lines under points under text.
    let mut groups: netsplit_core::vecmap::VecMap<(u8, u8, u8, u8), Vec<&Shape>> = Default::default();
    for s in shapes {
        let st = Style::of(shape_class(s));
        let key = match s {
            Shape::Rect { .. } => (0, if st.band || st.bad { BAD } else { MUTED }, 0, if st.band { 9 } else { 60 }),
            Shape::Line { .. } => {
                let colour = match st.hue {
                    Some(k) => k % 8,
                    None if st.down => BAD,
                    None => MUTED,
                };
                (1, colour, if st.selected { 30 } else { 13 }, if st.future_run { 25 } else { 100 })
            }
            Shape::Circle { .. } => {
                let colour = if st.selected {
                    AMBER
                } else if st.past {
                    ACCENT
                } else if st.future && !st.future_run {
                    OK
                } else {
                    FG
                };
                (2, colour, 0, if st.concurrent || st.future_run { 30 } else { 100 })
            }
            // A lost message's cross is stroked, not typed: "✕" is not in the canvas font, and every fillText of it
            // went through font fallback, the dearest call of the frame in a lossy run.
            Shape::Text { .. } if st.cross => (4, BAD, 15, 100),
            Shape::Text { .. } => (3, if st.reason { BAD } else { MUTED }, 0, 100),
        };
        groups.entry(key).or_default().push(s);
    }
    super::canvas::set_font(&ctx, "9px system-ui, sans-serif");
    for ((layer, colour, width, alpha), group) in groups {
        let colour = colours[colour as usize];
        ctx.set_global_alpha(f64::from(alpha) / 100.0);
        match layer {
            0 => {
                ctx.set_fill_style_str(colour);
                for s in group {
                    if let Shape::Rect { x, y, w, h, .. } = s {
                        ctx.fill_rect(*x, *y, *w, *h);
                    }
                }
            }
            1 => {
                ctx.set_stroke_style_str(colour);
                ctx.set_line_width(f64::from(width) / 10.0);
                ctx.begin_path();
                for s in group {
                    if let Shape::Line { x1, y1, x2, y2, .. } = s {
                        ctx.move_to(*x1, *y1);
                        ctx.line_to(*x2, *y2);
                    }
                }
                ctx.stroke();
            }
            2 => {
                ctx.set_fill_style_str(colour);
                ctx.begin_path();
                for s in group {
                    if let Shape::Circle { cx, cy, r, .. } = s {
                        ctx.move_to(cx + r * 0.8, *cy);
                        let _ = ctx.arc(*cx, *cy, r * 0.8, 0.0, std::f64::consts::TAU);
                    }
                }
                ctx.fill();
            }
            3 => {
                ctx.set_fill_style_str(colour);
                for s in group {
                    if let Shape::Text { x, y, text, class } = s {
                        // Notes beside a mark end at it, as in the SVG drawing (text-anchor: end), unless there is
                        // no room on its left (`after`).
                        let end = class.starts_with("st-marktext") && !class.ends_with(" after");
                        if end {
                            ctx.set_text_align("end");
                        }
                        let _ = ctx.fill_text(text, *x, *y);
                        if end {
                            ctx.set_text_align("start");
                        }
                    }
                }
            }
            _ => {
                // Where the SVG drawing puts the glyph: centred on x, on baseline y (12 px type).
                ctx.set_stroke_style_str(colour);
                ctx.set_line_width(f64::from(width) / 10.0);
                ctx.begin_path();
                for s in group {
                    if let Shape::Text { x, y, .. } = s {
                        let (cx, cy) = (*x, *y - 4.0);
                        ctx.move_to(cx - 3.0, cy - 3.0);
                        ctx.line_to(cx + 3.0, cy + 3.0);
                        ctx.move_to(cx + 3.0, cy - 3.0);
                        ctx.line_to(cx - 3.0, cy + 3.0);
                    }
                }
                ctx.stroke();
            }
        }
    }
    ctx.set_global_alpha(1.0);
}

/// A shape's class.
fn shape_class(s: &Shape) -> &str {
    match s {
        Shape::Line { class, .. }
        | Shape::Circle { class, .. }
        | Shape::Rect { class, .. }
        | Shape::Text { class, .. } => class,
    }
}

/// The drawing layer of a shape, from its class (back to front).
fn layer(s: &Shape) -> usize {
    let first = shape_class(s).split(' ').next().unwrap_or("");
    match first {
        "band" => 0,
        "st-line" | "st-down" | "st-paused" => 1,
        "st-arrow" => 2,
        "st-cross" | "st-reason" | "st-type" => 3,
        "st-mark" | "st-marktext" => 4,
        "st-point" => 5,
        "st-label" => 6,
        _ => 7,
    }
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
                // Quantised to steps of 1.25×, so the zoom (and the drawing, which is cached per zoom level)
                // changes only when the density really does.
                let need = (HEIGHT - TOP) * 0.7 / (head - q.t as f64);
                let steps = (need / scale_now).ln() / 1.25f64.ln();
                if steps > 0.0 {
                    scale_now * 1.25f64.powi(steps.ceil() as i32)
                } else {
                    scale_now
                }
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
        let c0 = (head - span * 0.7).min(p.end as f64 - span).max(0.0);
        // At the end of a run whose last event came long before, a zoomed-in window on the playhead would be
        // empty lanes: show the last events instead (nothing happens after them).
        let last = d.points.last().map_or(0.0, |q| q.t as f64);
        if head >= p.end as f64 && last < c0 {
            (last - span * 0.7).max(0.0)
        } else {
            c0
        }
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
    let past_future = focus.point.map(|i| (d.past(i).len(), d.future(i).len()));
    // Dense windows (a busy run at speed) are painted on a canvas: hundreds of SVG elements changing every frame
    // would cost more than the budget of a frame. Sparse ones stay SVG (selectable elements, exact export).
    let visible = match ord {
        Order::TrueTime => d.points_between(c_from.max(0.0) as u64, c_to.max(0.0).ceil() as u64).len(),
        _ => 0,
    };
    let dense = visible > DENSE;
    let canvas_shapes = if dense {
        // A dense window has more arrows than room for their labels, and painting them was the dearest part of the
        // frame: only the selected arrow keeps its label there (see `Labels::crowded`). Sparse windows label
        // every arrow.
        shapes(
            &d,
            &p.ids,
            ord,
            &g,
            (c_from, c_to),
            (t_from, t_to),
            Labels { headers: false, bare: true, crowded: true, ..*labels },
            &focus,
            p.events,
        )
    } else {
        Vec::new()
    };
    // Node names over the columns, kept still while the body slides (canvas and chunked drawings).
    let names = || -> Vec<Html> {
        headers(&g, &p.ids)
            .into_iter()
            .zip(p.ids.iter())
            .map(|(h, id)| {
                html! {
                    <text class="st-node" x={f1(h.x)} y={f1(h.y)}>
                        { h.text }
                        if h.cut { <title>{id}</title> }
                    </text>
                }
            })
            .collect()
    };
    let (drawn, body_transform, headers): (Vec<Html>, Option<String>, Vec<Html>) = if dense {
        (Vec::new(), Some(format!("translate(0 {:.1})", -c0 * scale_now)), names())
    } else if ord == Order::TrueTime {
        // True time: the body is drawn in fixed coordinates in chunks of one window each, which only re-render
        // when their content or the settings change, and the window slides over them with one transform.
        let ch = span.max(1.0);
        let (k0, k1) = ((c_from / ch).floor().max(0.0) as u64, (c_to / ch).floor().max(0.0) as u64);
        let last_t = d.points.last().map_or(0, |q| q.t) as f64;
        let chunks = (k0..=k1)
            .map(|k| {
                let (a, b) = (k as f64 * ch, (k + 1) as f64 * ch);
                let content = if b >= last_t { d.points.len() as u64 + d.arrows.len() as u64 * 7 } else { 0 };
                let now_key = if b < p.t { u64::MAX } else if a > p.t { 0 } else { p.events };
                html! {
                    <StChunk key={k} diagram={p.diagram.clone()} gen={p.gen} content={content} k={k} ch={ch}
                             scale={scale_now} ids={p.ids.clone()} labels={*labels} focus={focus.clone()} now_key={now_key}/>
                }
            })
            .collect();
        (chunks, Some(format!("translate(0 {:.1})", -c0 * scale_now)), names())
    } else {
        let sh = shapes(
            &d,
            &p.ids,
            ord,
            &g,
            (c_from, c_to),
            (t_from, t_to),
            Labels { headers: true, ..*labels },
            &focus,
            p.events,
        );
        (sh.iter().map(render_shape).collect(), None, Vec::new())
    };
    let canvas_ref = use_node_ref();
    let (canvas_size, resizes) = super::canvas::use_canvas_size(canvas_ref.clone());
    let hits = use_mut_ref(Vec::<Shape>::new);
    let painted = use_mut_ref(|| false);
    {
        let canvas_ref = canvas_ref.clone();
        let hits = hits.clone();
        let sh = canvas_shapes;
        let _ = resizes;
        use_effect(move || {
            // Skip clearing a canvas that is already blank (the sparse views draw in SVG).
            let mut was = painted.borrow_mut();
            if !sh.is_empty() || *was {
                if let Some(c) = canvas_ref.cast::<web_sys::HtmlCanvasElement>() {
                    paint(&c, canvas_size.get(), &sh);
                }
                *was = !sh.is_empty();
            }
            *hits.borrow_mut() = sh;
        });
    }
    let playhead = (ord == Order::TrueTime).then(|| {
        let y = TOP + p.t * scale_now;
        html! { <line class="st-playhead" x1="0" x2={WIDTH.to_string()} y1={f1(y)} y2={f1(y)}/> }
    });
    drop(d);

    // Clicks: a point selects the event, an arrow the message, the background seeks (true time).
    let onclick = {
        let send = p.send.clone();
        let svg_ref = svg_ref.clone();
        let follow = follow.clone();
        let diagram = p.diagram.clone();
        let hits = hits.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(target) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
            if let (false, Some(svg)) = (hits.borrow().is_empty(), svg_ref.cast::<Element>()) {
                // Canvas mode: find what was drawn under the pointer.
                let r = svg.get_bounding_client_rect();
                let k = (r.width() / WIDTH).min(r.height() / HEIGHT).max(1e-9);
                let (ox, oy) = ((r.width() - WIDTH * k) / 2.0, (r.height() - HEIGHT * k) / 2.0);
                let x = (e.client_x() as f64 - r.left() - ox) / k;
                let y = (e.client_y() as f64 - r.top() - oy) / k;
                match hit(&hits.borrow(), x, y) {
                    Some(Hit::Point(pt)) => {
                        let trace = diagram.0.borrow().points.get(pt).map(|q| q.trace);
                        if let Some(i) = trace {
                            send.emit(Msg::Select(Selection::Event(i)));
                        }
                        return;
                    }
                    Some(Hit::Message(m)) => {
                        send.emit(Msg::Select(Selection::Message(m)));
                        return;
                    }
                    None => {}
                }
            }
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
            let num = |r: &NodeRef| r.cast::<HtmlInputElement>().and_then(|i| crate::number(&i.value()));
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
                <label title={tr(lang, "st.typesHint")}><input type="checkbox" id="st-l-types" checked={l.types} onchange={toggle(|l| &mut l.types)}/>{tr(lang, "st.types")}</label>
                <label><input type="checkbox" id="st-l-notes" checked={l.notes} onchange={toggle(|l| &mut l.notes)}/>{tr(lang, "st.notes")}</label>
                <label><input type="checkbox" id="st-l-lamport" checked={l.lamport} onchange={toggle(|l| &mut l.lamport)}/>{"L"}</label>
                <label><input type="checkbox" id="st-l-vector" checked={l.vector} onchange={toggle(|l| &mut l.vector)}/>{"V"}</label>
                <label><input type="checkbox" id="st-l-wall" checked={l.wall} onchange={toggle(|l| &mut l.wall)}/>{"PC"}</label>
            </div>
            <div class="st-stage">
            <canvas ref={canvas_ref} class="st-canvas" aria-hidden="true"></canvas>
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
                <g class="st-body" transform={body_transform}>
                    { for drawn }
                    { for playhead }
                </g>
                <rect class="st-header-bg" x="0" y="0" width={WIDTH.to_string()} height={f1(TOP - 4.0)}/>
                { for headers }
            </svg>
            </div>
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

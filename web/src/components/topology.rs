//! The cluster view: nodes on a circle, links, partitions, and messages flying between nodes.
//!
//! A message's position is interpolated between its send and delivery times at the playhead, so the animation is
//! exact at any speed and when scrubbing. Dropped messages fall away for a moment with the reason they were lost.

use super::data_of;
use super::palette::{palette, Palette};
use crate::i18n::{tr, use_lang};
use crate::player::{Selection, Shared};
use netsplit_core::layout::{circle, Point};
use netsplit_core::trace::{TraceEvent, TraceKind};
use netsplit_core::view::{MessageView, NodeView, Snapshot};
use std::f64::consts::TAU;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlCanvasElement, PointerEvent};
use yew::prelude::*;

/// Side of the square drawing area (SVG user units).
pub const SIZE: f64 = 600.0;
const RING: f64 = 205.0;
const NODE_R: f64 = 34.0;

/// The ring for more than nine nodes: wider, so that they keep some room.
const WIDE_RING: f64 = 235.0;

/// Positions of `n` nodes (coordinator or application server first, at the top).
pub fn positions(n: usize) -> Vec<Point> {
    let r = match n {
        0..=2 => 170.0,
        3..=9 => RING,
        _ => WIDE_RING,
    };
    circle(n, SIZE / 2.0, SIZE / 2.0 - 10.0, r)
}

/// How much a node and its labels shrink so that `n` of them fit on the ring: 1 up to nine nodes, then in
/// proportion to the gap between neighbours (two thirds at sixteen).
pub fn node_scale(n: usize) -> f64 {
    if n <= 9 {
        return 1.0;
    }
    let gap = |n: usize, r: f64| r * (std::f64::consts::PI / n as f64).sin();
    (gap(n, WIDE_RING) / gap(9, RING)).min(1.0)
}

/// A node's radius in a drawing of `n` nodes.
fn node_r(n: usize) -> f64 {
    NODE_R * node_scale(n)
}

/// A message that was dropped recently, drawn falling away.
#[derive(Clone, Debug, PartialEq)]
pub struct Falling {
    /// Trace id.
    pub id: u64,
    /// Where it was lost.
    pub at: Point,
    /// Type.
    pub kind: &'static str,
    /// Why.
    pub reason: &'static str,
    /// 0 when it was lost, 1 when it has faded out.
    pub age: f64,
}

/// Properties of the topology view.
#[derive(Properties, PartialEq)]
pub struct TopologyProps {
    /// Snapshot at the playhead.
    pub snap: Shared<Snapshot>,
    /// Playhead (true ms).
    pub t: f64,
    /// Selection.
    pub selected: Selection,
    /// Highlighted nodes.
    pub highlight: Shared<Vec<usize>>,
    /// Message types to highlight (the guide).
    #[prop_or_else(|| Shared::new(Vec::new()))]
    pub hl_kinds: Shared<Vec<String>>,
    /// Messages lost recently.
    pub falling: Shared<Vec<Falling>>,
    /// Partition mode: drawing splits the cluster, clicking a link cuts it.
    pub partition_mode: bool,
    /// A node, message or nothing was clicked.
    pub on_select: Callback<Selection>,
    /// The viewer drew a line splitting the nodes into these groups.
    pub on_split: Callback<Vec<Vec<usize>>>,
    /// The viewer clicked a link: (src, dst, one direction only).
    pub on_link: Callback<(usize, usize, bool)>,
    /// Reduced motion: no falling animation.
    #[prop_or(false)]
    pub reduced_motion: bool,
}

fn lerp(a: Point, b: Point, f: f64) -> Point {
    Point { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f }
}

/// A point on the edge of node circle `a` towards `b`.
fn edge(a: Point, b: Point, r: f64) -> Point {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let d = (dx * dx + dy * dy).sqrt().max(1e-9);
    Point { x: a.x + dx / d * r, y: a.y + dy / d * r }
}

/// A stable colour index for a message type.
pub fn kind_hue(kind: &str) -> u32 {
    kind.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32)) % 8
}

fn f1(x: f64) -> String {
    format!("{x:.1}")
}

/// Where a message is drawn at time `t`.
pub fn message_point(m: &MessageView, pos: &[Point], t: f64) -> Point {
    let (a, b) = (pos[m.src], pos[m.dst]);
    let r = node_r(pos.len());
    let from = edge(a, b, r);
    let to = edge(b, a, r + 6.0);
    let span = (m.deliver_at as f64 - m.sent_at as f64).max(1.0);
    let f = ((t - m.sent_at as f64) / span).clamp(0.0, 1.0);
    // Two messages on the same link in opposite directions must not overlap: nudge each to its right.
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let d = (dx * dx + dy * dy).sqrt().max(1e-9);
    let p = lerp(from, to, f);
    Point { x: p.x - dy / d * 7.0, y: p.y + dx / d * 7.0 }
}

fn timer_arc(c: Point, r: f64, frac: f64) -> String {
    let frac = frac.clamp(0.0, 0.9999);
    let a0 = -std::f64::consts::FRAC_PI_2;
    let a1 = a0 + TAU * frac;
    let (x0, y0) = (c.x + r * a0.cos(), c.y + r * a0.sin());
    let (x1, y1) = (c.x + r * a1.cos(), c.y + r * a1.sin());
    let large = if frac > 0.5 { 1 } else { 0 };
    format!("M{} {} A{r} {r} 0 {large} 1 {} {}", f1(x0), f1(y0), f1(x1), f1(y1))
}

fn node_view(
    i: usize,
    n: &NodeView,
    // Where it is drawn, and how much it shrinks (`node_scale`).
    (p, k): (Point, f64),
    t: f64,
    selected: bool,
    highlighted: bool,
    lang: crate::i18n::Lang,
) -> Html {
    let mut class = classes!("node", n.proto.class);
    if !n.up {
        class.push("down");
    }
    if n.paused_until.is_some() {
        class.push("paused");
    }
    if selected {
        class.push("selected");
    }
    if highlighted {
        class.push("highlight");
    }
    if n.proto.blocked_since.is_some() {
        class.push("blocked");
    }
    // The soonest timer as a ring counting down.
    let ring = n.timers.first().filter(|_| n.up).map(|tm| {
        let span = (tm.deadline as f64 - tm.armed_at as f64).max(1.0);
        let left = 1.0 - ((t - tm.armed_at as f64) / span).clamp(0.0, 1.0);
        html! { <path class="timer-ring" d={timer_arc(p, NODE_R + 5.0, left)}><title>{format!("{} → {}", tm.name, tm.deadline)}</title></path> }
    });
    let role =
        if !n.up { tr(lang, "node.down").to_string() } else { crate::i18n::role(lang, &n.proto.role).to_string() };
    let facts: Vec<String> = n.proto.fields.iter().take(2).map(|f| format!("{} {}", f.name, f.value)).collect();
    let status = if let Some(u) = n.paused_until {
        Some(format!("{} {u}", tr(lang, "node.paused")))
    } else {
        n.proto.blocked_since.map(|b| format!("{} {b}", tr(lang, "node.blocked")))
    };
    // A role too wide for the circle ("lock service: #2 granted to c2", Korean roles) is the first line under
    // it instead: the circle keeps the name alone, and the lines below move down one.
    let role_inside = netsplit_core::spacetime::render::text_width(&role, 11.0) <= 2.0 * NODE_R - 8.0;
    let first = p.y + NODE_R + 16.0;
    let below = if role_inside { first } else { first + 13.0 };
    let clock = format!("PC {} · L {}", n.wall, n.lamport);
    // The clocks go right of the node, unless they would run past the drawing's edge (the rightmost nodes of the
    // ring, at 10 px type about 6 px a character): then they end left of it. On a crowded ring (`k` < 1 shrinks
    // the whole node about its centre) there is no room beside a node: its neighbours' labels are there, so the
    // clocks become a third line under the facts.
    let crowded = k < 1.0;
    let clock_fits = p.x + k * (NODE_R + 4.0 + clock.chars().count() as f64 * 6.0) <= SIZE;
    let (clock_x, clock_y, clock_class) = if crowded {
        (p.x, below + 2.0 * 13.0, Some("under"))
    } else if clock_fits {
        (p.x + NODE_R + 4.0, p.y - NODE_R + 4.0, None)
    } else {
        (p.x - NODE_R - 4.0, p.y - NODE_R + 4.0, Some("before"))
    };
    let lines = if crowded { 3.0 } else { 2.0 };
    let tail = &n.proto.log[n.proto.log.len().saturating_sub(8)..];
    let log = html! { <LogCells lines={tail.to_vec()} x={p.x} y={below + lines * 13.0 + 4.0}/> };
    let shrink = (k < 1.0).then(|| {
        let (x, y) = (f1(p.x), f1(p.y));
        format!("translate({x} {y}) scale({k:.3}) translate(-{x} -{y})")
    });
    html! {
        <g class={class} data-node={i.to_string()} data-role={n.proto.role.clone()} role="button" tabindex="0"
           aria-label={format!("{} {}", n.id, role)} transform={shrink}>
            <circle class="node-body" cx={f1(p.x)} cy={f1(p.y)} r={NODE_R.to_string()}/>
            { for ring }
            <text class="node-id" x={f1(p.x)} y={f1(if role_inside { p.y - 4.0 } else { p.y + 5.0 })}>{&n.id}</text>
            if role_inside {
                <text class="node-role" x={f1(p.x)} y={f1(p.y + 13.0)}>{role}</text>
            } else {
                <text class="node-role under" x={f1(p.x)} y={f1(first)}>{role}</text>
            }
            { for facts.iter().enumerate().map(|(k, f)| html!{
                <text class="node-fact" x={f1(p.x)} y={f1(below + k as f64 * 13.0)}>{f}</text>
            }) }
            { log }
            { for status.map(|s| html!{ <text class="node-status" x={f1(p.x)} y={f1(p.y - NODE_R - 10.0)}>{s}</text> }) }
            <text class={classes!("node-clock", clock_class)} x={f1(clock_x)} y={f1(clock_y)}>{clock}</text>
        </g>
    }
}

/// Properties of a node's log cells.
#[derive(Properties, PartialEq)]
struct LogCellsProps {
    /// The newest entries (at most 8), oldest first.
    lines: Vec<netsplit_core::view::LogLine>,
    /// Centre of the row.
    x: f64,
    /// Top of the row.
    y: f64,
}

/// The last entries of a node's log (or its stable records) as a row of cells, committed ones filled. A component
/// of its own so that it re-renders when the log changes, not every frame with the node's clock and timer.
#[component]
fn LogCells(p: &LogCellsProps) -> Html {
    let cells = p.lines.iter().enumerate().map(|(k, l)| {
        let x = p.x - 4.0 * 15.0 + k as f64 * 15.0;
        let cls = classes!("log-cell", l.committed.then_some("committed"), format!("term{}", l.term % 8));
        html! { <rect class={cls} x={f1(x)} y={f1(p.y)} width="13" height="13" rx="2"><title>{&l.text}</title></rect> }
    });
    html! { <>{ for cells }</> }
}

/// Properties of the accessible message list.
#[derive(Properties, PartialEq)]
pub struct MessageListProps {
    /// The snapshot it lists (refreshed less often than every frame while playing).
    pub snap: Shared<Snapshot>,
    /// Its time.
    pub t: f64,
    /// Name where each message is drawn (paused: while playing they move on between refreshes of the list).
    pub positions: bool,
    /// A message was picked.
    pub on_select: Callback<Selection>,
}

/// The messages in flight as buttons, for screen readers and keyboards (the drawing itself is a canvas). One click
/// handler on the list serves every button: a refresh rebuilds hundreds of them while playing.
#[component]
pub fn MessageList(p: &MessageListProps) -> Html {
    let n = p.snap.nodes.len();
    let pos = positions(n);
    let items = p.snap.messages.iter().filter(|m| m.src < n && m.dst < n).map(|m| {
        // Where it is drawn (drawing units), so tools and tests can find it on the canvas.
        let at = p.positions.then(|| message_point(m, &pos, p.t));
        let label = format!("{} {} → {}", m.label, p.snap.nodes[m.src].id, p.snap.nodes[m.dst].id);
        html! {
            <li>
                <button data-msg={m.id.to_string()} data-kind={m.kind} data-x={at.map(|a| f1(a.x))}
                        data-y={at.map(|a| f1(a.y))}>{label}</button>
            </li>
        }
    });
    let onclick = {
        let on_select = p.on_select.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(id) = data_of(&e, "msg").and_then(|v| v.parse::<u64>().ok()) {
                on_select.emit(Selection::Message(id));
            }
        })
    };
    html! { <ul class="sr-only" id="msg-list" aria-label="Messages in flight" {onclick}>{ for items }</ul> }
}

/// The message drawn nearest to `p` (within its click radius) at time `t`.
pub fn nearest_message(snap: &Snapshot, t: f64, p: Point) -> Option<u64> {
    let pos = positions(snap.nodes.len());
    snap.messages
        .iter()
        .filter(|m| m.src < pos.len() && m.dst < pos.len() && m.src != m.dst)
        .map(|m| {
            let q = message_point(m, &pos, t);
            (m.id, (q.x - p.x).powi(2) + (q.y - p.y).powi(2))
        })
        .filter(|(_, d2)| *d2 <= 14.0 * 14.0)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(id, _)| id)
}

/// Where the drawing sits in its panel, in CSS pixels. Measured only after a resize: reading layout every frame
/// right after the DOM changed forced a synchronous layout that cost a fifth of the frame.
#[derive(Clone, Copy, Debug)]
struct Geom {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
}

fn measure(canvas: &HtmlCanvasElement) -> Option<Geom> {
    let parent = canvas.parent_element()?;
    let svg = parent.query_selector("#cluster").ok().flatten()?;
    let (r, pr) = (svg.get_bounding_client_rect(), parent.get_bounding_client_rect());
    Some(Geom { left: r.left() - pr.left(), top: r.top() - pr.top(), width: r.width(), height: r.height() })
}

#[allow(clippy::too_many_arguments)]
fn paint(
    canvas: &HtmlCanvasElement,
    geom: &std::cell::RefCell<Option<Geom>>,
    snap: &Snapshot,
    t: f64,
    selected: Selection,
    falling: &[Falling],
    hl: &[String],
    reduced: bool,
) {
    let Some(svg) = canvas.parent_element().and_then(|p| p.query_selector("#cluster").ok().flatten()) else { return };
    let known = *geom.borrow();
    let Some(g) = known.or_else(|| measure(canvas)) else { return };
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    let (w, h) = (g.width.max(1.0), g.height.max(1.0));
    let (cw, ch) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if known.is_none() {
        *geom.borrow_mut() = Some(g);
        canvas.set_width(cw);
        canvas.set_height(ch);
        let style = canvas.style();
        let _ = style.set_property("left", &format!("{}px", g.left));
        let _ = style.set_property("top", &format!("{}px", g.top));
        let _ = style.set_property("width", &format!("{w}px"));
        let _ = style.set_property("height", &format!("{h}px"));
    }
    let Some(ctx) =
        canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    // The SVG's viewBox is fitted (xMidYMid meet): the same transform maps drawing units to canvas pixels.
    let scale = (w / SIZE).min(h / SIZE) * dpr;
    let (ox, oy) = ((cw as f64 - SIZE * scale) / 2.0, (ch as f64 - SIZE * scale) / 2.0);
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, cw as f64, ch as f64);
    let _ = ctx.set_transform(scale, 0.0, 0.0, scale, ox, oy);
    let Palette { hues, panel, fg, bad, .. } = palette(&svg);
    let pos = positions(snap.nodes.len());
    let n = snap.nodes.len();
    let labelled = snap.messages.len() <= 60;
    super::canvas::set_font(&ctx, "10px system-ui, sans-serif");
    ctx.set_text_align("center");
    // Every call into the canvas costs a crossing from wasm (and a string decode for colours), so messages that
    // look alike are drawn as one path: one fill and one stroke per (shape, dash, hue) instead of per message.
    // Emphasised ones (selected, highlighted by the guide) are drawn last, on top.
    let (solid, dash) = (js_sys::Array::new(), js_sys::Array::of2(&3.0.into(), &2.0.into()));
    let visible: Vec<(&MessageView, Point)> = snap
        .messages
        .iter()
        .filter(|m| m.src < n && m.dst < n && m.src != m.dst)
        .map(|m| (m, message_point(m, &pos, t)))
        .collect();
    let emphasis = |m: &MessageView| (selected == Selection::Message(m.id), hl.iter().any(|k| k == m.kind));
    let mut buckets: Vec<Vec<Point>> = vec![Vec::new(); 32];
    let mut loud = Vec::new();
    for &(m, p) in &visible {
        match emphasis(m) {
            (false, false) => {
                buckets[usize::from(m.response) * 16 + usize::from(m.dup) * 8 + kind_hue(m.kind) as usize].push(p)
            }
            (sel, lit) => loud.push((m, p, sel, lit)),
        }
    }
    let outline = |p: Point, response: bool| {
        if response {
            ctx.rect(p.x - 7.0, p.y - 7.0, 14.0, 14.0);
        } else {
            ctx.move_to(p.x + 8.0, p.y);
            let _ = ctx.arc(p.x, p.y, 8.0, 0.0, TAU);
        }
    };
    ctx.set_line_width(2.0);
    for (k, points) in buckets.iter().enumerate().filter(|(_, b)| !b.is_empty()) {
        let (response, dup, hue) = (k >= 16, k % 16 >= 8, &hues[k % 8]);
        ctx.begin_path();
        for &p in points {
            outline(p, response);
        }
        ctx.set_fill_style_str(if response { &panel } else { hue });
        ctx.fill();
        let _ = ctx.set_line_dash(if dup { &dash } else { &solid });
        ctx.set_stroke_style_str(hue);
        ctx.stroke();
    }
    ctx.set_line_width(4.0);
    for &(m, p, sel, _) in &loud {
        let hue = &hues[kind_hue(m.kind) as usize];
        ctx.begin_path();
        outline(p, m.response);
        ctx.set_fill_style_str(if m.response { &panel } else { hue });
        ctx.fill();
        let _ = ctx.set_line_dash(if m.dup { &dash } else { &solid });
        ctx.set_stroke_style_str(if sel { &fg } else { &bad });
        ctx.stroke();
    }
    ctx.set_fill_style_str(&fg);
    let first = visible.iter().filter(|(m, _)| selected == Selection::Message(m.id));
    let rest = visible.iter().filter(|(m, _)| labelled && selected != Selection::Message(m.id));
    let wanted: Vec<(Point, String)> = first
        .chain(rest)
        .map(|&(m, p)| {
            let delayed = if m.delayed > 0 { format!(" +{}ms", m.delayed) } else { String::new() };
            (Point { x: p.x, y: p.y - 12.0 }, format!("{}{delayed}", m.label))
        })
        .collect();
    for k in message_labels(&wanted) {
        let (at, text) = &wanted[k];
        let _ = ctx.fill_text(text, at.x, at.y);
    }
    let _ = ctx.set_line_dash(&solid);
    // Lost messages: a cross drawn as two strokes (a text glyph would need a second font, and switching fonts
    // re-parses them), then the reason.
    ctx.set_fill_style_str(&bad);
    ctx.set_stroke_style_str(&bad);
    ctx.set_line_width(3.0);
    for f in falling {
        let (x, y) = (f.at.x, f.at.y + if reduced { 0.0 } else { f.age * 40.0 } - 6.0);
        ctx.set_global_alpha((1.0 - f.age).clamp(0.0, 1.0));
        ctx.begin_path();
        ctx.move_to(x - 6.0, y - 6.0);
        ctx.line_to(x + 6.0, y + 6.0);
        ctx.move_to(x + 6.0, y - 6.0);
        ctx.line_to(x - 6.0, y + 6.0);
        ctx.stroke();
        // In a busy run (no message labels either) a dozen reasons fading at once are noise: the cross says
        // "lost", the event log keeps the reason, and the diagram shows it beside the lost arrow when its window
        // is sparse or the arrow is selected.
        if labelled {
            let _ = ctx.fill_text(&format!("{} {}", f.kind, f.reason), x, y + 20.0);
        }
    }
    ctx.set_global_alpha(1.0);
}

fn split_by_line(pos: &[Point], a: Point, b: Point) -> Vec<Vec<usize>> {
    let mut left = Vec::new();
    let mut right = Vec::new();
    for (i, p) in pos.iter().enumerate() {
        let side = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
        if side < 0.0 {
            left.push(i);
        } else {
            right.push(i);
        }
    }
    vec![left, right]
}

fn svg_point(e: &PointerEvent, svg: &Element) -> Point {
    let r = svg.get_bounding_client_rect();
    let scale = (r.width() / SIZE).min(r.height() / SIZE).max(1e-9);
    let ox = (r.width() - SIZE * scale) / 2.0;
    let oy = (r.height() - SIZE * scale) / 2.0;
    Point { x: (e.client_x() as f64 - r.left() - ox) / scale, y: (e.client_y() as f64 - r.top() - oy) / scale }
}

/// Properties of the links and partition groups.
#[derive(Properties, PartialEq)]
struct LinksProps {
    n: usize,
    cut: Vec<Vec<bool>>,
    groups: Vec<Vec<usize>>,
    partition_mode: bool,
    on_link: Callback<(usize, usize, bool)>,
}

/// The links between nodes (cut ones marked, one-way cuts crossed at their dead end) and the partition groups.
#[component]
fn Links(props: &LinksProps) -> Html {
    let (n, cut) = (props.n, &props.cut);
    let pos = positions(n);
    let groups: Vec<Html> = props
        .groups
        .iter()
        .enumerate()
        .map(|(g, members)| {
            html! {
                <g class={classes!("group", format!("group{}", g % 4))}>
                    { for members.iter().map(|&m| html!{
                        <circle cx={f1(pos[m].x)} cy={f1(pos[m].y)} r={f1(node_r(n) + 34.0)}/>
                    }) }
                </g>
            }
        })
        .collect();

    let mut links = Vec::new();
    for a in 0..n {
        for b in (a + 1)..n {
            let (ab, ba) = (cut[a][b], cut[b][a]);
            let cls = classes!(
                "link",
                (ab && ba).then_some("cut"),
                (ab != ba).then_some("oneway"),
                props.partition_mode.then_some("editable")
            );
            let (pa, pb) = (pos[a], pos[b]);
            let on_link = props.on_link.clone();
            let onclick = Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                on_link.emit((a, b, e.shift_key()));
            });
            let arrow = if ab != ba {
                // One-way: mark the dead direction with a cross near its receiving end.
                let (s, d) = if ab { (pa, pb) } else { (pb, pa) };
                let c = lerp(s, d, 0.78);
                Some(html! { <text class="cut-mark" x={f1(c.x)} y={f1(c.y)}>{"✕"}</text> })
            } else {
                None
            };
            links.push(html! {
                <g class={cls} data-link={format!("{a}-{b}")}>
                    <line x1={f1(pa.x)} y1={f1(pa.y)} x2={f1(pb.x)} y2={f1(pb.y)}/>
                    <line class="hit" x1={f1(pa.x)} y1={f1(pa.y)} x2={f1(pb.x)} y2={f1(pb.y)} onclick={onclick}/>
                    { for arrow }
                </g>
            });
        }
    }

    html! {
        <>
            <g class="groups">{ for groups }</g>
            <g class="links">{ for links }</g>
        </>
    }
}

/// The cluster drawing.
#[component]
pub fn Topology(props: &TopologyProps) -> Html {
    let lang = use_lang();
    let svg_ref = use_node_ref();
    let drag = use_state(|| None::<(Point, Point)>);
    let snap = &props.snap;
    let n = snap.nodes.len();
    let pos = positions(n);
    let k = node_scale(n);
    let t = props.t;

    // The links and partition groups change only when the network does: a component of their own is skipped by
    // the frames in between, where rebuilding and diffing ~100 SVG elements cost a tenth of a frame.
    let network = html! {
        <Links n={n} cut={snap.cut.clone()} groups={snap.groups.clone()} partition_mode={props.partition_mode}
               on_link={props.on_link.clone()}/>
    };

    // Messages and lost messages are painted on a canvas over the drawing: hundreds of them move every frame,
    // which as SVG elements would cost a DOM update each. An accessible list names them for screen readers.
    let canvas_ref = use_node_ref();
    let geom = use_mut_ref(|| None::<Geom>);
    let resizes = use_mut_ref(|| 0u32);
    let force = use_force_update();
    {
        // Forget the measured geometry whenever the panel or the drawing changes size, and repaint.
        let (canvas_ref, geom, resizes) = (canvas_ref.clone(), geom.clone(), resizes.clone());
        use_effect_with((), move |_| {
            let on_resize = Closure::<dyn FnMut()>::new(move || {
                *geom.borrow_mut() = None;
                *resizes.borrow_mut() += 1;
                force.force_update();
            });
            let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
            if let (Some(ro), Some(c)) = (&observer, canvas_ref.cast::<HtmlCanvasElement>()) {
                if let Some(parent) = c.parent_element() {
                    ro.observe(&parent);
                    if let Some(svg) = parent.query_selector("#cluster").ok().flatten() {
                        ro.observe(&svg);
                    }
                }
            }
            move || {
                if let Some(ro) = observer {
                    ro.disconnect();
                }
                drop(on_resize);
            }
        });
    }
    {
        let canvas_ref = canvas_ref.clone();
        let snap = props.snap.clone();
        let falling = props.falling.clone();
        let hl = props.hl_kinds.clone();
        let geom = geom.clone();
        let generation = *resizes.borrow();
        let key = (
            props.snap.clone(),
            props.t.to_bits(),
            props.selected,
            props.falling.clone(),
            props.reduced_motion,
            generation,
        );
        use_effect_with(key, move |(_, t, selected, _, reduced, _)| {
            if let Some(c) = canvas_ref.cast::<HtmlCanvasElement>() {
                paint(&c, &geom, &snap, f64::from_bits(*t), *selected, &falling, &hl, *reduced);
            }
        });
    }

    let nodes: Vec<Html> = snap
        .nodes
        .iter()
        .enumerate()
        .map(|(i, nv)| {
            let on_select = props.on_select.clone();
            let onclick = {
                let on_select = on_select.clone();
                Callback::from(move |e: MouseEvent| {
                    e.stop_propagation();
                    on_select.emit(Selection::Node(i));
                })
            };
            // Enter or Space on a focused node opens its menu, as a click does, and moves the focus into it: the
            // menu is elsewhere in the page, so Tab alone would go on to the next node.
            let onkeydown = Callback::from(move |e: KeyboardEvent| {
                if matches!(e.key().as_str(), "Enter" | " ") {
                    e.prevent_default();
                    // A held key repeats: only the first press opens the menu.
                    if !e.repeat() {
                        KEYBOARD_MENU.set(Some(i));
                        on_select.emit(Selection::Node(i));
                        gloo::timers::callback::Timeout::new(0, focus_menu).forget();
                    }
                }
            });
            // A click must not focus the node: Space would then open its menu instead of playing, and a second
            // Space press the menu's first action (crash).
            let onmousedown = Callback::from(|e: MouseEvent| e.prevent_default());
            html! {
                <g onclick={onclick} onkeydown={onkeydown} onmousedown={onmousedown}>
                    { node_view(i, nv, (pos[i], k), t, props.selected == Selection::Node(i), props.highlight.contains(&i), lang) }
                </g>
            }
        })
        .collect();

    // Partition drawing: drag across the background.
    let snap_for_click = props.snap.clone();
    let onpointerdown = {
        let drag = drag.clone();
        let svg_ref = svg_ref.clone();
        let on_select = props.on_select.clone();
        let mode = props.partition_mode;
        Callback::from(move |e: PointerEvent| {
            if let Some(svg) = svg_ref.cast::<Element>() {
                let p = svg_point(&e, &svg);
                if mode {
                    drag.set(Some((p, p)));
                } else {
                    on_select.emit(nearest_message(&snap_for_click, t, p).map_or(Selection::None, Selection::Message));
                }
            }
        })
    };
    let onpointermove = {
        let drag = drag.clone();
        let svg_ref = svg_ref.clone();
        Callback::from(move |e: PointerEvent| {
            if let (Some((a, _)), Some(svg)) = (*drag, svg_ref.cast::<Element>()) {
                drag.set(Some((a, svg_point(&e, &svg))));
            }
        })
    };
    let onpointerup = {
        let drag = drag.clone();
        let on_split = props.on_split.clone();
        let pos = pos.clone();
        Callback::from(move |_e: PointerEvent| {
            if let Some((a, b)) = *drag {
                let long = ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt() > 30.0;
                if long {
                    let groups = split_by_line(&pos, a, b);
                    if groups.iter().all(|g| !g.is_empty()) {
                        on_split.emit(groups);
                    }
                }
            }
            drag.set(None);
        })
    };
    let line = drag.map(|(a, b)| {
        html! { <line class="split-line" x1={f1(a.x)} y1={f1(a.y)} x2={f1(b.x)} y2={f1(b.y)}/> }
    });
    let svg = html! {
        <svg id="cluster" ref={svg_ref} viewBox={format!("0 0 {SIZE} {SIZE}")} class={classes!(props.partition_mode.then_some("partition-mode"))}
             role="group" aria-label="Cluster" onpointerdown={onpointerdown} onpointermove={onpointermove}
             onpointerup={onpointerup.clone()} onpointerleave={onpointerup}>
            { network }
            <g class="nodes">{ for nodes }</g>
            { for line }
        </svg>
    };
    html! {
        <>
            { svg }
            <canvas ref={canvas_ref} class="msg-layer" aria-hidden="true"></canvas>
        </>
    }
}

thread_local! {
    /// The node whose menu the keyboard opened, to give the focus back to when the menu closes.
    static KEYBOARD_MENU: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// Focuses the open node menu's close button: not its first action, which is Crash, where a second press of the
/// key that opened the menu would land.
fn focus_menu() {
    super::focus(".node-menu .close");
}

/// Node `node`'s menu closed: if the keyboard opened it and the focus went with it, the node gets the focus back.
pub fn menu_closed(node: usize) {
    if KEYBOARD_MENU.get() != Some(node) {
        return;
    }
    KEYBOARD_MENU.set(None);
    // After the menu has left the page.
    gloo::timers::callback::Timeout::new(0, move || {
        if super::focus_lost() {
            super::focus(&format!("#cluster g.node[data-node='{node}']"));
        }
    })
    .forget();
}

/// Which of the wanted message labels (centre of the baseline, text) to draw, in order of preference (the
/// selected message's first). A broadcast's copies leave the sender together: at sixteen nodes fifteen labels
/// would print over each other. A label that would touch one already placed is left out.
pub fn message_labels(wanted: &[(Point, String)]) -> Vec<usize> {
    let mut placed: Vec<(Point, f64)> = Vec::new();
    let mut out = Vec::new();
    for (k, (at, text)) in wanted.iter().enumerate() {
        // 10 px type: about 6 px a character, centred.
        let half = text.chars().count() as f64 * 3.0;
        if placed.iter().any(|(q, h)| (q.y - at.y).abs() < 14.0 && (q.x - at.x).abs() < h + half + 4.0) {
            continue;
        }
        placed.push((*at, half));
        out.push(k);
    }
    out
}

/// Messages lost within the last `window` ms before `t`, positioned where they were lost.
pub fn falling_messages(trace: &[TraceEvent], n: usize, t: f64, window: f64) -> Vec<Falling> {
    let pos = positions(n);
    let r = node_r(n);
    let start = trace.partition_point(|e| (e.t as f64) < t - window);
    trace[start..]
        .iter()
        .take_while(|e| e.t as f64 <= t)
        .filter_map(|e| match &e.kind {
            TraceKind::Drop { id, from, to, msg, reason, sent_at } if *from < n && *to < n && from != to => {
                let (a, b) = (pos[*from], pos[*to]);
                let at = match reason.as_str() {
                    "partition@send" | "rule" | "loss" => edge(a, b, r + 12.0),
                    "viewer" => {
                        let span = (e.t as f64 - *sent_at as f64).max(0.0);
                        lerp(edge(a, b, r), edge(b, a, r), (span / 10.0).min(1.0) * 0.5)
                    }
                    _ => edge(b, a, r + 12.0),
                };
                Some(Falling {
                    id: *id,
                    at,
                    kind: msg,
                    reason: reason.as_str(),
                    age: ((t - e.t as f64) / window).clamp(0.0, 1.0),
                })
            }
            _ => None,
        })
        .collect()
}

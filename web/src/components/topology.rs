//! The cluster view: nodes on a circle, links, partitions, and messages flying between nodes.
//!
//! A message's position is interpolated between its send and delivery times at the playhead, so the animation is
//! exact at any speed and when scrubbing. Dropped messages fall away for a moment with the reason they were lost.

use crate::i18n::{tr, use_lang};
use crate::player::{Selection, Shared};
use netsplit_core::layout::{circle, Point};
use netsplit_core::trace::{TraceEvent, TraceKind};
use netsplit_core::view::{MessageView, NodeView, Snapshot};
use std::f64::consts::TAU;
use web_sys::{Element, PointerEvent};
use yew::prelude::*;

/// Side of the square drawing area (SVG user units).
pub const SIZE: f64 = 600.0;
const RING: f64 = 205.0;
const NODE_R: f64 = 34.0;

/// Positions of `n` nodes (coordinator or application server first, at the top).
pub fn positions(n: usize) -> Vec<Point> {
    circle(n, SIZE / 2.0, SIZE / 2.0 - 10.0, if n <= 2 { 170.0 } else { RING })
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
    let from = edge(a, b, NODE_R);
    let to = edge(b, a, NODE_R + 6.0);
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
    p: Point,
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
    let role = if !n.up { tr(lang, "node.down").to_string() } else { n.proto.role.clone() };
    let facts: Vec<String> = n.proto.fields.iter().take(2).map(|f| format!("{} {}", f.name, f.value)).collect();
    let status = if let Some(u) = n.paused_until {
        Some(format!("{} {u}", tr(lang, "node.paused")))
    } else {
        n.proto.blocked_since.map(|b| format!("{} {b}", tr(lang, "node.blocked")))
    };
    let below = p.y + NODE_R + 16.0;
    let log: Vec<Html> = n
        .proto
        .log
        .iter()
        .rev()
        .take(8)
        .rev()
        .enumerate()
        .map(|(k, l)| {
            let x = p.x - 4.0 * 15.0 + k as f64 * 15.0;
            let cls = classes!("log-cell", l.committed.then_some("committed"), format!("term{}", l.term % 8));
            html! { <rect class={cls} x={f1(x)} y={f1(below + 2.0 * 13.0 + 4.0)} width="13" height="13" rx="2"><title>{&l.text}</title></rect> }
        })
        .collect();
    html! {
        <g class={class} data-node={i.to_string()} data-role={n.proto.role.clone()} role="button"
           aria-label={format!("{} {}", n.id, role)}>
            <circle class="node-body" cx={f1(p.x)} cy={f1(p.y)} r={NODE_R.to_string()}/>
            { for ring }
            <text class="node-id" x={f1(p.x)} y={f1(p.y - 4.0)}>{&n.id}</text>
            <text class="node-role" x={f1(p.x)} y={f1(p.y + 13.0)}>{role}</text>
            { for facts.iter().enumerate().map(|(k, f)| html!{
                <text class="node-fact" x={f1(p.x)} y={f1(below + k as f64 * 13.0)}>{f}</text>
            }) }
            { for log }
            { for status.map(|s| html!{ <text class="node-status" x={f1(p.x)} y={f1(p.y - NODE_R - 10.0)}>{s}</text> }) }
            <text class="node-clock" x={f1(p.x + NODE_R + 4.0)} y={f1(p.y - NODE_R + 4.0)}>
                {format!("PC {} · L {}", n.wall, n.lamport)}
            </text>
        </g>
    }
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

/// The cluster drawing.
#[component]
pub fn Topology(props: &TopologyProps) -> Html {
    let lang = use_lang();
    let svg_ref = use_node_ref();
    let drag = use_state(|| None::<(Point, Point)>);
    let snap = &props.snap;
    let n = snap.nodes.len();
    let pos = positions(n);
    let t = props.t;

    let groups: Vec<Html> = snap
        .groups
        .iter()
        .enumerate()
        .map(|(g, members)| {
            html! {
                <g class={classes!("group", format!("group{}", g % 4))}>
                    { for members.iter().map(|&m| html!{
                        <circle cx={f1(pos[m].x)} cy={f1(pos[m].y)} r={(NODE_R + 34.0).to_string()}/>
                    }) }
                </g>
            }
        })
        .collect();

    let mut links = Vec::new();
    for a in 0..n {
        for b in (a + 1)..n {
            let (ab, ba) = (snap.cut[a][b], snap.cut[b][a]);
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

    // With many messages in flight, labels would cover the drawing: show them only while there are few.
    let labelled = snap.messages.len() <= 60;
    let messages: Vec<Html> = snap
        .messages
        .iter()
        .filter(|m| m.src < n && m.dst < n && m.src != m.dst)
        .map(|m| {
            let p = message_point(m, &pos, t);
            let selected = props.selected == Selection::Message(m.id);
            let cls = classes!(
                "msg",
                format!("hue{}", kind_hue(m.kind)),
                m.response.then_some("response"),
                m.dup.then_some("dup"),
                selected.then_some("selected"),
                props.hl_kinds.iter().any(|k| k == m.kind).then_some("highlight")
            );
            let on_select = props.on_select.clone();
            let id = m.id;
            let onclick = Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                on_select.emit(Selection::Message(id));
            });
            let shape = if m.response {
                html! { <rect x={f1(p.x - 7.0)} y={f1(p.y - 7.0)} width="14" height="14" rx="3"/> }
            } else {
                html! { <circle cx={f1(p.x)} cy={f1(p.y)} r="8"/> }
            };
            let delayed = (m.delayed > 0).then(|| format!(" +{}ms", m.delayed));
            html! {
                <g class={cls} data-msg={m.id.to_string()} onclick={onclick} role="button"
                   aria-label={format!("{} {} → {}", m.label, snap.nodes[m.src].id, snap.nodes[m.dst].id)}>
                    <circle class="hit" cx={f1(p.x)} cy={f1(p.y)} r="14"/>
                    { shape }
                    if labelled || selected {
                        <text x={f1(p.x)} y={f1(p.y - 12.0)}>{format!("{}{}", m.label, delayed.unwrap_or_default())}</text>
                    }
                </g>
            }
        })
        .collect();

    let falling: Vec<Html> = props
        .falling
        .iter()
        .map(|f| {
            let drop = if props.reduced_motion { 0.0 } else { f.age * 40.0 };
            let opacity = (1.0 - f.age).clamp(0.0, 1.0);
            html! {
                <g class="falling" style={format!("opacity:{opacity:.2}")} data-drop={f.id.to_string()}>
                    <text class="drop-x" x={f1(f.at.x)} y={f1(f.at.y + drop)}>{"✕"}</text>
                    <text class="drop-reason" x={f1(f.at.x)} y={f1(f.at.y + drop + 14.0)}>{format!("{} {}", f.kind, f.reason)}</text>
                </g>
            }
        })
        .collect();

    let nodes: Vec<Html> = snap
        .nodes
        .iter()
        .enumerate()
        .map(|(i, nv)| {
            let on_select = props.on_select.clone();
            let onclick = Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                on_select.emit(Selection::Node(i));
            });
            html! {
                <g onclick={onclick}>
                    { node_view(i, nv, pos[i], t, props.selected == Selection::Node(i), props.highlight.contains(&i), lang) }
                </g>
            }
        })
        .collect();

    // Partition drawing: drag across the background.
    let onpointerdown = {
        let drag = drag.clone();
        let svg_ref = svg_ref.clone();
        let on_select = props.on_select.clone();
        let mode = props.partition_mode;
        Callback::from(move |e: PointerEvent| {
            if let Some(svg) = svg_ref.cast::<Element>() {
                if mode {
                    let p = svg_point(&e, &svg);
                    drag.set(Some((p, p)));
                } else {
                    on_select.emit(Selection::None);
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
    html! {
        <svg id="cluster" ref={svg_ref} viewBox={format!("0 0 {SIZE} {SIZE}")} class={classes!(props.partition_mode.then_some("partition-mode"))}
             role="img" aria-label="Cluster" onpointerdown={onpointerdown} onpointermove={onpointermove}
             onpointerup={onpointerup.clone()} onpointerleave={onpointerup}>
            <g class="groups">{ for groups }</g>
            <g class="links">{ for links }</g>
            <g class="nodes">{ for nodes }</g>
            <g class="messages">{ for messages }</g>
            <g class="drops">{ for falling }</g>
            { for line }
        </svg>
    }
}

/// Messages lost within the last `window` ms before `t`, positioned where they were lost.
pub fn falling_messages(trace: &[TraceEvent], n: usize, t: f64, window: f64) -> Vec<Falling> {
    let pos = positions(n);
    let start = trace.partition_point(|e| (e.t as f64) < t - window);
    trace[start..]
        .iter()
        .take_while(|e| e.t as f64 <= t)
        .filter_map(|e| match &e.kind {
            TraceKind::Drop { id, from, to, msg, reason, sent_at } if *from < n && *to < n && from != to => {
                let (a, b) = (pos[*from], pos[*to]);
                let at = match reason.as_str() {
                    "partition@send" | "rule" | "loss" => edge(a, b, NODE_R + 12.0),
                    "viewer" => {
                        let span = (e.t as f64 - *sent_at as f64).max(0.0);
                        lerp(edge(a, b, NODE_R), edge(b, a, NODE_R), (span / 10.0).min(1.0) * 0.5)
                    }
                    _ => edge(b, a, NODE_R + 12.0),
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

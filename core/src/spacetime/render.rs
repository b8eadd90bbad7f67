//! Drawing the diagram: the visible window becomes a list of plain shapes, which the browser turns into live SVG
//! and the exporter into a standalone SVG document. Only what is inside the window is produced, so a run of
//! tens of thousands of events costs what is on screen.

use super::{Arrow, Diagram, Order, Point, PointKind};
use crate::protocol::NodeId;
use crate::time::Time;
use crate::vecmap::VecMap;
use std::fmt::Write;

/// Where things go on the canvas.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    /// Canvas width.
    pub width: f64,
    /// Space above the first instant (node names).
    pub top: f64,
    /// Coordinate (ms, Lamport value or wall-clock ms) at the top of the window.
    pub c0: f64,
    /// Pixels per coordinate unit.
    pub scale: f64,
    /// Number of node lines.
    pub n: usize,
}

impl Geometry {
    /// Horizontal position of node `i`'s line.
    pub fn x(&self, i: usize) -> f64 {
        let margin = 40.0;
        let w = (self.width - 2.0 * margin).max(1.0);
        margin + (i as f64 + 0.5) * w / self.n.max(1) as f64
    }

    /// Vertical position of a coordinate.
    pub fn y(&self, c: f64) -> f64 {
        self.top + (c - self.c0) * self.scale
    }

    /// The coordinate at a vertical position.
    pub fn coord_at(&self, y: f64) -> f64 {
        self.c0 + (y - self.top) / self.scale.max(1e-12)
    }
}

/// What to draw.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// A straight line.
    Line {
        /// Start x.
        x1: f64,
        /// Start y.
        y1: f64,
        /// End x.
        x2: f64,
        /// End y.
        y2: f64,
        /// CSS classes.
        class: String,
        /// `data-*` attribute (name, value), for selection.
        data: Option<(&'static str, String)>,
    },
    /// A dot.
    Circle {
        /// Centre x.
        cx: f64,
        /// Centre y.
        cy: f64,
        /// Radius.
        r: f64,
        /// CSS classes.
        class: String,
        /// `data-*` attributes.
        data: Vec<(&'static str, String)>,
        /// Tooltip.
        title: String,
    },
    /// A rectangle.
    Rect {
        /// Left.
        x: f64,
        /// Top.
        y: f64,
        /// Width.
        w: f64,
        /// Height.
        h: f64,
        /// CSS classes.
        class: String,
        /// Tooltip.
        title: String,
    },
    /// Text.
    Text {
        /// Anchor x.
        x: f64,
        /// Baseline y.
        y: f64,
        /// Content.
        text: String,
        /// CSS classes.
        class: String,
    },
}

/// Which labels to show next to events.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Labels {
    /// Node names above the lines (off when the caller draws them itself, e.g. fixed while the body scrolls).
    pub headers: bool,
    /// Message types on arrows.
    pub types: bool,
    /// Lamport timestamps.
    pub lamport: bool,
    /// Vector clocks.
    pub vector: bool,
    /// Physical clock readings.
    pub wall: bool,
    /// What nodes reported (decisions, event names).
    pub notes: bool,
    /// Leave out tooltips and data other than the hit-test ids: a canvas paint never shows them, and formatting
    /// them for every visible event cost more than the painting.
    pub bare: bool,
    /// A crowded window: arrows carry no labels (types, loss reasons) except the focused message's, as a hundred
    /// labels pile up into a smear where the arrows leave a busy node.
    pub crowded: bool,
}

/// Highlighting for a selected event.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Focus {
    /// The selected point (index into `points`).
    pub point: Option<usize>,
    /// The selected message id.
    pub message: Option<u64>,
}

/// Where labels already are. Labels land where their events and arrows are, so a broadcast's labels (a leader's
/// heartbeats to four followers and the four replies) fall a few pixels apart and print over each other; a label
/// that would touch one already placed is left out. The arrow keeps its colour, and selecting it labels it.
#[derive(Default)]
struct LabelSpace {
    /// Placed labels by row of [`LabelSpace::HEIGHT`] pixels: (left, right, baseline).
    rows: VecMap<i64, Vec<(f64, f64, f64)>>,
}

impl LabelSpace {
    /// Height of a label (9 px text) with a pixel between two.
    const HEIGHT: f64 = 10.0;
    /// The estimated width of a 9 px label: labels are measured without a canvas. One average advance for every
    /// character read capitals as lower case and let "PRE_COMMIT" (59 px) run into the next copy of itself; the
    /// advances here are DejaVu Sans's (the widest common default) per kind of character, rounded up.
    fn width(text: &str) -> f64 {
        text.chars().map(Self::advance).sum()
    }

    /// The advance of one character of 9 px text.
    fn advance(c: char) -> f64 {
        match c {
            'A'..='Z' => 6.3,
            'a'..='z' => 5.2,
            '0'..='9' => 5.8,
            ' ' => 2.9,
            '→' | '✕' => 7.6,
            '·' => 2.9,
            // The ellipsis is a whole em; so are Hangul, CJK and other wide scripts.
            c if c == '…' || c as u32 >= 0x1100 => 9.0,
            _ => 4.8,
        }
    }

    /// The longest start of `text` that, with an ellipsis, is at most `room` pixels wide.
    fn cut(text: &str, room: f64) -> String {
        let mut used = Self::advance('…');
        let mut cut: String = text
            .chars()
            .take_while(|&c| {
                used += Self::advance(c);
                used <= room
            })
            .collect();
        cut.push('…');
        cut
    }

    /// Places a label `w` pixels wide starting at `x` on baseline `y` if it touches no placed one (or anyway, if
    /// `force`); whether it was placed.
    fn place(&mut self, x: f64, y: f64, w: f64, force: bool) -> bool {
        let right = x + w;
        let row = (y / Self::HEIGHT).floor() as i64;
        let clash = (row - 1..=row + 1)
            .filter_map(|r| self.rows.get(&r))
            .flatten()
            .any(|&(l, r, b)| (b - y).abs() < Self::HEIGHT && x < r && l < right);
        if clash && !force {
            return false;
        }
        self.rows.entry(row).or_default().push((x, right, y));
        true
    }
}

/// A node's name over its line.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// Centre x (the node's line).
    pub x: f64,
    /// Baseline y.
    pub y: f64,
    /// The name, cut with an ellipsis if it has no room.
    pub text: String,
    /// Whether `text` was cut (the full name then belongs in a tooltip).
    pub cut: bool,
}

/// The estimated width of `text` in `px` px sans-serif type (the 9 px labels' advances, scaled): for labels the
/// app places without measuring them in the page.
pub fn text_width(text: &str, px: f64) -> f64 {
    LabelSpace::width(text) * px / 9.0
}

/// How much wider a 13 px bold name is than the same text in the 9 px labels: 13/9, and bold is about 12 % wider.
const HEADER_SCALE: f64 = 13.0 / 9.0 * 1.12;

/// The estimated width of a node name over its line.
fn header_width(text: &str) -> f64 {
    LabelSpace::width(text) * HEADER_SCALE
}

/// The node names over the lines, in the `top` pixels above the first instant. Names that fit side by side sit on
/// one baseline. When they do not (sixteen servers give each line 27.5 px, and "n10" is about 27 px wide), they alternate
/// between two baselines, which doubles the room of each; a name longer than that is cut.
pub fn headers(g: &Geometry, ids: &[String]) -> Vec<Header> {
    let lane = if g.n > 1 { g.x(1) - g.x(0) } else { g.width };
    let widest = ids.iter().take(g.n).map(|id| header_width(id)).fold(0.0, f64::max);
    let stagger = widest + 4.0 > lane;
    let room = if stagger { 2.0 * lane - 6.0 } else { lane - 4.0 };
    ids.iter()
        .enumerate()
        .take(g.n)
        .map(|(i, id)| {
            let x = g.x(i);
            // Centred on its line, a name also has to stay inside the drawing.
            let room = room.min(2.0 * (x - 2.0)).min(2.0 * (g.width - x - 2.0));
            let fits = header_width(id) <= room;
            let text = if fits { id.clone() } else { LabelSpace::cut(id, room / HEADER_SCALE) };
            let y = match (stagger, i % 2) {
                (false, _) => g.top - 12.0,
                (true, 0) => g.top - 22.0,
                (true, _) => g.top - 8.0,
            };
            Header { x, y, text, cut: !fits }
        })
        .collect()
}

/// Where a mark's note goes and what of it fits: ending 7 px left of the mark (`after` false), or, if it does not
/// fit between the mark and the drawing's left edge and fits better on the right, starting 7 px right of it. A
/// note longer than the room on either side is cut with an ellipsis (the mark's tooltip has all of it).
fn note_at(g: &Geometry, x: f64, text: &str) -> (f64, String, bool) {
    let (room_left, room_right) = (x - 9.0, g.width - x - 9.0);
    let w = LabelSpace::width(text);
    let after = w > room_left && room_right > room_left;
    let room = if after { room_right } else { room_left };
    let text = if w <= room { text.to_string() } else { LabelSpace::cut(text, room) };
    (if after { x + 7.0 } else { x - 7.0 }, text, after)
}

fn coord_of(d: &Diagram, p: &Point, order: Order) -> f64 {
    d.coord(p, order)
}

/// The shapes of the diagram in the coordinate window `[c_from, c_to]`. In the true-time order the window is
/// found by binary search; the other orders scan the points whose true time lies in `[t_from, t_to]`, which the
/// caller widens to cover the coordinate window.
#[allow(clippy::too_many_arguments)]
pub fn shapes(
    d: &Diagram,
    ids: &[String],
    order: Order,
    g: &Geometry,
    (c_from, c_to): (f64, f64),
    (t_from, t_to): (Time, Time),
    labels: Labels,
    focus: &Focus,
    now_event: u64,
) -> Vec<Shape> {
    let mut out = Vec::new();
    let (y0, y1) = (g.y(c_from), g.y(c_to));
    // Partitions: shaded bands (true time only: a band is a period of the real run).
    if order == Order::TrueTime {
        for b in &d.bands {
            let to = b.to.map_or(c_to, |t| t as f64);
            if to < c_from || b.from as f64 > c_to {
                continue;
            }
            let (a, z) = (g.y(b.from as f64).max(y0), g.y(to).min(y1));
            out.push(Shape::Rect {
                x: 0.0,
                y: a,
                w: g.width,
                h: (z - a).max(1.0),
                class: "band".into(),
                title: b.text.clone(),
            });
        }
    }
    // Node lines, with crashes as gaps and pauses hatched.
    if labels.headers {
        for h in headers(g, ids) {
            out.push(Shape::Text { x: h.x, y: h.y, text: h.text, class: "st-node".into() });
        }
    }
    for i in 0..ids.len().min(d.n) {
        let x = g.x(i);
        let mut cuts: Vec<(f64, f64)> = Vec::new();
        if order == Order::TrueTime {
            for s in d.spans.iter().filter(|s| s.node == i) {
                let to = s.to.map_or(c_to, |t| t as f64);
                if to < c_from || s.from as f64 > c_to {
                    continue;
                }
                let (a, z) = (g.y(s.from as f64).max(y0), g.y(to).min(y1));
                if s.class == "down" {
                    cuts.push((a, z));
                    out.push(Shape::Line { x1: x, y1: a, x2: x, y2: z, class: "st-down".into(), data: None });
                } else {
                    out.push(Shape::Rect {
                        x: x - 6.0,
                        y: a,
                        w: 12.0,
                        h: (z - a).max(1.0),
                        class: "st-paused".into(),
                        title: "paused".into(),
                    });
                }
            }
        }
        crate::sort::sort_by(&mut cuts, |a, b| a.0.total_cmp(&b.0));
        let mut from = y0;
        for (a, z) in cuts {
            if a > from {
                out.push(Shape::Line { x1: x, y1: from, x2: x, y2: a, class: "st-line".into(), data: None });
            }
            from = from.max(z);
        }
        if y1 > from {
            out.push(Shape::Line { x1: x, y1: from, x2: x, y2: y1, class: "st-line".into(), data: None });
        }
    }
    let visible = d.points_between(t_from, t_to);
    let in_window = |c: f64| c >= c_from && c <= c_to;
    let related = |j: usize| -> &'static str {
        match focus.point {
            Some(i) if i == j => "selected",
            Some(i) => match d.relation(i, j) {
                -1 => "past",
                1 => "future",
                _ => "concurrent",
            },
            None => "",
        }
    };
    let mut space = LabelSpace::default();
    // The events' own labels (what a node reported, its clocks) were asked for by the viewer: they take their
    // places first and are always shown; notes and arrow labels make way for them.
    // The events in the window, with their coordinates and labels.
    let mut shown: Vec<(usize, f64, Option<String>)> = visible
        .filter_map(|j| {
            let p = &d.points[j];
            let c = coord_of(d, p, order);
            if !in_window(c) {
                return None;
            }
            let mut label = Vec::new();
            if labels.notes {
                label.extend(p.notes.first().or(p.cause.as_ref()).filter(|n| !n.is_empty()).cloned());
            }
            if labels.lamport {
                label.push(format!("L{}", p.lamport));
            }
            if labels.vector {
                label.push(format!("{:?}", p.vclock.as_slice()));
            }
            if labels.wall {
                label.push(format!("PC {}", p.wall));
            }
            Some((j, c, (!label.is_empty()).then(|| label.join(" "))))
        })
        .collect();
    // A label runs right until the first line to its right that has an event within a label's height of it (or
    // the drawing's edge), and is cut with an ellipsis there: a broadcast's receipts, at one instant on
    // neighbouring lines, otherwise print their labels over each other. The event's tooltip has the whole text.
    let mut rows: Vec<(f64, NodeId)> = shown.iter().map(|&(j, c, _)| (g.y(c), d.points[j].node)).collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (j, c, text) in &mut shown {
        let Some(full) = text.take() else { continue };
        let (node, y) = (d.points[*j].node, g.y(*c));
        let near = rows.partition_point(|r| r.0 <= y - LabelSpace::HEIGHT)
            ..rows.partition_point(|r| r.0 < y + LabelSpace::HEIGHT);
        let next = rows[near].iter().map(|r| r.1).filter(|&k| k > node).min();
        let room = next.map_or(g.width - g.x(node) - 9.0, |k| g.x(k) - g.x(node) - 12.0);
        // 10 px type: 10/9 of the 9 px estimate.
        let fitted =
            if LabelSpace::width(&full) * 10.0 / 9.0 <= room { full } else { LabelSpace::cut(&full, room * 0.9) };
        space.place(g.x(node) + 7.0, y + 4.0, LabelSpace::width(&fitted) * 10.0 / 9.0, true);
        *text = Some(fitted);
    }
    // Marks (annotations), in true-time order only: they have no Lamport timestamp of their own. Their notes go
    // first, so that the arrows' labels make way for them.
    if order == Order::TrueTime {
        let a = d.marks.partition_point(|m| m.t < t_from);
        for m in d.marks[a..].iter().take_while(|m| m.t <= t_to) {
            let (x, y) = (g.x(m.node), g.y(m.t as f64));
            out.push(Shape::Rect {
                x: x - 3.0,
                y: y - 1.0,
                w: 6.0,
                h: 2.0,
                class: format!("st-mark {}", m.class),
                title: m.text.clone(),
            });
            if labels.notes && matches!(m.class, "observe" | "crash" | "recover" | "violation") {
                let (x, text, after) = note_at(g, x, &m.text);
                let left = if after { x } else { x - LabelSpace::width(&text) };
                // A violation or a crash is always told; a report gives way to the one already there.
                if space.place(left, y + 3.0, LabelSpace::width(&text), matches!(m.class, "crash" | "violation")) {
                    let class = format!("st-marktext {}{}", m.class, if after { " after" } else { "" });
                    out.push(Shape::Text { x, y: y + 3.0, text, class });
                }
            }
        }
    }
    // Arrows: any whose send or receive is in the time window.
    let near = &d.arrows[d.arrows_near(t_from, t_to)];
    for (k, a) in near.iter().enumerate() {
        let from = &d.points[a.from];
        let to = a.to.map(|k| &d.points[k]);
        let lost_t = a.lost.map(|(_, t, _)| t);
        let end_t = to.map(|p| p.t).or(lost_t).unwrap_or(from.t);
        if end_t < t_from || from.t > t_to {
            continue;
        }
        let (x1, y1) = (g.x(from.node), g.y(coord_of(d, from, order)));
        let labelled = !labels.crowded || focus.message == Some(a.id);
        let mut class = format!("st-arrow hue{}", hue(a.msg));
        if focus.message == Some(a.id) {
            class.push_str(" selected");
        }
        if from.ev > now_event {
            class.push_str(" future-run");
        }
        if let Some(p) = to {
            let (x2, y2) = (g.x(p.node), g.y(coord_of(d, p, order)));
            if order == Order::Physical && y2 < y1 {
                class.push_str(" inverted");
            }
            out.push(Shape::Line { x1, y1, x2, y2, class, data: Some(("msg", a.id.to_string())) });
            let (x, y) = ((x1 + x2) / 2.0 + 4.0, (y1 + y2) / 2.0);
            if labels.types && labelled && space.place(x, y, LabelSpace::width(a.msg), focus.message == Some(a.id)) {
                out.push(Shape::Text { x, y, text: a.msg.into(), class: "st-type".into() });
            }
        } else if let Some((node, t, reason)) = a.lost {
            // Lost: a stub towards the receiver ending in a cross, placed at the time it was lost.
            let frac = if t == from.t { 0.25 } else { 0.6 };
            let stub_x = |to: NodeId| x1 + (g.x(to) - x1) * frac;
            let x2 = stub_x(node);
            let y2 = if order == Order::TrueTime { g.y(t as f64).max(y1 + 8.0) } else { y1 + 12.0 };
            out.push(Shape::Line { x1, y1, x2, y2, class: class + " lost", data: Some(("msg", a.id.to_string())) });
            out.push(Shape::Text { x: x2, y: y2 + 4.0, text: "✕".into(), class: "st-cross".into() });
            // A broadcast cut off by a partition loses its copies together: their crosses sit a few pixels apart at
            // one height, and one label each would print over each other. Copies of one type sent by one node at
            // one height and lost at the same time for the same reason (consecutive arrows: a handler's sends are
            // recorded together) share one label with their count, after the outermost cross. A crowded window
            // labels the focused copy alone.
            let together = |b: &Arrow| {
                let p = &d.points[b.from];
                !labels.crowded
                    && b.msg == a.msg
                    && p.node == from.node
                    && coord_of(d, p, order) == coord_of(d, from, order)
                    && b.lost.is_some_and(|(_, u, r)| u == t && r == reason)
            };
            if labelled && !(k > 0 && together(&near[k - 1])) {
                // The group's size and its outermost cross (the group is empty in a crowded window).
                let (n, x) = near[k..]
                    .iter()
                    .take_while(|b| together(b))
                    .fold((0, x2), |(n, x), b| (n + 1, b.lost.map_or(x, |(to, _, _)| x.max(stub_x(to)))));
                let text = match n {
                    0 | 1 => format!("{} {reason}", a.msg),
                    n => format!("{} ×{n} {reason}", a.msg),
                };
                if space.place(x + 8.0, y2 + 4.0, LabelSpace::width(&text), focus.message == Some(a.id)) {
                    out.push(Shape::Text { x: x + 8.0, y: y2 + 4.0, text, class: "st-reason".into() });
                }
            }
        }
    }
    for (j, c, label) in shown {
        let p = &d.points[j];
        let (x, y) = (g.x(p.node), g.y(c));
        let kind = match p.kind {
            PointKind::Send { .. } => "send",
            PointKind::Receive { .. } => "recv",
            PointKind::Local => "local",
        };
        let mut class = format!("st-point {kind}");
        let rel = related(j);
        if !rel.is_empty() {
            class.push(' ');
            class.push_str(rel);
        }
        if p.ev > now_event {
            class.push_str(" future-run");
        }
        let name = p.notes.first().or(p.cause.as_ref()).cloned().unwrap_or_default();
        let (data, title) = if labels.bare {
            (vec![("point", j.to_string())], String::new())
        } else {
            let title = format!(
                "{} t={} L={} V={:?} PC={}{}",
                ids.get(p.node).map_or("", String::as_str),
                p.t,
                p.lamport,
                p.vclock.as_slice(),
                p.wall,
                if name.is_empty() { String::new() } else { format!(" · {name}") }
            );
            let data = vec![
                ("point", j.to_string()),
                ("lamport", p.lamport.to_string()),
                ("t", p.t.to_string()),
                ("node", p.node.to_string()),
                ("name", name.clone()),
            ];
            (data, title)
        };
        out.push(Shape::Circle { cx: x, cy: y, r: 4.5, class, data, title });
        if let Some(text) = label {
            out.push(Shape::Text { x: x + 7.0, y: y + 4.0, text, class: "st-label".into() });
        }
    }
    out
}

/// A short form of a message type for labels: the initials of a CamelCase name (`AppendEntriesResponse` → `AER`),
/// other names as they are (`DATA`, `PRE_COMMIT`).
pub fn short(kind: &str) -> String {
    let caps: String = kind.chars().filter(|c| c.is_ascii_uppercase()).collect();
    if kind.chars().any(|c| c.is_ascii_lowercase()) && caps.len() >= 2 {
        caps
    } else {
        kind.to_string()
    }
}

/// A stable colour index for a message type (the same as the cluster view's).
pub fn hue(kind: &str) -> u32 {
    kind.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32)) % 8
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Styles embedded in exported files (light theme, self-contained).
pub const EXPORT_STYLE: &str = "
text { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans KR', sans-serif; font-size: 11px; fill: #0f172a; }
.st-node { font-weight: 700; font-size: 13px; text-anchor: middle; }
.st-line { stroke: #94a3b8; stroke-width: 2; }
.st-down { stroke: #dc2626; stroke-width: 2; stroke-dasharray: 2 5; }
.st-paused { fill: url(#hatch); stroke: #d97706; }
.band { fill: rgba(220, 38, 38, .08); }
.st-arrow { stroke-width: 1.6; marker-end: url(#arrow); }
.st-arrow.lost { marker-end: none; stroke-dasharray: 4 3; }
.st-arrow.inverted { stroke-width: 2.5; }
.st-cross { fill: #dc2626; font-weight: 700; text-anchor: middle; }
.st-reason { fill: #dc2626; font-size: 9px; }
.st-type { font-size: 9px; fill: #475569; }
.st-point { fill: #0f172a; }
.st-point.local { fill: #fff; stroke: #0f172a; stroke-width: 1.5; }
.st-point.selected { fill: #f59e0b; }
.st-point.past { fill: #2563eb; }
.st-point.future { fill: #16a34a; }
.st-point.concurrent { opacity: .3; }
.st-label { font-size: 10px; fill: #334155; }
.st-mark { fill: #64748b; }
.st-mark.violation, .st-marktext.violation, .st-mark.crash, .st-marktext.crash { fill: #dc2626; }
.st-marktext { font-size: 9px; text-anchor: end; fill: #15803d; }
.st-marktext.after { text-anchor: start; }
.hue0 { stroke: #2563eb; } .hue1 { stroke: #db2777; } .hue2 { stroke: #059669; } .hue3 { stroke: #d97706; }
.hue4 { stroke: #7c3aed; } .hue5 { stroke: #0891b2; } .hue6 { stroke: #65a30d; } .hue7 { stroke: #e11d48; }
";

/// A standalone SVG document of the shapes, with its styles embedded (for blog posts).
pub fn to_svg(shapes: &[Shape], width: f64, height: f64, title: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}">
<title>{}</title>
<style>{EXPORT_STYLE}</style>
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#475569"/></marker>
<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#d97706" stroke-width="2"/></pattern></defs>
<rect width="100%" height="100%" fill="#ffffff"/>
"##,
        esc(title)
    );
    for sh in shapes {
        match sh {
            Shape::Line { x1, y1, x2, y2, class, data } => {
                let d = data.as_ref().map(|(k, v)| format!(r#" data-{k}="{}""#, esc(v))).unwrap_or_default();
                let _ =
                    writeln!(s, r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" class="{class}"{d}/>"#);
            }
            Shape::Circle { cx, cy, r, class, data, title } => {
                let d: String = data.iter().map(|(k, v)| format!(r#" data-{k}="{}""#, esc(v))).collect();
                let _ = writeln!(
                    s,
                    r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="{r}" class="{class}"{d}><title>{}</title></circle>"#,
                    esc(title)
                );
            }
            Shape::Rect { x, y, w, h, class, title } => {
                let _ = writeln!(
                    s,
                    r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" class="{class}"><title>{}</title></rect>"#,
                    esc(title)
                );
            }
            Shape::Text { x, y, text, class } => {
                let _ = writeln!(s, r#"<text x="{x:.1}" y="{y:.1}" class="{class}">{}</text>"#, esc(text));
            }
        }
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::load_str;

    /// A scenario run to its end with its trace recorded: its diagram and its node names.
    fn run(doc: &str) -> (Diagram, Vec<String>) {
        let nodes = serde_json::from_str::<serde_json::Value>(doc).unwrap()["nodes"].clone();
        let ids: Vec<String> = serde_json::from_value(nodes).unwrap();
        let mut r = load_str(doc).unwrap();
        r.set_recording(true);
        r.run_to_end();
        (Diagram::build(&r.take_trace(), ids.len()), ids)
    }

    /// NET-2 run to its end (lost messages included), its diagram, a geometry for it and its node names.
    fn net2() -> (Diagram, Geometry, Vec<String>) {
        let (d, ids) = run(include_str!("../../scenarios/NET-2.json"));
        (d, Geometry { width: 400.0, top: 40.0, c0: 0.0, scale: 3.0, n: 2 }, ids)
    }

    #[test]
    fn node_names_never_overlap_and_stagger_only_when_crowded() {
        let names = |n: usize, name: &dyn Fn(usize) -> String| -> Vec<Header> {
            let ids: Vec<String> = (0..n).map(name).collect();
            headers(&Geometry { width: 520.0, top: 36.0, c0: 0.0, scale: 1.0, n }, &ids)
        };
        let apart = |hs: &[Header]| {
            for (i, a) in hs.iter().enumerate() {
                for b in &hs[..i] {
                    let half = |h: &Header| header_width(&h.text) / 2.0;
                    let clear = (a.x - b.x).abs() >= half(a) + half(b) || (a.y - b.y).abs() >= 13.0;
                    assert!(clear, "{a:?} touches {b:?}");
                    assert!(a.y >= 13.0, "{a:?} leaves the top");
                }
            }
        };
        let three = names(3, &|i| format!("n{}", i + 1));
        assert!(three.iter().all(|h| h.y == three[0].y && !h.cut), "three names share one baseline");
        let sixteen = names(16, &|i| format!("n{}", i + 1));
        apart(&sixteen);
        assert_ne!(sixteen[0].y, sixteen[1].y, "sixteen names alternate baselines");
        assert!(sixteen.iter().all(|h| !h.cut), "short names are never cut");
        let long = names(16, &|i| format!("replica-{i}"));
        apart(&long);
        assert!(long.iter().all(|h| h.cut && h.text.ends_with('…')), "long names are cut, not overlapped");
        // Few lines with long names: the outer names stay inside the drawing.
        let wide = names(4, &|i| format!("coordinator-{i}-of-the-bank"));
        apart(&wide);
        for h in &wide {
            let w = header_width(&h.text);
            assert!(h.x - w / 2.0 >= 0.0 && h.x + w / 2.0 <= 520.0, "{h:?} leaves the drawing");
        }
    }

    #[test]
    fn the_exported_svg_is_standalone_and_has_the_arrows() {
        let (d, g, ids) = net2();
        let sh = shapes(
            &d,
            &ids,
            Order::TrueTime,
            &g,
            (0.0, 200.0),
            (0, 200),
            Labels { lamport: true, headers: true, ..Default::default() },
            &Focus::default(),
            u64::MAX,
        );
        let svg = to_svg(&sh, 400.0, 700.0, "NET-2");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("<style>") && svg.contains("marker id=\"arrow\""));
        assert_eq!(svg.matches("class=\"st-arrow").count(), d.arrows.len());
        assert!(svg.contains("✕"), "lost messages end in a cross");
        assert_eq!(svg.matches("<circle").count(), d.points.len());
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn short_labels_use_initials_of_camel_case_types() {
        assert_eq!(short("AppendEntriesResponse"), "AER");
        assert_eq!(short("RequestVote"), "RV");
        assert_eq!(short("PRE_COMMIT"), "PRE_COMMIT");
        assert_eq!(short("DATA"), "DATA");
        assert_eq!(short("M1"), "M1");
    }

    #[test]
    fn geometry_round_trips_coordinates() {
        let g = Geometry { width: 500.0, top: 30.0, c0: 100.0, scale: 2.5, n: 3 };
        assert!((g.coord_at(g.y(140.0)) - 140.0).abs() < 1e-9);
        assert!(g.x(0) < g.x(1) && g.x(1) < g.x(2));
    }

    #[test]
    fn only_the_window_is_drawn() {
        let mut r = load_str(
            r#"{"format":1,"id":"w","protocol":"link","nodes":["A","B"],"params":{"sendEvery":2},"runUntil":5000}"#,
        )
        .unwrap();
        r.set_recording(true);
        r.run_to_end();
        let d = Diagram::build(&r.take_trace(), 2);
        assert!(d.points.len() > 5000);
        let g = Geometry { width: 400.0, top: 40.0, c0: 1000.0, scale: 10.0, n: 2 };
        let ids = vec!["A".to_string(), "B".to_string()];
        let sh = shapes(
            &d,
            &ids,
            Order::TrueTime,
            &g,
            (1000.0, 1050.0),
            (1000, 1050),
            Labels::default(),
            &Focus::default(),
            u64::MAX,
        );
        let circles = sh.iter().filter(|s| matches!(s, Shape::Circle { .. })).count();
        let inside = d.points.iter().filter(|p| (1000..=1050).contains(&p.t)).count();
        assert_eq!(circles, inside, "exactly the points of the window are drawn");
        assert!(circles * 50 < d.points.len(), "{circles} of {}", d.points.len());
    }

    #[test]
    fn a_broadcast_lost_to_a_partition_gets_one_label_with_its_count() {
        // Five singletons: every RequestVote a candidate broadcasts is lost at the send, four copies at a time.
        let (d, ids) = run(r#"{"format":1,"id":"p","protocol":"raft","nodes":["n1","n2","n3","n4","n5"],
                "schedule":[{"at":0,"partition":[["n1"],["n2"],["n3"],["n4"],["n5"]]}],"runUntil":1000}"#);
        let g = Geometry { width: 600.0, top: 40.0, c0: 0.0, scale: 1.0, n: 5 };
        let sh = shapes(
            &d,
            &ids,
            Order::TrueTime,
            &g,
            (0.0, 1000.0),
            (0, 1000),
            Labels::default(),
            &Focus::default(),
            u64::MAX,
        );
        let texts = |class: &str| -> Vec<(f64, f64, String)> {
            sh.iter()
                .filter_map(|s| match s {
                    Shape::Text { x, y, text, class: c } if c == class => Some((*x, *y, text.clone())),
                    _ => None,
                })
                .collect()
        };
        let (crosses, reasons) = (texts("st-cross"), texts("st-reason"));
        let lost = d.arrows.iter().filter(|a| a.lost.is_some()).count();
        assert!(lost >= 8, "{lost} lost copies");
        assert_eq!(crosses.len(), lost, "every copy keeps its cross");
        assert_eq!(reasons.len() * 4, lost, "one label per broadcast: {reasons:?}");
        for (x, y, text) in &reasons {
            assert_eq!(text, "RequestVote ×4 partition@send");
            // Placed after the outermost cross of its broadcast, so that it covers none of them.
            let row = crosses.iter().filter(|c| c.1 == *y);
            assert!(row.clone().count() >= 4 && row.clone().all(|c| c.0 < *x), "{text} at {x}, {y}");
        }
    }

    #[test]
    fn a_broadcasts_receipts_label_their_events_without_running_into_the_next_line() {
        // 3PC-4: the participants become COMMITTABLE at one instant, and decide at another; C's broadcasts are
        // labelled PRE_COMMIT three times, capitals that an average advance underestimated.
        let (d, ids) = run(include_str!("../../scenarios/3PC-4.json"));
        let g = Geometry { width: 520.0, top: 36.0, c0: 0.0, scale: 2.0, n: ids.len() };
        let labels = Labels { types: true, notes: true, ..Default::default() };
        let sh = shapes(&d, &ids, Order::TrueTime, &g, (0.0, 400.0), (0, 400), labels, &Focus::default(), u64::MAX);
        let boxes: Vec<(f64, f64, f64, &str)> = sh
            .iter()
            .filter_map(|s| match s {
                Shape::Text { x, y, text, class } if class == "st-type" => {
                    Some((*x, *x + LabelSpace::width(text), *y, text.as_str()))
                }
                Shape::Text { x, y, text, class } if class == "st-label" => {
                    Some((*x, *x + LabelSpace::width(text) * 10.0 / 9.0, *y, text.as_str()))
                }
                _ => None,
            })
            .collect();
        assert!(boxes.iter().filter(|b| b.3.starts_with("COMMITTAB")).count() == 3, "{boxes:?}");
        assert!(boxes.iter().any(|b| b.3.ends_with('…')), "long notes are cut: {boxes:?}");
        for (i, a) in boxes.iter().enumerate() {
            assert!(a.1 <= g.width, "{a:?} runs off the drawing");
            for b in &boxes[..i] {
                let apart = (a.2 - b.2).abs() >= LabelSpace::HEIGHT || a.1 <= b.0 || b.1 <= a.0;
                assert!(apart, "{a:?} prints over {b:?}");
            }
        }
    }

    #[test]
    fn arrow_labels_do_not_print_over_each_other_but_the_selected_one_is_always_labelled() {
        // A leader's heartbeats to four followers and their replies: labels a few pixels apart.
        let (d, ids) =
            run(r#"{"format":1,"id":"h","protocol":"raft","nodes":["n1","n2","n3","n4","n5"],"runUntil":2000}"#);
        let g = Geometry { width: 600.0, top: 40.0, c0: 0.0, scale: 1.0, n: 5 };
        let draw = |message: Option<u64>| {
            let labels = Labels { types: true, notes: true, ..Default::default() };
            let focus = Focus { message, ..Default::default() };
            shapes(&d, &ids, Order::TrueTime, &g, (0.0, 2000.0), (0, 2000), labels, &focus, u64::MAX)
        };
        let boxes = |sh: &[Shape]| -> Vec<(f64, f64, f64, String)> {
            sh.iter()
                .filter_map(|s| match s {
                    Shape::Text { x, y, text, class } if class == "st-type" || class == "st-reason" => {
                        Some((*x, *x + LabelSpace::width(text), *y, text.clone()))
                    }
                    // The events' own labels (here, the role changes), in 10 px type.
                    Shape::Text { x, y, text, class } if class == "st-label" => {
                        Some((*x, *x + LabelSpace::width(text) * 10.0 / 9.0, *y, text.clone()))
                    }
                    _ => None,
                })
                .collect()
        };
        let shown = boxes(&draw(None));
        assert!(shown.iter().any(|s| s.3.starts_with("role leader")), "{shown:?}");
        let delivered = d.arrows.iter().filter(|a| a.to.is_some()).count();
        assert!(shown.len() >= 20 && shown.len() < delivered, "{} labels for {delivered} arrows", shown.len());
        for (i, a) in shown.iter().enumerate() {
            for b in &shown[..i] {
                let apart = (a.2 - b.2).abs() >= LabelSpace::HEIGHT || a.1 <= b.0 || b.1 <= a.0;
                assert!(apart, "{a:?} prints over {b:?}");
            }
        }
        // An arrow whose label was left out gets it once selected.
        let (hidden, x, y) = d
            .arrows
            .iter()
            .filter_map(|a| {
                let (from, to) = (&d.points[a.from], &d.points[a.to?]);
                let x = (g.x(from.node) + g.x(to.node)) / 2.0 + 4.0;
                let y = (g.y(from.t as f64) + g.y(to.t as f64)) / 2.0;
                Some((a, x, y))
            })
            .find(|&(_, x, y)| !shown.iter().any(|s| s.0 == x && s.2 == y))
            .expect("a label left out");
        let selected = boxes(&draw(Some(hidden.id)));
        assert!(
            selected.iter().any(|s| (s.0, s.2, s.3.as_str()) == (x, y, hidden.msg)),
            "the selected arrow is labelled"
        );
    }

    #[test]
    fn notes_stay_inside_the_drawing_and_off_each_other() {
        // 2PC-8: the coordinator (leftmost) crashes after logging COMMIT; both banks then report, at the same
        // moments, that they are blocked: long notes at one height.
        let (d, ids) = run(include_str!("../../scenarios/2PC-8.json"));
        let g = Geometry { width: 540.0, top: 40.0, c0: 0.0, scale: 0.5, n: 3 };
        let labels = Labels { types: true, notes: true, ..Default::default() };
        let sh = shapes(&d, &ids, Order::TrueTime, &g, (0.0, 1500.0), (0, 1500), labels, &Focus::default(), u64::MAX);
        let notes: Vec<(f64, f64, f64, &str)> = sh
            .iter()
            .filter_map(|s| match s {
                Shape::Text { x, y, text, class } if class.starts_with("st-marktext") => {
                    let w = LabelSpace::width(text);
                    let (l, r) = if class.ends_with(" after") { (*x, x + w) } else { (x - w, *x) };
                    Some((l, r, *y, text.as_str()))
                }
                _ => None,
            })
            .collect();
        assert!(notes.iter().any(|n| n.3.starts_with("crashOn")), "the coordinator's crash is told: {notes:?}");
        assert!(notes.iter().any(|n| n.3.starts_with("blocked")), "{notes:?}");
        assert!(notes.iter().any(|n| n.3.ends_with('…')), "a note too long for the room is cut: {notes:?}");
        for (i, a) in notes.iter().enumerate() {
            assert!(a.0 >= 0.0 && a.1 <= g.width, "{a:?} leaves the drawing");
            for b in &notes[..i] {
                assert!((a.2 - b.2).abs() >= LabelSpace::HEIGHT || a.1 <= b.0 || b.1 <= a.0, "{a:?} over {b:?}");
            }
        }
    }

    #[test]
    fn a_crowded_window_labels_only_the_focused_arrow() {
        let (d, g, ids) = net2();
        let draw = |crowded: bool, message: Option<u64>| {
            let labels = Labels { types: true, crowded, ..Default::default() };
            let focus = Focus { message, ..Default::default() };
            shapes(&d, &ids, Order::TrueTime, &g, (0.0, 200.0), (0, 200), labels, &focus, u64::MAX)
        };
        let count = |sh: &[Shape], which: &str| {
            sh.iter().filter(|s| matches!(s, Shape::Text { class, .. } if class == which)).count()
        };
        let delivered = d.arrows.iter().find(|a| a.to.is_some()).expect("a delivered message").id;
        let lost = d.arrows.iter().find(|a| a.lost.is_some()).expect("a lost message").id;
        let full = draw(false, None);
        assert!(count(&full, "st-type") > 1 && count(&full, "st-reason") > 1);
        let crowded = draw(true, None);
        assert_eq!((count(&crowded, "st-type"), count(&crowded, "st-reason")), (0, 0));
        assert_eq!(count(&crowded, "st-cross"), count(&full, "st-cross"), "lost arrows keep their crosses");
        let with_delivered = draw(true, Some(delivered));
        assert_eq!((count(&with_delivered, "st-type"), count(&with_delivered, "st-reason")), (1, 0));
        let with_lost = draw(true, Some(lost));
        assert_eq!((count(&with_lost, "st-type"), count(&with_lost, "st-reason")), (0, 1));
    }
}

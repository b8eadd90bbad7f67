//! The event log: the trace around the playhead, filterable by node and kind; clicking an entry seeks there.

use super::data_of;
use crate::i18n::{tr, use_lang};
use crate::player::{Msg, Shared};
use netsplit_core::trace::{TraceEvent, TraceKind};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// How many entries the log shows at once.
const SHOWN: usize = 120;

/// Properties of the event log.
#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    /// Trace records up to the playhead (newest last), already windowed.
    pub entries: Shared<Vec<TraceEvent>>,
    /// Node ids.
    pub ids: Shared<Vec<String>>,
    /// The selected record's index in the trace, if a record is selected.
    pub selected: Option<u64>,
    /// Sends a player message.
    pub send: Callback<Msg>,
}

/// The short name of a record's kind (the filter values).
pub fn kind_name(k: &TraceKind) -> &'static str {
    match k {
        TraceKind::Send { .. } => "send",
        TraceKind::Deliver { .. } => "deliver",
        TraceKind::Drop { .. } => "drop",
        TraceKind::Defer { .. } => "defer",
        TraceKind::Timer { .. } => "timer",
        TraceKind::Persist { .. } => "persist",
        TraceKind::Observe { .. } | TraceKind::Note { .. } => "observe",
        TraceKind::Action { .. } => "action",
        TraceKind::Ignored { .. } => "ignored",
        TraceKind::Crash { .. } => "crash",
        TraceKind::Recover => "recover",
        TraceKind::Pause { .. } => "pause",
        TraceKind::Partition { .. } => "partition",
        TraceKind::Heal => "heal",
        TraceKind::Cut { .. } => "cut",
        TraceKind::Restore { .. } => "restore",
        TraceKind::ClockJump { .. } => "clockJump",
        TraceKind::SetClock { .. } => "setClock",
        TraceKind::SetNetwork { .. } => "setNetwork",
        TraceKind::Violation { .. } => "violation",
    }
}

const KINDS: &[&str] = &[
    "send",
    "deliver",
    "drop",
    "timer",
    "persist",
    "observe",
    "action",
    "crash",
    "recover",
    "pause",
    "partition",
    "heal",
    "cut",
    "restore",
    "clockJump",
    "setClock",
    "violation",
];

/// One line of text for a trace record.
pub fn describe(e: &TraceEvent, ids: &[String]) -> String {
    let id = |n: &usize| ids.get(*n).cloned().unwrap_or_default();
    match &e.kind {
        TraceKind::Send { to, label, deliver_at, copies, .. } => match deliver_at {
            Some(at) => format!(
                "{label} → {} (arrives {at}{})",
                id(to),
                if *copies > 0 { format!(", +{copies} copies") } else { String::new() }
            ),
            None => format!("{label} → {}", id(to)),
        },
        TraceKind::Deliver { from, msg, dup, .. } => {
            format!("{msg} from {}{}", id(from), if *dup { " (dup)" } else { "" })
        }
        TraceKind::Drop { from, to, msg, reason, .. } => {
            format!("{msg} {}→{} lost: {}", id(from), id(to), reason.as_str())
        }
        TraceKind::Defer { until, .. } => format!("delivery deferred to {until}"),
        TraceKind::Timer { name } => format!("timer {name}"),
        TraceKind::Persist { record } => format!("persist {record}"),
        TraceKind::Observe { what, .. } | TraceKind::Note { what, .. } => what.clone(),
        TraceKind::Action { what } => what.clone(),
        TraceKind::Ignored { what } => format!("ignored: {what}"),
        TraceKind::Crash { hook } => match hook {
            Some(h) => format!("crash ({h})"),
            None => "crash".into(),
        },
        TraceKind::Recover => "recover".into(),
        TraceKind::Pause { until } => format!("pause until {until}"),
        TraceKind::Partition { groups } => format!(
            "partition {}",
            groups
                .iter()
                .map(|g| format!("{{{}}}", g.iter().map(id).collect::<Vec<_>>().join(",")))
                .collect::<Vec<_>>()
                .join(" | ")
        ),
        TraceKind::Heal => "heal".into(),
        TraceKind::Cut { src, dst } => format!("cut {}→{}", id(src), id(dst)),
        TraceKind::Restore { src, dst } => format!("restore {}→{}", id(src), id(dst)),
        TraceKind::ClockJump { delta } => format!("clock jump {delta:+} ms"),
        TraceKind::SetClock { offset, drift } => format!("clock skew {offset} ms, drift {drift} ppm"),
        TraceKind::SetNetwork { what } => format!("network: {what}"),
        TraceKind::Violation { invariant, detail } => format!("VIOLATION {invariant}: {detail}"),
    }
}

/// The event log panel.
#[component]
pub fn EventLog(p: &EventLogProps) -> Html {
    let lang = use_lang();
    let node_filter = use_state(|| None::<usize>);
    let kind_filter = use_state(|| None::<&'static str>);
    let on_node = {
        let f = node_filter.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            f.set(s.value().parse::<usize>().ok());
        })
    };
    let on_kind = {
        let f = kind_filter.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            f.set(KINDS.iter().copied().find(|k| *k == s.value()));
        })
    };
    // Clicking an entry seeks to it and selects it: one handler on the list serves every row (the list is
    // rebuilt while playing).
    let open = {
        let send = p.send.clone();
        move |e: &web_sys::Event| {
            let num = |name| data_of(e, name).and_then(|v| v.parse::<u64>().ok());
            if let (Some(ev), Some(i)) = (num("ev"), num("i")) {
                e.prevent_default();
                send.emit(Msg::SeekEvent(ev));
                send.emit(Msg::Select(crate::player::Selection::Event(i)));
            }
        }
    };
    let onclick = {
        let open = open.clone();
        Callback::from(move |e: MouseEvent| open(&e))
    };
    // Enter or Space on a focused record does what a click does.
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if matches!(e.key().as_str(), "Enter" | " ") {
            open(&e);
        }
    });
    let shown: Vec<&TraceEvent> = p
        .entries
        .iter()
        .rev()
        .filter(|e| {
            node_filter.is_none_or(|n| {
                e.node == Some(n)
                    || matches!(&e.kind,
            TraceKind::Drop { from, to, .. } if *from == n || *to == n)
            })
        })
        .filter(|e| kind_filter.is_none_or(|k| kind_name(&e.kind) == k))
        .take(SHOWN)
        .collect();
    // Seeking to a clicked record drops the newer ones from the list, so the row moves: it is marked, and
    // scrolled to, so that the eye can find it again.
    let list_ref = use_node_ref();
    {
        let list_ref = list_ref.clone();
        use_effect_with(p.selected, move |selected| {
            let Some(list) = list_ref.cast::<web_sys::Element>().filter(|_| selected.is_some()) else { return };
            // Only the list scrolls (scrollIntoView would move the page too).
            if let Ok(Some(row)) = list.query_selector(".entry.selected") {
                let (r, l) = (row.get_bounding_client_rect(), list.get_bounding_client_rect());
                let by = if r.top() < l.top() {
                    r.top() - l.top()
                } else if r.bottom() > l.bottom() {
                    r.bottom() - l.bottom()
                } else {
                    0.0
                };
                list.set_scroll_top(list.scroll_top() + by.round() as i32);
            }
        });
    }
    let rows = shown.iter().map(|e| {
        let who = e.node.and_then(|n| p.ids.get(n).cloned()).unwrap_or_else(|| "·".into());
        let selected = p.selected == Some(e.i);
        html! {
            <li class={classes!("entry", kind_name(&e.kind), selected.then_some("selected"))} data-ev={e.ev.to_string()}
                data-i={e.i.to_string()} aria-current={selected.then_some("true")} tabindex="0" role="button">
                <span class="t">{e.t}</span><span class="who">{who}</span><span class="what">{describe(e, &p.ids)}</span>
            </li>
        }
    });
    html! {
        <section class="panel event-log" aria-label={tr(lang, "log.title")}>
            <h2>{tr(lang, "log.title")}</h2>
            <div class="filters">
                <label>{tr(lang, "log.node")}
                    <select id="log-node" onchange={on_node}>
                        <option value="" selected={node_filter.is_none()}>{tr(lang, "log.all")}</option>
                        { for p.ids.iter().enumerate().map(|(i, id)| html!{ <option value={i.to_string()} selected={*node_filter == Some(i)}>{id}</option> }) }
                    </select>
                </label>
                <label>{tr(lang, "log.kind")}
                    <select id="log-kind" onchange={on_kind}>
                        <option value="" selected={kind_filter.is_none()}>{tr(lang, "log.all")}</option>
                        { for KINDS.iter().map(|k| html!{ <option value={*k} selected={*kind_filter == Some(*k)}>{*k}</option> }) }
                    </select>
                </label>
            </div>
            <ol class="entries" reversed=true {onclick} {onkeydown} ref={list_ref}>{ for rows }</ol>
        </section>
    }
}

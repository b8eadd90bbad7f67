//! The inspector: the selected node's full state (stable versus volatile marked) or the selected message's fields
//! and timestamps.

use crate::components::event_log::describe;
use crate::i18n::{tr, use_lang};
use crate::player::{Msg, Selection, Shared};
use netsplit_core::scenario::Action;
use netsplit_core::trace::TraceEvent;
use netsplit_core::view::Snapshot;
use serde_json::Value;
use yew::prelude::*;

/// Properties of the inspector.
#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    /// Snapshot at the playhead.
    pub snap: Shared<Snapshot>,
    /// Selection.
    pub selected: Selection,
    /// Fields of the selected message, when one is selected and in flight.
    pub message_fields: Option<Shared<Value>>,
    /// The selected trace record, when an event is selected.
    pub event: Option<Shared<TraceEvent>>,
    /// Node ids.
    pub ids: Shared<Vec<String>>,
    /// Sends a player message.
    pub send: Callback<Msg>,
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The inspector panel.
#[component]
pub fn Inspector(p: &InspectorProps) -> Html {
    let lang = use_lang();
    let snap = &p.snap;
    let body = match p.selected {
        Selection::Node(i) if i < snap.nodes.len() => {
            let n = &snap.nodes[i];
            html! {
                <div class="insp-node" data-node={i.to_string()}>
                    <h3>{tr(lang, "insp.node")}{" "}{&n.id}{" · "}<span class={classes!("role", n.proto.class)}>{crate::i18n::role(lang, &n.proto.role).into_owned()}</span></h3>
                    <table class="fields">
                        { for n.proto.fields.iter().map(|f| html!{
                            <tr class={classes!(f.durable.then_some("durable"))}>
                                <th>{f.name}</th><td>{&f.value}</td>
                                <td class="where">
                                    <span class={classes!("tag", if f.durable { "stable" } else { "volatile" })}
                                          title={if f.durable { tr(lang, "insp.durable") } else { tr(lang, "insp.volatile") }}>
                                        { if f.durable { tr(lang, "insp.stableTag") } else { tr(lang, "insp.volatileTag") } }
                                    </span>
                                </td>
                            </tr>
                        }) }
                        <tr><th>{tr(lang, "insp.wall")}</th><td>{format!("{} ({} {} ms, {} {} ppm)", n.wall, tr(lang, "insp.skew"), n.offset, tr(lang, "insp.drift"), n.drift)}</td><td></td></tr>
                        <tr><th>{tr(lang, "insp.mono")}</th><td>{n.mono}</td><td></td></tr>
                        <tr><th>{tr(lang, "insp.lamportVector")}</th><td>{format!("{} {:?}", n.lamport, n.vclock.as_slice())}</td><td></td></tr>
                    </table>
                    if !n.proto.log.is_empty() {
                        <h4>{tr(lang, "insp.log")}</h4>
                        <ol class="log-lines">
                            { for n.proto.log.iter().map(|l| html!{ <li class={classes!(l.committed.then_some("committed"))}>{&l.text}</li> }) }
                        </ol>
                    }
                    if !n.timers.is_empty() {
                        <h4>{tr(lang, "insp.timers")}</h4>
                        <ul class="timers">
                            { for n.timers.iter().map(|t| html!{ <li>{format!("{}: {} {} → {} {}", t.name, tr(lang, "insp.armed"), t.armed_at, tr(lang, "insp.fires"), t.deadline)}</li> }) }
                        </ul>
                    }
                    <p class="legend">
                        <span class="tag stable">{tr(lang, "insp.stableTag")}</span>{" "}{tr(lang, "insp.durable")}{" · "}
                        <span class="tag volatile">{tr(lang, "insp.volatileTag")}</span>{" "}{tr(lang, "insp.volatile")}
                    </p>
                </div>
            }
        }
        Selection::Message(id) => match snap.messages.iter().find(|m| m.id == id) {
            Some(m) => {
                let send = p.send.clone();
                let drop = Callback::from(move |_| send.emit(Msg::Act(Box::new(Action::DropMessage(id)))));
                let fields: Vec<(String, String)> = match p.message_fields.as_deref() {
                    Some(Value::Object(o)) => o.iter().map(|(k, v)| (k.clone(), value_text(v))).collect(),
                    _ => Vec::new(),
                };
                html! {
                    <div class="insp-msg" data-msg={id.to_string()}>
                        <h3>{tr(lang, "insp.message")}{format!(" #{id} · {}", m.kind)}</h3>
                        <p>{format!("{} → {} · {} {} → {}", snap.nodes[m.src].id, snap.nodes[m.dst].id, tr(lang, "insp.inflight"), m.sent_at, m.deliver_at)}
                           { if m.dup { " · dup" } else { "" } }
                           { if m.delayed > 0 { format!(" · +{} ms", m.delayed) } else { String::new() } }</p>
                        <table class="fields">
                            { for fields.iter().map(|(k, v)| html!{ <tr><th>{k}</th><td>{v}</td></tr> }) }
                            <tr><th>{tr(lang, "insp.lamport")}</th><td>{m.lamport}</td></tr>
                            <tr><th>{tr(lang, "insp.vector")}</th><td>{format!("{:?}", m.vclock.as_slice())}</td></tr>
                            <tr><th>{tr(lang, "insp.senderWall")}</th><td>{m.sent_wall}</td></tr>
                        </table>
                        <button id="drop-message" class="danger" onclick={drop}>{tr(lang, "insp.drop")}</button>
                    </div>
                }
            }
            None => html! { <p class="muted">{tr(lang, "insp.empty")}</p> },
        },
        Selection::Event(_) => match p.event.as_deref() {
            Some(e) => {
                let send = p.send.clone();
                let ev = e.ev;
                let seek = Callback::from(move |_| send.emit(Msg::SeekEvent(ev)));
                let who = e.node.and_then(|n| p.ids.get(n).cloned()).unwrap_or_default();
                html! {
                    <div class="insp-event" data-trace={e.i.to_string()}>
                        <h3>{tr(lang, "insp.event")}{format!(" #{} · {who}", e.ev)}</h3>
                        <p>{describe(e, &p.ids)}</p>
                        <table class="fields">
                            <tr><th>{tr(lang, "time.now")}</th><td>{e.t}</td></tr>
                            <tr><th>{tr(lang, "insp.lamport")}</th><td>{e.lamport}</td></tr>
                            <tr><th>{tr(lang, "insp.vector")}</th><td>{format!("{:?}", e.vclock.as_slice())}</td></tr>
                            <tr><th>{tr(lang, "insp.wall")}</th><td>{e.wall}</td></tr>
                        </table>
                        <button id="seek-event" onclick={seek}>{tr(lang, "insp.seekHere")}</button>
                    </div>
                }
            }
            None => html! { <p class="muted">{tr(lang, "insp.empty")}</p> },
        },
        _ => html! { <p class="muted">{tr(lang, "insp.empty")}</p> },
    };
    html! {
        <section class="panel inspector" aria-label={tr(lang, "insp.title")}>
            <h2>{tr(lang, "insp.title")}</h2>
            { body }
        </section>
    }
}

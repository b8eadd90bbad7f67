//! The menu of a node: crash, recover, pause, the protocol's own actions, and its clock (skew, drift, jump).

use crate::catalog::{menu_action, node_menu, MenuInput};
use crate::i18n::{tr, use_lang};
use crate::player::Msg;
use netsplit_core::scenario::Action;
use netsplit_core::view::NodeView;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Properties of the node menu.
#[derive(Properties, PartialEq)]
pub struct NodeMenuProps {
    /// Protocol name.
    pub protocol: String,
    /// The node's index.
    pub node: usize,
    /// The node as drawn.
    pub view: NodeView,
    /// Ids of every node (for "send to").
    pub ids: Vec<String>,
    /// Playhead (ms), for "pause until".
    pub t: f64,
    /// Sends a player message.
    pub send: Callback<Msg>,
    /// Where to draw it, in % of the cluster view.
    pub left: f64,
    /// Vertical position in %.
    pub top: f64,
    /// Closes the menu.
    pub on_close: Callback<()>,
}

fn input_value(r: &NodeRef) -> String {
    r.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default()
}

/// The floating menu of a node.
#[component]
pub fn NodeMenu(p: &NodeMenuProps) -> Html {
    let lang = use_lang();
    let node = p.node;
    use_effect_with(node, |&node| move || super::topology::menu_closed(node));
    let act = {
        let send = p.send.clone();
        move |a: Action| send.emit(Msg::Act(Box::new(a)))
    };
    let pause_ref = use_node_ref();
    let skew_ref = use_node_ref();
    let drift_ref = use_node_ref();
    let jump_ref = use_node_ref();
    let crash = {
        let act = act.clone();
        let up = p.view.up;
        Callback::from(move |_| act(if up { Action::Crash(node) } else { Action::Recover(node) }))
    };
    let pause = {
        let act = act.clone();
        let r = pause_ref.clone();
        let t = p.t;
        Callback::from(move |_| {
            let ms = input_value(&r).trim().parse::<u64>().unwrap_or(200).clamp(1, 86_400_000);
            act(Action::Pause { node, until: t.floor() as u64 + 1 + ms });
        })
    };
    let set_clock = {
        let act = act.clone();
        let (s, d) = (skew_ref.clone(), drift_ref.clone());
        Callback::from(move |_| {
            let offset = input_value(&s).parse::<i64>().unwrap_or(0).clamp(-86_400_000, 86_400_000);
            let drift = input_value(&d).parse::<i64>().unwrap_or(0).clamp(-500_000, 500_000);
            act(Action::SetClock { node, offset, drift });
        })
    };
    let jump = {
        let act = act.clone();
        let r = jump_ref.clone();
        Callback::from(move |_| {
            if let Ok(delta) = input_value(&r).trim().parse::<i64>() {
                act(Action::ClockJump { node, delta: delta.clamp(-86_400_000, 86_400_000) });
            }
        })
    };
    let n = p.ids.len();
    let items = node_menu(&p.protocol, node).into_iter().map(|item| {
        let key = item.key;
        let protocol = p.protocol.clone();
        let text_ref = NodeRef::default();
        let send = p.send.clone();
        let onclick = {
            let text_ref = text_ref.clone();
            let protocol = protocol.clone();
            Callback::from(move |_| {
                let text = input_value(&text_ref);
                let other = text_ref
                    .cast::<HtmlSelectElement>()
                    .and_then(|s| s.value().parse::<usize>().ok());
                match menu_action(&protocol, key, node, &text, other, n) {
                    Some(a) => send.emit(Msg::Act(Box::new(a))),
                    None => send.emit(Msg::Notice(format!("{}: {}", tr(lang, key), text))),
                }
            })
        };
        let input = match item.input {
            MenuInput::None => html! {},
            MenuInput::Text(d) => html! { <input ref={text_ref.clone()} type="text" value={d} size="10" aria-label={tr(lang, key)}/> },
            MenuInput::Node => html! {
                <select ref={text_ref.clone()} aria-label={tr(lang, key)}>
                    { for p.ids.iter().enumerate().filter(|(j, _)| *j != node).map(|(j, id)| html!{ <option value={j.to_string()}>{id}</option> }) }
                </select>
            },
        };
        html! {
            <div class="menu-row">
                <button class="menu-act" data-act={key} onclick={onclick}>{tr(lang, key)}</button>
                { input }
            </div>
        }
    });
    let close = {
        let c = p.on_close.clone();
        Callback::from(move |_| c.emit(()))
    };
    html! {
        <div class="node-menu" role="dialog" aria-label={format!("{} {}", tr(lang, "insp.node"), p.view.id)}
             style={format!("left:{:.1}%;top:{:.1}%", p.left, p.top)} onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
            <div class="menu-head"><strong>{&p.view.id}</strong>
                <button class="close" onclick={close} aria-label={tr(lang, "help.close")}>{"×"}</button></div>
            <div class="menu-row">
                <button class="menu-act" data-act={if p.view.up { "crash" } else { "recover" }} onclick={crash}>
                    { if p.view.up { tr(lang, "act.crash") } else { tr(lang, "act.recover") } }
                </button>
            </div>
            if p.view.up {
                <div class="menu-row">
                    <button class="menu-act" data-act="pause" onclick={pause}>{tr(lang, "act.pause")}</button>
                    <input ref={pause_ref} type="number" min="1" value="200" size="5" aria-label={tr(lang, "act.pause")}/>{" ms"}
                </div>
                { for items }
            }
            <fieldset class="clock-edit">
                <legend>{tr(lang, "clock.title")}{format!(" · PC {}", p.view.wall)}</legend>
                <label>{tr(lang, "clock.skew")}<input ref={skew_ref} type="number" value={p.view.offset.to_string()} size="6"/></label>
                <label>{tr(lang, "clock.drift")}<input ref={drift_ref} type="number" value={p.view.drift.to_string()} size="6"/></label>
                <button class="menu-act" data-act="setClock" onclick={set_clock}>{tr(lang, "net.apply")}</button>
                <div class="menu-row">
                    <button class="menu-act" data-act="clockJump" onclick={jump}>{tr(lang, "clock.jump")}</button>
                    <input ref={jump_ref} type="number" value="-500" size="6" aria-label={tr(lang, "clock.jump")}/>{" ms"}
                </div>
            </fieldset>
        </div>
    }
}

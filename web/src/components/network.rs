//! The network panel: latency, jitter, loss and duplication from now on, partition mode, and heal.

use crate::i18n::{tr, use_lang};
use crate::player::Msg;
use netsplit_core::scenario::{Action, NetChange};
use netsplit_core::view::NetworkView;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Properties of the network panel.
#[derive(Properties, PartialEq)]
pub struct NetworkProps {
    /// Parameters in force.
    pub net: NetworkView,
    /// Partition mode on.
    pub partition_mode: bool,
    /// Toggles partition mode.
    pub on_partition_mode: Callback<()>,
    /// Sends a player message.
    pub send: Callback<Msg>,
}

fn num(r: &NodeRef) -> Option<f64> {
    r.cast::<HtmlInputElement>().and_then(|i| crate::number(&i.value()))
}

/// The network panel.
#[component]
pub fn Network(p: &NetworkProps) -> Html {
    let lang = use_lang();
    let (lat, jit, loss, dup) = (use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref());
    let apply = {
        let send = p.send.clone();
        let (lat, jit, loss, dup) = (lat.clone(), jit.clone(), loss.clone(), dup.clone());
        Callback::from(move |_| {
            let c = NetChange {
                latency: num(&lat).map(|v| v.clamp(0.0, 60_000.0) as u64),
                jitter: num(&jit).map(|v| v.clamp(0.0, 60_000.0) as u64),
                loss: num(&loss).map(|v| v.clamp(0.0, 1.0)),
                duplicate: num(&dup).map(|v| v.clamp(0.0, 1.0)),
            };
            send.emit(Msg::Act(Box::new(Action::SetNetwork(c))));
        })
    };
    let heal = {
        let send = p.send.clone();
        Callback::from(move |_| send.emit(Msg::Act(Box::new(Action::Heal))))
    };
    let toggle = {
        let c = p.on_partition_mode.clone();
        Callback::from(move |_| c.emit(()))
    };
    let n = &p.net;
    html! {
        <section class="panel network" aria-label={tr(lang, "net.title")}>
            <h2>{tr(lang, "net.title")}</h2>
            <div class="net-grid">
                <label>{tr(lang, "net.latency")}<input ref={lat} id="net-latency" type="number" min="0" value={n.latency.to_string()}/></label>
                <label>{tr(lang, "net.jitter")}<input ref={jit} id="net-jitter" type="number" min="0" value={n.jitter.to_string()}/></label>
                <label>{tr(lang, "net.loss")}<input ref={loss} id="net-loss" type="number" min="0" max="1" step="0.05" value={n.loss.to_string()}/></label>
                <label>{tr(lang, "net.duplicate")}<input ref={dup} id="net-duplicate" type="number" min="0" max="1" step="0.05" value={n.duplicate.to_string()}/></label>
            </div>
            <div class="buttons">
                <button id="net-apply" onclick={apply}>{tr(lang, "net.apply")}</button>
                <button id="partition-mode" class={classes!(p.partition_mode.then_some("active"))} aria-pressed={p.partition_mode.to_string()} onclick={toggle}>
                    {tr(lang, "net.partitionMode")}
                </button>
                <button id="heal" onclick={heal}>{tr(lang, "net.heal")}</button>
            </div>
            if p.partition_mode { <p class="hint">{tr(lang, "net.partitionHint")}</p> }
        </section>
    }
}

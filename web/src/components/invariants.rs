//! Every invariant of the protocol: green while it holds, red from the event where it broke, with the explanation
//! and a button that jumps there; and the liveness properties at the playhead.

use crate::i18n::{invariant_summary, tr, use_lang};
use crate::player::{Msg, Shared};
use netsplit_core::check::{InvariantInfo, Liveness, Violation};
use yew::prelude::*;

/// Properties of the invariants panel.
#[derive(Properties, PartialEq)]
pub struct InvariantsProps {
    /// The protocol's invariants.
    pub invariants: Shared<Vec<InvariantInfo>>,
    /// First violation of each, at the playhead.
    pub violations: Shared<Vec<Violation>>,
    /// Node ids.
    pub ids: Shared<Vec<String>>,
    /// Liveness at the playhead.
    pub liveness: Shared<Vec<Liveness>>,
    /// Sends a player message.
    pub send: Callback<Msg>,
}

/// The invariants panel.
#[component]
pub fn Invariants(p: &InvariantsProps) -> Html {
    let lang = use_lang();
    let rows = p.invariants.iter().map(|inv| {
        let v = p.violations.iter().find(|v| v.invariant == inv.id);
        let id = inv.id;
        match v {
            None => html! {
                <li class="inv ok" data-invariant={id}>
                    <span class="badge ok">{"✓ "}{tr(lang, "inv.holds")}</span>
                    <strong>{id}</strong><span class="summary">{invariant_summary(lang, inv.summary)}</span>
                </li>
            },
            Some(v) => {
                let send = p.send.clone();
                let jump = Callback::from(move |_| send.emit(Msg::JumpToViolation(id)));
                let who = v.node.and_then(|n| p.ids.get(n).cloned()).unwrap_or_default();
                html! {
                    <li class="inv bad" data-invariant={id}>
                        <span class="badge bad">{"✗ "}{tr(lang, "inv.violated")}{format!(" @ {}", v.at)}</span>
                        <strong>{id}</strong><span class="summary">{invariant_summary(lang, inv.summary)}</span>
                        <p class="detail">{if who.is_empty() { String::new() } else { format!("{who}: ") }}{&v.detail}</p>
                        <button class="jump" onclick={jump}>{tr(lang, "inv.jump")}</button>
                    </li>
                }
            }
        }
    });
    html! {
        <section class="panel invariants" aria-label={tr(lang, "inv.title")}>
            <h2>{tr(lang, "inv.title")}</h2>
            <ul>{ for rows }</ul>
            if !p.liveness.is_empty() {
                <h3>{tr(lang, "inv.liveness")}</h3>
                <ul class="liveness">
                    { for p.liveness.iter().map(|l| html!{
                        <li class={classes!("live", if l.holds { "ok" } else { "bad" })} data-property={l.property}>
                            <span class={classes!("badge", if l.holds { "ok" } else { "warn" })}>{ if l.holds { "✓" } else { "…" } }</span>
                            <strong>{l.property}</strong><span class="summary">{&l.detail}</span>
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

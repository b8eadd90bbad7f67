//! The help overlay (`?`).

use crate::i18n::{tr, use_lang};
use yew::prelude::*;

/// Properties of the help overlay.
#[derive(Properties, PartialEq)]
pub struct HelpProps {
    /// Closes it.
    pub on_close: Callback<()>,
}

/// Keyboard and mouse help.
#[component]
pub fn Help(p: &HelpProps) -> Html {
    let lang = use_lang();
    let close = {
        let c = p.on_close.clone();
        Callback::from(move |_| c.emit(()))
    };
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-label={tr(lang, "help.title")} id="help">
            <div class="overlay-box">
                <h2>{tr(lang, "help.title")}</h2>
                <ul>
                    <li>{tr(lang, "help.space")}</li>
                    <li>{tr(lang, "help.arrows")}</li>
                    <li>{tr(lang, "help.speed")}</li>
                    <li>{tr(lang, "help.partition")}</li>
                    <li>{tr(lang, "help.click")}</li>
                    <li>{tr(lang, "help.escape")}</li>
                    <li>{tr(lang, "help.tab")}</li>
                    <li>{tr(lang, "help.cells")}</li>
                </ul>
                <button onclick={close} id="help-close">{tr(lang, "help.close")}</button>
            </div>
        </div>
    }
}

//! The guide panel: chapter picker, the step's narration, previous/next, "try it yourself" and exit.

use crate::guide::chapters::CHAPTERS;
use crate::i18n::{tr, use_lang, Lang};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Properties of the guide panel.
#[derive(Properties, PartialEq)]
pub struct GuideProps {
    /// Chapter index.
    pub chapter: usize,
    /// Step index within the chapter.
    pub step: usize,
    /// Go to (chapter, step).
    pub on_go: Callback<(usize, usize)>,
    /// Leave the guide (the sandbox keeps the current run: "try it yourself").
    pub on_exit: Callback<()>,
}

/// The guide panel.
#[component]
pub fn Guide(p: &GuideProps) -> Html {
    let lang = use_lang();
    let Some(ch) = CHAPTERS.get(p.chapter) else { return html! {} };
    let Some(step) = ch.steps.get(p.step) else { return html! {} };
    let pick = |t: &crate::guide::Text| if lang == Lang::Ko { t.ko } else { t.en };
    let (c, s) = (p.chapter, p.step);
    let last_chapter = CHAPTERS.len() - 1;
    let prev = (s > 0).then(|| (c, s - 1)).or_else(|| (c > 0).then(|| (c - 1, CHAPTERS[c - 1].steps.len() - 1)));
    let next = (s + 1 < ch.steps.len()).then_some((c, s + 1)).or_else(|| (c < last_chapter).then_some((c + 1, 0)));
    let go = |to: Option<(usize, usize)>| {
        let on_go = p.on_go.clone();
        Callback::from(move |_| {
            if let Some(to) = to {
                on_go.emit(to);
            }
        })
    };
    let on_chapter = {
        let on_go = p.on_go.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = sel.value().parse::<usize>() {
                on_go.emit((i, 0));
            }
        })
    };
    let exit = {
        let e = p.on_exit.clone();
        Callback::from(move |_| e.emit(()))
    };
    html! {
        <section class="guide" id="guide" aria-label={tr(lang, "guide.title")} data-chapter={ch.id}
                 data-step={s.to_string()} data-scenario={step.scenario} data-until={step.until.to_string()}>
            <div class="guide-head">
                <select id="guide-chapter" onchange={on_chapter} aria-label={tr(lang, "guide.chapter")}>
                    { for CHAPTERS.iter().enumerate().map(|(i, ch)| html!{
                        <option value={i.to_string()} selected={i == c}>{format!("{}. {}", i + 1, pick(&ch.title))}</option>
                    }) }
                </select>
                <span class="guide-progress">{format!("{} / {}", s + 1, ch.steps.len())}</span>
            </div>
            <p class="guide-text" id="guide-text">{pick(&step.text)}</p>
            <div class="guide-buttons">
                <button id="guide-prev" disabled={prev.is_none()} onclick={go(prev)}>{tr(lang, "guide.prev")}</button>
                <button id="guide-next" class="primary" disabled={next.is_none()} onclick={go(next)}>{tr(lang, "guide.next")}</button>
                <button id="guide-try" onclick={exit.clone()}>{tr(lang, "guide.try")}</button>
                <button id="guide-exit" onclick={exit}>{tr(lang, "guide.exit")}</button>
            </div>
        </section>
    }
}

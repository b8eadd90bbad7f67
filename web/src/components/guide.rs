//! The guide panel: chapter picker, the step's narration, previous/next, "try it yourself" and exit.
//!
//! The narration is fetched from `guide/<lang>.json` beside the page the first time the guide shows a language
//! (see `crate::guide`), and kept for the rest of the visit. Until it arrives the panel says so; if it cannot be
//! loaded (a site copied without the file, say) the panel says why, and the steps still play.

use crate::guide::chapters::CHAPTERS;
use crate::guide::Narration;
use crate::i18n::{tr, use_lang, Lang};
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// The narration of one language as far as it is known.
#[derive(Clone)]
enum Loaded {
    Loading,
    Ready(Rc<Narration>),
    Failed(Rc<str>),
}

thread_local! {
    /// Per language (English, Korean): what was fetched, once per visit.
    static NARRATION: RefCell<[Option<Loaded>; 2]> = const { RefCell::new([None, None]) };
}

fn slot(lang: Lang) -> usize {
    usize::from(lang == Lang::Ko)
}

fn cached(lang: Lang) -> Option<Loaded> {
    NARRATION.with(|n| n.borrow()[slot(lang)].clone())
}

fn store(lang: Lang, l: Loaded) {
    NARRATION.with(|n| n.borrow_mut()[slot(lang)] = Some(l));
}

/// Fetches and reads `guide/<lang>.json` (relative to the page, so a site under a sub-path finds it too).
async fn fetch(lang: Lang) -> Loaded {
    let url = format!("guide/{}.json", lang.code());
    let text = crate::files::fetch_text(&url, crate::guide::MAX_NARRATION_BYTES).await;
    match text.and_then(|t| Narration::parse(&t).map_err(|e| format!("{url}: {e}"))) {
        Ok(n) => Loaded::Ready(Rc::new(n)),
        Err(e) => Loaded::Failed(e.into()),
    }
}

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
    let update = use_force_update();
    use_effect_with(lang, move |&lang| {
        // Fetched once per visit; a failed fetch is tried again the next time the guide opens.
        if matches!(cached(lang), None | Some(Loaded::Failed(_))) {
            store(lang, Loaded::Loading);
            yew::platform::spawn_local(async move {
                store(lang, fetch(lang).await);
                update.force_update();
            });
        }
    });
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
    let (state, narration) = match cached(lang) {
        Some(Loaded::Ready(n)) => match n.step(ch.id, s) {
            Some(t) => ("ready", t.to_string()),
            None => ("failed", format!("{} {} {}", tr(lang, "guide.failed"), ch.id, s + 1)),
        },
        Some(Loaded::Failed(e)) => ("failed", format!("{} {e}", tr(lang, "guide.failed"))),
        Some(Loaded::Loading) | None => ("loading", tr(lang, "guide.loading").to_string()),
    };
    html! {
        <section class="guide" id="guide" aria-label={tr(lang, "guide.title")} data-chapter={ch.id}
                 data-step={s.to_string()} data-scenario={step.scenario} data-until={step.until.to_string()}
                 data-narration={state}>
            <div class="guide-head">
                <select id="guide-chapter" onchange={on_chapter} aria-label={tr(lang, "guide.chapter")}>
                    { for CHAPTERS.iter().enumerate().map(|(i, ch)| html!{
                        <option value={i.to_string()} selected={i == c}>{format!("{}. {}", i + 1, pick(&ch.title))}</option>
                    }) }
                </select>
                <span class="guide-progress">{format!("{} / {}", s + 1, ch.steps.len())}</span>
            </div>
            <p class={classes!("guide-text", (state == "failed").then_some("error"))} id="guide-text"
               aria-live="polite" aria-busy={(state == "loading").to_string()}>{narration}</p>
            <div class="guide-buttons">
                <button id="guide-prev" disabled={prev.is_none()} onclick={go(prev)}>{tr(lang, "guide.prev")}</button>
                <button id="guide-next" class="primary" disabled={next.is_none()} onclick={go(next)}>{tr(lang, "guide.next")}</button>
                <button id="guide-try" onclick={exit.clone()}>{tr(lang, "guide.try")}</button>
                <button id="guide-exit" onclick={exit}>{tr(lang, "guide.exit")}</button>
            </div>
        </section>
    }
}

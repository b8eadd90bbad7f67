//! The "Find a violation" panel: pick invariants, fault kinds and a budget, search in a Web Worker (progress, runs
//! per second, cancel), then load the shrunk counterexample into the player just before the violation.

use crate::explore::{check, Counterexample, Form, Options, Phase, Progress, Search, Update};
use crate::i18n::{invariant_summary, tr, use_lang, Lang};
use crate::player::{Msg, Shared};
use netsplit_core::scenario::Scenario;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Properties of the panel.
#[derive(Properties, PartialEq)]
pub struct ExploreProps {
    /// The scenario as loaded: its protocol's invariants and default budget are offered.
    pub base: Shared<Scenario>,
    /// The scenario on screen, viewer actions included: the search starts from it.
    pub current: Callback<(), Scenario>,
    /// Sends a player message.
    pub send: Callback<Msg>,
    /// Closes the panel.
    pub on_close: Callback<()>,
}

/// Where the panel is.
#[derive(Clone, Debug, PartialEq)]
enum Status {
    Idle,
    Running,
    /// Cancel pressed during the shrink: waiting for the worker's smallest counterexample so far.
    Stopping,
    Cancelled,
    Finished,
    Failed(String),
}

/// Label key of a fault kind.
fn fault_key(kind: &str) -> &'static str {
    match kind {
        "crash" => "fault.crash",
        "partition" => "fault.partition",
        "cut" => "fault.cut",
        "pause" => "fault.pause",
        "drop" => "fault.drop",
        "delay" => "fault.delay",
        "duplicate" => "fault.duplicate",
        "clock" => "fault.clock",
        "crashOn" => "fault.crashOn",
        "client" => "fault.client",
        "isolate" => "fault.isolate",
        _ => "fault.other",
    }
}

/// The number inputs: (id, label key, configuration field).
const NUMBERS: [(&str, &str, &str); 5] = [
    ("explore-max-faults", "find.maxFaults", "maxFaults"),
    ("explore-to", "find.to", "to"),
    ("explore-outage", "find.outage", "maxOutage"),
    ("explore-runs", "find.runs", "seeds"),
    ("explore-seed", "find.seed", "seed"),
];

/// 12345 → "12,345".
fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn seconds(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

fn fill(template: &str, args: &[(&str, String)]) -> String {
    args.iter().fold(template.to_string(), |s, (k, v)| s.replace(&format!("{{{k}}}"), v))
}

/// A configuration error from the core names its JSON field; put the panel's label for that field in front.
fn explain(lang: Lang, err: &str) -> String {
    let field = err.split(':').next().unwrap_or("");
    match NUMBERS.iter().find(|(_, _, f)| *f == field) {
        Some((_, label, _)) => format!("{}: {err}", tr(lang, label)),
        None => err.to_string(),
    }
}

/// The viewer's choices for a protocol: the boxes ticked, and the number fields as typed (read at Start).
#[derive(Clone)]
struct Choice {
    protocol: String,
    form: Form,
    typed: [String; NUMBERS.len()],
}

/// The viewer's choices if made for this protocol, else the defaults.
fn latest(chosen: &Option<Choice>, protocol: &str, opts: &Options) -> Choice {
    match chosen {
        Some(c) if c.protocol == protocol => c.clone(),
        _ => {
            let form = Form::defaults(opts);
            let typed = [form.max_faults, form.to, form.max_outage, form.runs, form.seed].map(|v| v.to_string());
            Choice { protocol: protocol.to_string(), form, typed }
        }
    }
}

/// The panel.
#[component]
pub fn Explore(p: &ExploreProps) -> Html {
    let lang = use_lang();
    let options = use_memo(p.base.clone(), |b| Options::for_scenario(b));
    // The viewer's choices, kept while the protocol stays the same.
    // A cell rather than state: several checkboxes changed before the next render must all count.
    let chosen = use_mut_ref(|| None::<Choice>);
    let redraw = use_force_update();
    let status = use_state(|| Status::Idle);
    let progress = use_state(|| None::<Progress>);
    let search = use_mut_ref(|| None::<Search>);
    let loaded = use_state(|| false);
    let planned = use_state(|| 0u64);

    {
        // A finished or failed search has no more use for its worker.
        let search = search.clone();
        use_effect_with((*status).clone(), move |s| {
            if matches!(s, Status::Finished | Status::Failed(_)) {
                search.borrow_mut().take();
            }
        });
    }

    let opts = match &*options {
        Ok(o) => o.clone(),
        Err(e) => {
            return html! {
                <section class="panel explore" id="explore-panel" aria-label={tr(lang, "find.title")}>
                    <h2>{tr(lang, "find.title")}</h2>
                    <p class="explore-error" role="alert" id="explore-error">{e.clone()}</p>
                </section>
            };
        }
    };
    let protocol = p.base.protocol.clone();
    let choice = latest(&chosen.borrow(), &protocol, &opts);
    let form = &choice.form;
    let running = matches!(*status, Status::Running | Status::Stopping);

    let toggle = |list: fn(&mut Form) -> &mut Vec<String>, item: String| {
        let (chosen, redraw, protocol, opts) = (chosen.clone(), redraw.clone(), protocol.clone(), opts.clone());
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            let mut c = latest(&chosen.borrow(), &protocol, &opts);
            let l = list(&mut c.form);
            l.retain(|x| *x != item);
            if on {
                l.push(item.clone());
            }
            *chosen.borrow_mut() = Some(c);
            redraw.force_update();
        })
    };

    let on_start = {
        let (status, progress, search, loaded, planned) =
            (status.clone(), progress.clone(), search.clone(), loaded.clone(), planned.clone());
        let (current, chosen, opts) = (p.current.clone(), chosen.clone(), opts.clone());
        let protocol = protocol.clone();
        Callback::from(move |_| {
            let c = latest(&chosen.borrow(), &protocol, &opts);
            let mut f = c.form.clone();
            let mut values = [0u64; NUMBERS.len()];
            for (i, (_, label, _)) in NUMBERS.iter().enumerate() {
                match c.typed[i].trim().parse::<u64>() {
                    Ok(v) => values[i] = v,
                    Err(_) => {
                        let msg = fill(tr(lang, "find.notNumber"), &[("field", tr(lang, label).to_string())]);
                        return status.set(Status::Failed(msg));
                    }
                }
            }
            [f.max_faults, f.to, f.max_outage, f.runs, f.seed] = values;
            // Keep the checkbox order of the panel, whatever the order of clicks.
            f.invariants =
                opts.invariants.iter().map(|(id, _)| id.clone()).filter(|id| f.invariants.contains(id)).collect();
            f.faults = opts.faults.iter().filter(|k| f.faults.contains(k)).cloned().collect();
            if f.invariants.is_empty() {
                return status.set(Status::Failed(tr(lang, "find.needInvariant").into()));
            }
            if f.faults.is_empty() {
                return status.set(Status::Failed(tr(lang, "find.needFault").into()));
            }
            let config = f.config(&current.emit(()));
            if let Err(e) = check(&config) {
                return status.set(Status::Failed(explain(lang, &e)));
            }
            let (st, pr) = (status.setter(), progress.setter());
            let started = Search::start(&config, move |u| match u {
                Update::Progress(p) => {
                    if p.phase == Phase::Done {
                        st.set(Status::Finished);
                    }
                    pr.set(Some(*p));
                }
                Update::Error(e) => st.set(Status::Failed(fill(tr(lang, "find.failed"), &[("err", e)]))),
            });
            match started {
                Ok(s) => {
                    // Replacing a previous search terminates its worker.
                    *search.borrow_mut() = Some(s);
                    progress.set(None);
                    loaded.set(false);
                    planned.set(f.runs);
                    status.set(Status::Running);
                }
                Err(e) => status.set(Status::Failed(fill(tr(lang, "find.failed"), &[("err", e)]))),
            }
        })
    };
    let on_cancel = {
        let (status, progress, search) = (status.clone(), progress.clone(), search.clone());
        Callback::from(move |_| {
            let shrinking = progress.as_ref().is_some_and(|p| p.phase == Phase::Shrink);
            if shrinking {
                if let Some(s) = search.borrow().as_ref() {
                    s.stop_shrinking();
                    return status.set(Status::Stopping);
                }
            }
            search.borrow_mut().take();
            status.set(Status::Cancelled);
        })
    };
    let on_load = {
        let (send, progress, loaded) = (p.send.clone(), progress.clone(), loaded.clone());
        Callback::from(move |_| {
            if let Some(c) = progress.as_ref().and_then(|p| p.result.as_ref()) {
                send.emit(Msg::Load(Box::new((*c.scenario).clone())));
                // Just before the violation, paused: playing or stepping shows the invariant break.
                send.emit(Msg::Seek(c.violation.at.saturating_sub(1) as f64));
                loaded.set(true);
            }
        })
    };
    let close = {
        let c = p.on_close.clone();
        Callback::from(move |_| c.emit(()))
    };

    let pr = (*progress).clone();
    let shown = matches!(*status, Status::Running | Status::Stopping | Status::Cancelled | Status::Finished);
    let bar = match (&pr, shown) {
        (_, false) => html! {},
        (p, true) => {
            let planned = (*planned).max(1);
            let (value, max, text) = match p {
                Some(p) if p.phase == Phase::Done => {
                    let args = [
                        ("runs", group(p.runs)),
                        ("shrink", group(p.shrink_runs)),
                        ("rate", group(p.rate.round() as u64)),
                    ];
                    (1, 1, fill(tr(lang, "find.statusDone"), &args))
                }
                Some(p) if p.shrink_size.is_some() => {
                    let (size, orig) = p.shrink_size.unwrap_or((0, 0));
                    let args = [
                        ("runs", group(p.shrink_runs)),
                        ("size", size.to_string()),
                        ("orig", orig.to_string()),
                        ("rate", group(p.rate.round() as u64)),
                    ];
                    (p.shrink_runs, opts.max_shrink_runs.max(1), fill(tr(lang, "find.statusShrink"), &args))
                }
                Some(p) => {
                    let args =
                        [("runs", group(p.runs)), ("max", group(planned)), ("rate", group(p.rate.round() as u64))];
                    (p.runs, planned, fill(tr(lang, "find.statusSearch"), &args))
                }
                None => (0, planned, tr(lang, "find.starting").to_string()),
            };
            let phase = match p.as_ref().map(|p| p.phase) {
                Some(Phase::Shrink) => "shrink",
                Some(Phase::Done) => "done",
                _ => "search",
            };
            let note = match *status {
                Status::Stopping => Some(tr(lang, "find.stopping").to_string()),
                Status::Cancelled => {
                    let (runs, time) =
                        p.as_ref().map_or(("0".into(), seconds(0.0)), |p| (group(p.runs), seconds(p.elapsed)));
                    Some(fill(tr(lang, "find.cancelled"), &[("runs", runs), ("time", time)]))
                }
                _ => None,
            };
            html! {
                <div class="explore-run" data-phase={phase} data-runs={p.as_ref().map_or(0, |p| p.runs).to_string()}
                     data-rate={p.as_ref().map_or(0.0, |p| p.rate).round().to_string()}
                     data-shrink-runs={p.as_ref().map_or(0, |p| p.shrink_runs).to_string()}>
                    <progress id="explore-progress" max={max.to_string()} value={value.min(max).to_string()}
                              aria-label={tr(lang, "find.progress")}></progress>
                    <span id="explore-status" class="explore-status">{text}</span>
                    if let Some(n) = note { <p id="explore-note" class="explore-note" role="status">{n}</p> }
                </div>
            }
        }
    };
    let outcome = match (&*status, &pr) {
        (Status::Failed(e), _) => html! { <p class="explore-error" role="alert" id="explore-error">{e.clone()}</p> },
        (Status::Finished, Some(p)) => match &p.result {
            Some(c) => result_view(lang, p, c, on_load.clone(), *loaded),
            None => html! {
                <p id="explore-none" class="explore-none" role="status">
                    {fill(tr(lang, "find.none"), &[("runs", group(p.runs)), ("time", seconds(p.elapsed))])}
                </p>
            },
        },
        _ => html! {},
    };

    html! {
        <section class="panel explore" id="explore-panel" aria-label={tr(lang, "find.title")}>
            <div class="explore-head">
                <h2>{tr(lang, "find.title")}</h2>
                <button id="explore-close" class="close" onclick={close} aria-label={tr(lang, "find.close")}>{"×"}</button>
            </div>
            <p class="hint">{tr(lang, "find.intro")}</p>
            if opts.invariants.is_empty() {
                <p class="explore-error" id="explore-error">{tr(lang, "find.noInvariants")}</p>
            }
            <div class="explore-form">
                <fieldset id="explore-invariants" disabled={running}>
                    <legend>{tr(lang, "find.invariants")}</legend>
                    { for opts.invariants.iter().map(|(id, summary)| { let summary = invariant_summary(lang, summary); html! {
                        <label title={summary.to_string()}>
                            <input type="checkbox" value={id.clone()} checked={form.invariants.contains(id)}
                                   onchange={toggle(|f| &mut f.invariants, id.clone())}/>
                            <span><strong>{id.clone()}</strong>{" "}<span class="summary">{summary.to_string()}</span></span>
                        </label>
                    }}) }
                </fieldset>
                <fieldset id="explore-faults" disabled={running}>
                    <legend>{tr(lang, "find.faults")}</legend>
                    { for opts.faults.iter().map(|k| html! {
                        <label>
                            <input type="checkbox" value={k.clone()} checked={form.faults.contains(k)}
                                   onchange={toggle(|f| &mut f.faults, k.clone())}/>
                            <span>{tr(lang, fault_key(k))}</span>
                        </label>
                    }) }
                </fieldset>
                <fieldset class="explore-budget" disabled={running}>
                    <legend>{tr(lang, "find.budget")}</legend>
                    { for NUMBERS.iter().enumerate().map(|(i, (id, label, _))| {
                        // Kept as typed: Yew puts the value back on every render (the app renders every frame
                        // while playing), so the field must always be given what the viewer typed.
                        let oninput = {
                            let (chosen, protocol, opts) = (chosen.clone(), protocol.clone(), opts.clone());
                            Callback::from(move |e: InputEvent| {
                                let mut c = latest(&chosen.borrow(), &protocol, &opts);
                                c.typed[i] = e.target_unchecked_into::<HtmlInputElement>().value();
                                *chosen.borrow_mut() = Some(c);
                            })
                        };
                        html! {
                            <label>{tr(lang, label)}
                                <input id={*id} type="number" min="0" value={choice.typed[i].clone()} {oninput}/>
                            </label>
                        }
                    }) }
                </fieldset>
            </div>
            <div class="buttons">
                <button id="explore-start" class="primary" onclick={on_start}
                        disabled={running || opts.invariants.is_empty()} aria-label={tr(lang, "find.startLabel")}>
                    {tr(lang, "find.start")}
                </button>
                <button id="explore-cancel" class="danger" onclick={on_cancel} disabled={!running}
                        aria-label={tr(lang, "find.cancelLabel")}>
                    {tr(lang, "find.cancel")}
                </button>
            </div>
            { bar }
            { outcome }
        </section>
    }
}

fn result_view(lang: Lang, p: &Progress, c: &Counterexample, on_load: Callback<MouseEvent>, loaded: bool) -> Html {
    let v = &c.violation;
    let found = fill(
        tr(lang, "find.found"),
        &[
            ("inv", v.invariant.clone()),
            ("at", v.at.to_string()),
            ("runs", group(p.runs)),
            ("time", seconds(p.elapsed)),
        ],
    );
    let shrunk = fill(tr(lang, "find.shrunk"), &[("orig", c.original_size.to_string()), ("size", c.size.to_string())]);
    let who = v.node.as_ref().map_or(String::new(), |n| format!("{n}: "));
    html! {
        <div id="explore-result" class="explore-result" role="status" data-invariant={v.invariant.clone()}
             data-at={v.at.to_string()} data-size={c.size.to_string()} data-original-size={c.original_size.to_string()}>
            <p><strong>{found}</strong></p>
            <p class="detail">{who}{v.detail.clone()}</p>
            <p>{shrunk}</p>
            <button id="explore-load" class="primary" onclick={on_load} aria-label={tr(lang, "find.loadLabel")}>
                {tr(lang, "find.load")}
            </button>
            if loaded { <p class="hint" id="explore-loaded">{tr(lang, "find.loaded")}</p> }
        </div>
    }
}

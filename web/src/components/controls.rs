//! Playback: play/pause, step, speed (logarithmic), and the timeline scrubber with violation markers.

use super::icons;
use crate::i18n::{tr, use_lang};
use crate::player::{Msg, Shared, MAX_SPEED, MIN_SPEED};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Properties of the controls.
#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    /// Playing or paused.
    pub playing: bool,
    /// Playhead (ms).
    pub t: f64,
    /// End of the run (ms).
    pub end: u64,
    /// Speed (simulated ms per wall ms).
    pub speed: f64,
    /// Quiet stretches are fast-forwarded.
    pub skip_quiet: bool,
    /// A quiet stretch is being fast-forwarded now.
    pub quieting: bool,
    /// Times of known violations (for markers on the scrubber).
    pub marks: Shared<Vec<(u64, &'static str)>>,
    /// Events processed at the playhead.
    pub events: u64,
    /// Sends a player message.
    pub send: Callback<Msg>,
}

/// Maps a speed to the slider's 0..=1000 (logarithmic) and back.
pub fn speed_to_slider(s: f64) -> f64 {
    ((s / MIN_SPEED).ln() / (MAX_SPEED / MIN_SPEED).ln() * 1000.0).clamp(0.0, 1000.0)
}

/// Inverse of [`speed_to_slider`].
pub fn slider_to_speed(v: f64) -> f64 {
    MIN_SPEED * (MAX_SPEED / MIN_SPEED).powf(v / 1000.0)
}

/// Speed as shown: "1/100×".
pub fn speed_label(s: f64) -> String {
    if s >= 0.999 {
        "1×".into()
    } else {
        format!("1/{}×", (1.0 / s).round() as u64)
    }
}

/// The playback controls.
#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    let lang = use_lang();
    let send = props.send.clone();
    let play = {
        let send = send.clone();
        Callback::from(move |_| send.emit(Msg::Toggle))
    };
    let back = {
        let send = send.clone();
        Callback::from(move |_| send.emit(Msg::StepBack))
    };
    let fwd = {
        let send = send.clone();
        Callback::from(move |_| send.emit(Msg::StepForward))
    };
    let speed = {
        let send = send.clone();
        Callback::from(move |e: InputEvent| {
            let i: HtmlInputElement = e.target_unchecked_into();
            if let Some(v) = crate::number(&i.value()) {
                send.emit(Msg::Speed(slider_to_speed(v)));
            }
        })
    };
    let scrub = {
        let send = send.clone();
        Callback::from(move |e: InputEvent| {
            let i: HtmlInputElement = e.target_unchecked_into();
            if let Some(v) = crate::number(&i.value()) {
                send.emit(Msg::Seek(v));
            }
        })
    };
    let end = props.end.max(1) as f64;
    let marks = props.marks.iter().map(|(t, id)| {
        let left = (*t as f64 / end * 100.0).clamp(0.0, 100.0);
        let send = send.clone();
        let id: &'static str = id;
        let onclick = Callback::from(move |_| send.emit(Msg::JumpToViolation(id)));
        html! { <button class="mark" style={format!("left:{left:.2}%")} title={format!("{id} @ {t}")} onclick={onclick}
        aria-label={format!("{id} @ {t}")}></button> }
    });
    let skip_quiet = {
        let send = props.send.clone();
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            send.emit(Msg::SkipQuiet(i.checked()));
        })
    };
    let play_label = if props.playing { tr(lang, "ctl.pause") } else { tr(lang, "ctl.play") };
    html! {
        <div class="controls" role="toolbar" aria-label={tr(lang, "ctl.timeline")}>
            <button id="step-back" onclick={back} title={tr(lang, "ctl.stepBack")} aria-label={tr(lang, "ctl.stepBack")}>{icons::step_back()}</button>
            <button id="play" class="primary" onclick={play} title={play_label} aria-label={play_label}>
                { if props.playing { icons::pause() } else { icons::play() } }
            </button>
            <button id="step-forward" onclick={fwd} title={tr(lang, "ctl.stepForward")} aria-label={tr(lang, "ctl.stepForward")}>{icons::step_forward()}</button>
            <span id="clock" class="clock" aria-live="off">{format!("t = {:.1} ms", props.t)}</span>
            <span class="events">{format!("#{}", props.events)}</span>
            <label class="speed">{tr(lang, "ctl.speed")}
                <input id="speed" type="range" min="0" max="1000" step="1" value={format!("{:.0}", speed_to_slider(props.speed))}
                       oninput={speed} aria-label={tr(lang, "ctl.speed")}/>
                <span id="speed-label">{speed_label(props.speed)}</span>
            </label>
            <label class="quiet" title={tr(lang, "ctl.skipQuietHelp")}>
                <input id="skip-quiet" type="checkbox" checked={props.skip_quiet} onchange={skip_quiet}/>
                {tr(lang, "ctl.skipQuiet")}
                // A slot of fixed width, so that the sign coming and going does not shift the sliders after it; a
                // text glyph rather than an emoji, which not every system has a font for.
                <span class="quieting-slot" aria-hidden="true">
                    if props.quieting && props.playing {
                        <span id="quieting" class="quieting">{"»"}</span>
                    }
                </span>
            </label>
            <div class="scrubber">
                <input id="scrubber" type="range" min="0" max={props.end.to_string()} step="1"
                       value={format!("{:.0}", props.t)} oninput={scrub} aria-label={tr(lang, "ctl.timeline")}/>
                <div class="marks">{ for marks }</div>
            </div>
        </div>
    }
}

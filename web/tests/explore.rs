//! "Find a violation": the configuration the panel builds is what the core's session reads; the progress the worker
//! posts is understood; the shrunk counterexample, loaded as the panel loads it, is paused just before the violation;
//! and the panel itself (defaults, empty choices, a page without the app's script to give the worker).
#![cfg(target_arch = "wasm32")]

use netsplit_core::explore::Session;
use netsplit_web::app::{App, AppProps};
use netsplit_web::explore::{check, Form, Options, Phase, Progress, Search};
use netsplit_web::i18n::Lang;
use netsplit_web::player::{Msg, Player, Shared};
use netsplit_web::url::Launch;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::platform::time::sleep;
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

fn three_pc_partitions() -> (netsplit_core::scenario::Scenario, Form) {
    let base = netsplit_core::presets::by_id("3PC-4").cloned().unwrap();
    let opts = Options::for_scenario(&base).unwrap();
    let mut form = Form::defaults(&opts);
    form.invariants = vec!["AC-Agreement".into()];
    form.faults = vec!["partition".into()];
    form.runs = 20_000;
    (base, form)
}

#[wasm_bindgen_test]
fn the_options_offer_the_protocols_invariants_every_fault_kind_and_a_budget_from_the_run() {
    let base = netsplit_core::presets::by_id("3PC-4").cloned().unwrap();
    let o = Options::for_scenario(&base).unwrap();
    let ids: Vec<&str> = o.invariants.iter().map(|(id, _)| id.as_str()).collect();
    assert!(ids.contains(&"AC-Agreement") && ids.contains(&"3PC-NB"), "{ids:?}");
    assert!(o.invariants.iter().all(|(_, summary)| !summary.is_empty()));
    assert_eq!(o.faults.len(), 11);
    assert!(o.faults.iter().any(|k| k == "partition") && o.faults.iter().any(|k| k == "isolate"));
    assert_eq!(o.to, base.run_until / 2);
    assert!(o.max_faults >= 1 && o.max_outage >= 2 && o.max_shrink_runs > 0);
    let f = Form::defaults(&o);
    assert_eq!(f.invariants.len(), o.invariants.len());
    assert_eq!(f.faults, o.faults);
}

#[wasm_bindgen_test]
fn the_panels_configuration_parses_and_bad_fields_are_named() {
    let (base, mut form) = three_pc_partitions();
    let cfg = form.config(&base);
    check(&cfg).unwrap();
    assert!(cfg["scenario"].get("expect").is_none(), "the base's expect block is not part of the search");
    assert_eq!(cfg["seeds"], 20_000);
    form.max_faults = 5_000;
    let e = check(&form.config(&base)).unwrap_err();
    assert!(e.starts_with("maxFaults"), "{e}");
    form.max_faults = 4;
    form.invariants = vec!["AC-Nonsense".into()];
    let e = check(&form.config(&base)).unwrap_err();
    assert!(e.contains("AC-Nonsense"), "{e}");
    form.invariants = vec!["AC-Agreement".into()];
    form.faults = vec!["earthquake".into()];
    let e = check(&form.config(&base)).unwrap_err();
    assert!(e.starts_with("faults[0]") && e.contains("earthquake"), "{e}");
}

#[wasm_bindgen_test]
fn the_counterexample_loads_paused_just_before_the_violation_and_a_step_turns_it_red() {
    // The worker's loop, in process: the same session stepped in batches, the same progress object.
    let (base, form) = three_pc_partitions();
    let mut session = Session::from_json(&form.config(&base)).unwrap();
    let mut last = None;
    for _ in 0..1000 {
        let v = session.step(64);
        let p = Progress::parse(&v).unwrap();
        let done = p.phase == Phase::Done;
        last = Some(p);
        if done {
            break;
        }
    }
    let p = last.unwrap();
    assert_eq!(p.phase, Phase::Done);
    assert_eq!(p.found.as_ref().unwrap().invariant, "AC-Agreement");
    let c = p.result.expect("a shrunk counterexample");
    assert_eq!(c.violation.invariant, "AC-Agreement");
    assert!(c.size <= c.original_size && c.size >= 1);
    let at = c.violation.at;

    // As the panel's Load button does.
    let mut pl = Rc::new(Player::new(base).unwrap());
    pl = pl.reduce(Msg::Load(Box::new((*c.scenario).clone())));
    pl = pl.reduce(Msg::Seek(at.saturating_sub(1) as f64));
    assert!(!pl.playing);
    assert!(pl.violations.iter().all(|v| v.invariant != "AC-Agreement"), "already broken at {}", pl.t);
    for _ in 0..100 {
        if pl.violations.iter().any(|v| v.invariant == "AC-Agreement") {
            break;
        }
        pl = pl.reduce(Msg::StepForward);
    }
    let v = pl.violations.iter().find(|v| v.invariant == "AC-Agreement").expect("AC-Agreement broken");
    assert_eq!(v.at, at);
    assert_eq!(pl.t, at as f64);
}

#[wasm_bindgen_test]
fn without_the_apps_script_link_the_worker_is_not_started_and_says_why() {
    let (base, form) = three_pc_partitions();
    // The test page has no modulepreload link for the worker to import.
    let err = Search::start(&form.config(&base), |_| {}).err().expect("no worker without the app's script");
    assert!(err.contains("modulepreload"), "{err}");
}

async fn mount(preset: &str) -> Element {
    let doc = gloo::utils::document();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    let launch = Launch::new(netsplit_core::presets::by_id(preset).cloned().unwrap(), Lang::En);
    yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { launch: Shared::new(launch) }).render();
    sleep(Duration::ZERO).await;
    root
}

fn click(root: &Element, sel: &str) {
    root.query_selector(sel).unwrap().unwrap_or_else(|| panic!("no {sel}")).dyn_into::<HtmlElement>().unwrap().click();
}

fn type_into(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input.dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap()).unwrap();
}

async fn settle() {
    sleep(Duration::from_millis(20)).await;
}

#[wasm_bindgen_test]
async fn the_panel_offers_every_invariant_checked_and_refuses_an_empty_choice() {
    let root = mount("3PC-4").await;
    assert!(root.query_selector("#explore-panel").unwrap().is_none());
    click(&root, "#find-button");
    settle().await;
    let boxes = root.query_selector_all("#explore-invariants input[type=checkbox]").unwrap();
    let player = Player::new(netsplit_core::presets::by_id("3PC-4").cloned().unwrap()).unwrap();
    assert_eq!(boxes.length() as usize, player.invariants.len());
    for i in 0..boxes.length() {
        assert!(boxes.get(i).unwrap().dyn_into::<HtmlInputElement>().unwrap().checked());
    }
    let faults = root.query_selector_all("#explore-faults input[type=checkbox]").unwrap();
    for i in 0..faults.length() {
        faults.get(i).unwrap().dyn_into::<HtmlElement>().unwrap().click();
    }
    settle().await;
    click(&root, "#explore-start");
    settle().await;
    let err = root.query_selector("#explore-error").unwrap().expect("an error message");
    assert_eq!(err.text_content().unwrap(), "Pick at least one fault kind.");
    let runs = root.query_selector("#explore-runs").unwrap().unwrap().dyn_into::<HtmlInputElement>().unwrap();
    type_into(&runs, "123");
    // A render (here: ticking a box) keeps what was typed.
    click(&root, "#explore-faults input[value='partition']");
    settle().await;
    assert_eq!(runs.value(), "123");
    // A number field only holds numbers: anything else reads as empty.
    type_into(&runs, "many");
    settle().await;
    click(&root, "#explore-start");
    settle().await;
    let err = root.query_selector("#explore-error").unwrap().unwrap().text_content().unwrap();
    assert!(err.starts_with("Runs (seeds)"), "{err}");
    click(&root, "#explore-close");
    settle().await;
    assert!(root.query_selector("#explore-panel").unwrap().is_none());
    root.remove();
}

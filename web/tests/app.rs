//! Browser tests of the components: mount the app in headless Chromium and use it.
#![cfg(target_arch = "wasm32")]

use netsplit_web::app::{App, AppProps};
use netsplit_web::i18n::Lang;
use netsplit_web::player::Shared;
use netsplit_web::url::Launch;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};
use yew::platform::time::sleep;

wasm_bindgen_test_configure!(run_in_browser);

async fn mount(preset: &str, lang: Lang) -> Element {
    let doc = gloo::utils::document();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    let launch = Launch::new(netsplit_core::presets::by_id(preset).cloned().unwrap(), lang);
    let props = AppProps { launch: Shared::new(launch) };
    yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    sleep(Duration::ZERO).await;
    root
}

fn click(root: &Element, sel: &str) {
    root.query_selector(sel).unwrap().unwrap_or_else(|| panic!("no {sel}")).dyn_into::<HtmlElement>().unwrap().click();
}

fn bubbling_click() -> web_sys::MouseEvent {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap()
}

async fn settle() {
    sleep(Duration::from_millis(20)).await;
}

#[wasm_bindgen_test]
async fn the_cluster_shows_every_node_with_its_role_in_text() {
    let root = mount("NET-2", Lang::En).await;
    let nodes = root.query_selector_all("#cluster g.node").unwrap();
    assert_eq!(nodes.length(), 2);
    let a = root.query_selector("#cluster g.node[data-node='0'] .node-id").unwrap().unwrap();
    assert_eq!(a.text_content().unwrap(), "A");
    let role = root.query_selector("#cluster g.node[data-node='0'] .node-role").unwrap().unwrap();
    assert!(!role.text_content().unwrap().is_empty(), "roles are written, not only coloured");
    root.remove();
}

#[wasm_bindgen_test]
async fn clicking_a_node_opens_its_menu_and_crash_takes_it_down() {
    let root = mount("NET-2", Lang::En).await;
    let node = root.query_selector("#cluster g.node[data-node='1']").unwrap().unwrap();
    node.dispatch_event(&bubbling_click()).unwrap();
    settle().await;
    assert!(root.query_selector(".node-menu").unwrap().is_some(), "menu open");
    click(&root, ".node-menu button[data-act='crash']");
    settle().await;
    let body = root.query_selector("#cluster g.node[data-node='1']").unwrap().unwrap();
    // SVG elements' className is not a string: read the attribute.
    let class = body.get_attribute("class").unwrap_or_default();
    assert!(class.contains("down"), "{class}");
    assert!(root.query_selector(".node-menu button[data-act='recover']").unwrap().is_some());
    root.remove();
}

#[wasm_bindgen_test]
async fn stepping_shows_messages_in_flight_and_the_inspector_shows_their_fields() {
    let root = mount("NET-2", Lang::En).await;
    for _ in 0..4 {
        click(&root, "#step-forward");
        settle().await;
    }
    let msgs = root.query_selector_all("#msg-list button").unwrap();
    assert!(msgs.length() >= 1, "a retransmission is in flight");
    let m = msgs.get(0).unwrap().dyn_into::<Element>().unwrap();
    m.dispatch_event(&bubbling_click()).unwrap();
    settle().await;
    let insp = root.query_selector(".insp-msg").unwrap().expect("message inspector");
    assert!(insp.text_content().unwrap().contains("DATA"));
    assert!(insp.text_content().unwrap().contains("payload"));
    root.remove();
}

#[wasm_bindgen_test]
async fn a_violation_turns_its_invariant_red_with_a_jump_button() {
    let root = mount("NET-2-nodedup", Lang::En).await;
    let ok = root.query_selector(".inv[data-invariant='PL-NoDup']").unwrap().unwrap();
    assert!(ok.class_name().contains("ok"));
    let input = root.query_selector("#scrubber").unwrap().unwrap().dyn_into::<web_sys::HtmlInputElement>().unwrap();
    input.set_value("150");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input.dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap()).unwrap();
    settle().await;
    let bad = root.query_selector(".inv[data-invariant='PL-NoDup']").unwrap().unwrap();
    assert!(bad.class_name().contains("bad"), "{}", bad.class_name());
    assert!(bad.text_content().unwrap().contains("@ 70"));
    root.remove();
}

#[wasm_bindgen_test]
async fn the_interface_speaks_korean() {
    let root = mount("NET-2", Lang::Ko).await;
    let text = root.text_content().unwrap();
    assert!(text.contains("불변식") && text.contains("검사기") && text.contains("이벤트 로그"), "{text}");
    root.remove();
}

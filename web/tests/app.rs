//! Browser tests: mount the app in headless Chromium and look at the DOM it produced.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;
use wasm_bindgen_test::*;
use yew::platform::time::sleep;

wasm_bindgen_test_configure!(run_in_browser);

fn mount() -> web_sys::Element {
    let doc = gloo::utils::document();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<netsplit_web::app::App>::with_root(root.clone()).render();
    root
}

#[wasm_bindgen_test]
async fn app_mounts_and_draws_five_nodes_on_a_circle() {
    let root = mount();
    sleep(Duration::ZERO).await;
    let circles = root.query_selector_all("#cluster circle.node").unwrap();
    assert_eq!(circles.length(), 5, "the default cluster has five nodes");
    let heading = root.query_selector("h1").unwrap().unwrap();
    assert_eq!(heading.text_content().unwrap(), "netsplit");
}

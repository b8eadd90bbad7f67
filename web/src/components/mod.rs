//! The app's components.

pub mod canvas;
pub mod controls;
pub mod event_log;
pub mod explore;
pub mod guide;
pub mod help;
pub mod icons;
pub mod inspector;
pub mod invariants;
pub mod network;
pub mod node_menu;
pub mod palette;
pub mod spacetime;
pub mod topbar;
pub mod topology;

/// The `data-*` attribute `name` of the element an event (a click, a key) happened in, or of its nearest ancestor
/// that has one: a list with one handler for all its rows finds the row.
pub fn data_of(e: &web_sys::Event, name: &str) -> Option<String> {
    use wasm_bindgen::JsCast;
    let el = e.target()?.dyn_into::<web_sys::Element>().ok()?;
    el.closest(&format!("[data-{name}]")).ok()??.get_attribute(&format!("data-{name}"))
}

/// Focuses the first element `selector` matches (an HTML control or an SVG node), if any.
pub fn focus(selector: &str) {
    use wasm_bindgen::JsCast;
    let Ok(Some(el)) = gloo::utils::document().query_selector(selector) else { return };
    let _ = match el.dyn_into::<web_sys::HtmlElement>() {
        Ok(html) => html.focus(),
        Err(el) => el.dyn_into::<web_sys::SvgElement>().map_or(Ok(()), |svg| svg.focus()),
    };
}

/// Whether the focus is nowhere in particular (on the page itself): a closed dialog or menu took it along.
pub fn focus_lost() -> bool {
    gloo::utils::document().active_element().is_none_or(|a| a.tag_name() == "BODY")
}

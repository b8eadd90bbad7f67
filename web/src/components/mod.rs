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

/// The `data-*` attribute `name` of the element a click happened in, or of its nearest ancestor that has one: a
/// list with one click handler for all its rows finds the row clicked.
pub fn data_of(e: &yew::MouseEvent, name: &str) -> Option<String> {
    use wasm_bindgen::JsCast;
    let el = e.target()?.dyn_into::<web_sys::Element>().ok()?;
    el.closest(&format!("[data-{name}]")).ok()??.get_attribute(&format!("data-{name}"))
}

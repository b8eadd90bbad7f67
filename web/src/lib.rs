//! netsplit-web: the Yew front end.
pub mod app;

/// Mounts the application on the page body.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}

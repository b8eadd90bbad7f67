//! Canvas layers: their CSS size, known without reading layout during a frame.

use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// A canvas's CSS size in pixels, once measured.
pub type CanvasSize = Rc<Cell<Option<(f64, f64)>>>;

/// The CSS size of the canvas behind `canvas`, kept up to date by a ResizeObserver, and a counter that changes on
/// every resize (put it in a paint effect's dependencies so a paused view repaints). Reading `clientWidth` while
/// painting each frame would force a layout right after the DOM changed.
#[hook]
pub fn use_canvas_size(canvas: NodeRef) -> (CanvasSize, u32) {
    let size = use_mut_ref(CanvasSize::default).borrow().clone();
    let resizes = use_mut_ref(|| Rc::new(Cell::new(0u32))).borrow().clone();
    let force = use_force_update();
    {
        let (size, resizes) = (size.clone(), resizes.clone());
        use_effect_with((), move |_| {
            let target = canvas.cast::<HtmlCanvasElement>();
            let measured = target.clone();
            let on_resize = Closure::<dyn FnMut()>::new(move || {
                if let Some(c) = &measured {
                    size.set(Some((c.client_width() as f64, c.client_height() as f64)));
                    resizes.set(resizes.get().wrapping_add(1));
                    force.force_update();
                }
            });
            let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
            if let (Some(ro), Some(c)) = (&observer, &target) {
                ro.observe(c);
            }
            move || {
                if let Some(ro) = observer {
                    ro.disconnect();
                }
                drop(on_resize);
            }
        });
    }
    (size, resizes.get())
}

/// Sets the canvas font unless it is already that font: the setter re-parses the font every time, which showed in
/// profiles, while the context keeps its font across frames (until the canvas is resized).
pub fn set_font(ctx: &web_sys::CanvasRenderingContext2d, font: &str) {
    if ctx.font() != font {
        ctx.set_font(font);
    }
}

//! Files: downloads (scenario, trace, diagram SVG/PNG), reading a scenario file the viewer opens or drops, and
//! fetching a file served beside the page.

use wasm_bindgen::{closure::Closure, JsCast, JsValue};

/// Offers `data` as a download named `name`.
pub fn download(name: &str, mime: &str, data: &JsValue) {
    let parts = js_sys::Array::of1(data);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_blob_sequence_and_options(&parts, &opts) else { return };
    download_blob(name, &blob);
}

/// Offers a blob as a download.
pub fn download_blob(name: &str, blob: &web_sys::Blob) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else { return };
    let doc = gloo::utils::document();
    if let Ok(a) = doc.create_element("a") {
        let _ = a.set_attribute("href", &url);
        let _ = a.set_attribute("download", name);
        if let Some(a) = a.dyn_ref::<web_sys::HtmlElement>() {
            a.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Offers text as a download.
pub fn download_text(name: &str, mime: &str, text: &str) {
    download(name, mime, &JsValue::from_str(text));
}

/// Renders an SVG document to PNG through an image and a canvas, then downloads it.
pub fn download_png(name: String, svg: String, width: f64, height: f64) {
    let doc = gloo::utils::document();
    let Ok(img) = doc.create_element("img").map(|e| e.unchecked_into::<web_sys::HtmlImageElement>()) else { return };
    let src = format!("data:image/svg+xml;charset=utf-8,{}", js_sys::encode_uri_component(&svg));
    let img2 = img.clone();
    let onload = Closure::once(move || {
        let Ok(canvas) = doc.create_element("canvas").map(|e| e.unchecked_into::<web_sys::HtmlCanvasElement>()) else {
            return;
        };
        let scale = 2.0;
        canvas.set_width((width * scale) as u32);
        canvas.set_height((height * scale) as u32);
        let Some(ctx) =
            canvas.get_context("2d").ok().flatten().map(|c| c.unchecked_into::<web_sys::CanvasRenderingContext2d>())
        else {
            return;
        };
        let _ = ctx.scale(scale, scale);
        let _ = ctx.draw_image_with_html_image_element(&img2, 0.0, 0.0);
        let cb = Closure::once(move |blob: JsValue| {
            if let Ok(b) = blob.dyn_into::<web_sys::Blob>() {
                download_blob(&name, &b);
            }
        });
        let _ = canvas.to_blob(cb.as_ref().unchecked_ref());
        cb.forget();
    });
    img.set_onload(Some(onload.as_ref().unchecked_ref()));
    onload.forget();
    img.set_src(&src);
}

/// Writes text to the clipboard when the browser allows it (secure contexts); returns whether it was attempted.
pub fn copy_to_clipboard(text: &str) -> bool {
    let Some(w) = web_sys::window() else { return false };
    let nav: JsValue = w.navigator().into();
    let Ok(clip) = js_sys::Reflect::get(&nav, &JsValue::from_str("clipboard")) else { return false };
    if clip.is_undefined() {
        return false;
    }
    let Ok(f) = js_sys::Reflect::get(&clip, &JsValue::from_str("writeText")) else { return false };
    let Ok(f) = f.dyn_into::<js_sys::Function>() else { return false };
    match f.call1(&clip, &JsValue::from_str(text)) {
        Ok(p) => {
            // A refused permission rejects the promise: swallow it (the link is on screen to copy by hand).
            if let Ok(p) = p.dyn_into::<js_sys::Promise>() {
                let noop = Closure::once(|_: JsValue| {});
                let _ = p.catch(&noop);
                noop.forget();
            }
            true
        }
        Err(_) => false,
    }
}

/// Reads a file the viewer picked or dropped, refusing anything over 1 MiB, and passes its text (or a message).
pub fn read_text(file: web_sys::File, done: impl FnOnce(Result<String, String>) + 'static) {
    let name = file.name();
    if file.size() > netsplit_core::scenario::MAX_DOCUMENT_BYTES as f64 {
        done(Err(format!("{name}: file is {} bytes, larger than the 1 MiB limit", file.size() as u64)));
        return;
    }
    let promise = file.text();
    let cb = Closure::once(move |v: JsValue| match v.as_string() {
        Some(t) => done(Ok(t)),
        None => done(Err(format!("{name}: not a text file"))),
    });
    let _ = promise.then(&cb);
    cb.forget();
}

/// Fetches a file served beside the page (`url` relative to it) as text, refusing anything over `max` bytes.
pub async fn fetch_text(url: &str, max: usize) -> Result<String, String> {
    use wasm_bindgen_futures::JsFuture;
    let failed = |e: JsValue| {
        let why = e
            .dyn_ref::<js_sys::Error>()
            .map_or_else(|| "the request failed".to_string(), |e| String::from(e.message()));
        format!("{url}: {why}")
    };
    let window = web_sys::window().ok_or_else(|| format!("{url}: no window"))?;
    let resp: web_sys::Response =
        JsFuture::from(window.fetch_with_str(url)).await.map_err(failed)?.dyn_into().map_err(failed)?;
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    let text = JsFuture::from(resp.text().map_err(failed)?).await.map_err(failed)?;
    let text = text.as_string().ok_or_else(|| format!("{url}: not text"))?;
    if text.len() > max {
        return Err(format!("{url}: {} bytes, more than {max}", text.len()));
    }
    Ok(text)
}

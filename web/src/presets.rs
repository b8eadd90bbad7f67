//! The presets as the app sees them: listed from `netsplit_core::presets::INDEX` (ids and titles), and
//! fetched one at a time from `scenarios/<id>.json` beside the page when one is picked.
//!
//! Embedding all 91 scenarios would put them in the first download of every visit (19 KB gzipped, more with every
//! preset added) although a visit opens a few. A fetched preset is kept for the rest of the visit, so going back to
//! it, or stepping through a guide chapter that plays it, is immediate. A `?preset=` link fetches its scenario
//! before the app's first render (see [`crate::start`]).

use crate::files::fetch_text;
use netsplit_core::presets::INDEX;
use netsplit_core::scenario::{Scenario, MAX_DOCUMENT_BYTES};
use netsplit_core::vecmap::VecMap;
use std::cell::{Cell, RefCell};

thread_local! {
    /// Presets fetched so far, by id.
    static FETCHED: RefCell<VecMap<&'static str, Scenario>> = const { RefCell::new(VecMap::new()) };
    /// Why a preset could not be fetched, by id (for the message a `?preset=` link shows).
    static FAILED: RefCell<VecMap<&'static str, String>> = const { RefCell::new(VecMap::new()) };
    /// Bumped by every request, so that only the latest one is answered.
    static LATEST: Cell<u64> = const { Cell::new(0) };
}

/// Presets of a protocol, as (id, title).
pub fn list(protocol: &str) -> Vec<(&'static str, &'static str)> {
    INDEX.iter().filter(|p| p.protocol == protocol).map(|p| (p.id, p.title)).collect()
}

/// True when `id` names a shipped preset.
pub fn exists(id: &str) -> bool {
    INDEX.iter().any(|p| p.id == id)
}

/// The preset `id` if it has been fetched.
pub fn fetched(id: &str) -> Option<Scenario> {
    FETCHED.with(|f| f.borrow().get(id).cloned())
}

/// Why fetching preset `id` failed, if it did.
pub fn failure(id: &str) -> Option<String> {
    FAILED.with(|f| f.borrow().get(id).cloned())
}

/// Fetches preset `id` (once per visit) and reads it. Only names in the index are fetched, so a link cannot make
/// the page request anything else.
pub async fn fetch(id: &str) -> Result<Scenario, String> {
    if let Some(s) = fetched(id) {
        return Ok(s);
    }
    let info = INDEX.iter().find(|p| p.id == id).ok_or_else(|| format!("no preset named {id:?}"))?;
    let url = format!("scenarios/{}.json", info.id);
    let read = fetch_text(&url, MAX_DOCUMENT_BYTES)
        .await
        .and_then(|text| Scenario::parse(&text).map_err(|e| format!("{url}: {e}")));
    match &read {
        Ok(s) => {
            FETCHED.with(|f| f.borrow_mut().insert(info.id, s.clone()));
        }
        Err(e) => {
            FAILED.with(|f| f.borrow_mut().insert(info.id, e.clone()));
        }
    }
    read
}

/// Gets preset `id` and hands it to `done`: at once if it was fetched before, otherwise when the fetch ends, and
/// then only if no other preset was asked for (or [`cancel`] called) in the meantime, so a slow answer never
/// replaces what the viewer picked after it.
pub fn request(id: &str, done: impl FnOnce(Result<Scenario, String>) + 'static) {
    let ticket = cancel();
    if let Some(s) = fetched(id) {
        done(Ok(s));
        return;
    }
    let id = id.to_string();
    yew::platform::spawn_local(async move {
        let read = fetch(&id).await;
        if LATEST.with(Cell::get) == ticket {
            done(read);
        }
    });
}

/// Drops the answers of every request made so far (the viewer loaded something else); returns the new ticket.
pub fn cancel() -> u64 {
    LATEST.with(|l| {
        l.set(l.get() + 1);
        l.get()
    })
}

//! The canonical scenarios shipped with netsplit: the app's presets and the test fixtures.

include!(concat!(env!("OUT_DIR"), "/presets.rs"));

use std::sync::OnceLock;

use crate::scenario::Scenario;

/// Every preset parsed once (they are validated by the test suite, so a failure here is a build defect). Cached
/// because the app asks for the catalog on every render, and parsing 90 scenarios per frame showed up in profiles.
pub fn parsed() -> &'static [Scenario] {
    static PARSED: OnceLock<Vec<Scenario>> = OnceLock::new();
    PARSED.get_or_init(|| ALL.iter().filter_map(|(_, text)| Scenario::parse(text).ok()).collect())
}

/// The preset with this id.
pub fn by_id(id: &str) -> Option<&'static Scenario> {
    parsed().iter().find(|s| s.id == id)
}

/// The presets of one protocol.
pub fn for_protocol(protocol: &str) -> impl Iterator<Item = &'static Scenario> + '_ {
    parsed().iter().filter(move |s| s.protocol == protocol)
}

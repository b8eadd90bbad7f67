//! The canonical scenarios shipped with netsplit: the app's presets and the test fixtures.

include!(concat!(env!("OUT_DIR"), "/presets.rs"));

use std::sync::OnceLock;

use crate::scenario::Scenario;

/// What a list of presets shows of one, without its scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Info {
    /// The scenario's id, which is also its file name in `core/scenarios/` (without `.json`).
    pub id: &'static str,
    /// The protocol it runs.
    pub protocol: &'static str,
    /// Its title (empty if it has none). The description is not listed: the app shows the description of the
    /// scenario that runs, which it has fetched.
    pub title: &'static str,
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_lists_every_preset_as_its_scenario_says() {
        assert_eq!(INDEX.len(), ALL.len());
        for (info, s) in INDEX.iter().zip(parsed()) {
            assert_eq!(info.id, s.id);
            assert_eq!(info.protocol, s.protocol);
            assert_eq!(info.title, s.title.as_deref().unwrap_or_default());
        }
    }
}

//! The canonical scenarios shipped with netsplit: the app's presets and the test fixtures.

include!(concat!(env!("OUT_DIR"), "/presets.rs"));

use crate::scenario::Scenario;

/// Every preset parsed (they are validated by the test suite, so a failure here is a build defect).
pub fn parsed() -> Vec<Scenario> {
    ALL.iter().filter_map(|(_, text)| Scenario::parse(text).ok()).collect()
}

/// The presets of one protocol.
pub fn for_protocol(protocol: &str) -> Vec<Scenario> {
    parsed().into_iter().filter(|s| s.protocol == protocol).collect()
}

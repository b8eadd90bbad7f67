//! Share links: a whole scenario (with the viewer's actions), the playhead and the view settings in a URL fragment.
//!
//! Format: `1.` followed by base64url (no padding) of the raw-deflated JSON envelope
//! `{"s": scenario, "t": playhead_ms, "views": [...], "lang": "en", "sel": "...", "order": "...", "speed": f}`.
//! The leading number is the link version: a future version is refused with a clear message rather than
//! misread. Links are limited to 32 KB and the inflated envelope to 1 MiB (a deflate bomb cannot exhaust memory).

use crate::scenario::{Scenario, ScenarioError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value};

/// Longest share payload accepted (characters).
pub const MAX_LINK: usize = 32 * 1024;
/// Largest inflated envelope accepted.
pub const MAX_INFLATED: usize = 1 << 20;
/// The version this build writes and reads.
pub const VERSION: u32 = 1;

/// Everything a share link carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    /// The scenario, including the viewer's actions.
    pub scenario: Scenario,
    /// Playhead (true ms).
    pub t: f64,
    /// Extra view settings (views shown, language, selection, diagram order, speed), kept as given.
    pub settings: Map<String, Value>,
}

/// Why a link could not be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// Longer than [`MAX_LINK`].
    TooLong(usize),
    /// Written by a newer version of netsplit.
    FutureVersion(u32),
    /// Not a netsplit link, or cut short.
    Malformed(String),
    /// The scenario inside is invalid.
    Scenario(ScenarioError),
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkError::TooLong(n) => write!(f, "the link is {n} characters long, more than the {MAX_LINK} allowed"),
            LinkError::FutureVersion(v) => {
                write!(f, "the link was made by a newer netsplit (link version {v}; this one reads version {VERSION})")
            }
            LinkError::Malformed(why) => write!(f, "the link is damaged or incomplete ({why})"),
            LinkError::Scenario(e) => write!(f, "the scenario in the link is invalid: {e}"),
        }
    }
}

/// Encodes a share payload (what goes after `#` in a link).
pub fn encode(s: &Shared) -> String {
    let mut env = Map::new();
    env.insert("s".into(), s.scenario.to_json());
    env.insert("t".into(), json!((s.t * 10.0).round() / 10.0));
    env.extend(s.settings.clone());
    let bytes = serde_json::to_vec(&Value::Object(env)).expect("JSON serialises");
    let packed = miniz_oxide::deflate::compress_to_vec(&bytes, 9);
    format!("{VERSION}.{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Decodes a share payload, validating everything.
pub fn decode(payload: &str) -> Result<Shared, LinkError> {
    let payload = payload.trim();
    if payload.len() > MAX_LINK {
        return Err(LinkError::TooLong(payload.len()));
    }
    let (version, data) = payload.split_once('.').ok_or_else(|| LinkError::Malformed("no version prefix".into()))?;
    let version: u32 = version.parse().map_err(|_| LinkError::Malformed(format!("version {version:?}")))?;
    if version > VERSION {
        return Err(LinkError::FutureVersion(version));
    }
    if version == 0 {
        return Err(LinkError::Malformed("version 0".into()));
    }
    let packed = URL_SAFE_NO_PAD.decode(data).map_err(|e| {
        // Positions count from the start of the fragment (after `#`), as the viewer sees the link.
        let at = |offset: usize| payload.len() - data.len() + offset + 1;
        LinkError::Malformed(match e {
            base64::DecodeError::InvalidByte(o, b) if b.is_ascii_graphic() => {
                format!("character {} ({:?}) cannot appear in a netsplit link", at(o), char::from(b))
            }
            base64::DecodeError::InvalidByte(o, _) => {
                format!("at character {} it has a space or a letter a netsplit link never has", at(o))
            }
            base64::DecodeError::InvalidLength(_) | base64::DecodeError::InvalidLastSymbol(..) => {
                "it was cut short or changed at its end".into()
            }
            base64::DecodeError::InvalidPadding => "it ends with padding a netsplit link never has".into(),
        })
    })?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INFLATED)
        .map_err(|e| LinkError::Malformed(format!("compressed data: {:?}", e.status)))?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|e| LinkError::Malformed(format!("JSON: {e}")))?;
    let Value::Object(mut env) = v else { return Err(LinkError::Malformed("not an object".into())) };
    let sv = env.remove("s").ok_or_else(|| LinkError::Malformed("no scenario".into()))?;
    let scenario = Scenario::from_value(&sv).map_err(LinkError::Scenario)?;
    let t = env.remove("t").and_then(|t| t.as_f64()).unwrap_or(0.0);
    if !t.is_finite() || t < 0.0 {
        return Err(LinkError::Malformed("playhead".into()));
    }
    Ok(Shared { t: t.min(scenario.run_until as f64), scenario, settings: env })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets;
    use proptest::prelude::*;

    fn sample() -> Shared {
        let scenario = presets::by_id("NET-2").cloned().unwrap();
        let mut settings = Map::new();
        settings.insert("lang".into(), json!("ko"));
        settings.insert("views".into(), json!(["cluster", "diagram"]));
        Shared { scenario, t: 72.5, settings }
    }

    #[test]
    fn links_round_trip_and_stay_short() {
        let s = sample();
        let link = encode(&s);
        assert!(link.starts_with("1."));
        assert!(link.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)), "URL-safe: {link}");
        assert!(link.len() < 1200, "{} chars", link.len());
        assert_eq!(decode(&link).unwrap(), s);
    }

    #[test]
    fn a_damaged_link_says_where_it_is_damaged() {
        let e = decode("1.abc!def").unwrap_err().to_string();
        assert!(e.contains("character 6 ('!')"), "{e}");
        let link = encode(&Shared { scenario: presets::parsed()[0].clone(), t: 0.0, settings: Map::new() });
        let e = decode(&link[..link.len() - 3]).unwrap_err().to_string();
        assert!(e.contains("damaged or incomplete"), "{e}");
    }

    #[test]
    fn every_preset_fits_in_a_link() {
        for s in presets::parsed() {
            let link = encode(&Shared { scenario: s.clone(), t: 0.0, settings: Map::new() });
            assert!(link.len() <= MAX_LINK, "{}: {}", s.id, link.len());
            assert_eq!(&decode(&link).unwrap().scenario, s);
        }
    }

    #[test]
    fn broken_links_are_refused_with_a_reason() {
        let link = encode(&sample());
        assert!(matches!(decode(&link[..link.len() / 2]), Err(LinkError::Malformed(_))), "truncated");
        assert!(matches!(decode("9.abc"), Err(LinkError::FutureVersion(9))));
        assert!(matches!(decode("hello"), Err(LinkError::Malformed(_))));
        assert!(matches!(decode(&"1.".repeat(20_000)), Err(LinkError::TooLong(_))));
        let not_json = format!("1.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(b"{nope", 6)));
        assert!(matches!(decode(&not_json), Err(LinkError::Malformed(_))));
        let bad_scenario =
            format!("1.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(br#"{"s":{"format":1}}"#, 6)));
        let e = decode(&bad_scenario).unwrap_err();
        assert!(matches!(e, LinkError::Scenario(_)) && e.to_string().contains("id: is required"), "{e}");
    }

    #[test]
    fn a_deflate_bomb_is_stopped() {
        let bomb = vec![b' '; 8 << 20];
        let packed = miniz_oxide::deflate::compress_to_vec(&bomb, 9);
        let link = format!("1.{}", URL_SAFE_NO_PAD.encode(packed));
        assert!(link.len() < MAX_LINK);
        assert!(matches!(decode(&link), Err(LinkError::Malformed(_))));
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(s in ".{0,300}") {
            let _ = decode(&s);
            let _ = decode(&format!("1.{s}"));
        }
    }
}

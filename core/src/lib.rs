//! netsplit-core: the deterministic simulation core of netsplit.
//!
//! A scenario (see [`scenario`]) fully determines a run: protocol, nodes, parameters, clocks, scripted actions,
//! fault rules and seed. [`run::load`] turns it into a running simulation of any protocol behind the
//! type-erased [`run::Run`] handle, which the CLI and the web app drive alike.
//!
//! ```
//! use netsplit_core::run::load_str;
//!
//! let doc = r#"{
//!   "format": 1, "id": "demo", "protocol": "link", "nodes": ["A", "B"],
//!   "params": { "RTO": 30, "dedup": true },
//!   "schedule": [ { "at": 0, "send": { "node": "A", "to": "B", "payload": "credit Bob 1000" } } ],
//!   "faults": [ { "drop": { "src": "A", "dst": "B", "type": "DATA", "count": 1 } } ],
//!   "runUntil": 200
//! }"#;
//! let mut run = load_str(doc).expect("valid scenario");
//! run.run_to_end();
//! let report = run.report();
//! // The first transmission was lost; the retransmission at t=30 arrives at t=40.
//! assert_eq!(report["nodes"]["B"]["delivered"][0], "credit Bob 1000");
//! assert_eq!(report["timeline"][0]["at"], 40);
//! ```
#![forbid(unsafe_code)]

pub mod check;
pub mod collect;
pub mod explore;
pub mod hash;
pub mod layout;
pub mod presets;
pub mod protocol;
pub mod protocols;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod seek;
pub mod share;
pub mod sim;
pub mod sort;
pub mod spacetime;
pub mod time;
pub mod trace;
pub mod vecmap;
pub mod view;

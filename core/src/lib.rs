//! netsplit-core: the deterministic simulation core of netsplit.
#![forbid(unsafe_code)]

pub mod layout;

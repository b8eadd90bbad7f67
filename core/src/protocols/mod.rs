//! The protocols, one module each, every one opening with an essay on its algorithm.

pub mod fencing;
pub mod generals;
pub mod link;
pub mod quorum;
pub mod raft;

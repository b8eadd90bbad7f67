//! The protocols, one module each, every one opening with an essay on its algorithm.

pub mod erased;
pub mod fencing;
pub mod generals;
pub mod lamport;
pub mod lamport_mutex;
pub mod link;
pub mod lww;
pub mod quorum;
pub mod raft;
pub mod three_pc;
pub mod two_pc;

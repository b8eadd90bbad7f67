//! Searching schedules: random fault schedules and soaks (and, later, counterexample search and shrinking).

pub mod random;
pub mod soak;

pub use random::{random_scenario, Budget, FaultKind};
pub use soak::{soak, Failure, SoakResult};

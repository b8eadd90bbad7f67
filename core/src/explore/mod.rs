//! Searching schedules: random fault schedules, soaks, and the counterexample search with shrinking.
//!
//! * [`random`]: seeded random fault schedules within a [`Budget`];
//! * [`soak`]: thousands of them with every invariant on (tests and benchmarks);
//! * [`search`]: the [`Explorer`], which runs schedules until one breaks a sought invariant (random, or every
//!   interleaving of deliveries up to a depth: [`exhaustive`]);
//! * [`shrink`]: reduces the counterexample to a minimal scenario with an `expect` block;
//! * [`session`]: search then shrink behind a JSON interface, a batch of runs per call (the browser's worker).

pub mod exhaustive;
pub mod random;
pub mod search;
pub mod session;
pub mod shrink;
pub mod soak;

pub use random::{random_plan, random_scenario, Budget, FaultKind, Isolation, Plan};
pub use search::{search_parallel, Counterexample, Exhaustive, ExploreConfig, Explorer, Progress};
pub use session::Session;
pub use shrink::{shrink, Shrinker, Shrunk};
pub use soak::{soak, Failure, SoakResult};

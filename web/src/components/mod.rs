//! The app's components.

pub mod canvas;
pub mod controls;
pub mod event_log;
pub mod explore;
pub mod guide;
pub mod help;
pub mod icons;
pub mod inspector;
pub mod invariants;
pub mod network;
pub mod node_menu;
pub mod palette;
pub mod spacetime;
pub mod topbar;
pub mod topology;

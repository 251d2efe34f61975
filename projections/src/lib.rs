//! Everything that follows the event log, each from a checkpoint of its own
//! ([`checkpoint`]): the reservation [`saga`] (a process manager: its writes are commands) and
//! the order-decision latency ([`decisions`]), the read models ([`read_model`]: [`catalog`], [`orders`], each with its reads; the
//! [`registry`] lists them). The
//! [`projector`] runs them all; [`freshness`] lets a read wait for a command's events, sleeping
//! on the one poll of the checkpoints that [`progress`] keeps;
//! [`guard`] is the seam for what looks at each page before it is applied;
//! [`rebuild`] replays the log into new read models and [`rebuild_requests`] takes an admin's
//! request for one; [`timeline`] shows one command's path from the store and these records.

pub mod catalog;
pub mod checkpoint;
pub mod decisions;
pub mod freshness;
pub mod guard;
pub mod orders;
pub mod progress;
pub mod projector;
pub mod read_model;
pub mod rebuild;
pub mod rebuild_requests;
pub mod registry;
pub mod saga;
pub mod timeline;

pub use guard::PageGuard;
pub use progress::Progress;
pub use projector::{Projector, Status};
pub use read_model::ReadModel;
pub use registry::ReadModels;

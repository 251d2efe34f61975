//! Read models and how they are kept: the gap-free [`reader`] of the global log, the
//! [`catalog`] and [`orders`] read models, and the [`projection`] runner that applies events
//! with its checkpoint in one transaction, drives the reservation saga, reports lag and rebuilds.

pub mod catalog;
pub mod orders;
pub mod projection;
pub mod reader;
pub mod rebuild;
pub mod timeline;

pub use projection::{Projection, catch_up, settle, status, step};
pub use rebuild::rebuild;

//! What every shop binary stands on, in one place: [`config`] from the environment,
//! [`telemetry`] start-up, the [`db`] pool and migrations, the [`aws`] clients, and [`store`],
//! which executes commands against the event store and [`publish`]es what they appended.

pub mod aws;
pub mod catalog;
pub mod config;
pub mod db;
pub mod faults;
pub mod ledger;
pub mod metrics;
pub mod publish;
pub mod store;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;

pub use config::Config;
pub use store::{Appended, CommandError, Committed, Store};

//! The shared runtime every shop binary stands on: [`settings`] parsed once, [`telemetry`]
//! start-up, [`metrics`], the [`db`] pool and migrations, the [`aws`] clients, product [`images`] in S3, the [`faults`]
//! a learner can switch on at run time, each service's [`supervision`] record, and the
//! [`shutdown`] signal. Nothing here knows the domain.

pub mod aws;
pub mod db;
pub mod faults;
pub mod images;
pub mod metrics;
pub mod settings;
pub mod shutdown;
pub mod supervision;
pub mod telemetry;

pub use settings::Settings;

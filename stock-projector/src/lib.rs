//! `stock-projector`: the long-running service (ECS Fargate on AWS) that runs the reservation
//! saga and keeps the read models, plus the operator commands around it (mini-redis's layout:
//! a thin `main`, one module per concept).
//!
//! - [`cli`]: the commands (`run`, `status`, `trace`, `rebuild`, `healthcheck`).
//! - [`worker`]: the loop that wakes on the queue and catches every follower of the log up;
//!   rebuild requests on a task of their own.
//! - [`crash`]: the crash fault switch, a guard around the projector's apply.
//! - [`consumer`]: the event queue (receive, keep hidden, delete).
//! - [`reporting`]: EMF metrics.
//! - [`http`]: `/healthz` and `/status`.

pub mod cli;
pub mod consumer;
pub mod crash;
pub mod http;
pub mod reporting;
pub mod worker;

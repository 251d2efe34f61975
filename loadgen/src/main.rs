//! `loadgen`: measures shop from the outside.
//!
//! - `run`: N shoppers with real Cognito tokens browse, order, cancel and place oversized orders
//!   over HTTP for a set time at a set rate; prints throughput and HDR latency percentiles per
//!   kind, optionally command → read model visibility, and shows progress on a terminal.
//! - `sqs`: the queue's own `SendMessage` rate, the reference for the publishing share.
//! - `startup`: a handler binary's start to first response, and its peak resident set.
//! - `cqrs-es`: the same PlaceOrder through stock cqrs-es + postgres-es, no HTTP (the reference
//!   the bench sets our HTTP path beside).
//!
//! `scripts/load` runs it against a local stack for learners, `scripts/bench` for the figures in
//! docs/benchmarks.md, `scripts/chaos` to keep load on while it breaks things.

mod cqrs;
mod shop;
mod sqs;
mod startup;
mod stats;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(version, about = "Load generator and measurements for shop")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Shoppers against the API: throughput and latency percentiles.
    Run(shop::RunArgs),
    /// SendMessage rate of the event queue on its own.
    Sqs(sqs::SqsArgs),
    /// A binary's start to first response.
    Startup(startup::StartupArgs),
    /// The same PlaceOrder through stock cqrs-es + postgres-es, no HTTP: the bench's reference.
    CqrsEs(cqrs::CqrsArgs),
}

#[tokio::main]
async fn main() {
    let result = match Cli::parse().command {
        Command::Run(args) => shop::run(args).await,
        Command::Sqs(args) => sqs::run(args).await,
        Command::Startup(args) => startup::run(args).await,
        Command::CqrsEs(args) => cqrs::run(args).await,
    };
    if let Err(error) = result {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

//! `stock-projector`: settings parsed once (a bad one ends the process, naming it), telemetry
//! for `run`, then the command (see the library).

use clap::Parser;
use stock_projector::cli::{Cli, Command};

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let settings = platform::settings::or_exit();
    let _telemetry = matches!(cli.command, Command::Run { .. })
        .then(|| platform::telemetry::init("stock-projector", &settings));
    if let Err(error) = cli.run(settings).await {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

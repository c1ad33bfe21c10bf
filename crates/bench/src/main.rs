//! `culturedesk-bench`: the figures each issue asks for, measured the way people meet the
//! system — through HTTP, on SQLite and on PostgreSQL, at realistic sizes.
//!
//! ```text
//! cargo run --release -p culturedesk-bench -- feedback --items 1000000
//! ```

mod feedback;
mod measure;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "culturedesk-bench")]
struct Cli {
    #[command(subcommand)]
    bench: Bench,
}

#[derive(Subcommand)]
enum Bench {
    /// The public feedback loop: submissions, the board, the inbox, the deadline sweep.
    Feedback(feedback::Options),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    notify::install_crypto_provider();
    let cli = Cli::parse();
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::env::consts::ARCH
    );
    match cli.bench {
        Bench::Feedback(options) => feedback::run(options).await,
    }
}

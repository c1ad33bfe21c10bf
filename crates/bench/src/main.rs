//! `culturedesk-bench`: the figures each issue asks for, measured the way people meet the
//! system — through HTTP, on SQLite and on PostgreSQL, at realistic sizes.
//!
//! ```text
//! cargo run --release -p culturedesk-bench -- feedback --items 1000000
//! cargo run --release -p culturedesk-bench -- text-quality
//! cargo run --release -p culturedesk-bench -- text-quality --reports-only --cross-validation
//! cargo run --release -p culturedesk-bench -- text-speed --items 1000000
//! cargo run --release -p culturedesk-bench -- notices --recipients 10000
//! ```

mod feedback;
mod measure;
mod notices;
mod rush;
mod search_speed;
mod text_quality;
mod text_reports;
mod text_speed;

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
    /// How well the text analysis reads the labelled evaluation set, before and after staff
    /// corrections; with options, the reports its parameters were chosen on.
    TextQuality(text_quality::Options),
    /// How fast the text analysis goes at a million items: analysis, similar items, search.
    TextSpeed(text_speed::Options),
    /// Full-text search over a million items on SQLite and PostgreSQL.
    SearchSpeed(search_speed::Options),
    /// One internal notice to 10,000 recipients: publishing, live sessions, receipts.
    Notices(notices::Options),
    /// A popular class opening: thousands of registrations at once through the API, and a
    /// lottery draw over 50,000 applications.
    RegistrationRush(rush::Options),
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
        Bench::TextQuality(options) => text_quality::run(options).await,
        Bench::TextSpeed(options) => text_speed::run(options).await,
        Bench::SearchSpeed(options) => search_speed::run(options).await,
        Bench::Notices(options) => notices::run(options).await,
        Bench::RegistrationRush(options) => rush::run(options).await,
    }
}

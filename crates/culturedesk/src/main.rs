//! `culturedesk`: the server and its administration commands.
//!
//! ```text
//! culturedesk serve [--demo]        run the server (and its background worker)
//! culturedesk migrate               bring the database schema up to date
//! culturedesk admin create …        add a system administrator
//! culturedesk demo seed             fill an empty database with the demo institution
//! ```

mod analyze;
mod config;
mod serve;

use anyhow::Context;
use clap::{Parser, Subcommand};
use config::Config;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "culturedesk",
    version,
    about = "文化服务台 CultureDesk — the office of a public cultural institution, on one server"
)]
struct Cli {
    /// A TOML configuration file (default: ./culturedesk.toml if present).
    #[arg(long, global = true, env = "CULTUREDESK_CONFIG")]
    config: Option<PathBuf>,
    /// The database: sqlite://path or postgres://… (overrides the configuration).
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server with its background worker.
    Serve {
        /// Address to listen on (overrides the configuration).
        #[arg(long)]
        listen: Option<String>,
        /// On an empty database, first fill in the demo institution.
        #[arg(long)]
        demo: bool,
    },
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Administer accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The demo institution.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// Analyse feedback texts from a JSON Lines file: category, type, urgency, abuse, spam,
    /// personal data, duplicates, themes. Needs no database unless --institution is given.
    Analyze {
        /// Lines of `{"id": …, "text": …}`.
        #[arg(long)]
        input: std::path::PathBuf,
        /// Where to write one result per input line.
        #[arg(long)]
        output: std::path::PathBuf,
        /// Use this institution's learnt model and words (its code) instead of the shipped
        /// baseline; reads the configured database.
        #[arg(long)]
        institution: Option<String>,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Add a system administrator to an institution; prints a one-time password.
    Create {
        #[arg(long)]
        username: String,
        /// The name shown in the console and the audit log.
        #[arg(long)]
        name: String,
        /// The institution's code (default: the first institution).
        #[arg(long)]
        institution: Option<String>,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Fill an empty database with the demo institution.
    Seed,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("culturedesk: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    notify::install_crypto_provider();
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(url) = cli.database_url {
        config.database.url = notify::Secret::new(url);
    }
    init_logging(&config.log.level);
    match cli.command {
        Command::Serve { listen, demo } => {
            if let Some(listen) = listen {
                config.server.listen = listen;
            }
            serve::serve(config, demo).await
        }
        Command::Migrate => {
            let db = serve::open_database(&config).await?;
            println!("database is up to date ({})", db.engine().name());
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    username,
                    name,
                    institution,
                },
        } => {
            let services = serve::services(&config).await?;
            let password = services
                .create_admin(institution.as_deref(), &username, &name)
                .await?;
            println!(
                "created system administrator {}; one-time password (shown once): {password}",
                username.trim().to_lowercase()
            );
            Ok(())
        }
        Command::Demo {
            command: DemoCommand::Seed,
        } => {
            let services = serve::services(&config).await?;
            serve::seed_demo(&services).await
        }
        Command::Analyze {
            input,
            output,
            institution,
        } => {
            let (seg, model) = match institution {
                Some(code) => {
                    let services = serve::services(&config).await?;
                    services
                        .feedback()
                        .learnt_reader(&code)
                        .await
                        .with_context(|| format!("--institution {code}"))?
                }
                None => (
                    text::Segmenter::default(),
                    text::classify::Model::baseline(),
                ),
            };
            let started = std::time::Instant::now();
            let n =
                tokio::task::spawn_blocking(move || analyze::run(&input, &output, &seg, &model))
                    .await??;
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "analysed {n} items in {secs:.1} s ({:.0} items/s)",
                n as f64 / secs.max(1e-9)
            );
            Ok(())
        }
    }
}

fn init_logging(level: &str) {
    use std::io::IsTerminal;
    use tracing_subscriber::util::SubscriberInitExt;
    let terminal = std::io::stdout().is_terminal();
    let _ = log_subscriber(level, std::io::stdout, terminal).try_init();
}

/// The log, written by `writer`. In colour only for someone watching a terminal: in a
/// file or a journal the colour codes are noise around every line (`\x1b[2m...`).
fn log_subscriber<W>(level: &str, writer: W, terminal: bool) -> impl tracing::Subscriber
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = tracing_subscriber::EnvFilter::try_new(level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(terminal)
        .with_writer(writer)
        .finish()
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    /// A log file in memory.
    #[derive(Clone, Default)]
    struct Written(Arc<Mutex<Vec<u8>>>);

    impl Write for Written {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn logged(terminal: bool) -> String {
        let file = Written::default();
        let writer = file.clone();
        let log = super::log_subscriber("info", move || writer.clone(), terminal);
        tracing::subscriber::with_default(log, || tracing::warn!(port = 8080, "服务已启动"));
        String::from_utf8(file.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn a_log_written_to_a_file_has_no_colour_codes() {
        let line = logged(false);
        assert!(
            line.contains("WARN") && line.contains("服务已启动") && line.contains("port=8080"),
            "{line}"
        );
        assert!(!line.contains('\x1b'), "{line:?}");
        // The same line at a terminal is in colour: the test would see the codes.
        assert!(logged(true).contains('\x1b'));
    }
}

//! Configuration: a TOML file, then `CULTUREDESK_*` environment variables over it, then
//! command-line flags over both. Errors name the key at fault; secrets print as `***`.

use notify::{EmailConfig, Secret, SmsConfig};
use serde::Deserialize;
use services::feedback::EmbeddingsConfig;
use std::path::Path;

#[derive(Debug, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub sms: SmsConfig,
    pub email: EmailConfig,
    /// An OpenAI-compatible embeddings endpoint for similar items; absent: the built-in
    /// method alone (the default).
    pub embeddings: Option<EmbeddingsConfig>,
    pub log: LogConfig,
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address and port to listen on.
    pub listen: String,
    /// Where people reach the server, for links in messages; defaults to `http://{listen}`.
    pub public_url: Option<String>,
    /// How many reverse proxies stand in front, each appending the address it saw to
    /// `X-Forwarded-For`: the client's address is the entry that many places from the
    /// right. Absent: 1 when `trust_proxy` is set, else 0 (the socket peer is the client).
    pub trusted_proxies: Option<u8>,
    /// The older spelling of `trusted_proxies = 1`.
    pub trust_proxy: bool,
}

impl ServerConfig {
    /// The number of trusted proxies, from either spelling.
    pub fn trusted_proxies(&self) -> u8 {
        self.trusted_proxies.unwrap_or(u8::from(self.trust_proxy))
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: "127.0.0.1:8080".into(),
            public_url: None,
            trusted_proxies: None,
            trust_proxy: false,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://path` (the default, created if missing) or `postgres://user:password@host/db`.
    pub url: Secret,
    /// SQLite only: `normal` (the default; a power cut may lose the last commits, never
    /// the database) or `full` (every commit waits for the disk).
    pub sqlite_synchronous: store::SqliteSync,
}

impl DatabaseConfig {
    pub fn options(&self) -> store::DbOptions {
        store::DbOptions {
            sqlite_synchronous: self.sqlite_synchronous,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: Secret::new("sqlite://./culturedesk-data/culturedesk.db"),
            sqlite_synchronous: store::SqliteSync::default(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// A `tracing` filter: `info`, `culturedesk=debug,info`, …
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            level: "info".into(),
        }
    }
}

/// Variables that start with the prefix but are not configuration.
const NOT_CONFIG: [&str; 2] = ["TEST_DATABASE_URL", "CONFIG"];

impl Config {
    /// Reads `file` (if given, it must exist; otherwise `culturedesk.toml` if present)
    /// and the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        use figment::Figment;
        use figment::providers::{Env, Format, Toml};
        let mut figment = Figment::new();
        match file {
            Some(path) if !path.exists() => {
                anyhow::bail!("configuration file {} does not exist", path.display())
            }
            Some(path) => figment = figment.merge(Toml::file(path)),
            None => figment = figment.merge(Toml::file("culturedesk.toml")),
        }
        // CULTUREDESK_DATABASE_URL → database.url: the first underscore separates the section.
        let env = Env::prefixed("CULTUREDESK_")
            .filter(|key| {
                !NOT_CONFIG
                    .iter()
                    .any(|n| key.as_str().eq_ignore_ascii_case(n))
            })
            .map(|key| key.as_str().replacen('_', ".", 1).into());
        figment = figment.merge(env);
        let config = figment.extract::<Config>().map_err(|e| {
            // figment names the key (`for key "default.server.listen"`); say it plainly.
            let errors: Vec<String> = e
                .into_iter()
                .map(|err| {
                    let key = err.path.join(".");
                    if key.is_empty() {
                        err.to_string()
                    } else {
                        format!("configuration key `{key}`: {}", err.kind)
                    }
                })
                .collect();
            anyhow::anyhow!(errors.join("; "))
        })?;
        if config.server.trust_proxy && config.server.trusted_proxies == Some(0) {
            anyhow::bail!(
                "configuration keys `server.trust_proxy` and `server.trusted_proxies` disagree; \
                 keep `trusted_proxies` alone"
            );
        }
        // Build the gateways once now, so a wrong SMS or e-mail setting stops every
        // command, not only the first message.
        config.sms.build()?;
        config.email.build()?;
        config.embeddings()?;
        Ok(config)
    }

    /// The `[embeddings]` endpoint, checked; `None` when the section is absent.
    pub fn embeddings(&self) -> anyhow::Result<Option<services::feedback::EmbeddingsEndpoint>> {
        Ok(self.embeddings.as_ref().map(|e| e.build()).transpose()?)
    }

    pub fn public_url(&self) -> String {
        self.server
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.server.listen))
            .trim_end_matches('/')
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(toml: &str) -> anyhow::Result<Config> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("c.toml");
        std::fs::write(&path, toml)?;
        Config::load(Some(&path))
    }

    #[test]
    fn errors_name_the_key() {
        let e = load("[server]\nlisten = 8080\n").unwrap_err().to_string();
        assert!(e.contains("server.listen"), "{e}");
        let e = load("[server]\nlisen = \"x\"\n").unwrap_err().to_string();
        assert!(e.contains("lisen"), "{e}");
        let e = load("[sms]\ngateway = \"carrier-pigeon\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("sms.gateway"), "{e}");
    }

    #[test]
    fn embeddings_are_off_unless_configured_and_checked_when_they_are() {
        assert!(load("").unwrap().embeddings().unwrap().is_none());
        let c = load(
            "[embeddings]\nurl = \"http://10.0.0.5:8000/v1\"\nmodel = \"bge-m3\"\n\
             api_key = \"sk-hunter2\"\ntimeout_ms = 1500\nduplicate_cosine = 0.92\n",
        )
        .unwrap();
        let endpoint = c.embeddings().unwrap().expect("configured");
        assert_eq!(endpoint.model(), "bge-m3");
        assert_eq!(endpoint.bars().duplicate, 0.92);
        assert!(!format!("{c:?} {endpoint:?}").contains("hunter2"));
        let e = load("[embeddings]\nurl = \"http://10.0.0.5:8000/v1\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("embeddings.model"), "{e}");
        let e = load("[embeddings]\nurl = \"x\"\nmodel = \"m\"\ntimeout = 3\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("timeout"), "{e}");
        let e = load("[embeddings]\nurl = \"10.0.0.5\"\nmodel = \"m\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("embeddings.url"), "{e}");
    }

    #[test]
    fn trusted_proxies_are_counted_and_trust_proxy_means_one() {
        assert_eq!(load("").unwrap().server.trusted_proxies(), 0);
        let c = load("[server]\ntrust_proxy = true\n").unwrap();
        assert_eq!(c.server.trusted_proxies(), 1);
        let c = load("[server]\ntrusted_proxies = 2\n").unwrap();
        assert_eq!(c.server.trusted_proxies(), 2);
        let e = load("[server]\ntrusted_proxies = -1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("server.trusted_proxies"), "{e}");
        let e = load("[server]\ntrust_proxy = true\ntrusted_proxies = 0\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("server.trusted_proxies"), "{e}");
        let e = load("[server]\ntrusted_proxy = 1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("trusted_proxy"), "{e}");
    }

    #[test]
    fn sqlite_synchronous_is_normal_or_full() {
        let sync = |toml: &str| load(toml).map(|c| c.database.options().sqlite_synchronous);
        assert_eq!(sync("").unwrap(), store::SqliteSync::Normal);
        let full = sync("[database]\nsqlite_synchronous = \"full\"\n").unwrap();
        assert_eq!(full, store::SqliteSync::Full);
        let e = sync("[database]\nsqlite_synchronous = \"off\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("database.sqlite_synchronous"), "{e}");
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let c = load("[database]\nurl = \"postgres://cd:hunter2@db/cd\"\n").unwrap();
        assert_eq!(c.database.url.expose(), "postgres://cd:hunter2@db/cd");
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}

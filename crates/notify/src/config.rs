use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;

use crate::{Channel, Gateway, HttpSmsGateway, LogGateway, Secret, SmtpGateway};

/// A gateway's configuration cannot work; the message starts with the key to fix
/// (`sms.url`, `email.from`, …) so an administrator knows where to look.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key} {problem}")]
pub struct ConfigError {
    /// The configuration key, dotted from the section: `sms.headers.X-Api-Key`.
    pub key: String,
    pub problem: String,
}

impl ConfigError {
    pub fn new(key: impl Into<String>, problem: impl Into<String>) -> ConfigError {
        ConfigError {
            key: key.into(),
            problem: problem.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmsGatewayKind {
    /// Messages go to the console (development).
    #[default]
    Log,
    /// Messages go to an HTTP SMS provider; see [`HttpSmsGateway`].
    Http,
}

/// The `[sms]` section.
///
/// With `gateway = "http"`, each message is one request to `url`: `method` (default
/// POST), the body `template` with `{mobile}` and `{text}` filled in, escaped for
/// `content_type` (default `application/json`; the other choice is
/// `application/x-www-form-urlencoded`), plus `headers` (typically the provider's key).
/// The default template is `{"mobile":"{mobile}","text":"{text}"}` for JSON and
/// `mobile={mobile}&text={text}` for a form. Providers that answer 200 even when they
/// refuse a message are checked with `success_json_field`/`success_json_value`, e.g.
/// `code` = `0`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmsConfig {
    pub gateway: SmsGatewayKind,
    pub url: Option<String>,
    pub method: Option<String>,
    pub template: Option<String>,
    pub content_type: Option<String>,
    pub headers: BTreeMap<String, Secret>,
    pub timeout_seconds: Option<u64>,
    pub success_json_field: Option<String>,
    pub success_json_value: Option<String>,
}

impl SmsConfig {
    pub fn build(&self) -> Result<Arc<dyn Gateway>, ConfigError> {
        Ok(match self.gateway {
            SmsGatewayKind::Log => Arc::new(LogGateway::new(Channel::Sms)),
            SmsGatewayKind::Http => Arc::new(HttpSmsGateway::from_config(self)?),
        })
    }
}

/// The `[email]` section: `smtp_url` such as `smtp://user:pass@host:25` (plain),
/// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://user:pass@host:465`;
/// without one (or with an empty one) messages go to the console. `from` is the sender
/// every message carries, e.g. `青山县文化馆 <noreply@example.org>`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmailConfig {
    pub smtp_url: Option<Secret>,
    pub from: String,
    /// For each SMTP command; default 30.
    pub timeout_seconds: Option<u64>,
}

impl Default for EmailConfig {
    fn default() -> EmailConfig {
        EmailConfig {
            smtp_url: None,
            from: "CultureDesk <noreply@localhost>".into(),
            timeout_seconds: None,
        }
    }
}

impl EmailConfig {
    pub fn build(&self) -> Result<Arc<dyn Gateway>, ConfigError> {
        // Checked even for the log gateway, so a bad sender shows up before the day a
        // mail server is configured.
        crate::smtp::parse_from(&self.from)?;
        let timeout = timeout("email.timeout_seconds", self.timeout_seconds, 30)?;
        // An empty value is what an unset environment variable often turns into.
        match self
            .smtp_url
            .as_ref()
            .filter(|u| !u.expose().trim().is_empty())
        {
            None => Ok(Arc::new(LogGateway::new(Channel::Email))),
            Some(url) => Ok(Arc::new(SmtpGateway::new(
                url.expose().trim(),
                &self.from,
                timeout,
            )?)),
        }
    }
}

/// A configured timeout in whole seconds; zero would make every attempt fail at once.
pub(crate) fn timeout(
    key: &str,
    seconds: Option<u64>,
    default_seconds: u64,
) -> Result<std::time::Duration, ConfigError> {
    match seconds {
        None => Ok(std::time::Duration::from_secs(default_seconds)),
        Some(0) => Err(ConfigError::new(key, "must be at least 1")),
        Some(s) => Ok(std::time::Duration::from_secs(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_log_gateways() {
        let sms = SmsConfig::default().build().expect("default sms");
        assert_eq!((sms.channel(), sms.name()), (Channel::Sms, "log"));
        let email = EmailConfig::default().build().expect("default email");
        assert_eq!((email.channel(), email.name()), (Channel::Email, "log"));
    }

    #[test]
    fn blank_smtp_url_means_log() {
        let cfg = EmailConfig {
            smtp_url: Some(Secret::new("  ")),
            ..EmailConfig::default()
        };
        assert_eq!(cfg.build().expect("blank url").name(), "log");
    }
}

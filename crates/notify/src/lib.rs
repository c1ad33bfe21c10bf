//! CultureDesk's outgoing messages.
//!
//! Every channel (SMS, e-mail) is a [`Gateway`]: it takes one [`Outgoing`] message and
//! either delivers it or says whether trying again later could help ([`SendError`]).
//! The gateways:
//! - [`LogGateway`]: for development, writes the message to the console;
//! - [`HttpSmsGateway`]: any SMS provider reached by one HTTP request built from a template;
//! - [`SmtpGateway`]: e-mail over SMTP, with or without TLS.
//!
//! Group announcements go through [`RobotGateway`] instead: DingTalk and WeCom group
//! robots, one per institution's work group ([`RobotConfig`]), with [`RobotBudget`] and
//! [`digest`] to stay under their 20 messages a minute.
//!
//! [`SmsConfig`] and [`EmailConfig`] describe them in the server's configuration and
//! build the gateway, naming the offending key when something is wrong. Queueing, retries
//! and the outbox table belong to the services crate, not here.

mod config;
mod http_sms;
mod log;
mod robot;
mod secret;
mod smtp;

pub use config::{ConfigError, EmailConfig, SmsConfig, SmsGatewayKind};
pub use http_sms::HttpSmsGateway;
pub use log::LogGateway;
pub use robot::{
    ROBOT_MESSAGES_PER_MINUTE, RobotBudget, RobotConfig, RobotGateway, RobotKind, RobotLabels,
    RobotMessage, digest,
};
pub use secret::Secret;
pub use smtp::SmtpGateway;

/// How a message reaches its recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Sms,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Sms, Channel::Email];

    /// The name stored in the outbox and used in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One message to one recipient: a mobile number for SMS, an e-mail address for e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub channel: Channel,
    pub recipient: String,
    /// E-mail only; SMS has no subject.
    pub subject: Option<String>,
    pub body: String,
}

/// Why a message was not delivered, sorted by whether a retry could help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Retrying the same message will fail the same way: a bad address, content the
    /// gateway refused.
    #[error("not delivered, and retrying will not help: {0}")]
    Permanent(String),
    /// The gateway could not be reached or asked us to come back later.
    #[error("not delivered yet, worth retrying: {0}")]
    Transient(String),
}

impl SendError {
    pub fn is_permanent(&self) -> bool {
        matches!(self, SendError::Permanent(_))
    }

    pub fn is_transient(&self) -> bool {
        matches!(self, SendError::Transient(_))
    }
}

/// A way to deliver messages of one channel.
#[async_trait::async_trait]
pub trait Gateway: Send + Sync {
    fn channel(&self) -> Channel;
    /// A short name for logs and the outbox ("log", "http", "smtp").
    fn name(&self) -> &'static str;
    async fn send(&self, msg: &Outgoing) -> Result<(), SendError>;
}

/// Installs rustls's ring crypto provider as the process default.
///
/// reqwest is built without a provider of its own so that the whole server uses one; the
/// first HTTPS client fails to build until one is installed. Calling this again, or after
/// someone else installed a provider, is harmless.
pub fn install_crypto_provider() {
    // An error only means a provider is already installed, which is all we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_names_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        assert_eq!(Channel::parse("sms"), Some(Channel::Sms));
        assert_eq!(Channel::parse("email"), Some(Channel::Email));
        assert_eq!(Channel::parse("fax"), None);
    }
}

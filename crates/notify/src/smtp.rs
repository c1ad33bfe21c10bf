use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::{Channel, ConfigError, Gateway, Outgoing, SendError};

/// E-mail over SMTP: one connection per message, which suits the few hundred messages a
/// day a county centre sends and never leaves a stale connection behind.
pub struct SmtpGateway {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpGateway {
    /// `smtp_url`: `smtp://user:pass@host:port` (plain, for local relays),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://user:pass@host:465`;
    /// percent-encode special characters in the user and password. `from`: the sender,
    /// e.g. `青山县文化馆 <noreply@example.org>`. `timeout` bounds each SMTP command.
    pub fn new(smtp_url: &str, from: &str, timeout: Duration) -> Result<SmtpGateway, ConfigError> {
        // TLS connections need the process-wide provider before the first handshake.
        crate::install_crypto_provider();
        let from = parse_from(from)?;
        // lettre's errors never repeat the URL, so the password in it cannot leak here.
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| {
                ConfigError::new(
                    "email.smtp_url",
                    format!(
                        "is not a usable SMTP URL ({e}); expected smtp://user:pass@host:25, \
                         smtp://user:pass@host:587?tls=required or smtps://user:pass@host:465"
                    ),
                )
            })?
            .timeout(Some(timeout))
            .build();
        Ok(SmtpGateway { transport, from })
    }
}

impl std::fmt::Debug for SmtpGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The transport holds the credentials; only the sender is safe to show.
        f.debug_struct("SmtpGateway")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

pub(crate) fn parse_from(from: &str) -> Result<Mailbox, ConfigError> {
    from.parse().map_err(|e| {
        ConfigError::new(
            "email.from",
            format!(
                "is not a valid sender ({e}); expected e.g. 青山县文化馆 <noreply@example.org>"
            ),
        )
    })
}

#[async_trait::async_trait]
impl Gateway for SmtpGateway {
    fn channel(&self) -> Channel {
        Channel::Email
    }

    fn name(&self) -> &'static str {
        "smtp"
    }

    async fn send(&self, msg: &Outgoing) -> Result<(), SendError> {
        if msg.channel != Channel::Email {
            return Err(SendError::Permanent(format!(
                "the SMTP gateway sends e-mail, not {}",
                msg.channel
            )));
        }
        let to: Mailbox = msg.recipient.trim().parse().map_err(|e| {
            SendError::Permanent(format!("invalid e-mail address {:?}: {e}", msg.recipient))
        })?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            // lettre adds none by itself, and mail without one scores as spam.
            .message_id(Some(message_id(self.from.email.domain())));
        if let Some(subject) = &msg.subject {
            builder = builder.subject(subject);
        }
        // text/plain; charset=utf-8. lettre picks the transfer encoding (base64 for
        // Chinese), so the text survives servers that are not 8-bit clean.
        let email = builder
            .header(ContentType::TEXT_PLAIN)
            .body(msg.body.clone())
            .map_err(|e| SendError::Permanent(format!("cannot build the message: {e}")))?;
        match self.transport.send(email).await {
            Ok(_) => Ok(()),
            Err(e) => Err(classify(&e)),
        }
    }
}

/// `<time.pid.counter@domain>`: unique without a random source, and under the sender's
/// domain rather than whatever the server's host name happens to be.
fn message_id(domain: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("<{nanos:x}.{:x}.{n:x}@{domain}>", std::process::id())
}

/// Only a 5xx reply says the server will never take this message; everything else —
/// 4xx, timeouts, refused connections, TLS trouble, garbled replies — may pass.
fn classify(e: &lettre::transport::smtp::Error) -> SendError {
    if e.is_permanent() {
        SendError::Permanent(format!("the mail server refused the message: {e}"))
    } else if e.is_timeout() {
        SendError::Transient(format!("the mail server did not answer in time: {e}"))
    } else {
        SendError::Transient(format!(
            "the mail server could not take the message now: {e}"
        ))
    }
}

use crate::{Channel, Gateway, Outgoing, SendError};

/// The development gateway: prints each message to the console instead of sending it, so
/// a developer can read the login code or the notice without an SMS account or a mail
/// server.
#[derive(Debug, Clone)]
pub struct LogGateway {
    channel: Channel,
}

impl LogGateway {
    pub fn new(channel: Channel) -> LogGateway {
        LogGateway { channel }
    }
}

#[async_trait::async_trait]
impl Gateway for LogGateway {
    fn channel(&self) -> Channel {
        self.channel
    }

    fn name(&self) -> &'static str {
        "log"
    }

    async fn send(&self, msg: &Outgoing) -> Result<(), SendError> {
        tracing::info!(
            target: "culturedesk::outbox",
            channel = self.channel.as_str(),
            recipient = %msg.recipient,
            subject = msg.subject.as_deref().unwrap_or(""),
            body = %msg.body,
            "message not sent: the {} gateway is \"log\"",
            self.channel.as_str(),
        );
        Ok(())
    }
}

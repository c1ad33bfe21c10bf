//! Outgoing messages: written to the outbox in the caller's transaction, delivered by the
//! worker with retries.

use crate::{Desk, ServiceResult};
use domain::TenantId;
use jobs::{Handler, Job, JobError, NewJob};
use notify::{Channel, Outgoing, SendError};
use store::{Conn, outbox};

pub const SEND_MESSAGE: &str = "message.send";

impl Desk {
    /// Sends a staff member a message: by e-mail when they have an address, by SMS when
    /// they have only a number or the matter is urgent.
    pub async fn tell_staff(
        &self,
        c: &impl Conn,
        tenant: TenantId,
        user: &store::users::UserRow,
        subject: &str,
        text: &str,
        urgent: bool,
    ) -> ServiceResult<()> {
        if let Some(email) = &user.email {
            self.queue_message(c, Some(tenant), Channel::Email, email, Some(subject), text)
                .await?;
        }
        if let Some(mobile) = &user.mobile
            && (urgent || user.email.is_none())
        {
            self.queue_message(c, Some(tenant), Channel::Sms, mobile, None, text)
                .await?;
        }
        Ok(())
    }

    /// Queues a message for delivery once the caller's transaction commits.
    pub async fn queue_message(
        &self,
        c: &impl Conn,
        tenant: Option<TenantId>,
        channel: Channel,
        recipient: &str,
        subject: Option<&str>,
        body: &str,
    ) -> ServiceResult<i64> {
        let id = outbox::insert(
            c,
            outbox::NewMessage {
                tenant,
                channel: channel.as_str(),
                recipient,
                subject,
                body,
            },
            self.now(),
        )
        .await?;
        let mut job = NewJob::new(SEND_MESSAGE, serde_json::json!({ "message": id }))
            .dedupe(format!("message:{id}"));
        job.tenant = tenant;
        self.0.queue.enqueue(c, job).await?;
        Ok(id)
    }

    /// Nudges this node's worker after a commit that queued messages.
    pub fn wake_worker(&self) {
        self.0.queue.wake();
    }
}

/// Delivers one outbox message. Idempotent: a message already sent is not sent again.
pub struct SendMessage(pub Desk);

#[async_trait::async_trait]
impl Handler for SendMessage {
    fn kind(&self) -> &'static str {
        SEND_MESSAGE
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let services = &self.0;
        let id = job.payload["message"]
            .as_i64()
            .ok_or_else(|| JobError::Fatal("payload without a message id".into()))?;
        let Some(message) = outbox::find(services.db(), id).await? else {
            return Err(JobError::Fatal(format!("message {id} is gone")));
        };
        if message.status == outbox::SENT {
            return Ok(());
        }
        let channel = Channel::parse(&message.channel)
            .ok_or_else(|| JobError::Fatal(format!("unknown channel {}", message.channel)))?;
        let gateway = match channel {
            Channel::Sms => &services.0.gateways.sms,
            Channel::Email => &services.0.gateways.email,
        };
        let outgoing = Outgoing {
            channel,
            recipient: message.recipient.clone(),
            subject: message.subject.clone(),
            body: message.body.clone(),
        };
        match gateway.send(&outgoing).await {
            Ok(()) => {
                outbox::mark_sent(services.db(), id, services.now()).await?;
                Ok(())
            }
            Err(SendError::Permanent(e)) => {
                outbox::mark_attempt_failed(services.db(), id, &e, true).await?;
                Err(JobError::Fatal(e))
            }
            Err(SendError::Transient(e)) => {
                outbox::mark_attempt_failed(services.db(), id, &e, job.is_last_attempt()).await?;
                Err(JobError::Retry(e))
            }
        }
    }
}

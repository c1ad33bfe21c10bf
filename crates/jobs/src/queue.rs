use domain::{Clock, JobId, TenantId, Timestamp};
use std::sync::Arc;
use store::Conn;
use tokio::sync::Notify;

/// Puts jobs in the queue and wakes the local worker.
#[derive(Clone)]
pub struct Queue {
    clock: Arc<dyn Clock>,
    wake: Arc<Notify>,
}

/// A job to queue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub tenant: Option<TenantId>,
    pub kind: &'static str,
    pub payload: serde_json::Value,
    /// Idempotency: a second job with the same key is not queued.
    pub dedupe_key: Option<String>,
    /// `None`: as soon as possible.
    pub run_at: Option<Timestamp>,
    pub max_attempts: i64,
}

impl NewJob {
    pub fn new(kind: &'static str, payload: serde_json::Value) -> NewJob {
        NewJob {
            tenant: None,
            kind,
            payload,
            dedupe_key: None,
            run_at: None,
            max_attempts: 8,
        }
    }

    pub fn tenant(mut self, tenant: TenantId) -> Self {
        self.tenant = Some(tenant);
        self
    }

    pub fn dedupe(mut self, key: impl Into<String>) -> Self {
        self.dedupe_key = Some(key.into());
        self
    }

    pub fn at(mut self, run_at: Timestamp) -> Self {
        self.run_at = Some(run_at);
        self
    }
}

impl Queue {
    pub fn new(clock: Arc<dyn Clock>) -> Queue {
        Queue {
            clock,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Queues `job` in the caller's transaction (so it exists only if the work that asked
    /// for it commits). Call [`Queue::wake`] after the commit.
    pub async fn enqueue(&self, c: &impl Conn, job: NewJob) -> store::Result<Option<JobId>> {
        let now = self.clock.now();
        let payload = job.payload.to_string();
        store::jobs::enqueue(
            c,
            store::jobs::NewJob {
                tenant: job.tenant,
                kind: job.kind,
                payload: &payload,
                dedupe_key: job.dedupe_key.as_deref(),
                run_at: job.run_at.unwrap_or(now),
                max_attempts: job.max_attempts,
            },
            now,
        )
        .await
    }

    /// Tells this node's worker that new work may be due.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub(crate) fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }
}

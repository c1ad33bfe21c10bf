use crate::queue::{NewJob, Queue};
use domain::{Clock, JobId, TenantId, Timestamp};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use store::Db;
use tokio::sync::watch;

/// A claimed job, as its handler sees it.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: JobId,
    pub tenant: Option<TenantId>,
    pub kind: String,
    pub payload: serde_json::Value,
    /// 1 on the first run.
    pub attempt: i64,
    pub max_attempts: i64,
    /// When the job was due; a scheduled job's period start.
    pub due_at: Timestamp,
}

impl Job {
    pub fn is_last_attempt(&self) -> bool {
        self.attempt >= self.max_attempts
    }
}

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Try again later.
    #[error("{0}")]
    Retry(String),
    /// Retrying cannot help.
    #[error("{0}")]
    Fatal(String),
}

impl From<store::StoreError> for JobError {
    fn from(e: store::StoreError) -> Self {
        JobError::Retry(e.to_string())
    }
}

/// Runs the jobs of one kind.
#[async_trait::async_trait]
pub trait Handler: Send + Sync + 'static {
    fn kind(&self) -> &'static str;
    async fn run(&self, job: &Job) -> Result<(), JobError>;
}

/// Work that recurs every `every_ms`, aligned to multiples of it since the epoch.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub kind: &'static str,
    pub every_ms: i64,
}

const LEASE_MS: i64 = 5 * 60_000;
const BATCH: i64 = 16;
/// How long an idle worker waits before looking again when nothing woke it.
const IDLE_POLL: Duration = Duration::from_secs(2);

pub struct Worker {
    db: Db,
    clock: Arc<dyn Clock>,
    queue: Queue,
    name: String,
    handlers: HashMap<&'static str, Arc<dyn Handler>>,
    schedules: Vec<Schedule>,
}

impl Worker {
    /// `name` tells workers apart in the `locked_by` column; make it unique per process.
    pub fn new(db: Db, clock: Arc<dyn Clock>, queue: Queue, name: impl Into<String>) -> Worker {
        Worker {
            db,
            clock,
            queue,
            name: name.into(),
            handlers: HashMap::new(),
            schedules: Vec::new(),
        }
    }

    pub fn handle(mut self, handler: impl Handler) -> Self {
        self.handlers.insert(handler.kind(), Arc::new(handler));
        self
    }

    pub fn every(mut self, schedule: Schedule) -> Self {
        self.schedules.push(schedule);
        self
    }

    /// Queues this period's scheduled jobs, then runs everything due now, until nothing
    /// is left. Gives the number of jobs run.
    pub async fn run_due(&self) -> store::Result<usize> {
        self.enqueue_schedules().await?;
        let mut ran = 0;
        loop {
            let now = self.clock.now();
            let claimed =
                store::jobs::claim(&self.db, &self.name, now, now.plus_ms(LEASE_MS), BATCH).await?;
            if claimed.is_empty() {
                return Ok(ran);
            }
            for row in claimed {
                self.run_one(row).await?;
                ran += 1;
            }
        }
    }

    async fn enqueue_schedules(&self) -> store::Result<()> {
        let now = self.clock.now();
        for s in &self.schedules {
            let period_start = Timestamp(now.0 - now.0.rem_euclid(s.every_ms));
            let job = NewJob::new(s.kind, serde_json::json!({}))
                .dedupe(format!("schedule:{}:{}", s.kind, period_start.0))
                .at(period_start);
            self.queue
                .enqueue(
                    &self.db,
                    NewJob {
                        max_attempts: 3,
                        ..job
                    },
                )
                .await?;
        }
        Ok(())
    }

    async fn run_one(&self, row: store::jobs::ClaimedJob) -> store::Result<()> {
        let id = JobId(row.id);
        let job = Job {
            id,
            tenant: row.tenant_id.map(TenantId),
            kind: row.kind.clone(),
            payload: serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::Null),
            attempt: row.attempts,
            max_attempts: row.max_attempts,
            due_at: Timestamp(row.run_at),
        };
        let outcome = match self.handlers.get(row.kind.as_str()) {
            Some(handler) => handler.run(&job).await,
            None => Err(JobError::Fatal(format!(
                "no handler for job kind {:?}",
                row.kind
            ))),
        };
        let now = self.clock.now();
        match outcome {
            Ok(()) => {
                store::jobs::complete(&self.db, id, &self.name, now).await?;
            }
            Err(e) => {
                let retry_at = match &e {
                    JobError::Retry(_) if !job.is_last_attempt() => {
                        Some(now.plus_ms(backoff_ms(job.attempt)))
                    }
                    _ => None,
                };
                tracing::warn!(job = %id, kind = %job.kind, attempt = job.attempt, retry = retry_at.is_some(), "job failed: {e}");
                store::jobs::fail(&self.db, id, &self.name, &e.to_string(), retry_at, now).await?;
            }
        }
        Ok(())
    }

    /// Runs until `shutdown` turns true: due jobs now, then again when woken, when the
    /// next job falls due, or every couple of seconds to notice other nodes' jobs.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let wake = self.queue.waker();
        loop {
            if *shutdown.borrow() {
                return;
            }
            if let Err(e) = self.run_due().await {
                tracing::error!("worker: {e}");
            }
            let wait = match store::jobs::next_due(&self.db).await {
                Ok(Some(at)) => Duration::from_millis(
                    at.0.saturating_sub(self.clock.now().0).clamp(0, 2_000) as u64,
                ),
                _ => IDLE_POLL,
            };
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}

/// 30 s, 1 min, 2 min, … up to 32 min between attempts.
fn backoff_ms(attempt: i64) -> i64 {
    let exp = attempt.clamp(1, 7) as u32 - 1;
    30_000i64 << exp
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_grows_then_caps() {
        assert_eq!(super::backoff_ms(1), 30_000);
        assert_eq!(super::backoff_ms(2), 60_000);
        assert_eq!(super::backoff_ms(7), 1_920_000);
        assert_eq!(super::backoff_ms(50), 1_920_000);
    }
}

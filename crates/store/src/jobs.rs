//! The background job queue's table. The worker in the `jobs` crate drives it.

use crate::engine_sql::{CLAIM_JOBS_POSTGRES, CLAIM_JOBS_SQLITE, Raw};
use crate::schema::Jobs as J;
use crate::{Conn, Result};
use domain::{JobId, TenantId, Timestamp};
use sea_query::{Expr, ExprTrait, OnConflict, Order, Query, Values};

pub const QUEUED: &str = "queued";
pub const RUNNING: &str = "running";
pub const DONE: &str = "done";
/// Out of attempts; kept for the console to show.
pub const DEAD: &str = "dead";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedJob {
    pub id: i64,
    pub tenant_id: Option<i64>,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobRow {
    pub id: i64,
    pub tenant_id: Option<i64>,
    pub kind: String,
    pub payload: String,
    pub dedupe_key: Option<String>,
    pub status: String,
    pub run_at: i64,
    pub attempts: i64,
    pub max_attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

pub struct NewJob<'a> {
    pub tenant: Option<TenantId>,
    pub kind: &'a str,
    pub payload: &'a str,
    /// A job with a key already queued or done is not queued again: the key makes
    /// enqueueing idempotent (one reminder per deadline, one send per message).
    pub dedupe_key: Option<&'a str>,
    pub run_at: Timestamp,
    pub max_attempts: i64,
}

/// Queues a job; `None` when its dedupe key was already taken.
pub async fn enqueue(c: &impl Conn, job: NewJob<'_>, now: Timestamp) -> Result<Option<JobId>> {
    let stmt = crate::insert_into(
        J::Table,
        vec![
            (J::TenantId, job.tenant.map(|t| t.0).into()),
            (J::Kind, job.kind.into()),
            (J::Payload, job.payload.into()),
            (J::DedupeKey, job.dedupe_key.into()),
            (J::Status, QUEUED.into()),
            (J::RunAt, job.run_at.0.into()),
            (J::MaxAttempts, job.max_attempts.into()),
            (J::CreatedAt, now.0.into()),
        ],
    )
    .on_conflict(OnConflict::column(J::DedupeKey).do_nothing().to_owned())
    .returning_col(J::Id)
    .to_owned();
    let id: Option<(i64,)> = c.fetch_optional(&stmt).await?;
    Ok(id.map(|(id,)| JobId(id)))
}

pub async fn claim(
    c: &impl Conn,
    worker: &str,
    now: Timestamp,
    lease_until: Timestamp,
    limit: i64,
) -> Result<Vec<ClaimedJob>> {
    c.fetch_all(&Raw {
        sqlite: CLAIM_JOBS_SQLITE,
        postgres: CLAIM_JOBS_POSTGRES,
        values: Values(vec![
            worker.into(),
            lease_until.0.into(),
            now.0.into(),
            limit.into(),
        ]),
    })
    .await
}

/// Marks a job done, if this worker still holds it.
pub async fn complete(c: &impl Conn, id: JobId, worker: &str, now: Timestamp) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(J::Table)
            .value(J::Status, DONE)
            .value(J::FinishedAt, now.0)
            .value(J::LockedBy, Option::<String>::None)
            .value(J::LockedUntil, Option::<i64>::None)
            .and_where(Expr::col(J::Id).eq(id.0))
            .and_where(Expr::col(J::LockedBy).eq(worker))
            .to_owned(),
    )
    .await
}

/// Records a failure: queued again at `retry_at`, or dead when `retry_at` is `None`.
pub async fn fail(
    c: &impl Conn,
    id: JobId,
    worker: &str,
    error: &str,
    retry_at: Option<Timestamp>,
    now: Timestamp,
) -> Result<u64> {
    let mut stmt = Query::update()
        .table(J::Table)
        .value(J::LastError, error.chars().take(1000).collect::<String>())
        .value(J::LockedBy, Option::<String>::None)
        .value(J::LockedUntil, Option::<i64>::None)
        .and_where(Expr::col(J::Id).eq(id.0))
        .and_where(Expr::col(J::LockedBy).eq(worker))
        .to_owned();
    match retry_at {
        Some(at) => stmt.value(J::Status, QUEUED).value(J::RunAt, at.0),
        None => stmt.value(J::Status, DEAD).value(J::FinishedAt, now.0),
    };
    c.execute(&stmt).await
}

pub async fn find(c: &impl Conn, id: JobId) -> Result<Option<JobRow>> {
    c.fetch_optional(&select().and_where(Expr::col(J::Id).eq(id.0)).to_owned())
        .await
}

pub async fn find_by_dedupe_key(c: &impl Conn, key: &str) -> Result<Option<JobRow>> {
    c.fetch_optional(
        &select()
            .and_where(Expr::col(J::DedupeKey).eq(key))
            .to_owned(),
    )
    .await
}

/// The newest jobs of a kind, for the console and tests.
pub async fn recent(c: &impl Conn, kind: Option<&str>, limit: u64) -> Result<Vec<JobRow>> {
    let mut stmt = select()
        .order_by(J::Id, Order::Desc)
        .limit(limit)
        .to_owned();
    if let Some(kind) = kind {
        stmt.and_where(Expr::col(J::Kind).eq(kind));
    }
    c.fetch_all(&stmt).await
}

/// The earliest time a queued job is due: how long the worker may sleep.
pub async fn next_due(c: &impl Conn) -> Result<Option<Timestamp>> {
    let row: Option<(Option<i64>,)> = c
        .fetch_optional(
            &Query::select()
                .expr(Expr::col(J::RunAt).min())
                .from(J::Table)
                .and_where(Expr::col(J::Status).eq(QUEUED))
                .to_owned(),
        )
        .await?;
    Ok(row.and_then(|(t,)| t).map(Timestamp))
}

fn select() -> sea_query::SelectStatement {
    Query::select()
        .columns([
            J::Id,
            J::TenantId,
            J::Kind,
            J::Payload,
            J::DedupeKey,
            J::Status,
            J::RunAt,
            J::Attempts,
            J::MaxAttempts,
            J::LastError,
            J::CreatedAt,
            J::FinishedAt,
        ])
        .from(J::Table)
        .to_owned()
}

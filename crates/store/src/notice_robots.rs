//! The institution's DingTalk and WeCom group robots, and every post of a notice to one of
//! them (`migrations/*/0006_notices.sql`). Posts are the robot's own outbox: the sender
//! counts what it sent in the last minute across all nodes from here.

use crate::{Conn, Result};
use domain::{TenantId, Timestamp};
use sea_query::{Expr, ExprTrait, Iden, Order, Query};

#[derive(Iden, Clone, Copy)]
pub enum NoticeRobots {
    Table,
    Id,
    TenantId,
    UnitId,
    Kind,
    Name,
    Webhook,
    Secret,
    Active,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub enum NoticeRobotPosts {
    Table,
    Id,
    TenantId,
    RobotId,
    NoticeId,
    Status,
    Attempts,
    LastError,
    DigestOf,
    CreatedAt,
    SentAt,
}

use NoticeRobotPosts as P;
use NoticeRobots as B;

pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RobotRow {
    pub id: i64,
    pub unit_id: i64,
    pub kind: String,
    pub name: String,
    pub webhook: String,
    pub secret: Option<String>,
    pub active: bool,
    pub created_at: i64,
}

const ROBOT_COLUMNS: [B; 8] = [
    B::Id,
    B::UnitId,
    B::Kind,
    B::Name,
    B::Webhook,
    B::Secret,
    B::Active,
    B::CreatedAt,
];

pub struct NewRobot<'a> {
    pub unit: i64,
    pub kind: &'a str,
    pub name: &'a str,
    pub webhook: &'a str,
    pub secret: Option<&'a str>,
}

pub async fn insert_robot(
    c: &impl Conn,
    tenant: TenantId,
    r: NewRobot<'_>,
    at: Timestamp,
) -> Result<i64> {
    c.fetch_i64(
        &crate::insert_into(
            B::Table,
            vec![
                (B::TenantId, tenant.0.into()),
                (B::UnitId, r.unit.into()),
                (B::Kind, r.kind.into()),
                (B::Name, r.name.into()),
                (B::Webhook, r.webhook.into()),
                (B::Secret, r.secret.into()),
                (B::CreatedAt, at.0.into()),
            ],
        )
        .returning_col(B::Id)
        .to_owned(),
    )
    .await
}

pub async fn set_robot_active(
    c: &impl Conn,
    tenant: TenantId,
    id: i64,
    active: bool,
) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(B::Table)
            .value(B::Active, active)
            .and_where(Expr::col(B::TenantId).eq(tenant.0))
            .and_where(Expr::col(B::Id).eq(id))
            .to_owned(),
    )
    .await
}

/// The institution's robots, active ones first.
pub async fn robots(c: &impl Conn, tenant: TenantId) -> Result<Vec<RobotRow>> {
    c.fetch_all(
        &Query::select()
            .columns(ROBOT_COLUMNS)
            .from(B::Table)
            .and_where(Expr::col(B::TenantId).eq(tenant.0))
            .order_by(B::Active, Order::Desc)
            .order_by(B::Id, Order::Asc)
            .to_owned(),
    )
    .await
}

pub async fn robot(c: &impl Conn, tenant: TenantId, id: i64) -> Result<Option<RobotRow>> {
    c.fetch_optional(
        &Query::select()
            .columns(ROBOT_COLUMNS)
            .from(B::Table)
            .and_where(Expr::col(B::TenantId).eq(tenant.0))
            .and_where(Expr::col(B::Id).eq(id))
            .to_owned(),
    )
    .await
}

/// Queues a notice for a robot; gives the post's id.
pub async fn insert_post(
    c: &impl Conn,
    tenant: TenantId,
    robot: i64,
    notice: i64,
    at: Timestamp,
) -> Result<i64> {
    c.fetch_i64(
        &crate::insert_into(
            P::Table,
            vec![
                (P::TenantId, tenant.0.into()),
                (P::RobotId, robot.into()),
                (P::NoticeId, notice.into()),
                (P::Status, PENDING.into()),
                (P::CreatedAt, at.0.into()),
            ],
        )
        .returning_col(P::Id)
        .to_owned(),
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PostRow {
    pub id: i64,
    pub robot_id: i64,
    pub notice_id: i64,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub digest_of: i64,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

const POST_COLUMNS: [P; 9] = [
    P::Id,
    P::RobotId,
    P::NoticeId,
    P::Status,
    P::Attempts,
    P::LastError,
    P::DigestOf,
    P::CreatedAt,
    P::SentAt,
];

/// A robot's posts still waiting, oldest first.
pub async fn pending_posts(c: &impl Conn, tenant: TenantId, robot: i64) -> Result<Vec<PostRow>> {
    c.fetch_all(
        &Query::select()
            .columns(POST_COLUMNS)
            .from(P::Table)
            .and_where(Expr::col(P::TenantId).eq(tenant.0))
            .and_where(Expr::col(P::RobotId).eq(robot))
            .and_where(Expr::col(P::Status).eq(PENDING))
            .order_by(P::Id, Order::Asc)
            .to_owned(),
    )
    .await
}

/// The posts of one notice, for its delivery panel.
pub async fn posts_of_notice(c: &impl Conn, tenant: TenantId, notice: i64) -> Result<Vec<PostRow>> {
    c.fetch_all(
        &Query::select()
            .columns(POST_COLUMNS)
            .from(P::Table)
            .and_where(Expr::col(P::TenantId).eq(tenant.0))
            .and_where(Expr::col(P::NoticeId).eq(notice))
            .order_by(P::Id, Order::Asc)
            .to_owned(),
    )
    .await
}

/// How many messages the robot was sent since `since` (a digest counts once).
pub async fn sent_messages_since(c: &impl Conn, robot: i64, since: Timestamp) -> Result<i64> {
    // Each message sent marks its posts with the same `sent_at`; count distinct instants.
    c.fetch_i64(
        &Query::select()
            .expr(Expr::col(P::SentAt).count_distinct())
            .from(P::Table)
            .and_where(Expr::col(P::RobotId).eq(robot))
            .and_where(Expr::col(P::SentAt).gte(since.0))
            .to_owned(),
    )
    .await
}

/// Marks posts sent as one message (a digest when more than one), at `at`.
pub async fn mark_sent(c: &impl Conn, ids: &[i64], at: Timestamp) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(P::Table)
            .value(P::Status, SENT)
            .value(P::SentAt, at.0)
            .value(P::DigestOf, ids.len() as i64)
            .value(P::Attempts, Expr::col(P::Attempts).add(1))
            .and_where(Expr::col(P::Id).is_in(ids.iter().copied()))
            .and_where(Expr::col(P::Status).eq(PENDING))
            .to_owned(),
    )
    .await
}

/// Records a failed attempt; `give_up` marks the posts failed for good.
pub async fn mark_failed(c: &impl Conn, ids: &[i64], error: &str, give_up: bool) -> Result<u64> {
    let mut stmt = Query::update()
        .table(P::Table)
        .value(P::LastError, error)
        .value(P::Attempts, Expr::col(P::Attempts).add(1))
        .and_where(Expr::col(P::Id).is_in(ids.iter().copied()))
        .and_where(Expr::col(P::Status).eq(PENDING))
        .to_owned();
    if give_up {
        stmt.value(P::Status, FAILED);
    }
    c.execute(&stmt).await
}

// ---- Sending: claims, so that no two workers post the same notice ------------------------

/// A post taken by a worker for the message it is sending now. Its `sent_at` is the
/// instant reserved for that message, so it counts against the robot's minute at once.
pub const SENDING: &str = "sending";

/// The instant the robot's latest message was (or is being) sent.
pub async fn last_sent_at(c: &impl Conn, robot: i64) -> Result<Option<i64>> {
    let row: Option<(Option<i64>,)> = c
        .fetch_optional(
            &Query::select()
                .expr(Expr::col(P::SentAt).max())
                .from(P::Table)
                .and_where(Expr::col(P::RobotId).eq(robot))
                .to_owned(),
        )
        .await?;
    Ok(row.and_then(|(t,)| t))
}

/// The instants of the messages sent (or being sent) to the robot since `since`, oldest
/// first, each once: a digest is one message.
pub async fn sent_instants_since(c: &impl Conn, robot: i64, since: Timestamp) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = c
        .fetch_all(
            &Query::select()
                .distinct()
                .column(P::SentAt)
                .from(P::Table)
                .and_where(Expr::col(P::RobotId).eq(robot))
                .and_where(Expr::col(P::SentAt).gte(since.0))
                .order_by(P::SentAt, Order::Asc)
                .to_owned(),
        )
        .await?;
    Ok(rows.into_iter().map(|(t,)| t).collect())
}

/// Takes the still-pending posts among `ids` for one message sent at `at`; gives the ids
/// taken. A post another worker took first is not in the answer.
pub async fn claim_posts(c: &impl Conn, ids: &[i64], at: Timestamp) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = c
        .fetch_all(
            &Query::update()
                .table(P::Table)
                .value(P::Status, SENDING)
                .value(P::SentAt, at.0)
                .and_where(Expr::col(P::Id).is_in(ids.iter().copied()))
                .and_where(Expr::col(P::Status).eq(PENDING))
                .returning_col(P::Id)
                .to_owned(),
        )
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The claimed posts went out as one message (a digest when more than one) at the instant
/// their claim reserved.
pub async fn finish_claimed(c: &impl Conn, ids: &[i64]) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(P::Table)
            .value(P::Status, SENT)
            .value(P::DigestOf, ids.len() as i64)
            .value(P::Attempts, Expr::col(P::Attempts).add(1))
            .value(P::LastError, Option::<String>::None)
            .and_where(Expr::col(P::Id).is_in(ids.iter().copied()))
            .and_where(Expr::col(P::Status).eq(SENDING))
            .to_owned(),
    )
    .await
}

/// Gives claimed posts back: pending again with their instant freed, or failed for good
/// with `give_up`. With an `error`, the attempt counts and the error is kept; without one
/// (the minute turned out to be full), nothing was tried.
pub async fn release_claimed(
    c: &impl Conn,
    ids: &[i64],
    error: Option<&str>,
    give_up: bool,
) -> Result<u64> {
    let mut stmt = Query::update()
        .table(P::Table)
        .value(P::Status, if give_up { FAILED } else { PENDING })
        .value(P::SentAt, Option::<i64>::None)
        .and_where(Expr::col(P::Id).is_in(ids.iter().copied()))
        .and_where(Expr::col(P::Status).eq(SENDING))
        .to_owned();
    if let Some(error) = error {
        stmt.value(P::LastError, error)
            .value(P::Attempts, Expr::col(P::Attempts).add(1));
    }
    c.execute(&stmt).await
}

/// Claims taken before `before` by a worker that never finished them (it stopped mid-send):
/// pending again. Gives how many.
pub async fn release_stale_claims(c: &impl Conn, robot: i64, before: Timestamp) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(P::Table)
            .value(P::Status, PENDING)
            .value(P::SentAt, Option::<i64>::None)
            .and_where(Expr::col(P::RobotId).eq(robot))
            .and_where(Expr::col(P::Status).eq(SENDING))
            .and_where(Expr::col(P::SentAt).lt(before.0))
            .to_owned(),
    )
    .await
}

/// The robot's latest post, for the robots' list.
pub async fn last_post(c: &impl Conn, tenant: TenantId, robot: i64) -> Result<Option<PostRow>> {
    c.fetch_optional(
        &Query::select()
            .columns(POST_COLUMNS)
            .from(P::Table)
            .and_where(Expr::col(P::TenantId).eq(tenant.0))
            .and_where(Expr::col(P::RobotId).eq(robot))
            .order_by(P::Id, Order::Desc)
            .limit(1)
            .to_owned(),
    )
    .await
}

/// The instant of the robot's oldest claim still held, if any.
pub async fn oldest_claim(c: &impl Conn, robot: i64) -> Result<Option<i64>> {
    let row: Option<(Option<i64>,)> = c
        .fetch_optional(
            &Query::select()
                .expr(Expr::col(P::SentAt).min())
                .from(P::Table)
                .and_where(Expr::col(P::RobotId).eq(robot))
                .and_where(Expr::col(P::Status).eq(SENDING))
                .to_owned(),
        )
        .await?;
    Ok(row.and_then(|(t,)| t))
}

//! Every message CultureDesk sends (SMS, e-mail), with its delivery state.

use crate::schema::Outbox as O;
use crate::{Conn, Result};
use domain::{TenantId, Timestamp};
use sea_query::{Expr, ExprTrait, Order, Query};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MessageRow {
    pub id: i64,
    pub tenant_id: Option<i64>,
    pub channel: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

pub const QUEUED: &str = "queued";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";

const COLUMNS: [O; 11] = [
    O::Id,
    O::TenantId,
    O::Channel,
    O::Recipient,
    O::Subject,
    O::Body,
    O::Status,
    O::Attempts,
    O::LastError,
    O::CreatedAt,
    O::SentAt,
];

pub struct NewMessage<'a> {
    pub tenant: Option<TenantId>,
    pub channel: &'a str,
    pub recipient: &'a str,
    pub subject: Option<&'a str>,
    pub body: &'a str,
}

pub async fn insert(c: &impl Conn, m: NewMessage<'_>, now: Timestamp) -> Result<i64> {
    let stmt = crate::insert_into(
        O::Table,
        vec![
            (O::TenantId, m.tenant.map(|t| t.0).into()),
            (O::Channel, m.channel.into()),
            (O::Recipient, m.recipient.into()),
            (O::Subject, m.subject.into()),
            (O::Body, m.body.into()),
            (O::Status, QUEUED.into()),
            (O::CreatedAt, now.0.into()),
        ],
    )
    .returning_col(O::Id)
    .to_owned();
    c.fetch_i64(&stmt).await
}

pub async fn find(c: &impl Conn, id: i64) -> Result<Option<MessageRow>> {
    c.fetch_optional(
        &Query::select()
            .columns(COLUMNS)
            .from(O::Table)
            .and_where(Expr::col(O::Id).eq(id))
            .to_owned(),
    )
    .await
}

pub async fn mark_sent(c: &impl Conn, id: i64, now: Timestamp) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(O::Table)
            .value(O::Status, SENT)
            .value(O::SentAt, now.0)
            .value(O::Attempts, Expr::col(O::Attempts).add(1))
            .value(O::LastError, Option::<String>::None)
            .and_where(Expr::col(O::Id).eq(id))
            .to_owned(),
    )
    .await
}

/// Records a failed attempt; `final_failure` when no retry will follow.
pub async fn mark_attempt_failed(
    c: &impl Conn,
    id: i64,
    error: &str,
    final_failure: bool,
) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(O::Table)
            .value(O::Status, if final_failure { FAILED } else { QUEUED })
            .value(O::Attempts, Expr::col(O::Attempts).add(1))
            .value(O::LastError, error.chars().take(500).collect::<String>())
            .and_where(Expr::col(O::Id).eq(id))
            .to_owned(),
    )
    .await
}

/// The newest messages of an institution (or, with `recipient`, to one address).
pub async fn recent(
    c: &impl Conn,
    tenant: Option<TenantId>,
    recipient: Option<&str>,
    limit: u64,
) -> Result<Vec<MessageRow>> {
    let mut stmt = Query::select()
        .columns(COLUMNS)
        .from(O::Table)
        .order_by(O::Id, Order::Desc)
        .limit(limit)
        .to_owned();
    if let Some(t) = tenant {
        stmt.and_where(Expr::col(O::TenantId).eq(t.0));
    }
    if let Some(r) = recipient {
        stmt.and_where(Expr::col(O::Recipient).eq(r));
    }
    c.fetch_all(&stmt).await
}

//! The anonymous staff suggestion box (`staff_suggestions`, in `migrations/*/0006_notices.sql`).
//!
//! A row holds the text, the day it came in (local midnight) and the office's answer, and
//! nothing that could tell who sent it or when in the day: no account, no address, and an
//! id drawn at random, so neither the ids nor the order of the rows say which of one day's
//! suggestions came first.

use crate::{Conn, Result};
use domain::{TenantId, Timestamp, UserId};
use sea_query::{Expr, ExprTrait, Iden, Order, Query};

#[derive(Iden, Clone, Copy)]
pub enum StaffSuggestions {
    Table,
    Id,
    TenantId,
    Body,
    ReceivedDay,
    Answer,
    AnsweredBy,
    AnsweredAt,
    CreatedAt,
}

use StaffSuggestions as S;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SuggestionRow {
    pub id: i64,
    pub body: String,
    pub received_day: i64,
    pub answer: Option<String>,
    pub answered_at: Option<i64>,
}

const COLUMNS: [S; 5] = [S::Id, S::Body, S::ReceivedDay, S::Answer, S::AnsweredAt];

/// Stores a suggestion under `id`, which the caller draws at random, with the day it came
/// in, `day` (midnight, local time), as both its day and its creation time.
pub async fn insert(
    c: &impl Conn,
    tenant: TenantId,
    id: i64,
    body: &str,
    day: Timestamp,
) -> Result<()> {
    c.execute(&crate::insert_into(
        S::Table,
        vec![
            (S::Id, id.into()),
            (S::TenantId, tenant.0.into()),
            (S::Body, body.into()),
            (S::ReceivedDay, day.0.into()),
            (S::CreatedAt, day.0.into()),
        ],
    ))
    .await?;
    Ok(())
}

/// The newest `limit` suggestions, newest day first; within a day in the order of their
/// random ids, which says nothing about who came first.
pub async fn recent(c: &impl Conn, tenant: TenantId, limit: u64) -> Result<Vec<SuggestionRow>> {
    c.fetch_all(
        &Query::select()
            .columns(COLUMNS)
            .from(S::Table)
            .and_where(Expr::col(S::TenantId).eq(tenant.0))
            .order_by(S::ReceivedDay, Order::Desc)
            .order_by(S::Id, Order::Asc)
            .limit(limit)
            .to_owned(),
    )
    .await
}

/// The suggestions received on days in `[from, to)`, for a quarter's figures.
pub async fn received_between(
    c: &impl Conn,
    tenant: TenantId,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<SuggestionRow>> {
    c.fetch_all(
        &Query::select()
            .columns(COLUMNS)
            .from(S::Table)
            .and_where(Expr::col(S::TenantId).eq(tenant.0))
            .and_where(Expr::col(S::ReceivedDay).gte(from.0))
            .and_where(Expr::col(S::ReceivedDay).lt(to.0))
            .order_by(S::ReceivedDay, Order::Desc)
            .order_by(S::Id, Order::Asc)
            .to_owned(),
    )
    .await
}

/// Sets (or replaces) the office's answer; gives the rows changed (0: no such suggestion).
pub async fn answer(
    c: &impl Conn,
    tenant: TenantId,
    id: i64,
    answer: &str,
    by: UserId,
    at: Timestamp,
) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(S::Table)
            .value(S::Answer, answer)
            .value(S::AnsweredBy, by.0)
            .value(S::AnsweredAt, at.0)
            .and_where(Expr::col(S::TenantId).eq(tenant.0))
            .and_where(Expr::col(S::Id).eq(id))
            .to_owned(),
    )
    .await
}

pub async fn find(c: &impl Conn, tenant: TenantId, id: i64) -> Result<Option<SuggestionRow>> {
    c.fetch_optional(
        &Query::select()
            .columns(COLUMNS)
            .from(S::Table)
            .and_where(Expr::col(S::TenantId).eq(tenant.0))
            .and_where(Expr::col(S::Id).eq(id))
            .to_owned(),
    )
    .await
}

/// A row in full, as it lies on disk, for checking that nothing in it points to a sender.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredSuggestion {
    pub id: i64,
    pub tenant_id: i64,
    pub body: String,
    pub received_day: i64,
    pub answer: Option<String>,
    pub answered_by: Option<i64>,
    pub answered_at: Option<i64>,
    pub created_at: i64,
}

/// Every row of every institution in full, in the order of their text.
pub async fn stored(c: &impl Conn) -> Result<Vec<StoredSuggestion>> {
    c.fetch_all(
        &Query::select()
            .columns([
                S::Id,
                S::TenantId,
                S::Body,
                S::ReceivedDay,
                S::Answer,
                S::AnsweredBy,
                S::AnsweredAt,
                S::CreatedAt,
            ])
            .from(S::Table)
            .order_by(S::Body, Order::Asc)
            .to_owned(),
    )
    .await
}

/// The table's columns as the database has them, in their order: whatever a migration
/// added shows here, whether or not the code reads it.
pub async fn stored_columns(c: &impl Conn) -> Result<Vec<String>> {
    let names: Vec<(String,)> = c
        .fetch_all(&crate::engine_sql::table_columns("staff_suggestions"))
        .await?;
    Ok(names.into_iter().map(|(n,)| n).collect())
}

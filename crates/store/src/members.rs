//! Members of the public and the one-time SMS codes that identify them.

use crate::schema::{Members as M, SmsCodes as C};
use crate::{Conn, Result};
use domain::{MemberId, TenantId, Timestamp};
use sea_query::{Expr, ExprTrait, OnConflict, Order, Query};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub id: i64,
    pub tenant_id: i64,
    pub mobile: Option<String>,
    pub nickname: Option<String>,
    pub created_at: i64,
    pub last_login_at: Option<i64>,
    pub deleted_at: Option<i64>,
}

/// The member with this verified mobile number, created on first sign-in.
pub async fn upsert_by_mobile(
    c: &impl Conn,
    tenant: TenantId,
    mobile: &str,
    now: Timestamp,
) -> Result<MemberId> {
    let stmt = crate::insert_into(
        M::Table,
        vec![
            (M::TenantId, tenant.0.into()),
            (M::Mobile, mobile.into()),
            (M::CreatedAt, now.0.into()),
            (M::LastLoginAt, now.0.into()),
        ],
    )
    .on_conflict(
        OnConflict::columns([M::TenantId, M::Mobile])
            .update_column(M::LastLoginAt)
            .to_owned(),
    )
    .returning_col(M::Id)
    .to_owned();
    Ok(MemberId(c.fetch_i64(&stmt).await?))
}

pub async fn find(c: &impl Conn, tenant: TenantId, id: MemberId) -> Result<Option<MemberRow>> {
    c.fetch_optional(
        &Query::select()
            .columns([
                M::Id,
                M::TenantId,
                M::Mobile,
                M::Nickname,
                M::CreatedAt,
                M::LastLoginAt,
                M::DeletedAt,
            ])
            .from(M::Table)
            .and_where(Expr::col(M::TenantId).eq(tenant.0))
            .and_where(Expr::col(M::Id).eq(id.0))
            .to_owned(),
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SmsCodeRow {
    pub id: i64,
    pub code_hash: String,
    pub attempts: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub consumed_at: Option<i64>,
}

pub async fn insert_code(
    c: &impl Conn,
    tenant: TenantId,
    mobile: &str,
    code_hash: &str,
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<i64> {
    let stmt = crate::insert_into(
        C::Table,
        vec![
            (C::TenantId, tenant.0.into()),
            (C::Mobile, mobile.into()),
            (C::CodeHash, code_hash.into()),
            (C::CreatedAt, now.0.into()),
            (C::ExpiresAt, expires_at.0.into()),
        ],
    )
    .returning_col(C::Id)
    .to_owned();
    c.fetch_i64(&stmt).await
}

/// The newest code sent to a number: only the newest one counts.
pub async fn latest_code(
    c: &impl Conn,
    tenant: TenantId,
    mobile: &str,
) -> Result<Option<SmsCodeRow>> {
    c.fetch_optional(
        &Query::select()
            .columns([
                C::Id,
                C::CodeHash,
                C::Attempts,
                C::CreatedAt,
                C::ExpiresAt,
                C::ConsumedAt,
            ])
            .from(C::Table)
            .and_where(Expr::col(C::TenantId).eq(tenant.0))
            .and_where(Expr::col(C::Mobile).eq(mobile))
            .order_by(C::Id, Order::Desc)
            .limit(1)
            .to_owned(),
    )
    .await
}

/// Counts one try of a code, unless `max` tries were counted already; gives the tries
/// counted with this one, or `None` when none are left. Counting before the code is
/// compared, in one statement, keeps parallel guesses within `max`.
pub async fn count_attempt(c: &impl Conn, code_id: i64, max: i64) -> Result<Option<i64>> {
    let row: Option<(i64,)> = c
        .fetch_optional(
            &Query::update()
                .table(C::Table)
                .value(C::Attempts, Expr::col(C::Attempts).add(1))
                .and_where(Expr::col(C::Id).eq(code_id))
                .and_where(Expr::col(C::Attempts).lt(max))
                .returning_col(C::Attempts)
                .to_owned(),
        )
        .await?;
    Ok(row.map(|r| r.0))
}

/// Marks a code used; gives 0 when someone else used it first (a double submit).
pub async fn consume_code(c: &impl Conn, code_id: i64, now: Timestamp) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(C::Table)
            .value(C::ConsumedAt, now.0)
            .and_where(Expr::col(C::Id).eq(code_id))
            .and_where(Expr::col(C::ConsumedAt).is_null())
            .to_owned(),
    )
    .await
}

/// Removes what identifies a member who asked to be forgotten: the row stays (items and
/// supports point at it) but no longer names anyone.
pub async fn erase(
    c: &impl Conn,
    tenant: TenantId,
    member: MemberId,
    now: Timestamp,
) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(M::Table)
            .value(M::Mobile, Option::<String>::None)
            .value(M::Nickname, Option::<String>::None)
            .value(M::DeletedAt, now.0)
            .and_where(Expr::col(M::TenantId).eq(tenant.0))
            .and_where(Expr::col(M::Id).eq(member.0))
            .to_owned(),
    )
    .await
}

/// Forgets the codes texted to a number (they hold the number).
pub async fn delete_codes(c: &impl Conn, tenant: TenantId, mobile: &str) -> Result<u64> {
    c.execute(
        &Query::delete()
            .from_table(C::Table)
            .and_where(Expr::col(C::TenantId).eq(tenant.0))
            .and_where(Expr::col(C::Mobile).eq(mobile))
            .to_owned(),
    )
    .await
}

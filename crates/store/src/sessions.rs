//! Sessions of signed-in staff and members, kept in the database so that every server
//! node sees them and signing out anywhere signs out everywhere.

use crate::schema::Sessions as S;
use crate::{Conn, Result};
use domain::{MemberId, TenantId, Timestamp, UserId};
use sea_query::{Expr, ExprTrait, Query};

/// A session; `id` is the SHA-256 of the cookie's token, never the token itself.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: String,
    pub tenant_id: i64,
    pub user_id: Option<i64>,
    pub member_id: Option<i64>,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

const COLUMNS: [S; 9] = [
    S::Id,
    S::TenantId,
    S::UserId,
    S::MemberId,
    S::CreatedAt,
    S::LastSeenAt,
    S::ExpiresAt,
    S::Ip,
    S::UserAgent,
];

pub struct NewSession<'a> {
    pub id_hash: &'a str,
    pub tenant: TenantId,
    pub user: Option<UserId>,
    pub member: Option<MemberId>,
    pub expires_at: Timestamp,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

pub async fn insert(c: &impl Conn, s: NewSession<'_>, now: Timestamp) -> Result<()> {
    c.execute(&crate::insert_into(
        S::Table,
        vec![
            (S::Id, s.id_hash.into()),
            (S::TenantId, s.tenant.0.into()),
            (S::UserId, s.user.map(|u| u.0).into()),
            (S::MemberId, s.member.map(|m| m.0).into()),
            (S::CreatedAt, now.0.into()),
            (S::LastSeenAt, now.0.into()),
            (S::ExpiresAt, s.expires_at.0.into()),
            (S::Ip, s.ip.into()),
            (
                S::UserAgent,
                s.user_agent
                    .map(|ua| ua.chars().take(200).collect::<String>())
                    .into(),
            ),
        ],
    ))
    .await?;
    Ok(())
}

/// The session with this hash, if it has not expired.
pub async fn find_live(c: &impl Conn, id_hash: &str, now: Timestamp) -> Result<Option<SessionRow>> {
    c.fetch_optional(
        &Query::select()
            .columns(COLUMNS)
            .from(S::Table)
            .and_where(Expr::col(S::Id).eq(id_hash))
            .and_where(Expr::col(S::ExpiresAt).gt(now.0))
            .to_owned(),
    )
    .await
}

/// Slides an idle timeout forward.
pub async fn touch(
    c: &impl Conn,
    id_hash: &str,
    now: Timestamp,
    expires_at: Timestamp,
) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(S::Table)
            .value(S::LastSeenAt, now.0)
            .value(S::ExpiresAt, expires_at.0)
            .and_where(Expr::col(S::Id).eq(id_hash))
            .to_owned(),
    )
    .await
}

pub async fn delete(c: &impl Conn, id_hash: &str) -> Result<u64> {
    c.execute(
        &Query::delete()
            .from_table(S::Table)
            .and_where(Expr::col(S::Id).eq(id_hash))
            .to_owned(),
    )
    .await
}

/// Signs a user out everywhere, except perhaps the session they act from.
pub async fn delete_for_user(c: &impl Conn, user: UserId, keep: Option<&str>) -> Result<u64> {
    let mut stmt = Query::delete()
        .from_table(S::Table)
        .and_where(Expr::col(S::UserId).eq(user.0))
        .to_owned();
    if let Some(keep) = keep {
        stmt.and_where(Expr::col(S::Id).ne(keep));
    }
    c.execute(&stmt).await
}

pub async fn delete_expired(c: &impl Conn, now: Timestamp) -> Result<u64> {
    c.execute(
        &Query::delete()
            .from_table(S::Table)
            .and_where(Expr::col(S::ExpiresAt).lte(now.0))
            .to_owned(),
    )
    .await
}

/// Signs a member out everywhere.
pub async fn delete_for_member(c: &impl Conn, member: MemberId) -> Result<u64> {
    c.execute(
        &Query::delete()
            .from_table(S::Table)
            .and_where(Expr::col(S::MemberId).eq(member.0))
            .to_owned(),
    )
    .await
}

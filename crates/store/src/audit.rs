//! The append-only audit log of staff changes. This module can add and read entries;
//! nothing in CultureDesk updates or deletes them.

use crate::schema::AuditLog as A;
use crate::{Conn, Result};
use domain::{TenantId, Timestamp, UserId};
use sea_query::{Expr, ExprTrait, Order, Query};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub tenant_id: Option<i64>,
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub ip: Option<String>,
    pub created_at: i64,
}

const COLUMNS: [A; 11] = [
    A::Id,
    A::TenantId,
    A::ActorUserId,
    A::ActorName,
    A::Action,
    A::EntityType,
    A::EntityId,
    A::BeforeJson,
    A::AfterJson,
    A::Ip,
    A::CreatedAt,
];

pub struct NewEntry<'a> {
    pub tenant: Option<TenantId>,
    pub actor: Option<UserId>,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub ip: Option<&'a str>,
}

pub async fn append(c: &impl Conn, e: NewEntry<'_>, now: Timestamp) -> Result<()> {
    c.execute(&crate::insert_into(
        A::Table,
        vec![
            (A::TenantId, e.tenant.map(|t| t.0).into()),
            (A::ActorUserId, e.actor.map(|u| u.0).into()),
            (A::ActorName, e.actor_name.into()),
            (A::Action, e.action.into()),
            (A::EntityType, e.entity_type.into()),
            (A::EntityId, e.entity_id.into()),
            (A::BeforeJson, e.before.map(|v| v.to_string()).into()),
            (A::AfterJson, e.after.map(|v| v.to_string()).into()),
            (A::Ip, e.ip.into()),
            (A::CreatedAt, now.0.into()),
        ],
    ))
    .await?;
    Ok(())
}

/// Which entries to list, newest first.
#[derive(Debug, Clone)]
pub struct Filter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<UserId>,
    /// Keyset paging: entries older than this id.
    pub before_id: Option<i64>,
    pub limit: u64,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            entity_type: None,
            entity_id: None,
            actor: None,
            before_id: None,
            limit: 100,
        }
    }
}

pub async fn list(c: &impl Conn, tenant: TenantId, f: &Filter) -> Result<Vec<AuditRow>> {
    let mut stmt = Query::select()
        .columns(COLUMNS)
        .from(A::Table)
        .and_where(Expr::col(A::TenantId).eq(tenant.0))
        .order_by(A::Id, Order::Desc)
        .limit(f.limit.clamp(1, 10_000))
        .to_owned();
    if let Some(t) = &f.entity_type {
        stmt.and_where(Expr::col(A::EntityType).eq(t.as_str()));
    }
    if let Some(id) = &f.entity_id {
        stmt.and_where(Expr::col(A::EntityId).eq(id.as_str()));
    }
    if let Some(actor) = f.actor {
        stmt.and_where(Expr::col(A::ActorUserId).eq(actor.0));
    }
    if let Some(before) = f.before_id {
        stmt.and_where(Expr::col(A::Id).lt(before));
    }
    c.fetch_all(&stmt).await
}

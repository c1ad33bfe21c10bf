//! Institutions hosted in this deployment.

use crate::schema::Tenants as T;
use crate::{Conn, Result};
use domain::{TenantId, Timestamp};
use sea_query::{Expr, ExprTrait, Order, Query};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TenantRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub host: Option<String>,
    pub timezone: String,
    pub settings: String,
    pub created_at: i64,
}

impl TenantRow {
    pub fn tenant_id(&self) -> TenantId {
        TenantId(self.id)
    }
}

const COLUMNS: [T; 7] = [
    T::Id,
    T::Code,
    T::Name,
    T::Host,
    T::Timezone,
    T::Settings,
    T::CreatedAt,
];

pub async fn insert(c: &impl Conn, code: &str, name: &str, now: Timestamp) -> Result<TenantId> {
    let stmt = crate::insert_into(
        T::Table,
        vec![
            (T::Code, code.into()),
            (T::Name, name.into()),
            (T::CreatedAt, now.0.into()),
        ],
    )
    .returning_col(T::Id)
    .to_owned();
    Ok(TenantId(c.fetch_i64(&stmt).await?))
}

pub async fn find(c: &impl Conn, id: TenantId) -> Result<Option<TenantRow>> {
    c.fetch_optional(&select().and_where(Expr::col(T::Id).eq(id.0)).to_owned())
        .await
}

pub async fn find_by_host(c: &impl Conn, host: &str) -> Result<Option<TenantRow>> {
    c.fetch_optional(&select().and_where(Expr::col(T::Host).eq(host)).to_owned())
        .await
}

/// All institutions, oldest first: the first is the default one.
pub async fn list(c: &impl Conn) -> Result<Vec<TenantRow>> {
    c.fetch_all(&select().order_by(T::Id, Order::Asc).to_owned())
        .await
}

pub async fn update(c: &impl Conn, id: TenantId, name: &str, host: Option<&str>) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(T::Table)
            .value(T::Name, name)
            .value(T::Host, host)
            .and_where(Expr::col(T::Id).eq(id.0))
            .to_owned(),
    )
    .await
}

pub async fn update_settings(c: &impl Conn, id: TenantId, settings_json: &str) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(T::Table)
            .value(T::Settings, settings_json)
            .and_where(Expr::col(T::Id).eq(id.0))
            .to_owned(),
    )
    .await
}

fn select() -> sea_query::SelectStatement {
    Query::select().columns(COLUMNS).from(T::Table).to_owned()
}

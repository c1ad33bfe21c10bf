//! The organisation tree: units and their departments.

use crate::schema::{Departments as D, OrgUnits as U};
use crate::{Conn, Result};
use domain::{DepartmentId, TenantId, Timestamp, UnitId, UnitPath, UserId};
use sea_query::{Expr, ExprTrait, Order, Query};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitRow {
    pub id: i64,
    pub tenant_id: i64,
    pub parent_id: Option<i64>,
    pub kind: String,
    pub name: String,
    pub path: String,
    pub sort_order: i64,
    pub created_at: i64,
}

impl UnitRow {
    pub fn unit_id(&self) -> UnitId {
        UnitId(self.id)
    }

    pub fn unit_path(&self) -> UnitPath {
        UnitPath::from_stored(self.path.clone())
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DepartmentRow {
    pub id: i64,
    pub tenant_id: i64,
    pub unit_id: i64,
    pub kind: String,
    pub name: String,
    pub head_user_id: Option<i64>,
    pub created_at: i64,
}

impl DepartmentRow {
    pub fn department_id(&self) -> DepartmentId {
        DepartmentId(self.id)
    }
}

const UNIT_COLUMNS: [U; 8] = [
    U::Id,
    U::TenantId,
    U::ParentId,
    U::Kind,
    U::Name,
    U::Path,
    U::SortOrder,
    U::CreatedAt,
];

const DEPARTMENT_COLUMNS: [D; 7] = [
    D::Id,
    D::TenantId,
    D::UnitId,
    D::Kind,
    D::Name,
    D::HeadUserId,
    D::CreatedAt,
];

/// Adds a unit below `parent` (or the root when `None`); its path needs its own id, so
/// call this inside a transaction.
pub async fn insert_unit(
    c: &impl Conn,
    tenant: TenantId,
    parent: Option<&UnitRow>,
    kind: &str,
    name: &str,
    sort_order: i64,
    now: Timestamp,
) -> Result<UnitRow> {
    let stmt = crate::insert_into(
        U::Table,
        vec![
            (U::TenantId, tenant.0.into()),
            (U::ParentId, parent.map(|p| p.id).into()),
            (U::Kind, kind.into()),
            (U::Name, name.into()),
            (U::Path, "".into()),
            (U::SortOrder, sort_order.into()),
            (U::CreatedAt, now.0.into()),
        ],
    )
    .returning_col(U::Id)
    .to_owned();
    let id = UnitId(c.fetch_i64(&stmt).await?);
    let path = match parent {
        Some(p) => p.unit_path().child(id),
        None => UnitPath::root(id),
    };
    c.execute(
        &Query::update()
            .table(U::Table)
            .value(U::Path, path.as_str())
            .and_where(Expr::col(U::Id).eq(id.0))
            .to_owned(),
    )
    .await?;
    find_unit(c, tenant, id)
        .await?
        .ok_or_else(|| crate::StoreError::Corrupt(format!("unit {id} vanished")))
}

/// Every unit of an institution, in tree order.
pub async fn units(c: &impl Conn, tenant: TenantId) -> Result<Vec<UnitRow>> {
    c.fetch_all(
        &select_units()
            .and_where(Expr::col(U::TenantId).eq(tenant.0))
            .order_by(U::Path, Order::Asc)
            .to_owned(),
    )
    .await
}

pub async fn find_unit(c: &impl Conn, tenant: TenantId, id: UnitId) -> Result<Option<UnitRow>> {
    c.fetch_optional(
        &select_units()
            .and_where(Expr::col(U::TenantId).eq(tenant.0))
            .and_where(Expr::col(U::Id).eq(id.0))
            .to_owned(),
    )
    .await
}

/// The institution's root unit (the centre).
pub async fn root_unit(c: &impl Conn, tenant: TenantId) -> Result<Option<UnitRow>> {
    c.fetch_optional(
        &select_units()
            .and_where(Expr::col(U::TenantId).eq(tenant.0))
            .and_where(Expr::col(U::ParentId).is_null())
            .order_by(U::Id, Order::Asc)
            .limit(1)
            .to_owned(),
    )
    .await
}

pub async fn rename_unit(c: &impl Conn, tenant: TenantId, id: UnitId, name: &str) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(U::Table)
            .value(U::Name, name)
            .and_where(Expr::col(U::TenantId).eq(tenant.0))
            .and_where(Expr::col(U::Id).eq(id.0))
            .to_owned(),
    )
    .await
}

pub async fn insert_department(
    c: &impl Conn,
    tenant: TenantId,
    unit: UnitId,
    kind: &str,
    name: &str,
    now: Timestamp,
) -> Result<DepartmentId> {
    let stmt = crate::insert_into(
        D::Table,
        vec![
            (D::TenantId, tenant.0.into()),
            (D::UnitId, unit.0.into()),
            (D::Kind, kind.into()),
            (D::Name, name.into()),
            (D::CreatedAt, now.0.into()),
        ],
    )
    .returning_col(D::Id)
    .to_owned();
    Ok(DepartmentId(c.fetch_i64(&stmt).await?))
}

pub async fn departments(c: &impl Conn, tenant: TenantId) -> Result<Vec<DepartmentRow>> {
    c.fetch_all(
        &Query::select()
            .columns(DEPARTMENT_COLUMNS)
            .from(D::Table)
            .and_where(Expr::col(D::TenantId).eq(tenant.0))
            .order_by(D::UnitId, Order::Asc)
            .order_by(D::Id, Order::Asc)
            .to_owned(),
    )
    .await
}

pub async fn find_department(
    c: &impl Conn,
    tenant: TenantId,
    id: DepartmentId,
) -> Result<Option<DepartmentRow>> {
    c.fetch_optional(
        &Query::select()
            .columns(DEPARTMENT_COLUMNS)
            .from(D::Table)
            .and_where(Expr::col(D::TenantId).eq(tenant.0))
            .and_where(Expr::col(D::Id).eq(id.0))
            .to_owned(),
    )
    .await
}

pub async fn set_department_head(
    c: &impl Conn,
    tenant: TenantId,
    id: DepartmentId,
    head: Option<UserId>,
) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(D::Table)
            .value(D::HeadUserId, head.map(|u| u.0))
            .and_where(Expr::col(D::TenantId).eq(tenant.0))
            .and_where(Expr::col(D::Id).eq(id.0))
            .to_owned(),
    )
    .await
}

fn select_units() -> sea_query::SelectStatement {
    Query::select()
        .columns(UNIT_COLUMNS)
        .from(U::Table)
        .to_owned()
}

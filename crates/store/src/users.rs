//! Staff accounts and their role grants.

use crate::schema::{OrgUnits as U, RoleGrants as G, Users as S};
use crate::{Conn, Result};
use domain::{DepartmentId, Grant, Role, TenantId, Timestamp, UnitId, UnitPath, UserId};
use sea_query::{Expr, ExprTrait, Order, Query};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub tenant_id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub password_hash: String,
    pub must_change_password: bool,
    pub platform_admin: bool,
    pub active: bool,
    pub locale: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl UserRow {
    pub fn user_id(&self) -> UserId {
        UserId(self.id)
    }

    pub fn tenant_id(&self) -> TenantId {
        TenantId(self.tenant_id)
    }
}

const COLUMNS: [S; 13] = [
    S::Id,
    S::TenantId,
    S::Username,
    S::DisplayName,
    S::Email,
    S::Mobile,
    S::PasswordHash,
    S::MustChangePassword,
    S::PlatformAdmin,
    S::Active,
    S::Locale,
    S::CreatedAt,
    S::UpdatedAt,
];

pub struct NewUser<'a> {
    pub tenant: TenantId,
    pub username: &'a str,
    pub display_name: &'a str,
    pub email: Option<&'a str>,
    pub mobile: Option<&'a str>,
    pub password_hash: &'a str,
    pub must_change_password: bool,
    pub platform_admin: bool,
}

pub async fn insert(c: &impl Conn, user: NewUser<'_>, now: Timestamp) -> Result<UserId> {
    let stmt = crate::insert_into(
        S::Table,
        vec![
            (S::TenantId, user.tenant.0.into()),
            (S::Username, user.username.into()),
            (S::DisplayName, user.display_name.into()),
            (S::Email, user.email.into()),
            (S::Mobile, user.mobile.into()),
            (S::PasswordHash, user.password_hash.into()),
            (S::MustChangePassword, user.must_change_password.into()),
            (S::PlatformAdmin, user.platform_admin.into()),
            (S::CreatedAt, now.0.into()),
            (S::UpdatedAt, now.0.into()),
        ],
    )
    .returning_col(S::Id)
    .to_owned();
    Ok(UserId(c.fetch_i64(&stmt).await?))
}

pub async fn find(c: &impl Conn, id: UserId) -> Result<Option<UserRow>> {
    c.fetch_optional(&select().and_where(Expr::col(S::Id).eq(id.0)).to_owned())
        .await
}

/// Usernames are unique across the deployment and compared without case.
pub async fn find_by_username(c: &impl Conn, username: &str) -> Result<Option<UserRow>> {
    c.fetch_optional(
        &select()
            .and_where(Expr::col(S::Username).eq(username.to_lowercase()))
            .to_owned(),
    )
    .await
}

pub async fn list(c: &impl Conn, tenant: TenantId) -> Result<Vec<UserRow>> {
    c.fetch_all(
        &select()
            .and_where(Expr::col(S::TenantId).eq(tenant.0))
            .order_by(S::Id, Order::Asc)
            .to_owned(),
    )
    .await
}

pub async fn count(c: &impl Conn) -> Result<i64> {
    c.fetch_i64(
        &Query::select()
            .expr(Expr::col(S::Id).count())
            .from(S::Table)
            .to_owned(),
    )
    .await
}

pub async fn set_password(
    c: &impl Conn,
    id: UserId,
    password_hash: &str,
    must_change: bool,
    now: Timestamp,
) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(S::Table)
            .value(S::PasswordHash, password_hash)
            .value(S::MustChangePassword, must_change)
            .value(S::UpdatedAt, now.0)
            .and_where(Expr::col(S::Id).eq(id.0))
            .to_owned(),
    )
    .await
}

pub async fn set_active(
    c: &impl Conn,
    tenant: TenantId,
    id: UserId,
    active: bool,
    now: Timestamp,
) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(S::Table)
            .value(S::Active, active)
            .value(S::UpdatedAt, now.0)
            .and_where(Expr::col(S::TenantId).eq(tenant.0))
            .and_where(Expr::col(S::Id).eq(id.0))
            .to_owned(),
    )
    .await
}

pub async fn set_locale(c: &impl Conn, id: UserId, locale: &str) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(S::Table)
            .value(S::Locale, locale)
            .and_where(Expr::col(S::Id).eq(id.0))
            .to_owned(),
    )
    .await
}

fn select() -> sea_query::SelectStatement {
    Query::select().columns(COLUMNS).from(S::Table).to_owned()
}

// ---- Role grants ---------------------------------------------------------------------

/// A grant with the path of its unit, as the console lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GrantRow {
    pub id: i64,
    pub user_id: i64,
    pub role: String,
    pub unit_id: i64,
    pub department_id: Option<i64>,
    pub unit_path: String,
    pub unit_name: String,
}

impl GrantRow {
    /// The domain's grant; `None` for a role this binary no longer knows.
    pub fn grant(&self) -> Option<Grant> {
        Some(Grant {
            role: Role::parse(&self.role)?,
            scope: UnitPath::from_stored(self.unit_path.clone()),
            department: self.department_id.map(DepartmentId),
        })
    }
}

pub async fn insert_grant(
    c: &impl Conn,
    tenant: TenantId,
    user: UserId,
    role: Role,
    unit: UnitId,
    department: Option<DepartmentId>,
    now: Timestamp,
) -> Result<i64> {
    let stmt = crate::insert_into(
        G::Table,
        vec![
            (G::TenantId, tenant.0.into()),
            (G::UserId, user.0.into()),
            (G::Role, role.as_str().into()),
            (G::UnitId, unit.0.into()),
            (G::DepartmentId, department.map(|d| d.0).into()),
            (G::CreatedAt, now.0.into()),
        ],
    )
    .returning_col(G::Id)
    .to_owned();
    c.fetch_i64(&stmt).await
}

pub async fn delete_grant(c: &impl Conn, tenant: TenantId, grant_id: i64) -> Result<u64> {
    c.execute(
        &Query::delete()
            .from_table(G::Table)
            .and_where(Expr::col(G::TenantId).eq(tenant.0))
            .and_where(Expr::col(G::Id).eq(grant_id))
            .to_owned(),
    )
    .await
}

pub async fn grants_of(c: &impl Conn, user: UserId) -> Result<Vec<GrantRow>> {
    c.fetch_all(
        &select_grants()
            .and_where(Expr::col((G::Table, G::UserId)).eq(user.0))
            .to_owned(),
    )
    .await
}

pub async fn grants_in(c: &impl Conn, tenant: TenantId) -> Result<Vec<GrantRow>> {
    c.fetch_all(
        &select_grants()
            .and_where(Expr::col((G::Table, G::TenantId)).eq(tenant.0))
            .to_owned(),
    )
    .await
}

pub async fn find_grant(
    c: &impl Conn,
    tenant: TenantId,
    grant_id: i64,
) -> Result<Option<GrantRow>> {
    c.fetch_optional(
        &select_grants()
            .and_where(Expr::col((G::Table, G::TenantId)).eq(tenant.0))
            .and_where(Expr::col((G::Table, G::Id)).eq(grant_id))
            .to_owned(),
    )
    .await
}

/// Active users holding `role` in `tenant`: who the last system administrator is.
pub async fn count_active_with_role(c: &impl Conn, tenant: TenantId, role: Role) -> Result<i64> {
    c.fetch_i64(
        &Query::select()
            .expr(Expr::col((G::Table, G::UserId)).count_distinct())
            .from(G::Table)
            .inner_join(
                S::Table,
                Expr::col((S::Table, S::Id)).equals((G::Table, G::UserId)),
            )
            .and_where(Expr::col((G::Table, G::TenantId)).eq(tenant.0))
            .and_where(Expr::col((G::Table, G::Role)).eq(role.as_str()))
            .and_where(Expr::col((S::Table, S::Active)).eq(true))
            .to_owned(),
    )
    .await
}

fn select_grants() -> sea_query::SelectStatement {
    Query::select()
        .columns([
            (G::Table, G::Id),
            (G::Table, G::UserId),
            (G::Table, G::Role),
            (G::Table, G::UnitId),
            (G::Table, G::DepartmentId),
        ])
        .expr_as(Expr::col((U::Table, U::Path)), "unit_path")
        .expr_as(Expr::col((U::Table, U::Name)), "unit_name")
        .from(G::Table)
        .inner_join(
            U::Table,
            Expr::col((U::Table, U::Id)).equals((G::Table, G::UnitId)),
        )
        .order_by((G::Table, G::Id), Order::Asc)
        .to_owned()
}

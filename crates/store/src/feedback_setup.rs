//! How an institution has set up its feedback loop: categories, routing rules, deadline
//! policies, the working calendar, answer templates, sensitive words; and counters.

use crate::schema::{
    AnswerTemplates as T, CalendarDays as D, Categories as C, Counters as N, DeadlinePolicies as P,
    RoutingRules as R, SensitiveWords as W,
};
use crate::{Conn, Result};
use domain::{TenantId, Timestamp};
use sea_query::{Expr, ExprTrait, OnConflict, Order, Query};

// ---- Categories ---------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CategoryRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub sort_order: i64,
    pub active: bool,
}

pub async fn categories(c: &impl Conn, tenant: TenantId) -> Result<Vec<CategoryRow>> {
    c.fetch_all(
        &Query::select()
            .columns([C::Id, C::Code, C::Name, C::NameEn, C::SortOrder, C::Active])
            .from(C::Table)
            .and_where(Expr::col(C::TenantId).eq(tenant.0))
            .order_by(C::SortOrder, Order::Asc)
            .order_by(C::Id, Order::Asc)
            .to_owned(),
    )
    .await
}

#[allow(clippy::too_many_arguments)]
pub async fn upsert_category(
    c: &impl Conn,
    tenant: TenantId,
    code: &str,
    name: &str,
    name_en: &str,
    sort_order: i64,
    active: bool,
    now: Timestamp,
) -> Result<u64> {
    c.execute(
        &crate::insert_into(
            C::Table,
            vec![
                (C::TenantId, tenant.0.into()),
                (C::Code, code.into()),
                (C::Name, name.into()),
                (C::NameEn, name_en.into()),
                (C::SortOrder, sort_order.into()),
                (C::Active, active.into()),
                (C::CreatedAt, now.0.into()),
            ],
        )
        .on_conflict(
            OnConflict::columns([C::TenantId, C::Code])
                .update_columns([C::Name, C::NameEn, C::SortOrder, C::Active])
                .to_owned(),
        )
        .to_owned(),
    )
    .await
}

// ---- Routing rules ----------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoutingRuleRow {
    pub id: i64,
    pub category: Option<String>,
    pub kind: Option<String>,
    pub unit_id: Option<i64>,
    pub department_id: i64,
    pub sort_order: i64,
}

pub async fn routing_rules(c: &impl Conn, tenant: TenantId) -> Result<Vec<RoutingRuleRow>> {
    c.fetch_all(
        &Query::select()
            .columns([
                R::Id,
                R::Category,
                R::Kind,
                R::UnitId,
                R::DepartmentId,
                R::SortOrder,
            ])
            .from(R::Table)
            .and_where(Expr::col(R::TenantId).eq(tenant.0))
            .order_by(R::SortOrder, Order::Asc)
            .order_by(R::Id, Order::Asc)
            .to_owned(),
    )
    .await
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_routing_rule(
    c: &impl Conn,
    tenant: TenantId,
    category: Option<&str>,
    kind: Option<&str>,
    unit: Option<i64>,
    department: i64,
    sort_order: i64,
    now: Timestamp,
) -> Result<i64> {
    c.fetch_i64(
        &crate::insert_into(
            R::Table,
            vec![
                (R::TenantId, tenant.0.into()),
                (R::Category, category.into()),
                (R::Kind, kind.into()),
                (R::UnitId, unit.into()),
                (R::DepartmentId, department.into()),
                (R::SortOrder, sort_order.into()),
                (R::CreatedAt, now.0.into()),
            ],
        )
        .returning_col(R::Id)
        .to_owned(),
    )
    .await
}

/// Moves a rule to `sort_order` (rules are tried in ascending order).
pub async fn set_routing_rule_order(
    c: &impl Conn,
    tenant: TenantId,
    id: i64,
    sort_order: i64,
) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(R::Table)
            .value(R::SortOrder, sort_order)
            .and_where(Expr::col(R::TenantId).eq(tenant.0))
            .and_where(Expr::col(R::Id).eq(id))
            .to_owned(),
    )
    .await
}

pub async fn delete_routing_rule(c: &impl Conn, tenant: TenantId, id: i64) -> Result<u64> {
    c.execute(
        &Query::delete()
            .from_table(R::Table)
            .and_where(Expr::col(R::TenantId).eq(tenant.0))
            .and_where(Expr::col(R::Id).eq(id))
            .to_owned(),
    )
    .await
}

// ---- Deadline policies ------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeadlinePolicyRow {
    pub id: i64,
    pub kind: Option<String>,
    pub priority: Option<String>,
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
}

pub async fn deadline_policies(c: &impl Conn, tenant: TenantId) -> Result<Vec<DeadlinePolicyRow>> {
    c.fetch_all(
        &Query::select()
            .columns([
                P::Id,
                P::Kind,
                P::Priority,
                P::FirstResponseMinutes,
                P::ResolutionMinutes,
            ])
            .from(P::Table)
            .and_where(Expr::col(P::TenantId).eq(tenant.0))
            .order_by(P::Id, Order::Asc)
            .to_owned(),
    )
    .await
}

pub async fn insert_deadline_policy(
    c: &impl Conn,
    tenant: TenantId,
    kind: Option<&str>,
    priority: Option<&str>,
    first_response_minutes: i64,
    resolution_minutes: i64,
    now: Timestamp,
) -> Result<i64> {
    c.fetch_i64(
        &crate::insert_into(
            P::Table,
            vec![
                (P::TenantId, tenant.0.into()),
                (P::Kind, kind.into()),
                (P::Priority, priority.into()),
                (P::FirstResponseMinutes, first_response_minutes.into()),
                (P::ResolutionMinutes, resolution_minutes.into()),
                (P::CreatedAt, now.0.into()),
            ],
        )
        .returning_col(P::Id)
        .to_owned(),
    )
    .await
}

pub async fn delete_deadline_policy(c: &impl Conn, tenant: TenantId, id: i64) -> Result<u64> {
    c.execute(
        &Query::delete()
            .from_table(P::Table)
            .and_where(Expr::col(P::TenantId).eq(tenant.0))
            .and_where(Expr::col(P::Id).eq(id))
            .to_owned(),
    )
    .await
}

// ---- The working calendar ---------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CalendarDayRow {
    /// `YYYY-MM-DD`
    pub day: String,
    /// `holiday` or `workday`
    pub kind: String,
    pub name: String,
}

pub async fn calendar_days(c: &impl Conn, tenant: TenantId) -> Result<Vec<CalendarDayRow>> {
    c.fetch_all(
        &Query::select()
            .columns([D::Day, D::Kind, D::Name])
            .from(D::Table)
            .and_where(Expr::col(D::TenantId).eq(tenant.0))
            .order_by(D::Day, Order::Asc)
            .to_owned(),
    )
    .await
}

pub async fn upsert_calendar_day(
    c: &impl Conn,
    tenant: TenantId,
    day: &str,
    kind: &str,
    name: &str,
) -> Result<u64> {
    c.execute(
        &crate::insert_into(
            D::Table,
            vec![
                (D::TenantId, tenant.0.into()),
                (D::Day, day.into()),
                (D::Kind, kind.into()),
                (D::Name, name.into()),
            ],
        )
        .on_conflict(
            OnConflict::columns([D::TenantId, D::Day])
                .update_columns([D::Kind, D::Name])
                .to_owned(),
        )
        .to_owned(),
    )
    .await
}

/// Removes every entered day from `first` to `last` (both `YYYY-MM-DD`, inclusive).
pub async fn delete_calendar_days_between(
    c: &impl Conn,
    tenant: TenantId,
    first: &str,
    last: &str,
) -> Result<u64> {
    c.execute(
        &Query::delete()
            .from_table(D::Table)
            .and_where(Expr::col(D::TenantId).eq(tenant.0))
            .and_where(Expr::col(D::Day).gte(first))
            .and_where(Expr::col(D::Day).lte(last))
            .to_owned(),
    )
    .await
}

pub async fn delete_calendar_day(c: &impl Conn, tenant: TenantId, day: &str) -> Result<u64> {
    c.execute(
        &Query::delete()
            .from_table(D::Table)
            .and_where(Expr::col(D::TenantId).eq(tenant.0))
            .and_where(Expr::col(D::Day).eq(day))
            .to_owned(),
    )
    .await
}

// ---- Answer templates -------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TemplateRow {
    pub id: i64,
    pub category: Option<String>,
    pub title: String,
    pub body: String,
}

pub async fn templates(c: &impl Conn, tenant: TenantId) -> Result<Vec<TemplateRow>> {
    c.fetch_all(
        &Query::select()
            .columns([T::Id, T::Category, T::Title, T::Body])
            .from(T::Table)
            .and_where(Expr::col(T::TenantId).eq(tenant.0))
            .order_by(T::Id, Order::Asc)
            .to_owned(),
    )
    .await
}

pub async fn insert_template(
    c: &impl Conn,
    tenant: TenantId,
    category: Option<&str>,
    title: &str,
    body: &str,
    now: Timestamp,
) -> Result<i64> {
    c.fetch_i64(
        &crate::insert_into(
            T::Table,
            vec![
                (T::TenantId, tenant.0.into()),
                (T::Category, category.into()),
                (T::Title, title.into()),
                (T::Body, body.into()),
                (T::CreatedAt, now.0.into()),
            ],
        )
        .returning_col(T::Id)
        .to_owned(),
    )
    .await
}

pub async fn update_template(
    c: &impl Conn,
    tenant: TenantId,
    id: i64,
    category: Option<&str>,
    title: &str,
    body: &str,
) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(T::Table)
            .value(T::Category, category)
            .value(T::Title, title)
            .value(T::Body, body)
            .and_where(Expr::col(T::TenantId).eq(tenant.0))
            .and_where(Expr::col(T::Id).eq(id))
            .to_owned(),
    )
    .await
}

pub async fn delete_template(c: &impl Conn, tenant: TenantId, id: i64) -> Result<u64> {
    c.execute(
        &Query::delete()
            .from_table(T::Table)
            .and_where(Expr::col(T::TenantId).eq(tenant.0))
            .and_where(Expr::col(T::Id).eq(id))
            .to_owned(),
    )
    .await
}

// ---- Sensitive words --------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WordRow {
    pub id: i64,
    pub word: String,
    pub category: String,
}

pub async fn sensitive_words(c: &impl Conn, tenant: TenantId) -> Result<Vec<WordRow>> {
    c.fetch_all(
        &Query::select()
            .columns([W::Id, W::Word, W::Category])
            .from(W::Table)
            .and_where(Expr::col(W::TenantId).eq(tenant.0))
            .order_by(W::Word, Order::Asc)
            .to_owned(),
    )
    .await
}

pub async fn insert_sensitive_word(
    c: &impl Conn,
    tenant: TenantId,
    word: &str,
    category: &str,
    now: Timestamp,
) -> Result<u64> {
    c.execute(
        &crate::insert_into(
            W::Table,
            vec![
                (W::TenantId, tenant.0.into()),
                (W::Word, word.into()),
                (W::Category, category.into()),
                (W::CreatedAt, now.0.into()),
            ],
        )
        .on_conflict(
            OnConflict::columns([W::TenantId, W::Word])
                .update_column(W::Category)
                .to_owned(),
        )
        .to_owned(),
    )
    .await
}

pub async fn delete_sensitive_word(c: &impl Conn, tenant: TenantId, id: i64) -> Result<u64> {
    c.execute(
        &Query::delete()
            .from_table(W::Table)
            .and_where(Expr::col(W::TenantId).eq(tenant.0))
            .and_where(Expr::col(W::Id).eq(id))
            .to_owned(),
    )
    .await
}

// ---- Counters ---------------------------------------------------------------------------------

/// Reserves `count` consecutive numbers of the counter `name`; gives the last of them.
/// One short statement, so callers can reserve blocks outside their own transactions
/// and never serialise on one row while they work.
pub async fn reserve(c: &impl Conn, tenant: TenantId, name: &str, count: i64) -> Result<i64> {
    c.fetch_i64(
        &crate::insert_into(
            N::Table,
            vec![
                (N::TenantId, tenant.0.into()),
                (N::Name, name.into()),
                (N::Value, count.into()),
            ],
        )
        .on_conflict(
            OnConflict::columns([N::TenantId, N::Name])
                .value(N::Value, Expr::col((N::Table, N::Value)).add(count))
                .to_owned(),
        )
        .returning_col(N::Value)
        .to_owned(),
    )
    .await
}

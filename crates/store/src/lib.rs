//! CultureDesk's database.
//!
//! One [`Db`] over SQLite (embedded, the default) and PostgreSQL (and the engines that
//! speak its protocol), chosen by the URL. Queries are written once with sea-query and
//! rendered for the engine at hand; the few statements that truly differ between the
//! engines live in [`engine_sql`] and nowhere else. Both engines have migrations with
//! the same numbers under `migrations/`, and a test checks the schemas agree.
//!
//! Storage conventions:
//! - every instant is a `BIGINT` of UTC milliseconds ([`domain::Timestamp`]), so it sorts
//!   the same everywhere;
//! - every row that belongs to an institution carries `tenant_id`, the natural key to
//!   distribute tables by on a distributed engine;
//! - no enum types, no GiST, no generated columns, no deferrable constraints; correctness
//!   never depends on LISTEN/NOTIFY or advisory locks.

mod db;
pub mod engine_sql;
mod error;
pub mod schema;

pub mod audit;
pub mod embeddings;
pub mod events;
pub mod feedback;
pub mod feedback_setup;
pub mod jobs;
pub mod keys;
pub mod members;
pub mod notice_robots;
pub mod notices;
pub mod org;
pub mod outbox;
pub mod rate_limits;
pub mod reminders;
pub mod reviews;
pub mod search;
pub mod sessions;
pub mod sign_in;
pub mod staff_suggestions;
pub mod subject;
pub mod tenants;
pub mod text;
pub mod users;

pub use db::{Conn, Db, DbOptions, Engine, Record, SqliteSync, Tx};
pub use error::StoreError;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The one optimistic-concurrency update every editable record uses: applies `changes` to
/// row `id` of `tenant` if it is still at `version`, bumps the version and stamps
/// `updated_at`. Every editable table has these four columns under these names. Executed,
/// it gives the rows changed: 0 means someone else changed the row first.
pub(crate) fn versioned_update<T, C>(
    table: T,
    tenant: domain::TenantId,
    id: i64,
    version: i64,
    changes: impl IntoIterator<Item = (C, sea_query::Expr)>,
    now: domain::Timestamp,
) -> sea_query::UpdateStatement
where
    T: sea_query::IntoIden,
    C: sea_query::IntoIden,
{
    use sea_query::{Alias, Expr, ExprTrait};
    let column = |name: &str| Alias::new(name);
    let mut stmt = sea_query::Query::update()
        .table(table)
        .value(column("version"), Expr::col(column("version")).add(1))
        .value(column("updated_at"), now.0)
        .and_where(Expr::col(column("tenant_id")).eq(tenant.0))
        .and_where(Expr::col(column("id")).eq(id))
        .and_where(Expr::col(column("version")).eq(version))
        .to_owned();
    for (c, value) in changes {
        stmt.value(c, value);
    }
    stmt
}

/// An `INSERT` of one row from (column, value) pairs, so columns and values cannot drift apart.
pub(crate) fn insert_into<C>(table: C, row: Vec<(C, sea_query::Expr)>) -> sea_query::InsertStatement
where
    C: sea_query::IntoIden + Copy,
{
    let (columns, values): (Vec<C>, Vec<sea_query::Expr>) = row.into_iter().unzip();
    sea_query::Query::insert()
        .into_table(table)
        .columns(columns)
        // Cannot panic: the pairs give exactly one value per column.
        .values_panic(values)
        .to_owned()
}

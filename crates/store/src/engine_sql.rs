//! The only SQL written per engine: statements where SQLite and PostgreSQL truly differ.
//! Everything else is built once with sea-query.

use crate::db::{Engine, Statement};
use sea_query::Values;

/// A statement written out for each engine, with the same values in the same order.
/// SQLite's `?NNN` and PostgreSQL's `$N` both number the values from 1.
pub struct Raw {
    pub sqlite: &'static str,
    pub postgres: &'static str,
    pub values: Values,
}

impl Statement for Raw {
    fn render(&self, engine: Engine) -> (String, Values) {
        let sql = match engine {
            Engine::Sqlite => self.sqlite,
            Engine::Postgres => self.postgres,
        };
        (sql.to_owned(), self.values.clone())
    }
}

/// Claims due jobs for one worker. PostgreSQL skips rows other workers have locked, so
/// nodes never wait on each other; SQLite has one writer, so the statement alone is atomic.
/// A job whose lease ran out (its worker died) is due again.
/// Values: 1 worker name, 2 lease end, 3 now, 4 how many.
pub const CLAIM_JOBS_SQLITE: &str = "UPDATE jobs SET status = 'running', locked_by = ?1, locked_until = ?2, attempts = attempts + 1 \
     WHERE id IN (SELECT id FROM jobs WHERE (status = 'queued' AND run_at <= ?3) OR (status = 'running' AND locked_until < ?3) \
     ORDER BY run_at, id LIMIT ?4) \
     RETURNING id, tenant_id, kind, payload, attempts, max_attempts, run_at";
pub const CLAIM_JOBS_POSTGRES: &str = "UPDATE jobs SET status = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1 \
     WHERE id IN (SELECT id FROM jobs WHERE (status = 'queued' AND run_at <= $3) OR (status = 'running' AND locked_until < $3) \
     ORDER BY run_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) \
     RETURNING id, tenant_id, kind, payload, attempts, max_attempts, run_at";

/// SQLite's statistics upkeep (PostgreSQL's autovacuum needs no asking). The limit keeps a
/// run short on a large database.
pub const SQLITE_OPTIMIZE: &str = "PRAGMA analysis_limit = 1000; PRAGMA optimize;";

/// The tables of the schema this connection works in.
pub const POSTGRES_OWN_TABLES: &str =
    "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()";

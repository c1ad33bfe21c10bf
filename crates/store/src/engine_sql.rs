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

/// Full-text search over feedback (0004_search): how each engine matches the words, ranks
/// the matches and walks them newest first. Each placeholder (`?` on SQLite, `$1` on
/// PostgreSQL, as sea-query writes them) takes the terms of [`search_terms`].
///
/// SQLite looks the words up in its FTS5 index `feedback_search` and joins the items to it
/// (CROSS JOIN: the index drives, items are fetched by id); bm25 is lower for better
/// matches, so it is negated. PostgreSQL matches its GIN expression index, which the
/// expression here must repeat exactly as the migration states it; `ts_rank` is `real`,
/// widened so both engines give a double.
pub struct SearchSql {
    /// The index table joined to `feedback`, with the join condition; `None` when the index
    /// is on `feedback` itself.
    pub index_join: Option<(&'static str, &'static str)>,
    /// The match condition.
    pub matches: &'static str,
    /// Relevance: higher is better.
    pub score: &'static str,
    /// The key that, descending, walks the matches newest first without sorting them all.
    pub newest_first: &'static str,
}

pub const SEARCH_SQLITE: SearchSql = SearchSql {
    index_join: Some(("feedback_search", "feedback.id = feedback_search.rowid")),
    matches: "feedback_search MATCH ?",
    score: "-bm25(feedback_search)",
    newest_first: "feedback_search.rowid",
};

pub const SEARCH_POSTGRES: SearchSql = SearchSql {
    index_join: None,
    matches: "to_tsvector('simple', coalesce(feedback.search_text, '')) @@ plainto_tsquery('simple', $1)",
    score: "CAST(ts_rank(to_tsvector('simple', coalesce(feedback.search_text, '')), plainto_tsquery('simple', $1)) AS DOUBLE PRECISION)",
    newest_first: "feedback.id",
};

pub fn search_sql(engine: Engine) -> &'static SearchSql {
    match engine {
        Engine::Sqlite => &SEARCH_SQLITE,
        Engine::Postgres => &SEARCH_POSTGRES,
    }
}

/// The query's words as the engine's match syntax wants them, every word required: FTS5
/// takes quoted strings side by side (quoting keeps `OR`, `NOT`, `*` and `:` plain text);
/// `plainto_tsquery` takes plain words and joins them with `&`.
pub fn search_terms(engine: Engine, words: &[String]) -> String {
    match engine {
        Engine::Sqlite => words
            .iter()
            .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" "),
        Engine::Postgres => words.join(" "),
    }
}

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

/// The names of `table`'s columns in their order, in the schema this connection works in.
pub fn table_columns(table: &str) -> Raw {
    Raw {
        sqlite: "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
        postgres: "SELECT column_name::text FROM information_schema.columns \
                   WHERE table_schema = current_schema() AND table_name = $1 \
                   ORDER BY ordinal_position",
        values: Values(vec![table.into()]),
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

/// The sizes a DBA looks at: the whole database (SQLite) or the feedback table with its
/// indexes (PostgreSQL), and the search index.
pub fn storage_size() -> Raw {
    Raw {
        sqlite: "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
        postgres: "SELECT pg_total_relation_size('feedback')::bigint",
        values: Values(Vec::new()),
    }
}

pub fn search_index_size() -> Raw {
    Raw {
        sqlite: "SELECT (SELECT COALESCE(SUM(length(block)), 0) FROM feedback_search_data) + (SELECT COUNT(*) * 16 FROM feedback_search_idx)",
        postgres: "SELECT pg_relation_size('feedback_search')::bigint",
        values: Values(Vec::new()),
    }
}

/// Full-text search over feedback (0004_search): how each engine finds the items that hold
/// every word, ranks them, and goes through them newest first. Each placeholder (`?` on
/// SQLite, `$1` on PostgreSQL, as sea-query writes them) takes the terms of
/// [`search_terms`]; a word check's takes one word as [`search_word`] gives it.
///
/// A search wants the newest matches, in one of two ways (store::search::Scan):
/// - *newest first*: go back from the newest item and stop at the limit — right for common
///   words;
/// - *through the index*: look the words up and sort what it finds — right for rare ones.
///
/// SQLite's FTS5 index `feedback_search` does both at once: it lists matches by rowid, so
/// it walks them newest first whatever their number; the items are joined to it (CROSS
/// JOIN: the index drives, items are fetched by id). bm25 is lower for better matches, so
/// it is negated.
///
/// PostgreSQL's GIN index cannot give matches in order: it finds them all, and each must be
/// fetched from the table to be sorted, which is slow for a common word. Going back from
/// the newest item instead would compute `to_tsvector` for every item passed; a word check
/// on the stored words (`strpos` of ` word ` in ` words `: exact, as the words are space-
/// separated, and some twenty times cheaper) does that walk. Through the index, the order
/// is on `id + 0`, so the planner looks the words up in the GIN index (with `id` ranges it
/// can AND a range of the primary key in) rather than walk. The GIN expression must repeat
/// the migration's word for word. `ts_rank` is `real`, widened so both engines give a
/// double.
pub struct SearchSql {
    /// The index table joined to `feedback`, with the join condition; `None` when the index
    /// is on `feedback` itself.
    pub index_join: Option<(&'static str, &'static str)>,
    /// The match condition, through the index.
    pub matches: &'static str,
    /// A cheap check for one word, for going back newest first; `None`: use `matches`.
    pub word_check: Option<&'static str>,
    /// Relevance: higher is better.
    pub score: &'static str,
    /// The item's id as the index sees it, for ranges and the newest-first order.
    pub id: &'static str,
    /// The order of what the index found (descending).
    pub index_order: &'static str,
    /// `score` is known only for a row the index matched (FTS5's bm25, which also counts
    /// each word's items in the whole index once per statement); `false`: it is a function
    /// of the row's words alone (`ts_rank`).
    pub score_needs_match: bool,
}

pub const SEARCH_SQLITE: SearchSql = SearchSql {
    index_join: Some(("feedback_search", "feedback.id = feedback_search.rowid")),
    matches: "feedback_search MATCH ?",
    word_check: None,
    score: "-bm25(feedback_search)",
    id: "feedback_search.rowid",
    index_order: "feedback_search.rowid",
    score_needs_match: true,
};

pub const SEARCH_POSTGRES: SearchSql = SearchSql {
    index_join: None,
    matches: "to_tsvector('simple', coalesce(feedback.search_text, '')) @@ plainto_tsquery('simple', $1)",
    word_check: Some("strpos(' ' || feedback.search_text || ' ', $1) > 0"),
    score: "CAST(ts_rank(to_tsvector('simple', coalesce(feedback.search_text, '')), plainto_tsquery('simple', $1)) AS DOUBLE PRECISION)",
    id: "feedback.id",
    index_order: "feedback.id + 0",
    score_needs_match: false,
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

/// One word as a [`SearchSql::word_check`] looks for it: between spaces.
pub fn search_word(word: &str) -> String {
    format!(" {word} ")
}

//! Full-text search over feedback: the words the application cut, kept in
//! `feedback.search_text` and indexed by each engine's own full-text index (see
//! `migrations/*/0004_search.sql` and [`crate::engine_sql::SearchSql`]).
//!
//! The application segments (Chinese has no spaces); the engines only split on spaces.
//! `search_text` is NULL until an item's words are known: items from before the index
//! existed are filled in by a background job through [`pending`] and [`fill`].

use crate::engine_sql::{search_sql, search_terms, search_word};
use crate::feedback::FeedbackFilter;
use crate::schema::{Feedback as F, FeedbackEvents as E};
use crate::{Conn, Engine, Result};
use domain::TenantId;
use sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};

/// One match: the item and how well it matches (higher is better; only comparable within
/// one search).
#[derive(Debug, Clone, Copy, PartialEq, sqlx::FromRow)]
pub struct Scored {
    pub id: i64,
    pub score: f64,
}

/// How to look for the newest matches (see [`crate::engine_sql::SearchSql`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan {
    /// Go back from the newest item, stopping at the limit: for words that many items hold.
    NewestFirst,
    /// Look the words up in the index and sort what it finds: for words that few hold.
    Index,
}

/// Items `(above, at_most]` by id, newest first, that `filter` lets through and whose words
/// include every one of `words`, with their relevance; at most `limit`. `words` must not
/// be empty.
pub async fn matching(
    c: &impl Conn,
    tenant: TenantId,
    filter: &FeedbackFilter,
    words: &[String],
    scan: Scan,
    range: (Option<i64>, i64),
    limit: u64,
) -> Result<Vec<Scored>> {
    let mut stmt = matching_statement(c.engine(), tenant, filter, words, scan, range, limit);
    score(&mut stmt, c.engine(), words);
    c.fetch_all(&stmt).await
}

/// [`matching`] without the relevance: the ids alone, newest first. A search that goes
/// back in several steps asks for the ids in each and ranks them once at the end
/// ([`scores`]): on SQLite, bm25 counts on its first row how many items hold each word —
/// a walk through each word's whole list in the index, some 20 ms for a word that half
/// the items hold — and it does so again in every statement.
pub async fn matching_ids(
    c: &impl Conn,
    tenant: TenantId,
    filter: &FeedbackFilter,
    words: &[String],
    scan: Scan,
    range: (Option<i64>, i64),
    limit: u64,
) -> Result<Vec<i64>> {
    let stmt = matching_statement(c.engine(), tenant, filter, words, scan, range, limit);
    let rows: Vec<(i64,)> = c.fetch_all(&stmt).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The relevance to `words` of the items `ids` (which [`matching_ids`] found: they hold
/// every word), the same as [`matching`] gives them; in no particular order. One statement
/// whatever the number of ids, so SQLite counts each word's items once (see
/// [`matching_ids`]).
pub async fn scores(c: &impl Conn, words: &[String], ids: &[i64]) -> Result<Vec<Scored>> {
    let (Some(low), Some(high)) = (ids.iter().min(), ids.iter().max()) else {
        return Ok(Vec::new());
    };
    let engine = c.engine();
    let sql = search_sql(engine);
    let mut stmt = Query::select();
    stmt.column((F::Table, F::Id));
    score(&mut stmt, engine, words);
    if sql.score_needs_match {
        // Through the index as a search finds them: bm25 is only known for a row of a
        // MATCH. The range keeps the index to where the ids are; the ids themselves are a
        // condition the index is not told of (`+`): FTS5 would look each one up in a
        // statement of its own, and count the words' items again for each.
        holding(
            &mut stmt,
            engine,
            words,
            Scan::Index,
            (Some(low - 1), *high),
        );
        stmt.and_where(Expr::cust(format!(
            "+{} IN ({})",
            sql.id,
            ids.iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    } else {
        stmt.from(F::Table)
            .and_where(Expr::col((F::Table, F::Id)).is_in(ids.iter().copied()));
    }
    c.fetch_all(&stmt).await
}

/// The statement of [`matching`] without its relevance.
fn matching_statement(
    engine: Engine,
    tenant: TenantId,
    filter: &FeedbackFilter,
    words: &[String],
    scan: Scan,
    range: (Option<i64>, i64),
    limit: u64,
) -> SelectStatement {
    let sql = search_sql(engine);
    let mut stmt = Query::select();
    filter.apply(tenant, &mut stmt);
    stmt.column((F::Table, F::Id));
    holding(&mut stmt, engine, words, scan, range);
    let order = match scan {
        Scan::NewestFirst => sql.id,
        Scan::Index => sql.index_order,
    };
    stmt.order_by_expr(Expr::cust(order), Order::Desc)
        .limit(limit);
    stmt
}

/// Adds the relevance (`score`) to a statement's columns.
fn score(stmt: &mut SelectStatement, engine: Engine, words: &[String]) {
    let sql = search_sql(engine);
    let terms = search_terms(engine, words);
    let placeholders = sql.score.matches(['?', '$']).count();
    stmt.expr_as(
        Expr::cust_with_values(sql.score, vec![terms; placeholders]),
        "score",
    );
}

/// How many items `(above, at_most]` hold every one of `words`, whoever may see them: how
/// much work the index would have with these words. Counted newest first.
pub async fn count_holding(
    c: &impl Conn,
    words: &[String],
    range: (Option<i64>, i64),
) -> Result<i64> {
    let mut stmt = Query::select();
    stmt.expr(Expr::cust("COUNT(*)"));
    holding(&mut stmt, c.engine(), words, Scan::NewestFirst, range);
    c.fetch_i64(&stmt).await
}

/// The FROM and WHERE of a search: the items `(above, at_most]` that hold every word.
fn holding(
    stmt: &mut SelectStatement,
    engine: Engine,
    words: &[String],
    scan: Scan,
    (above, at_most): (Option<i64>, i64),
) {
    let sql = search_sql(engine);
    match sql.index_join {
        Some((index, on)) => {
            // The condition goes in WHERE: sea-query writes no ON for a cross join.
            stmt.from(Alias::new(index))
                .cross_join(F::Table)
                .and_where(Expr::cust(on));
        }
        None => {
            stmt.from(F::Table);
        }
    }
    match (scan, sql.word_check) {
        (Scan::NewestFirst, Some(check)) => {
            for word in words {
                stmt.and_where(Expr::cust_with_values(check, [search_word(word)]));
            }
        }
        _ => {
            stmt.and_where(Expr::cust_with_values(
                sql.matches,
                [search_terms(engine, words)],
            ));
        }
    }
    stmt.and_where(Expr::cust(sql.id).lte(at_most));
    if let Some(above) = above {
        stmt.and_where(Expr::cust(sql.id).gt(above));
    }
}

/// The highest item id there is (of any institution): where going back newest first starts.
pub async fn newest_id(c: &impl Conn) -> Result<Option<i64>> {
    let row: (Option<i64>,) = c
        .fetch_one(
            &Query::select()
                .expr(Expr::col(F::Id).max())
                .from(F::Table)
                .to_owned(),
        )
        .await?;
    Ok(row.0)
}

/// An item whose words are not known yet.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Pending {
    pub id: i64,
    pub tenant_id: i64,
    pub version: i64,
    pub body: String,
}

/// Up to `limit` items without words, lowest id first (through the partial index
/// `feedback_search_pending`).
pub async fn pending(c: &impl Conn, limit: u64) -> Result<Vec<Pending>> {
    c.fetch_all(
        &Query::select()
            .columns([F::Id, F::TenantId, F::Version, F::Body])
            .from(F::Table)
            .and_where(Expr::col(F::SearchText).is_null())
            .order_by(F::Id, Order::Asc)
            .limit(limit)
            .to_owned(),
    )
    .await
}

/// Forgets the words of every item newer than `above` (all, with `None`), as a database
/// from before the index (0004) has them; the background fill ([`pending`], [`fill`])
/// writes them again.
pub async fn forget_words(c: &impl Conn, above: Option<i64>) -> Result<u64> {
    let mut stmt = Query::update()
        .table(F::Table)
        .value(F::SearchText, Option::<String>::None)
        .to_owned();
    if let Some(above) = above {
        stmt.and_where(Expr::col(F::Id).gt(above));
    }
    c.execute(&stmt).await
}

/// The size in bytes of the database (the feedback table with its indexes, on PostgreSQL)
/// and of the search index.
pub async fn sizes(c: &impl Conn) -> Result<(i64, i64)> {
    let total = c.fetch_i64(&crate::engine_sql::storage_size()).await?;
    let index = c.fetch_i64(&crate::engine_sql::search_index_size()).await?;
    Ok((total, index))
}

/// How many items still have no words.
pub async fn pending_count(c: &impl Conn) -> Result<i64> {
    c.fetch_i64(
        &Query::select()
            .expr(Expr::col(F::Id).count())
            .from(F::Table)
            .and_where(Expr::col(F::SearchText).is_null())
            .to_owned(),
    )
    .await
}

/// The public timeline texts of `kinds` (answers, the submitter's replies) of the items
/// `ids`, as (item, text) in the order they were written.
pub async fn event_texts(c: &impl Conn, ids: &[i64], kinds: &[&str]) -> Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    c.fetch_all(
        &Query::select()
            .columns([E::FeedbackId, E::Body])
            .from(E::Table)
            .and_where(Expr::col(E::FeedbackId).is_in(ids.iter().copied()))
            .and_where(Expr::col(E::Kind).is_in(kinds.iter().copied()))
            .and_where(Expr::col(E::Public).eq(true))
            .and_where(Expr::col(E::Body).is_not_null())
            .order_by(E::Id, Order::Asc)
            .to_owned(),
    )
    .await
}

/// Sets an item's words if it still has none and is still at `version` (nothing was
/// answered meanwhile); gives 0 when it lost that race, so the next fill reads it again.
/// Leaves `version` and `updated_at` alone: filling the index is not a change to the item.
pub async fn fill(
    c: &impl Conn,
    tenant: TenantId,
    id: i64,
    version: i64,
    words: &str,
) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(F::Table)
            .value(F::SearchText, words)
            .and_where(Expr::col(F::TenantId).eq(tenant.0))
            .and_where(Expr::col(F::Id).eq(id))
            .and_where(Expr::col(F::Version).eq(version))
            .and_where(Expr::col(F::SearchText).is_null())
            .to_owned(),
    )
    .await
}

/// An item's words as stored (NULL: not filled yet).
pub async fn words_of(c: &impl Conn, tenant: TenantId, id: i64) -> Result<Option<String>> {
    let row: Option<(Option<String>,)> = c
        .fetch_optional(
            &Query::select()
                .column(F::SearchText)
                .from(F::Table)
                .and_where(Expr::col(F::TenantId).eq(tenant.0))
                .and_where(Expr::col(F::Id).eq(id))
                .to_owned(),
        )
        .await?;
    Ok(row.and_then(|(w,)| w))
}

//! Fixed-window counters in the database, so limits hold across server nodes.

use crate::schema::RateLimits as R;
use crate::{Conn, Result};
use domain::Timestamp;
use sea_query::{Expr, ExprTrait, OnConflict, Query};

/// Counts one hit on `bucket` in the window starting at `window_start`; gives the hits so far.
pub async fn hit(c: &impl Conn, bucket: &str, window_start: Timestamp) -> Result<i64> {
    let stmt = crate::insert_into(
        R::Table,
        vec![
            (R::Bucket, bucket.into()),
            (R::WindowStart, window_start.0.into()),
            (R::Hits, 1.into()),
        ],
    )
    .on_conflict(
        OnConflict::columns([R::Bucket, R::WindowStart])
            .value(R::Hits, Expr::col((R::Table, R::Hits)).add(1))
            .to_owned(),
    )
    .returning_col(R::Hits)
    .to_owned();
    c.fetch_i64(&stmt).await
}

/// Hits so far on `bucket` in the window, without counting one.
pub async fn hits(c: &impl Conn, bucket: &str, window_start: Timestamp) -> Result<i64> {
    let row: Option<(i64,)> = c
        .fetch_optional(
            &Query::select()
                .column(R::Hits)
                .from(R::Table)
                .and_where(Expr::col(R::Bucket).eq(bucket))
                .and_where(Expr::col(R::WindowStart).eq(window_start.0))
                .to_owned(),
        )
        .await?;
    Ok(row.map_or(0, |r| r.0))
}

pub async fn delete_before(c: &impl Conn, before: Timestamp) -> Result<u64> {
    c.execute(
        &Query::delete()
            .from_table(R::Table)
            .and_where(Expr::col(R::WindowStart).lt(before.0))
            .to_owned(),
    )
    .await
}

/// How many counters the database holds, of every bucket and window.
pub async fn count(c: &impl Conn) -> Result<i64> {
    c.fetch_i64(
        &Query::select()
            .expr(Expr::col(R::Bucket).count())
            .from(R::Table)
            .to_owned(),
    )
    .await
}

//! Secrets the server generates for itself (the CSRF signing key), shared by every node.

use crate::schema::ServerKeys as K;
use crate::{Conn, Result};
use domain::Timestamp;
use sea_query::{Expr, ExprTrait, OnConflict, Query};

/// The key called `name`, created from `fresh` if no node has created it yet.
pub async fn get_or_create(
    c: &impl Conn,
    name: &str,
    fresh: &str,
    now: Timestamp,
) -> Result<String> {
    c.execute(
        &crate::insert_into(
            K::Table,
            vec![
                (K::Name, name.into()),
                (K::Value, fresh.into()),
                (K::CreatedAt, now.0.into()),
            ],
        )
        .on_conflict(OnConflict::column(K::Name).do_nothing().to_owned())
        .to_owned(),
    )
    .await?;
    let (value,): (String,) = c
        .fetch_one(
            &Query::select()
                .column(K::Value)
                .from(K::Table)
                .and_where(Expr::col(K::Name).eq(name))
                .to_owned(),
        )
        .await?;
    Ok(value)
}

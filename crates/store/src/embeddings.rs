//! Items' vectors from an embeddings endpoint (`feedback_embeddings`), for similarity.
//!
//! A vector is stored as little-endian 32-bit floats, the same bytes on both engines; the
//! model that made it is stored with it, so vectors of another model are never compared.

use crate::schema::Feedback as F;
use crate::{Conn, Result};
use domain::{TenantId, Timestamp};
use sea_query::{Cond, Expr, ExprTrait, Iden, OnConflict, Order, Query};

/// The `feedback_embeddings` table (migration 0005).
#[derive(Iden, Clone, Copy)]
pub enum FeedbackEmbeddings {
    Table,
    TenantId,
    FeedbackId,
    Model,
    Dims,
    Vector,
    CreatedAt,
}

use FeedbackEmbeddings as E;

/// Statuses never offered as similar items: not worth a vector.
const NOT_CANDIDATES: [&str; 3] = ["spam", "merged", "not_accepted"];

/// One stored vector.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EmbeddingRow {
    pub feedback_id: i64,
    pub model: String,
    pub dims: i64,
    /// Little-endian f32s (see [`decode`]); empty where the model refused the text.
    pub vector: Vec<u8>,
    pub created_at: i64,
}

impl EmbeddingRow {
    /// The vector, or `None` when its bytes do not match its `dims`.
    pub fn values(&self) -> Option<Vec<f32>> {
        decode(&self.vector).filter(|v| v.len() as i64 == self.dims)
    }
}

/// When a vector was written, without the vector: what a node compares to what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Written {
    pub feedback_id: i64,
    pub created_at: i64,
}

/// An item still without a vector of the model.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Unembedded {
    pub id: i64,
    pub body: String,
}

pub fn encode(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// `None` when the length is not a whole number of floats.
pub fn decode(bytes: &[u8]) -> Option<Vec<f32>> {
    let chunks = bytes.chunks_exact(4);
    if !chunks.remainder().is_empty() {
        return None;
    }
    Some(
        chunks
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    )
}

/// Stores an item's vector, replacing the one it had (of this or another model): writing
/// the same vector twice is harmless.
pub async fn upsert(
    c: &impl Conn,
    tenant: TenantId,
    feedback: i64,
    model: &str,
    vector: &[f32],
    at: Timestamp,
) -> Result<u64> {
    c.execute(
        &crate::insert_into(
            E::Table,
            vec![
                (E::TenantId, tenant.0.into()),
                (E::FeedbackId, feedback.into()),
                (E::Model, model.into()),
                (E::Dims, (vector.len() as i64).into()),
                (E::Vector, encode(vector).into()),
                (E::CreatedAt, at.0.into()),
            ],
        )
        .on_conflict(
            OnConflict::columns([E::TenantId, E::FeedbackId])
                .update_columns([E::Model, E::Dims, E::Vector, E::CreatedAt])
                .to_owned(),
        )
        .to_owned(),
    )
    .await
}

/// The vectors of `model` written at or after `from` for items that are open or were
/// received since `since`, in the order written, after `after` (written at, item) and at
/// most `limit`: how a node learns which vectors it lacks without reading them all again.
pub async fn written_since(
    c: &impl Conn,
    tenant: TenantId,
    model: &str,
    since: Timestamp,
    after: (i64, i64),
    limit: u64,
) -> Result<Vec<Written>> {
    let (at, id) = after;
    c.fetch_all(
        &Query::select()
            .columns([(E::Table, E::FeedbackId), (E::Table, E::CreatedAt)])
            .from(E::Table)
            .inner_join(
                F::Table,
                Expr::col((F::Table, F::TenantId))
                    .equals((E::Table, E::TenantId))
                    .and(Expr::col((F::Table, F::Id)).equals((E::Table, E::FeedbackId))),
            )
            .and_where(Expr::col((E::Table, E::TenantId)).eq(tenant.0))
            .and_where(Expr::col((E::Table, E::Model)).eq(model))
            .cond_where(
                Cond::any()
                    .add(Expr::col((E::Table, E::CreatedAt)).gt(at))
                    .add(
                        Expr::col((E::Table, E::CreatedAt))
                            .eq(at)
                            .and(Expr::col((E::Table, E::FeedbackId)).gt(id)),
                    ),
            )
            .cond_where(
                Cond::any()
                    .add(Expr::col((F::Table, F::ReceivedAt)).gte(since.0))
                    .add(Expr::cust(crate::feedback::OPEN_ITEMS)),
            )
            .order_by((E::Table, E::CreatedAt), Order::Asc)
            .order_by((E::Table, E::FeedbackId), Order::Asc)
            .limit(limit)
            .to_owned(),
    )
    .await
}

/// The stored vectors of these items.
pub async fn vectors(c: &impl Conn, tenant: TenantId, ids: &[i64]) -> Result<Vec<EmbeddingRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    c.fetch_all(
        &Query::select()
            .columns([E::FeedbackId, E::Model, E::Dims, E::Vector, E::CreatedAt])
            .from(E::Table)
            .and_where(Expr::col(E::TenantId).eq(tenant.0))
            .and_where(Expr::col(E::FeedbackId).is_in(ids.iter().copied()))
            .to_owned(),
    )
    .await
}

/// Items below `before` (an id) that are open or were received since `since`, are not
/// spam, merged or refused, and have no vector of `model`: newest first, at most `limit`.
pub async fn unembedded(
    c: &impl Conn,
    tenant: TenantId,
    model: &str,
    since: Timestamp,
    before: i64,
    limit: u64,
) -> Result<Vec<Unembedded>> {
    c.fetch_all(
        &Query::select()
            .columns([(F::Table, F::Id), (F::Table, F::Body)])
            .from(F::Table)
            .left_join(
                E::Table,
                Expr::col((E::Table, E::TenantId))
                    .equals((F::Table, F::TenantId))
                    .and(Expr::col((E::Table, E::FeedbackId)).equals((F::Table, F::Id)))
                    .and(Expr::col((E::Table, E::Model)).eq(model)),
            )
            .and_where(Expr::col((F::Table, F::TenantId)).eq(tenant.0))
            .and_where(Expr::col((F::Table, F::Id)).lt(before))
            .and_where(Expr::col((E::Table, E::FeedbackId)).is_null())
            .and_where(Expr::col((F::Table, F::Status)).is_not_in(NOT_CANDIDATES))
            .cond_where(
                Cond::any()
                    .add(Expr::col((F::Table, F::ReceivedAt)).gte(since.0))
                    .add(Expr::cust(crate::feedback::OPEN_ITEMS)),
            )
            .order_by((F::Table, F::Id), Order::Desc)
            .limit(limit)
            .to_owned(),
    )
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn vectors_round_trip_through_their_bytes() {
        let v = [0.25f32, -1.5, 3.0e-7, f32::MAX];
        let bytes = super::encode(&v);
        assert_eq!(bytes.len(), 16);
        assert_eq!(&bytes[..4], &0.25f32.to_le_bytes());
        assert_eq!(super::decode(&bytes).as_deref(), Some(&v[..]));
        assert_eq!(super::decode(&bytes[..5]), None);
    }
}

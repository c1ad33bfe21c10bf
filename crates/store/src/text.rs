//! What the text analysis learns from: staff corrections and an institution's own words.

use crate::schema::{TextCorrections as C, TextWords as W};
use crate::{Conn, Result};
use domain::{TenantId, Timestamp, UserId};
use sea_query::{Expr, ExprTrait, OnConflict, Order, Query};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CorrectionRow {
    pub id: i64,
    pub feedback_id: Option<i64>,
    /// `category` or `kind`.
    pub field: String,
    pub label: String,
    /// The item's text, masked: corrections outlive the items they came from.
    pub text: String,
    pub created_at: i64,
}

pub struct NewCorrection<'a> {
    pub tenant: TenantId,
    pub feedback: Option<i64>,
    pub field: &'a str,
    pub label: &'a str,
    pub text: &'a str,
    pub by: Option<UserId>,
    pub at: Timestamp,
}

pub async fn insert_correction(c: &impl Conn, new: NewCorrection<'_>) -> Result<u64> {
    c.execute(&crate::insert_into(
        C::Table,
        vec![
            (C::TenantId, new.tenant.0.into()),
            (C::FeedbackId, new.feedback.into()),
            (C::Field, new.field.into()),
            (C::Label, new.label.into()),
            (C::Text, new.text.into()),
            (C::CreatedBy, new.by.map(|u| u.0).into()),
            (C::CreatedAt, new.at.0.into()),
        ],
    ))
    .await
}

/// The institution's corrections after `after` (an id), oldest first, at most `limit`.
pub async fn corrections_after(
    c: &impl Conn,
    tenant: TenantId,
    after: i64,
    limit: u64,
) -> Result<Vec<CorrectionRow>> {
    c.fetch_all(
        &Query::select()
            .columns([
                C::Id,
                C::FeedbackId,
                C::Field,
                C::Label,
                C::Text,
                C::CreatedAt,
            ])
            .from(C::Table)
            .and_where(Expr::col(C::TenantId).eq(tenant.0))
            .and_where(Expr::col(C::Id).gt(after))
            .order_by(C::Id, Order::Asc)
            .limit(limit)
            .to_owned(),
    )
    .await
}

pub async fn count_corrections(c: &impl Conn, tenant: TenantId) -> Result<i64> {
    c.fetch_i64(
        &Query::select()
            .expr(Expr::col(C::Id).count())
            .from(C::Table)
            .and_where(Expr::col(C::TenantId).eq(tenant.0))
            .to_owned(),
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WordRow {
    pub word: String,
    pub created_at: i64,
}

pub async fn words(c: &impl Conn, tenant: TenantId) -> Result<Vec<WordRow>> {
    c.fetch_all(
        &Query::select()
            .columns([W::Word, W::CreatedAt])
            .from(W::Table)
            .and_where(Expr::col(W::TenantId).eq(tenant.0))
            .order_by(W::Word, Order::Asc)
            .to_owned(),
    )
    .await
}

/// Adds a word; adding one that is there already changes nothing (a double click is harmless).
pub async fn add_word(
    c: &impl Conn,
    tenant: TenantId,
    word: &str,
    by: UserId,
    at: Timestamp,
) -> Result<u64> {
    c.execute(
        &crate::insert_into(
            W::Table,
            vec![
                (W::TenantId, tenant.0.into()),
                (W::Word, word.into()),
                (W::CreatedBy, by.0.into()),
                (W::CreatedAt, at.0.into()),
            ],
        )
        .on_conflict(
            OnConflict::columns([W::TenantId, W::Word])
                .do_nothing()
                .to_owned(),
        )
        .to_owned(),
    )
    .await
}

pub async fn remove_word(c: &impl Conn, tenant: TenantId, word: &str) -> Result<u64> {
    c.execute(
        &Query::delete()
            .from_table(W::Table)
            .and_where(Expr::col(W::TenantId).eq(tenant.0))
            .and_where(Expr::col(W::Word).eq(word))
            .to_owned(),
    )
    .await
}

/// An item's text, for the similar-item index and themes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItemText {
    pub id: i64,
    pub body: String,
    pub status: String,
    pub station_id: i64,
    pub received_at: i64,
    /// Its type (request, complaint, …) as the classifier or a clerk gave it.
    pub kind: String,
}

/// Items after `after` (an id) that are open or were received since `since`, oldest first:
/// what the similar-item index holds. Each node catches up with this from where it was.
pub async fn texts_after(
    c: &impl Conn,
    tenant: TenantId,
    after: i64,
    since: Timestamp,
    limit: u64,
) -> Result<Vec<ItemText>> {
    use crate::schema::Feedback as F;
    c.fetch_all(
        &Query::select()
            .columns([
                F::Id,
                F::Body,
                F::Status,
                F::StationId,
                F::ReceivedAt,
                F::Kind,
            ])
            .from(F::Table)
            .and_where(Expr::col(F::TenantId).eq(tenant.0))
            .and_where(Expr::col(F::Id).gt(after))
            .cond_where(
                sea_query::Cond::any()
                    .add(Expr::col(F::ReceivedAt).gte(since.0))
                    .add(Expr::cust(crate::feedback::OPEN_ITEMS)),
            )
            .order_by(F::Id, Order::Asc)
            .limit(limit)
            .to_owned(),
    )
    .await
}

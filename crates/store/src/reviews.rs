//! Where an item's review (审核) stands (`migrations/*/0012_reviews.sql`): one row per
//! item sent for review, with the chain it is reviewed under, its progress and a version.
//!
//! The rules (who may decide, what a decision does) are `domain::review`'s; the actions
//! are `desk::review`'s. This module only keeps the rows: the chain and the progress are
//! stored as the domain writes them (JSON of the steps, `Progress::code`).

use crate::subject::Subject;
use crate::{Conn, Result};
use domain::{TenantId, Timestamp};
use sea_query::{Expr, ExprTrait, Iden, OnConflict, Query};

#[derive(Iden, Clone, Copy)]
pub(crate) enum Reviews {
    Table,
    TenantId,
    SubjectKind,
    SubjectId,
    Chain,
    Progress,
    Version,
    UpdatedAt,
}
use Reviews as R;

/// One item's review as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReviewRow {
    /// JSON list of `domain::review::Step`.
    pub chain: String,
    /// `domain::review::Progress::code`.
    pub progress: String,
    /// Bumped by every change; [`decide`] names the version it read.
    pub version: i64,
}

pub async fn find(c: &impl Conn, tenant: TenantId, subject: Subject) -> Result<Option<ReviewRow>> {
    c.fetch_optional(
        &Query::select()
            .columns([R::Chain, R::Progress, R::Version])
            .from(R::Table)
            .and_where(Expr::col(R::TenantId).eq(tenant.0))
            .and_where(Expr::col(R::SubjectKind).eq(subject.kind().code()))
            .and_where(Expr::col(R::SubjectId).eq(subject.id()))
            .to_owned(),
    )
    .await
}

/// The item is sent for review under `chain` with `progress`: a new row, or the item's
/// earlier review replaced (sent again after it was withdrawn or decided).
pub async fn start(
    c: &impl Conn,
    tenant: TenantId,
    subject: Subject,
    chain: &str,
    progress: &str,
    now: Timestamp,
) -> Result<()> {
    c.execute(
        &Query::insert()
            .into_table(R::Table)
            .columns([
                R::TenantId,
                R::SubjectKind,
                R::SubjectId,
                R::Chain,
                R::Progress,
                R::UpdatedAt,
            ])
            .values_panic([
                tenant.0.into(),
                subject.kind().code().into(),
                subject.id().into(),
                chain.into(),
                progress.into(),
                now.0.into(),
            ])
            .on_conflict(
                OnConflict::columns([R::SubjectKind, R::SubjectId])
                    .update_columns([R::Chain, R::Progress, R::UpdatedAt])
                    .value(R::Version, Expr::col((R::Table, R::Version)).add(1))
                    .to_owned(),
            )
            .to_owned(),
    )
    .await?;
    Ok(())
}

/// Moves the item's review to `progress` if it is still at `version`; false when someone
/// else decided in the meantime.
pub async fn decide(
    c: &impl Conn,
    tenant: TenantId,
    subject: Subject,
    version: i64,
    progress: &str,
    now: Timestamp,
) -> Result<bool> {
    let changed = c
        .execute(
            &Query::update()
                .table(R::Table)
                .value(R::Progress, progress)
                .value(R::UpdatedAt, now.0)
                .value(R::Version, Expr::col(R::Version).add(1))
                .and_where(Expr::col(R::TenantId).eq(tenant.0))
                .and_where(Expr::col(R::SubjectKind).eq(subject.kind().code()))
                .and_where(Expr::col(R::SubjectId).eq(subject.id()))
                .and_where(Expr::col(R::Version).eq(version))
                .to_owned(),
        )
        .await?;
    Ok(changed == 1)
}

/// The item left review before a decision (its author withdrew it): it starts afresh
/// when sent again.
pub async fn forget(c: &impl Conn, tenant: TenantId, subject: Subject) -> Result<()> {
    c.execute(
        &Query::delete()
            .from_table(R::Table)
            .and_where(Expr::col(R::TenantId).eq(tenant.0))
            .and_where(Expr::col(R::SubjectKind).eq(subject.kind().code()))
            .and_where(Expr::col(R::SubjectId).eq(subject.id()))
            .to_owned(),
    )
    .await?;
    Ok(())
}

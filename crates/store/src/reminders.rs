//! The reminder ledger (`migrations/*/0010_reminder_ledger.sql`): everything that must
//! happen exactly once at its time — a feedback item's reminders and escalations, a
//! notice's publishing, reminders and escalation — as rows of (subject, step, due time,
//! fired time).
//!
//! A capability writes its subject's **plan** whenever the subject changes ([`plan`]);
//! the sweep asks which subjects have a step due ([`due_subjects`]) and **claims** each
//! step ([`claim`]) in the transaction that queues its messages: the claim sets `fired_at`
//! only where it is still empty, so of two nodes (or a node before and after a restart)
//! exactly one sends. A fired step stays fired: a new plan never brings it back, only
//! [`forget`] does (a reopened item's resolution alerts).

use crate::{Conn, Result};
use domain::{TenantId, Timestamp};
use sea_query::{Expr, ExprTrait, Iden, InsertStatement, OnConflict, Order, Query};

#[derive(Iden, Clone, Copy)]
enum Reminders {
    Table,
    TenantId,
    SubjectKind,
    SubjectId,
    Step,
    DueAt,
    FiredAt,
}
use Reminders as R;

pub use crate::subject::{Subject, SubjectKind};

/// A step carried over from before the ledger: it only wakes the sweep, which then writes
/// the subject's plan (and so removes it).
pub const RECHECK: &str = "recheck";

/// Makes `steps` (step, due time) the subject's pending plan: pending steps not in it are
/// dropped, the others are added or moved to their new time. Steps that fired stay fired
/// and are not planned again.
pub async fn plan(
    c: &impl Conn,
    tenant: TenantId,
    subject: Subject,
    steps: &[(&str, Timestamp)],
) -> Result<()> {
    let names: Vec<&str> = steps.iter().map(|(s, _)| *s).collect();
    c.execute(
        &Query::delete()
            .from_table(R::Table)
            .and_where(Expr::col(R::SubjectKind).eq(subject.kind().code()))
            .and_where(Expr::col(R::SubjectId).eq(subject.id()))
            .and_where(Expr::col(R::FiredAt).is_null())
            .and_where(Expr::col(R::Step).is_not_in(names))
            .to_owned(),
    )
    .await?;
    let Some(mut insert) = pending_rows(&[(tenant, subject, steps.to_vec())]) else {
        return Ok(());
    };
    insert.on_conflict(
        OnConflict::columns([R::SubjectKind, R::SubjectId, R::Step])
            .update_column(R::DueAt)
            .action_and_where(Expr::col((R::Table, R::FiredAt)).is_null())
            .to_owned(),
    );
    c.execute(&insert).await?;
    Ok(())
}

/// A subject's steps, each with when it falls due.
pub type Steps<'a> = Vec<(&'a str, Timestamp)>;

/// The first plans of many new subjects, in one statement (a batch of submissions).
pub async fn plan_new(c: &impl Conn, plans: &[(TenantId, Subject, Steps<'_>)]) -> Result<()> {
    if let Some(insert) = pending_rows(plans) {
        c.execute(&insert).await?;
    }
    Ok(())
}

/// One INSERT of the pending steps of `plans`; `None` when there are none.
fn pending_rows(plans: &[(TenantId, Subject, Steps<'_>)]) -> Option<InsertStatement> {
    let mut insert = Query::insert()
        .into_table(R::Table)
        .columns([R::TenantId, R::SubjectKind, R::SubjectId, R::Step, R::DueAt])
        .to_owned();
    let mut any = false;
    for (tenant, subject, steps) in plans {
        for (step, due) in steps {
            any = true;
            // Cannot panic: five values for five columns.
            insert.values_panic([
                tenant.0.into(),
                subject.kind().code().into(),
                subject.id().into(),
                (*step).into(),
                due.0.into(),
            ]);
        }
    }
    any.then_some(insert)
}

/// A subject with steps due, and which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub tenant: TenantId,
    pub subject_id: i64,
    pub steps: Vec<String>,
}

/// Subjects of `kind` with steps due at `now`, the earliest due first, read from at most
/// `limit` due steps (a subject's later steps may come in the next batch).
pub async fn due_subjects(
    c: &impl Conn,
    kind: SubjectKind,
    now: Timestamp,
    limit: u64,
) -> Result<Vec<Due>> {
    let rows: Vec<(i64, i64, String)> = c
        .fetch_all(
            &Query::select()
                .columns([R::TenantId, R::SubjectId, R::Step])
                .from(R::Table)
                .and_where(Expr::col(R::SubjectKind).eq(kind.code()))
                .and_where(Expr::col(R::FiredAt).is_null())
                .and_where(Expr::col(R::DueAt).lte(now.0))
                .order_by(R::DueAt, Order::Asc)
                .limit(limit)
                .to_owned(),
        )
        .await?;
    let mut due: Vec<Due> = Vec::new();
    for (tenant, subject_id, step) in rows {
        match due.iter_mut().find(|d| d.subject_id == subject_id) {
            Some(d) => d.steps.push(step),
            None => due.push(Due {
                tenant: TenantId(tenant),
                subject_id,
                steps: vec![step],
            }),
        }
    }
    Ok(due)
}

/// Claims a planned step that is due: `true` for exactly one caller, who then does it in
/// the same transaction. `false` when it fired already, or is no longer planned.
pub async fn claim(c: &impl Conn, subject: Subject, step: &str, now: Timestamp) -> Result<bool> {
    let claimed = c
        .execute(
            &Query::update()
                .table(R::Table)
                .value(R::FiredAt, now.0)
                .and_where(Expr::col(R::SubjectKind).eq(subject.kind().code()))
                .and_where(Expr::col(R::SubjectId).eq(subject.id()))
                .and_where(Expr::col(R::Step).eq(step))
                .and_where(Expr::col(R::FiredAt).is_null())
                .to_owned(),
        )
        .await?;
    Ok(claimed == 1)
}

/// Fires a step that was never planned (it is due the moment something happens: a
/// reopened item's alert): `true` the first time only.
pub async fn fire_now(
    c: &impl Conn,
    tenant: TenantId,
    subject: Subject,
    step: &str,
    now: Timestamp,
) -> Result<bool> {
    let inserted = c
        .execute(
            &crate::insert_into(
                R::Table,
                vec![
                    (R::TenantId, tenant.0.into()),
                    (R::SubjectKind, subject.kind().code().into()),
                    (R::SubjectId, subject.id().into()),
                    (R::Step, step.into()),
                    (R::DueAt, now.0.into()),
                    (R::FiredAt, now.0.into()),
                ],
            )
            .on_conflict(
                OnConflict::columns([R::SubjectKind, R::SubjectId, R::Step])
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned(),
        )
        .await?;
    Ok(inserted == 1)
}

/// The steps of the subject that fired.
pub async fn fired(c: &impl Conn, subject: Subject) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = c
        .fetch_all(
            &Query::select()
                .column(R::Step)
                .from(R::Table)
                .and_where(Expr::col(R::SubjectKind).eq(subject.kind().code()))
                .and_where(Expr::col(R::SubjectId).eq(subject.id()))
                .and_where(Expr::col(R::FiredAt).is_not_null())
                .to_owned(),
        )
        .await?;
    Ok(rows.into_iter().map(|(s,)| s).collect())
}

/// When the subject's next pending step falls due, if it has one.
pub async fn next_due(c: &impl Conn, subject: Subject) -> Result<Option<Timestamp>> {
    let row: Option<(Option<i64>,)> = c
        .fetch_optional(
            &Query::select()
                .expr(Expr::col(R::DueAt).min())
                .from(R::Table)
                .and_where(Expr::col(R::SubjectKind).eq(subject.kind().code()))
                .and_where(Expr::col(R::SubjectId).eq(subject.id()))
                .and_where(Expr::col(R::FiredAt).is_null())
                .to_owned(),
        )
        .await?;
    Ok(row.and_then(|(at,)| at).map(Timestamp))
}

/// Forgets `steps` of the subject, fired or not, so that a later plan may fire them again.
pub async fn forget(c: &impl Conn, subject: Subject, steps: &[&str]) -> Result<u64> {
    c.execute(
        &Query::delete()
            .from_table(R::Table)
            .and_where(Expr::col(R::SubjectKind).eq(subject.kind().code()))
            .and_where(Expr::col(R::SubjectId).eq(subject.id()))
            .and_where(Expr::col(R::Step).is_in(steps.iter().copied()))
            .to_owned(),
    )
    .await
}

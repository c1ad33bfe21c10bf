//! Sign-in throttles and the devices staff signed in on (`migrations/*/0007_sign_in.sql`).

use crate::schema::{SignInThrottles as T, StaffDevices as D};
use crate::{Conn, Result};
use domain::throttle::Backoff;
use domain::{Timestamp, UserId};
use sea_query::{Expr, ExprTrait, OnConflict, Query};

/// What a gate said to one attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Through, as the gate's `n`-th attempt.
    Open(i64),
    /// Shut until then.
    Shut(Timestamp),
}

/// Counts an attempt through `gate` and decides it, in one statement: the count and the
/// time the gate shuts are written by the same upsert that checks the gate is open, so
/// parallel attempts are decided one after another by the database, never from a count
/// read before another attempt wrote.
pub async fn attempt(c: &impl Conn, gate: &str, backoff: &Backoff, now: Timestamp) -> Result<Gate> {
    let forgotten = Expr::col((T::Table, T::LastAt)).lt(now.0 - backoff.forget_after_ms);
    let nth: Expr = Expr::case(forgotten, 1)
        .finally(Expr::col((T::Table, T::Attempts)).add(1))
        .into();
    let stmt = crate::insert_into(
        T::Table,
        vec![
            (T::Gate, gate.into()),
            (T::Attempts, 1.into()),
            (T::BlockedUntil, (now.0 + backoff.wait_after(1)).into()),
            (T::LastAt, now.0.into()),
        ],
    )
    .on_conflict(
        OnConflict::column(T::Gate)
            .values([
                (T::Attempts, nth.clone()),
                (T::BlockedUntil, shut_until(nth, backoff, now)),
                (T::LastAt, now.0.into()),
            ])
            .action_and_where(Expr::col((T::Table, T::BlockedUntil)).lte(now.0))
            .to_owned(),
    )
    .returning_col(T::Attempts)
    .to_owned();
    let counted: Option<(i64,)> = c.fetch_optional(&stmt).await?;
    if let Some((n,)) = counted {
        return Ok(Gate::Open(n));
    }
    let until: Option<(i64,)> = c
        .fetch_optional(
            &Query::select()
                .column(T::BlockedUntil)
                .from(T::Table)
                .and_where(Expr::col(T::Gate).eq(gate))
                .to_owned(),
        )
        .await?;
    Ok(Gate::Shut(Timestamp(until.map_or(now.0, |u| u.0))))
}

/// `now` plus the wait after the `nth` attempt, as SQL.
fn shut_until(nth: Expr, backoff: &Backoff, now: Timestamp) -> Expr {
    let mut wait = Expr::case(nth.clone().lte(0), 0);
    for (n, ms) in backoff.steps() {
        wait = wait.case(nth.clone().eq(n), ms);
    }
    let wait: Expr = wait.finally(backoff.max_wait_ms).into();
    Expr::val(now.0).add(wait)
}

/// Takes back one counted attempt (a right password through an address gate), so that
/// only failures add up there.
pub async fn refund(c: &impl Conn, gate: &str) -> Result<u64> {
    c.execute(
        &Query::update()
            .table(T::Table)
            .value(T::Attempts, Expr::col(T::Attempts).sub(1))
            .and_where(Expr::col(T::Gate).eq(gate))
            .and_where(Expr::col(T::Attempts).gt(0))
            .to_owned(),
    )
    .await
}

/// Opens a gate again (a right password through an account's gates).
pub async fn clear(c: &impl Conn, gate: &str) -> Result<u64> {
    c.execute(
        &Query::delete()
            .from_table(T::Table)
            .and_where(Expr::col(T::Gate).eq(gate))
            .to_owned(),
    )
    .await
}

/// Drops gates that are open and quiet since `before`.
pub async fn delete_quiet(c: &impl Conn, before: Timestamp) -> Result<u64> {
    c.execute(
        &Query::delete()
            .from_table(T::Table)
            .and_where(Expr::col(T::LastAt).lt(before.0))
            .and_where(Expr::col(T::BlockedUntil).lt(before.0))
            .to_owned(),
    )
    .await
}

/// Whether the staff member signed in on this device before.
pub async fn is_known_device(c: &impl Conn, user: UserId, device_hash: &str) -> Result<bool> {
    let row: Option<(i64,)> = c
        .fetch_optional(
            &Query::select()
                .expr(Expr::val(1))
                .from(D::Table)
                .and_where(Expr::col(D::UserId).eq(user.0))
                .and_where(Expr::col(D::DeviceHash).eq(device_hash))
                .to_owned(),
        )
        .await?;
    Ok(row.is_some())
}

/// Remembers a device the staff member signed in on.
pub async fn remember_device(
    c: &impl Conn,
    user: UserId,
    device_hash: &str,
    now: Timestamp,
) -> Result<u64> {
    c.execute(
        &crate::insert_into(
            D::Table,
            vec![
                (D::UserId, user.0.into()),
                (D::DeviceHash, device_hash.into()),
                (D::LastSignInAt, now.0.into()),
            ],
        )
        .on_conflict(
            OnConflict::columns([D::UserId, D::DeviceHash])
                .update_column(D::LastSignInAt)
                .to_owned(),
        )
        .to_owned(),
    )
    .await
}

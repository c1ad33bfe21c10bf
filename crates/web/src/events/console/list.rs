//! `/console/events`: the activities of the units a staff member organises for — title,
//! unit, status, the next date with its seats and waiting list — with "new activity" and
//! the figures.

use super::words;
use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use i18n::Key;
use services::events::ActivityView;

#[derive(Template)]
#[template(path = "console/events/list.html")]
struct ListPage {
    page: Page,
    rows: Vec<Row>,
}
framed!(ListPage);

struct Row {
    href: String,
    title: String,
    unit: String,
    status: String,
    status_code: String,
    next: String,
    seats: String,
    waiting: i64,
}

pub async fn show(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
) -> Result<Html<String>, AppError> {
    let t = ctx.t();
    let tz = &ctx.institution.timezone;
    let now = state.services.now();
    let activities = state.services.events().staff_activities(&staff).await?;
    let rows = activities
        .iter()
        .map(|a| {
            let next = next_date(a, now);
            Row {
                href: format!("/console/events/{}", a.id),
                title: a.title.clone(),
                unit: a.unit_name.clone(),
                status: words::activity_status(&a.status, &t),
                status_code: a.status.clone(),
                next: next.map_or_else(
                    || t.evcon_no_next().to_owned(),
                    |d| words::span(d.starts_at, d.ends_at, tz, &t),
                ),
                seats: next.map_or_else(
                    || t.evcon_dash().to_owned(),
                    |d| {
                        t.fill(
                            Key::evcon_seats_of,
                            &[
                                ("taken", &(d.capacity - d.seats_left).max(0)),
                                ("total", &d.capacity),
                            ],
                        )
                    },
                ),
                waiting: waiting(a),
            }
        })
        .collect();
    render(&ListPage {
        page: Page::new(&ctx, t.evcon_title()),
        rows,
    })
}

/// The first date still to come (or under way), not cancelled.
pub(super) fn next_date(
    a: &ActivityView,
    now: domain::Timestamp,
) -> Option<&services::events::DateView> {
    a.dates
        .iter()
        .filter(|d| !d.cancelled && d.ends_at > now)
        .min_by_key(|d| (d.starts_at, d.id))
}

/// People waiting for the activity: a course has one list (its first date's), other
/// activities one per date.
fn waiting(a: &ActivityView) -> i64 {
    let live = a.dates.iter().filter(|d| !d.cancelled).map(|d| d.waiting);
    if a.booking == "course" {
        live.max().unwrap_or(0)
    } else {
        live.sum()
    }
}

//! `/console/events/figures`: per activity with a date in the chosen month — registered,
//! attended and the attendance rate, no-shows and their rate, ratings and their average,
//! and the unmet demand (people who wanted a seat and got none), which tells the centre
//! when to open a second class.

use super::words;
use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::Timestamp;
use i18n::Key;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "console/events/figures.html")]
struct FiguresPage {
    page: Page,
    month: String,
    month_error: Option<String>,
    rows: Vec<Row>,
}
framed!(FiguresPage);

struct Row {
    href: String,
    title: String,
    unit: String,
    registered: i64,
    attended: i64,
    rate: String,
    no_shows: i64,
    no_show_rate: String,
    ratings: i64,
    average: String,
    unmet: i64,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MonthQuery {
    month: String,
}

pub async fn show(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Query(q): Query<MonthQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let tz = &ctx.institution.timezone;
    let today = state.services.now().in_zone(tz).date();
    let this_month = today.first_of_month();
    let (first, month_error) = match q.month.trim() {
        "" => (this_month, None),
        typed => match jiff::civil::Date::strptime("%Y-%m-%d", format!("{typed}-01")) {
            Ok(d) => (d, None),
            Err(_) => (this_month, Some(t.evcon_err_month().to_owned())),
        },
    };
    let start = |d: jiff::civil::Date| {
        d.to_datetime(jiff::civil::Time::midnight())
            .to_zoned(tz.clone())
            .map(|z| Timestamp(z.timestamp().as_millisecond()))
            .map_err(|e| AppError::Internal(format!("month: {e}")))
    };
    let next = first
        .checked_add(jiff::Span::new().months(1))
        .map_err(|e| AppError::Internal(format!("month: {e}")))?;
    let figures = state
        .services
        .events()
        .figures(&staff, start(first)?, start(next)?)
        .await?;
    let rows = figures
        .iter()
        .map(|f| Row {
            href: format!("/console/events/{}", f.activity),
            title: f.title.clone(),
            unit: f.unit_name.clone(),
            registered: f.registered,
            attended: f.attended,
            rate: words::percent(f.attended, f.attended + f.no_shows, &t),
            no_shows: f.no_shows,
            no_show_rate: words::percent(f.no_shows, f.attended + f.no_shows, &t),
            ratings: f.ratings,
            average: f.average_tenths.map_or_else(
                || t.evcon_dash().to_owned(),
                |a| {
                    let avg = format!("{}.{}", a / 10, a % 10);
                    t.fill(Key::evcon_stars, &[("avg", &avg)])
                },
            ),
            unmet: f.unmet_demand,
        })
        .collect();
    let status = if month_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let html = render(&FiguresPage {
        page: Page::new(&ctx, t.evcon_figures_title()),
        month: if month_error.is_some() {
            q.month.clone()
        } else {
            first.strftime("%Y-%m").to_string()
        },
        month_error,
        rows,
    })?;
    Ok((status, html).into_response())
}

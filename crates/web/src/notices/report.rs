//! `/console/notices/report`: the monthly spot-check of internal notices for the office —
//! per priority, the notices sent, median and p95 time to read and to acknowledge, the
//! share reached within the delivery deadline, failed messages, and the error rate against
//! the plan's 5% ceiling; `/console/notices/report.xlsx` is the same as a spreadsheet.

use crate::AppState;
use crate::choices::Choice;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::page::{Page, framed, render};
use crate::public::duration_words;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use domain::UnitId;
use domain::time::MINUTE_MS;
use export::{Cell, Table};
use i18n::{Key, Tr};
use serde::Deserialize;
use services::notices::{ERROR_RATE_LIMIT_PERCENT, NoticeReport, ReportLine};

#[derive(Template)]
#[template(path = "console/notices_report.html")]
struct ReportPage {
    page: Page,
    month: String,
    previous: String,
    next: String,
    unit: String,
    units: Vec<Choice>,
    lines: Vec<Line>,
    total: Line,
    summary: String,
    error_rate: String,
    over_limit: bool,
    still_due: String,
    /// The chosen month and unit as a query string, for the export link.
    view: String,
}
framed!(ReportPage);

/// One line of the table, in words.
struct Line {
    label: String,
    notices: i64,
    recipients: i64,
    read_median: String,
    read_p95: String,
    ack_median: String,
    ack_p95: String,
    reached: String,
    failures: i64,
}

#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct ReportQuery {
    month: String,
    unit: String,
}

impl ReportQuery {
    fn unit(&self) -> Option<UnitId> {
        self.unit.trim().parse().ok().map(UnitId)
    }

    fn link(&self, month: &str) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("month", month);
        if self.unit().is_some() {
            q.append_pair("unit", self.unit.trim());
        }
        q.finish()
    }
}

async fn report(
    state: &AppState,
    staff: &services::Staff,
    q: &ReportQuery,
) -> Result<NoticeReport, AppError> {
    Ok(state
        .services
        .notices()
        .notice_report(staff, Some(q.month.as_str()), q.unit())
        .await?)
}

pub async fn show(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Query(q): Query<ReportQuery>,
) -> Result<Html<String>, AppError> {
    let t = ctx.t();
    let r = report(&state, &staff, &q).await?;
    let month = r.month.to_string();
    render(&ReportPage {
        page: Page::new(&ctx, t.noticereport_title()),
        previous: format!(
            "/console/notices/report?{}",
            q.link(&r.month.previous().to_string())
        ),
        next: format!(
            "/console/notices/report?{}",
            q.link(&r.month.next().to_string())
        ),
        view: q.link(&month),
        unit: r.unit.map(|u| u.0.to_string()).unwrap_or_default(),
        units: r
            .units
            .iter()
            .map(|(id, name, depth)| Choice {
                value: id.0.to_string(),
                label: format!("{}{name}", "　".repeat(depth.saturating_sub(1))),
            })
            .collect(),
        lines: r.lines.iter().map(|l| line(l, &t)).collect(),
        total: line(&r.total, &t),
        summary: t.fill(
            Key::noticereport_summary,
            &[
                ("notices", &r.total.notices),
                ("corrections", &r.corrections),
                ("retractions", &r.retractions),
            ],
        ),
        error_rate: error_rate_words(&r, &t),
        over_limit: r.over_limit,
        still_due: if r.still_due > 0 {
            t.fill(Key::noticereport_still_due, &[("n", &r.still_due)])
        } else {
            String::new()
        },
        month,
    })
}

pub async fn xlsx(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Query(q): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let r = report(&state, &staff, &q).await?;
    let bytes = export::xlsx(&table(&r, &t)).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"notices-{}.xlsx\"", r.month),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

fn label(l: &ReportLine, t: &Tr) -> String {
    l.priority
        .map_or(t.noticereport_total(), |p| t.get(p.label()))
        .to_owned()
}

fn line(l: &ReportLine, t: &Tr) -> Line {
    let none = || t.public_duration_none().to_owned();
    let duration = |ms: Option<i64>| ms.map_or_else(none, |ms| duration_words(Some(ms), t));
    Line {
        label: label(l, t),
        notices: l.notices,
        recipients: l.recipients,
        read_median: duration(l.read_median_ms),
        read_p95: duration(l.read_p95_ms),
        ack_median: duration(l.ack_median_ms),
        ack_p95: duration(l.ack_p95_ms),
        reached: l.reached_percent().map_or_else(none, |p| {
            t.fill(
                Key::noticereport_reached_of,
                &[
                    ("percent", &p),
                    ("reached", &l.reached_in_time),
                    ("counted", &l.reach_counted),
                ],
            )
        }),
        failures: l.failures,
    }
}

fn error_rate_words(r: &NoticeReport, t: &Tr) -> String {
    match r.error_rate_percent {
        None => t.noticereport_error_rate_none().to_owned(),
        Some(rate) => t.fill(
            Key::noticereport_error_rate,
            &[("rate", &rate), ("limit", &ERROR_RATE_LIMIT_PERCENT)],
        ),
    }
}

/// The report as one sheet: the table by priority, then the month's error figures below it.
fn table(r: &NoticeReport, t: &Tr) -> Table<Cell> {
    let headers = [
        t.noticereport_priority(),
        t.noticereport_notices(),
        t.noticereport_recipients(),
        t.noticereport_read_median_minutes(),
        t.noticereport_read_p95_minutes(),
        t.noticereport_ack_median_minutes(),
        t.noticereport_ack_p95_minutes(),
        t.noticereport_reached_percent(),
        t.noticereport_reached_count(),
        t.noticereport_counted(),
        t.noticereport_failures(),
    ]
    .map(str::to_owned)
    .to_vec();
    let width = headers.len();
    // Minutes with one decimal: Excel sorts and charts them.
    let minutes = |ms: Option<i64>| {
        ms.map_or(Cell::Empty, |ms| {
            Cell::Number((ms as f64 * 10.0 / MINUTE_MS as f64).round() / 10.0)
        })
    };
    let count = |n: i64| Cell::Number(n as f64);
    let mut rows: Vec<Vec<Cell>> = r
        .lines
        .iter()
        .chain(std::iter::once(&r.total))
        .map(|l| {
            vec![
                Cell::Text(label(l, t)),
                count(l.notices),
                count(l.recipients),
                minutes(l.read_median_ms),
                minutes(l.read_p95_ms),
                minutes(l.ack_median_ms),
                minutes(l.ack_p95_ms),
                l.reached_percent().map_or(Cell::Empty, Cell::Number),
                count(l.reached_in_time),
                count(l.reach_counted),
                count(l.failures),
            ]
        })
        .collect();
    let unit = r
        .unit
        .and_then(|u| r.units.iter().find(|(id, _, _)| *id == u))
        .map_or_else(
            || t.noticereport_all_units().to_owned(),
            |(_, n, _)| n.clone(),
        );
    let facts = [
        (t.noticereport_month(), Cell::Text(r.month.to_string())),
        (t.noticereport_unit(), Cell::Text(unit)),
        (t.noticereport_notices(), count(r.total.notices)),
        (t.noticereport_corrections(), count(r.corrections)),
        (t.noticereport_retractions(), count(r.retractions)),
        (
            t.noticereport_error_rate_percent(),
            r.error_rate_percent.map_or(Cell::Empty, Cell::Number),
        ),
        (
            t.noticereport_limit_percent(),
            count(ERROR_RATE_LIMIT_PERCENT),
        ),
        (
            t.noticereport_over_limit(),
            Cell::from(if r.over_limit { t.yes() } else { t.no() }),
        ),
    ];
    rows.push(vec![Cell::Empty; width]);
    for (name, value) in facts {
        let mut row = vec![Cell::Text(name.to_owned()), value];
        row.resize(width, Cell::Empty);
        rows.push(row);
    }
    Table { headers, rows }
}

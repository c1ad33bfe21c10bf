//! `/console/notices/{id}/receipts`: who has read a notice, acknowledged it, or not, with
//! the times and how each message went out — for its author and the office only; the
//! recipients never see each other (the service refuses them). Filtered by department and
//! state with a plain GET form, and exported as CSV (with the BOM Chinese Excel needs) and
//! XLSX with the same filters.
//!
//! A notice can go to ten thousand people: the page shows [`RECEIPTS_PAGE`] lines at a time
//! (the counts always cover everyone), each line pre-formatted so that the template does
//! nothing per row but print it; the exports carry every line.

use crate::AppState;
use crate::choices::{self, Choice};
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use domain::notice::ReceiptState;
use domain::{DepartmentId, Timestamp};
use export::{Cell, Table};
use i18n::{Key, Tr};
use jiff::tz::TimeZone;
use serde::Deserialize;
use services::notices::{RECEIPTS_PAGE, ReceiptLine, ReceiptsView};

#[derive(Template)]
#[template(path = "console/notices_receipts.html")]
struct ReceiptsPage {
    page: Page,
    id: i64,
    heading: String,
    requires_ack: bool,
    published: String,
    due: String,
    total: i64,
    read: i64,
    acknowledged: i64,
    unread: i64,
    failures: usize,
    departments: Vec<Choice>,
    states: Vec<Choice>,
    q: ReceiptsQuery,
    /// The filters as a query string, for the export links.
    view: String,
    shown: String,
    previous: Option<String>,
    next: Option<String>,
    rows: Vec<Row>,
}
framed!(ReceiptsPage);

/// One recipient, every cell already in words.
struct Row {
    name: String,
    department: String,
    state: &'static str,
    /// `unread`, `read` or `acknowledged`: the cell's class (the words carry the state too).
    state_code: &'static str,
    delivered: String,
    read: String,
    acknowledged: String,
    email: Delivery,
    sms: Delivery,
    reminders: i64,
}

/// How one channel went: its state in words, when, and the error when it failed.
struct Delivery {
    state: &'static str,
    at: String,
    error: String,
    failed: bool,
}

/// The filters as the GET form sends them (empty means all).
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct ReceiptsQuery {
    department: String,
    state: String,
    /// The page, from 1 as people count.
    page: String,
}

impl ReceiptsQuery {
    fn department(&self) -> Option<DepartmentId> {
        self.department.trim().parse().ok().map(DepartmentId)
    }

    fn state(&self) -> Option<ReceiptState> {
        STATES
            .iter()
            .find(|(code, _)| *code == self.state.trim())
            .map(|(_, s)| *s)
    }

    /// The page asked for, from 0.
    fn page(&self) -> u64 {
        self.page
            .trim()
            .parse::<u64>()
            .unwrap_or(1)
            .saturating_sub(1)
    }

    /// The filters (not the page) as a query string.
    fn encoded(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if self.department().is_some() {
            q.append_pair("department", self.department.trim());
        }
        if self.state().is_some() {
            q.append_pair("state", self.state.trim());
        }
        q.finish()
    }
}

const STATES: [(&str, ReceiptState); 3] = [
    ("unread", ReceiptState::Unread),
    ("read", ReceiptState::Read),
    ("acknowledged", ReceiptState::Acknowledged),
];

fn state_code(s: ReceiptState) -> &'static str {
    STATES
        .iter()
        .find(|(_, x)| *x == s)
        .map_or("unread", |(c, _)| c)
}

pub async fn show(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(id): Path<i64>,
    Query(q): Query<ReceiptsQuery>,
) -> Result<Html<String>, AppError> {
    let t = ctx.t();
    let view = state
        .services
        .notices()
        .notice_receipts_page(&staff, id, q.department(), q.state(), q.page())
        .await?;
    let tree = state.services.org_tree(staff.actor.tenant_id).await?;
    let tz = &ctx.institution.timezone;
    let filters = q.encoded();
    let page_link = |page: u64| {
        let sep = if filters.is_empty() { "" } else { "&" };
        format!(
            "/console/notices/{id}/receipts?{filters}{sep}page={}",
            page + 1
        )
    };
    let previous = (view.page > 0).then(|| page_link(view.page - 1));
    let next = (view.page + 1 < view.pages).then(|| page_link(view.page + 1));
    let rows = view.lines.iter().map(|l| row(l, &t, tz)).collect();
    render(&ReceiptsPage {
        page: Page::new(&ctx, t.receipts_title()),
        id,
        heading: t.fill(Key::receipts_heading, &[("title", &view.title)]),
        requires_ack: view.requires_ack,
        published: view
            .published_at
            .map(|p| p.format_minutes(tz))
            .unwrap_or_default(),
        due: view
            .due_at
            .map(|d| d.format_minutes(tz))
            .unwrap_or_default(),
        total: view.total,
        read: view.read,
        acknowledged: view.acknowledged,
        unread: view.total - view.read,
        failures: view.failures,
        // "城关镇文化站 · 办公室", in the tree's order: nine offices are not nine "办公室".
        departments: choices::departments(&tree)
            .into_iter()
            .filter(|c| {
                view.departments
                    .iter()
                    .any(|(id, _)| id.to_string() == c.value)
            })
            .collect(),
        states: STATES
            .iter()
            .map(|(code, s)| Choice {
                value: (*code).to_owned(),
                label: t.get(s.label()).to_owned(),
            })
            .collect(),
        shown: t.fill(
            Key::receipts_shown,
            &[
                ("n", &view.matching),
                ("page", &(view.page + 1)),
                ("pages", &view.pages),
                ("per_page", &RECEIPTS_PAGE),
            ],
        ),
        view: filters,
        previous,
        next,
        q,
        rows,
    })
}

pub async fn csv(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(id): Path<i64>,
    Query(q): Query<ReceiptsQuery>,
) -> Result<Response, AppError> {
    let view = state
        .services
        .notices()
        .notice_receipts(&staff, id, q.department(), q.state())
        .await?;
    let table = table(&view, &ctx.t(), &ctx.institution.timezone);
    Ok(download(
        "text/csv; charset=utf-8",
        &format!("notice-{id}-receipts.csv"),
        export::csv(&table),
    ))
}

pub async fn xlsx(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(id): Path<i64>,
    Query(q): Query<ReceiptsQuery>,
) -> Result<Response, AppError> {
    let view = state
        .services
        .notices()
        .notice_receipts(&staff, id, q.department(), q.state())
        .await?;
    let table = table(&view, &ctx.t(), &ctx.institution.timezone);
    let bytes = export::xlsx(&table).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("notice-{id}-receipts.xlsx"),
        bytes,
    ))
}

fn download(content_type: &'static str, file_name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            // Names and reading habits of colleagues: not for shared caches.
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

fn row(l: &ReceiptLine, t: &Tr, tz: &TimeZone) -> Row {
    let read = match (l.read_at, l.read_via.as_deref()) {
        (Some(at), Some(via)) => format!("{} · {}", short(at, tz), t.get(via_label(via))),
        (Some(at), None) => short(at, tz),
        _ => String::new(),
    };
    Row {
        name: l.name.clone(),
        department: l.department.clone().unwrap_or_default(),
        state: t.get(l.state.label()),
        state_code: state_code(l.state),
        delivered: short(l.delivered_at, tz),
        read,
        acknowledged: l.acknowledged_at.map(|a| short(a, tz)).unwrap_or_default(),
        email: delivery(t, tz, l.email.as_deref(), l.email_at, &l.email_error),
        sms: delivery(t, tz, l.sms.as_deref(), l.sms_at, &l.sms_error),
        reminders: l.reminders,
    }
}

fn delivery(
    t: &Tr,
    tz: &TimeZone,
    status: Option<&str>,
    at: Option<Timestamp>,
    error: &Option<String>,
) -> Delivery {
    let failed = status == Some("failed");
    Delivery {
        state: t.get(channel_label(status)),
        at: at.map(|a| short(a, tz)).unwrap_or_default(),
        error: if failed {
            error.clone().unwrap_or_default()
        } else {
            String::new()
        },
        failed,
    }
}

/// The words for an outbox state; no message at all (no address, or no SMS for this
/// priority) reads "not sent".
fn channel_label(status: Option<&str>) -> Key {
    match status {
        Some("sent") => Key::receipts_channel_sent,
        Some("failed") => Key::receipts_channel_failed,
        Some(_) => Key::receipts_channel_queued,
        None => Key::receipts_channel_none,
    }
}

fn via_label(via: &str) -> Key {
    match via {
        "email" => Key::receipts_via_email,
        "sms" => Key::receipts_via_sms,
        "robot" => Key::receipts_via_robot,
        "acknowledge" => Key::receipts_via_acknowledge,
        _ => Key::receipts_via_console,
    }
}

/// The receipts as a spreadsheet: the same lines as the page, with real dates.
fn table(view: &ReceiptsView, t: &Tr, tz: &TimeZone) -> Table<Cell> {
    let headers = [
        t.receipts_name(),
        t.receipts_department(),
        t.receipts_state(),
        t.receipts_delivered(),
        t.receipts_read_at(),
        t.receipts_read_via(),
        t.receipts_acknowledged_at(),
        t.receipts_email(),
        t.receipts_email_at(),
        t.receipts_email_error(),
        t.receipts_sms(),
        t.receipts_sms_at(),
        t.receipts_sms_error(),
        t.receipts_reminders(),
    ]
    .map(str::to_owned)
    .to_vec();
    let at = |ts: Option<Timestamp>| ts.map_or(Cell::Empty, |ts| Cell::instant(ts.0, tz));
    let rows = view
        .lines
        .iter()
        .map(|l| {
            vec![
                Cell::Text(l.name.clone()),
                Cell::from(l.department.clone()),
                Cell::from(t.get(l.state.label())),
                at(Some(l.delivered_at)),
                at(l.read_at),
                Cell::from(l.read_via.as_deref().map(|v| t.get(via_label(v)))),
                at(l.acknowledged_at),
                Cell::from(t.get(channel_label(l.email.as_deref()))),
                at(l.email_at),
                Cell::from(
                    l.email_error
                        .clone()
                        .filter(|_| l.email.as_deref() == Some("failed")),
                ),
                Cell::from(t.get(channel_label(l.sms.as_deref()))),
                at(l.sms_at),
                Cell::from(
                    l.sms_error
                        .clone()
                        .filter(|_| l.sms.as_deref() == Some("failed")),
                ),
                Cell::Number(l.reminders as f64),
            ]
        })
        .collect();
    Table { headers, rows }
}

/// `11-23 09:05` on the institution's wall clock: the year is the notice's, and the table
/// is read across.
fn short(at: Timestamp, tz: &TimeZone) -> String {
    at.in_zone(tz).strftime("%m-%d %H:%M").to_string()
}

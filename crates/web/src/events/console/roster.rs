//! `/console/events/dates/{date}`: a date's roster — the registrations with their seats,
//! companions, status in words, code and attendance; the waiting list in order with offers
//! and their expiry; the cancelled. After the start, "mark the rest"; for the office,
//! excusing a no-show and lifting a member's block, each with a reason. Downloads as CSV
//! (with the BOM Excel needs) and XLSX, and a print-styled sign-in sheet with a QR code of
//! each registration's check-in code.

use super::words;
use crate::AppState;
use crate::ctx::{Ctx, StaffCtx};
use crate::error::AppError;
use crate::form::{FieldMessages, Form, messages};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use i18n::{Key, Tr};
use serde::Deserialize;
use services::events::{Roster, RosterLine};
use services::{ServiceError, Services, Staff};

#[derive(Template)]
#[template(path = "console/events/roster.html")]
struct RosterPage {
    page: Page,
    activity: i64,
    date: i64,
    title: String,
    when: String,
    seats: String,
    checked_in: String,
    registered: Vec<Line>,
    waiting: Vec<Line>,
    others: Vec<Line>,
    started: bool,
    may_publish: bool,
    form: ActionForm,
    errors: FieldMessages,
    problem: Option<String>,
    problem_lines: Vec<String>,
}
framed!(RosterPage);

/// One registration in words.
struct Line {
    id: i64,
    name: String,
    seats: i32,
    companions: String,
    status: String,
    code: String,
    attendance: String,
    attended: bool,
    walk_in: bool,
    excused: bool,
    /// A no-show or a late cancellation the office may excuse.
    excusable: bool,
    /// "Waiting lists only until …", when the member is blocked now.
    blocked: Option<String>,
    order: Option<i64>,
    offer_until: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    action: String,
    registration: String,
    reason: String,
}

impl ActionForm {
    /// Whether the form last sent was `act` for the registration `id`.
    fn sent(&self, act: &str, id: &i64) -> bool {
        self.action == act && self.registration == id.to_string()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
    n: usize,
}

pub async fn show(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(date): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let notice = match q.done.as_str() {
        "marked" => Some(t.fill(Key::evcon_done_marked, &[("n", &q.n)])),
        "excused" => Some(t.evcon_done_excused().to_owned()),
        "lifted" => Some(t.evcon_done_lifted().to_owned()),
        _ => None,
    };
    let drawn = Drawn {
        form: ActionForm::default(),
        errors: FieldMessages::new(),
        problem: None,
        problem_lines: Vec::new(),
        notice,
        status: StatusCode::OK,
    };
    draw(&state.services, &ctx, &staff, date, drawn).await
}

pub async fn act(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(date): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Result<Response, AppError> {
    let services = &state.services;
    let t = ctx.t();
    let refused = match perform(services, &staff, date, &form).await {
        Ok(to) => return Ok(Redirect::to(&to).into_response()),
        Err(e) => e,
    };
    let mut drawn = Drawn {
        form,
        errors: FieldMessages::new(),
        problem: None,
        problem_lines: Vec::new(),
        notice: None,
        status: StatusCode::CONFLICT,
    };
    match refused {
        ServiceError::Invalid(invalid) => {
            drawn.errors = messages(&invalid, &t);
            drawn.problem = Some(t.err_invalid().to_owned());
            drawn.problem_lines = invalid.0.iter().map(|e| e.message(&t)).collect();
            drawn.status = StatusCode::UNPROCESSABLE_ENTITY;
        }
        e @ (ServiceError::Refused { .. } | ServiceError::Conflict | ServiceError::Forbidden) => {
            let info = AppError::from(e).info();
            drawn.problem = Some(info.message(&t));
            drawn.status = info.status;
        }
        e => return Err(e.into()),
    }
    draw(services, &ctx, &staff, date, drawn).await
}

async fn perform(
    services: &Services,
    staff: &Staff,
    date: i64,
    form: &ActionForm,
) -> Result<String, ServiceError> {
    let events = services.events();
    let page = format!("/console/events/dates/{date}");
    match form.action.as_str() {
        "mark_no_show" | "mark_attended" => {
            let n = events
                .mark_the_rest(staff, date, form.action == "mark_attended")
                .await?;
            Ok(format!("{page}?done=marked&n={n}"))
        }
        "excuse" | "lift" => {
            let id = own_registration(services, staff, date, &form.registration).await?;
            if form.action == "excuse" {
                events.excuse(staff, id, &form.reason).await?;
                Ok(format!("{page}?done=excused"))
            } else {
                events.lift_block(staff, id, &form.reason).await?;
                Ok(format!("{page}?done=lifted"))
            }
        }
        _ => Err(ServiceError::invalid("action", Key::err_choice)),
    }
}

/// The registration named by the form, if it is on this date's roster.
async fn own_registration(
    services: &Services,
    staff: &Staff,
    date: i64,
    id: &str,
) -> Result<i64, ServiceError> {
    let id: i64 = id.trim().parse().map_err(|_| ServiceError::NotFound)?;
    let roster = services.events().roster(staff, date).await?;
    if roster.lines.iter().any(|l| l.registration.id == id) {
        Ok(id)
    } else {
        Err(ServiceError::NotFound)
    }
}

struct Drawn {
    form: ActionForm,
    errors: FieldMessages,
    problem: Option<String>,
    problem_lines: Vec<String>,
    notice: Option<String>,
    status: StatusCode,
}

async fn draw(
    services: &Services,
    ctx: &Ctx,
    staff: &Staff,
    date: i64,
    drawn: Drawn,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let tz = &ctx.institution.timezone;
    let roster = services.events().roster(staff, date).await?;
    let activity = services
        .events()
        .staff_activity(staff, roster.activity)
        .await?;
    let may_publish = super::checkin::may_publish(services, staff, activity.unit_id).await?;
    let mut registered = Vec::new();
    let mut waiting = Vec::new();
    let mut others = Vec::new();
    for l in &roster.lines {
        let mut line = line(l, &t, tz);
        if may_publish
            && let Some(member) = l.registration.member
            && let Some(until) = services
                .events()
                .member_blocked_until(staff.actor.tenant_id, member)
                .await?
        {
            line.blocked = Some(t.fill(
                Key::evcon_blocked_until,
                &[("until", &words::minute(until, tz))],
            ));
        }
        match l.registration.status.as_str() {
            "confirmed" => registered.push(line),
            "waiting" | "applied" | "offered" => waiting.push(line),
            _ => others.push(line),
        }
    }
    waiting.sort_by_key(|l| (l.order.unwrap_or(i64::MAX), l.id));
    // People, as the door page counts them: a registration's seats include companions.
    let checked: i32 = registered
        .iter()
        .filter(|l| l.attended)
        .map(|l| l.seats)
        .sum();
    let html = render(&RosterPage {
        page: Page::new(
            ctx,
            format!("{} · {}", t.evcon_roster_title(), roster.title),
        )
        .with_notice(drawn.notice),
        activity: roster.activity,
        date,
        when: words::span(roster.starts_at, roster.ends_at, tz, &t),
        seats: t.fill(
            Key::evcon_seats_taken,
            &[("taken", &roster.taken), ("total", &roster.capacity)],
        ),
        checked_in: t.fill(Key::evcon_checked_count, &[("n", &checked)]),
        started: services.now() >= roster.starts_at,
        title: roster.title,
        registered,
        waiting,
        others,
        may_publish,
        form: drawn.form,
        errors: drawn.errors,
        problem: drawn.problem,
        problem_lines: drawn.problem_lines,
    })?;
    Ok((drawn.status, html).into_response())
}

fn line(l: &RosterLine, t: &Tr, tz: &jiff::tz::TimeZone) -> Line {
    let r = &l.registration;
    let companions = if r.companions.is_empty() {
        t.evcon_no_companions().to_owned()
    } else {
        r.companions
            .iter()
            .map(|c| words::companion(c, t))
            .collect::<Vec<_>>()
            .join("、")
    };
    let no_show = r.attendance.as_deref() == Some("no_show");
    Line {
        id: r.id,
        name: r.name.clone(),
        seats: r.seats,
        companions,
        status: words::registration_status(&r.status, t),
        code: r.code.clone(),
        attendance: words::attendance(r.attendance.as_deref(), t),
        attended: r.attendance.as_deref() == Some("attended"),
        walk_in: r.member.is_none(),
        excused: r.excused,
        excusable: !r.excused && r.member.is_some() && (no_show || r.status == "late_cancelled"),
        blocked: None,
        order: r.position,
        offer_until: r.offer_expires_at.map(|at| words::minute(at, tz)),
    }
}

/// The roster as a table in words, for the downloads.
fn table(roster: &Roster, t: &Tr, tz: &jiff::tz::TimeZone) -> export::Table<export::Cell> {
    let headers = [
        Key::event_col_name,
        Key::event_col_seats,
        Key::event_col_companions,
        Key::event_col_status,
        Key::event_col_code,
        Key::event_col_attendance,
        Key::event_col_registered_at,
    ]
    .iter()
    .map(|k| t.get(*k).to_owned())
    .collect();
    let rows = roster
        .lines
        .iter()
        .map(|l| {
            let r = &l.registration;
            let companions: Vec<String> = r
                .companions
                .iter()
                .map(|c| words::companion(c, t))
                .collect();
            vec![
                export::Cell::Text(r.name.clone()),
                export::Cell::Number(f64::from(r.seats)),
                export::Cell::Text(companions.join("、")),
                export::Cell::Text(words::registration_status(&r.status, t)),
                export::Cell::Text(r.code.clone()),
                export::Cell::Text(if r.status == "confirmed" {
                    words::attendance(r.attendance.as_deref(), t)
                } else {
                    String::new()
                }),
                export::Cell::instant(r.created_at.0, tz),
            ]
        })
        .collect();
    export::Table { headers, rows }
}

pub async fn csv(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(date): Path<i64>,
) -> Result<Response, AppError> {
    let roster = state.services.events().roster(&staff, date).await?;
    let table = table(&roster, &ctx.t(), &ctx.institution.timezone);
    Ok(download(
        "text/csv; charset=utf-8",
        &format!("roster-{date}.csv"),
        export::csv(&table),
    ))
}

pub async fn xlsx(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(date): Path<i64>,
) -> Result<Response, AppError> {
    let roster = state.services.events().roster(&staff, date).await?;
    let table = table(&roster, &ctx.t(), &ctx.institution.timezone);
    let bytes = export::xlsx(&table).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("roster-{date}.xlsx"),
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
            // Names of members of the public: not for shared caches.
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "console/events/sheet.html")]
struct SheetPage {
    page: Page,
    date: i64,
    title: String,
    when: String,
    rows: Vec<SheetRow>,
}
framed!(SheetPage);

struct SheetRow {
    name: String,
    seats: i32,
    companions: String,
    code: String,
    /// The code as a QR code, an inline SVG built here from the code alone.
    qr: String,
}

/// The sign-in sheet to print: one row per registration holding a place.
pub async fn sheet(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(date): Path<i64>,
) -> Result<Html<String>, AppError> {
    let t = ctx.t();
    let tz = &ctx.institution.timezone;
    let roster = state.services.events().roster(&staff, date).await?;
    let rows = roster
        .lines
        .iter()
        .filter(|l| l.registration.status == "confirmed")
        .map(|l| {
            let r = &l.registration;
            Ok(SheetRow {
                name: r.name.clone(),
                seats: r.seats,
                companions: r
                    .companions
                    .iter()
                    .map(|c| words::companion(c, &t))
                    .collect::<Vec<_>>()
                    .join("、"),
                code: r.code.clone(),
                qr: crate::events::qr::qr_svg(&r.code, 96),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    render(&SheetPage {
        page: Page::new(
            &ctx,
            format!("{} · {}", t.evcon_sheet_title(), roster.title),
        ),
        date,
        when: words::span(roster.starts_at, roster.ends_at, tz, &t),
        title: roster.title,
        rows,
    })
}

//! `/console/events/dates/{date}/checkin`: the door, phone first. A big field for the short
//! code (typed always works; case, spaces and dashes do not matter, the service reads it)
//! and the answer, big and clear: green "签到成功" with the name, seats and companions,
//! orange "已签到过" with the time on a second scan, red for a code that is unknown, for
//! another date or without a place. Under it, walk-ins. A small script (optional) scans
//! the QR with the camera where the browser can and sends the same form.

use super::words;
use crate::AppState;
use crate::ctx::{Ctx, StaffCtx};
use crate::error::AppError;
use crate::form::{FieldMessages, Form, messages};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{Permission, UnitPath};
use i18n::Key;
use serde::Deserialize;
use services::events::{CheckIn, CheckInOutcome};
use services::{ServiceError, Services, Staff};

#[derive(Template)]
#[template(path = "console/events/checkin.html")]
struct CheckinPage {
    page: Page,
    activity: i64,
    date: i64,
    title: String,
    when: String,
    seats: String,
    checked_in: String,
    result: Option<Outcome>,
    code_error: Option<String>,
    walk_in: WalkInForm,
    errors: FieldMessages,
    problem: Option<String>,
}
framed!(CheckinPage);

/// The answer to one code, in words.
struct Outcome {
    /// ok | again | bad: green, orange, red.
    tone: &'static str,
    headline: String,
    person: Option<String>,
    companions: Option<String>,
    hint: Option<String>,
    /// What was typed, shown back when it found nobody (to spot a mistyped letter).
    typed: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct WalkInForm {
    name: String,
    seats: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

pub async fn show(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(date): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let mut drawn = Drawn::new();
    if q.done == "walkin" {
        drawn.notice = Some(ctx.t().evcon_done_walkin().to_owned());
    }
    draw(&state.services, &ctx, &staff, date, drawn).await
}

pub async fn check(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(date): Path<i64>,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let tz = &ctx.institution.timezone;
    let mut drawn = Drawn::new();
    match state
        .services
        .events()
        .check_in(&staff, date, &form.code)
        .await
    {
        Ok(found) => {
            let mut result = outcome(&found, &t, tz);
            if result.tone == "bad" {
                result.typed = Some(typed(&form.code, &t));
            }
            drawn.result = Some(result);
        }
        Err(ServiceError::Invalid(invalid)) => {
            // Not a code at all: said in the same red box, and next to the field.
            let message = invalid.0.first().map(|e| e.message(&t));
            drawn.result = Some(Outcome {
                tone: "bad",
                headline: t.evcon_unknown().to_owned(),
                person: None,
                companions: None,
                hint: message.clone(),
                typed: Some(typed(&form.code, &t)),
            });
            drawn.code_error = message;
            drawn.status = StatusCode::UNPROCESSABLE_ENTITY;
        }
        Err(e) => return Err(e.into()),
    }
    draw(&state.services, &ctx, &staff, date, drawn).await
}

pub async fn walk_in(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(date): Path<i64>,
    Form(form): Form<WalkInForm>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let added = state
        .services
        .events()
        .add_walk_in(&staff, date, &form.name, &form.seats)
        .await;
    let mut drawn = Drawn::new();
    match added {
        Ok(_) => {
            let to = format!("/console/events/dates/{date}/checkin?done=walkin");
            return Ok(Redirect::to(&to).into_response());
        }
        Err(ServiceError::Invalid(invalid)) => {
            drawn.errors = messages(&invalid, &t);
            drawn.problem = Some(t.err_invalid().to_owned());
            drawn.status = StatusCode::UNPROCESSABLE_ENTITY;
        }
        Err(e @ (ServiceError::Refused { .. } | ServiceError::Conflict)) => {
            let info = AppError::from(e).info();
            drawn.problem = Some(info.message(&t));
            drawn.status = info.status;
        }
        Err(e) => return Err(e.into()),
    }
    drawn.walk_in = form;
    draw(&state.services, &ctx, &staff, date, drawn).await
}

fn outcome(found: &CheckIn, t: &i18n::Tr, tz: &jiff::tz::TimeZone) -> Outcome {
    let person = found.registration.as_ref().map(|r| {
        t.fill(
            Key::evcon_person_seats,
            &[("name", &r.name), ("seats", &r.seats)],
        )
    });
    let companions = found
        .registration
        .as_ref()
        .filter(|r| !r.companions.is_empty())
        .map(|r| {
            let names: Vec<String> = r
                .companions
                .iter()
                .map(|c| words::companion(c, t))
                .collect();
            t.fill(Key::evcon_with, &[("names", &names.join("、"))])
        });
    let (tone, headline, hint) = match found.outcome {
        CheckInOutcome::CheckedIn => ("ok", t.evcon_ok().to_owned(), None),
        CheckInOutcome::AlreadyIn => {
            let at = found
                .earlier
                .map_or_else(|| t.evcon_dash().to_owned(), |at| words::clock(at, tz));
            ("again", t.fill(Key::evcon_again, &[("at", &at)]), None)
        }
        CheckInOutcome::OtherDate => (
            "bad",
            t.evcon_other_date().to_owned(),
            Some(t.evcon_other_date_hint().to_owned()),
        ),
        CheckInOutcome::NoPlace => (
            "bad",
            t.evcon_no_place().to_owned(),
            Some(t.evcon_no_place_hint().to_owned()),
        ),
        CheckInOutcome::Unknown => (
            "bad",
            t.evcon_unknown().to_owned(),
            Some(t.evcon_unknown_hint().to_owned()),
        ),
    };
    Outcome {
        tone,
        headline,
        person,
        companions,
        hint,
        typed: None,
    }
}

/// "输入的是：ZZZZ-ZZZZ", at most a line of it.
fn typed(code: &str, t: &i18n::Tr) -> String {
    let code: String = code.trim().chars().take(40).collect();
    t.fill(Key::evcon_typed, &[("code", &code)])
}

struct Drawn {
    result: Option<Outcome>,
    code_error: Option<String>,
    walk_in: WalkInForm,
    errors: FieldMessages,
    problem: Option<String>,
    notice: Option<String>,
    status: StatusCode,
}

impl Drawn {
    fn new() -> Drawn {
        Drawn {
            result: None,
            code_error: None,
            walk_in: WalkInForm::default(),
            errors: FieldMessages::new(),
            problem: None,
            notice: None,
            status: StatusCode::OK,
        }
    }
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
    let checked: i32 = roster
        .lines
        .iter()
        .filter(|l| l.registration.attendance.as_deref() == Some("attended"))
        .map(|l| l.registration.seats)
        .sum();
    let html = render(&CheckinPage {
        page: Page::new(
            ctx,
            format!("{} · {}", t.evcon_checkin_title(), roster.title),
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
        title: roster.title,
        result: drawn.result,
        code_error: drawn.code_error,
        walk_in: drawn.walk_in,
        errors: drawn.errors,
        problem: drawn.problem,
    })?;
    Ok((drawn.status, html).into_response())
}

/// Whether `staff` is the office over the unit `unit` (publishing, excusing, lifting).
pub(super) async fn may_publish(
    services: &Services,
    staff: &Staff,
    unit: i64,
) -> Result<bool, AppError> {
    let tree = services.org_tree(staff.actor.tenant_id).await?;
    Ok(tree.unit(domain::UnitId(unit)).is_some_and(|u| {
        staff.actor.can(
            Permission::PublishEvents,
            &UnitPath::from_stored(u.path.clone()),
        )
    }))
}

//! `/console/events/{id}`: one activity — its facts, its dates with seats, waiting list,
//! roster and check-in links, the "add a date" form (with up to two reserves), and for the
//! office the publish button and moving or cancelling a date with a reason.
//!
//! Every action posts back here and redirects to the page with a message; a refused one
//! draws the page again with what was typed and why, as the notices' page does.

use super::words;
use crate::AppState;
use crate::choices::Choice;
use crate::ctx::{Ctx, StaffCtx};
use crate::error::AppError;
use crate::form::{FieldMessages, Form, messages};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{Permission, UnitKind, UnitPath};
use i18n::{Key, Tr};
use serde::Deserialize;
use services::events::{ActivityView, DateDraft, ReserveDraft};
use services::{ServiceError, Services, Staff};

#[derive(Template)]
#[template(path = "console/events/activity.html")]
struct ActivityPage {
    page: Page,
    a: ActivityView,
    facts: Vec<(&'static str, String)>,
    status: String,
    dates: Vec<DateRow>,
    may_publish: bool,
    townships: Vec<Choice>,
    reserves: Vec<ReserveRow>,
    form: ActionForm,
    errors: FieldMessages,
    problem: Option<String>,
    problem_lines: Vec<String>,
    window_hint: String,
}
framed!(ActivityPage);

struct DateRow {
    id: i64,
    version: i64,
    when: String,
    seats: String,
    waiting: String,
    cancelled: bool,
    starts_input: String,
    ends_input: String,
}

/// One of the two reserve rows of the "add a date" form, as typed.
struct ReserveRow {
    index: usize,
    number: usize,
    legend: String,
    audience: String,
    township: String,
    min_age: String,
    seats: String,
    released_at: String,
}

impl ReserveRow {
    /// The name the service gives this row's `field` in its errors.
    fn key(&self, field: &str) -> String {
        format!("reserves[{}].{field}", self.index)
    }
}

/// Every action form of the page; each sends `action` and its own fields.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    action: String,
    version: String,
    /// The date moved or cancelled, and the version of it the page showed.
    date: String,
    date_version: String,
    starts_at: String,
    ends_at: String,
    capacity: String,
    reason: String,
    r1_audience: String,
    r1_township: String,
    r1_min_age: String,
    r1_seats: String,
    r1_released_at: String,
    r2_audience: String,
    r2_township: String,
    r2_min_age: String,
    r2_seats: String,
    r2_released_at: String,
}

impl ActionForm {
    /// Whether the form last sent was `act` (for the date `date`, when given): its errors
    /// show there.
    fn sent(&self, act: &str, date: &i64) -> bool {
        self.action == act && (self.date.is_empty() || self.date == date.to_string())
    }

    fn reserves(&self) -> Vec<ReserveDraft> {
        let row =
            |audience: &str, township: &str, min_age: &str, seats: &str, at: &str| ReserveDraft {
                audience: audience.trim().to_owned(),
                township: township.to_owned(),
                min_age: min_age.to_owned(),
                seats: seats.to_owned(),
                released_at: at.to_owned(),
            };
        vec![
            row(
                &self.r1_audience,
                &self.r1_township,
                &self.r1_min_age,
                &self.r1_seats,
                &self.r1_released_at,
            ),
            row(
                &self.r2_audience,
                &self.r2_township,
                &self.r2_min_age,
                &self.r2_seats,
                &self.r2_released_at,
            ),
        ]
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

pub async fn show(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let a = state.services.events().staff_activity(&staff, id).await?;
    let t = ctx.t();
    let drawn = Drawn {
        form: ActionForm::default(),
        errors: FieldMessages::new(),
        problem: None,
        problem_lines: Vec::new(),
        notice: done_message(&t, &q.done),
        status: StatusCode::OK,
    };
    draw(&state.services, &ctx, &staff, a, drawn).await
}

pub async fn act(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Result<Response, AppError> {
    let services = &state.services;
    let t = ctx.t();
    let refused = match perform(services, &staff, id, &form).await {
        Ok(done) => {
            return Ok(Redirect::to(&format!("/console/events/{id}?done={done}")).into_response());
        }
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
    // The page shows the activity as it is now; someone who may not see it gets the 404.
    let a = services.events().staff_activity(&staff, id).await?;
    draw(services, &ctx, &staff, a, drawn).await
}

async fn perform(
    services: &Services,
    staff: &Staff,
    id: i64,
    form: &ActionForm,
) -> Result<&'static str, ServiceError> {
    let events = services.events();
    let number = |s: &str, field: &'static str| {
        s.trim()
            .parse::<i64>()
            .map_err(|_| ServiceError::invalid(field, Key::err_choice))
    };
    let done = match form.action.as_str() {
        "add_date" => {
            let draft = DateDraft {
                starts_at: form.starts_at.clone(),
                ends_at: form.ends_at.clone(),
                capacity: form.capacity.clone(),
                reserves: form.reserves(),
            };
            events.add_date(staff, id, &draft).await?;
            "date_added"
        }
        "publish" => {
            let version = number(&form.version, "version")?;
            events.publish_activity(staff, id, version).await?;
            "published"
        }
        "move" => {
            let date = own_date(services, staff, id, &form.date).await?;
            let version = number(&form.date_version, "date_version")?;
            events
                .move_date(staff, date, &form.starts_at, &form.ends_at, version)
                .await?;
            "moved"
        }
        "cancel" => {
            let date = own_date(services, staff, id, &form.date).await?;
            let version = number(&form.date_version, "date_version")?;
            events
                .cancel_date(staff, date, &form.reason, version)
                .await?;
            "cancelled"
        }
        _ => return Err(ServiceError::invalid("action", Key::err_choice)),
    };
    Ok(done)
}

/// The date named by the form, if it is one of this activity's.
async fn own_date(
    services: &Services,
    staff: &Staff,
    activity: i64,
    date: &str,
) -> Result<i64, ServiceError> {
    let date: i64 = date.trim().parse().map_err(|_| ServiceError::NotFound)?;
    let a = services.events().staff_activity(staff, activity).await?;
    if a.dates.iter().any(|d| d.id == date) {
        Ok(date)
    } else {
        Err(ServiceError::NotFound)
    }
}

fn done_message(t: &Tr, done: &str) -> Option<String> {
    let key = match done {
        "created" => Key::evcon_done_created,
        "saved" => Key::evcon_done_saved,
        "date_added" => Key::evcon_done_date_added,
        "published" => Key::evcon_done_published,
        "moved" => Key::evcon_done_moved,
        "cancelled" => Key::evcon_done_cancelled,
        _ => return None,
    };
    Some(t.get(key).to_owned())
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
    a: ActivityView,
    drawn: Drawn,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let tz = &ctx.institution.timezone;
    let tree = services.org_tree(staff.actor.tenant_id).await?;
    let may_publish = tree.unit(domain::UnitId(a.unit_id)).is_some_and(|u| {
        staff.actor.can(
            Permission::PublishEvents,
            &UnitPath::from_stored(u.path.clone()),
        )
    });
    let townships = tree
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Station)
        .map(|u| Choice {
            value: u.id.to_string(),
            label: u.name.clone(),
        })
        .collect();
    let dates = a
        .dates
        .iter()
        .map(|d| DateRow {
            id: d.id,
            version: d.version,
            when: words::span(d.starts_at, d.ends_at, tz, &t),
            seats: t.fill(
                Key::evcon_seats_taken,
                &[
                    ("taken", &(d.capacity - d.seats_left).max(0)),
                    ("total", &d.capacity),
                ],
            ),
            waiting: t.fill(Key::evcon_waiting_n, &[("n", &d.waiting)]),
            cancelled: d.cancelled,
            starts_input: words::local_input(d.starts_at, tz),
            ends_input: words::local_input(d.ends_at, tz),
        })
        .collect();
    let f = &drawn.form;
    let adding = f.action == "add_date";
    let typed = |s: &String| if adding { s.clone() } else { String::new() };
    let reserves = vec![
        ReserveRow {
            index: 0,
            number: 1,
            legend: t.fill(Key::evcon_reserve_legend, &[("n", &1)]),
            audience: typed(&f.r1_audience),
            township: typed(&f.r1_township),
            min_age: typed(&f.r1_min_age),
            seats: typed(&f.r1_seats),
            released_at: typed(&f.r1_released_at),
        },
        ReserveRow {
            index: 1,
            number: 2,
            legend: t.fill(Key::evcon_reserve_legend, &[("n", &2)]),
            audience: typed(&f.r2_audience),
            township: typed(&f.r2_township),
            min_age: typed(&f.r2_min_age),
            seats: typed(&f.r2_seats),
            released_at: typed(&f.r2_released_at),
        },
    ];
    let facts = facts(&a, &t, tz);
    let tz_name = tz.iana_name().unwrap_or("Asia/Shanghai").to_owned();
    let html = render(&ActivityPage {
        page: Page::new(ctx, a.title.clone()).with_notice(drawn.notice),
        status: words::activity_status(&a.status, &t),
        facts,
        dates,
        may_publish,
        townships,
        reserves,
        window_hint: t.fill(Key::evcon_f_window_hint, &[("tz", &tz_name)]),
        a,
        form: drawn.form,
        errors: drawn.errors,
        problem: drawn.problem,
        problem_lines: drawn.problem_lines,
    })?;
    Ok((drawn.status, html).into_response())
}

/// The activity's fields in words, label first.
fn facts(a: &ActivityView, t: &Tr, tz: &jiff::tz::TimeZone) -> Vec<(&'static str, String)> {
    let given = |s: &str| {
        if s.trim().is_empty() {
            t.evcon_not_given().to_owned()
        } else {
            s.to_owned()
        }
    };
    let time = |at: Option<domain::Timestamp>| {
        at.map_or_else(
            || t.evcon_not_given().to_owned(),
            |at| words::minute(at, tz),
        )
    };
    let ages = match (a.age_min, a.age_max) {
        (None, None) => t.evcon_ages_any().to_owned(),
        (min, max) => t.fill(
            Key::evcon_ages,
            &[
                (
                    "min",
                    &min.map_or_else(|| "0".to_owned(), |n| n.to_string()),
                ),
                (
                    "max",
                    &max.map_or_else(|| "120".to_owned(), |n| n.to_string()),
                ),
            ],
        ),
    };
    let mut out = vec![
        (
            t.evcon_f_category(),
            words::label_of(&words::CATEGORIES, &a.category, t),
        ),
        (t.evcon_f_unit(), a.unit_name.clone()),
        (t.evcon_f_venue(), given(&a.venue)),
        (t.evcon_f_address(), given(&a.address)),
        (
            t.evcon_f_audience(),
            words::label_of(&words::AUDIENCES, &a.audience, t),
        ),
        (t.evcon_f_ages(), ages),
        (t.evcon_f_contact(), given(&a.contact)),
        (t.evcon_f_booking(), words::booking_label(&a.booking, t)),
        (
            t.evcon_f_allocation(),
            words::allocation_label(&a.allocation, t),
        ),
        (t.evcon_f_opens_at(), time(a.opens_at)),
        (t.evcon_f_priority_opens_at(), time(a.priority_opens_at)),
        (t.evcon_f_closes_at(), time(a.closes_at)),
        (t.evcon_f_cancel_hours(), a.cancel_hours.to_string()),
        (t.evcon_f_companions_max(), a.companions_max.to_string()),
    ];
    if let Some((lat, lon)) = a.position {
        out.insert(4, (t.evcon_f_position(), format!("{lat},{lon}")));
    }
    out
}

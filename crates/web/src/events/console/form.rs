//! `/console/events/new` and `/console/events/{id}/edit`: the activity form — title,
//! description, category, organising unit, venue, audience and ages, contact, how people
//! register and how seats are given out (each explained in plain words), the registration
//! times, the cancelling limit and companions.
//!
//! As the notices' form does: a refused form comes back with what was typed, each error
//! next to its field and a summary on top; a save over someone else's newer one is the
//! "someone else changed this, reload" conflict, and nothing is saved.

use super::words;
use crate::AppState;
use crate::choices::Choice;
use crate::ctx::{Ctx, StaffCtx};
use crate::error::AppError;
use crate::form::{FieldMessages, Form, messages};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{ConsolePowers, Permission, UnitPath};
use i18n::Key;
use serde::Deserialize;
use services::events::{ActivityDraft, ActivityView};
use services::{ServiceError, Services, Staff};

/// The fields the form shows an error next to; others go in the summary.
const FIELDS: [&str; 18] = [
    "title",
    "description",
    "category",
    "unit",
    "venue",
    "address",
    "position",
    "audience",
    "age_min",
    "age_max",
    "contact",
    "booking",
    "allocation",
    "opens_at",
    "priority_opens_at",
    "closes_at",
    "cancel_hours",
    "companions_max",
];

#[derive(Template)]
#[template(path = "console/events/form.html")]
struct FormPage {
    page: Page,
    editing: Option<i64>,
    action: String,
    form: ActivityDraft,
    seen: String,
    errors: FieldMessages,
    problem: Option<String>,
    problem_lines: Vec<String>,
    /// Each field's error in the summary, linked to its field.
    problem_links: Vec<(String, String)>,
    categories: Vec<Choice>,
    units: Vec<Choice>,
    audiences: Vec<Choice>,
    bookings: Vec<words::Explained>,
    allocations: Vec<words::Explained>,
    window_hint: String,
}
framed!(FormPage);

/// The form as posted: the draft, and the version the editor saw.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Posted {
    #[serde(flatten)]
    draft: ActivityDraft,
    seen: String,
}

#[derive(Clone, Copy)]
enum Target {
    New,
    Edit(i64),
}

pub async fn show_new(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
) -> Result<Response, AppError> {
    if !ConsolePowers::of(&staff.actor).events {
        return Err(ServiceError::Forbidden.into());
    }
    let units = units(&state.services, &staff).await?;
    let form = ActivityDraft {
        category: "activity".into(),
        audience: "all".into(),
        booking: "per_date".into(),
        allocation: "first_come".into(),
        // The staff member's own unit (the first in tree order of those they organise
        // for) is chosen already; a station or service point is a choice away.
        unit: units.first().map(|u| u.value.clone()).unwrap_or_default(),
        ..ActivityDraft::default()
    };
    let view = View::fresh(form, String::new());
    page(
        &state.services,
        &ctx,
        &staff,
        Target::New,
        view,
        StatusCode::OK,
    )
    .await
}

pub async fn show_edit(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let a = state.services.events().staff_activity(&staff, id).await?;
    let view = View::fresh(
        draft_of(&a, &ctx.institution.timezone),
        a.version.to_string(),
    );
    page(
        &state.services,
        &ctx,
        &staff,
        Target::Edit(id),
        view,
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Form(posted): Form<Posted>,
) -> Result<Response, AppError> {
    save(&state.services, &ctx, &staff, Target::New, posted).await
}

pub async fn update(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(id): Path<i64>,
    Form(posted): Form<Posted>,
) -> Result<Response, AppError> {
    save(&state.services, &ctx, &staff, Target::Edit(id), posted).await
}

async fn save(
    services: &Services,
    ctx: &Ctx,
    staff: &Staff,
    target: Target,
    posted: Posted,
) -> Result<Response, AppError> {
    let saved = match target {
        Target::New => {
            services
                .events()
                .create_activity(staff, &posted.draft)
                .await
        }
        Target::Edit(id) => {
            let seen = posted.seen.trim().parse().unwrap_or(-1);
            services
                .events()
                .update_activity(staff, id, &posted.draft, seen)
                .await
                .map(|()| id)
        }
    };
    let e = match saved {
        Ok(id) => {
            let done = match target {
                Target::New => "created",
                Target::Edit(_) => "saved",
            };
            return Ok(Redirect::to(&format!("/console/events/{id}?done={done}")).into_response());
        }
        Err(e) => e,
    };
    let t = ctx.t();
    let mut view = View::fresh(posted.draft, posted.seen);
    let status = match e {
        ServiceError::Invalid(invalid) => {
            view.errors = messages(&invalid, &t);
            view.problem = Some(t.err_invalid().to_owned());
            view.problem_lines = invalid
                .0
                .iter()
                .filter(|e| !FIELDS.contains(&e.field.as_str()))
                .map(|e| e.message(&t))
                .collect();
            StatusCode::UNPROCESSABLE_ENTITY
        }
        ServiceError::Conflict => {
            // Saved meanwhile from elsewhere: what was typed stays, and saving again is a
            // choice made knowing that.
            if let Target::Edit(id) = target {
                let a = services.events().staff_activity(staff, id).await?;
                view.seen = a.version.to_string();
            }
            view.problem = Some(t.err_conflict().to_owned());
            StatusCode::CONFLICT
        }
        e @ ServiceError::Refused { .. } => {
            let info = AppError::from(e).info();
            view.problem = Some(info.message(&t));
            info.status
        }
        e => return Err(e.into()),
    };
    page(services, ctx, staff, target, view, status).await
}

/// The summary's lines for the fields in error, in the form's order: "活动名称：请填写", linked
/// to the field.
fn links(errors: &FieldMessages, t: &i18n::Tr) -> Vec<(String, String)> {
    FIELDS
        .iter()
        .filter_map(|field| {
            let message = errors.get(field)?;
            let label = match *field {
                "title" => t.evcon_f_title(),
                "description" => t.evcon_f_description(),
                "category" => t.evcon_f_category(),
                "unit" => t.evcon_f_unit(),
                "venue" => t.evcon_f_venue(),
                "address" => t.evcon_f_address(),
                "position" => t.evcon_f_position(),
                "audience" => t.evcon_f_audience(),
                "age_min" => t.evcon_f_age_min(),
                "age_max" => t.evcon_f_age_max(),
                "contact" => t.evcon_f_contact(),
                "booking" => t.evcon_f_booking(),
                "allocation" => t.evcon_f_allocation(),
                "opens_at" => t.evcon_f_opens_at(),
                "priority_opens_at" => t.evcon_f_priority_opens_at(),
                "closes_at" => t.evcon_f_closes_at(),
                "cancel_hours" => t.evcon_f_cancel_hours(),
                _ => t.evcon_f_companions_max(),
            };
            let href = match *field {
                "booking" | "allocation" => format!("#f-{field}-{}", first_option(field)),
                _ => format!("#f-{field}"),
            };
            Some((
                href,
                t.fill(
                    i18n::Key::evcon_field_error,
                    &[("label", &label), ("message", message)],
                ),
            ))
        })
        .collect()
}

/// The first radio button of a choice, where its link points.
fn first_option(field: &str) -> &'static str {
    if field == "booking" {
        words::BOOKINGS[0].0
    } else {
        words::ALLOCATIONS[0].0
    }
}

/// The form of a saved activity.
fn draft_of(a: &ActivityView, tz: &jiff::tz::TimeZone) -> ActivityDraft {
    let time =
        |at: Option<domain::Timestamp>| at.map(|at| words::local_input(at, tz)).unwrap_or_default();
    let number = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
    ActivityDraft {
        title: a.title.clone(),
        description: a.description.clone(),
        category: a.category.clone(),
        unit: a.unit_id.to_string(),
        venue: a.venue.clone(),
        address: a.address.clone(),
        position: a
            .position
            .map(|(lat, lon)| format!("{lat},{lon}"))
            .unwrap_or_default(),
        audience: a.audience.clone(),
        age_min: number(a.age_min),
        age_max: number(a.age_max),
        contact: a.contact.clone(),
        booking: a.booking.clone(),
        allocation: a.allocation.clone(),
        // Once published without an opening time, the view gives the publishing time:
        // registration opened then, so keeping it changes nothing.
        opens_at: time(a.opens_at),
        priority_opens_at: time(a.priority_opens_at),
        closes_at: time(a.closes_at),
        cancel_hours: a.cancel_hours.to_string(),
        companions_max: a.companions_max.to_string(),
    }
}

struct View {
    form: ActivityDraft,
    seen: String,
    errors: FieldMessages,
    problem: Option<String>,
    problem_lines: Vec<String>,
}

impl View {
    fn fresh(form: ActivityDraft, seen: String) -> View {
        View {
            form,
            seen,
            errors: FieldMessages::new(),
            problem: None,
            problem_lines: Vec::new(),
        }
    }
}

/// The units `staff` may organise activities for, in tree order.
pub(super) async fn units(services: &Services, staff: &Staff) -> Result<Vec<Choice>, AppError> {
    let tree = services.org_tree(staff.actor.tenant_id).await?;
    let scopes: Vec<&UnitPath> = staff
        .actor
        .grants
        .iter()
        .filter(|g| g.role.permissions().contains(&Permission::WriteEvents))
        .map(|g| &g.scope)
        .collect();
    Ok(tree
        .units
        .iter()
        .filter(|u| {
            let path = UnitPath::from_stored(u.path.clone());
            scopes.iter().any(|s| path.is_within(s))
        })
        .map(|u| Choice {
            value: u.id.to_string(),
            label: format!("{}{}", "　".repeat(u.depth), u.name),
        })
        .collect())
}

async fn page(
    services: &Services,
    ctx: &Ctx,
    staff: &Staff,
    target: Target,
    view: View,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let (editing, action, title) = match target {
        Target::New => (None, "/console/events/new".to_owned(), t.evcon_new_title()),
        Target::Edit(id) => (
            Some(id),
            format!("/console/events/{id}/edit"),
            t.evcon_edit_title(),
        ),
    };
    let tz_name = ctx
        .institution
        .timezone
        .iana_name()
        .unwrap_or("Asia/Shanghai")
        .to_owned();
    let problem_links = links(&view.errors, &t);
    let html = render(&FormPage {
        page: Page::new(ctx, title),
        problem_links,
        editing,
        action,
        categories: words::choices(&words::CATEGORIES, &t),
        units: units(services, staff).await?,
        audiences: words::choices(&words::AUDIENCES, &t),
        bookings: words::explained(&words::BOOKINGS, &t),
        allocations: words::explained(&words::ALLOCATIONS, &t),
        window_hint: t.fill(Key::evcon_f_window_hint, &[("tz", &tz_name)]),
        form: view.form,
        seen: view.seen,
        errors: view.errors,
        problem: view.problem,
        problem_lines: view.problem_lines,
    })?;
    Ok((status, html).into_response())
}

//! `/events/dates/{date}/register`: a signed-in member registers themself and up to
//! `companions_max` companions (one row each; without script every row is on the page),
//! and says whether to join the waiting list when the date is full. A member who is not
//! signed in is sent to the texted-code sign-in and comes back here.
//!
//! Success redirects to the registration's own page, `/e/{token}?done=1` (POST, redirect,
//! GET), which states the outcome in plain words with the check-in code, its QR code and
//! the link to keep. Mistakes come back beside their fields, listed at the top.

use super::view;
use crate::AppState;
use crate::choices::Choice;
use crate::ctx::MemberCtx;
use crate::error::AppError;
use crate::form::{FieldMessages, Form, messages};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::UnitKind;
use i18n::Key;
use services::ServiceError;
use services::events::{ActivityView, CompanionForm, RegistrationForm};

/// One companion row of the form.
pub struct CompanionRow {
    pub index: usize,
    pub name_label: String,
    pub year_label: String,
    pub name: String,
    pub birth_year: String,
    pub name_error: Option<String>,
    pub year_error: Option<String>,
}

pub struct ErrorLink {
    pub anchor: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "events/register.html")]
struct RegisterPage {
    page: Page,
    date: i64,
    activity: i64,
    heading: String,
    when: String,
    venue: String,
    form: RegistrationForm,
    errors: FieldMessages,
    error_links: Vec<ErrorLink>,
    /// A refusal about the whole registration: full, already registered, not open yet.
    error: Option<String>,
    needs_ages: bool,
    ages: Option<String>,
    townships: Vec<Choice>,
    companions: Vec<CompanionRow>,
    companions_legend: String,
    lottery: bool,
    submit: &'static str,
}
framed!(RegisterPage);

pub async fn show(
    State(state): State<AppState>,
    MemberCtx { ctx, member: _ }: MemberCtx,
    Path(date): Path<i64>,
) -> Result<Response, AppError> {
    let a = view::activity_of_date(&state.services, ctx.institution.id, date).await?;
    let form = RegistrationForm::default();
    page(&state, &ctx, &a, date, form, Failure::None, StatusCode::OK).await
}

pub async fn submit(
    State(state): State<AppState>,
    MemberCtx { ctx, member }: MemberCtx,
    Path(date): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let form = read(&fields);
    let outcome = state.services.events().register(&member, date, &form).await;
    match outcome {
        Ok(done) => Ok(Redirect::to(&format!("/e/{}?done=1", done.token)).into_response()),
        Err(ServiceError::Invalid(invalid)) => {
            let a = view::activity_of_date(&state.services, ctx.institution.id, date).await?;
            page(
                &state,
                &ctx,
                &a,
                date,
                form,
                Failure::Fields(invalid),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(
            e @ (ServiceError::Refused { .. }
            | ServiceError::RateLimited { .. }
            | ServiceError::Conflict),
        ) => {
            let a = view::activity_of_date(&state.services, ctx.institution.id, date).await?;
            let info = AppError::from(e).info();
            let message = info.message(&ctx.t());
            page(
                &state,
                &ctx,
                &a,
                date,
                form,
                Failure::Whole(message),
                info.status,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The form's fields: `name`, `birth_year`, `township`, `companions[i].name`,
/// `companions[i].birth_year`, `join_waiting_list`. Rows beyond a sane number are not
/// read (the service refuses more companions than the activity allows, by name).
pub fn read(fields: &[(String, String)]) -> RegistrationForm {
    let mut form = RegistrationForm::default();
    for (name, value) in fields {
        match name.as_str() {
            "name" => form.name = value.clone(),
            "birth_year" => form.birth_year = value.clone(),
            "township" => form.township = value.clone(),
            "join_waiting_list" => form.join_waiting_list = !value.is_empty(),
            other => {
                let Some(rest) = other.strip_prefix("companions[") else {
                    continue;
                };
                let Some((index, field)) = rest.split_once("].") else {
                    continue;
                };
                let Ok(index) = index.parse::<usize>() else {
                    continue;
                };
                if index >= 16 {
                    continue;
                }
                if form.companions.len() <= index {
                    form.companions.resize(index + 1, CompanionForm::default());
                }
                match field {
                    "name" => form.companions[index].name = value.clone(),
                    "birth_year" => form.companions[index].birth_year = value.clone(),
                    _ => {}
                }
            }
        }
    }
    form
}

enum Failure {
    None,
    Fields(domain::Invalid),
    Whole(String),
}

async fn page(
    state: &AppState,
    ctx: &crate::ctx::Ctx,
    a: &ActivityView,
    date: i64,
    form: RegistrationForm,
    failure: Failure,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let tz = ctx.institution.timezone.clone();
    let d = a
        .dates
        .iter()
        .find(|d| d.id == date)
        .ok_or(AppError::NotFound)?;
    let (errors, error) = match &failure {
        Failure::None => (FieldMessages::new(), None),
        Failure::Fields(invalid) => (messages(invalid, &t), None),
        Failure::Whole(message) => (FieldMessages::new(), Some(message.clone())),
    };
    let max = usize::try_from(a.companions_max).unwrap_or(0);
    let rows = max.max(form.companions.len().min(16));
    let companions = (0..rows)
        .map(|i| {
            let typed = form.companions.get(i).cloned().unwrap_or_default();
            let n = i + 1;
            CompanionRow {
                index: i,
                name_label: t.fill(Key::evpub_companion_name, &[("n", &n)]),
                year_label: t.fill(Key::evpub_companion_year, &[("n", &n)]),
                name: typed.name,
                birth_year: typed.birth_year,
                name_error: errors.get(format!("companions[{i}].name")).cloned(),
                year_error: errors.get(format!("companions[{i}].birth_year")).cloned(),
            }
        })
        .collect();
    let mut error_links = Vec::new();
    if let Failure::Fields(invalid) = &failure {
        for e in &invalid.0 {
            let (anchor, label) = match e.field.as_str() {
                "name" => ("f-name".to_owned(), t.evpub_name().to_owned()),
                "birth_year" => ("f-birth_year".to_owned(), t.evpub_birth_year().to_owned()),
                "township" => ("f-township".to_owned(), t.evpub_township().to_owned()),
                "companions" => (
                    "companions".to_owned(),
                    t.fill(Key::evpub_companions, &[("max", &max)]),
                ),
                other => match companion_field(other) {
                    Some((i, "name")) => (
                        format!("f-companions-{i}-name"),
                        t.fill(Key::evpub_companion_name, &[("n", &(i + 1))]),
                    ),
                    Some((i, _)) => (
                        format!("f-companions-{i}-birth_year"),
                        t.fill(Key::evpub_companion_year, &[("n", &(i + 1))]),
                    ),
                    None => ("register-form".to_owned(), other.to_owned()),
                },
            };
            error_links.push(ErrorLink {
                anchor,
                text: format!("{label}：{}", e.message(&t)),
            });
        }
    }
    let townships = state
        .services
        .public_units(&ctx.institution)
        .await?
        .into_iter()
        .filter(|u| u.kind == UnitKind::Station)
        .map(|u| Choice {
            value: u.id.0.to_string(),
            label: u.name,
        })
        .collect();
    let lottery = a.allocation == "lottery";
    let page_view = RegisterPage {
        page: Page::new(
            ctx,
            t.fill(Key::evpub_register_title, &[("title", &a.title)]),
        ),
        date,
        activity: a.id,
        heading: t.fill(Key::evpub_register_title, &[("title", &a.title)]),
        when: t.fill(
            Key::evpub_for_date,
            &[("when", &view::when(&t, &tz, d.starts_at, d.ends_at))],
        ),
        venue: a.venue.clone(),
        form,
        errors,
        error_links,
        error,
        needs_ages: a.age_min.is_some() || a.age_max.is_some(),
        ages: view::ages(&t, a.age_min, a.age_max),
        townships,
        companions,
        companions_legend: t.fill(Key::evpub_companions, &[("max", &max)]),
        lottery,
        submit: if lottery {
            t.evpub_apply()
        } else {
            t.evpub_submit()
        },
    };
    Ok((status, render(&page_view)?).into_response())
}

/// `companions[2].birth_year` → (2, "birth_year").
fn companion_field(field: &str) -> Option<(usize, &str)> {
    let rest = field.strip_prefix("companions[")?;
    let (i, f) = rest.split_once("].")?;
    Some((i.parse().ok()?, f))
}

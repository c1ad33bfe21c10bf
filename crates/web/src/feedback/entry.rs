//! `/console/feedback/new`: staff type in feedback that came on paper or by voice — the
//! suggestion box (意见箱), the comment book (意见簿), a forum (座谈会), a phone call.

use super::names::{self, Names};
use crate::AppState;
use crate::choices::Choice;
use crate::ctx::{Ctx, StaffCtx};
use crate::error::AppError;
use crate::form::{FieldMessages, Form, messages};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ConsolePowers;
use serde::Deserialize;
use services::feedback::{Intake, OfflineEntry};
use services::{ServiceError, Services, Staff};

#[derive(Template)]
#[template(path = "console/feedback_entry.html")]
struct EntryPage {
    page: Page,
    form: EntryForm,
    errors: FieldMessages,
    channels: Vec<Choice>,
    kinds: Vec<Choice>,
    categories: Vec<Choice>,
    units: Vec<Choice>,
    /// Today where the institution is: no later date can be chosen.
    today: String,
}
framed!(EntryPage);

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct EntryForm {
    channel: String,
    received_on: String,
    contact_name: String,
    mobile: String,
    email: String,
    kind: String,
    category: String,
    unit: String,
    text: String,
    /// Made when the form is drawn: a double click enters the item once.
    submission_key: String,
}

pub async fn show(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
) -> Result<Response, AppError> {
    let form = EntryForm {
        submission_key: services::new_token(),
        ..Default::default()
    };
    page(
        &state.services,
        &ctx,
        &staff,
        form,
        FieldMessages::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn submit(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Form(form): Form<EntryForm>,
) -> Result<Response, AppError> {
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let entry = OfflineEntry {
        intake: Intake {
            text: form.text.clone(),
            kind: form.kind.clone(),
            category: some(&form.category),
            unit: some(&form.unit),
            contact_name: some(&form.contact_name),
            mobile: some(&form.mobile),
            email: some(&form.email),
            // Someone who wrote in the comment book chose no public name: anonymous.
            display_name: None,
            submission_key: some(&form.submission_key),
        },
        channel: form.channel.clone(),
        received_on: some(&form.received_on),
    };
    match state
        .services
        .feedback()
        .enter_offline_feedback(&staff, entry)
        .await
    {
        Ok(submitted) => Ok(Redirect::to(&format!(
            "/console/feedback/{}?done=entered",
            submitted.id
        ))
        .into_response()),
        Err(ServiceError::Invalid(invalid)) => {
            let errors = messages(&invalid, &ctx.t());
            page(
                &state.services,
                &ctx,
                &staff,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn page(
    services: &Services,
    ctx: &Ctx,
    staff: &Staff,
    form: EntryForm,
    errors: FieldMessages,
    status: StatusCode,
) -> Result<Response, AppError> {
    // Entering feedback is the office's intake work.
    if !ConsolePowers::of(&staff.actor).enter_feedback {
        return Err(ServiceError::Forbidden.into());
    }
    let t = ctx.t();
    let names = Names::load(services, staff, &t).await?;
    let today = services.now().in_zone(&ctx.institution.timezone).date();
    let html = render(&EntryPage {
        page: Page::new(ctx, t.fentry_title()),
        form,
        errors,
        channels: names::offline_channels(&t),
        kinds: names::kinds(&t),
        categories: names.categories.clone(),
        units: names.units.clone(),
        today: today.to_string(),
    })?;
    Ok((status, html).into_response())
}

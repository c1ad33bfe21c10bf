//! `/console/settings/feedback`: the institution's feedback settings, and the way into the
//! other settings pages. `/console/settings` sends each person to the first page they may use.

use super::tabs::{Done, Tab, answer, tabs};
use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::form::{FieldMessages, Form};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ConsolePowers;
use domain::{FieldError, Invalid};
use i18n::Key;
use serde::Deserialize;
use services::ServiceError;
use services::feedback::FeedbackSettings;

const PATH: &str = "/console/settings/feedback";
/// Reminder and escalation times are typed in working hours, at most thirty days' worth
/// (the service's limit in minutes).
const MAX_HOURS: i64 = 30 * 24;

#[derive(Template)]
#[template(path = "console/settings/feedback.html")]
struct SettingsPage {
    page: Page,
    tabs: Vec<Tab>,
    form: SettingsForm,
    errors: FieldMessages,
}
framed!(SettingsPage);

/// The settings as the form shows them: numbers as typed, times in hours.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SettingsForm {
    accept_unverified: Option<String>,
    confirm_unverified: Option<String>,
    publish_by_default: Option<String>,
    publish_confident_guesses: Option<String>,
    reopen_days: String,
    retention_days: String,
    remind_before_hours: String,
    director_after_hours: String,
    per_contact_per_day: String,
    per_ip_per_hour: String,
    /// One phone number or address a line.
    public_contacts: String,
}

impl SettingsForm {
    fn from_settings(s: &FeedbackSettings) -> SettingsForm {
        let on = |b: bool| b.then(|| "on".to_owned());
        SettingsForm {
            accept_unverified: on(s.accept_unverified),
            confirm_unverified: on(s.confirm_unverified),
            publish_by_default: on(s.publish_by_default),
            publish_confident_guesses: on(s.publish_confident_guesses),
            reopen_days: s.reopen_days.to_string(),
            retention_days: s.retention_days.to_string(),
            // Stored in minutes; whole hours are what people set.
            remind_before_hours: (s.remind_before_minutes / 60).to_string(),
            director_after_hours: (s.director_after_minutes / 60).to_string(),
            per_contact_per_day: s.per_contact_per_day.to_string(),
            per_ip_per_hour: s.per_ip_per_hour.to_string(),
            public_contacts: s.public_contacts.join("\n"),
        }
    }

    /// The settings as typed; a value that is not a number is 0, which the service refuses
    /// naming the field and the range.
    fn settings(&self) -> FeedbackSettings {
        let number = |v: &str| v.trim().parse::<i64>().unwrap_or(0);
        let minutes = |v: &str| number(v).saturating_mul(60);
        FeedbackSettings {
            accept_unverified: self.accept_unverified.is_some(),
            confirm_unverified: self.confirm_unverified.is_some(),
            publish_by_default: self.publish_by_default.is_some(),
            publish_confident_guesses: self.publish_confident_guesses.is_some(),
            reopen_days: number(&self.reopen_days),
            retention_days: number(&self.retention_days),
            remind_before_minutes: minutes(&self.remind_before_hours),
            director_after_minutes: minutes(&self.director_after_hours),
            per_contact_per_day: number(&self.per_contact_per_day),
            per_ip_per_hour: number(&self.per_ip_per_hour),
            // Not on this form: kept as stored (see `save`).
            priority_weights: Default::default(),
            public_contacts: self.public_contacts.lines().map(str::to_owned).collect(),
        }
    }
}

/// The service names the stored fields, in minutes; the form has hours.
fn in_hours(invalid: Invalid) -> Invalid {
    Invalid(
        invalid
            .0
            .into_iter()
            .map(|e| match e.field.as_str() {
                "remind_before_minutes" | "director_after_minutes" => {
                    FieldError::new(e.field.replace("_minutes", "_hours"), Key::err_range)
                        .with("min", 1)
                        .with("max", MAX_HOURS)
                }
                _ => e,
            })
            .collect(),
    )
}

/// `/console/settings`: the settings an administrator keeps, the templates a director does, or
/// the group robots the office does.
pub async fn start(State(state): State<AppState>, staff: StaffCtx) -> Result<Response, AppError> {
    let who = &staff.staff;
    if ConsolePowers::of(&who.actor).feedback_settings {
        return Ok(Redirect::to(PATH).into_response());
    }
    if state
        .services
        .feedback()
        .may_manage_feedback_setup(who)
        .await?
    {
        return Ok(Redirect::to("/console/settings/templates").into_response());
    }
    if ConsolePowers::of(&who.actor).robots {
        return Ok(Redirect::to("/console/settings/robots").into_response());
    }
    Err(ServiceError::Forbidden.into())
}

pub async fn show(
    State(state): State<AppState>,
    staff: StaffCtx,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let settings = state
        .services
        .feedback()
        .feedback_settings(&staff.staff)
        .await?;
    let notice = done.notice(&staff.ctx.t());
    page(
        &staff,
        SettingsForm::from_settings(&settings),
        FieldMessages::new(),
        notice,
        StatusCode::OK,
    )
}

pub async fn save(
    State(state): State<AppState>,
    staff: StaffCtx,
    Form(form): Form<SettingsForm>,
) -> Result<Response, AppError> {
    let current = state
        .services
        .feedback()
        .feedback_settings(&staff.staff)
        .await?;
    let settings = FeedbackSettings {
        priority_weights: current.priority_weights,
        ..form.settings()
    };
    let result = state
        .services
        .feedback()
        .update_feedback_settings(&staff.staff, settings)
        .await
        .map_err(|e| match e {
            ServiceError::Invalid(invalid) => ServiceError::Invalid(in_hours(invalid)),
            other => other,
        });
    answer(result, PATH, &staff.ctx.t(), |errors, status| async move {
        page(&staff, form, errors, None, status)
    })
    .await
}

fn page(
    StaffCtx { ctx, staff }: &StaffCtx,
    form: SettingsForm,
    errors: FieldMessages,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let html = render(&SettingsPage {
        page: Page::new(ctx, t.setup_title()).with_notice(notice),
        tabs: tabs(&t, staff, PATH),
        form,
        errors,
    })?;
    Ok((status, html).into_response())
}

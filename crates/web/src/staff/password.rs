//! `/console/password`: a staff member chooses their own password.

use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::form::{FieldMessages, Form, messages};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use services::ServiceError;

#[derive(Template)]
#[template(path = "auth/password.html")]
struct PasswordPage {
    page: Page,
    must_change: bool,
    errors: FieldMessages,
}
framed!(PasswordPage);

pub async fn show(StaffCtx { ctx, staff }: StaffCtx) -> Result<Response, AppError> {
    let t = ctx.t();
    let html = render(&PasswordPage {
        page: Page::new(&ctx, t.password_title()),
        must_change: staff.must_change_password,
        errors: FieldMessages::new(),
    })?;
    Ok(html.into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    repeat_password: String,
}

pub async fn submit(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    match state
        .services
        .change_password(
            &staff,
            &form.current_password,
            &form.new_password,
            &form.repeat_password,
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/console?done=password").into_response()),
        Err(ServiceError::Invalid(invalid)) => {
            let html = render(&PasswordPage {
                page: Page::new(&ctx, t.password_title()),
                must_change: staff.must_change_password,
                errors: messages(&invalid, &t),
            })?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

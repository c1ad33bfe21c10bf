//! `/me/login`, `/me/verify`, `/me/logout`: members of the public sign in with a texted code.

use crate::AppState;
use crate::ctx::{Ctx, SESSION_COOKIE, cookie};
use crate::error::AppError;
use crate::form::{FieldMessages, Form, local_path, messages};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use i18n::Key;
use serde::Deserialize;
use services::ServiceError;

#[derive(Template)]
#[template(path = "member/login.html")]
struct MemberLoginPage {
    page: Page,
    mobile: String,
    next: String,
    /// After a code was sent: ask for it.
    code_sent: bool,
    errors: FieldMessages,
    error: Option<String>,
}
framed!(MemberLoginPage);

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    mobile: String,
    code: String,
    next: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

pub async fn show(ctx: Ctx, Query(q): Query<NextQuery>) -> Result<Response, AppError> {
    page(
        &ctx,
        LoginForm {
            next: q.next,
            ..Default::default()
        },
        false,
        FieldMessages::new(),
        None,
        StatusCode::OK,
    )
}

pub async fn send_code(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    match state
        .services
        .send_member_code(&ctx.institution, &form.mobile, ctx.ip.as_deref(), ctx.lang)
        .await
    {
        Ok(sent) => {
            let notice = t.fill(Key::member_code_sent, &[("mobile", &sent.sent_to)]);
            let html = render(&MemberLoginPage {
                page: Page::new(&ctx, t.member_login_title()).with_notice(Some(notice)),
                mobile: form.mobile,
                next: form.next,
                code_sent: true,
                errors: FieldMessages::new(),
                error: None,
            })?;
            Ok(html.into_response())
        }
        Err(ServiceError::Invalid(invalid)) => page(
            &ctx,
            form,
            false,
            messages(&invalid, &t),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e @ ServiceError::RateLimited { .. }) => {
            let info = AppError::from(e).info();
            page(
                &ctx,
                form,
                false,
                FieldMessages::new(),
                Some(info.message(&t)),
                info.status,
            )
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    match state
        .services
        .verify_member_code(
            &ctx.institution,
            &form.mobile,
            &form.code,
            ctx.ip.as_deref(),
            ctx.user_agent.as_deref(),
        )
        .await
    {
        Ok((token, _)) => {
            let jar = jar.add(cookie(SESSION_COOKIE, token, &state.config, 30));
            Ok((jar, Redirect::to(&local_path(Some(&form.next), "/me"))).into_response())
        }
        Err(ServiceError::Invalid(invalid)) => page(
            &ctx,
            form,
            true,
            messages(&invalid, &t),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
) -> Result<Response, AppError> {
    if let Some(token) = &ctx.session_token {
        state.services.logout(token).await?;
    }
    Ok((
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        Redirect::to("/"),
    )
        .into_response())
}

fn page(
    ctx: &Ctx,
    form: LoginForm,
    code_sent: bool,
    errors: FieldMessages,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let html = render(&MemberLoginPage {
        page: Page::new(ctx, t.member_login_title()),
        mobile: form.mobile,
        next: form.next,
        code_sent,
        errors,
        error,
    })?;
    Ok((status, html).into_response())
}

//! `/me/login`, `/me/verify`, `/me/logout`: members of the public sign in with a texted code.
//!
//! `/me/recover` ("找回我的反馈") is the same sign-in for someone who lost a tracking link:
//! once the number is verified, everything sent with it is theirs under `/me`, and the
//! links are texted to them again (a few times a day at most).
//!
//! Where the person was going (`next`, a local path only) is kept through both steps.

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
    /// Signing in to find lost feedback (`/me/recover`).
    recover: bool,
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
    /// Set by the `/me/recover` page: text the links again once verified.
    recover: String,
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

/// `/me/recover`: a member who is signed in already finds their items on their page.
pub async fn show_recover(ctx: Ctx) -> Result<Response, AppError> {
    if ctx.member().is_some() {
        return Ok(Redirect::to("/me").into_response());
    }
    page(
        &ctx,
        LoginForm {
            recover: "1".into(),
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
                page: Page::new(&ctx, title(&ctx, &form)).with_notice(Some(notice)),
                recover: form.recovering(),
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
        Ok((token, member)) => {
            let jar = jar.add(cookie(SESSION_COOKIE, token, &state.config, 30));
            let to = if form.recovering() {
                recovered(&state, &ctx, &member).await?
            } else {
                local_path(Some(&form.next), "/me")
            };
            Ok((jar, Redirect::to(&to)).into_response())
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

impl LoginForm {
    fn recovering(&self) -> bool {
        !self.recover.is_empty()
    }
}

fn title(ctx: &Ctx, form: &LoginForm) -> String {
    let t = ctx.t();
    if form.recovering() {
        t.recover_title().to_owned()
    } else {
        t.member_login_title().to_owned()
    }
}

/// Texts the newly verified member their links again; gives their page, saying so.
async fn recovered(
    state: &AppState,
    ctx: &Ctx,
    member: &services::MemberSession,
) -> Result<String, AppError> {
    match state
        .services
        .feedback()
        .resend_tracking_links(&ctx.institution, member, ctx.lang)
        .await
    {
        Ok(Some(_)) => Ok("/me?recovered=sent".into()),
        Ok(None) => Ok("/me".into()),
        // Texted enough today: the items are on the page all the same.
        Err(ServiceError::RateLimited { .. }) => Ok("/me?recovered=again".into()),
        Err(e) => Err(e.into()),
    }
}

fn page(
    ctx: &Ctx,
    form: LoginForm,
    code_sent: bool,
    errors: FieldMessages,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let html = render(&MemberLoginPage {
        page: Page::new(ctx, title(ctx, &form)),
        recover: form.recovering(),
        mobile: form.mobile,
        next: form.next,
        code_sent,
        errors,
        error,
    })?;
    Ok((status, html).into_response())
}

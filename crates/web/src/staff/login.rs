//! `/login` and `/logout`: staff sign in and out.

use crate::AppState;
use crate::ctx::{Ctx, SESSION_COOKIE, cookie};
use crate::error::AppError;
use crate::form::{Form, local_path};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use i18n::{Key, Tr};
use serde::Deserialize;
use services::{Origin, ServiceError};

/// The browser's device token: where a staff member signed in before, guesses made
/// elsewhere do not slow them down (`services::auth`). Kept for a year.
const DEVICE_COOKIE: &str = "cd_device";
const DEVICE_DAYS: i64 = 365;

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    page: Page,
    username: String,
    next: String,
    error: Option<String>,
}
framed!(LoginPage);

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

pub async fn show(ctx: Ctx, Query(q): Query<Next>) -> Result<Response, AppError> {
    if ctx.staff().is_some() {
        return Ok(Redirect::to(&local_path(q.next.as_deref(), "/console")).into_response());
    }
    page(
        &ctx,
        String::new(),
        q.next.unwrap_or_default(),
        None,
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let origin = Origin {
        ip: ctx.ip.as_deref(),
        user_agent: ctx.user_agent.as_deref(),
        device: jar.get(DEVICE_COOKIE).map(Cookie::value),
    };
    let outcome = state
        .services
        .login_from(&form.username, &form.password, origin)
        .await;
    match outcome {
        Ok(login) => {
            let jar = jar
                .add(cookie(SESSION_COOKIE, login.token, &state.config, 0))
                .add(cookie(
                    DEVICE_COOKIE,
                    login.device,
                    &state.config,
                    DEVICE_DAYS,
                ));
            let to = if login.must_change_password {
                "/console/password".to_owned()
            } else {
                local_path(Some(&form.next), "/console")
            };
            Ok((jar, Redirect::to(&to)).into_response())
        }
        Err(ServiceError::RateLimited {
            retry_after_seconds,
        }) => {
            let wait = t.fill(
                Key::login_wait,
                &[("wait", &wait_text(&t, retry_after_seconds))],
            );
            page(
                &ctx,
                form.username,
                form.next,
                Some(wait),
                StatusCode::TOO_MANY_REQUESTS,
            )
        }
        Err(e @ ServiceError::Refused { .. }) => {
            let info = AppError::from(e).info();
            page(
                &ctx,
                form.username,
                form.next,
                Some(info.message(&t)),
                info.status,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// "30 秒" or "15 分钟": how long a throttled sign-in must wait, as a clerk reads it.
fn wait_text(t: &Tr, seconds: i64) -> String {
    if seconds < 60 {
        t.fill(Key::login_wait_seconds, &[("n", &seconds)])
    } else {
        t.fill(
            Key::public_duration_minutes,
            &[("n", &((seconds + 59) / 60))],
        )
    }
}

fn page(
    ctx: &Ctx,
    username: String,
    next: String,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let html = render(&LoginPage {
        page: Page::new(ctx, t.login_title()),
        username,
        next,
        error,
    })?;
    Ok((status, html).into_response())
}

pub async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
) -> Result<Response, AppError> {
    if let Some(token) = &ctx.session_token {
        state.services.logout(token).await?;
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, Redirect::to("/")).into_response())
}

//! `/me/delete`: a member has their personal data erased. The page explains what goes and
//! what stays and asks them to confirm; the POST erases it and signs them out.

use crate::AppState;
use crate::ctx::{MemberCtx, SESSION_COOKIE};
use crate::error::AppError;
use crate::form::{FieldMessages, Form};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use domain::{FieldError, Invalid};
use i18n::Key;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "member/delete.html")]
struct DeletePage {
    page: Page,
    errors: FieldMessages,
    /// The data is gone: say so instead of asking.
    deleted: bool,
}
framed!(DeletePage);

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Confirm {
    confirm: String,
}

pub async fn show(MemberCtx { ctx, .. }: MemberCtx) -> Result<Response, AppError> {
    let t = ctx.t();
    let html = render(&DeletePage {
        page: Page::new(&ctx, t.me_delete_title()),
        errors: FieldMessages::new(),
        deleted: false,
    })?;
    Ok(html.into_response())
}

pub async fn delete(
    State(state): State<AppState>,
    MemberCtx { ctx, member }: MemberCtx,
    jar: CookieJar,
    Form(form): Form<Confirm>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    if form.confirm != "yes" {
        let invalid = Invalid(vec![FieldError::new(
            "confirm",
            Key::me_delete_confirm_needed,
        )]);
        let html = render(&DeletePage {
            page: Page::new(&ctx, t.me_delete_title()),
            errors: crate::form::messages(&invalid, &t),
            deleted: false,
        })?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    }
    state
        .services
        .feedback()
        .delete_member_data(&member)
        .await?;
    // The sessions are gone from the database; the page below must not show them signed in.
    let mut page = Page::new(&ctx, t.me_delete_title());
    page.chrome.member = None;
    let html = render(&DeletePage {
        page: page.with_notice(Some(t.me_deleted().to_owned())),
        errors: FieldMessages::new(),
        deleted: true,
    })?;
    Ok((jar.remove(Cookie::build(SESSION_COOKIE).path("/")), html).into_response())
}

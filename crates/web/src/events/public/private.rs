//! `/e/{token}`: a registration's private link, for a member without their session at
//! hand (an SMS opened on another phone, a child helping a parent): the registration card
//! with its code and QR code, cancel, take up an offer; `/e/{token}.ics` adds the date to
//! a calendar. Right after registering, the same page states the outcome in plain words.

use super::view::{self, RegistrationCard};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use i18n::Key;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    pub done: String,
}

#[derive(Template)]
#[template(path = "events/private.html")]
struct PrivatePage {
    page: Page,
    /// "报名成功" / "已加入候补，第 3 位" / "已提交摇号申请，申请号 A000123", right after.
    outcome: Option<String>,
    card: RegistrationCard,
    link: String,
    /// Where the card's forms post: `/e/{token}`.
    action_base: String,
    member: bool,
}
framed!(PrivatePage);

/// The outcome of registering, in plain words.
pub fn outcome_words(t: &i18n::Tr, r: &services::events::MyRegistration) -> String {
    match r.status.as_str() {
        "waiting" => match r.waiting_place {
            Some(n) => t.fill(Key::evpub_done_waiting, &[("n", &n)]),
            None => t.evpub_done_waiting_plain().to_owned(),
        },
        "applied" => t.fill(
            Key::evpub_done_applied,
            &[("no", &r.application_no.clone().unwrap_or_default())],
        ),
        "confirmed" => t.evpub_done_confirmed().to_owned(),
        _ => view::status(t, r),
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    if let Some(token) = token.strip_suffix(".ics") {
        let host = view::host_of(&state.services.settings().public_url, &headers);
        let body = state
            .services
            .events()
            .ical_of_registration(token, &host)
            .await?;
        return Ok(super::feeds::calendar_file(body, "activity.ics"));
    }
    let t = ctx.t();
    let tz = ctx.institution.timezone.clone();
    let r = state
        .services
        .events()
        .registration_by_token(&token)
        .await?;
    let hours = view::cancel_hours_of(&state.services, ctx.institution.id, r.activity).await;
    let card = RegistrationCard::new(&t, &tz, &r, hours, state.services.now());
    let (outcome, notice) = match q.done.as_str() {
        "1" => (Some(outcome_words(&t, &r)), None),
        "cancelled" => (None, Some(t.evpub_cancelled_done().to_owned())),
        "accepted" => (None, Some(t.evpub_accepted_done().to_owned())),
        _ => (None, None),
    };
    let base = state
        .services
        .settings()
        .public_url
        .trim_end_matches('/')
        .to_owned();
    let mut response = render(&PrivatePage {
        page: Page::new(&ctx, r.title.clone()).with_notice(notice),
        outcome,
        card,
        link: format!("{base}/e/{token}"),
        action_base: format!("/e/{token}"),
        member: ctx.member().is_some(),
    })?
    .into_response();
    // The page is the link's secret: never kept by a shared cache.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

pub async fn cancel(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    state.services.events().cancel_by_token(&token).await?;
    Ok(Redirect::to(&format!("/e/{token}?done=cancelled")).into_response())
}

pub async fn accept(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    state
        .services
        .events()
        .accept_offer_by_token(&token)
        .await?;
    Ok(Redirect::to(&format!("/e/{token}?done=accepted")).into_response())
}

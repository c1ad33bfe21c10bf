//! `/t/{tracking_no}/{secret}`: the submitter follows their item without an account —
//! its status, their own words, the public timeline with the official answer — and, as
//! the item allows, adds the information staff asked for, rates the answer, or reopens it.
//!
//! The secret is the whole of the submitter's authority, so: a wrong one is a plain 404
//! (nothing tells whether the number exists); pages are `no-store` and `noindex`; the
//! referrer policy (`same-origin`) keeps the address from other sites; and request
//! metrics and logs name the route pattern, never the path.

use super::view::{ItemCard, Names, TimelineRow, official_answer, timeline};
use crate::AppState;
use crate::choices::Choice;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::form::{FieldMessages, Form, messages};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::feedback::Rating;
use i18n::Key;
use serde::Deserialize;
use services::ServiceError;

#[derive(Template)]
#[template(path = "public/tracking.html")]
struct TrackingPage {
    page: Page,
    /// `/t/{tracking_no}/{secret}`: where this page's forms post to.
    base: String,
    item: ItemCard,
    /// The staff's question, while they wait for an answer to it.
    question: Option<String>,
    answer: Option<TimelineRow>,
    timeline: Vec<TimelineRow>,
    photos: Vec<String>,
    can_reply: bool,
    can_rate: bool,
    can_reopen: bool,
    rating: Option<String>,
    published: bool,
    merged_into: Option<String>,
    ratings: Vec<Choice>,
    errors: FieldMessages,
    error: Option<String>,
    typed: Typed,
}
framed!(TrackingPage);

/// What the submitter typed into one of the forms.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct Typed {
    text: String,
    rating: String,
    reason: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    done: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((tracking_no, secret)): Path<(String, String)>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let notice = match done.done.as_str() {
        "replied" => Some(t.track_done_replied()),
        "rated" => Some(t.track_done_rated()),
        "reopened" => Some(t.track_done_reopened()),
        _ => None,
    };
    let view = View {
        notice: notice.map(str::to_owned),
        ..View::default()
    };
    page(&state, &ctx, &tracking_no, &secret, view).await
}

pub async fn reply(
    state: State<AppState>,
    ctx: Ctx,
    Path((tracking_no, secret)): Path<(String, String)>,
    Form(typed): Form<Typed>,
) -> Result<Response, AppError> {
    let outcome = state
        .services
        .feedback()
        .submitter_reply(&ctx.institution, &tracking_no, &secret, &typed.text)
        .await;
    after(
        &state,
        &ctx,
        &tracking_no,
        &secret,
        typed,
        outcome,
        "replied",
    )
    .await
}

pub async fn rate(
    state: State<AppState>,
    ctx: Ctx,
    Path((tracking_no, secret)): Path<(String, String)>,
    Form(typed): Form<Typed>,
) -> Result<Response, AppError> {
    let outcome = state
        .services
        .feedback()
        .rate_answer(&ctx.institution, &tracking_no, &secret, &typed.rating)
        .await;
    after(&state, &ctx, &tracking_no, &secret, typed, outcome, "rated").await
}

pub async fn reopen(
    state: State<AppState>,
    ctx: Ctx,
    Path((tracking_no, secret)): Path<(String, String)>,
    Form(typed): Form<Typed>,
) -> Result<Response, AppError> {
    let outcome = state
        .services
        .feedback()
        .reopen_feedback(&ctx.institution, &tracking_no, &secret, &typed.reason)
        .await;
    after(
        &state,
        &ctx,
        &tracking_no,
        &secret,
        typed,
        outcome,
        "reopened",
    )
    .await
}

/// One of the photos the submitter attached (its location already removed).
pub async fn photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((tracking_no, secret, id)): Path<(String, String, i64)>,
) -> Result<Response, AppError> {
    let photo = state
        .services
        .feedback()
        .tracked_photo(&ctx.institution, &tracking_no, &secret, id)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, photo.content_type),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        photo.bytes,
    )
        .into_response())
}

/// Back to the page with a notice when it worked; the page again, with the problem next
/// to the field or at the top, when it did not.
async fn after(
    state: &AppState,
    ctx: &Ctx,
    tracking_no: &str,
    secret: &str,
    typed: Typed,
    outcome: Result<(), ServiceError>,
    done: &str,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let mut view = View {
        typed,
        status: StatusCode::UNPROCESSABLE_ENTITY,
        ..View::default()
    };
    match outcome {
        Ok(()) => {
            let to = format!("/t/{tracking_no}/{secret}?done={done}");
            return Ok(Redirect::to(&to).into_response());
        }
        Err(ServiceError::Invalid(invalid)) => view.errors = messages(&invalid, &t),
        Err(e @ (ServiceError::Refused { .. } | ServiceError::RateLimited { .. })) => {
            let info = AppError::from(e).info();
            view.error = Some(info.message(&t));
            view.status = info.status;
        }
        Err(e) => return Err(e.into()),
    }
    page(state, ctx, tracking_no, secret, view).await
}

#[derive(Default)]
struct View {
    notice: Option<String>,
    errors: FieldMessages,
    error: Option<String>,
    typed: Typed,
    /// 200 unless a form failed.
    status: StatusCode,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    tracking_no: &str,
    secret: &str,
    view: View,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let services = &state.services;
    let (item, entries, tracking) = services
        .feedback()
        .tracked_item(&ctx.institution, tracking_no, secret)
        .await?;
    let photos = services
        .feedback()
        .tracked_photos(&ctx.institution, tracking_no, secret)
        .await?;
    let names = Names::load(services, &ctx.institution).await?;
    let base = format!("/t/{tracking_no}/{secret}");
    let rows = timeline(&entries, &names, &t);
    let question = tracking
        .can_reply
        .then(|| {
            entries
                .iter()
                .rev()
                .find(|e| e.kind == "ask_submitter")
                .and_then(|e| e.body.clone())
        })
        .flatten();
    let answer = official_answer(&rows).map(|a| TimelineRow {
        what: a.what.clone(),
        at: a.at.clone(),
        body: a.body.clone(),
        answer: true,
    });
    let html = render(&TrackingPage {
        page: Page::new(
            ctx,
            t.fill(Key::track_title, &[("tracking", &item.tracking_no)]),
        )
        .with_notice(view.notice),
        item: ItemCard::new(&item, &names, &t),
        photos: photos
            .iter()
            .map(|id| format!("{base}/photos/{id}"))
            .collect(),
        base,
        question,
        answer,
        timeline: rows,
        can_reply: tracking.can_reply,
        can_rate: tracking.can_rate,
        can_reopen: tracking.can_reopen,
        rating: tracking.rating.map(|r| t.get(r.label()).to_owned()),
        published: tracking.published,
        merged_into: tracking.merged_into,
        ratings: Rating::ALL
            .iter()
            .map(|r| Choice {
                value: r.as_str().to_owned(),
                label: t.get(r.label()).to_owned(),
            })
            .collect(),
        errors: view.errors,
        error: view.error,
        typed: view.typed,
    })?;
    Ok((
        view.status,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::HeaderName::from_static("x-robots-tag"), "noindex"),
        ],
        html,
    )
        .into_response())
}

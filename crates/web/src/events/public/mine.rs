//! `/me/events`: the member's registrations, each with its status, code and QR code, cancel
//! (with the consequence stated when it is late), an offer to take up or decline with its
//! expiry, and the rating form once they attended.

use super::view::{self, RegistrationCard};
use crate::AppState;
use crate::ctx::MemberCtx;
use crate::error::AppError;
use crate::form::{FieldMessages, Form, messages};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use services::ServiceError;

pub struct MineRow {
    pub card: RegistrationCard,
    pub action_base: String,
    /// Field errors of this card's rating form, when it came back.
    pub errors: FieldMessages,
}

#[derive(Template)]
#[template(path = "events/mine.html")]
struct MinePage {
    page: Page,
    rows: Vec<MineRow>,
    stars: Vec<(u8, String)>,
    /// A refusal about one registration (too late to cancel, offer expired).
    error: Option<String>,
    /// The member's own calendar subscription (a private address).
    feed: String,
}
framed!(MinePage);

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    done: String,
}

pub async fn show(
    State(state): State<AppState>,
    member_ctx: MemberCtx,
    Query(q): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let t = member_ctx.ctx.t();
    let notice = match q.done.as_str() {
        "cancelled" => Some(t.evpub_cancelled_done().to_owned()),
        "accepted" => Some(t.evpub_accepted_done().to_owned()),
        "rated" => Some(t.evpub_rated_done().to_owned()),
        _ => None,
    };
    page(&state, &member_ctx, notice, None, None, StatusCode::OK).await
}

async fn page(
    state: &AppState,
    MemberCtx { ctx, member }: &MemberCtx,
    notice: Option<String>,
    error: Option<String>,
    rating_errors: Option<(i64, FieldMessages)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let tz = ctx.institution.timezone.clone();
    let now = state.services.now();
    let mine = state.services.events().my_registrations(member).await?;
    let mut rows = Vec::with_capacity(mine.len());
    for r in &mine {
        let hours = view::cancel_hours_of(&state.services, ctx.institution.id, r.activity).await;
        rows.push(MineRow {
            card: RegistrationCard::new(&t, &tz, r, hours, now),
            action_base: format!("/me/events/{}", r.id),
            errors: match &rating_errors {
                Some((id, errors)) if *id == r.id => errors.clone(),
                _ => FieldMessages::new(),
            },
        });
    }
    let stars = (1..=5u8)
        .map(|n| (n, t.fill(i18n::Key::evpub_stars, &[("n", &n)])))
        .collect();
    let body = render(&MinePage {
        page: Page::new(ctx, t.evpub_my_registrations()).with_notice(notice),
        rows,
        stars,
        error,
        feed: format!(
            "/me/events/feed/{}.ics",
            state.services.events().member_feed_token(member)
        ),
    })?;
    Ok((status, body).into_response())
}

/// A refusal (too late, no offer, already rated) comes back on the list, stated at the top.
async fn refused_or(
    state: &AppState,
    member_ctx: &MemberCtx,
    e: ServiceError,
) -> Result<Response, AppError> {
    match e {
        e @ (ServiceError::Refused { .. } | ServiceError::Conflict) => {
            let info = AppError::from(e).info();
            let message = info.message(&member_ctx.ctx.t());
            page(state, member_ctx, None, Some(message), None, info.status).await
        }
        e => Err(e.into()),
    }
}

pub async fn cancel(
    State(state): State<AppState>,
    member_ctx: MemberCtx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    match state
        .services
        .events()
        .cancel_registration(&member_ctx.member, id)
        .await
    {
        Ok(()) => Ok(Redirect::to("/me/events?done=cancelled").into_response()),
        Err(e) => refused_or(&state, &member_ctx, e).await,
    }
}

pub async fn accept(
    State(state): State<AppState>,
    member_ctx: MemberCtx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    match state
        .services
        .events()
        .accept_offer(&member_ctx.member, id)
        .await
    {
        Ok(()) => Ok(Redirect::to("/me/events?done=accepted").into_response()),
        Err(e) => refused_or(&state, &member_ctx, e).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RateForm {
    stars: String,
    comment: String,
    suggestion: String,
}

pub async fn rate(
    State(state): State<AppState>,
    member_ctx: MemberCtx,
    Path(id): Path<i64>,
    Form(form): Form<RateForm>,
) -> Result<Response, AppError> {
    // No star chosen is a field error the service names, not a malformed request.
    let stars = form.stars.trim().parse::<i64>().unwrap_or(0);
    let comment = Some(form.comment.as_str()).filter(|c| !c.trim().is_empty());
    match state
        .services
        .events()
        .rate(
            &member_ctx.member,
            id,
            stars,
            comment,
            !form.suggestion.is_empty(),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/me/events?done=rated").into_response()),
        Err(ServiceError::Invalid(invalid)) => {
            let errors = messages(&invalid, &member_ctx.ctx.t());
            page(
                &state,
                &member_ctx,
                None,
                None,
                Some((id, errors)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => refused_or(&state, &member_ctx, e).await,
    }
}

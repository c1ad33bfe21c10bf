//! Subscriptions and the lottery's publication: `/events.ics` (the institution),
//! `/events/units/{unit}.ics` (one station), `/events/feed.atom` (new activities),
//! `/events/dates/{date}/lottery` (commitment, frozen list, seed, drawn order) and
//! `/events/lottery-procedure` (how to recompute it, `docs/lottery.md`).

use super::view;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use i18n::Key;

/// The published procedure, served as it is written.
const PROCEDURE: &str = include_str!("../../../../../docs/lottery.md");

/// A calendar file with its type; `inline` so phones offer to subscribe.
pub fn calendar_file(body: Vec<u8>, name: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

fn host(state: &AppState, headers: &HeaderMap) -> String {
    view::host_of(&state.services.settings().public_url, headers)
}

pub async fn institution_ics(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let body = state
        .services
        .events()
        .ical(ctx.institution.id, None, &host(&state, &headers))
        .await?;
    Ok(calendar_file(body, "events.ics"))
}

/// A member's own activities, at the private address `/me/events/feed/{token}.ics`.
pub async fn member_ics(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let token = token.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let body = state
        .services
        .events()
        .ical_of_member(token, &host(&state, &headers))
        .await?;
    Ok(calendar_file(body, "my-events.ics"))
}

pub async fn unit_ics(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(unit): Path<String>,
) -> Result<Response, AppError> {
    let unit: i64 = unit
        .strip_suffix(".ics")
        .and_then(|u| u.parse().ok())
        .ok_or(AppError::NotFound)?;
    let body = state
        .services
        .events()
        .ical(ctx.institution.id, Some(unit), &host(&state, &headers))
        .await
        // A unit that is not there is a missing page, not a form's field.
        .map_err(|e| match e {
            services::ServiceError::Invalid(_) => AppError::NotFound,
            e => e.into(),
        })?;
    Ok(calendar_file(body, &format!("events-{unit}.ics")))
}

pub async fn atom(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let body = state
        .services
        .events()
        .atom(ctx.institution.id, &host(&state, &headers))
        .await?;
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/atom+xml; charset=utf-8"),
    );
    Ok(response)
}

pub async fn procedure() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        PROCEDURE,
    )
        .into_response()
}

pub struct LotteryRow {
    pub number: String,
    pub masked_name: String,
    pub seats: i32,
    pub place: String,
    pub result: String,
}

#[derive(Template)]
#[template(path = "events/lottery.html")]
struct LotteryPage {
    page: Page,
    activity: i64,
    heading: String,
    seats: String,
    closes: Option<String>,
    commitment: Option<String>,
    frozen: bool,
    rows: Vec<LotteryRow>,
    seed: Option<String>,
    drawn_at: Option<String>,
}
framed!(LotteryPage);

pub async fn lottery(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(date): Path<i64>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let tz = ctx.institution.timezone.clone();
    let l = state
        .services
        .events()
        .lottery(ctx.institution.id, date)
        .await?;
    let drawn = l.seed.is_some();
    let rows = l
        .applications
        .iter()
        .map(|a| LotteryRow {
            number: a.number.clone(),
            masked_name: a.masked_name.clone(),
            seats: a.seats,
            place: a.drawn_place.map(|p| p.to_string()).unwrap_or_default(),
            result: if !drawn {
                String::new()
            } else if a.won {
                t.evpub_won().to_owned()
            } else {
                t.evpub_not_won().to_owned()
            },
        })
        .collect();
    let body = render(&LotteryPage {
        page: Page::new(
            &ctx,
            t.fill(Key::evpub_lottery_title, &[("title", &l.title)]),
        ),
        activity: l.activity,
        heading: t.fill(Key::evpub_lottery_title, &[("title", &l.title)]),
        seats: t.fill(Key::evpub_lottery_seats, &[("n", &l.seats)]),
        closes: l
            .closes_at
            .map(|c| t.fill(Key::evpub_lottery_closes, &[("at", &view::minute(&tz, c))])),
        commitment: l.commitment,
        frozen: l.frozen,
        rows,
        seed: l.seed,
        drawn_at: l.drawn_at.map(|at| {
            t.fill(
                Key::evpub_lottery_drawn_at,
                &[("at", &view::minute(&tz, at))],
            )
        }),
    })?;
    Ok(body.into_response())
}

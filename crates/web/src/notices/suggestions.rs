//! `/console/suggestions`: the anonymous staff suggestion box. Any staff member writes a
//! suggestion about internal communication and reads all of them with the office's answers;
//! the office answers under each. `/console/suggestions/quarter?q=2026-4` sums a quarter up.
//!
//! Sending one leaves no trace of the sender here either: the handler passes only the text
//! on, logs nothing, and nothing in the web layer logs requests with their user (errors
//! that are logged carry no account).

use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::form::{FieldMessages, Form, messages};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use i18n::Key;
use serde::Deserialize;
use services::ServiceError;
use services::notices::{Quarter, QuarterSummary, SuggestionView};

const PATH: &str = "/console/suggestions";

#[derive(Template)]
#[template(path = "console/suggestions.html")]
struct BoxPage {
    page: Page,
    days: Vec<Day>,
    can_answer: bool,
    typed: String,
    errors: FieldMessages,
    quarter: String,
}
framed!(BoxPage);

/// One day's suggestions; their order within the day means nothing.
struct Day {
    label: String,
    items: Vec<Item>,
}

struct Item {
    id: i64,
    body: String,
    answer: Option<String>,
    answered: String,
    /// What the office's answer form holds: the answer so far, or what was typed.
    typed_answer: String,
    /// Why the answer typed here was refused.
    answer_error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SuggestionForm {
    body: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AnswerForm {
    answer: String,
}

#[derive(Deserialize, Default)]
pub struct BoxQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    staff: StaffCtx,
    Query(query): Query<BoxQuery>,
) -> Result<Response, AppError> {
    let t = staff.ctx.t();
    let notice = (query.done.as_deref() == Some("sent")).then(|| t.suggestions_sent().to_owned());
    let notice =
        notice.or_else(|| (query.done.as_deref() == Some("saved")).then(|| t.saved().to_owned()));
    let view = BoxView {
        typed: String::new(),
        errors: FieldMessages::new(),
        answering: None,
    };
    page(&state, &staff, view, notice, StatusCode::OK).await
}

pub async fn submit(
    State(state): State<AppState>,
    staff: StaffCtx,
    Form(form): Form<SuggestionForm>,
) -> Result<Response, AppError> {
    match state
        .services
        .notices()
        .submit_suggestion(&staff.staff, &form.body)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("{PATH}?done=sent")).into_response()),
        Err(ServiceError::Invalid(invalid)) => {
            let view = BoxView {
                typed: form.body,
                errors: messages(&invalid, &staff.ctx.t()),
                answering: None,
            };
            page(&state, &staff, view, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn answer(
    State(state): State<AppState>,
    staff: StaffCtx,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, AppError> {
    match state
        .services
        .notices()
        .answer_suggestion(&staff.staff, id, &form.answer)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("{PATH}?done=saved#s-{id}")).into_response()),
        Err(ServiceError::Invalid(invalid)) => {
            let view = BoxView {
                typed: String::new(),
                errors: FieldMessages::new(),
                answering: Some((id, form.answer, messages(&invalid, &staff.ctx.t()))),
            };
            page(&state, &staff, view, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// What a redrawn form keeps.
struct BoxView {
    typed: String,
    errors: FieldMessages,
    /// The suggestion whose answer form failed, with what was typed and why.
    answering: Option<(i64, String, FieldMessages)>,
}

async fn page(
    state: &AppState,
    StaffCtx { ctx, staff }: &StaffCtx,
    view: BoxView,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let tz = &ctx.institution.timezone;
    let suggestions = state.services.notices().suggestion_box(staff).await?;
    let quarter = state.services.notices().current_quarter(staff).await?;
    let mut days: Vec<Day> = Vec::new();
    for s in suggestions.suggestions {
        let SuggestionView {
            id,
            body,
            day,
            answer,
            answered_at,
        } = s;
        let label = t.fill(
            Key::suggestions_day,
            &[("day", &day.in_zone(tz).strftime("%Y-%m-%d"))],
        );
        let (typed_answer, answer_error) = match &view.answering {
            Some((failed, typed, errors)) if *failed == id => {
                (typed.clone(), errors.get("answer").cloned())
            }
            _ => (answer.clone().unwrap_or_default(), None),
        };
        let item = Item {
            id,
            body,
            answer,
            answered: answered_at.map_or_else(String::new, |at| {
                t.fill(
                    Key::suggestions_answered_at,
                    &[("at", &at.format_minutes(tz))],
                )
            }),
            typed_answer,
            answer_error,
        };
        match days.last_mut() {
            Some(d) if d.label == label => d.items.push(item),
            _ => days.push(Day {
                label,
                items: vec![item],
            }),
        }
    }
    let html = render(&BoxPage {
        page: Page::new(ctx, t.suggestions_title()).with_notice(notice),
        days,
        can_answer: suggestions.can_answer,
        typed: view.typed,
        errors: view.errors,
        quarter: quarter.to_string(),
    })?;
    Ok((status, html).into_response())
}

#[derive(Template)]
#[template(path = "console/suggestions_quarter.html")]
struct QuarterPage {
    page: Page,
    summary: QuarterSummary,
    previous: String,
    next: String,
}
framed!(QuarterPage);

#[derive(Deserialize, Default)]
pub struct QuarterQuery {
    q: Option<String>,
}

pub async fn quarter(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Query(query): Query<QuarterQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let chosen = match query.q.as_deref().filter(|q| !q.trim().is_empty()) {
        Some(q) => Quarter::parse(q)
            .ok_or_else(|| ServiceError::invalid("q", Key::suggestions_err_quarter))?,
        None => state.services.notices().current_quarter(&staff).await?,
    };
    let summary = state
        .services
        .notices()
        .suggestion_quarter(&staff, chosen)
        .await?;
    let title = t.fill(
        Key::suggestions_quarter_title,
        &[("year", &chosen.year), ("quarter", &chosen.quarter)],
    );
    let html = render(&QuarterPage {
        page: Page::new(&ctx, title),
        summary,
        previous: chosen.previous().to_string(),
        next: chosen.next().to_string(),
    })?;
    Ok(html.into_response())
}

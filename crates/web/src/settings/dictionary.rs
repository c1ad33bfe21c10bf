//! `/console/settings/dictionary`: the institution's own words — local place names, heritage
//! items, event names — which the system keeps whole when it reads feedback (the segmenter's
//! user dictionary), so 桃源皮影 is one word for categories, similar items, themes and hot
//! words rather than 桃源 and 皮影.
//!
//! Several words may be added at once, one per line. Each is its own change: the good ones
//! are added and the page comes back with the refused ones, each with its reason, to correct.

use super::tabs::{Tab, tabs, unknown_action};
use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::form::Form;
use crate::page::{Page, framed, render, shortened};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::Invalid;
use i18n::{Key, Tr};
use serde::Deserialize;
use services::ServiceError;

const PATH: &str = "/console/settings/dictionary";
/// How much of a refused word its message repeats: a pasted paragraph is cut short.
const QUOTED: usize = 24;

#[derive(Template)]
#[template(path = "console/settings/dictionary.html")]
struct DictionaryPage {
    page: Page,
    tabs: Vec<Tab>,
    words: Vec<String>,
    list_heading: String,
    /// What is in the box: the refused lines after a partly good submission.
    typed: String,
    /// The summary at the top when something was refused.
    summary: String,
    /// Each refused word with its reason, shown by the box.
    problems: Vec<String>,
}
framed!(DictionaryPage);

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DictionaryForm {
    /// add | remove
    action: String,
    /// One word per line (add).
    words: String,
    /// The word to remove.
    word: String,
}

/// `?done=…` after a change.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    done: String,
    n: usize,
    word: String,
}

impl Done {
    fn notice(&self, t: &Tr) -> Option<String> {
        match self.done.as_str() {
            "added" => Some(t.fill(Key::setup_dictionary_added, &[("n", &self.n)])),
            "removed" => Some(t.fill(Key::setup_dictionary_removed, &[("word", &self.word)])),
            _ => None,
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    staff: StaffCtx,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let notice = done.notice(&staff.ctx.t());
    let view = View {
        notice,
        ..View::default()
    };
    page(&state, &staff, view, StatusCode::OK).await
}

pub async fn act(
    State(state): State<AppState>,
    staff: StaffCtx,
    Form(form): Form<DictionaryForm>,
) -> Result<Response, AppError> {
    match form.action.as_str() {
        "add" => add(&state, &staff, &form.words).await,
        "remove" => {
            state
                .services
                .feedback()
                .remove_text_word(&staff.staff, &form.word)
                .await?;
            let query = form_urlencoded::Serializer::new(String::new())
                .append_pair("done", "removed")
                .append_pair("word", form.word.trim())
                .finish();
            Ok(Redirect::to(&format!("{PATH}?{query}")).into_response())
        }
        _ => Err(unknown_action()),
    }
}

/// Adds each line's word; back with "added" when all went in, or the form again with the
/// refused lines and their reasons.
async fn add(state: &AppState, staff: &StaffCtx, typed: &str) -> Result<Response, AppError> {
    let t = staff.ctx.t();
    let lines: Vec<&str> = typed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        // The service says what an empty word is refused with.
        return match state
            .services
            .feedback()
            .add_text_word(&staff.staff, "")
            .await
        {
            Err(ServiceError::Invalid(invalid)) => {
                let view = refused(&t, String::new(), 0, vec![field_message(&invalid, &t)]);
                page(state, staff, view, StatusCode::UNPROCESSABLE_ENTITY).await
            }
            Err(e) => Err(e.into()),
            Ok(()) => Err(AppError::Internal("an empty word was accepted".into())),
        };
    }
    let mut added = 0;
    let mut kept = Vec::new();
    let mut problems = Vec::new();
    for line in lines {
        match state
            .services
            .feedback()
            .add_text_word(&staff.staff, line)
            .await
        {
            Ok(()) => added += 1,
            Err(ServiceError::Invalid(invalid)) => {
                kept.push(line);
                problems.push(t.fill(
                    Key::setup_dictionary_problem,
                    &[
                        ("word", &shortened(line, QUOTED)),
                        ("problem", &field_message(&invalid, &t)),
                    ],
                ));
            }
            Err(e) => return Err(e.into()),
        }
    }
    if problems.is_empty() {
        return Ok(Redirect::to(&format!("{PATH}?done=added&n={added}")).into_response());
    }
    let view = refused(&t, kept.join("\n"), added, problems);
    page(state, staff, view, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// The service's reason for refusing a word, in the reader's language.
fn field_message(invalid: &Invalid, t: &Tr) -> String {
    invalid
        .0
        .first()
        .map(|e| e.message(t))
        .unwrap_or_else(|| t.err_invalid().to_owned())
}

/// The page again after some lines were refused: those lines in the box, their reasons by
/// it, and how many others went in.
fn refused(t: &Tr, typed: String, added: usize, problems: Vec<String>) -> View {
    let summary = if added > 0 {
        t.fill(Key::setup_dictionary_partly, &[("n", &added)])
    } else {
        t.err_invalid().to_owned()
    };
    View {
        typed,
        summary,
        problems,
        notice: None,
    }
}

#[derive(Default)]
struct View {
    typed: String,
    summary: String,
    problems: Vec<String>,
    notice: Option<String>,
}

async fn page(
    state: &AppState,
    StaffCtx { ctx, staff }: &StaffCtx,
    view: View,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let words = state.services.feedback().text_words(staff).await?;
    let html = render(&DictionaryPage {
        page: Page::new(ctx, t.setup_nav_dictionary()).with_notice(view.notice),
        tabs: tabs(&t, staff, PATH),
        list_heading: t.fill(Key::setup_dictionary_list, &[("n", &words.len())]),
        words,
        typed: view.typed,
        summary: view.summary,
        problems: view.problems,
    })?;
    Ok((status, html).into_response())
}

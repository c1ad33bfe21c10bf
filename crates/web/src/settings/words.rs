//! `/console/settings/words`: the institution's sensitive words. Feedback containing one is
//! held back from the public until staff have looked at it; the built-in list applies too.

use super::tabs::{self as common, Done, Tab, answer, tabs, unknown_action};
use crate::AppState;
use crate::choices::Choice;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::form::{FieldMessages, Form};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use i18n::Key;
use serde::Deserialize;
use services::feedback::{WORD_CATEGORIES, built_in_words, word_category_label};

const PATH: &str = "/console/settings/words";

#[derive(Template)]
#[template(path = "console/settings/words.html")]
struct WordsPage {
    page: Page,
    tabs: Vec<Tab>,
    words: Vec<WordRow>,
    built_in: Vec<WordRow>,
    built_in_heading: String,
    form: WordForm,
    errors: FieldMessages,
    categories: Vec<Choice>,
}
framed!(WordsPage);

struct WordRow {
    id: i64,
    word: String,
    category: &'static str,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct WordForm {
    /// add | remove
    action: String,
    id: String,
    word: String,
    category: String,
}

pub async fn show(
    State(state): State<AppState>,
    staff: StaffCtx,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let notice = done.notice(&staff.ctx.t());
    let form = WordForm {
        category: "other".into(),
        ..Default::default()
    };
    page(
        &state,
        &staff,
        form,
        FieldMessages::new(),
        notice,
        StatusCode::OK,
    )
    .await
}

pub async fn act(
    State(state): State<AppState>,
    staff: StaffCtx,
    Form(form): Form<WordForm>,
) -> Result<Response, AppError> {
    let s = &state.services;
    let who = &staff.staff;
    let result = match form.action.as_str() {
        "add" => s.add_sensitive_word(who, &form.word, &form.category).await,
        "remove" => match common::id("id", &form.id) {
            Ok(id) => s.remove_sensitive_word(who, id).await,
            Err(e) => Err(e),
        },
        _ => return Err(unknown_action()),
    };
    answer(result, PATH, &staff.ctx.t(), |errors, status| {
        page(&state, &staff, form, errors, None, status)
    })
    .await
}

async fn page(
    state: &AppState,
    StaffCtx { ctx, staff }: &StaffCtx,
    form: WordForm,
    errors: FieldMessages,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let words = state.services.sensitive_words(staff).await?;
    let built_in = built_in_words();
    let html = render(&WordsPage {
        page: Page::new(ctx, t.setup_nav_words()).with_notice(notice),
        tabs: tabs(&t, staff, PATH),
        words: words
            .into_iter()
            .map(|w| WordRow {
                id: w.id,
                category: t.get(word_category_label(w.category)),
                word: w.word,
            })
            .collect(),
        built_in_heading: t.fill(Key::setup_words_builtin, &[("n", &built_in.len())]),
        built_in: built_in
            .into_iter()
            .map(|(word, category)| WordRow {
                id: 0,
                word,
                category: t.get(word_category_label(category)),
            })
            .collect(),
        form,
        errors,
        categories: WORD_CATEGORIES
            .iter()
            .map(|(code, category)| Choice {
                value: (*code).to_owned(),
                label: t.get(word_category_label(*category)).to_owned(),
            })
            .collect(),
    })?;
    Ok((status, html).into_response())
}

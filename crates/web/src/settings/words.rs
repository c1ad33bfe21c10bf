//! `/console/settings/words`: the institution's sensitive words. Feedback containing one is
//! held back from the public until staff have looked at it; the built-in list applies too.

use super::list::{ListPage, Sheet};
use super::tabs::{self as common, Tab, unknown_action};
use crate::AppState;
use crate::choices::Choice;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::form::FieldMessages;
use crate::page::{Page, framed, render};
use askama::Template;
use axum::response::Html;
use i18n::Key;
use serde::Deserialize;
use services::Staff;
use services::feedback::{WORD_CATEGORIES, built_in_words, word_category_label};

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

/// The sensitive words page, as a [`ListPage`].
pub(crate) struct Words;

impl ListPage for Words {
    const PATH: &'static str = "/console/settings/words";
    const TITLE: Key = Key::setup_nav_words;
    type Form = WordForm;

    fn blank() -> WordForm {
        WordForm {
            category: "other".into(),
            ..Default::default()
        }
    }

    async fn change(state: &AppState, who: &Staff, form: &WordForm) -> Result<(), AppError> {
        let s = &state.services;
        match form.action.as_str() {
            "add" => {
                s.feedback()
                    .add_sensitive_word(who, &form.word, &form.category)
                    .await?
            }
            "remove" => {
                let id = common::id("id", &form.id)?;
                s.feedback().remove_sensitive_word(who, id).await?
            }
            _ => return Err(unknown_action()),
        }
        Ok(())
    }

    async fn draw(
        state: &AppState,
        staff: &StaffCtx,
        sheet: Sheet<WordForm>,
    ) -> Result<Html<String>, AppError> {
        let t = sheet.page.t;
        let words = state
            .services
            .feedback()
            .sensitive_words(&staff.staff)
            .await?;
        let built_in = built_in_words();
        render(&WordsPage {
            page: sheet.page,
            tabs: sheet.tabs,
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
            form: sheet.form,
            errors: sheet.errors,
            categories: WORD_CATEGORIES
                .iter()
                .map(|(code, category)| Choice {
                    value: (*code).to_owned(),
                    label: t.get(word_category_label(*category)).to_owned(),
                })
                .collect(),
        })
    }
}

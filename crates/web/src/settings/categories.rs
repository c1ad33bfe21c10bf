//! `/console/settings/categories`: the categories people choose from — adding, renaming,
//! ordering and retiring them.

use super::list::{ListPage, Sheet};
use super::tabs::{Tab, unknown_action};
use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::form::FieldMessages;
use crate::page::{Page, framed, render};
use askama::Template;
use axum::response::Html;
use i18n::Key;
use serde::Deserialize;
use services::Staff;
use services::feedback::{CategoryInput, CategoryView, Move};

#[derive(Template)]
#[template(path = "console/settings/categories.html")]
struct CategoriesPage {
    page: Page,
    tabs: Vec<Tab>,
    categories: Vec<CategoryView>,
    form: CategoryForm,
    errors: FieldMessages,
    /// For the forms that were not the one sent.
    no_errors: FieldMessages,
}
framed!(CategoriesPage);

impl CategoriesPage {
    /// The errors for the rename form of this category, if it was the one sent.
    fn rename_errors(&self, code: &str) -> &FieldMessages {
        if self.form.action == "rename" && self.form.code == code {
            &self.errors
        } else {
            &self.no_errors
        }
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CategoryForm {
    /// add | rename | up | down | deactivate | activate
    action: String,
    code: String,
    name: String,
    name_en: String,
}

/// The categories page, as a [`ListPage`].
pub(crate) struct Categories;

impl ListPage for Categories {
    const PATH: &'static str = "/console/settings/categories";
    const TITLE: Key = Key::setup_nav_categories;
    type Form = CategoryForm;

    async fn change(state: &AppState, who: &Staff, form: &CategoryForm) -> Result<(), AppError> {
        let s = &state.services;
        let code = form.code.trim();
        match form.action.as_str() {
            "add" => {
                let input = CategoryInput {
                    code: form.code.clone(),
                    name: form.name.clone(),
                    name_en: form.name_en.clone(),
                };
                s.feedback().add_category(who, input).await?
            }
            "rename" => {
                s.feedback()
                    .rename_category(who, code, &form.name, &form.name_en)
                    .await?
            }
            "up" => s.feedback().move_category(who, code, Move::Up).await?,
            "down" => s.feedback().move_category(who, code, Move::Down).await?,
            "deactivate" => s.feedback().set_category_active(who, code, false).await?,
            "activate" => s.feedback().set_category_active(who, code, true).await?,
            _ => return Err(unknown_action()),
        }
        Ok(())
    }

    async fn draw(
        state: &AppState,
        staff: &StaffCtx,
        sheet: Sheet<CategoryForm>,
    ) -> Result<Html<String>, AppError> {
        let categories = state
            .services
            .feedback()
            .feedback_categories(&staff.staff)
            .await?;
        render(&CategoriesPage {
            page: sheet.page,
            tabs: sheet.tabs,
            categories,
            form: sheet.form,
            errors: sheet.errors,
            no_errors: FieldMessages::new(),
        })
    }
}

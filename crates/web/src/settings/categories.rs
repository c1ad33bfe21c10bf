//! `/console/settings/categories`: the categories people choose from — adding, renaming,
//! ordering and retiring them.

use super::tabs::{Done, Tab, answer, tabs, unknown_action};
use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::form::{FieldMessages, Form};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use services::feedback::{CategoryInput, CategoryView, Move};

const PATH: &str = "/console/settings/categories";

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

pub async fn show(
    State(state): State<AppState>,
    staff: StaffCtx,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let notice = done.notice(&staff.ctx.t());
    page(
        &state,
        &staff,
        CategoryForm::default(),
        FieldMessages::new(),
        notice,
        StatusCode::OK,
    )
    .await
}

pub async fn act(
    State(state): State<AppState>,
    staff: StaffCtx,
    Form(form): Form<CategoryForm>,
) -> Result<Response, AppError> {
    let s = &state.services;
    let who = &staff.staff;
    let code = form.code.trim();
    let result = match form.action.as_str() {
        "add" => {
            let input = CategoryInput {
                code: form.code.clone(),
                name: form.name.clone(),
                name_en: form.name_en.clone(),
            };
            s.add_category(who, input).await
        }
        "rename" => {
            s.rename_category(who, code, &form.name, &form.name_en)
                .await
        }
        "up" => s.move_category(who, code, Move::Up).await,
        "down" => s.move_category(who, code, Move::Down).await,
        "deactivate" => s.set_category_active(who, code, false).await,
        "activate" => s.set_category_active(who, code, true).await,
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
    form: CategoryForm,
    errors: FieldMessages,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let categories = state.services.feedback_categories(staff).await?;
    let html = render(&CategoriesPage {
        page: Page::new(ctx, t.setup_nav_categories()).with_notice(notice),
        tabs: tabs(&t, staff, PATH),
        categories,
        form,
        errors,
        no_errors: FieldMessages::new(),
    })?;
    Ok((status, html).into_response())
}

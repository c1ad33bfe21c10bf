//! `/console/settings/templates`: ready-made answers staff start from, for one category or
//! all; kept by the administrator and the office director.

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
use serde::Deserialize;
use services::feedback::AnswerTemplateInput;
use services::{ServiceError, Staff};

const PATH: &str = "/console/settings/templates";

#[derive(Template)]
#[template(path = "console/settings/templates.html")]
struct TemplatesPage {
    page: Page,
    tabs: Vec<Tab>,
    templates: Vec<TemplateRow>,
    form: TemplateForm,
    errors: FieldMessages,
    no_errors: FieldMessages,
    categories: Vec<Choice>,
}
framed!(TemplatesPage);

impl TemplatesPage {
    /// The errors of the edit form of this template, if it was the one sent.
    fn edit_errors(&self, id: &i64) -> &FieldMessages {
        if self.form.action == "update" && self.form.id == id.to_string() {
            &self.errors
        } else {
            &self.no_errors
        }
    }

    /// The errors of the add form, if it was the one sent.
    fn add_errors(&self) -> &FieldMessages {
        if self.form.action == "add" {
            &self.errors
        } else {
            &self.no_errors
        }
    }
}

struct TemplateRow {
    id: i64,
    title: String,
    category: String,
    category_label: String,
    body: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TemplateForm {
    /// add | update | delete
    action: String,
    id: String,
    title: String,
    category: String,
    body: String,
}

impl TemplateForm {
    fn input(&self) -> AnswerTemplateInput {
        AnswerTemplateInput {
            title: self.title.clone(),
            category: self.category.clone(),
            body: self.body.clone(),
        }
    }
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
        TemplateForm::default(),
        FieldMessages::new(),
        notice,
        StatusCode::OK,
    )
    .await
}

pub async fn act(
    State(state): State<AppState>,
    staff: StaffCtx,
    Form(form): Form<TemplateForm>,
) -> Result<Response, AppError> {
    let s = &state.services;
    let who = &staff.staff;
    let result = match form.action.as_str() {
        "add" => s.add_answer_template(who, form.input()).await.map(drop),
        "update" => match common::id("id", &form.id) {
            Ok(id) => s.update_answer_template(who, id, form.input()).await,
            Err(e) => Err(e),
        },
        "delete" => match common::id("id", &form.id) {
            Ok(id) => s.delete_answer_template(who, id).await,
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
    form: TemplateForm,
    errors: FieldMessages,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let s = &state.services;
    require_keeper(state, staff).await?;
    let list = s.answer_templates(staff, None).await?;
    let setup = s.feedback_setup(staff.actor.tenant_id).await?;
    let html = render(&TemplatesPage {
        page: Page::new(ctx, t.setup_nav_templates()).with_notice(notice),
        tabs: tabs(&t, staff, PATH),
        templates: list
            .into_iter()
            .map(|tpl| TemplateRow {
                category_label: tpl.category.as_deref().map_or(
                    t.setup_template_all().to_owned(),
                    |code| {
                        setup
                            .categories
                            .iter()
                            .find(|c| c.code == code)
                            .map_or(code.to_owned(), |c| c.label(t.lang).to_owned())
                    },
                ),
                category: tpl.category.unwrap_or_default(),
                id: tpl.id,
                title: tpl.title,
                body: tpl.body,
            })
            .collect(),
        form,
        errors,
        no_errors: FieldMessages::new(),
        categories: common::categories(&setup.categories, &t),
    })?;
    Ok((status, html).into_response())
}

/// Staff who answer feedback may read the templates, but this page is for keeping them.
async fn require_keeper(state: &AppState, staff: &Staff) -> Result<(), AppError> {
    if state.services.may_manage_feedback_setup(staff).await? {
        Ok(())
    } else {
        Err(ServiceError::Forbidden.into())
    }
}

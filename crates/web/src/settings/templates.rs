//! `/console/settings/templates`: ready-made answers staff start from, for one category or
//! all; kept by the administrator and the office director.

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
use services::feedback::AnswerTemplateInput;
use services::{ServiceError, Staff};

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

/// The answer templates page, as a [`ListPage`].
pub(crate) struct Templates;

impl ListPage for Templates {
    const PATH: &'static str = "/console/settings/templates";
    const TITLE: Key = Key::setup_nav_templates;
    type Form = TemplateForm;

    async fn change(state: &AppState, who: &Staff, form: &TemplateForm) -> Result<(), AppError> {
        let s = &state.services;
        match form.action.as_str() {
            "add" => {
                s.feedback().add_answer_template(who, form.input()).await?;
            }
            "update" => {
                let id = common::id("id", &form.id)?;
                s.feedback()
                    .update_answer_template(who, id, form.input())
                    .await?
            }
            "delete" => {
                let id = common::id("id", &form.id)?;
                s.feedback().delete_answer_template(who, id).await?
            }
            _ => return Err(unknown_action()),
        }
        Ok(())
    }

    async fn draw(
        state: &AppState,
        StaffCtx { staff, .. }: &StaffCtx,
        sheet: Sheet<TemplateForm>,
    ) -> Result<Html<String>, AppError> {
        let t = sheet.page.t;
        let s = &state.services;
        require_keeper(state, staff).await?;
        let list = s.feedback().answer_templates(staff, None).await?;
        let setup = s.feedback().feedback_setup(staff.actor.tenant_id).await?;
        render(&TemplatesPage {
            page: sheet.page,
            tabs: sheet.tabs,
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
            form: sheet.form,
            errors: sheet.errors,
            no_errors: FieldMessages::new(),
            categories: common::categories(&setup.categories, &t),
        })
    }
}

/// Staff who answer feedback may read the templates, but this page is for keeping them.
async fn require_keeper(state: &AppState, staff: &Staff) -> Result<(), AppError> {
    if state
        .services
        .feedback()
        .may_manage_feedback_setup(staff)
        .await?
    {
        Ok(())
    } else {
        Err(ServiceError::Forbidden.into())
    }
}

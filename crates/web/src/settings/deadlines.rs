//! `/console/settings/deadlines`: how long a first response and a resolution may take, per
//! type and priority, in working hours or working days — shown in words.

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
use i18n::{Key, Tr};
use serde::Deserialize;
use services::Staff;
use services::feedback::{DeadlinePolicyInput, DeadlinePolicyView, working_time_words};

#[derive(Template)]
#[template(path = "console/settings/deadlines.html")]
struct DeadlinesPage {
    page: Page,
    tabs: Vec<Tab>,
    own: Vec<PolicyRow>,
    built_in: Vec<PolicyRow>,
    form: PolicyForm,
    errors: FieldMessages,
    kinds: Vec<Choice>,
    priorities: Vec<Choice>,
    units: Vec<Choice>,
}
framed!(DeadlinesPage);

struct PolicyRow {
    id: Option<i64>,
    applies_to: String,
    first_response: String,
    resolution: String,
}

impl PolicyRow {
    fn new(p: &DeadlinePolicyView, t: &Tr) -> PolicyRow {
        PolicyRow {
            id: p.id,
            applies_to: p.applies_to(t),
            first_response: working_time_words(p.first_response_minutes, t),
            resolution: working_time_words(p.resolution_minutes, t),
        }
    }
}

#[derive(Deserialize, Clone)]
#[serde(default)]
pub struct PolicyForm {
    /// set | delete
    action: String,
    id: String,
    kind: String,
    priority: String,
    first_response: String,
    first_response_unit: String,
    resolution: String,
    resolution_unit: String,
}

impl Default for PolicyForm {
    fn default() -> Self {
        PolicyForm {
            action: String::new(),
            id: String::new(),
            kind: String::new(),
            priority: String::new(),
            first_response: String::new(),
            first_response_unit: "hours".into(),
            resolution: String::new(),
            resolution_unit: "days".into(),
        }
    }
}

/// The deadlines page, as a [`ListPage`].
pub(crate) struct Deadlines;

impl ListPage for Deadlines {
    const PATH: &'static str = "/console/settings/deadlines";
    const TITLE: Key = Key::setup_nav_deadlines;
    type Form = PolicyForm;

    async fn change(state: &AppState, who: &Staff, form: &PolicyForm) -> Result<(), AppError> {
        let s = &state.services;
        match form.action.as_str() {
            "set" => {
                let input = DeadlinePolicyInput {
                    kind: form.kind.clone(),
                    priority: form.priority.clone(),
                    first_response: form.first_response.clone(),
                    first_response_unit: form.first_response_unit.clone(),
                    resolution: form.resolution.clone(),
                    resolution_unit: form.resolution_unit.clone(),
                };
                s.feedback().set_deadline_policy(who, input).await?;
            }
            "delete" => {
                let id = common::id("id", &form.id)?;
                s.feedback().delete_deadline_policy(who, id).await?
            }
            _ => return Err(unknown_action()),
        }
        Ok(())
    }

    async fn draw(
        state: &AppState,
        staff: &StaffCtx,
        sheet: Sheet<PolicyForm>,
    ) -> Result<Html<String>, AppError> {
        let t = sheet.page.t;
        let (own, built_in) = state
            .services
            .feedback()
            .deadline_policies(&staff.staff)
            .await?;
        render(&DeadlinesPage {
            page: sheet.page,
            tabs: sheet.tabs,
            own: own.iter().map(|p| PolicyRow::new(p, &t)).collect(),
            built_in: built_in.iter().map(|p| PolicyRow::new(p, &t)).collect(),
            form: sheet.form,
            errors: sheet.errors,
            kinds: common::kinds(&t),
            priorities: common::priorities(&t),
            units: vec![
                Choice {
                    value: "hours".into(),
                    label: t.setup_unit_hours().into(),
                },
                Choice {
                    value: "days".into(),
                    label: t.setup_unit_days().into(),
                },
            ],
        })
    }
}

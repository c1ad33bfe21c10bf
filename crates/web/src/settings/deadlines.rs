//! `/console/settings/deadlines`: how long a first response and a resolution may take, per
//! type and priority, in working hours or working days — shown in words.

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
use i18n::Tr;
use serde::Deserialize;
use services::feedback::{DeadlinePolicyInput, DeadlinePolicyView, working_time_words};

const PATH: &str = "/console/settings/deadlines";

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

pub async fn show(
    State(state): State<AppState>,
    staff: StaffCtx,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let notice = done.notice(&staff.ctx.t());
    page(
        &state,
        &staff,
        PolicyForm::default(),
        FieldMessages::new(),
        notice,
        StatusCode::OK,
    )
    .await
}

pub async fn act(
    State(state): State<AppState>,
    staff: StaffCtx,
    Form(form): Form<PolicyForm>,
) -> Result<Response, AppError> {
    let s = &state.services;
    let who = &staff.staff;
    let result = match form.action.as_str() {
        "set" => {
            let input = DeadlinePolicyInput {
                kind: form.kind.clone(),
                priority: form.priority.clone(),
                first_response: form.first_response.clone(),
                first_response_unit: form.first_response_unit.clone(),
                resolution: form.resolution.clone(),
                resolution_unit: form.resolution_unit.clone(),
            };
            s.set_deadline_policy(who, input).await.map(drop)
        }
        "delete" => match common::id("id", &form.id) {
            Ok(id) => s.delete_deadline_policy(who, id).await,
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
    form: PolicyForm,
    errors: FieldMessages,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let (own, built_in) = state.services.deadline_policies(staff).await?;
    let html = render(&DeadlinesPage {
        page: Page::new(ctx, t.setup_nav_deadlines()).with_notice(notice),
        tabs: tabs(&t, staff, PATH),
        own: own.iter().map(|p| PolicyRow::new(p, &t)).collect(),
        built_in: built_in.iter().map(|p| PolicyRow::new(p, &t)).collect(),
        form,
        errors,
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
    })?;
    Ok((status, html).into_response())
}

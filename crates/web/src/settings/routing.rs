//! `/console/settings/routing`: the rules that send new items straight to a department,
//! listed in words in the order they are tried.

use super::tabs::{self as common, Done, Tab, answer, tabs, unknown_action};
use crate::AppState;
use crate::choices::{self, Choice};
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::form::{FieldMessages, Form};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use services::feedback::{Move, RoutingRuleInput};

const PATH: &str = "/console/settings/routing";

#[derive(Template)]
#[template(path = "console/settings/routing.html")]
struct RoutingPage {
    page: Page,
    tabs: Vec<Tab>,
    rules: Vec<RuleRow>,
    form: RoutingForm,
    errors: FieldMessages,
    categories: Vec<Choice>,
    kinds: Vec<Choice>,
    units: Vec<Choice>,
    departments: Vec<Choice>,
}
framed!(RoutingPage);

struct RuleRow {
    id: i64,
    position: usize,
    words: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RoutingForm {
    /// add | up | down | delete
    action: String,
    id: String,
    category: String,
    kind: String,
    unit: String,
    department: String,
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
        RoutingForm::default(),
        FieldMessages::new(),
        notice,
        StatusCode::OK,
    )
    .await
}

pub async fn act(
    State(state): State<AppState>,
    staff: StaffCtx,
    Form(form): Form<RoutingForm>,
) -> Result<Response, AppError> {
    let s = &state.services;
    let who = &staff.staff;
    let result = match form.action.as_str() {
        "add" => {
            let input = RoutingRuleInput {
                category: form.category.clone(),
                kind: form.kind.clone(),
                unit: form.unit.clone(),
                department: form.department.clone(),
            };
            s.add_routing_rule(who, input).await.map(drop)
        }
        "up" | "down" | "delete" => match common::id("id", &form.id) {
            Ok(id) if form.action == "up" => s.move_routing_rule(who, id, Move::Up).await,
            Ok(id) if form.action == "down" => s.move_routing_rule(who, id, Move::Down).await,
            Ok(id) => s.delete_routing_rule(who, id).await,
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
    form: RoutingForm,
    errors: FieldMessages,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let s = &state.services;
    let rules = s.routing_rules(staff).await?;
    let tree = s.org_tree(staff.actor.tenant_id).await?;
    let categories = s.feedback_categories(staff).await?;
    let html = render(&RoutingPage {
        page: Page::new(ctx, t.setup_nav_routing()).with_notice(notice),
        tabs: tabs(&t, staff, PATH),
        rules: rules
            .iter()
            .map(|r| RuleRow {
                id: r.id,
                position: r.position,
                words: r.words(&t),
            })
            .collect(),
        form,
        errors,
        categories: common::categories(&categories, &t),
        kinds: common::kinds(&t),
        units: choices::units(&tree),
        departments: choices::departments(&tree),
    })?;
    Ok((status, html).into_response())
}

//! `/console/settings/routing`: the rules that send new items straight to a department,
//! listed in words in the order they are tried.

use super::list::{ListPage, Sheet};
use super::tabs::{self as common, Tab, unknown_action};
use crate::AppState;
use crate::choices::{self, Choice};
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::form::FieldMessages;
use crate::page::{Page, framed, render};
use askama::Template;
use axum::response::Html;
use i18n::Key;
use serde::Deserialize;
use services::Staff;
use services::feedback::{Move, RoutingRuleInput};

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

/// The routing rules page, as a [`ListPage`].
pub(crate) struct Routing;

impl ListPage for Routing {
    const PATH: &'static str = "/console/settings/routing";
    const TITLE: Key = Key::setup_nav_routing;
    type Form = RoutingForm;

    async fn change(state: &AppState, who: &Staff, form: &RoutingForm) -> Result<(), AppError> {
        let s = &state.services;
        match form.action.as_str() {
            "add" => {
                let input = RoutingRuleInput {
                    category: form.category.clone(),
                    kind: form.kind.clone(),
                    unit: form.unit.clone(),
                    department: form.department.clone(),
                };
                s.feedback().add_routing_rule(who, input).await?;
            }
            "up" | "down" | "delete" => {
                let id = common::id("id", &form.id)?;
                match form.action.as_str() {
                    "up" => s.feedback().move_routing_rule(who, id, Move::Up).await?,
                    "down" => s.feedback().move_routing_rule(who, id, Move::Down).await?,
                    _ => s.feedback().delete_routing_rule(who, id).await?,
                }
            }
            _ => return Err(unknown_action()),
        }
        Ok(())
    }

    async fn draw(
        state: &AppState,
        StaffCtx { staff, .. }: &StaffCtx,
        sheet: Sheet<RoutingForm>,
    ) -> Result<Html<String>, AppError> {
        let t = sheet.page.t;
        let s = &state.services;
        let rules = s.feedback().routing_rules(staff).await?;
        let tree = s.org_tree(staff.actor.tenant_id).await?;
        let categories = s.feedback().feedback_categories(staff).await?;
        render(&RoutingPage {
            page: sheet.page,
            tabs: sheet.tabs,
            rules: rules
                .iter()
                .map(|r| RuleRow {
                    id: r.id,
                    position: r.position,
                    words: r.words(&t),
                })
                .collect(),
            form: sheet.form,
            errors: sheet.errors,
            categories: common::categories(&categories, &t),
            kinds: common::kinds(&t),
            units: choices::units(&tree),
            departments: choices::departments(&tree),
        })
    }
}

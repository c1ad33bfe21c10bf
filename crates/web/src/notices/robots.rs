//! `/console/settings/robots`: the DingTalk and WeCom group robots that announce published
//! notices in the work groups. The office adds them for the units it looks after and stops
//! or resumes them. A robot's webhook address and secret are never shown back: the list
//! shows their last 4 characters, and a form that failed comes back without them.

use crate::AppState;
use crate::choices::Choice;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::form::FieldMessages;
use crate::page::{Page, framed, render};
use crate::settings::list::{ListPage, Sheet};
use crate::settings::tabs::{self as common, Tab, unknown_action};
use askama::Template;
use axum::response::Html;
use i18n::Key;
use serde::Deserialize;
use services::Staff;
use services::notices::{NewRobot, RobotView, robot_kind_label, robot_kinds};

#[derive(Template)]
#[template(path = "console/settings/robots.html")]
struct RobotsPage {
    page: Page,
    tabs: Vec<Tab>,
    robots: Vec<RobotRow>,
    form: RobotForm,
    errors: FieldMessages,
    kinds: Vec<Choice>,
    units: Vec<Choice>,
}
framed!(RobotsPage);

struct RobotRow {
    id: i64,
    name: String,
    kind: &'static str,
    unit: String,
    webhook: String,
    secret: String,
    active: bool,
    last_post: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RobotForm {
    /// add | deactivate | activate
    action: String,
    id: String,
    kind: String,
    name: String,
    unit: String,
    webhook: String,
    secret: String,
}

/// The group robots page, a settings tab, as a [`ListPage`].
pub(crate) struct Robots;

impl ListPage for Robots {
    const PATH: &'static str = "/console/settings/robots";
    const TITLE: Key = Key::robots_nav;
    type Form = RobotForm;

    fn blank() -> RobotForm {
        RobotForm {
            kind: "dingtalk".into(),
            ..Default::default()
        }
    }

    async fn change(state: &AppState, who: &Staff, form: &RobotForm) -> Result<(), AppError> {
        let s = &state.services;
        match form.action.as_str() {
            "add" => {
                let new = NewRobot {
                    kind: form.kind.clone(),
                    name: form.name.clone(),
                    unit: form.unit.clone(),
                    webhook: form.webhook.clone(),
                    secret: form.secret.clone(),
                };
                s.notices().add_robot(who, new).await?;
            }
            "deactivate" | "activate" => {
                let id = common::id("id", &form.id)?;
                s.notices()
                    .set_robot_active(who, id, form.action == "activate")
                    .await?
            }
            _ => return Err(unknown_action()),
        }
        Ok(())
    }

    /// What was typed comes back, except the credentials: they are never echoed.
    fn typed_again(form: RobotForm) -> RobotForm {
        RobotForm {
            webhook: String::new(),
            secret: String::new(),
            ..form
        }
    }

    async fn draw(
        state: &AppState,
        StaffCtx { ctx, staff }: &StaffCtx,
        sheet: Sheet<RobotForm>,
    ) -> Result<Html<String>, AppError> {
        let t = sheet.page.t;
        let tz = &ctx.institution.timezone;
        let robots = state.services.notices().robots(staff).await?;
        let units = state.services.notices().robot_units(staff).await?;
        render(&RobotsPage {
            page: sheet.page,
            tabs: sheet.tabs,
            robots: robots
                .into_iter()
                .map(|r: RobotView| RobotRow {
                    id: r.id,
                    kind: t.get(robot_kind_label(&r.kind)),
                    last_post: match &r.last_post {
                        None => t.robots_never().to_owned(),
                        Some(p) => {
                            let state = t.get(p.state.label());
                            match p.sent_at {
                                Some(at) => format!("{} · {state}", at.format_minutes(tz)),
                                None => match &p.error {
                                    Some(e) => format!("{state}：{e}"),
                                    None => state.to_owned(),
                                },
                            }
                        }
                    },
                    name: r.name,
                    unit: r.unit_name,
                    webhook: r.webhook,
                    secret: r
                        .secret
                        .unwrap_or_else(|| t.robots_secret_none().to_owned()),
                    active: r.active,
                })
                .collect(),
            form: sheet.form,
            errors: sheet.errors,
            kinds: robot_kinds()
                .into_iter()
                .map(|k| Choice {
                    value: k.to_owned(),
                    label: t.get(robot_kind_label(k)).to_owned(),
                })
                .collect(),
            units: units
                .into_iter()
                .map(|u| Choice {
                    value: u.id.to_string(),
                    label: format!("{}{}", "　".repeat(u.depth.saturating_sub(1)), u.name),
                })
                .collect(),
        })
    }
}

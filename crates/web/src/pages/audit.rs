//! `/console/audit`: who changed what, and its CSV export.

use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use i18n::Key;
use serde::Deserialize;
use services::{AuditEntryView, AuditFilter};

const PAGE_SIZE: u64 = 50;

#[derive(Template)]
#[template(path = "console/audit.html")]
struct AuditPage {
    page: Page,
    entries: Vec<Row>,
    entity_type: String,
    /// The kinds of entry to filter by, and whether each is chosen.
    entity_types: Vec<(&'static str, &'static str, bool)>,
    next: Option<String>,
}
framed!(AuditPage);

struct Row {
    when: String,
    who: String,
    /// The action in words, where the catalogue has them.
    action_label: String,
    action: String,
    target: String,
    before: String,
    after: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    entity_type: String,
    before: Option<i64>,
}

impl AuditQuery {
    fn filter(&self, limit: u64) -> AuditFilter {
        AuditFilter {
            entity_type: Some(self.entity_type.trim().to_owned()).filter(|t| !t.is_empty()),
            before_id: self.before,
            limit,
            ..AuditFilter::default()
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Query(q): Query<AuditQuery>,
) -> Result<Html<String>, AppError> {
    let t = ctx.t();
    let entries = state
        .services
        .audit_log(&staff, q.filter(PAGE_SIZE))
        .await?;
    let tz = &ctx.institution.timezone;
    let next = (entries.len() as u64 == PAGE_SIZE)
        .then(|| {
            entries.last().map(|e| {
                format!(
                    "/console/audit?entity_type={}&before={}",
                    q.entity_type, e.id
                )
            })
        })
        .flatten();
    render(&AuditPage {
        page: Page::new(&ctx, t.audit_title()),
        entries: entries.iter().map(|e| row(e, tz, &t)).collect(),
        entity_types: ENTITY_TYPES
            .iter()
            .map(|(v, key)| (*v, t.get(*key), *v == q.entity_type))
            .collect(),
        entity_type: q.entity_type,
        next,
    })
}

pub async fn export(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let entries = state.services.audit_log(&staff, q.filter(10_000)).await?;
    let tz = &ctx.institution.timezone;
    let table = export::Table {
        headers: [
            t.audit_when(),
            t.audit_who(),
            t.audit_action(),
            t.audit_target(),
            t.audit_before(),
            t.audit_after(),
            t.audit_ip(),
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: entries
            .iter()
            .map(|e| {
                let r = row(e, tz, &t);
                vec![
                    r.when,
                    r.who,
                    r.action_label,
                    r.target,
                    r.before,
                    r.after,
                    e.ip.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit-log.csv\"",
            ),
        ],
        export::csv(&table),
    )
        .into_response())
}

const ENTITY_TYPES: [(&str, Key); 3] = [
    ("user", Key::audit_entity_user),
    ("unit", Key::audit_entity_unit),
    ("department", Key::audit_entity_department),
];

/// What an action code means, in words; new codes show as they are until the catalogue has them.
fn action_label(action: &str) -> Option<Key> {
    Some(match action {
        "auth.login" => Key::audit_action_auth_login,
        "user.created" => Key::audit_action_user_created,
        "user.password_changed" => Key::audit_action_user_password_changed,
        "user.password_reset" => Key::audit_action_user_password_reset,
        "user.role_granted" => Key::audit_action_user_role_granted,
        "user.role_revoked" => Key::audit_action_user_role_revoked,
        "user.active_set" => Key::audit_action_user_active_set,
        "unit.created" => Key::audit_action_unit_created,
        "unit.renamed" => Key::audit_action_unit_renamed,
        "department.created" => Key::audit_action_department_created,
        "department.head_set" => Key::audit_action_department_head_set,
        "feedback.settings_changed" => Key::audit_action_setup_settings_changed,
        "feedback.category_added" => Key::audit_action_setup_category_added,
        "feedback.category_renamed" => Key::audit_action_setup_category_renamed,
        "feedback.category_moved" => Key::audit_action_setup_category_moved,
        "feedback.category_active_set" => Key::audit_action_setup_category_active_set,
        "feedback.routing_rule_added" => Key::audit_action_setup_routing_rule_added,
        "feedback.routing_rule_moved" => Key::audit_action_setup_routing_rule_moved,
        "feedback.routing_rule_deleted" => Key::audit_action_setup_routing_rule_deleted,
        "feedback.deadline_policy_set" => Key::audit_action_setup_deadline_policy_set,
        "feedback.deadline_policy_deleted" => Key::audit_action_setup_deadline_policy_deleted,
        "feedback.calendar_day_set" => Key::audit_action_setup_calendar_day_set,
        "feedback.calendar_day_removed" => Key::audit_action_setup_calendar_day_removed,
        "feedback.calendar_pasted" => Key::audit_action_setup_calendar_pasted,
        "feedback.template_added" => Key::audit_action_setup_template_added,
        "feedback.template_changed" => Key::audit_action_setup_template_changed,
        "feedback.template_deleted" => Key::audit_action_setup_template_deleted,
        "feedback.word_added" => Key::audit_action_setup_word_added,
        "feedback.word_removed" => Key::audit_action_setup_word_removed,
        "feedback.imported" => Key::audit_action_setup_imported,
        _ => return None,
    })
}

fn row(e: &AuditEntryView, tz: &jiff::tz::TimeZone, t: &i18n::Tr) -> Row {
    let entity = ENTITY_TYPES
        .iter()
        .find(|(v, _)| *v == e.entity_type)
        .map_or(e.entity_type.as_str(), |(_, key)| t.get(*key));
    Row {
        when: e.at.format_minutes(tz),
        who: e.actor.clone(),
        action_label: action_label(&e.action)
            .map_or_else(|| e.action.clone(), |k| t.get(k).to_owned()),
        action: e.action.clone(),
        target: format!("{entity} {}", e.entity_id.as_deref().unwrap_or("")),
        before: e.before.clone().unwrap_or_default(),
        after: e.after.clone().unwrap_or_default(),
    }
}

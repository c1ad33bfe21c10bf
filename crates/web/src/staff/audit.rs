//! `/console/audit`: who changed what, and its CSV export.

use super::audit_words::{AuditNames, ENTITY_TYPES, action_label, changes, entity_label};
use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
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
    /// The action in words.
    action_label: String,
    target: String,
    /// One line per field changed, in words.
    changes: Vec<String>,
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
    let names = audit_names(&state.services, &staff, &t).await?;
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
        entries: entries.iter().map(|e| row(e, &names, &t)).collect(),
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
    let names = audit_names(&state.services, &staff, &t).await?;
    let table = export::Table {
        headers: [
            t.audit_when(),
            t.audit_who(),
            t.audit_action(),
            t.audit_target(),
            t.audit_changes(),
            t.audit_ip(),
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: entries
            .iter()
            .map(|e| {
                let r = row(e, &names, &t);
                vec![
                    r.when,
                    r.who,
                    r.action_label,
                    r.target,
                    r.changes.join("\n"),
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

/// Names of the ids the log records: units, departments, categories, and staff where the
/// viewer may list them.
async fn audit_names(
    services: &services::Services,
    staff: &services::Staff,
    t: &i18n::Tr,
) -> Result<AuditNames, AppError> {
    let tenant = staff.actor.tenant_id;
    let tree = services.org_tree(tenant).await?;
    let setup = services.feedback().feedback_setup(tenant).await?;
    let institution = services.institution(tenant).await?;
    let people = match services.staff_list(staff).await {
        Ok(list) => list.into_iter().map(|m| (m.id.0, m.display_name)).collect(),
        Err(services::ServiceError::Forbidden) => Default::default(),
        Err(e) => return Err(e.into()),
    };
    Ok(AuditNames {
        units: tree
            .units
            .iter()
            .map(|u| (u.id.0, u.name.clone()))
            .collect(),
        departments: tree
            .units
            .iter()
            .flat_map(|u| u.departments.iter())
            .map(|d| (d.id.0, d.name.clone()))
            .collect(),
        categories: setup
            .categories
            .iter()
            .map(|c| (c.code.clone(), c.label(t.lang).to_owned()))
            .collect(),
        people,
        tz: institution.timezone,
    })
}

fn row(e: &AuditEntryView, names: &AuditNames, t: &i18n::Tr) -> Row {
    let entity = t.get(entity_label(&e.entity_type));
    Row {
        when: e.at.format_minutes(&names.tz),
        who: e.actor.clone(),
        action_label: t.get(action_label(&e.action)).to_owned(),
        target: format!("{entity} {}", e.entity_id.as_deref().unwrap_or("")),
        changes: changes(
            &e.entity_type,
            e.before.as_deref(),
            e.after.as_deref(),
            names,
            t,
        ),
    }
}

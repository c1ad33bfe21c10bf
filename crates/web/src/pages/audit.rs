//! `/console/audit`: who changed what, and its CSV export.

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
    entity_types: Vec<(&'static str, bool)>,
    next: Option<String>,
}
framed!(AuditPage);

struct Row {
    when: String,
    who: String,
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
        entries: entries.iter().map(|e| row(e, tz)).collect(),
        entity_types: ["user", "unit", "department"]
            .map(|v| (v, v == q.entity_type))
            .to_vec(),
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
            "IP",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: entries
            .iter()
            .map(|e| {
                let r = row(e, tz);
                vec![
                    r.when,
                    r.who,
                    r.action,
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

fn row(e: &AuditEntryView, tz: &jiff::tz::TimeZone) -> Row {
    Row {
        when: e.at.format_minutes(tz),
        who: e.actor.clone(),
        action: e.action.clone(),
        target: format!("{} {}", e.entity_type, e.entity_id.as_deref().unwrap_or("")),
        before: e.before.clone().unwrap_or_default(),
        after: e.after.clone().unwrap_or_default(),
    }
}

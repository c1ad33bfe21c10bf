//! `/console/feedback/export.csv` and `/console/feedback/export.xlsx`: the inbox view the
//! staff member is looking at, every page of it, for Excel.
//!
//! Contact details and the unmasked text appear only on items whose contact details the
//! staff member may see; elsewhere the masked forms the inbox shows are exported.

use super::names::{Names, publish_label};
use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use export::{Cell, Table};
use i18n::Tr;
use services::feedback::{InboxQuery, ItemView};

pub async fn csv(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Query(q): Query<InboxQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let items = state.services.feedback().inbox_export(&staff, &q).await?;
    let names = Names::load(&state.services, &staff, &t).await?;
    let table = table(&items, &names, &t);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"feedback.csv\"",
            ),
            // Personal data: not for shared caches.
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        export::csv(&table),
    )
        .into_response())
}

pub async fn xlsx(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Query(q): Query<InboxQuery>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let items = state.services.feedback().inbox_export(&staff, &q).await?;
    let names = Names::load(&state.services, &staff, &t).await?;
    let table = table(&items, &names, &t);
    let bytes = export::xlsx(&table).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"feedback.xlsx\"",
            ),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        bytes,
    )
        .into_response())
}

fn table(items: &[ItemView], names: &Names, t: &Tr) -> Table<Cell> {
    let headers = [
        t.fitem_tracking_no(),
        t.fitem_received(),
        t.fitem_kind(),
        t.fitem_category(),
        t.fitem_channel(),
        t.fitem_unit(),
        t.fitem_department(),
        t.fitem_assignee(),
        t.fitem_status(),
        t.fitem_priority(),
        t.fitem_due(),
        t.fitem_first_response_due(),
        t.fitem_resolution_due(),
        t.fitem_answered(),
        t.fitem_closed(),
        t.fitem_support(),
        t.fitem_contact_name(),
        t.fitem_mobile(),
        t.fitem_email(),
        t.fitem_display_name(),
        t.fitem_publish(),
        t.fitem_text(),
    ]
    .map(str::to_owned)
    .to_vec();
    let tz = &names.tz;
    let at = |ts: Option<domain::Timestamp>| ts.map_or(Cell::Empty, |ts| Cell::instant(ts.0, tz));
    let text = |s: String| {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    };
    let rows = items
        .iter()
        .map(|item| {
            vec![
                Cell::Text(item.tracking_no.clone()),
                at(Some(item.received_at)),
                Cell::from(t.get(item.kind.label())),
                text(names.category(item.category.as_deref())),
                Cell::from(t.get(item.channel.label())),
                text(names.unit(item.unit)),
                text(names.department(item.department)),
                text(names.person(item.assignee)),
                Cell::from(t.get(item.status.label())),
                Cell::from(t.get(item.priority.label())),
                Cell::from(t.get(item.due.label())),
                at(item.first_response_due),
                at(item.resolution_due),
                at(item.answered_at),
                at(item.closed_at),
                Cell::Number(item.support_count as f64),
                Cell::from(item.contact.name.clone()),
                Cell::from(item.contact.mobile.clone()),
                Cell::from(item.contact.email.clone()),
                Cell::from(item.display_name.clone()),
                Cell::from(t.get(publish_label(item.publish))),
                // Masked by the services for those who may not see personal data.
                Cell::Text(item.body.clone()),
            ]
        })
        .collect();
    Table { headers, rows }
}

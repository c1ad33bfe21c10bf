//! `GET /inbox`: one page of the staff inbox, with the filters of the inbox page.

use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::{ApiError, AppError};
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use services::feedback::{InboxQuery, InboxRow};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct InboxParams {
    /// `all` (default), `unassigned`, `department`, `mine`, `due_soon`, `overdue`, `waiting`, `held`.
    pub queue: Option<String>,
    /// A status code, or `open` for every status still to be dealt with.
    pub status: Option<String>,
    /// `request`, `suggestion`, `complaint`, `praise` or `inquiry`.
    pub kind: Option<String>,
    /// A category code.
    pub category: Option<String>,
    /// A unit id: items about it and the units below it.
    pub unit: Option<String>,
    /// A department id.
    pub department: Option<String>,
    /// `web`, `wechat`, `miniapp`, `api`, `suggestion_box`, `comment_book`, `forum`, `phone`, `import`.
    pub channel: Option<String>,
    /// Received on or after this day, `YYYY-MM-DD`, where the institution is.
    pub from: Option<String>,
    /// Received on or before this day.
    pub to: Option<String>,
    /// `newest` (default), `deadline` or `priority`.
    pub sort: Option<String>,
    /// The `next` of the previous page.
    pub after: Option<String>,
}

impl From<InboxParams> for InboxQuery {
    fn from(p: InboxParams) -> Self {
        InboxQuery {
            queue: p.queue.unwrap_or_default(),
            status: p.status.unwrap_or_default(),
            kind: p.kind.unwrap_or_default(),
            category: p.category.unwrap_or_default(),
            unit: p.unit.unwrap_or_default(),
            department: p.department.unwrap_or_default(),
            channel: p.channel.unwrap_or_default(),
            from: p.from.unwrap_or_default(),
            to: p.to.unwrap_or_default(),
            sort: p.sort.unwrap_or_default(),
            after: p.after.unwrap_or_default(),
        }
    }
}

/// One row of the inbox.
#[derive(Serialize, ToSchema)]
pub struct InboxEntry {
    pub id: i64,
    pub tracking_no: String,
    pub kind: String,
    pub category: Option<String>,
    pub channel: String,
    pub status: String,
    /// `normal` or `urgent`.
    pub priority: String,
    /// `on_track`, `due_soon`, `overdue`, `paused` (waiting on the submitter) or `done`.
    pub due: String,
    pub unit: i64,
    pub department: Option<i64>,
    pub assignee: Option<i64>,
    /// RFC 3339, UTC.
    pub received_at: String,
    pub resolution_due: Option<String>,
    pub support_count: i64,
    /// Held for moderation: nothing of it is public yet.
    pub held: bool,
    /// The start of the text, personal data masked.
    pub excerpt: String,
}

#[derive(Serialize, ToSchema)]
pub struct InboxResult {
    pub rows: Vec<InboxEntry>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

impl From<&InboxRow> for InboxEntry {
    fn from(r: &InboxRow) -> Self {
        InboxEntry {
            id: r.id,
            tracking_no: r.tracking_no.clone(),
            kind: r.kind.as_str().into(),
            category: r.category.clone(),
            channel: r.channel.as_str().into(),
            status: r.status.as_str().into(),
            priority: r.priority.as_str().into(),
            due: super::item_api::due_code(r.due).into(),
            unit: r.unit,
            department: r.department,
            assignee: r.assignee,
            received_at: r.received_at.rfc3339(),
            resolution_due: r.resolution_due.map(|t| t.rfc3339()),
            support_count: r.support_count,
            held: r.held,
            excerpt: r.excerpt.clone(),
        }
    }
}

#[utoipa::path(get, operation_id = "staff_inbox", path = "/inbox", tag = "inbox", security(("bearer" = [])), params(InboxParams),
    responses((status = 200, body = InboxResult), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list(
    State(state): State<AppState>,
    StaffCtx { staff, .. }: StaffCtx,
    Query(params): Query<InboxParams>,
) -> Result<axum::Json<InboxResult>, AppError> {
    let page = state
        .services
        .feedback()
        .inbox(&staff, &params.into())
        .await?;
    Ok(axum::Json(InboxResult {
        rows: page.rows.iter().map(InboxEntry::from).collect(),
        next: page.next,
    }))
}

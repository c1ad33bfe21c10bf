//! `GET /feedback/items/{id}`: one item as staff see it, with its whole timeline (internal
//! notes included) and what the caller may do to it now.

use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::{ApiError, AppError};
use axum::extract::{Path, State};
use serde::Serialize;
use services::feedback::{DueState, ItemView, TimelineEntry};
use utoipa::ToSchema;

/// How to reach the submitter: masked unless the caller may see contact details.
#[derive(Serialize, ToSchema)]
pub struct StaffContact {
    pub name: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    /// The mobile number was verified with a texted code.
    pub verified: bool,
}

/// An item as staff see it.
#[derive(Serialize, ToSchema)]
pub struct StaffFeedbackItem {
    pub id: i64,
    pub tracking_no: String,
    pub kind: String,
    pub category: Option<String>,
    /// The category the system proposed, when the submitter chose none.
    pub suggested_category: Option<String>,
    pub channel: String,
    pub status: String,
    pub priority: String,
    pub unit: i64,
    pub station: i64,
    pub department: Option<i64>,
    pub assignee: Option<i64>,
    /// The text as sent; the masked text for callers who may not see personal data.
    pub text: String,
    /// What the public sees: masked, or the staff's redaction.
    pub public_text: String,
    pub contact: StaffContact,
    /// The name shown in public; absent is anonymous.
    pub display_name: Option<String>,
    /// `default`, `yes` or `no`.
    pub publish: String,
    /// `clear`, `held` or `hidden`.
    pub moderation: String,
    pub support_count: i64,
    /// RFC 3339, UTC, like every time here.
    pub received_at: String,
    pub first_response_due: Option<String>,
    pub resolution_due: Option<String>,
    pub answered_at: Option<String>,
    pub closed_at: Option<String>,
    /// `on_track`, `due_soon`, `overdue`, `paused` or `done`.
    pub due: String,
    pub rating: Option<String>,
    pub adopted: bool,
    pub merged_into: Option<i64>,
    pub reopen_count: i64,
    /// Send it back with an action: a stale one is refused with `conflict`.
    pub version: i64,
}

/// One step of the item's history.
#[derive(Serialize, ToSchema)]
pub struct StaffTimelineEntry {
    pub id: i64,
    /// `received`, `assigned`, `accept`, `assign`, `answer`, `note`, …
    pub kind: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Shown to the submitter and on the board; internal notes are not.
    pub public: bool,
    pub body: Option<String>,
    /// Who did it; absent for the submitter or the system.
    pub actor: Option<String>,
    pub at: String,
}

#[derive(Serialize, ToSchema)]
pub struct StaffItemDetail {
    pub item: StaffFeedbackItem,
    pub timeline: Vec<StaffTimelineEntry>,
    /// The actions the caller may send now (`accept`, `assign`, `answer`, …).
    pub allowed_actions: Vec<String>,
}

pub fn due_code(due: DueState) -> &'static str {
    match due {
        DueState::OnTrack => "on_track",
        DueState::DueSoon => "due_soon",
        DueState::Overdue => "overdue",
        DueState::Paused => "paused",
        DueState::Done => "done",
    }
}

impl StaffFeedbackItem {
    pub fn new(item: ItemView) -> Self {
        let at = |t: Option<domain::Timestamp>| t.map(|t| t.rfc3339());
        StaffFeedbackItem {
            id: item.id,
            kind: item.kind.as_str().into(),
            category: item.category,
            suggested_category: item.suggested_category,
            channel: item.channel.as_str().into(),
            status: item.status.as_str().into(),
            priority: item.priority.as_str().into(),
            unit: item.unit,
            station: item.station,
            department: item.department,
            assignee: item.assignee,
            // Already masked by the services for callers who may not see personal data.
            text: item.body,
            public_text: item.public_body,
            contact: StaffContact {
                name: item.contact.name,
                mobile: item.contact.mobile,
                email: item.contact.email,
                verified: item.contact.verified,
            },
            display_name: item.display_name,
            publish: item.publish.as_str().into(),
            moderation: item.moderation.as_str().into(),
            support_count: item.support_count,
            received_at: item.received_at.rfc3339(),
            first_response_due: at(item.first_response_due),
            resolution_due: at(item.resolution_due),
            answered_at: at(item.answered_at),
            closed_at: at(item.closed_at),
            due: due_code(item.due).into(),
            rating: item.rating.map(|r| r.as_str().into()),
            adopted: item.adopted,
            merged_into: item.merged_into,
            reopen_count: item.reopen_count,
            tracking_no: item.tracking_no,
            version: item.version,
        }
    }
}

impl From<&TimelineEntry> for StaffTimelineEntry {
    fn from(e: &TimelineEntry) -> Self {
        StaffTimelineEntry {
            id: e.id,
            kind: e.kind.clone(),
            from: e.from.map(|s| s.as_str().into()),
            to: e.to.map(|s| s.as_str().into()),
            public: e.public,
            body: e.body.clone(),
            actor: e.actor.clone(),
            at: e.at.rfc3339(),
        }
    }
}

/// The item with its timeline and what the caller may do, as both item endpoints answer.
pub async fn detail(
    services: &services::Services,
    staff: &services::Staff,
    id: i64,
) -> Result<StaffItemDetail, AppError> {
    let (item, timeline) = services.feedback().feedback_item(staff, id).await?;
    let powers = services.feedback().feedback_powers(staff, id).await?;
    let allowed_actions = powers
        .actions(item.status)
        .iter()
        .map(|a| a.as_str().to_owned())
        .collect();
    Ok(StaffItemDetail {
        item: StaffFeedbackItem::new(item),
        timeline: timeline.iter().map(StaffTimelineEntry::from).collect(),
        allowed_actions,
    })
}

#[utoipa::path(get, operation_id = "staff_feedback_item", path = "/feedback/items/{id}", tag = "inbox", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The item's id (from the inbox)")),
    responses(
        (status = 200, body = StaffItemDetail),
        (status = 401, body = ApiError),
        (status = 404, description = "No such item, or not one the caller may see", body = ApiError),
    ))]
pub async fn show(
    State(state): State<AppState>,
    StaffCtx { staff, .. }: StaffCtx,
    Path(id): Path<i64>,
) -> Result<axum::Json<StaffItemDetail>, AppError> {
    Ok(axum::Json(detail(&state.services, &staff, id).await?))
}

//! `POST /feedback/items/{id}/actions`: a step of the workflow — accept, assign, start, ask
//! the submitter, answer, close, decline, mark spam or not, merge.

use super::item_api::{StaffItemDetail, detail};
use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::{ApiError, AppError};
use crate::form::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use services::feedback::StaffAction;
use utoipa::ToSchema;

/// The action, named by `action`, with its own fields.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum StaffActionKind {
    /// Accept the item (受理).
    Accept,
    /// Assign to a department (转办); reassigning needs a `reason`.
    Assign {
        #[serde(default)]
        department: i64,
        #[serde(default)]
        assignee: Option<i64>,
        #[serde(default)]
        reason: Option<String>,
    },
    /// The department starts work.
    Start,
    /// Ask the submitter for more information; the deadlines pause.
    AskSubmitter {
        #[serde(default)]
        question: String,
    },
    /// The public answer, sent to the submitter; `adopted` only for suggestions.
    Answer {
        #[serde(default)]
        text: String,
        #[serde(default)]
        adopted: bool,
    },
    /// Close an answered item (办结).
    Close,
    /// Decline (不予受理), with the reason the submitter is told.
    Decline {
        #[serde(default)]
        reason: String,
    },
    MarkSpam,
    NotSpam,
    /// Into the item with this tracking number.
    Merge {
        #[serde(default)]
        into: String,
    },
}

/// `{"action": "assign", "department": 3, "version": 7}`.
#[derive(Deserialize, ToSchema)]
pub struct StaffActionRequest {
    #[serde(flatten)]
    pub action: StaffActionKind,
    /// The item's `version` as the caller last saw it: a change since then refuses the
    /// action with `conflict` instead of applying it to something the caller has not seen.
    #[serde(default)]
    pub version: Option<i64>,
}

impl From<StaffActionKind> for StaffAction {
    fn from(a: StaffActionKind) -> Self {
        use StaffActionKind as K;
        match a {
            K::Accept => StaffAction::Accept,
            K::Assign {
                department,
                assignee,
                reason,
            } => StaffAction::Assign {
                department,
                assignee,
                reason: reason.filter(|r| !r.trim().is_empty()),
            },
            K::Start => StaffAction::Start,
            K::AskSubmitter { question } => StaffAction::AskSubmitter { question },
            K::Answer { text, adopted } => StaffAction::Answer { text, adopted },
            K::Close => StaffAction::Close,
            K::Decline { reason } => StaffAction::Decline { reason },
            K::MarkSpam => StaffAction::MarkSpam,
            K::NotSpam => StaffAction::NotSpam,
            K::Merge { into } => StaffAction::Merge { into },
        }
    }
}

#[utoipa::path(post, operation_id = "staff_feedback_action", path = "/feedback/items/{id}/actions", tag = "inbox", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The item's id")),
    request_body = StaffActionRequest,
    responses(
        (status = 200, description = "Done: the item as it is now", body = StaffItemDetail),
        (status = 400, description = "Not JSON, or an unknown action", body = ApiError),
        (status = 403, description = "Not the caller's to do", body = ApiError),
        (status = 404, body = ApiError),
        (status = 409, description = "`conflict`: the item changed since `version`; `err_illegal_transition`: its status does not allow the action", body = ApiError),
        (status = 422, description = "Fields to correct, each named", body = ApiError),
    ))]
pub async fn act(
    State(state): State<AppState>,
    StaffCtx { staff, .. }: StaffCtx,
    Path(id): Path<i64>,
    Json(request): Json<StaffActionRequest>,
) -> Result<axum::Json<StaffItemDetail>, AppError> {
    state
        .services
        .feedback()
        .act_on_feedback(&staff, id, request.version, request.action.into())
        .await?;
    Ok(axum::Json(detail(&state.services, &staff, id).await?))
}

//! `GET /feedback/{tracking_no}?secret=…`: what the submitter's tracking page shows.

use super::board_api::{PublicFeedbackItem, PublicTimelineEntry};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::{ApiError, AppError};
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Secret {
    /// The secret part of the tracking link (`/t/{tracking_no}/{secret}`).
    pub secret: String,
}

/// What the submitter may do now.
#[derive(Serialize, ToSchema)]
pub struct TrackingActions {
    /// Staff asked for more information.
    pub can_reply: bool,
    /// Answered and not rated yet.
    pub can_rate: bool,
    /// Dissatisfied (or not rated) and within the days allowed.
    pub can_reopen: bool,
    /// `satisfied`, `mostly_satisfied` or `dissatisfied`.
    pub rating: Option<String>,
    /// Shown on the public board.
    pub published: bool,
    /// The item it was merged into.
    pub merged_into: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TrackedFeedback {
    /// The submitter's own text, unmasked.
    pub item: PublicFeedbackItem,
    pub timeline: Vec<PublicTimelineEntry>,
    pub actions: TrackingActions,
}

#[utoipa::path(get, path = "/feedback/{tracking_no}", operation_id = "track_feedback", tag = "feedback",
    params(("tracking_no" = String, Path, description = "`QS-2026-000123`"), Secret),
    responses(
        (status = 200, body = TrackedFeedback),
        (status = 404, description = "No such item, or the wrong secret", body = ApiError),
    ))]
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(tracking_no): Path<String>,
    Query(q): Query<Secret>,
) -> Result<axum::Json<TrackedFeedback>, AppError> {
    let (item, timeline, state) = state
        .services
        .feedback()
        .tracked_item(&ctx.institution, &tracking_no, &q.secret)
        .await?;
    Ok(axum::Json(TrackedFeedback {
        item: PublicFeedbackItem::from(&item),
        timeline: timeline.iter().map(PublicTimelineEntry::from).collect(),
        actions: TrackingActions {
            can_reply: state.can_reply,
            can_rate: state.can_rate,
            can_reopen: state.can_reopen,
            rating: state.rating.map(|r| r.as_str().to_owned()),
            published: state.published,
            merged_into: state.merged_into,
        },
    }))
}

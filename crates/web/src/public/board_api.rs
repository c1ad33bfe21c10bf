//! `GET /board`: the public transparency board, one page at a time (keyset paging), and
//! the shapes of a published item and its timeline that the other public endpoints share.

use super::board_filters::BoardParams;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::{ApiError, AppError};
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use services::feedback::{PublicItem, TimelineEntry};
use utoipa::{IntoParams, ToSchema};

/// Filters and order of the board; every parameter may be left out.
#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct BoardParamsDoc {
    /// `request`, `suggestion`, `complaint`, `praise` or `inquiry`.
    pub kind: Option<String>,
    /// A category code (see the form's choices).
    pub category: Option<String>,
    /// A station's unit id (`GET /units`).
    pub station: Option<String>,
    /// `open` (still being dealt with) or `answered` (answered or closed).
    pub status: Option<String>,
    /// `newest` (default) or `supported` (most "me too" first).
    pub sort: Option<String>,
    /// The `next` of the previous page.
    pub after: Option<String>,
}

/// A published item, personal data masked.
#[derive(Serialize, ToSchema)]
pub struct PublicFeedbackItem {
    pub tracking_no: String,
    /// `request`, `suggestion`, `complaint`, `praise` or `inquiry`.
    pub kind: String,
    pub category: Option<String>,
    /// The unit (station or service point) it is about.
    pub unit: i64,
    pub station: i64,
    /// `new`, `accepted`, `assigned`, `in_progress`, `waiting`, `answered`, `closed`, `not_accepted`.
    pub status: String,
    /// The nickname the submitter chose; absent for anonymous submissions.
    pub display_name: Option<String>,
    pub text: String,
    /// RFC 3339, UTC.
    pub received_at: String,
    pub answered_at: Option<String>,
    pub support_count: i64,
    /// A suggestion the institution took up.
    pub adopted: bool,
}

impl From<&PublicItem> for PublicFeedbackItem {
    fn from(i: &PublicItem) -> Self {
        PublicFeedbackItem {
            tracking_no: i.tracking_no.clone(),
            kind: i.kind.as_str().into(),
            category: i.category.clone(),
            unit: i.unit,
            station: i.station,
            status: i.status.as_str().into(),
            display_name: i.display_name.clone(),
            text: i.text.clone(),
            received_at: i.received_at.rfc3339(),
            answered_at: i.answered_at.map(|a| a.rfc3339()),
            support_count: i.support_count,
            adopted: i.adopted,
        }
    }
}

/// One step of an item's public history.
#[derive(Serialize, ToSchema)]
pub struct PublicTimelineEntry {
    /// `received`, `assigned`, `accept`, `start`, `ask_submitter`, `submitter_replied`,
    /// `answer`, `close`, `decline`, `merge`, `rated`, `reopened`, …
    pub kind: String,
    pub to_status: Option<String>,
    /// An answer, a question, a reason; personal data masked.
    pub body: Option<String>,
    pub at: String,
}

impl From<&TimelineEntry> for PublicTimelineEntry {
    fn from(e: &TimelineEntry) -> Self {
        PublicTimelineEntry {
            kind: e.kind.clone(),
            to_status: e.to.map(|s| s.as_str().to_owned()),
            body: e.body.clone(),
            at: e.at.rfc3339(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PublicBoardPage {
    pub items: Vec<PublicFeedbackItem>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<String>,
}

#[utoipa::path(get, path = "/board", operation_id = "list_board", tag = "feedback", params(BoardParamsDoc),
    responses((status = 200, body = PublicBoardPage), (status = 400, body = ApiError)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<BoardParams>,
) -> Result<axum::Json<PublicBoardPage>, AppError> {
    let page = state
        .services
        .feedback()
        .board(&ctx.institution, &params.query())
        .await?;
    Ok(axum::Json(PublicBoardPage {
        items: page.items.iter().map(PublicFeedbackItem::from).collect(),
        next: page.next,
    }))
}

//! `GET /feedback/similar`: the published items most like a text someone is about to send —
//! the feedback form's "others have raised something similar", for apps. The form asks the
//! same question through [`on_board`] before it takes an item in; what counts as similar
//! is said there.

use super::board_api::PublicFeedbackItem;
use super::similar::on_board;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::{ApiError, AppError};
use axum::extract::{Query, State};
use domain::Checks;
use domain::feedback::MAX_TEXT;
use serde::{Deserialize, Serialize};
use services::ServiceError;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct SimilarParams {
    /// What the person is about to send (at most 4000 characters).
    // 4000 is `MAX_TEXT` (utoipa takes a literal; `api::tests` checks it).
    #[param(required = true, min_length = 1, max_length = 4000, pattern = r"\S")]
    pub text: String,
}

/// A published item like the text.
#[derive(Serialize, ToSchema)]
pub struct SimilarEntry {
    /// How alike the two texts are, 0–100.
    pub similarity: u8,
    /// The item as the board shows it; support it with "me too" on `/board/{tracking_no}`.
    pub item: PublicFeedbackItem,
}

#[derive(Serialize, ToSchema)]
pub struct SimilarItems {
    /// Best first; empty when nothing published is like the text.
    pub items: Vec<SimilarEntry>,
}

#[utoipa::path(get, path = "/feedback/similar", operation_id = "similar_feedback", tag = "feedback",
    params(SimilarParams),
    responses(
        (status = 200, description = "Up to three published items like the text, best first", body = SimilarItems),
        (status = 422, description = "`text` is missing or longer than 4000 characters", body = ApiError),
        (status = 429, description = "Too many lookups from this address", body = ApiError),
    ))]
pub async fn similar(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<SimilarParams>,
) -> Result<axum::Json<SimilarItems>, AppError> {
    let mut checks = Checks::new();
    let text = checks.text("text", &params.text, MAX_TEXT);
    checks.finish().map_err(ServiceError::Invalid)?;
    state
        .services
        .feedback()
        .spend_similar_lookup(&ctx.institution, ctx.ip.as_deref())?;
    let found = on_board(&state.services, &ctx.institution, &text).await?;
    Ok(axum::Json(SimilarItems {
        items: found
            .iter()
            .map(|s| SimilarEntry {
                similarity: s.similarity,
                item: PublicFeedbackItem::from(&s.item),
            })
            .collect(),
    }))
}

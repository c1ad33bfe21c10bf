//! `GET /feedback/similar`: the published items most like a text someone is about to send —
//! the feedback form's "others have raised something similar", for apps. The form asks the
//! same question through [`on_board`] before it takes an item in.
//!
//! Only what the board shows: published, cleared items that are still open or were received
//! recently (never held, unpublished, spam, merged or declined ones), with their text as the
//! board shows it. Items count as similar from the similar-item index's "related" bar
//! (`text::similar::RELATED_AT`, applied by [`Services::similar_feedback`]).

use super::public_board::PublicFeedbackItem;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::{ApiError, AppError};
use axum::extract::{Query, State};
use domain::Checks;
use domain::feedback::MAX_TEXT;
use serde::{Deserialize, Serialize};
use services::feedback::PublicItem;
use services::{Institution, ServiceError, ServiceResult, Services};
use utoipa::{IntoParams, ToSchema};

/// Items offered at most: what fits above the form on a phone.
pub(crate) const SHOWN: usize = 3;

/// A published item like the text, with how alike they are.
pub(crate) struct Similar {
    /// 0–100.
    pub similarity: u8,
    pub item: PublicItem,
}

/// The published items most like `text`, best first, as the board shows them.
pub(crate) async fn on_board(
    services: &Services,
    institution: &Institution,
    text: &str,
) -> ServiceResult<Vec<Similar>> {
    let found = services
        .similar_feedback(institution.id, None, text, None, SHOWN)
        .await?;
    let mut out = Vec::with_capacity(found.len());
    for s in found {
        // The board's own view of the item: the staff's redaction where there is one (the
        // index's excerpt is the raw text masked), and whether the public may see it now.
        match services.board_item(institution, &s.tracking_no).await {
            Ok((item, _)) => out.push(Similar {
                similarity: s.similarity,
                item,
            }),
            Err(ServiceError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

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

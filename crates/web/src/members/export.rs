//! `/me/export`: everything held about the member, as a JSON file to keep.

use crate::AppState;
use crate::ctx::MemberCtx;
use crate::error::AppError;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

pub async fn download(
    State(state): State<AppState>,
    MemberCtx { ctx, member }: MemberCtx,
) -> Result<Response, AppError> {
    let export = state
        .services
        .feedback()
        .member_export(&ctx.institution, &member)
        .await?;
    let json = serde_json::to_vec_pretty(&export)
        .map_err(|e| AppError::Internal(format!("export: {e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"my-feedback-data.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        json,
    )
        .into_response())
}

//! `POST /feedback/items/{id}/notes`: an internal note on an item, never shown in public.

use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::{ApiError, AppError};
use crate::form::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct NoteRequest {
    /// At most 4000 characters.
    #[serde(default)]
    // The limits are the domain's (utoipa takes literals; `openapi::tests` checks them).
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub note: String,
}

#[utoipa::path(post, operation_id = "staff_feedback_note", path = "/feedback/items/{id}/notes", tag = "inbox", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The item's id")),
    request_body = NoteRequest,
    responses(
        (status = 204, description = "Added to the timeline"),
        (status = 403, body = ApiError),
        (status = 404, body = ApiError),
        (status = 422, description = "`note` is empty or too long", body = ApiError),
    ))]
pub async fn add(
    State(state): State<AppState>,
    StaffCtx { staff, .. }: StaffCtx,
    Path(id): Path<i64>,
    Json(request): Json<NoteRequest>,
) -> Result<StatusCode, AppError> {
    state
        .services
        .feedback()
        .add_internal_note(&staff, id, &request.note)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

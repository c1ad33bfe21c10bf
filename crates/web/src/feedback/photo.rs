//! `/console/feedback/{id}/photos/{photo}`: a photo a submitter attached, for staff who may
//! see the item.

use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

pub async fn show(
    State(state): State<AppState>,
    StaffCtx { staff, .. }: StaffCtx,
    Path((id, photo)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let (content_type, bytes) = state
        .services
        .feedback()
        .feedback_photo(&staff, id, photo)
        .await?;
    // Stored photos were checked and re-encoded at intake, so the stored type is the truth;
    // anything else is served as bytes, never as something a browser would run.
    let content_type = HeaderValue::from_str(&content_type)
        .ok()
        .filter(|v| v.as_bytes().starts_with(b"image/"))
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            // A member of the public's photo: this browser may keep it, no shared cache may.
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=3600"),
            ),
        ],
        bytes,
    )
        .into_response())
}

//! `DELETE /registrations/{id}`: the member cancels a registration (or declines an offer).

use crate::AppState;
use crate::ctx::MemberCtx;
use crate::error::{ApiError, AppError};
use axum::extract::{Path, State};
use axum::http::StatusCode;

#[utoipa::path(delete, path = "/registrations/{id}", operation_id = "events_cancel_registration", tag = "events",
    params(("id" = i64, Path, description = "The registration")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Cancelled; a held seat goes to the waiting list. Later than the activity's `cancel_hours` it counts as a no-show"),
        (status = 404, description = "No such registration of the member", body = ApiError),
        (status = 409, description = "`event_err_not_active` (already cancelled) or `event_err_started`", body = ApiError),
    ))]
pub async fn cancel(
    State(state): State<AppState>,
    MemberCtx { member, .. }: MemberCtx,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    state
        .services
        .events()
        .cancel_registration(&member, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

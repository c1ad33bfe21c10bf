//! `GET /events/{id}`: a published activity with its dates and live seats.

use super::api_types::Activity;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::{ApiError, AppError};
use axum::extract::{Path, State};

#[utoipa::path(get, path = "/events/{id}", operation_id = "events_activity", tag = "events",
    params(("id" = i64, Path, description = "The activity")),
    responses(
        (status = 200, body = Activity),
        (status = 404, description = "No such published activity", body = ApiError),
    ))]
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<axum::Json<Activity>, AppError> {
    let a = state
        .services
        .events()
        .public_activity(ctx.institution.id, id)
        .await?;
    Ok(axum::Json(Activity::from(a)))
}

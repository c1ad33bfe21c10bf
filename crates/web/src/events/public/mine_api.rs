//! `GET /me/registrations`: the member's registrations, the latest date first.

use super::api_types::{Registration, Registrations};
use crate::AppState;
use crate::ctx::MemberCtx;
use crate::error::AppError;
use axum::extract::State;

#[utoipa::path(get, path = "/me/registrations", operation_id = "events_my_registrations", tag = "events",
    security(("bearer" = [])),
    responses((status = 200, body = Registrations)))]
pub async fn list(
    State(state): State<AppState>,
    MemberCtx { member, .. }: MemberCtx,
) -> Result<axum::Json<Registrations>, AppError> {
    let mine = state.services.events().my_registrations(&member).await?;
    Ok(axum::Json(Registrations {
        registrations: mine.iter().map(Registration::from).collect(),
    }))
}

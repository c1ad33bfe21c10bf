//! `POST /auth/logout`: ends the session behind the token.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::{ApiError, AppError};
use axum::extract::State;
use axum::http::StatusCode;

#[utoipa::path(post, path = "/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "Signed out"), (status = 401, body = ApiError)))]
pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> Result<StatusCode, AppError> {
    let token = ctx.session_token.ok_or(AppError::Unauthenticated)?;
    state.services.logout(&token).await?;
    Ok(StatusCode::NO_CONTENT)
}

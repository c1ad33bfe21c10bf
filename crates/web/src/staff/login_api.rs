//! `POST /auth/login`: a bearer token for a staff member.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::{ApiError, AppError};
use crate::form::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`. Ends after 8 idle hours.
    pub token: String,
    /// While true, every other call answers `password_change_required`.
    pub must_change_password: bool,
}

#[utoipa::path(post, path = "/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 400, description = "Malformed body", body = ApiError),
        (status = 401, description = "Wrong username or password (`login_failed`)", body = ApiError),
        (status = 429, description = "Locked or rate-limited", body = ApiError),
    ))]
pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(req): Json<LoginRequest>,
) -> Result<axum::Json<LoginResponse>, AppError> {
    let login = state
        .services
        .login(
            &req.username,
            &req.password,
            ctx.ip.as_deref(),
            ctx.user_agent.as_deref(),
        )
        .await?;
    Ok(axum::Json(LoginResponse {
        token: login.token,
        must_change_password: login.must_change_password,
    }))
}

//! `POST /members/sessions`: sign in with the texted code.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::{ApiError, AppError};
use crate::form::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct SignIn {
    pub mobile: String,
    /// The six digits from the SMS.
    pub code: String,
}

#[derive(Serialize, ToSchema)]
pub struct MemberToken {
    /// Send as `Authorization: Bearer <token>`; valid for 30 days.
    pub token: String,
}

#[utoipa::path(post, path = "/members/sessions", tag = "members",
    request_body = SignIn,
    responses(
        (status = 200, body = MemberToken),
        (status = 422, description = "Wrong, expired or used-up code (field `code`)", body = ApiError),
    ))]
pub async fn sign_in(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(req): Json<SignIn>,
) -> Result<axum::Json<MemberToken>, AppError> {
    let (token, _) = state
        .services
        .verify_member_code(
            &ctx.institution,
            &req.mobile,
            &req.code,
            ctx.ip.as_deref(),
            ctx.user_agent.as_deref(),
        )
        .await?;
    Ok(axum::Json(MemberToken { token }))
}

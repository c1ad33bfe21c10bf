//! `POST /members/codes`: text a sign-in code to a mobile number.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::{ApiError, AppError};
use crate::form::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct CodeRequest {
    /// A mainland mobile number, written any common way: `138 1234 5678`, `+86 13812345678`.
    #[schema(pattern = r"^(\+?86|0086)?[ -]?1[3-9][0-9]([ -]?[0-9]){8}$")]
    pub mobile: String,
}

#[derive(Serialize, ToSchema)]
pub struct CodeSent {
    /// The number, masked: `138****5678`.
    pub sent_to: String,
    pub expires_in_seconds: i64,
}

#[utoipa::path(post, path = "/members/codes", tag = "members",
    request_body = CodeRequest,
    responses(
        (status = 200, body = CodeSent),
        (status = 422, description = "Not a mobile number", body = ApiError),
        (status = 429, description = "Too many codes for this number or address", body = ApiError),
    ))]
pub async fn send_code(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(req): Json<CodeRequest>,
) -> Result<axum::Json<CodeSent>, AppError> {
    let sent = state
        .services
        .send_member_code(&ctx.institution, &req.mobile, ctx.ip.as_deref(), ctx.lang)
        .await?;
    Ok(axum::Json(CodeSent {
        sent_to: sent.sent_to,
        expires_in_seconds: sent.expires_in_seconds,
    }))
}

//! `POST /members/sessions`: sign in with the texted code.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::{ApiError, AppError};
use crate::form::Json;
use axum::extract::State;
use i18n::Key;
use serde::{Deserialize, Serialize};
use services::ServiceError;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct SignIn {
    #[schema(pattern = r"^(\+?86|0086)?[ -]?1[3-9][0-9]([ -]?[0-9]){8}$")]
    pub mobile: String,
    /// The six digits from the SMS.
    #[schema(pattern = r"^[0-9]{6}$")]
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
        (status = 401, description = "Wrong, expired or used-up code (`err_code_wrong`, `err_code_expired`, `err_code_attempts`)", body = ApiError),
        (status = 422, description = "A malformed mobile number or code (named in `fields`)", body = ApiError),
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
        .await
        .map_err(|e| code_not_accepted(e, &req.code))?;
    Ok(axum::Json(MemberToken { token }))
}

/// A well-formed code (six digits) that does not sign in is a failed sign-in (401), as a
/// wrong password is; a malformed one stays a field error (422). The form pages show both
/// beside the field.
fn code_not_accepted(e: ServiceError, code: &str) -> ServiceError {
    let well_formed = code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit());
    match e {
        ServiceError::Invalid(invalid)
            if well_formed && invalid.0.iter().all(|f| f.field == "code") =>
        {
            let key = invalid.0.first().map_or(Key::err_code_wrong, |f| f.key);
            ServiceError::Refused {
                key,
                args: Vec::new(),
            }
        }
        other => other,
    }
}

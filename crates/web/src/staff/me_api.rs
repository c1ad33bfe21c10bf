//! `GET /me`: who the token belongs to.

use crate::ctx::Ctx;
use crate::error::{ApiError, AppError};
use serde::Serialize;
use services::Principal;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Me {
    /// `staff` or `member`.
    pub kind: String,
    pub name: String,
    pub must_change_password: bool,
    /// Staff only: each role and the unit path it applies to.
    pub roles: Vec<RoleGrant>,
}

#[derive(Serialize, ToSchema)]
pub struct RoleGrant {
    pub role: String,
    pub scope: String,
    pub department: Option<i64>,
}

#[utoipa::path(get, path = "/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ApiError)))]
pub async fn me(ctx: Ctx) -> Result<axum::Json<Me>, AppError> {
    let me = match &ctx.principal {
        Some(Principal::Staff(staff)) => Me {
            kind: "staff".into(),
            name: staff.actor.display_name.clone(),
            must_change_password: staff.must_change_password,
            roles: staff
                .actor
                .grants
                .iter()
                .map(|g| RoleGrant {
                    role: g.role.as_str().into(),
                    scope: g.scope.as_str().into(),
                    department: g.department.map(|d| d.0),
                })
                .collect(),
        },
        Some(Principal::Member(m)) => Me {
            kind: "member".into(),
            name: m.masked_mobile(),
            must_change_password: false,
            roles: Vec::new(),
        },
        None => return Err(AppError::Unauthenticated),
    };
    Ok(axum::Json(me))
}

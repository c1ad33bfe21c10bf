//! `GET /units`: the institution's units, for choosing where feedback is about.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Unit {
    pub id: i64,
    pub parent: Option<i64>,
    /// `centre`, `station` or `service_point`.
    pub kind: String,
    pub name: String,
    pub depth: usize,
}

#[utoipa::path(get, path = "/units", tag = "organisation", responses((status = 200, body = Vec<Unit>)))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<axum::Json<Vec<Unit>>, AppError> {
    let units = state.services.public_units(&ctx.institution).await?;
    Ok(axum::Json(
        units
            .into_iter()
            .map(|u| Unit {
                id: u.id.0,
                parent: u.parent.map(|p| p.0),
                kind: u.kind.as_str().into(),
                name: u.name,
                depth: u.depth,
            })
            .collect(),
    ))
}

//! `GET /audit`: the audit log, newest first.

use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::{ApiError, AppError};
use axum::extract::{Query, State};
use domain::{FieldError, Invalid};
use i18n::Key;
use serde::{Deserialize, Serialize};
use services::{AuditFilter, ServiceError};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Only entries about this kind of thing: `user`, `unit`, `department`, …
    pub entity_type: Option<String>,
    /// Entries older than this id (for paging).
    pub before: Option<i64>,
    /// At most this many (default 100, at most 1000).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339, UTC.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    /// JSON of the state before, where the change had one.
    pub before: Option<String>,
    pub after: Option<String>,
}

#[utoipa::path(get, path = "/audit", tag = "audit", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = Vec<AuditEntry>), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
pub async fn list(
    State(state): State<AppState>,
    StaffCtx { staff, .. }: StaffCtx,
    Query(q): Query<AuditQuery>,
) -> Result<axum::Json<Vec<AuditEntry>>, AppError> {
    let filter = AuditFilter {
        entity_type: q.entity_type,
        before_id: q.before,
        limit: match q.limit {
            None => 100,
            Some(limit @ 1..=1000) => limit,
            Some(_) => {
                let wrong = FieldError::new("limit", Key::err_range)
                    .with("min", 1)
                    .with("max", 1000);
                return Err(ServiceError::Invalid(Invalid(vec![wrong])).into());
            }
        },
        ..AuditFilter::default()
    };
    let entries = state.services.audit_log(&staff, filter).await?;
    Ok(axum::Json(
        entries
            .into_iter()
            .map(|e| AuditEntry {
                id: e.id,
                at: e.at.rfc3339(),
                actor: e.actor,
                action: e.action,
                entity_type: e.entity_type,
                entity_id: e.entity_id,
                before: e.before,
                after: e.after,
            })
            .collect(),
    ))
}

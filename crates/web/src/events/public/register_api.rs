//! `POST /events/dates/{date}/registrations`: a signed-in member registers (member token
//! from `POST /members/sessions`, as `Authorization: Bearer`).

use crate::AppState;
use crate::ctx::MemberCtx;
use crate::error::{ApiError, AppError};
use crate::form::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use services::events::{CompanionForm, RegistrationForm};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct CompanionRequest {
    #[schema(max_length = 20)]
    pub name: String,
    /// Four digits, e.g. `2016`; needed when the activity has age limits.
    pub birth_year: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct RegistrationRequest {
    /// The member's own name, for the sign-in sheet.
    #[schema(max_length = 20)]
    pub name: String,
    /// Four digits, e.g. `1956`; required when the activity has age limits.
    pub birth_year: Option<String>,
    /// The station (township) the member lives in, for seats kept for its residents.
    pub township: Option<i64>,
    /// At most the activity's `companions_max`.
    #[serde(default)]
    pub companions: Vec<CompanionRequest>,
    /// When the date is full, join its waiting list instead of being refused.
    #[serde(default)]
    pub join_waiting_list: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Registered {
    pub id: i64,
    /// `confirmed`, `waiting` or `applied` (a lottery application).
    pub status: String,
    /// What to show at the door.
    pub code: String,
    /// The private link: `/e/{token}`.
    pub token: String,
    /// For a lottery: the number on the published list, e.g. `A000123`.
    pub application_no: Option<String>,
}

#[utoipa::path(post, path = "/events/dates/{date}/registrations", operation_id = "events_register", tag = "events",
    params(("date" = i64, Path, description = "The date (for a course, any of its dates)")),
    request_body = RegistrationRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, body = Registered),
        (status = 404, description = "No such date of a published activity", body = ApiError),
        (status = 409, description = "Refused, with the reason as `code`: `event_err_full` (full; send `join_waiting_list`), `event_err_already` (one place per person), `event_err_not_open`, `event_err_closed`, `event_err_started`, `event_err_cancelled`, `event_err_no_booking`, `event_err_blocked`", body = ApiError),
        (status = 422, description = "A field breaks a rule (name, birth years, ages, too many companions), named in `fields`", body = ApiError),
    ))]
pub async fn register(
    State(state): State<AppState>,
    MemberCtx { member, .. }: MemberCtx,
    Path(date): Path<i64>,
    Json(req): Json<RegistrationRequest>,
) -> Result<(StatusCode, axum::Json<Registered>), AppError> {
    let form = RegistrationForm {
        name: req.name,
        birth_year: req.birth_year.unwrap_or_default(),
        township: req.township.map(|t| t.to_string()).unwrap_or_default(),
        companions: req
            .companions
            .into_iter()
            .map(|c| CompanionForm {
                name: c.name,
                birth_year: c.birth_year.unwrap_or_default(),
            })
            .collect(),
        join_waiting_list: req.join_waiting_list,
    };
    let done = state
        .services
        .events()
        .register(&member, date, &form)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(Registered {
            id: done.id,
            status: done.status.to_owned(),
            code: done.code,
            token: done.token,
            application_no: done.application_no,
        }),
    ))
}

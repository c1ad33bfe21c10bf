//! `GET /events`: the public calendar.

use super::api_types::{Calendar, CalendarLine};
use super::calendar::CalendarParams;
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::{ApiError, AppError};
use axum::extract::{Query, State};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CalendarFilter {
    /// `this_week` (the default), `next_week` or `this_month`, on the institution's calendar.
    #[param(pattern = "^(this_week|next_week|this_month)?$")]
    pub period: Option<String>,
    /// Only this unit's activities (and its service points').
    pub unit: Option<i64>,
    /// A category code.
    pub category: Option<String>,
    /// `children`, `elderly`, `family` (or `all`).
    #[param(pattern = "^(all|children|elderly|family)?$")]
    pub audience: Option<String>,
}

#[utoipa::path(get, path = "/events", operation_id = "events_calendar", tag = "events",
    params(CalendarFilter),
    responses(
        (status = 200, body = Calendar),
        (status = 404, description = "No such unit (named in `fields`)", body = ApiError),
        (status = 422, description = "A `period` or `audience` the calendar does not have (named in `fields`)", body = ApiError),
    ))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<CalendarFilter>,
) -> Result<axum::Json<Calendar>, AppError> {
    // A value the calendar has no tab for is refused by name, not read as the default.
    let choices: [(&str, &Option<String>, &[&str]); 2] = [
        (
            "period",
            &f.period,
            &["this_week", "next_week", "this_month"],
        ),
        (
            "audience",
            &f.audience,
            &["all", "children", "elderly", "family"],
        ),
    ];
    for (name, value, allowed) in choices {
        if let Some(v) = value.as_deref()
            && !v.is_empty()
            && !allowed.contains(&v)
        {
            return Err(services::ServiceError::invalid(name, i18n::Key::err_choice).into());
        }
    }
    let params = CalendarParams {
        period: f.period.unwrap_or_default(),
        unit: f.unit.map(|u| u.to_string()).unwrap_or_default(),
        category: f.category.unwrap_or_default(),
        audience: f.audience.unwrap_or_default(),
    };
    let q = params.query(state.services.now(), &ctx.institution.timezone)?;
    let entries = state
        .services
        .events()
        .calendar(ctx.institution.id, &q)
        .await?;
    Ok(axum::Json(Calendar {
        entries: entries.iter().map(CalendarLine::from).collect(),
    }))
}

//! `GET /board/figures`: the figures the institution promises, for itself and each station.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use axum::extract::State;
use serde::Serialize;
use services::feedback::Figures;
use utoipa::ToSchema;

/// Figures over the items received in the last twelve months.
#[derive(Serialize, ToSchema)]
pub struct PublicFigures {
    pub received: i64,
    pub answered: i64,
    /// Answered, closed, or declined with a reason.
    pub resolved: i64,
    pub on_time: i64,
    pub with_deadline: i64,
    pub rated: i64,
    pub satisfied: i64,
    /// `resolved / received`; absent below 10 items, where a rate would mislead.
    pub resolution_rate: Option<f64>,
    /// `on_time / with_deadline`; absent below 10 items.
    pub on_time_rate: Option<f64>,
    /// `satisfied / rated`; absent below 10 ratings.
    pub satisfaction_rate: Option<f64>,
    /// Median time from receipt to the first response, in milliseconds.
    pub first_response_median_ms: Option<i64>,
    /// Median time from receipt to the answer, in milliseconds.
    pub resolution_median_ms: Option<i64>,
}

impl From<&Figures> for PublicFigures {
    fn from(f: &Figures) -> Self {
        PublicFigures {
            received: f.received,
            answered: f.answered,
            resolved: f.resolved,
            on_time: f.on_time,
            with_deadline: f.with_deadline,
            rated: f.rated,
            satisfied: f.satisfied,
            resolution_rate: f.resolution_rate(),
            on_time_rate: f.on_time_rate(),
            satisfaction_rate: f.satisfaction_rate(),
            first_response_median_ms: f.first_response_median_ms,
            resolution_median_ms: f.resolution_median_ms,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StationFigures {
    /// The station's unit id (the centre's own id for items about the centre itself).
    pub station: i64,
    pub figures: PublicFigures,
}

#[derive(Serialize, ToSchema)]
pub struct PublicBoardFigures {
    /// When the figures were computed (RFC 3339, UTC); they are recomputed every few minutes.
    pub computed_at: Option<String>,
    pub institution: PublicFigures,
    pub stations: Vec<StationFigures>,
}

#[utoipa::path(get, path = "/board/figures", operation_id = "board_figures", tag = "feedback",
    responses((status = 200, body = PublicBoardFigures)))]
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<axum::Json<PublicBoardFigures>, AppError> {
    let figures = state
        .services
        .feedback()
        .board_figures(&ctx.institution)
        .await?;
    Ok(axum::Json(PublicBoardFigures {
        computed_at: figures.computed_at.map(|t| t.rfc3339()),
        institution: PublicFigures::from(&figures.institution),
        stations: figures
            .stations
            .iter()
            .map(|(station, f)| StationFigures {
                station: *station,
                figures: PublicFigures::from(f),
            })
            .collect(),
    }))
}

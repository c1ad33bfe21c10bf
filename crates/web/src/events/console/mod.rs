//! The staff console's events: activities of one's units, the activity form and its dates,
//! publishing, a date's roster with the waiting list, check-in at the door, figures.

use crate::AppState;
use axum::Router;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
}

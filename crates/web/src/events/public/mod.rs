//! The public side of events: the calendar, an activity page, registering, a member's
//! registrations, the private link, feeds and the API.

use crate::AppState;
use axum::Router;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
}

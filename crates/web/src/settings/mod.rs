//! Setting up the feedback loop: the institution's feedback settings, categories, routing
//! rules, deadlines, the working calendar, answer templates, sensitive words and the
//! institution's own words — the tabs of `/console/settings` (the import and the group
//! robots are tabs too, kept with feedback and notices).

mod calendar;
mod categories;
mod deadlines;
mod dictionary;
mod feedback;
pub(crate) mod list;
mod routing;
pub(crate) mod tabs;
mod templates;
mod words;

use crate::AppState;
use axum::Router;
use axum::routing::get;
use categories::Categories;
use deadlines::Deadlines;
use routing::Routing;
use templates::Templates;
use words::Words;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/settings", get(feedback::start))
        .route(
            "/console/settings/feedback",
            get(feedback::show).post(feedback::save),
        )
        .route("/console/settings/categories", list::page::<Categories>())
        .route("/console/settings/routing", list::page::<Routing>())
        .route("/console/settings/deadlines", list::page::<Deadlines>())
        .route(
            "/console/settings/calendar",
            get(calendar::show).post(calendar::act),
        )
        .route("/console/settings/templates", list::page::<Templates>())
        .route("/console/settings/words", list::page::<Words>())
        .route(
            "/console/settings/dictionary",
            get(dictionary::show).post(dictionary::act),
        )
}

//! The JSON API under `/api/v1`, one file per endpoint. The OpenAPI document is built
//! from the handlers' annotations, so it cannot drift from what they do.
//!
//! Staff authenticate with `Authorization: Bearer <token>` from `POST /auth/login` (or,
//! from our own pages, the session cookie plus an `X-CSRF-Token` header).

mod audit;
mod auth_login;
mod auth_logout;
mod me;
mod member_codes;
mod member_sessions;
mod units;

// The public feedback loop.
mod public_board;
mod public_feedback;
mod public_figures;
pub(crate) mod public_similar;
mod public_tracking;

// The staff side of the feedback loop.
mod feedback_actions;
mod feedback_item;
mod feedback_notes;
mod feedback_search;
mod inbox;

use crate::AppState;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "CultureDesk API", description = "The public feedback loop and the office's communication, for cultural institutions."),
    servers((url = "/api/v1")),
    components(schemas(crate::error::ApiError, crate::error::ApiFieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Staff sign-in"),
        (name = "members", description = "Members of the public"),
        (name = "organisation", description = "Units and departments"),
        (name = "audit", description = "The audit log"),
        (name = "inbox", description = "Staff work on feedback: the inbox, items, their workflow and notes"),
        (name = "feedback", description = "Feedback from the public: submitting it, following it, and the transparency board"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth_login::login))
        .routes(routes!(auth_logout::logout))
        .routes(routes!(me::me))
        .routes(routes!(member_codes::send_code))
        .routes(routes!(member_sessions::sign_in))
        .routes(routes!(units::list))
        .routes(routes!(audit::list))
        .routes(routes!(inbox::list))
        .routes(routes!(feedback_item::show))
        .routes(routes!(feedback_actions::act))
        .routes(routes!(feedback_notes::add))
        .routes(routes!(feedback_search::search))
        .routes(routes!(public_feedback::submit))
        .routes(routes!(public_tracking::show))
        .routes(routes!(public_board::list))
        .routes(routes!(public_figures::show))
        .routes(routes!(public_similar::similar))
}

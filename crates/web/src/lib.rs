//! CultureDesk's web layer: the public portal at `/`, the staff console at `/console`,
//! and the JSON API under `/api/v1` (described at `/api/v1/openapi.json`).
//!
//! Pages are rendered on the server from compile-checked askama templates and work
//! without JavaScript. The code is sliced by feature — `site`, `staff`, `members`, `public`,
//! `feedback`, `settings`, `notices` — each page and each API endpoint a file of its own in
//! its feature's folder, whose `routes()` serves both; `openapi` gathers the endpoints'
//! document. Every request passes through [`ctx`], which works out the
//! institution, the language, the signed-in person and the CSRF token; every error
//! leaves through [`error`], which gives API clients `{code, message, fields}` and
//! people a page in their language.

mod choices;
mod control_chars;
mod csrf;
pub mod ctx;
pub mod error;
mod form;
mod metrics;
mod openapi;
mod page;

// The features, each with its pages and API endpoints.
mod events;
mod feedback;
mod members;
mod notices;
mod public;
mod settings;
mod site;
mod staff;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use services::Services;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

pub use metrics::Metrics;

/// How the web layer behaves in this deployment.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure`: the server is reached over HTTPS.
    pub secure_cookies: bool,
    /// How many reverse proxies stand in front, each appending to `X-Forwarded-For`; the
    /// client's address is the entry that many places from the right. 0: none, the socket
    /// peer is the client.
    pub trusted_proxies: u8,
    /// Where people reach the server (`https://…`); over HTTPS, browsers are told to keep
    /// to it (`Strict-Transport-Security`).
    pub public_url: String,
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub config: Arc<WebConfig>,
    pub metrics: Arc<Metrics>,
}

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

const HSTS: &str = "max-age=31536000";

/// The largest request body accepted (photos and imports come later with their own limits).
pub(crate) const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The whole application as one axum router.
pub fn app(services: Services, config: WebConfig) -> Router {
    let https = config.public_url.starts_with("https://");
    let state = AppState {
        services,
        config: Arc::new(config),
        metrics: Arc::new(Metrics::default()),
    };
    Router::new()
        .merge(site::routes())
        .merge(staff::routes())
        .merge(members::routes())
        .merge(public::routes())
        .merge(feedback::routes())
        .merge(settings::routes())
        .merge(notices::routes())
        .merge(events::routes())
        .merge(openapi::routes())
        .fallback(error::not_found)
        // Inside the context, so a refusal is shown in the person's language.
        .layer(axum::middleware::from_fn(control_chars::refuse))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ctx::context,
        ))
        .layer(CatchPanicLayer::custom(error::panicked))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(axum::middleware::from_fn(error::render))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // No framing by other sites, no sniffing, no leaking of URLs to other sites, and
        // only our own scripts and styles.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // Reached over HTTPS: browsers keep to it for a year. No `preload`: leaving that
        // list takes months, and the deployment may yet move.
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &axum::response::Response| https.then(|| HeaderValue::from_static(HSTS)),
        ))
        // Pages, JSON and scripts gzipped or brotli'd for browsers that ask (the inbox is
        // 54 KB of HTML, on phones). The default predicate leaves alone what gains nothing
        // or must not wait for a buffer: images, tiny bodies and the notices' event stream.
        .layer(CompressionLayer::new())
        .with_state(state)
}

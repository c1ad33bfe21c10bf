//! The console's notice badge, kept current.
//!
//! Every console page carries the number of notices still asking for the staff member's
//! attention (read from the database for the page, so it is right without JavaScript).
//! `/static/notices.js` then listens to `/console/notices/events`, a server-sent event
//! stream that sends the number on connecting and again whenever it changes: at once when
//! this node hears of a change in the institution's notices, and every
//! [`RECHECK`](services::notices::live::RECHECK) otherwise, which is how notices
//! published on other nodes arrive. The stream ends when the session does.

use crate::AppState;
use crate::ctx::StaffCtx;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use services::notices::live::{NoticeChanged, RECHECK};
use services::{Services, Staff};
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::Instant;

/// Where the stream is served; the badge's link names it for the script.
pub const EVENTS_PATH: &str = "/console/notices/events";

/// Re-reads no more often than this: colleagues reading notices tell every stream of the
/// institution too, and a burst of them should cost each stream one query, not one each.
const MIN_GAP: Duration = Duration::from_secs(1);

/// How long a browser waits before reconnecting after the stream dropped.
const RECONNECT_AFTER: Duration = Duration::from_secs(10);

const NOTICES_JS: &str = include_str!("../../static/notices.js");
const NOTICES_CSS: &str = include_str!("../../static/notices.css");

/// The badge's number for a console page; `None` (no badge) if it cannot be read, since a
/// page should not fail for its badge.
pub(crate) async fn badge_for_page(services: &Services, staff: &Staff) -> Option<i64> {
    match services.notices().pending_notice_count(staff).await {
        Ok(n) => Some(n),
        Err(e) => {
            tracing::warn!("could not read the notice badge: {e}");
            None
        }
    }
}

/// Whether a request is for a page that shows the badge: a console or portal page, not
/// the API, static files or the stream itself.
pub(crate) fn shows_badge(method: &axum::http::Method, path: &str) -> bool {
    (method == axum::http::Method::GET || method == axum::http::Method::HEAD)
        && !path.starts_with("/api/")
        && !path.starts_with("/static/")
        && path != EVENTS_PATH
}

/// What the stream remembers between events.
struct Watch {
    services: Services,
    staff: Staff,
    changes: broadcast::Receiver<NoticeChanged>,
    /// The number last sent; `None` before the first event.
    sent: Option<i64>,
    last_read: Option<Instant>,
}

pub async fn events(
    State(state): State<AppState>,
    StaffCtx { staff, .. }: StaffCtx,
) -> impl IntoResponse {
    let watch = Watch {
        changes: state.services.notices().live().subscribe(),
        services: state.services,
        staff,
        sent: None,
        last_read: None,
    };
    let stream = futures_util::stream::unfold(watch, next_event);
    (
        // Proxies such as nginx would otherwise hold the events back.
        [(header::HeaderName::from_static("x-accel-buffering"), "no")],
        Sse::new(stream).keep_alive(KeepAlive::default()),
    )
}

/// Waits until the number may have changed, re-reads it, and gives it when it did; ends
/// the stream when the session has ended or the node is shutting down.
async fn next_event(mut w: Watch) -> Option<(Result<Event, Infallible>, Watch)> {
    loop {
        if w.last_read.is_some() && !wait_for_change(&mut w).await {
            return None;
        }
        w.last_read = Some(Instant::now());
        let count = match w.services.notices().notice_badge(&w.staff).await {
            Ok(Some(n)) => n,
            Ok(None) => return None,
            Err(e) => {
                tracing::warn!("notice badge stream: {e}");
                continue;
            }
        };
        if w.sent == Some(count) {
            continue;
        }
        let mut event = Event::default().event("pending").data(count.to_string());
        if w.sent.is_none() {
            event = event.retry(RECONNECT_AFTER);
        }
        w.sent = Some(count);
        return Some((Ok(event), w));
    }
}

/// Returns when something changed in the staff member's institution or the recheck period
/// passed; false when the broadcast is gone.
async fn wait_for_change(w: &mut Watch) -> bool {
    let tenant = w.staff.actor.tenant_id;
    let heard = tokio::time::timeout(RECHECK, async {
        loop {
            match w.changes.recv().await {
                Ok(change) if change.tenant == tenant => return true,
                Ok(_) => {}
                // Missed some: the count is re-read anyway.
                Err(RecvError::Lagged(_)) => return true,
                Err(RecvError::Closed) => return false,
            }
        }
    })
    .await;
    if heard == Ok(false) {
        return false;
    }
    if let Some(last) = w.last_read {
        tokio::time::sleep_until(last + MIN_GAP).await;
    }
    // What arrived meanwhile is covered by the read that follows.
    while !matches!(
        w.changes.try_recv(),
        Err(broadcast::error::TryRecvError::Empty | broadcast::error::TryRecvError::Closed)
    ) {}
    true
}

pub async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // The URL carries the version, so a long cache is safe.
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        NOTICES_JS,
    )
}

pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        NOTICES_CSS,
    )
}

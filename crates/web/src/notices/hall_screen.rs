//! `/board/notices`: the bulletin board for the hall screen — the institution's notices in
//! force now, in large type, refreshing itself every minute, with no sign-in (the screen
//! is a browser left open in the hall). Which notices, and what of them, is decided by
//! [`Services::notice_board`](services::Services::notice_board): never who received or
//! read them.

use super::item::{Block, blocks};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::page::{Page, framed, render, shortened};
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use i18n::Key;
use services::notices::BoardNotice;

/// Characters of a notice's text shown on the screen; the rest is in the console.
const BODY_CHARS: usize = 500;

const BOARD_CSS: &str = include_str!("../../static/notice_board.css");

#[derive(Template)]
#[template(path = "public/notice_board.html")]
struct BoardPage {
    page: Page,
    updated: String,
    notices: Vec<Card>,
}
framed!(BoardPage);

struct Card {
    title: String,
    /// Paragraphs and lists, as on the notice's own page.
    body: Vec<Block>,
    category: &'static str,
    priority: &'static str,
    priority_code: &'static str,
    when: String,
    corrected: bool,
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<impl IntoResponse, AppError> {
    let t = ctx.t();
    let tz = &ctx.institution.timezone;
    let notices = state
        .services
        .notices()
        .notice_board(ctx.institution.id)
        .await?;
    let now = state.services.now();
    let card = |n: BoardNotice| Card {
        body: blocks(&shortened(&n.body, BODY_CHARS)),
        category: t.get(n.category.label()),
        priority: t.get(n.priority.label()),
        priority_code: n.priority.as_str(),
        when: n
            .published_at
            .map(|p| t.fill(Key::noticeboard_published, &[("at", &p.format_minutes(tz))]))
            .unwrap_or_default(),
        corrected: n.corrected,
        title: n.title,
    };
    let html = render(&BoardPage {
        page: Page::new(&ctx, t.noticeboard_title()),
        updated: t.fill(
            Key::noticeboard_updated,
            &[("at", &now.in_zone(tz).strftime("%H:%M").to_string())],
        ),
        notices: notices.into_iter().map(card).collect(),
    })?;
    // The screen reloads itself; nothing in between should keep an old copy.
    Ok(([(header::CACHE_CONTROL, "no-cache")], html))
}

pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            // The URL carries the version, so a long cache is safe.
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        BOARD_CSS,
    )
}

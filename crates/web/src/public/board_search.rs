//! `/board/search`: the public searches the board for words — only published items, only
//! what the board shows of them (personal data masked), with the words marked. A plain GET
//! form, linked from the board.

use super::view::{ItemCard, Names};
use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::form::{FieldMessages, messages};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use i18n::Key;
use serde::Deserialize;
use services::ServiceError;
use services::feedback::MAX_QUERY;

#[derive(Template)]
#[template(path = "public/board_search.html")]
struct BoardSearchView {
    page: Page,
    q: String,
    max_query: usize,
    errors: FieldMessages,
    results: Option<Results>,
}
framed!(BoardSearchView);

struct Results {
    summary: String,
    words: String,
    hits: Vec<Hit>,
    page_of: String,
    prev: Option<String>,
    next: Option<String>,
}

struct Hit {
    card: ItemCard,
    /// HTML made by the service: escaped text with `<mark>` around the words.
    snippet: String,
    answer_snippet: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Params {
    q: Option<String>,
    page: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<Params>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let services = &state.services;
    let q = params.q.clone().unwrap_or_default();
    let (results, errors, status) = match &params.q {
        None => (None, FieldMessages::new(), StatusCode::OK),
        Some(_) => match services
            .feedback()
            .search_board(&ctx.institution, &q, &params.page, ctx.ip.as_deref())
            .await
        {
            Ok(found) => {
                let names = Names::load(services, &ctx.institution).await?;
                let link = |page: usize| {
                    let query = form_urlencoded::Serializer::new(String::new())
                        .append_pair("q", &q)
                        .append_pair("page", &page.to_string())
                        .finish();
                    format!("/board/search?{query}")
                };
                let summary = if found.capped {
                    t.fill(Key::search_capped, &[("n", &found.total)])
                } else {
                    t.fill(Key::search_count, &[("n", &found.total)])
                };
                let results = Results {
                    summary,
                    words: t.fill(Key::search_words, &[("words", &found.words.join(" "))]),
                    hits: found
                        .hits
                        .iter()
                        .map(|h| Hit {
                            card: ItemCard::new(&h.item, &names, &t),
                            snippet: h.snippet.clone(),
                            answer_snippet: h.answer_snippet.clone(),
                        })
                        .collect(),
                    page_of: t.fill(
                        Key::search_page_of,
                        &[("page", &found.page), ("pages", &found.pages)],
                    ),
                    prev: (found.page > 1).then(|| link(found.page - 1)),
                    next: (found.page < found.pages).then(|| link(found.page + 1)),
                };
                (Some(results), FieldMessages::new(), StatusCode::OK)
            }
            Err(ServiceError::Invalid(invalid)) => (
                None,
                messages(&invalid, &t),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            Err(e) => return Err(e.into()),
        },
    };
    let html = render(&BoardSearchView {
        page: Page::new(&ctx, t.board_search_title()),
        q,
        max_query: MAX_QUERY,
        errors,
        results,
    })?;
    Ok((status, html).into_response())
}

//! `GET /feedback/search`: full-text search over the feedback a staff member may see and
//! its answers, with the inbox's filters.

use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::{ApiError, AppError};
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use services::feedback::{SearchHit, SearchQuery};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The words to find (at most 100 characters); every word must be in the item's text or
    /// its answers. Traditional characters and full-width letters are found too.
    #[param(required = true, min_length = 1, max_length = 100, pattern = r"\S")]
    pub q: Option<String>,
    /// A status code, or `open` for every status still to be dealt with.
    pub status: Option<String>,
    /// `request`, `suggestion`, `complaint`, `praise` or `inquiry`.
    pub kind: Option<String>,
    /// A category code.
    pub category: Option<String>,
    /// A unit id: items about it and the units below it.
    pub unit: Option<String>,
    /// A department id.
    pub department: Option<String>,
    /// Received on or after this day, `YYYY-MM-DD`, where the institution is.
    pub from: Option<String>,
    /// Received on or before this day.
    pub to: Option<String>,
    /// The page, from 1.
    pub page: Option<String>,
}

impl From<SearchParams> for SearchQuery {
    fn from(p: SearchParams) -> Self {
        SearchQuery {
            q: p.q.unwrap_or_default(),
            status: p.status.unwrap_or_default(),
            kind: p.kind.unwrap_or_default(),
            category: p.category.unwrap_or_default(),
            unit: p.unit.unwrap_or_default(),
            department: p.department.unwrap_or_default(),
            from: p.from.unwrap_or_default(),
            to: p.to.unwrap_or_default(),
            page: p.page.unwrap_or_default(),
        }
    }
}

/// One item found.
#[derive(Serialize, ToSchema)]
pub struct SearchEntry {
    pub id: i64,
    pub tracking_no: String,
    pub kind: String,
    pub category: Option<String>,
    pub status: String,
    pub unit: i64,
    pub department: Option<i64>,
    /// RFC 3339, UTC.
    pub received_at: String,
    /// HTML: the text around the first word found, escaped, each word found in `<mark>`;
    /// personal data masked unless the caller may see it.
    pub snippet: String,
    /// HTML like `snippet`: the answer or reply the words were found in, when the text
    /// itself does not hold them all.
    pub answer_snippet: Option<String>,
    /// Personal data is masked in the snippets: the caller may not see it.
    pub masked: bool,
    /// Relevance, higher is better; comparable only within one search.
    pub score: f64,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResult {
    /// The words searched for, as cut and folded (simplified, lower case).
    pub words: Vec<String>,
    /// Best first.
    pub hits: Vec<SearchEntry>,
    /// This page, from 1.
    pub page: usize,
    pub pages: usize,
    /// Results over all pages.
    pub total: usize,
    /// More items matched than are ranked: these are the newest matches, most relevant
    /// first; add a word or a filter to narrow the search.
    pub capped: bool,
}

impl From<&SearchHit> for SearchEntry {
    fn from(h: &SearchHit) -> Self {
        SearchEntry {
            id: h.id,
            tracking_no: h.tracking_no.clone(),
            kind: h.kind.as_str().into(),
            category: h.category.clone(),
            status: h.status.as_str().into(),
            unit: h.unit,
            department: h.department,
            received_at: h.received_at.rfc3339(),
            snippet: h.snippet.clone(),
            answer_snippet: h.answer_snippet.clone(),
            masked: h.masked,
            score: h.score,
        }
    }
}

#[utoipa::path(get, operation_id = "staff_feedback_search", path = "/feedback/search", tag = "inbox", security(("bearer" = [])), params(SearchParams),
    responses((status = 200, body = SearchResult), (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 422, description = "The query is empty, too long or has nothing to search for: `fields` names `q`.", body = ApiError)))]
pub async fn search(
    State(state): State<AppState>,
    StaffCtx { staff, .. }: StaffCtx,
    Query(params): Query<SearchParams>,
) -> Result<axum::Json<SearchResult>, AppError> {
    let found = state
        .services
        .feedback()
        .search_feedback(&staff, &params.into())
        .await?;
    Ok(axum::Json(SearchResult {
        hits: found.hits.iter().map(SearchEntry::from).collect(),
        words: found.words,
        page: found.page,
        pages: found.pages,
        total: found.total,
        capped: found.capped,
    }))
}

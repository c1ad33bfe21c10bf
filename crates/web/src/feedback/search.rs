//! `/console/feedback/search`: staff search the feedback they may see, and its answers, for
//! Chinese words — a search box, the inbox's filters, and results with the words marked.
//! A plain GET form: it works without JavaScript, and a search is a link that can be kept.

use super::names::{self, Names};
use crate::AppState;
use crate::choices::Choice;
use crate::ctx::{Ctx, StaffCtx};
use crate::error::AppError;
use crate::form::{FieldMessages, messages};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::ConsolePowers;
use i18n::{Key, Tr};
use serde::Deserialize;
use services::ServiceError;
use services::feedback::{MAX_QUERY, SearchPage, SearchQuery};

#[derive(Template)]
#[template(path = "console/feedback_search.html")]
struct SearchView {
    page: Page,
    q: SearchQuery,
    max_query: usize,
    errors: FieldMessages,
    statuses: Vec<Choice>,
    kinds: Vec<Choice>,
    categories: Vec<Choice>,
    units: Vec<Choice>,
    departments: Vec<Choice>,
    /// Some filter is set: the filter panel opens.
    filtering: bool,
    results: Option<Results>,
}
framed!(SearchView);

struct Results {
    /// "12 found" or the note that only the newest matches were ranked.
    summary: String,
    words: String,
    hits: Vec<Hit>,
    /// Some excerpts have personal data hidden.
    masked: bool,
    page_of: String,
    prev: Option<String>,
    next: Option<String>,
}

struct Hit {
    id: i64,
    tracking_no: String,
    status: &'static str,
    kind: &'static str,
    category: String,
    unit: String,
    received: String,
    /// HTML made by the service: escaped text with `<mark>` around the words.
    snippet: String,
    answer_snippet: Option<String>,
}

/// The form's fields; `q` absent means the page was opened, not searched.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchParams {
    q: Option<String>,
    status: String,
    kind: String,
    category: String,
    unit: String,
    department: String,
    from: String,
    to: String,
    page: String,
}

impl SearchParams {
    fn query(&self) -> SearchQuery {
        SearchQuery {
            q: self.q.clone().unwrap_or_default(),
            status: self.status.clone(),
            kind: self.kind.clone(),
            category: self.category.clone(),
            unit: self.unit.clone(),
            department: self.department.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            page: self.page.clone(),
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Query(params): Query<SearchParams>,
) -> Result<Response, AppError> {
    if !ConsolePowers::of(&staff.actor).feedback {
        return Err(AppError::Service(ServiceError::Forbidden));
    }
    let t = ctx.t();
    let services = &state.services;
    let q = params.query();
    let names = Names::load(services, &staff, &t).await?;
    let (results, errors, status) = match &params.q {
        None => (None, FieldMessages::new(), StatusCode::OK),
        Some(_) => match services.feedback().search_feedback(&staff, &q).await {
            Ok(found) => (
                Some(results(&found, &q, &names, &t)),
                FieldMessages::new(),
                StatusCode::OK,
            ),
            Err(ServiceError::Invalid(invalid)) => (
                None,
                messages(&invalid, &t),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            Err(e) => return Err(e.into()),
        },
    };
    page(&ctx, &t, q, names, errors, results, status)
}

fn page(
    ctx: &Ctx,
    t: &Tr,
    q: SearchQuery,
    names: Names,
    errors: FieldMessages,
    results: Option<Results>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let filtering = [
        &q.status,
        &q.kind,
        &q.category,
        &q.unit,
        &q.department,
        &q.from,
        &q.to,
    ]
    .iter()
    .any(|v| !v.is_empty());
    let title = if q.q.trim().is_empty() || !errors.is_empty() {
        t.search_title().to_owned()
    } else {
        format!("{} · {}", q.q.trim(), t.search_title())
    };
    let html = render(&SearchView {
        page: Page::new(ctx, title),
        max_query: MAX_QUERY,
        errors,
        statuses: names::statuses(t),
        kinds: names::kinds(t),
        categories: names.categories.clone(),
        units: names.units.clone(),
        departments: names.departments.clone(),
        filtering,
        results,
        q,
    })?;
    Ok((status, html).into_response())
}

fn results(found: &SearchPage, q: &SearchQuery, names: &Names, t: &Tr) -> Results {
    let link = |page: usize| format!("/console/feedback/search?{}", query_string(q, page));
    let summary = if found.capped {
        t.fill(Key::search_capped, &[("n", &found.total)])
    } else {
        t.fill(Key::search_count, &[("n", &found.total)])
    };
    Results {
        summary,
        words: t.fill(Key::search_words, &[("words", &found.words.join(" "))]),
        masked: found.hits.iter().any(|h| h.masked),
        hits: found
            .hits
            .iter()
            .map(|h| Hit {
                id: h.id,
                tracking_no: h.tracking_no.clone(),
                status: t.get(h.status.label()),
                kind: t.get(h.kind.label()),
                category: names.category(h.category.as_deref()),
                unit: names.unit(h.unit),
                received: names.when(Some(h.received_at)),
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
    }
}

/// The search as a query string, on page `page`.
pub fn query_string(q: &SearchQuery, page: usize) -> String {
    let page = page.to_string();
    let pairs = [
        ("q", q.q.as_str()),
        ("status", &q.status),
        ("kind", &q.kind),
        ("category", &q.category),
        ("unit", &q.unit),
        ("department", &q.department),
        ("from", &q.from),
        ("to", &q.to),
        ("page", &page),
    ];
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            pairs
                .iter()
                .filter(|(k, v)| !(v.is_empty() || (*k == "page" && *v == "1"))),
        )
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_link_keeps_the_words_and_filters() {
        let q = SearchQuery {
            q: "广场舞 音响".into(),
            status: "open".into(),
            page: "3".into(),
            ..Default::default()
        };
        assert_eq!(
            query_string(&q, 2),
            "q=%E5%B9%BF%E5%9C%BA%E8%88%9E+%E9%9F%B3%E5%93%8D&status=open&page=2"
        );
        assert_eq!(
            query_string(&q, 1),
            "q=%E5%B9%BF%E5%9C%BA%E8%88%9E+%E9%9F%B3%E5%93%8D&status=open"
        );
    }
}

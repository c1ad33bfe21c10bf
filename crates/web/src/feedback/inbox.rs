//! `/console/feedback`: the staff inbox — queues, filters, sorting, numbered pages of
//! [`services::feedback::CONSOLE_PAGE`] rows with the count of all matches, and acting on many items at once
//! (the bulk actions above the list; "select all" by `/static/console.js`, the per-row
//! boxes working without it).

use super::names::{self, Names};
use crate::AppState;
use crate::choices::Choice;
use crate::ctx::{Ctx, StaffCtx};
use crate::error::AppError;
use crate::page::{Page, framed, render};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use domain::feedback::Priority;
use i18n::{Key, Tr};
use serde::Deserialize;
use services::feedback::{
    BulkReport, COUNT_CAP, InboxCounts, InboxPowers, InboxQuery, QUEUES, StaffAction,
};
use services::{Services, Staff};

#[derive(Template)]
#[template(path = "console/feedback_inbox.html")]
struct InboxPage {
    page: Page,
    queues: Vec<QueueTab>,
    q: InboxQuery,
    statuses: Vec<Choice>,
    kinds: Vec<Choice>,
    categories: Vec<Choice>,
    units: Vec<Choice>,
    departments: Vec<Choice>,
    /// For bulk assigning: the departments of the units one triages for.
    bulk_departments: Vec<Choice>,
    channels: Vec<Choice>,
    sorts: Vec<Choice>,
    rows: Vec<Row>,
    /// "共 N 条" and "第 n / m 页".
    total: String,
    page_of: String,
    /// Links to the other pages, filters kept; only when there is more than one.
    pager: Vec<PageLink>,
    prev: Option<String>,
    next: Option<String>,
    /// The current view's filters as a query string, for the export links and the bulk form.
    view: String,
    /// Sent back with the bulk form, to show the same page again.
    current_page: u64,
    /// Bulk assign and close are triage.
    can_bulk: bool,
    can_enter: bool,
    outcome: Option<Outcome>,
    /// Some filter is set: the filter panel opens.
    filtering: bool,
}
framed!(InboxPage);

struct PageLink {
    number: u64,
    href: String,
    current: bool,
}

/// Which page of the inbox, from 1.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageNo {
    page: String,
}

const CONSOLE_JS: &str = include_str!("../../static/console.js");

/// `/static/console.js`: "select all" for the inbox, and nothing a page needs to work.
pub async fn js() -> impl IntoResponse {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (
                axum::http::header::CACHE_CONTROL,
                "public, max-age=31536000, immutable",
            ),
        ],
        CONSOLE_JS,
    )
}

struct QueueTab {
    code: &'static str,
    label: &'static str,
    href: String,
    current: bool,
    count: Option<String>,
}

struct Row {
    id: i64,
    tracking_no: String,
    /// "Select CD-2026-000001", for the checkbox.
    pick_label: String,
    kind: &'static str,
    /// The confirmed category, or the system's guess marked as one.
    category: String,
    guessed: bool,
    unit: String,
    status: &'static str,
    due: &'static str,
    due_class: &'static str,
    overdue: bool,
    deadline: String,
    department: String,
    excerpt: String,
    support: i64,
    urgent: bool,
    held: bool,
}

/// What a bulk action did, in words.
struct Outcome {
    done: Option<String>,
    refused_title: Option<String>,
    refused: Vec<(String, String)>,
}

pub async fn show(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Query(q): Query<InboxQuery>,
    Query(n): Query<PageNo>,
) -> Result<Response, AppError> {
    let number = n.page.trim().parse().unwrap_or(1);
    page(&state.services, &ctx, &staff, q, number, None).await
}

/// The bulk form: `id` once per ticked item, `bulk` = `assign` | `close`, `department`,
/// `reason`, and `view` (the filters the staff member was looking at, to show them again).
pub async fn bulk(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    body: Bytes,
) -> Result<Response, AppError> {
    let t = ctx.t();
    // Read by hand: the ticked boxes repeat the `id` key, which the plain form reader cannot collect.
    let mut ids = Vec::new();
    let (mut bulk, mut department, mut reason, mut view) =
        (String::new(), String::new(), String::new(), String::new());
    let mut number = 1;
    for (key, value) in form_urlencoded::parse(&body) {
        match key.as_ref() {
            "id" => ids.extend(value.parse::<i64>().ok()),
            "bulk" => bulk = value.into_owned(),
            "department" => department = value.into_owned(),
            "reason" => reason = value.into_owned(),
            "view" => view = value.into_owned(),
            "page" => number = value.parse().unwrap_or(1),
            _ => {}
        }
    }
    let q = Uri::try_from(format!("/console/feedback?{view}"))
        .ok()
        .and_then(|uri| Query::<InboxQuery>::try_from_uri(&uri).ok())
        .map(|Query(q)| q)
        .unwrap_or_default();
    if ids.is_empty() {
        let outcome = Outcome {
            done: None,
            refused_title: Some(t.inbox_bulk_none().to_owned()),
            refused: Vec::new(),
        };
        return page(&state.services, &ctx, &staff, q, number, Some(outcome)).await;
    }
    let action = match bulk.as_str() {
        "assign" => StaffAction::Assign {
            // A missing department is the service's to name as a field error, item by item.
            department: department.parse().unwrap_or(0),
            assignee: None,
            reason: Some(reason).filter(|r| !r.trim().is_empty()),
        },
        "close" => StaffAction::Close,
        _ => {
            return Err(AppError::Malformed {
                detail: "bulk".into(),
                field: Some("bulk".into()),
            });
        }
    };
    let report = state
        .services
        .feedback()
        .bulk_act(&staff, &ids, &action)
        .await?;
    let outcome = outcome(report, &t);
    page(&state.services, &ctx, &staff, q, number, Some(outcome)).await
}

fn outcome(report: BulkReport, t: &Tr) -> Outcome {
    let n = report.done.len();
    Outcome {
        done: (n > 0).then(|| {
            t.fill(
                Key::inbox_bulk_done,
                &[("n", &n), ("list", &report.done.join("、"))],
            )
        }),
        refused_title: (!report.refused.is_empty())
            .then(|| t.fill(Key::inbox_bulk_refused, &[("n", &report.refused.len())])),
        refused: report
            .refused
            .into_iter()
            .map(|(tracking, e)| (tracking, why(e, t)))
            .collect(),
    }
}

/// A refusal in words: the fields it names (a missing reason, a department to choose), or
/// the refusal's own message.
pub fn why(e: services::ServiceError, t: &Tr) -> String {
    match e {
        services::ServiceError::Invalid(invalid) => invalid
            .0
            .iter()
            .map(|f| f.message(t))
            .collect::<Vec<_>>()
            .join("；"),
        other => AppError::Service(other).info().message(t),
    }
}

async fn page(
    services: &Services,
    ctx: &Ctx,
    staff: &Staff,
    q: InboxQuery,
    number: u64,
    outcome: Option<Outcome>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let inbox = services
        .feedback()
        .inbox_numbered(staff, &q, number)
        .await?;
    let counts = services.feedback().inbox_counts(staff).await?;
    let powers = InboxPowers::of(staff);
    let names = Names::load(services, staff, &t).await?;
    let routable = services.feedback().routable_departments(staff).await?;
    let view = query_string(&q, None);
    let rows = inbox
        .rows
        .iter()
        .map(|r| Row {
            id: r.id,
            tracking_no: r.tracking_no.clone(),
            pick_label: t.fill(Key::inbox_select, &[("tracking", &r.tracking_no)]),
            kind: t.get(r.kind.label()),
            category: category_cell(r, &names, &t),
            guessed: r.category.is_none() && r.guess.is_some(),
            unit: names.unit(r.unit),
            status: t.get(r.status.label()),
            due: t.get(r.due.label()),
            due_class: names::due_class(r.due),
            overdue: r.due == services::feedback::DueState::Overdue,
            deadline: names.when(r.resolution_due),
            department: names.department(r.department),
            excerpt: r.excerpt.clone(),
            support: r.support_count,
            urgent: r.priority == Priority::Urgent,
            held: r.held,
        })
        .collect();
    let link = |n: u64| {
        let mut link = form_urlencoded::Serializer::new(view.clone());
        link.append_pair("page", &n.to_string());
        format!("/console/feedback?{}", link.finish())
    };
    let pager = if inbox.pages > 1 {
        (1..=inbox.pages)
            .map(|n| PageLink {
                number: n,
                href: link(n),
                current: n == inbox.page,
            })
            .collect()
    } else {
        Vec::new()
    };
    let prev = (inbox.page > 1).then(|| link(inbox.page - 1));
    let next = (inbox.page < inbox.pages).then(|| link(inbox.page + 1));
    let html = render(&InboxPage {
        page: Page::new(ctx, t.inbox_title()),
        queues: queue_tabs(&powers.queues, &q, &counts, &t),
        statuses: names::statuses(&t),
        kinds: names::kinds(&t),
        categories: names.categories.clone(),
        units: names.units.clone(),
        departments: names.departments.clone(),
        bulk_departments: names
            .departments
            .iter()
            .filter(|c| c.value.parse().is_ok_and(|d: i64| routable.contains(&d)))
            .cloned()
            .collect(),
        channels: names::channels(&t),
        sorts: vec![
            choice("newest", t.inbox_sort_newest()),
            choice("deadline", t.inbox_sort_deadline()),
            choice("priority", t.inbox_sort_priority()),
        ],
        rows,
        total: t.fill(Key::inbox_total, &[("n", &inbox.total)]),
        page_of: t.fill(
            Key::inbox_page_of,
            &[("page", &inbox.page), ("pages", &inbox.pages)],
        ),
        pager,
        prev,
        next,
        current_page: inbox.page,
        view,
        can_bulk: powers.bulk,
        can_enter: powers.enter,
        outcome,
        filtering: [
            &q.status,
            &q.kind,
            &q.category,
            &q.unit,
            &q.department,
            &q.channel,
            &q.from,
            &q.to,
        ]
        .iter()
        .any(|v| !v.is_empty()),
        q,
    })?;
    Ok((StatusCode::OK, html).into_response())
}

/// The `queues` the staff member has use for ([`InboxPowers`]), each with its count.
fn queue_tabs(
    queues: &[&'static str],
    q: &InboxQuery,
    counts: &InboxCounts,
    t: &Tr,
) -> Vec<QueueTab> {
    let current = if QUEUES.contains(&q.queue.as_str()) {
        q.queue.as_str()
    } else {
        "all"
    };
    queues
        .iter()
        .map(|queue| QueueTab {
            code: queue,
            label: t.get(queue_label(queue)),
            href: format!("/console/feedback?{}", query_string(q, Some(queue))),
            current: *queue == current,
            count: counts.of(queue).map(|n| {
                if n > COUNT_CAP {
                    t.fill(Key::inbox_more, &[("n", &COUNT_CAP)])
                } else {
                    n.to_string()
                }
            }),
        })
        .collect()
}

pub fn queue_label(queue: &str) -> Key {
    match queue {
        "triage" => Key::inbox_queue_triage,
        "unassigned" => Key::inbox_queue_unassigned,
        "department" => Key::inbox_queue_department,
        "mine" => Key::inbox_queue_mine,
        "due_soon" => Key::inbox_queue_due_soon,
        "overdue" => Key::inbox_queue_overdue,
        "waiting" => Key::inbox_queue_waiting,
        "held" => Key::inbox_queue_held,
        _ => Key::inbox_queue_all,
    }
}

/// The view as a query string, without the page position; `queue` replaces the current
/// queue (switching queues keeps the other filters).
pub fn query_string(q: &InboxQuery, queue: Option<&str>) -> String {
    let queue = queue.unwrap_or(&q.queue);
    let pairs = [
        ("queue", queue),
        ("status", &q.status),
        ("kind", &q.kind),
        ("category", &q.category),
        ("unit", &q.unit),
        ("department", &q.department),
        ("channel", &q.channel),
        ("from", &q.from),
        ("to", &q.to),
        ("sort", &q.sort),
    ];
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            pairs
                .iter()
                // `all` is the default queue: no need to say it.
                .filter(|(k, v)| !(v.is_empty() || (*k == "queue" && *v == "all"))),
        )
        .finish()
}

/// The category column: the confirmed category, else the system's guess with its confidence,
/// worded as a guess (staff see it; the public does not).
fn category_cell(r: &services::feedback::InboxRow, names: &Names, t: &Tr) -> String {
    match (&r.category, &r.guess) {
        (Some(c), _) => names.category(Some(c)),
        (None, Some(g)) => t.fill(
            Key::inbox_guess,
            &[
                ("category", &names.category(Some(&g.category))),
                ("confidence", &g.confidence),
            ],
        ),
        (None, None) => String::new(),
    }
}

fn choice(value: &str, label: &str) -> Choice {
    Choice {
        value: value.to_owned(),
        label: label.to_owned(),
    }
}

/// The feedback card on the console's start page: what is due soon, what is overdue, and
/// the queues that are the staff member's own work.
pub struct Glance {
    /// (label, count as shown, link, is it the overdue one)
    pub queues: Vec<(&'static str, String, String, bool)>,
}

/// The card, for staff who see feedback at all.
pub async fn glance(
    services: &Services,
    staff: &Staff,
    t: &Tr,
) -> Result<Option<Glance>, AppError> {
    let powers = InboxPowers::of(staff);
    if !powers.view {
        return Ok(None);
    }
    let counts = services.feedback().inbox_counts(staff).await?;
    let tabs = queue_tabs(&powers.queues, &InboxQuery::default(), &counts, t);
    // What is late first, then what is about to be, then the staff member's own piles.
    let queues = ["overdue", "due_soon", "unassigned", "department", "mine"]
        .iter()
        .filter_map(|code| tabs.iter().find(|tab| tab.code == *code))
        .map(|tab| {
            let count = tab.count.clone().unwrap_or_default();
            (tab.label, count, tab.href.clone(), tab.code == "overdue")
        })
        .collect();
    Ok(Some(Glance { queues }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_keeps_its_filters_and_drops_empty_ones() {
        let q = InboxQuery {
            queue: "overdue".into(),
            kind: "complaint".into(),
            from: "2026-11-01".into(),
            after: "42".into(),
            ..Default::default()
        };
        assert_eq!(
            query_string(&q, None),
            "queue=overdue&kind=complaint&from=2026-11-01"
        );
        assert_eq!(
            query_string(&q, Some("mine")),
            "queue=mine&kind=complaint&from=2026-11-01"
        );
        assert_eq!(
            query_string(&q, Some("all")),
            "kind=complaint&from=2026-11-01"
        );
    }

    fn clerk() -> Staff {
        use domain::{Actor, Grant, Role, TenantId, UnitId, UnitPath, UserId};
        Staff {
            actor: Actor {
                user_id: UserId(1),
                tenant_id: TenantId(1),
                display_name: "李静".into(),
                grants: vec![Grant {
                    role: Role::OfficeClerk,
                    scope: UnitPath::root(UnitId(1)),
                    department: None,
                }],
                platform_admin: false,
            },
            username: "li.jing".into(),
            session: String::new(),
            must_change_password: false,
            locale: None,
            ip: None,
        }
    }

    #[test]
    fn counts_past_the_cap_read_999_plus_and_only_the_current_queue_is_marked() {
        let counts = InboxCounts {
            overdue: COUNT_CAP + 1,
            due_soon: 3,
            ..Default::default()
        };
        let q = InboxQuery {
            queue: "overdue".into(),
            ..Default::default()
        };
        let queues = InboxPowers::of(&clerk()).queues;
        let tabs = queue_tabs(&queues, &q, &counts, &Tr::new(i18n::Lang::ZhCn));
        let overdue = tabs.iter().find(|t| t.code == "overdue").unwrap();
        assert_eq!(overdue.count.as_deref(), Some("999+"));
        assert!(overdue.current);
        assert_eq!(tabs.iter().filter(|t| t.current).count(), 1);
        let due_soon = tabs.iter().find(|t| t.code == "due_soon").unwrap();
        assert_eq!(due_soon.count.as_deref(), Some("3"));
        assert!(
            tabs.iter().all(|t| t.code != "department"),
            "a clerk without a department has no department queue"
        );
    }
}

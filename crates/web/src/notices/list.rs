//! `/console/notices`: the notices a staff member deals with, in tabs — those sent to them
//! (the default, what still asks for attention first), those they wrote, those waiting for
//! their review, and, for the office, all notices of its units.

use super::item::{priority_class, when};
use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use domain::ConsolePowers;
use domain::Permission;
use i18n::{Key, Tr};
use serde::Deserialize;
use services::notices::{InboxNotice, NoticeListFilter, NoticeView};

/// How many notices the author's, reviewer's and office's tabs show.
const LIST_LIMIT: u64 = 200;
/// How many of their own notices `my_notices` gives a page.
const INBOX_PAGE: u64 = 50;

#[derive(Template)]
#[template(path = "console/notices/list.html")]
struct ListPage {
    page: Page,
    tabs: Vec<Tab>,
    /// Sent to me and still asking for attention (only on the default tab).
    pending: Vec<Row>,
    /// The tab's notices (on the default tab: those already dealt with).
    rows: Vec<Row>,
    inbox: bool,
    may_write: bool,
    /// The office: links to the monthly spot-check, the group robots and the hall screen.
    office: bool,
    prev: Option<String>,
    next: Option<String>,
}
framed!(ListPage);

struct Tab {
    href: &'static str,
    label: &'static str,
    current: bool,
    count: Option<usize>,
}

/// One notice in a list, in words.
struct Row {
    href: String,
    title: String,
    priority: &'static str,
    priority_class: &'static str,
    category: &'static str,
    /// Where the notice stands (the author's, reviewer's and office's lists) or where the
    /// reader stands with it (their own list).
    state: &'static str,
    /// "Acknowledgement asked" on the reader's own list, while not given.
    needs_ack: bool,
    retracted: bool,
    meta: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    tab: String,
    page: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Inbox,
    Mine,
    Review,
    Office,
}

pub async fn show(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let t = ctx.t();
    let services = &state.services;
    let tz = &ctx.institution.timezone;
    let which = match q.tab.as_str() {
        "mine" => Which::Mine,
        "review" => Which::Review,
        // The service refuses the office's list to anyone else: a 403, as asked.
        "office" => Which::Office,
        _ => Which::Inbox,
    };
    let may_review = ConsolePowers::of(&staff.actor).review_notices;
    let office = !staff.actor.scopes(Permission::ManageNotices).is_empty();
    let may_write = ConsolePowers::of(&staff.actor).write_notices;
    let pending_inbox = services.notices().my_notices(&staff, true, 0).await?;
    let to_review = if may_review || which == Which::Review {
        Some(
            services
                .notices()
                .list(&staff, NoticeListFilter::ToReview, LIST_LIMIT)
                .await?,
        )
    } else {
        None
    };
    let mut page = Page::new(&ctx, t.notices_page_title());
    let (pending, rows, prev, next) = match which {
        Which::Inbox => {
            let all = services.notices().my_notices(&staff, false, q.page).await?;
            let pager = |p: u64| format!("/console/notices?page={p}");
            let prev = (q.page > 0).then(|| pager(q.page - 1));
            let next = (all.len() as u64 >= INBOX_PAGE).then(|| pager(q.page + 1));
            // What still asks for attention is listed above, on the first page.
            let earlier: Vec<InboxNotice> = all.into_iter().filter(|n| !n.pending).collect();
            (
                if q.page == 0 {
                    pending_inbox.iter().map(|n| inbox_row(n, &t, tz)).collect()
                } else {
                    Vec::new()
                },
                earlier.iter().map(|n| inbox_row(n, &t, tz)).collect(),
                prev,
                next,
            )
        }
        Which::Mine | Which::Office => {
            let filter = if which == Which::Mine {
                NoticeListFilter::Mine
            } else {
                NoticeListFilter::Office
            };
            let list = services.notices().list(&staff, filter, LIST_LIMIT).await?;
            (
                Vec::new(),
                list.iter().map(|n| notice_row(n, &t, tz)).collect(),
                None,
                None,
            )
        }
        Which::Review => (
            Vec::new(),
            to_review
                .iter()
                .flatten()
                .map(|n| notice_row(n, &t, tz))
                .collect(),
            None,
            None,
        ),
    };
    let mut tabs = vec![Tab {
        href: "/console/notices",
        label: t.notices_page_tab_inbox(),
        current: which == Which::Inbox,
        count: Some(pending_inbox.len()).filter(|n| *n > 0),
    }];
    if may_write || which == Which::Mine {
        tabs.push(Tab {
            href: "/console/notices?tab=mine",
            label: t.notices_page_tab_mine(),
            current: which == Which::Mine,
            count: None,
        });
    }
    if let Some(to_review) = &to_review {
        tabs.push(Tab {
            href: "/console/notices?tab=review",
            label: t.notices_page_tab_review(),
            current: which == Which::Review,
            count: Some(to_review.len()).filter(|n| *n > 0),
        });
    }
    if office {
        tabs.push(Tab {
            href: "/console/notices?tab=office",
            label: t.notices_page_tab_office(),
            current: which == Which::Office,
            count: None,
        });
    }
    if let Some(tab) = tabs.iter().find(|tab| tab.current) {
        page.title = format!("{} · {}", t.notices_page_title(), tab.label);
    }
    render(&ListPage {
        page,
        tabs,
        pending,
        rows,
        inbox: which == Which::Inbox,
        may_write,
        office: ConsolePowers::of(&staff.actor).notices_office,
        prev,
        next,
    })
}

fn inbox_row(n: &InboxNotice, t: &Tr, tz: &jiff::tz::TimeZone) -> Row {
    let published = n
        .published_at
        .map(|at| t.fill(Key::notices_page_published_at, &[("at", &when(at, tz))]))
        .unwrap_or_default();
    Row {
        href: format!("/console/notices/{}", n.id),
        title: n.title.clone(),
        priority: n.priority.map_or("", |p| t.get(p.label())),
        priority_class: n.priority.map_or("tag", priority_class),
        category: n.category.map_or("", |c| t.get(c.label())),
        state: if n.retracted {
            t.get(Key::notice_status_retracted)
        } else {
            t.get(n.state.label())
        },
        needs_ack: n.pending && n.requires_ack,
        retracted: n.retracted,
        meta: published,
    }
}

fn notice_row(n: &NoticeView, t: &Tr, tz: &jiff::tz::TimeZone) -> Row {
    let meta = match n.published_at {
        Some(at) => t.fill(Key::notices_page_published_at, &[("at", &when(at, tz))]),
        None => t.fill(
            Key::notices_page_written_by,
            &[("name", &n.author_name), ("at", &when(n.updated_at, tz))],
        ),
    };
    Row {
        href: format!("/console/notices/{}", n.id),
        title: n.title.clone(),
        priority: t.get(n.priority.label()),
        priority_class: priority_class(n.priority),
        category: t.get(n.category.label()),
        state: t.get(n.status.label()),
        needs_ack: false,
        retracted: n.status == domain::notice::NoticeStatus::Retracted,
        meta,
    }
}

//! The staff inbox: queues, filters, sorting, bulk work and export, each limited to what
//! the staff member may see.

use super::deadlines::{DueState, DueWindow, due_queue, due_state};
use super::status_of;
use super::workflow::StaffAction;
use crate::{Feedback, ServiceError, ServiceResult, Staff};
use domain::feedback::{Channel, FeedbackKind, Priority, Status};
use domain::validate::Checks;
use domain::{FieldError, TenantId};
use domain::{Permission, Timestamp};
use i18n::Key;
use serde::{Deserialize, Serialize};
use store::feedback::{
    self as fb, FeedbackFilter, FeedbackOrder, FeedbackRow, Sight, StatusFilter,
};

/// What the staff member asks the inbox for, as the filter form sends it.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct InboxQuery {
    /// `all` (default), `triage`, `unassigned`, `department`, `mine`, `due_soon`, `overdue`,
    /// `waiting`, `held`.
    pub queue: String,
    pub status: String,
    pub kind: String,
    pub category: String,
    /// A unit id: items about its subtree.
    pub unit: String,
    pub department: String,
    pub channel: String,
    /// Received on or after this day (`YYYY-MM-DD`)…
    pub from: String,
    /// …and on or before this one.
    pub to: String,
    /// `newest` (default), `deadline` or `priority`.
    pub sort: String,
    /// Where the previous page ended.
    pub after: String,
}

pub const QUEUES: [&str; 9] = [
    "all",
    "triage",
    "unassigned",
    "department",
    "mine",
    "due_soon",
    "overdue",
    "waiting",
    "held",
];

/// One row of the inbox.
#[derive(Clone, Debug, Serialize)]
pub struct InboxRow {
    pub id: i64,
    pub tracking_no: String,
    pub kind: FeedbackKind,
    /// The confirmed category (the submitter's choice, or staff's).
    pub category: Option<String>,
    /// Without a confirmed category: what the system guesses, for staff only.
    pub guess: Option<CategoryGuess>,
    pub channel: Channel,
    pub status: Status,
    pub priority: Priority,
    pub due: DueState,
    pub unit: i64,
    pub department: Option<i64>,
    pub assignee: Option<i64>,
    pub received_at: Timestamp,
    pub resolution_due: Option<Timestamp>,
    pub support_count: i64,
    pub held: bool,
    /// The start of the text, masked.
    pub excerpt: String,
}

/// The system's category guess for an item no one has classified yet.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CategoryGuess {
    pub category: String,
    /// 0–100.
    pub confidence: u8,
}

impl CategoryGuess {
    /// The analysis's guess, for an item without a confirmed category.
    pub(crate) fn of(row: &FeedbackRow) -> Option<CategoryGuess> {
        if row.category.is_some() {
            return None;
        }
        let guess = super::Analysis::parse(row.analysis.as_deref())?.category?;
        Some(CategoryGuess {
            category: guess.label,
            confidence: (guess.confidence.clamp(0.0, 1.0) * 100.0).round() as u8,
        })
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct InboxPage {
    pub rows: Vec<InboxRow>,
    pub next: Option<String>,
}

pub const INBOX_PAGE: u64 = 50;
/// Rows on a page of the console's inbox: short enough to read on a phone.
pub const CONSOLE_PAGE: u64 = 25;

/// One numbered page of the console's inbox.
#[derive(Clone, Debug, Serialize)]
pub struct NumberedPage {
    pub rows: Vec<InboxRow>,
    /// All the items the queue and filters match.
    pub total: i64,
    /// This page, from 1.
    pub page: u64,
    pub pages: u64,
}
/// An export holds at most this many rows.
pub const EXPORT_LIMIT: u64 = 50_000;

/// How a bulk action went, item by item.
#[derive(Clone, Debug, Serialize)]
pub struct BulkOutcome {
    pub done: Vec<String>,
    /// (tracking number, why not)
    pub refused: Vec<(String, String)>,
}

impl InboxRow {
    fn from_row(row: &FeedbackRow, window: &DueWindow) -> InboxRow {
        InboxRow {
            id: row.id,
            tracking_no: row.tracking_no.clone(),
            kind: FeedbackKind::parse(&row.kind).unwrap_or(FeedbackKind::Request),
            category: row.category.clone(),
            guess: CategoryGuess::of(row),
            channel: Channel::parse(&row.channel).unwrap_or(Channel::Web),
            status: status_of(row),
            priority: Priority::parse(&row.priority).unwrap_or(Priority::Normal),
            due: due_state(row, window),
            unit: row.unit_id,
            department: row.department_id,
            assignee: row.assignee_id,
            received_at: Timestamp(row.received_at),
            resolution_due: row.resolution_due.map(Timestamp),
            support_count: row.support_count,
            held: row.moderation == "held",
            excerpt: text::excerpt(&row.body, super::EXCERPT_CHARS),
        }
    }
}

impl Feedback {
    /// One page of the inbox.
    pub async fn inbox(&self, staff: &Staff, q: &InboxQuery) -> ServiceResult<InboxPage> {
        let (filter, order) = self.inbox_query(staff, q).await?;
        let tenant = staff.actor.tenant_id;
        let page = (Some(INBOX_PAGE + 1), None);
        let mut rows = fb::list(self.db(), tenant, &filter, order, page).await?;
        let more = rows.len() as u64 > INBOX_PAGE;
        rows.truncate(INBOX_PAGE as usize);
        let next = if more {
            rows.last().map(|r| cursor(&q.sort, r))
        } else {
            None
        };
        let window = self.due_window(staff.actor.tenant_id).await?;
        Ok(InboxPage {
            rows: rows
                .iter()
                .map(|r| InboxRow::from_row(r, &window))
                .collect(),
            next,
        })
    }

    /// Page `page` (from 1) of the console's inbox, [`CONSOLE_PAGE`] rows a page, with the
    /// count of all matches: numbered pages a clerk can jump between, filters kept.
    pub async fn inbox_numbered(
        &self,
        staff: &Staff,
        q: &InboxQuery,
        page: u64,
    ) -> ServiceResult<NumberedPage> {
        let mut q = q.clone();
        q.after.clear();
        let (filter, order) = self.inbox_query(staff, &q).await?;
        let tenant = staff.actor.tenant_id;
        let total = fb::count(self.db(), tenant, &filter, None).await?;
        let pages = u64::try_from(total).unwrap_or(0).div_ceil(CONSOLE_PAGE);
        let pages = Ord::max(pages, 1);
        let page = Ord::clamp(page, 1, pages);
        let slice = (Some(CONSOLE_PAGE), Some((page - 1) * CONSOLE_PAGE));
        let rows = fb::list(self.db(), tenant, &filter, order, slice).await?;
        let window = self.due_window(staff.actor.tenant_id).await?;
        Ok(NumberedPage {
            rows: rows
                .iter()
                .map(|r| InboxRow::from_row(r, &window))
                .collect(),
            total,
            page,
            pages,
        })
    }

    /// The inbox's filter and order for `q`, each value checked: an unknown queue, status or
    /// sort is refused, naming the parameter, rather than quietly showing everything.
    pub(super) async fn inbox_query(
        &self,
        staff: &Staff,
        q: &InboxQuery,
    ) -> ServiceResult<(FeedbackFilter, FeedbackOrder)> {
        let filter = self.inbox_filter(staff, q).await?;
        let order = order(&q.sort, &q.after)?;
        Ok((filter, order))
    }

    /// The inbox's conditions — what the staff member may see (the units in their scopes, the
    /// items of their departments), the queue and the filters of `q`: the inbox's own, or
    /// the full-text search's.
    pub(super) async fn inbox_filter(
        &self,
        staff: &Staff,
        q: &InboxQuery,
    ) -> ServiceResult<FeedbackFilter> {
        let tenant = staff.actor.tenant_id;
        let mut checks = Checks::new();
        let mut filter = FeedbackFilter {
            sight: self.sight(staff).await?,
            ..Default::default()
        };
        let window = self.due_window(tenant).await?;
        match q.queue.as_str() {
            "" | "all" => {}
            "unassigned" => {
                filter.unrouted = true;
                filter.open = true;
            }
            "department" => {
                filter.in_departments = Some(viewing_departments(staff));
            }
            "mine" => filter.assignee = Some(staff.actor.user_id),
            // The domain's rule, the one the rows' labels use (see `domain::deadlines`).
            "due_soon" | "overdue" => filter.due = due_queue(&q.queue, &window),
            "waiting" => filter.status = Some(StatusFilter::Is(Status::Waiting)),
            "held" => filter.held = true,
            // No confirmed category yet (a guess, however confident, is not one): a person
            // decides. The same rule as the public's (see `board::public_category`).
            "triage" => {
                filter.uncategorised = true;
                filter.open = true;
            }
            _ => checks.push(FieldError::new("queue", Key::err_filter_value)),
        }
        match q.status.as_str() {
            "" => {}
            "open" => filter.open = true,
            code => match Status::parse(code) {
                Some(s) => filter.status = Some(StatusFilter::Is(s)),
                None => checks.push(FieldError::new("status", Key::err_filter_value)),
            },
        }
        filter.kind = parsed(&mut checks, "kind", &q.kind, FeedbackKind::parse);
        filter.channel = parsed(&mut checks, "channel", &q.channel, Channel::parse);
        filter.department = parsed(&mut checks, "department", &q.department, |d| d.parse().ok());
        if !q.category.is_empty() {
            filter.category = Some(q.category.clone());
        }
        if let Some(unit) = parsed(&mut checks, "unit", &q.unit, |u| u.parse::<i64>().ok()) {
            match store::org::find_unit(self.db(), tenant, domain::UnitId(unit)).await? {
                Some(u) => filter.within = Some(u.path),
                None => checks.push(FieldError::new("unit", Key::err_choice)),
            }
        }
        let institution = self.institution(tenant).await?;
        let day_start = |s: &str| -> Option<Timestamp> {
            let date: jiff::civil::Date = s.parse().ok()?;
            let start = date.to_zoned(institution.timezone.clone()).ok()?;
            Some(Timestamp(start.timestamp().as_millisecond()))
        };
        filter.received_from = parsed(&mut checks, "from", &q.from, day_start);
        filter.received_before = parsed(&mut checks, "to", &q.to, day_start)
            .map(|to| Timestamp(to.0 + domain::time::DAY_MS));
        checks.finish()?;
        Ok(filter)
    }

    /// What the staff member may see of the institution's feedback; `None`: all of it (the
    /// office over the whole institution needs no path filter, and so keeps its indexes).
    async fn sight(&self, staff: &Staff) -> ServiceResult<Option<Sight>> {
        let tenant: TenantId = staff.actor.tenant_id;
        let unit_paths: Vec<String> = staff
            .actor
            .scopes(Permission::ViewFeedback)
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect();
        let departments = viewing_departments(staff);
        if unit_paths.is_empty() && departments.is_empty() {
            return Err(ServiceError::Forbidden);
        }
        let root = store::org::root_unit(self.db(), tenant)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if unit_paths.contains(&root.path) {
            return Ok(None);
        }
        Ok(Some(Sight {
            unit_paths,
            departments,
        }))
    }

    /// Assigns many items to a department at once; each is checked on its own.
    pub async fn bulk_assign(
        &self,
        staff: &Staff,
        ids: &[i64],
        department: i64,
        reason: Option<String>,
    ) -> ServiceResult<BulkOutcome> {
        let action = StaffAction::Assign {
            department,
            assignee: None,
            reason,
        };
        self.bulk(staff, ids, &action).await
    }

    /// Closes many answered items at once; each is checked on its own.
    pub async fn bulk_close(&self, staff: &Staff, ids: &[i64]) -> ServiceResult<BulkOutcome> {
        self.bulk(staff, ids, &StaffAction::Close).await
    }

    async fn bulk(
        &self,
        staff: &Staff,
        ids: &[i64],
        action: &StaffAction,
    ) -> ServiceResult<BulkOutcome> {
        let mut outcome = BulkOutcome {
            done: Vec::new(),
            refused: Vec::new(),
        };
        for id in ids.iter().take(500) {
            let Ok(row) = self.visible_item(staff, *id).await else {
                continue;
            };
            match self.act_on_feedback(staff, *id, None, action.clone()).await {
                Ok(_) => outcome.done.push(row.tracking_no),
                Err(ServiceError::Store(e)) => return Err(ServiceError::Store(e)),
                Err(e) => outcome.refused.push((row.tracking_no, e.to_string())),
            }
        }
        Ok(outcome)
    }
}

fn viewing_departments(staff: &Staff) -> Vec<i64> {
    staff
        .actor
        .departments(Permission::ViewFeedback)
        .iter()
        .map(|d| d.0)
        .collect()
}

/// A filter's value read by `parse`; empty means "any", and a value `parse` cannot read is
/// refused, naming the parameter.
fn parsed<T>(
    checks: &mut Checks,
    field: &'static str,
    value: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Option<T> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let read = parse(value);
    if read.is_none() {
        checks.push(FieldError::new(field, Key::err_filter_value));
    }
    read
}

/// The order for `sort`, continuing after the cursor `after` of the previous page.
fn order(sort: &str, after: &str) -> ServiceResult<FeedbackOrder> {
    let parts: Option<Vec<i64>> = (!after.is_empty())
        .then(|| after.split(':').map(|p| p.parse().ok()).collect())
        .flatten();
    let bad_cursor = !after.is_empty() && parts.is_none();
    let parts = parts.unwrap_or_default();
    let order = match sort {
        "deadline" => FeedbackOrder::Deadline {
            after: match parts[..] {
                [_, d, id] => Some((d, id)),
                _ => None,
            },
        },
        "priority" => FeedbackOrder::Priority {
            after: match parts[..] {
                [p, d, id] => Some((p == 1, d, id)),
                _ => None,
            },
        },
        "" | "newest" => match parts[..] {
            [id] => FeedbackOrder::NewestBelow(id),
            _ => FeedbackOrder::Newest,
        },
        _ => {
            return Err(ServiceError::invalid("sort", Key::err_filter_value));
        }
    };
    if bad_cursor {
        return Err(ServiceError::invalid("after", Key::err_filter_value));
    }
    Ok(order)
}

fn cursor(sort: &str, row: &FeedbackRow) -> String {
    match sort {
        "deadline" | "priority" => {
            let urgent = i64::from(row.priority == "urgent");
            format!(
                "{urgent}:{}:{}",
                row.resolution_due.unwrap_or(i64::MAX),
                row.id
            )
        }
        _ => row.id.to_string(),
    }
}

//! The staff inbox: queues, filters, sorting, bulk work and export, each limited to what
//! the staff member may see.

use super::deadlines::{DueState, DueWindow, due_queue, due_state};
use super::status_of;
use super::workflow::StaffAction;
use crate::{ServiceError, ServiceResult, Services, Staff};
use domain::feedback::{Channel, FeedbackKind, Priority, Status};
use domain::{Permission, Timestamp};
use sea_query::{Cond, Expr, ExprTrait, Order, SelectStatement};
use serde::{Deserialize, Serialize};
use store::Conn;
use store::feedback::{self as fb, FeedbackRow};
use store::schema::Feedback as F;

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

impl Services {
    /// One page of the inbox.
    pub async fn inbox(&self, staff: &Staff, q: &InboxQuery) -> ServiceResult<InboxPage> {
        let mut stmt = self.inbox_query(staff, q).await?;
        stmt.limit(INBOX_PAGE + 1);
        let mut rows = fb::list(self.db(), &stmt).await?;
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
        let stmt = self.inbox_query(staff, &q).await?;
        let mut counted = stmt.clone();
        counted
            .clear_selects()
            .clear_order_by()
            .column((F::Table, F::Id));
        let total = self
            .db()
            .fetch_i64(
                &sea_query::Query::select()
                    .expr(Expr::cust("COUNT(*)"))
                    .from_subquery(counted, "q")
                    .to_owned(),
            )
            .await?;
        let pages = u64::try_from(total).unwrap_or(0).div_ceil(CONSOLE_PAGE);
        let pages = Ord::max(pages, 1);
        let page = Ord::clamp(page, 1, pages);
        let mut stmt = stmt;
        stmt.limit(CONSOLE_PAGE).offset((page - 1) * CONSOLE_PAGE);
        let rows = fb::list(self.db(), &stmt).await?;
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

    /// Every row the query selects (up to [`EXPORT_LIMIT`]), for export.
    pub async fn inbox_all(
        &self,
        staff: &Staff,
        q: &InboxQuery,
    ) -> ServiceResult<Vec<super::ItemView>> {
        let mut q = q.clone();
        q.after.clear();
        let mut stmt = self.inbox_query(staff, &q).await?;
        stmt.limit(EXPORT_LIMIT);
        let window = self.due_window(staff.actor.tenant_id).await?;
        Ok(fb::list(self.db(), &stmt)
            .await?
            .into_iter()
            .map(|r| super::ItemView::for_staff(r, staff, &window))
            .collect())
    }

    pub(super) async fn inbox_query(
        &self,
        staff: &Staff,
        q: &InboxQuery,
    ) -> ServiceResult<SelectStatement> {
        let mut stmt = fb::select();
        self.inbox_where(staff, q, &mut stmt).await?;
        order(&mut stmt, &q.sort, &q.after);
        Ok(stmt)
    }

    /// The inbox's conditions — what the staff member may see (the units in their scopes, the
    /// items of their departments), the queue and the filters of `q` — added to `stmt`, a
    /// query over `feedback`: the inbox's own, or the full-text search's.
    pub(super) async fn inbox_where(
        &self,
        staff: &Staff,
        q: &InboxQuery,
        stmt: &mut SelectStatement,
    ) -> ServiceResult<()> {
        let tenant = staff.actor.tenant_id;
        let scopes: Vec<String> = staff
            .actor
            .scopes(Permission::ViewFeedback)
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect();
        let departments: Vec<i64> = staff
            .actor
            .departments(Permission::ViewFeedback)
            .iter()
            .map(|d| d.0)
            .collect();
        if scopes.is_empty() && departments.is_empty() {
            return Err(ServiceError::Forbidden);
        }
        let root = store::org::root_unit(self.db(), tenant)
            .await?
            .ok_or(ServiceError::NotFound)?;
        stmt.and_where(Expr::col(F::TenantId).eq(tenant.0));
        // The office over the whole institution needs no path filter (and so keeps its indexes).
        if !scopes.contains(&root.path) {
            let mut visible = fb::within(&scopes);
            if !departments.is_empty() {
                visible = visible.add(Expr::col(F::DepartmentId).is_in(departments.clone()));
            }
            stmt.cond_where(visible);
        }
        let window = self.due_window(tenant).await?;
        // Written out, not bound, so the planners can match the partial index of open items.
        let open = || Expr::cust(fb::OPEN_ITEMS);
        match q.queue.as_str() {
            "unassigned" => {
                stmt.and_where(Expr::col(F::DepartmentId).is_null())
                    .and_where(open());
            }
            "department" => {
                stmt.and_where(Expr::col(F::DepartmentId).is_in(departments.clone()));
            }
            "mine" => {
                stmt.and_where(Expr::col(F::AssigneeId).eq(staff.actor.user_id.0));
            }
            // The domain's rule, the one the rows' labels use (see `domain::deadlines`).
            "due_soon" | "overdue" => {
                if let Some(cond) = due_queue(&q.queue, &window) {
                    stmt.cond_where(cond);
                }
            }
            "waiting" => {
                stmt.and_where(Expr::col(F::Status).eq(Status::Waiting.as_str()));
            }
            "held" => {
                stmt.and_where(Expr::col(F::Moderation).eq("held"));
            }
            // No confirmed category yet (a guess, however confident, is not one): a person
            // decides. The same rule as the public's (see `board::public_category`).
            "triage" => {
                stmt.and_where(Expr::col(F::Category).is_null())
                    .and_where(open());
            }
            _ => {}
        }
        if let Some(s) = Status::parse(&q.status) {
            stmt.and_where(Expr::col(F::Status).eq(s.as_str()));
        } else if q.status == "open" {
            stmt.and_where(open());
        }
        if let Some(k) = FeedbackKind::parse(&q.kind) {
            stmt.and_where(Expr::col(F::Kind).eq(k.as_str()));
        }
        if !q.category.is_empty() {
            stmt.and_where(Expr::col(F::Category).eq(q.category.as_str()));
        }
        if let Ok(unit) = q.unit.parse::<i64>()
            && let Some(u) = store::org::find_unit(self.db(), tenant, domain::UnitId(unit)).await?
        {
            stmt.cond_where(fb::within(&[u.path]));
        }
        if let Ok(d) = q.department.parse::<i64>() {
            stmt.and_where(Expr::col(F::DepartmentId).eq(d));
        }
        if let Some(c) = Channel::parse(&q.channel) {
            stmt.and_where(Expr::col(F::Channel).eq(c.as_str()));
        }
        let institution = self.institution(tenant).await?;
        let day_start = |s: &str| -> Option<i64> {
            let date: jiff::civil::Date = s.parse().ok()?;
            Some(
                date.to_zoned(institution.timezone.clone())
                    .ok()?
                    .timestamp()
                    .as_millisecond(),
            )
        };
        if let Some(from) = day_start(&q.from) {
            stmt.and_where(Expr::col(F::ReceivedAt).gte(from));
        }
        if let Some(to) = day_start(&q.to) {
            stmt.and_where(Expr::col(F::ReceivedAt).lt(to + domain::time::DAY_MS));
        }
        Ok(())
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

/// Orders the query and continues after the cursor of the previous page.
fn order(stmt: &mut SelectStatement, sort: &str, after: &str) {
    let parts: Vec<i64> = after.split(':').filter_map(|p| p.parse().ok()).collect();
    match sort {
        "deadline" | "priority" => {
            let urgent_first = sort == "priority";
            // Every item gets its deadlines on arrival, so the column orders without a
            // fallback (which would keep the index from ordering it).
            let due = Expr::col((F::Table, F::ResolutionDue));
            if let [p, d, id] = parts[..] {
                let mut later = Cond::any()
                    .add(due.clone().gt(d))
                    .add(due.clone().eq(d).and(Expr::col(F::Id).gt(id)));
                if urgent_first {
                    let urgent = if p == 1 { "urgent" } else { "normal" };
                    later = Cond::any().add(Expr::col(F::Priority).lt(urgent)).add(
                        Cond::all()
                            .add(Expr::col(F::Priority).eq(urgent))
                            .add(later),
                    );
                }
                stmt.cond_where(later);
            }
            if urgent_first {
                stmt.order_by(F::Priority, Order::Desc);
            }
            stmt.order_by_expr(due, Order::Asc)
                .order_by(F::Id, Order::Asc);
        }
        _ => {
            if let [id] = parts[..] {
                stmt.and_where(Expr::col(F::Id).lt(id));
            }
            stmt.order_by(F::Id, Order::Desc);
        }
    }
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

#[cfg(test)]
mod tests {
    use domain::feedback::Status;

    /// The partial index's condition and the domain's idea of "open" must not drift apart.
    #[test]
    fn the_open_items_condition_lists_exactly_the_open_statuses() {
        let listed: Vec<&str> = store::feedback::OPEN_ITEMS
            .split('\'')
            .skip(1)
            .step_by(2)
            .collect();
        let open: Vec<&str> = Status::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(listed, open);
    }
}

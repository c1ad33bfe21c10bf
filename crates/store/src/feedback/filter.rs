//! Which items a list, a count or a search covers, and in what order: typed filters the
//! services fill in and only this module turns into SQL.

use super::OPEN_ITEMS;
use crate::schema::Feedback as F;
use domain::feedback::{Channel, FeedbackKind, Status};
use domain::{TenantId, Timestamp, UserId};
use sea_query::{Cond, Expr, ExprTrait, Order, SelectStatement};

/// What a staff member may see: the items about the units in these subtrees, and the items
/// of these departments. With neither, nothing.
#[derive(Debug, Clone, Default)]
pub struct Sight {
    pub unit_paths: Vec<String>,
    pub departments: Vec<i64>,
}

/// The deadline queues, by the domain's rule (`domain::deadlines`) written over the two
/// deadline columns: a deadline counts while its step is pending; waiting items are paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueQueue {
    /// Some pending deadline is before `now`.
    Overdue { now: Timestamp },
    /// None is before `now`, and one falls at or before `until`.
    DueSoon { now: Timestamp, until: Timestamp },
}

/// Which statuses: one, or a group the board offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Is(Status),
    /// Still to be dealt with (`Status::is_open`).
    Open,
    /// Answered or closed.
    Answered,
}

/// Who can see it on the public board: moderation clear, not spam or merged, and published
/// (by staff's choice, or by the institution's default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnBoard {
    pub publish_by_default: bool,
}

/// The category the board's cards show: the confirmed one, or (when the institution
/// publishes confident guesses) the guess of an item without one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownCategory {
    pub code: String,
    pub with_guesses: bool,
}

/// Which items of an institution. Each field narrows; the default is every item.
#[derive(Debug, Clone, Default)]
pub struct FeedbackFilter {
    /// Only what a staff member may see; `None`: the whole institution.
    pub sight: Option<Sight>,
    pub on_board: Option<OnBoard>,
    pub ids: Option<Vec<i64>>,
    pub status: Option<StatusFilter>,
    /// Still open (`status IN` the open statuses, as the partial index states it).
    pub open: bool,
    /// Not yet routed to a department.
    pub unrouted: bool,
    /// In one of these departments.
    pub in_departments: Option<Vec<i64>>,
    pub department: Option<i64>,
    pub assignee: Option<UserId>,
    pub due: Option<DueQueue>,
    /// Held by moderation.
    pub held: bool,
    /// Without a confirmed category (a guess is not one).
    pub uncategorised: bool,
    pub kind: Option<FeedbackKind>,
    pub category: Option<String>,
    pub shown_category: Option<ShownCategory>,
    /// About a unit in this subtree.
    pub within: Option<String>,
    pub station: Option<i64>,
    pub channel: Option<Channel>,
    pub received_from: Option<Timestamp>,
    /// Received before this instant.
    pub received_before: Option<Timestamp>,
    pub merged_into: Option<i64>,
}

/// The order of a list, with where the previous page ended (keyset paging: a deep page
/// costs what the first one does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FeedbackOrder {
    /// Newest first, below this id.
    #[default]
    Newest,
    NewestBelow(i64),
    /// Soonest resolution deadline first; after (deadline, id).
    Deadline {
        after: Option<(i64, i64)>,
    },
    /// Urgent first, then by deadline; after (urgent, deadline, id).
    Priority {
        after: Option<(bool, i64, i64)>,
    },
    /// Most supported first; after (supports, id).
    MostSupported {
        after: Option<(i64, i64)>,
    },
}

impl FeedbackFilter {
    /// Adds the conditions to `stmt`, a query over `feedback` (alone, or joined to the
    /// search index: the columns are named as the partial indexes state them).
    pub(crate) fn apply(&self, tenant: TenantId, stmt: &mut SelectStatement) {
        stmt.and_where(Expr::col(F::TenantId).eq(tenant.0));
        if let Some(sight) = &self.sight {
            stmt.cond_where(sight.cond());
        }
        if let Some(board) = self.on_board {
            board.apply(stmt);
        }
        if let Some(ids) = &self.ids {
            stmt.and_where(Expr::col((F::Table, F::Id)).is_in(ids.iter().copied()));
        }
        // Written out, not bound, so the planners can match the partial index of open items.
        let open = || Expr::cust(OPEN_ITEMS);
        if self.open {
            stmt.and_where(open());
        }
        match self.status {
            Some(StatusFilter::Is(s)) => {
                stmt.and_where(Expr::col(F::Status).eq(s.as_str()));
            }
            Some(StatusFilter::Open) => {
                stmt.and_where(Expr::col(F::Status).is_in(codes(|s| s.is_open())));
            }
            Some(StatusFilter::Answered) => {
                stmt.and_where(Expr::col(F::Status).is_in(codes(|s| s.is_resolved())));
            }
            None => {}
        }
        if self.unrouted {
            stmt.and_where(Expr::col(F::DepartmentId).is_null());
        }
        if let Some(departments) = &self.in_departments {
            stmt.and_where(Expr::col(F::DepartmentId).is_in(departments.iter().copied()));
        }
        if let Some(d) = self.department {
            stmt.and_where(Expr::col(F::DepartmentId).eq(d));
        }
        if let Some(a) = self.assignee {
            stmt.and_where(Expr::col(F::AssigneeId).eq(a.0));
        }
        if let Some(due) = self.due {
            stmt.cond_where(due.cond());
        }
        if self.held {
            stmt.and_where(Expr::col(F::Moderation).eq("held"));
        }
        if self.uncategorised {
            stmt.and_where(Expr::col(F::Category).is_null());
        }
        if let Some(k) = self.kind {
            stmt.and_where(Expr::col(F::Kind).eq(k.as_str()));
        }
        if let Some(c) = &self.category {
            stmt.and_where(Expr::col(F::Category).eq(c.as_str()));
        }
        if let Some(shown) = &self.shown_category {
            stmt.cond_where(shown.cond());
        }
        if let Some(path) = &self.within {
            stmt.cond_where(within(std::slice::from_ref(path)));
        }
        if let Some(station) = self.station {
            stmt.and_where(Expr::col((F::Table, F::StationId)).eq(station));
        }
        if let Some(c) = self.channel {
            stmt.and_where(Expr::col(F::Channel).eq(c.as_str()));
        }
        if let Some(from) = self.received_from {
            stmt.and_where(Expr::col((F::Table, F::ReceivedAt)).gte(from.0));
        }
        if let Some(before) = self.received_before {
            stmt.and_where(Expr::col((F::Table, F::ReceivedAt)).lt(before.0));
        }
        if let Some(target) = self.merged_into {
            stmt.and_where(Expr::col(F::MergedInto).eq(target));
        }
    }
}

fn codes(keep: impl Fn(Status) -> bool) -> Vec<&'static str> {
    Status::ALL
        .iter()
        .copied()
        .filter(|s| keep(*s))
        .map(Status::as_str)
        .collect()
}

impl Sight {
    fn cond(&self) -> Cond {
        let mut visible = within(&self.unit_paths);
        if !self.departments.is_empty() {
            visible = visible.add(Expr::col(F::DepartmentId).is_in(self.departments.clone()));
        }
        if self.unit_paths.is_empty() && self.departments.is_empty() {
            // An empty `Cond::any()` would be no condition at all: say "nothing" outright.
            return Cond::all().add(Expr::val(1).eq(0));
        }
        visible
    }
}

impl OnBoard {
    fn apply(self, stmt: &mut SelectStatement) {
        stmt.and_where(Expr::col(F::Moderation).eq("clear"))
            .and_where(
                Expr::col(F::Status).is_not_in([Status::Spam.as_str(), Status::Merged.as_str()]),
            );
        if self.publish_by_default {
            stmt.and_where(Expr::col(F::Publish).is_in(["default", "yes"]));
        } else {
            stmt.and_where(Expr::col(F::Publish).eq("yes"));
        }
    }
}

impl ShownCategory {
    fn cond(&self) -> Cond {
        let code = self.code.as_str();
        let mut shown = Cond::any().add(Expr::col(F::Category).eq(code));
        if self.with_guesses {
            shown = shown.add(
                Expr::col(F::Category)
                    .is_null()
                    .and(Expr::col(F::SuggestedCategory).eq(code)),
            );
        }
        shown
    }
}

impl DueQueue {
    fn cond(self) -> Cond {
        let first_pending = || Expr::col(F::FirstRespondedAt).is_null();
        // Some pending deadline is before `at` (a NULL deadline is never before anything).
        let some_before = |at: i64| {
            Cond::any()
                .add(first_pending().and(Expr::col(F::FirstResponseDue).lt(at)))
                .add(Expr::col(F::ResolutionDue).lt(at))
        };
        // Some pending deadline is at or before `at`.
        let some_by = |at: i64| {
            Cond::any()
                .add(first_pending().and(Expr::col(F::FirstResponseDue).lte(at)))
                .add(Expr::col(F::ResolutionDue).lte(at))
        };
        // No pending deadline is before `at`, written without NOT so that NULLs stay harmless.
        let none_before = |at: i64| {
            Cond::all()
                .add(
                    Cond::any()
                        .add(Expr::col(F::FirstRespondedAt).is_not_null())
                        .add(Expr::col(F::FirstResponseDue).is_null())
                        .add(Expr::col(F::FirstResponseDue).gte(at)),
                )
                .add(
                    Cond::any()
                        .add(Expr::col(F::ResolutionDue).is_null())
                        .add(Expr::col(F::ResolutionDue).gte(at)),
                )
        };
        let running = Cond::all()
            .add(Expr::cust(OPEN_ITEMS))
            .add(Expr::col(F::Status).ne(Status::Waiting.as_str()));
        match self {
            DueQueue::Overdue { now } => running.add(some_before(now.0)),
            DueQueue::DueSoon { now, until } => {
                running.add(none_before(now.0)).add(some_by(until.0))
            }
        }
    }
}

impl FeedbackOrder {
    /// Orders the query and continues after the cursor of the previous page.
    pub(crate) fn apply(self, stmt: &mut SelectStatement) {
        // Every item gets its deadlines on arrival, so the column orders without a
        // fallback (which would keep the index from ordering it).
        let due = || Expr::col((F::Table, F::ResolutionDue));
        let after_deadline = |d: i64, id: i64| {
            Cond::any()
                .add(due().gt(d))
                .add(due().eq(d).and(Expr::col(F::Id).gt(id)))
        };
        match self {
            FeedbackOrder::Newest => {
                stmt.order_by((F::Table, F::Id), Order::Desc);
            }
            FeedbackOrder::NewestBelow(id) => {
                stmt.and_where(Expr::col((F::Table, F::Id)).lt(id))
                    .order_by((F::Table, F::Id), Order::Desc);
            }
            FeedbackOrder::Deadline { after } => {
                if let Some((d, id)) = after {
                    stmt.cond_where(after_deadline(d, id));
                }
                stmt.order_by_expr(due(), Order::Asc)
                    .order_by(F::Id, Order::Asc);
            }
            FeedbackOrder::Priority { after } => {
                if let Some((urgent, d, id)) = after {
                    let urgent = if urgent { "urgent" } else { "normal" };
                    stmt.cond_where(
                        Cond::any().add(Expr::col(F::Priority).lt(urgent)).add(
                            Cond::all()
                                .add(Expr::col(F::Priority).eq(urgent))
                                .add(after_deadline(d, id)),
                        ),
                    );
                }
                stmt.order_by(F::Priority, Order::Desc)
                    .order_by_expr(due(), Order::Asc)
                    .order_by(F::Id, Order::Asc);
            }
            FeedbackOrder::MostSupported { after } => {
                if let Some((count, id)) = after {
                    stmt.cond_where(
                        Cond::any().add(Expr::col(F::SupportCount).lt(count)).add(
                            Expr::col(F::SupportCount)
                                .eq(count)
                                .and(Expr::col(F::Id).lt(id)),
                        ),
                    );
                }
                stmt.order_by(F::SupportCount, Order::Desc)
                    .order_by(F::Id, Order::Desc);
            }
        }
    }
}

/// `unit_path` lies in one of `paths`' subtrees. Paths hold only digits and slashes, so
/// they need no escaping in a LIKE pattern.
fn within(paths: &[String]) -> Cond {
    paths.iter().fold(Cond::any(), |cond, p| {
        cond.add(Expr::col((F::Table, F::UnitPath)).like(format!("{p}%")))
    })
}

#[cfg(test)]
mod tests {
    use domain::feedback::Status;

    /// The partial index's condition and the domain's idea of "open" must not drift apart.
    #[test]
    fn the_open_items_condition_lists_exactly_the_open_statuses() {
        let listed: Vec<&str> = super::OPEN_ITEMS.split('\'').skip(1).step_by(2).collect();
        let open: Vec<&str> = Status::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| s.as_str())
            .collect();
        assert_eq!(listed, open);
    }
}

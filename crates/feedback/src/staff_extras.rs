//! What the staff console needs around the workflow: what one may do to an item, its
//! photos, the counts on the console's start page, the people an item can be given to,
//! and exports that know whose contact details may be shown.

use super::can_on;
use super::inbox::InboxQuery;
use super::views::{ItemView, PersonalData};
use super::workflow::StaffAction;
use crate::{Feedback, ServiceError, ServiceResult, Staff};
use domain::feedback::{Action, FeedbackKind, Status};
use domain::{Permission, Role};
use serde::Serialize;
use std::collections::HashMap;

/// The counts on the console's start page are exact up to this; above it they show as
/// "999+": an office needs to know there is a pile, not its exact height, and counting a
/// bounded subquery keeps the start page cheap however large the backlog grows.
pub const COUNT_CAP: i64 = 999;

/// How many items wait in each queue for the staff member (each at most [`COUNT_CAP`] + 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct InboxCounts {
    pub triage: i64,
    pub unassigned: i64,
    pub department: i64,
    pub mine: i64,
    pub due_soon: i64,
    pub overdue: i64,
    pub waiting: i64,
    pub held: i64,
}

impl InboxCounts {
    /// The count of a queue by its code in [`super::QUEUES`]; `None` for `all`.
    pub fn of(&self, queue: &str) -> Option<i64> {
        Some(match queue {
            "triage" => self.triage,
            "unassigned" => self.unassigned,
            "department" => self.department,
            "mine" => self.mine,
            "due_soon" => self.due_soon,
            "overdue" => self.overdue,
            "waiting" => self.waiting,
            "held" => self.held,
            _ => return None,
        })
    }
}

/// What the staff member may do to one item, over its unit or through its department.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ItemPowers {
    /// Accept, route, decline, merge, mark spam.
    pub triage: bool,
    /// Start, ask the submitter, answer, close; add notes, set the priority.
    pub handle: bool,
    /// Clear, hide or redact for the public; the publish override.
    pub moderate: bool,
    /// Contact details and the unmasked text.
    pub see_contact: bool,
}

impl ItemPowers {
    /// Whether the staff member may do `action` (the status aside). Mirrors the check in
    /// `act_on_feedback`: the department's own work needs HandleFeedback, the rest triage,
    /// and whoever triages may also do the department's work.
    pub fn allows(&self, action: Action) -> bool {
        let departments_work = matches!(
            action,
            Action::Start | Action::AskSubmitter | Action::Answer | Action::Close
        );
        self.triage || (departments_work && self.handle)
    }

    /// The actions to offer for an item in `status`: what the state machine allows now,
    /// of what this staff member may do.
    pub fn actions(&self, status: domain::feedback::Status) -> Vec<Action> {
        domain::feedback::staff_actions(status)
            .into_iter()
            .filter(|a| self.allows(*a))
            .collect()
    }

    /// Notes and priority: for whoever works on the item.
    pub fn works_on(&self) -> bool {
        self.triage || self.handle
    }

    /// What to offer on `item` (which these are the powers over): each action the state
    /// machine allows now and this staff member may do, and the tools around them.
    pub fn offered(&self, item: &ItemView) -> Actions {
        let actions = self.actions(item.status);
        let has = |a: Action| actions.contains(&a);
        let mut offered = Actions {
            accept: has(Action::Accept),
            assign: has(Action::Assign),
            reassign: item.department.is_some(),
            start: has(Action::Start),
            ask: has(Action::AskSubmitter),
            answer: has(Action::Answer),
            adopt: item.kind == FeedbackKind::Suggestion,
            close: has(Action::Close),
            decline: has(Action::Decline),
            mark_spam: has(Action::MarkSpam),
            not_spam: has(Action::NotSpam),
            merge: has(Action::Merge),
            classify: self.triage && item.status.is_open(),
            // A merged or spam item is finished with: nothing to note or reprioritise.
            work: self.works_on() && !matches!(item.status, Status::Merged | Status::Spam),
            moderate: self.moderate,
            any: false,
        };
        offered.any = !actions.is_empty() || offered.work || offered.moderate;
        offered
    }
}

/// What the item's page offers a staff member; decided here so that every channel offers
/// the same, the page only shows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Actions {
    pub accept: bool,
    pub assign: bool,
    /// The item already has a department: assigning is reassigning, with a reason.
    pub reassign: bool,
    pub start: bool,
    pub ask: bool,
    pub answer: bool,
    /// Only a suggestion can be adopted.
    pub adopt: bool,
    pub close: bool,
    pub decline: bool,
    pub mark_spam: bool,
    pub not_spam: bool,
    pub merge: bool,
    /// Set the category and type (teaches the classifier).
    pub classify: bool,
    /// Notes and priority.
    pub work: bool,
    pub moderate: bool,
    /// Anything at all in the "act on it" section.
    pub any: bool,
}

/// What the inbox offers a staff member: the queues they have use for and the tools for
/// many items at once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct InboxPowers {
    /// Sees feedback at all (the inbox, the start page's card).
    pub view: bool,
    /// Of [`QUEUES`](super::QUEUES), in its order, those this staff member has use for.
    pub queues: Vec<&'static str>,
    /// Act on many items at once, and enter feedback received offline: triage's tools.
    pub bulk: bool,
    pub enter: bool,
}

impl InboxPowers {
    /// What the inbox offers `staff`, from their roles alone.
    pub fn of(staff: &Staff) -> InboxPowers {
        let triage = staff.actor.can_somewhere(Permission::TriageFeedback);
        InboxPowers {
            view: staff.actor.can_somewhere(Permission::ViewFeedback),
            queues: super::QUEUES
                .into_iter()
                .filter(|queue| has_use_for(staff, queue))
                .collect(),
            bulk: triage,
            enter: triage,
        }
    }
}

/// Whether the staff member has use for a queue: triage for the unassigned, a department
/// for "my department", handling for "mine", moderation for the held.
fn has_use_for(staff: &Staff, queue: &str) -> bool {
    let actor = &staff.actor;
    match queue {
        "unassigned" | "triage" => actor.can_somewhere(Permission::TriageFeedback),
        "department" => !actor.departments(Permission::ViewFeedback).is_empty(),
        "mine" => actor.can_somewhere(Permission::HandleFeedback),
        "held" => actor.can_somewhere(Permission::ModerateFeedback),
        _ => true,
    }
}

/// A photo attached to an item (the bytes come from [`Feedback::feedback_photo`]).
#[derive(Clone, Debug, Serialize)]
pub struct PhotoInfo {
    pub id: i64,
    pub content_type: String,
    pub width: i64,
    pub height: i64,
}

/// Someone an item can be assigned to: a member of a department who handles feedback.
#[derive(Clone, Debug, Serialize)]
pub struct Assignable {
    pub user: i64,
    pub name: String,
    pub department: i64,
}

/// How a bulk action went, item by item, with each refusal as the error itself so the
/// page can word it in the reader's language ([`super::BulkOutcome`] keeps only its code).
#[derive(Debug, Default)]
pub struct BulkReport {
    /// Tracking numbers of the items done.
    pub done: Vec<String>,
    pub refused: Vec<(String, ServiceError)>,
}

impl Feedback {
    /// What the item's page offers the staff member on `item` (which they must be able to
    /// see).
    pub async fn actions_for(&self, staff: &Staff, item: &ItemView) -> ServiceResult<Actions> {
        Ok(self.feedback_powers(staff, item.id).await?.offered(item))
    }

    /// What the staff member may do to the item (which they must be able to see).
    pub async fn feedback_powers(&self, staff: &Staff, id: i64) -> ServiceResult<ItemPowers> {
        let row = self.visible_item(staff, id).await?;
        Ok(ItemPowers {
            triage: can_on(staff, Permission::TriageFeedback, &row),
            handle: can_on(staff, Permission::HandleFeedback, &row),
            moderate: can_on(staff, Permission::ModerateFeedback, &row),
            see_contact: !PersonalData::for_staff(staff, &row).is_masked(),
        })
    }

    /// The photos of an item the staff member may see.
    pub async fn feedback_photos(&self, staff: &Staff, id: i64) -> ServiceResult<Vec<PhotoInfo>> {
        let row = self.visible_item(staff, id).await?;
        Ok(
            store::feedback::photos(self.db(), staff.actor.tenant_id, row.id)
                .await?
                .into_iter()
                .map(|p| PhotoInfo {
                    id: p.id,
                    content_type: p.content_type,
                    width: p.width,
                    height: p.height,
                })
                .collect(),
        )
    }

    /// One photo's content type and bytes, for staff who may see the item.
    pub async fn feedback_photo(
        &self,
        staff: &Staff,
        id: i64,
        photo: i64,
    ) -> ServiceResult<(String, Vec<u8>)> {
        let row = self.visible_item(staff, id).await?;
        let photo = store::feedback::photo(self.db(), staff.actor.tenant_id, row.id, photo)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if PersonalData::for_staff(staff, &row).is_masked() {
            // The submitter may have kept the photo's location for those handling the item;
            // whoever may not see personal data gets it without. Stored photos passed the
            // cleaner at intake, so one that fails it now is not served at all.
            let clean =
                super::photos::sanitize(&photo.bytes, false).map_err(|_| ServiceError::NotFound)?;
            return Ok((clean.content_type.to_owned(), clean.bytes));
        }
        Ok((photo.content_type, photo.bytes))
    }

    /// How many items wait in each of the staff member's queues, each counted only up to
    /// [`COUNT_CAP`] + 1.
    pub async fn inbox_counts(&self, staff: &Staff) -> ServiceResult<InboxCounts> {
        let mut counts = InboxCounts::default();
        for (queue, slot) in [
            ("triage", &mut counts.triage),
            ("unassigned", &mut counts.unassigned),
            ("department", &mut counts.department),
            ("mine", &mut counts.mine),
            ("due_soon", &mut counts.due_soon),
            ("overdue", &mut counts.overdue),
            ("waiting", &mut counts.waiting),
            ("held", &mut counts.held),
        ] {
            let q = InboxQuery {
                queue: queue.into(),
                ..Default::default()
            };
            let filter = self.inbox_filter(staff, &q).await?;
            let cap = Some(COUNT_CAP as u64 + 1);
            *slot = store::feedback::count(self.db(), staff.actor.tenant_id, &filter, cap).await?;
        }
        Ok(counts)
    }

    /// Does `action` to each item on its own (at most 500): one refused item does not stop
    /// the others. Items the staff member cannot see are left out, as if not there.
    pub async fn bulk_act(
        &self,
        staff: &Staff,
        ids: &[i64],
        action: &StaffAction,
    ) -> ServiceResult<BulkReport> {
        let mut report = BulkReport::default();
        for id in ids.iter().take(500) {
            let Ok(row) = self.visible_item(staff, *id).await else {
                continue;
            };
            match self.act_on_feedback(staff, *id, None, action.clone()).await {
                Ok(_) => report.done.push(row.tracking_no),
                Err(ServiceError::Store(e)) => return Err(ServiceError::Store(e)),
                Err(e) => report.refused.push((row.tracking_no, e)),
            }
        }
        Ok(report)
    }

    /// The people who handle feedback in each department, for the assignee choice and for
    /// naming assignees; for staff who see feedback.
    pub async fn feedback_assignees(&self, staff: &Staff) -> ServiceResult<Vec<Assignable>> {
        if !staff.actor.can_somewhere(Permission::ViewFeedback) {
            return Err(ServiceError::Forbidden);
        }
        let tenant = staff.actor.tenant_id;
        let names: HashMap<i64, String> = store::users::list(self.db(), tenant)
            .await?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| (u.id, u.display_name))
            .collect();
        let mut people: Vec<Assignable> = store::users::grants_in(self.db(), tenant)
            .await?
            .into_iter()
            .filter(|g| {
                Role::parse(&g.role)
                    .is_some_and(|r| r.permissions().contains(&Permission::HandleFeedback))
            })
            .filter_map(|g| {
                Some(Assignable {
                    name: names.get(&g.user_id)?.clone(),
                    user: g.user_id,
                    department: g.department_id?,
                })
            })
            .collect();
        people.sort_by(|a, b| (a.department, &a.name).cmp(&(b.department, &b.name)));
        people.dedup_by(|a, b| a.user == b.user && a.department == b.department);
        Ok(people)
    }

    /// The departments the staff member may give work to: those of the units they triage
    /// for (see `may_route_to` in the workflow, which refuses the others).
    pub async fn routable_departments(&self, staff: &Staff) -> ServiceResult<Vec<i64>> {
        let tenant = staff.actor.tenant_id;
        let units = store::org::units(self.db(), tenant).await?;
        Ok(store::org::departments(self.db(), tenant)
            .await?
            .into_iter()
            .filter(|d| {
                units.iter().any(|u| {
                    u.id == d.unit_id && staff.actor.can(Permission::TriageFeedback, &u.unit_path())
                })
            })
            .map(|d| d.id)
            .collect())
    }

    /// Every item of the view (up to the export limit), each as the staff member may see
    /// it — an export shows the masked text and contact where they may not see them.
    pub async fn inbox_export(
        &self,
        staff: &Staff,
        q: &InboxQuery,
    ) -> ServiceResult<Vec<ItemView>> {
        let mut q = q.clone();
        q.after.clear();
        let (filter, order) = self.inbox_query(staff, &q).await?;
        let tenant = staff.actor.tenant_id;
        let window = self.due_window(tenant).await?;
        let page = (Some(super::inbox::EXPORT_LIMIT), None);
        Ok(
            store::feedback::list(self.db(), tenant, &filter, order, page)
                .await?
                .into_iter()
                .map(|row| ItemView::for_staff(row, staff, &window))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::feedback::Status;

    #[test]
    fn department_staff_get_the_departments_work_and_triage_gets_everything() {
        let handler = ItemPowers {
            handle: true,
            ..Default::default()
        };
        assert_eq!(
            handler.actions(Status::Assigned),
            [Action::Start, Action::AskSubmitter, Action::Answer]
        );
        assert!(!handler.allows(Action::Assign) && !handler.allows(Action::Merge));
        let clerk = ItemPowers {
            triage: true,
            ..Default::default()
        };
        assert!(clerk.actions(Status::New).contains(&Action::Accept));
        assert_eq!(
            clerk.actions(Status::New),
            domain::feedback::staff_actions(Status::New)
        );
        let evaluator = ItemPowers::default();
        assert!(evaluator.actions(Status::New).is_empty());
        assert!(!evaluator.works_on());
    }

    #[test]
    fn counts_are_found_by_queue_code() {
        let counts = InboxCounts {
            overdue: 3,
            ..Default::default()
        };
        assert_eq!(counts.of("overdue"), Some(3));
        assert_eq!(counts.of("all"), None);
        for queue in super::super::QUEUES.iter().skip(1) {
            assert!(counts.of(queue).is_some(), "{queue}");
        }
    }
}

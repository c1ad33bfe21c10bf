//! Deadlines in working time, and the reminders and escalations that keep them.
//!
//! Every item carries a first-response deadline and a resolution deadline, computed from
//! the institution's policy on its working calendar, shifted forward by the working time
//! it spent waiting on the submitter. Before a deadline the people responsible are
//! reminded; when it passes the department head is told, and later the office director.
//! Each of these fires once: the item's plan is on the reminder ledger
//! ([`store::reminders`]), rewritten whenever the item changes, and the sweep claims each
//! due step there in the same transaction that queues its messages, so a restart neither
//! loses nor repeats one. The sweep reads only items with a step due, however large the
//! backlog.

use super::setup::Setup;
use super::{status_of, tenant_of};
use crate::org::Directory;
use crate::{Feedback, ServiceResult};
use domain::feedback::Status;
use domain::{Role, TenantId, Timestamp};
use i18n::{Key, Lang, Tr};
use jobs::{Handler, Job, JobError};
use std::collections::{HashMap, HashSet};
use store::Conn;
use store::feedback::FeedbackRow;
use store::reminders::{Due, Subject, SubjectKind as Kind};

pub const SWEEP: &str = "feedback.deadline_sweep";

/// Items checked per transaction of the sweep.
const SWEEP_BATCH: u64 = 100;

/// How an item stands against its deadlines: the domain's one rule (see
/// [`domain::deadlines`]), read off a stored item.
pub use domain::deadlines::{DueState, DueWindow};

/// The item's deadlines as the domain's rule reads them.
pub(crate) fn item_deadlines(row: &FeedbackRow) -> domain::deadlines::ItemDeadlines {
    domain::deadlines::ItemDeadlines {
        status: status_of(row),
        first_responded: row.first_responded_at.is_some(),
        first_response_due: row.first_response_due.map(Timestamp),
        resolution_due: row.resolution_due.map(Timestamp),
    }
}

/// How `row` stands at the instant of `window`.
pub(crate) fn due_state(row: &FeedbackRow, window: &DueWindow) -> DueState {
    item_deadlines(row).state(window)
}

/// The inbox's `overdue` and `due_soon` queues at the instant of `window`, by the same rule
/// (the store writes it over the two deadline columns). `None` for other queues.
pub(crate) fn due_queue(queue: &str, window: &DueWindow) -> Option<store::feedback::DueQueue> {
    use store::feedback::DueQueue;
    match queue {
        "overdue" => Some(DueQueue::Overdue { now: window.now }),
        "due_soon" => Some(DueQueue::DueSoon {
            now: window.now,
            until: window.until,
        }),
        _ => None,
    }
}

/// The kinds of alert, in the order they fall due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Alert {
    FirstResponseReminder,
    FirstResponseOverdue,
    ResolutionReminder,
    ResolutionOverdue,
    /// Up to the office director.
    ResolutionEscalated,
    /// The submitter reopened it, dissatisfied: its department head hears at once.
    Reopened,
    /// The text reads urgent (a hazard, an injury…): the department head hears at once.
    Urgent,
}

impl Alert {
    pub fn code(self) -> &'static str {
        match self {
            Alert::FirstResponseReminder => "first_response_reminder",
            Alert::FirstResponseOverdue => "first_response_overdue",
            Alert::ResolutionReminder => "resolution_reminder",
            Alert::ResolutionOverdue => "resolution_overdue",
            Alert::ResolutionEscalated => "resolution_escalated",
            Alert::Reopened => "reopened",
            Alert::Urgent => "urgent",
        }
    }

    /// A reminder whose deadline has already passed: "due at …" would be news from the
    /// past, and the overdue message says what matters.
    pub(crate) fn is_stale(self, dues: &Dues, now: Timestamp) -> bool {
        let deadline = match self {
            Alert::FirstResponseReminder => dues.first_response_due,
            Alert::ResolutionReminder => dues.resolution_due,
            _ => return false,
        };
        deadline.is_some_and(|d| d <= now.0)
    }

    /// The alerts about resolving: a reopened item is due again, so these may fire again.
    pub const RESOLUTION: [&'static str; 3] = [
        "resolution_reminder",
        "resolution_overdue",
        "resolution_escalated",
    ];
}

/// What the deadline rules read of an item.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Dues {
    pub urgent: bool,
    pub status: Status,
    pub first_responded_at: Option<i64>,
    pub first_response_due: Option<i64>,
    pub answered_at: Option<i64>,
    pub resolution_due: Option<i64>,
}

impl From<&FeedbackRow> for Dues {
    fn from(row: &FeedbackRow) -> Dues {
        Dues {
            urgent: row.priority == "urgent",
            status: status_of(row),
            first_responded_at: row.first_responded_at,
            first_response_due: row.first_response_due,
            answered_at: row.answered_at,
            resolution_due: row.resolution_due,
        }
    }
}

/// When each alert that still applies to the item falls due.
pub(crate) fn schedule(row: &Dues, setup: &Setup) -> Vec<(Alert, Timestamp)> {
    let status = row.status;
    if !status.is_open() || status == Status::Waiting {
        return Vec::new();
    }
    let cal = &setup.calendar;
    let remind = setup.remind_before_ms();
    let mut out = Vec::new();
    // Due at once: the first sweep after intake sends it.
    if row.urgent && row.first_responded_at.is_none() {
        out.push((Alert::Urgent, Timestamp(0)));
    }
    if row.first_responded_at.is_none()
        && let Some(due) = row.first_response_due.map(Timestamp)
    {
        out.push((Alert::FirstResponseReminder, cal.sub_working(due, remind)));
        out.push((Alert::FirstResponseOverdue, due));
    }
    if row.answered_at.is_none()
        && let Some(due) = row.resolution_due.map(Timestamp)
    {
        out.push((Alert::ResolutionReminder, cal.sub_working(due, remind)));
        out.push((Alert::ResolutionOverdue, due));
        let director = cal.add_working(
            due,
            setup.settings.director_after_minutes * domain::time::MINUTE_MS,
        );
        out.push((Alert::ResolutionEscalated, director));
    }
    out
}

/// The item's plan for the reminder ledger: each alert that still applies, by its code.
pub(crate) fn reminder_plan(row: &Dues, setup: &Setup) -> Vec<(&'static str, Timestamp)> {
    schedule(row, setup)
        .into_iter()
        .map(|(alert, at)| (alert.code(), at))
        .collect()
}

/// Deadlines of a new item received at `received` (working time, on the institution's calendar).
pub(crate) fn deadlines_for(
    setup: &Setup,
    policy: &super::DeadlinePolicy,
    received: Timestamp,
) -> (Timestamp, Timestamp) {
    let cal = &setup.calendar;
    let minute = domain::time::MINUTE_MS;
    (
        cal.add_working(received, policy.first_response_minutes * minute),
        cal.add_working(received, policy.resolution_minutes * minute),
    )
}

impl Feedback {
    /// The due-soon window of the institution now, on its working calendar.
    pub(crate) async fn due_window(&self, tenant: TenantId) -> ServiceResult<DueWindow> {
        let setup = self.feedback_setup(tenant).await?;
        Ok(DueWindow::at(self.now(), &setup.calendar))
    }

    /// Fires every reminder and escalation now due; gives how many fired.
    pub async fn sweep_deadlines(&self) -> ServiceResult<usize> {
        let mut fired = 0;
        let mut seen = HashSet::new();
        let mut directories: HashMap<TenantId, Directory> = HashMap::new();
        loop {
            let now = self.now();
            let due =
                store::reminders::due_subjects(self.db(), Kind::Feedback, now, SWEEP_BATCH).await?;
            let fresh: Vec<Due> = due
                .into_iter()
                .filter(|d| seen.insert((d.tenant, d.subject_id)))
                .collect();
            if fresh.is_empty() {
                return Ok(fired);
            }
            for d in &fresh {
                if let std::collections::hash_map::Entry::Vacant(e) = directories.entry(d.tenant) {
                    e.insert(Directory::load(self.db(), d.tenant).await?);
                }
            }
            let mut rows = self.due_items(&fresh).await?;
            // One transaction per batch: one commit (one disk flush) for many items.
            let tx = self.db().begin().await?;
            let mut fired_here = 0;
            for d in fresh {
                let Some(row) = rows.remove(&d.subject_id) else {
                    // Nothing to remind about: its steps must not keep coming back.
                    let gone = Subject::Feedback(d.subject_id);
                    store::reminders::plan(&tx, d.tenant, gone, &[]).await?;
                    continue;
                };
                if let Some(directory) = directories.get(&d.tenant) {
                    fired_here += self.check_item(&tx, row, &d.steps, now, directory).await?;
                }
            }
            tx.commit().await?;
            if fired_here > 0 {
                self.wake_worker();
            }
            fired += fired_here;
        }
    }

    /// The items of a batch, one query per institution, read before the sweep's
    /// transaction: read one by one inside it (on SQLite's single writer) they cost the
    /// sweep a third of its speed. Each is then touched on the version read, so a change
    /// made meanwhile is never overwritten.
    async fn due_items(&self, due: &[Due]) -> ServiceResult<HashMap<i64, FeedbackRow>> {
        let mut by_tenant: HashMap<TenantId, Vec<i64>> = HashMap::new();
        for d in due {
            by_tenant.entry(d.tenant).or_default().push(d.subject_id);
        }
        let mut rows = HashMap::new();
        for (tenant, ids) in by_tenant {
            let filter = store::feedback::FeedbackFilter {
                ids: Some(ids),
                ..Default::default()
            };
            let order = store::feedback::FeedbackOrder::Newest;
            for row in
                store::feedback::list(self.db(), tenant, &filter, order, (None, None)).await?
            {
                rows.insert(row.id, row);
            }
        }
        Ok(rows)
    }

    /// Fires the item's due alerts in the sweep's transaction, each claimed on the ledger
    /// so that it fires once. The item is touched first, on the version read: if staff
    /// changed it meanwhile, nothing is done for it and the next sweep looks again at its
    /// new state (and its new plan). `on_ledger` are the steps the ledger found due.
    async fn check_item(
        &self,
        tx: &impl Conn,
        row: FeedbackRow,
        on_ledger: &[String],
        now: Timestamp,
        directory: &Directory,
    ) -> ServiceResult<usize> {
        let tenant = tenant_of(&row);
        if store::feedback::update(tx, tenant, row.id, row.version, Vec::new(), now).await? == 0 {
            return Ok(0);
        }
        let setup = self.feedback_setup(tenant).await?;
        let dues = Dues::from(&row);
        let subject = Subject::Feedback(row.id);
        let plan = schedule(&dues, &setup);
        let due: Vec<Alert> = plan
            .iter()
            .filter(|(_, at)| *at <= now)
            .map(|(alert, _)| *alert)
            .collect();
        // Every change to the item wrote its plan, so the ledger's due steps are the
        // schedule's. Where they are not (a step carried over by the migration, settings
        // changed since), the plan is written again from the item as it is now.
        if on_ledger.iter().any(|s| !due.iter().any(|a| a.code() == s)) {
            let steps = reminder_plan(&dues, &setup);
            store::reminders::plan(tx, tenant, subject, &steps).await?;
        }
        let mut fired_now = 0;
        for alert in due {
            // Claimed either way, so that it is never looked at again; a stale reminder (the
            // server was down past the deadline) is not sent beside the overdue message it
            // would contradict.
            if store::reminders::claim(tx, subject, alert.code(), now).await?
                && !alert.is_stale(&dues, now)
            {
                self.send_alert(tx, &row, alert, directory).await?;
                fired_now += 1;
            }
        }
        Ok(fired_now)
    }

    pub(crate) async fn send_reopen_alert(
        &self,
        c: &impl Conn,
        row: &FeedbackRow,
    ) -> ServiceResult<()> {
        let directory = Directory::load(c, tenant_of(row)).await?;
        self.send_alert(c, row, Alert::Reopened, &directory).await
    }

    /// Tells the right people about an alert, and notes it in the item's internal timeline.
    async fn send_alert(
        &self,
        c: &impl Conn,
        row: &FeedbackRow,
        alert: Alert,
        directory: &Directory,
    ) -> ServiceResult<()> {
        let tenant = tenant_of(row);
        let recipients = match alert {
            Alert::FirstResponseReminder | Alert::ResolutionReminder => responsible(directory, row),
            Alert::FirstResponseOverdue
            | Alert::ResolutionOverdue
            | Alert::Reopened
            | Alert::Urgent => head_or_directors(directory, row),
            Alert::ResolutionEscalated => {
                directory.with_role_over(Role::OfficeDirector, &row.unit_path)
            }
        };
        let institution = self.institution(tenant).await?;
        let t = Tr::new(Lang::ZhCn);
        let due = match alert {
            Alert::FirstResponseReminder | Alert::FirstResponseOverdue => row.first_response_due,
            _ => row.resolution_due,
        };
        let when = due
            .map(|d| Timestamp(d).format_minutes(&institution.timezone))
            .unwrap_or_default();
        let key = match alert {
            Alert::FirstResponseReminder | Alert::ResolutionReminder => Key::alert_reminder_text,
            Alert::FirstResponseOverdue | Alert::ResolutionOverdue => Key::alert_overdue_text,
            Alert::ResolutionEscalated => Key::alert_escalated_text,
            Alert::Reopened => Key::alert_reopened_text,
            Alert::Urgent => Key::alert_urgent_text,
        };
        let link = format!(
            "{}/console/feedback/{}",
            self.settings().public_url.trim_end_matches('/'),
            row.id
        );
        let text = t.fill(
            key,
            &[
                ("institution", &institution.name),
                ("tracking", &row.tracking_no),
                ("due", &when),
                ("link", &link),
            ],
        );
        let subject = t.fill(Key::alert_subject, &[("tracking", &row.tracking_no)]);
        let mut names = Vec::new();
        for user in recipients {
            names.push(user.display_name.clone());
            self.tell_staff(c, tenant, user, &subject, &text, row.priority == "urgent")
                .await?;
        }
        store::feedback::add_event(
            c,
            store::feedback::NewEvent {
                tenant,
                feedback: row.id,
                kind: alert.code(),
                from: None,
                to: None,
                public: false,
                body: Some(&names.join("、")),
                data: None,
                actor: None,
                actor_name: None,
            },
            self.now(),
        )
        .await?;
        Ok(())
    }
}

/// Whoever has the item on their desk: its assignee, else its department's head, else the
/// office (clerks and director over its unit).
fn responsible<'d>(directory: &'d Directory, row: &FeedbackRow) -> Vec<&'d store::users::UserRow> {
    if let Some(user) = row.assignee_id.and_then(|u| directory.user(u)) {
        return vec![user];
    }
    if row.department_id.is_some() {
        return head_or_directors(directory, row);
    }
    let mut office = directory.with_role_over(Role::OfficeClerk, &row.unit_path);
    office.extend(directory.with_role_over(Role::OfficeDirector, &row.unit_path));
    office
}

fn head_or_directors<'d>(
    directory: &'d Directory,
    row: &FeedbackRow,
) -> Vec<&'d store::users::UserRow> {
    directory.head_of(row.department_id, &row.unit_path)
}

/// The scheduled sweep.
pub(crate) struct Sweep(pub Feedback);

#[async_trait::async_trait]
impl Handler for Sweep {
    fn kind(&self) -> &'static str {
        SWEEP
    }

    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        self.0
            .sweep_deadlines()
            .await
            .map_err(|e| JobError::Retry(e.to_string()))?;
        Ok(())
    }
}

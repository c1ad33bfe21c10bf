//! Moving items through their life: what staff do, what submitters do, and what both are
//! told. Every status change goes through [`domain::feedback::transition`].

use super::deadlines::{Alert, deadlines_for, reminder_plan};
use super::views::ItemView;
use super::{can_on, status_of, tenant_of};
use crate::{Arg, Feedback, Institution, MemberSession, ServiceError, ServiceResult, Staff};
use domain::feedback::{Action, FeedbackKind, MAX_TEXT, Priority, Rating, Status, transition};
use domain::validate::Checks;
use domain::{DepartmentId, FieldError, Permission, Timestamp, UserId};
use i18n::{Key, Lang, Tr};
use notify::Channel;
use serde::Deserialize;
use store::Conn;
use store::feedback::{self as fb, FeedbackChange, FeedbackRow, NewEvent};
use store::reminders::Subject;

pub use domain::feedback::{Moderation, Publish};

/// What staff can do to an item.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum StaffAction {
    Accept,
    /// To a department (and perhaps a person in it); a reassignment needs a reason.
    Assign {
        department: i64,
        #[serde(default)]
        assignee: Option<i64>,
        #[serde(default)]
        reason: Option<String>,
    },
    Start,
    /// Ask the submitter for more information; the deadlines pause.
    AskSubmitter {
        question: String,
    },
    /// The public answer, sent to the submitter; `adopted` marks a suggestion the institution takes up.
    Answer {
        text: String,
        #[serde(default)]
        adopted: bool,
    },
    Close,
    /// 不予受理, with the reason the submitter is given.
    Decline {
        reason: String,
    },
    MarkSpam,
    NotSpam,
    /// Into the item with this tracking number.
    Merge {
        into: String,
    },
}

impl StaffAction {
    fn action(&self) -> Action {
        match self {
            StaffAction::Accept => Action::Accept,
            StaffAction::Assign { .. } => Action::Assign,
            StaffAction::Start => Action::Start,
            StaffAction::AskSubmitter { .. } => Action::AskSubmitter,
            StaffAction::Answer { .. } => Action::Answer,
            StaffAction::Close => Action::Close,
            StaffAction::Decline { .. } => Action::Decline,
            StaffAction::MarkSpam => Action::MarkSpam,
            StaffAction::NotSpam => Action::NotSpam,
            StaffAction::Merge { .. } => Action::Merge,
        }
    }

    /// Triage belongs to the office over the item's unit; the rest also to its department.
    fn permission(&self) -> Permission {
        match self {
            StaffAction::Start
            | StaffAction::AskSubmitter { .. }
            | StaffAction::Answer { .. }
            | StaffAction::Close => Permission::HandleFeedback,
            _ => Permission::TriageFeedback,
        }
    }
}

/// The changes one step makes, gathered before they are written.
struct Step {
    to: Status,
    sets: Vec<FeedbackChange>,
    /// The public timeline entry's text (an answer, a question, a reason).
    public_text: Option<String>,
    data: Option<serde_json::Value>,
    /// What the submitter is told, if anything.
    tell_submitter: Option<Key>,
}

impl Feedback {
    /// Does `action` to the item, if the staff member may and its status allows.
    /// `version`, when given, must match the item's (a stale form is refused, not applied).
    pub async fn act_on_feedback(
        &self,
        staff: &Staff,
        id: i64,
        version: Option<i64>,
        action: StaffAction,
    ) -> ServiceResult<ItemView> {
        let row = self.visible_item(staff, id).await?;
        let allowed = can_on(staff, action.permission(), &row)
            || can_on(staff, Permission::TriageFeedback, &row);
        if !allowed {
            return Err(ServiceError::Forbidden);
        }
        if version.is_some_and(|v| v != row.version) {
            return Err(ServiceError::Conflict);
        }
        let from = status_of(&row);
        let to = transition(
            from,
            action.action(),
            row.resume_status.as_deref().and_then(Status::parse),
        )
        .map_err(|e| illegal(e.from, e.action))?;
        let now = self.now();
        let step = self.plan(staff, &row, &action, to, now).await?;
        let tx = self.db().begin().await?;
        if let StaffAction::Merge { .. } = &action
            && let Some(target) = step.data.as_ref().and_then(|d| d["into_id"].as_i64())
        {
            fb::move_supports(&tx, tenant_of(&row), row.id, target, now).await?;
            let note = format!(
                "{} → {}",
                row.tracking_no,
                step.data
                    .as_ref()
                    .map_or("", |d| d["into"].as_str().unwrap_or(""))
            );
            self.event(
                &tx,
                &row,
                target,
                "merged_in",
                None,
                None,
                false,
                Some(&note),
                None,
                Some(staff),
            )
            .await?;
        }
        self.apply(&tx, &row, step, action.action().as_str(), Some(staff), now)
            .await?;
        let before = serde_json::json!({ "status": from });
        let after = serde_json::json!({ "status": to, "action": action.action().as_str() });
        self.audit(
            &tx,
            staff,
            &format!("feedback.{}", action.action().as_str()),
            "feedback",
            row.id,
            Some(before),
            Some(after),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        let fresh = self.visible_item(staff, id).await?;
        let window = self.due_window(staff.actor.tenant_id).await?;
        Ok(ItemView::for_staff(fresh, staff, &window))
    }

    /// Works out what an action changes, checking its input: a department or item it names
    /// must be one the staff member may act on.
    async fn plan(
        &self,
        staff: &Staff,
        row: &FeedbackRow,
        action: &StaffAction,
        to: Status,
        now: Timestamp,
    ) -> ServiceResult<Step> {
        let tenant = tenant_of(row);
        let from = status_of(row);
        let mut sets: Vec<FeedbackChange> = vec![FeedbackChange::Status(to)];
        let first_response = matches!(
            action,
            StaffAction::Accept
                | StaffAction::Assign { .. }
                | StaffAction::Start
                | StaffAction::AskSubmitter { .. }
                | StaffAction::Answer { .. }
                | StaffAction::Decline { .. }
        );
        if first_response && row.first_responded_at.is_none() {
            sets.push(FeedbackChange::FirstRespondedAt(now));
        }
        let mut step = Step {
            to,
            sets,
            public_text: None,
            data: None,
            tell_submitter: None,
        };
        let mut checks = Checks::new();
        match action {
            StaffAction::Accept | StaffAction::Start => {}
            // Spam and declined items end here: closing them lets retention find them.
            StaffAction::Close | StaffAction::MarkSpam => {
                step.sets.push(FeedbackChange::ClosedAt(Some(now)));
            }
            StaffAction::NotSpam => {
                step.sets.push(FeedbackChange::ClosedAt(None));
            }
            StaffAction::Assign {
                department,
                assignee,
                reason,
            } => {
                let dept =
                    store::org::find_department(self.db(), tenant, DepartmentId(*department))
                        .await?;
                let dept = checks.present("department", dept, Key::err_choice);
                if let Some(d) = &dept
                    && !self.may_route_to(staff, d).await?
                {
                    checks.push(FieldError::new("department", Key::err_department_outside));
                }
                let reason = checks.optional_text("reason", reason.as_deref(), 500);
                if row.department_id.is_some() && reason.is_none() {
                    checks.push(FieldError::new("reason", Key::err_reason_needed));
                }
                if let Some(user) = assignee {
                    let works_there = store::users::grants_of(self.db(), UserId(*user))
                        .await?
                        .iter()
                        .any(|g| g.department_id == Some(*department));
                    if !works_there {
                        checks.push(FieldError::new("assignee", Key::err_choice));
                    }
                }
                checks.finish()?;
                step.sets
                    .push(FeedbackChange::Department(Some(*department)));
                step.sets.push(FeedbackChange::Assignee(*assignee));
                step.data = Some(serde_json::json!({
                    "department": department,
                    "department_name": dept.map(|d| d.name),
                    "assignee": assignee,
                    "reason": reason,
                }));
            }
            StaffAction::AskSubmitter { question } => {
                let question = checks.text("question", question, 1000);
                checks.finish()?;
                step.sets.push(FeedbackChange::ResumeStatus(Some(from)));
                step.sets.push(FeedbackChange::PausedAt(Some(now)));
                step.public_text = Some(question);
                step.tell_submitter = Some(Key::submitter_asked_text);
            }
            StaffAction::Answer { text, adopted } => {
                let text = checks.text("text", text, MAX_TEXT);
                let is_suggestion =
                    FeedbackKind::parse(&row.kind) == Some(FeedbackKind::Suggestion);
                if *adopted && !is_suggestion {
                    checks.push(FieldError::new("adopted", Key::err_adopt_suggestion_only));
                }
                checks.finish()?;
                if from == Status::Waiting {
                    step.sets.extend(self.resume_sets(row).await?);
                }
                step.sets.push(FeedbackChange::AnsweredAt(Some(now)));
                step.sets.push(FeedbackChange::Adopted(*adopted));
                step.sets.push(super::search::append_words(&text));
                step.public_text = Some(text);
                step.data = Some(serde_json::json!({ "adopted": adopted }));
                step.tell_submitter = Some(Key::submitter_answered_text);
            }
            StaffAction::Decline { reason } => {
                let reason = checks.text("reason", reason, 1000);
                checks.finish()?;
                step.sets.push(FeedbackChange::ClosedAt(Some(now)));
                step.public_text = Some(reason);
                step.tell_submitter = Some(Key::submitter_declined_text);
            }
            StaffAction::Merge { into } => {
                let target = fb::find_by_tracking_no(self.db(), tenant, into.trim()).await?;
                // Only into an item the staff member may triage; one they may not is answered
                // exactly as a number that does not exist, so that merging cannot be used to
                // learn which tracking numbers exist outside their scope.
                let target = target.filter(|t| {
                    t.id != row.id
                        && can_on(staff, Permission::TriageFeedback, t)
                        && !matches!(
                            status_of(t),
                            Status::Merged | Status::Spam | Status::NotAccepted
                        )
                });
                let target = checks.present("into", target, Key::err_merge_target);
                checks.finish()?;
                if let Some(target) = target {
                    step.sets.push(FeedbackChange::MergedInto(target.id));
                    step.data = Some(
                        serde_json::json!({ "into": target.tracking_no, "into_id": target.id }),
                    );
                    step.public_text = Some(target.tracking_no.clone());
                }
            }
        }
        Ok(step)
    }

    /// May the staff member give work to this department? Only inside the units they triage
    /// for: a station's clerk routes to the station's own departments (and those below it),
    /// never to another station's or to the centre's — that is for the office, whose
    /// county-wide role reaches every department. Department roles do not triage at all.
    async fn may_route_to(
        &self,
        staff: &Staff,
        department: &store::org::DepartmentRow,
    ) -> ServiceResult<bool> {
        let unit = store::org::find_unit(
            self.db(),
            staff.actor.tenant_id,
            domain::UnitId(department.unit_id),
        )
        .await?;
        Ok(unit.is_some_and(|u| staff.actor.can(Permission::TriageFeedback, &u.unit_path())))
    }

    /// Writes a step: the item's new state, the timeline, the submitter's message, and the
    /// item's next deadline check.
    async fn apply(
        &self,
        c: &impl Conn,
        row: &FeedbackRow,
        step: Step,
        kind: &str,
        staff: Option<&Staff>,
        now: Timestamp,
    ) -> ServiceResult<()> {
        let tenant = tenant_of(row);
        let from = status_of(row);
        if fb::update(c, tenant, row.id, row.version, step.sets, now).await? == 0 {
            return Err(ServiceError::Conflict);
        }
        let public = !matches!(kind, "mark_spam" | "not_spam");
        self.event(
            c,
            row,
            row.id,
            kind,
            Some(from),
            Some(step.to),
            public,
            step.public_text.as_deref(),
            step.data,
            staff,
        )
        .await?;
        let updated = fb::find(c, tenant, row.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let setup = self.feedback_setup(tenant).await?;
        let plan = reminder_plan(&(&updated).into(), &setup);
        store::reminders::plan(c, tenant, Subject::Feedback(row.id), &plan).await?;
        if let Some(key) = step.tell_submitter {
            self.tell_submitters(c, &updated, key, step.public_text.as_deref().unwrap_or(""))
                .await?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn event(
        &self,
        c: &impl Conn,
        row: &FeedbackRow,
        on: i64,
        kind: &str,
        from: Option<Status>,
        to: Option<Status>,
        public: bool,
        body: Option<&str>,
        data: Option<serde_json::Value>,
        staff: Option<&Staff>,
    ) -> ServiceResult<()> {
        fb::add_event(
            c,
            NewEvent {
                tenant: tenant_of(row),
                feedback: on,
                kind,
                from: from.map(Status::as_str),
                to: to.map(Status::as_str),
                public,
                body,
                data,
                actor: staff.map(|s| s.actor.user_id),
                actor_name: staff.map(|s| s.actor.display_name.as_str()),
            },
            self.now(),
        )
        .await?;
        Ok(())
    }

    /// Leaving the wait: the deadlines move on by the working time spent waiting.
    async fn resume_sets(&self, row: &FeedbackRow) -> ServiceResult<Vec<FeedbackChange>> {
        let setup = self.feedback_setup(tenant_of(row)).await?;
        let now = self.now();
        let paused = row
            .paused_at
            .map_or(0, |p| setup.calendar.working_between(Timestamp(p), now));
        let shift =
            |due: Option<i64>| due.map(|d| setup.calendar.add_working(Timestamp(d), paused).0);
        Ok(vec![
            FeedbackChange::FirstResponseDue(shift(row.first_response_due).map(Timestamp)),
            FeedbackChange::ResolutionDue(shift(row.resolution_due).map(Timestamp)),
            FeedbackChange::PausedAt(None),
            FeedbackChange::ResumeStatus(None),
        ])
    }

    /// Texts or e-mails the submitter (and those whose items were merged into this one)
    /// with the news and the tracking link.
    async fn tell_submitters(
        &self,
        c: &impl Conn,
        row: &FeedbackRow,
        key: Key,
        detail: &str,
    ) -> ServiceResult<()> {
        let tenant = tenant_of(row);
        let institution = self.institution(tenant).await?;
        let mut rows = vec![row.clone()];
        let merged_in = fb::FeedbackFilter {
            merged_into: Some(row.id),
            ..Default::default()
        };
        let merged = fb::list(
            c,
            tenant,
            &merged_in,
            fb::FeedbackOrder::Newest,
            (None, None),
        )
        .await?;
        rows.extend(merged);
        // Those whose items were merged in are other people: they read the answer as the
        // public does, without this submitter's personal data.
        let public = self.public_texts(row, &[]).await?.staff_text(detail);
        for r in rows {
            let lang = Lang::from_code(&r.lang).unwrap_or_default();
            let t = Tr::new(lang);
            let link = self.tracking_link(tenant, &r.tracking_no);
            let detail = if r.id == row.id {
                detail
            } else {
                public.as_str()
            };
            let short: String = detail.chars().take(60).collect();
            let text = t.fill(
                key,
                &[
                    ("institution", &institution.name),
                    ("tracking", &r.tracking_no),
                    ("detail", &short),
                    ("link", &link),
                ],
            );
            if let Some(mobile) = &r.contact_mobile {
                self.queue_message(c, Some(tenant), Channel::Sms, mobile, None, &text)
                    .await?;
            } else if let Some(email) = &r.contact_email {
                let subject = t.fill(
                    Key::submitter_subject,
                    &[
                        ("institution", &institution.name),
                        ("tracking", &r.tracking_no),
                    ],
                );
                self.queue_message(
                    c,
                    Some(tenant),
                    Channel::Email,
                    email,
                    Some(&subject),
                    &text,
                )
                .await?;
            }
        }
        Ok(())
    }

    /// An internal note on an item: for staff, never shown in public.
    pub async fn add_internal_note(&self, staff: &Staff, id: i64, note: &str) -> ServiceResult<()> {
        let row = self.visible_item(staff, id).await?;
        if !can_on(staff, Permission::HandleFeedback, &row)
            && !can_on(staff, Permission::TriageFeedback, &row)
        {
            return Err(ServiceError::Forbidden);
        }
        let mut checks = Checks::new();
        let note = checks.text("note", note, MAX_TEXT);
        checks.finish()?;
        let tx = self.db().begin().await?;
        self.event(
            &tx,
            &row,
            row.id,
            "note",
            None,
            None,
            false,
            Some(&note),
            None,
            Some(staff),
        )
        .await?;
        self.audit(&tx, staff, "feedback.note", "feedback", row.id, None, None)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks an item urgent (or not): its deadlines are worked out again from its policy.
    pub async fn set_priority(
        &self,
        staff: &Staff,
        id: i64,
        priority: Priority,
    ) -> ServiceResult<()> {
        let row = self.visible_item(staff, id).await?;
        if !can_on(staff, Permission::TriageFeedback, &row)
            && !can_on(staff, Permission::HandleFeedback, &row)
        {
            return Err(ServiceError::Forbidden);
        }
        let setup = self.feedback_setup(tenant_of(&row)).await?;
        let kind = FeedbackKind::parse(&row.kind).unwrap_or(FeedbackKind::Request);
        let (first, resolution) = deadlines_for(
            &setup,
            &setup.policy(kind, priority),
            Timestamp(row.received_at),
        );
        let now = self.now();
        let tx = self.db().begin().await?;
        let sets = vec![
            FeedbackChange::Priority(priority),
            FeedbackChange::FirstResponseDue(Some(first)),
            FeedbackChange::ResolutionDue(Some(resolution)),
        ];
        let step = Step {
            to: status_of(&row),
            sets,
            public_text: None,
            data: Some(serde_json::json!({ "priority": priority })),
            tell_submitter: None,
        };
        self.apply(&tx, &row, step, "priority", Some(staff), now)
            .await?;
        let (before, after) = (
            serde_json::json!({ "priority": row.priority }),
            serde_json::json!({ "priority": priority }),
        );
        self.audit(
            &tx,
            staff,
            "feedback.priority",
            "feedback",
            row.id,
            Some(before),
            Some(after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Clears a held item for the public, hides it, or replaces its public text with a
    /// redaction (the original stays for staff; the audit log keeps both).
    pub async fn moderate_feedback(
        &self,
        staff: &Staff,
        id: i64,
        verdict: Moderation,
        public_text: Option<&str>,
    ) -> ServiceResult<()> {
        let row = self.visible_item(staff, id).await?;
        if !can_on(staff, Permission::ModerateFeedback, &row) {
            return Err(ServiceError::Forbidden);
        }
        let mut sets = vec![FeedbackChange::Moderation(verdict)];
        if let Some(text) = public_text {
            let mut checks = Checks::new();
            let text = checks.text("public_text", text, MAX_TEXT);
            checks.finish()?;
            sets.push(FeedbackChange::PublicBody(Some(text)));
        }
        let now = self.now();
        let tx = self.db().begin().await?;
        if fb::update(&tx, tenant_of(&row), row.id, row.version, sets, now).await? == 0 {
            return Err(ServiceError::Conflict);
        }
        self.event(
            &tx,
            &row,
            row.id,
            "moderated",
            None,
            None,
            false,
            None,
            Some(serde_json::json!({ "moderation": verdict })),
            Some(staff),
        )
        .await?;
        let before =
            serde_json::json!({ "moderation": row.moderation, "public_text": row.public_body });
        let after = serde_json::json!({ "moderation": verdict, "public_text": public_text.or(row.public_body.as_deref()) });
        self.audit(
            &tx,
            staff,
            "feedback.moderated",
            "feedback",
            row.id,
            Some(before),
            Some(after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Shows or hides one item on the board against the institution's default.
    pub async fn set_publish(&self, staff: &Staff, id: i64, publish: Publish) -> ServiceResult<()> {
        let row = self.visible_item(staff, id).await?;
        if !can_on(staff, Permission::ModerateFeedback, &row) {
            return Err(ServiceError::Forbidden);
        }
        let tx = self.db().begin().await?;
        if fb::update(
            &tx,
            tenant_of(&row),
            row.id,
            row.version,
            vec![FeedbackChange::Publish(publish)],
            self.now(),
        )
        .await?
            == 0
        {
            return Err(ServiceError::Conflict);
        }
        let (before, after) = (
            serde_json::json!({ "publish": row.publish }),
            serde_json::json!({ "publish": publish }),
        );
        self.audit(
            &tx,
            staff,
            "feedback.publish",
            "feedback",
            row.id,
            Some(before),
            Some(after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- The submitter, through the tracking link ---------------------------------------------

    /// The item behind a tracking link, if the link is genuine.
    pub(crate) async fn tracked(
        &self,
        institution: &Institution,
        tracking_no: &str,
        secret: &str,
    ) -> ServiceResult<FeedbackRow> {
        if !self.tracking_secret_matches(institution.id, tracking_no, secret) {
            return Err(ServiceError::NotFound);
        }
        fb::find_by_tracking_no(self.db(), institution.id, tracking_no)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// The submitter adds the information staff asked for; the clock runs again.
    pub async fn submitter_reply(
        &self,
        institution: &Institution,
        tracking_no: &str,
        secret: &str,
        text: &str,
    ) -> ServiceResult<()> {
        let row = self.tracked(institution, tracking_no, secret).await?;
        let from = status_of(&row);
        let to = transition(
            from,
            Action::SubmitterReplied,
            row.resume_status.as_deref().and_then(Status::parse),
        )
        .map_err(|e| illegal(e.from, e.action))?;
        let mut checks = Checks::new();
        let text = checks.text("text", text, MAX_TEXT);
        checks.finish()?;
        let mut sets = self.resume_sets(&row).await?;
        sets.push(FeedbackChange::Status(to));
        sets.push(super::search::append_words(&text));
        let step = Step {
            to,
            sets,
            public_text: Some(text),
            data: None,
            tell_submitter: None,
        };
        let tx = self.db().begin().await?;
        self.apply(&tx, &row, step, "submitter_replied", None, self.now())
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The submitter rates the answer. A satisfied verdict closes the item.
    pub async fn rate_answer(
        &self,
        institution: &Institution,
        tracking_no: &str,
        secret: &str,
        rating: &str,
    ) -> ServiceResult<()> {
        let row = self.tracked(institution, tracking_no, secret).await?;
        let rating = Rating::parse(rating)
            .ok_or_else(|| ServiceError::invalid("rating", Key::err_choice))?;
        let from = status_of(&row);
        if !from.is_resolved() || row.rating.is_some() {
            return Err(ServiceError::refused(Key::err_rating_not_open));
        }
        let now = self.now();
        let mut sets: Vec<FeedbackChange> =
            vec![FeedbackChange::Rating(rating), FeedbackChange::RatedAt(now)];
        let to = if rating != Rating::Dissatisfied && from == Status::Answered {
            sets.push(FeedbackChange::Status(Status::Closed));
            sets.push(FeedbackChange::ClosedAt(Some(now)));
            Status::Closed
        } else {
            from
        };
        let step = Step {
            to,
            sets,
            public_text: None,
            data: Some(serde_json::json!({ "rating": rating })),
            tell_submitter: None,
        };
        let tx = self.db().begin().await?;
        self.apply(&tx, &row, step, "rated", None, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A dissatisfied submitter reopens the item within the allowed days; it goes back to
    /// work with a fresh resolution deadline, and its department head is told at once.
    pub async fn reopen_feedback(
        &self,
        institution: &Institution,
        tracking_no: &str,
        secret: &str,
        reason: &str,
    ) -> ServiceResult<()> {
        let row = self.tracked(institution, tracking_no, secret).await?;
        let tenant = tenant_of(&row);
        let setup = self.feedback_setup(tenant).await?;
        let from = status_of(&row);
        let to = transition(from, Action::Reopen, None).map_err(|e| illegal(e.from, e.action))?;
        let now = self.now();
        let window = setup.settings.reopen_days * domain::time::DAY_MS;
        if row.answered_at.is_none_or(|a| now.0 - a > window)
            || row.rating.as_deref().is_some_and(|r| r != "dissatisfied")
        {
            return Err(ServiceError::refused(Key::err_reopen_closed));
        }
        let mut checks = Checks::new();
        let reason = checks.text("reason", reason, 1000);
        checks.finish()?;
        let kind = FeedbackKind::parse(&row.kind).unwrap_or(FeedbackKind::Request);
        let priority = Priority::parse(&row.priority).unwrap_or(Priority::Normal);
        let (_, resolution) = deadlines_for(&setup, &setup.policy(kind, priority), now);
        let sets = vec![
            FeedbackChange::Status(to),
            FeedbackChange::Rating(Rating::Dissatisfied),
            FeedbackChange::RatedAt(now),
            FeedbackChange::AnsweredAt(None),
            FeedbackChange::ClosedAt(None),
            FeedbackChange::ResolutionDue(Some(resolution)),
            FeedbackChange::ReopenCount(row.reopen_count + 1),
        ];
        let step = Step {
            to,
            sets,
            public_text: Some(reason),
            data: None,
            tell_submitter: None,
        };
        let tx = self.db().begin().await?;
        store::reminders::forget(&tx, Subject::Feedback(row.id), &Alert::RESOLUTION).await?;
        self.apply(&tx, &row, step, "reopened", None, now).await?;
        // Escalates: the department head (or the office director) hears of it now.
        let reopened = fb::find(&tx, tenant, row.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if store::reminders::fire_now(
            &tx,
            tenant,
            Subject::Feedback(row.id),
            &format!("reopened_{}", row.reopen_count + 1),
            now,
        )
        .await?
        {
            self.send_reopen_alert(&tx, &reopened).await?;
        }
        tx.commit().await?;
        self.wake_worker();
        Ok(())
    }

    /// A verified member adds their support ("me too"); once per person.
    pub async fn support_feedback(
        &self,
        institution: &Institution,
        member: &MemberSession,
        tracking_no: &str,
    ) -> ServiceResult<bool> {
        let row = fb::find_by_tracking_no(self.db(), institution.id, tracking_no)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !self.publicly_visible(&row).await? {
            return Err(ServiceError::NotFound);
        }
        let tx = self.db().begin().await?;
        let added = fb::add_support(&tx, institution.id, row.id, member.member, self.now()).await?;
        tx.commit().await?;
        Ok(added)
    }
}

/// "An item that is closed cannot be accepted", in the reader's language.
fn illegal(from: Status, action: Action) -> ServiceError {
    ServiceError::Refused {
        key: Key::err_illegal_transition,
        args: vec![
            ("status", Arg::Label(from.label())),
            ("action", Arg::Label(action_label(action))),
        ],
    }
}

pub(crate) fn action_label(action: Action) -> Key {
    match action {
        Action::Accept => Key::action_accept,
        Action::Assign => Key::action_assign,
        Action::Start => Key::action_start,
        Action::AskSubmitter => Key::action_ask_submitter,
        Action::SubmitterReplied => Key::action_submitter_replied,
        Action::Answer => Key::action_answer,
        Action::Close => Key::action_close,
        Action::Decline => Key::action_decline,
        Action::MarkSpam => Key::action_mark_spam,
        Action::NotSpam => Key::action_not_spam,
        Action::Merge => Key::action_merge,
        Action::Reopen => Key::action_reopen,
    }
}

//! Review before publishing, and what can happen to a notice after it went out:
//! corrections (recipients are told what changed; the old version is kept) and retraction.

use super::{is_office, may_review, parse_row, review_facts, stored_review};
use crate::{Notices, ServiceError, ServiceResult, Staff};
use domain::notice::{NoticeAction, NoticePriority, NoticeStatus, transition};
use domain::review::{self, Chain, Stage};
use domain::{Checks, FieldError, Permission, Timestamp, UnitPath, UserId};
use i18n::Key;
use store::notices::{NoticeChange, NoticeRow};
use store::reminders::Subject;

/// The settings key of the institution's own notice review chain (`Desk::review_chain`).
const REVIEW_KIND: &str = "notice";

/// The reviewer's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewDecision {
    Approve,
    RequestChanges,
    Reject,
}

impl Notices {
    /// The author sends the draft for review, to the chosen reviewer or their supervisor.
    pub async fn submit_notice(&self, staff: &Staff, id: i64) -> ServiceResult<()> {
        let row = self.visible_notice(staff, id).await?;
        if row.author_id != staff.actor.user_id.0 {
            return Err(ServiceError::Forbidden);
        }
        let parsed = parse_row(&row)?;
        let to = legal(parsed.status, NoticeAction::Submit)?;
        let policy = self.delivery_policy(staff.actor.tenant_id).await?;
        let publish_at = row.publish_at.map_or(self.now(), Timestamp);
        if !lead_ok(&policy, parsed.priority, publish_at, &row) {
            return Err(lead_error(&policy));
        }
        let reviewer = match row.reviewer_id {
            Some(r) => Some(r),
            None => self.default_reviewer(staff, &row).await?,
        };
        let Some(reviewer) = reviewer else {
            return Err(ServiceError::invalid(
                "reviewer",
                Key::notice_err_no_reviewer,
            ));
        };
        let now = self.now();
        let tenant = staff.actor.tenant_id;
        let chain = self
            .review_chain(tenant, REVIEW_KIND, Chain::notice_review())
            .await?;
        let facts = review::ItemFacts {
            chosen_reviewer: Some(UserId(reviewer)),
            ..review_facts(&row)
        };
        let earlier = stored_review(&row)?;
        let tx = self.db().begin().await?;
        let subject = Subject::Notice(row.id);
        let stage = self
            .send_for_review(&tx, tenant, subject, earlier.as_ref(), chain, &facts)
            .await?;
        // A chain always has a step that applies to a notice, so a notice sent is in review.
        if stage != Stage::InReview {
            return Err(ServiceError::Conflict);
        }
        self.move_notice(
            &tx,
            staff,
            &row,
            parsed.status,
            to,
            vec![
                NoticeChange::Reviewer(Some(reviewer)),
                NoticeChange::SubmittedAt(now),
            ],
            "submitted",
            None,
        )
        .await?;
        tx.commit().await?;
        // The reviewer hears about it in the console and by e-mail.
        if let Some(user) = store::users::find(self.db(), UserId(reviewer)).await? {
            let t = i18n::Tr::new(i18n::Lang::ZhCn);
            let link = self.notice_link(row.id, None);
            let text = t.fill(
                Key::notice_msg_review_text,
                &[
                    ("title", &row.title),
                    ("author", &staff.actor.display_name),
                    ("link", &link),
                ],
            );
            let subject = t.fill(Key::notice_msg_review_subject, &[("title", &row.title)]);
            let tx = self.db().begin().await?;
            self.tell_staff(&tx, staff.actor.tenant_id, &user, &subject, &text, false)
                .await?;
            tx.commit().await?;
            self.wake_worker();
        }
        Ok(())
    }

    /// The author takes the notice back from review to change it.
    pub async fn withdraw_notice(&self, staff: &Staff, id: i64) -> ServiceResult<()> {
        let row = self.visible_notice(staff, id).await?;
        if row.author_id != staff.actor.user_id.0 {
            return Err(ServiceError::Forbidden);
        }
        let from = parse_row(&row)?.status;
        let to = legal(from, NoticeAction::Withdraw)?;
        let tx = self.db().begin().await?;
        let tenant = staff.actor.tenant_id;
        self.withdraw_from_review(&tx, tenant, Subject::Notice(row.id))
            .await?;
        self.move_notice(&tx, staff, &row, from, to, Vec::new(), "withdrawn", None)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The reviewer decides. Sending back and rejecting need a comment, which the author is
    /// told. Approving schedules the notice for its publish time (now, if none was set);
    /// a long-term notice whose lead time has run out needs an override by an office
    /// director, with a reason.
    pub async fn review_notice(
        &self,
        staff: &Staff,
        id: i64,
        decision: ReviewDecision,
        comment: Option<&str>,
        lead_override_reason: Option<&str>,
    ) -> ServiceResult<()> {
        let row = self.visible_notice(staff, id).await?;
        let facts = review_facts(&row);
        let parsed = parse_row(&row)?;
        let stored = stored_review(&row)?;
        if parsed.status != NoticeStatus::InReview {
            // Nothing waits for a decision: a reviewer is told so, anyone else refused.
            let chain = stored.map_or_else(Chain::notice_review, |r| r.chain);
            let first = desk::Review {
                chain,
                progress: review::Progress::start(),
                version: 0,
            };
            if !first.may_decide(&staff.actor, &facts) {
                return Err(ServiceError::Forbidden);
            }
            return legal(parsed.status, NoticeAction::Approve).map(drop);
        }
        let Some(review) = stored.filter(|_| may_review(staff, &row)) else {
            return Err(ServiceError::Forbidden);
        };
        let mut checks = Checks::new();
        let comment = match decision {
            ReviewDecision::Approve => {
                checks.optional_text("comment", comment, super::compose::REASON_MAX)
            }
            _ => Some(checks.text(
                "comment",
                comment.unwrap_or_default(),
                super::compose::REASON_MAX,
            )),
        };
        let reason = checks.optional_text(
            "lead_override_reason",
            lead_override_reason,
            super::compose::REASON_MAX,
        );
        checks.finish()?;
        let tx = self.db().begin().await?;
        let stage = self
            .decide_review(
                &tx,
                Subject::Notice(row.id),
                &review,
                &facts,
                &staff.actor,
                &chain_decision(decision, comment.as_deref()),
            )
            .await?;
        let mut changes = vec![NoticeChange::Reviewer(Some(staff.actor.user_id.0))];
        // The chain decides what happens to the notice: it goes out once every step has
        // approved; until then an approval hands it to the next step.
        let (to, event) = match stage {
            Stage::Approved => {
                changes.extend(self.approval(staff, &row, parsed.priority, reason).await?);
                (legal(parsed.status, NoticeAction::Approve)?, "approved")
            }
            Stage::InReview => (parsed.status, "approved"),
            Stage::ChangesRequested { .. } => (
                legal(parsed.status, NoticeAction::RequestChanges)?,
                "changes_requested",
            ),
            Stage::Rejected { .. } => (legal(parsed.status, NoticeAction::Reject)?, "rejected"),
        };
        self.move_notice(
            &tx,
            staff,
            &row,
            parsed.status,
            to,
            changes,
            event,
            comment.as_deref(),
        )
        .await?;
        tx.commit().await?;
        if decision != ReviewDecision::Approve {
            self.tell_author(staff, &row, event, comment.as_deref().unwrap_or_default())
                .await?;
            return Ok(());
        }
        if stage != Stage::Approved {
            return Ok(());
        }
        // Due now: publish at once rather than at the sweep's next minute.
        if let Some(fresh) = store::notices::find(self.db(), staff.actor.tenant_id, id).await?
            && super::publish::is_due_to_publish(&fresh, self.now())
        {
            self.publish_notice(&fresh).await?;
        }
        Ok(())
    }

    /// Tells every recipient a published notice was corrected or retracted, on the channels
    /// it first went out on.
    async fn tell_recipients_of_change(
        &self,
        c: &impl store::Conn,
        row: &NoticeRow,
        key: Key,
        note: &str,
    ) -> ServiceResult<()> {
        let tenant = domain::TenantId(row.tenant_id);
        let t = i18n::Tr::new(i18n::Lang::ZhCn);
        let urgent = row.priority == NoticePriority::Urgent.as_str();
        let text = t.fill(
            key,
            &[
                ("title", &row.title),
                ("note", &note),
                ("link", &self.notice_link(row.id, Some("email"))),
            ],
        );
        let subject = t.fill(Key::notice_msg_change_subject, &[("title", &row.title)]);
        let recipients = store::notices::recipients(
            c,
            tenant,
            row.id,
            None,
            store::notices::RecipientFilter::All,
        )
        .await?;
        for r in &recipients {
            if let Some(email) = &r.email {
                self.queue_message(
                    c,
                    Some(tenant),
                    notify::Channel::Email,
                    email,
                    Some(&subject),
                    &text,
                )
                .await?;
            }
            if let (true, Some(mobile)) = (urgent, &r.mobile) {
                self.queue_message(c, Some(tenant), notify::Channel::Sms, mobile, None, &text)
                    .await?;
            }
        }
        Ok(())
    }

    /// Corrects a published notice: the old text is kept as a version, recipients are told
    /// what changed, and the correction counts in the error rate.
    pub async fn correct_notice(
        &self,
        staff: &Staff,
        id: i64,
        title: &str,
        body: &str,
        change_note: &str,
    ) -> ServiceResult<()> {
        let row = self.visible_notice(staff, id).await?;
        if row.author_id != staff.actor.user_id.0 && !is_office(staff, &row) {
            return Err(ServiceError::Forbidden);
        }
        let from = parse_row(&row)?.status;
        legal(from, NoticeAction::Correct)?;
        let mut checks = Checks::new();
        let title = checks.text("title", title, super::compose::TITLE_MAX);
        let body = checks.text("body", body, super::compose::BODY_MAX);
        let note = checks.text("change_note", change_note, super::compose::REASON_MAX);
        if title == row.title && body == row.body {
            checks.push(FieldError::new("body", Key::notice_err_nothing_changed));
        }
        checks.finish()?;
        let tenant = staff.actor.tenant_id;
        let now = self.now();
        let tx = self.db().begin().await?;
        store::notices::insert_version(
            &tx,
            tenant,
            id,
            row.edition,
            &row.title,
            &row.body,
            None,
            Some(UserId(row.author_id)),
            Timestamp(row.updated_at),
        )
        .await?;
        let changed = store::notices::update(
            &tx,
            tenant,
            id,
            row.version,
            vec![
                NoticeChange::Title(title.clone()),
                NoticeChange::Body(body),
                NoticeChange::Edition(row.edition + 1),
                NoticeChange::CorrectionCount(row.correction_count + 1),
            ],
            now,
        )
        .await?;
        if changed == 0 {
            return Err(ServiceError::Conflict);
        }
        self.replan_notice(&tx, tenant, row.id).await?;
        store::notices::insert_event(
            &tx,
            tenant,
            id,
            Some(staff.actor.user_id),
            "corrected",
            Some(&note),
            now,
        )
        .await?;
        self.audit(
            &tx,
            staff,
            "notice.correct",
            "notice",
            id,
            Some(serde_json::json!({ "title": row.title, "version": row.edition })),
            Some(serde_json::json!({ "title": title, "version": row.edition + 1, "note": note })),
        )
        .await?;
        self.tell_recipients_of_change(&tx, &row, Key::notice_msg_corrected_text, &note)
            .await?;
        tx.commit().await?;
        self.wake_worker();
        self.live().published(tenant, row.id);
        Ok(())
    }

    /// Retracts a published (or scheduled) notice, with a reason recipients are told.
    pub async fn retract_notice(&self, staff: &Staff, id: i64, reason: &str) -> ServiceResult<()> {
        let row = self.visible_notice(staff, id).await?;
        if row.author_id != staff.actor.user_id.0 && !is_office(staff, &row) {
            return Err(ServiceError::Forbidden);
        }
        let from = parse_row(&row)?.status;
        let to = legal(from, NoticeAction::Retract)?;
        let mut checks = Checks::new();
        let reason = checks.text("reason", reason, super::compose::REASON_MAX);
        checks.finish()?;
        let tenant = staff.actor.tenant_id;
        let now = self.now();
        let tx = self.db().begin().await?;
        let changed = store::notices::update(
            &tx,
            tenant,
            id,
            row.version,
            vec![
                NoticeChange::Status(to),
                NoticeChange::RetractedAt(now),
                NoticeChange::RetractReason(reason.clone()),
            ],
            now,
        )
        .await?;
        if changed == 0 {
            return Err(ServiceError::Conflict);
        }
        self.replan_notice(&tx, tenant, row.id).await?;
        store::notices::insert_event(
            &tx,
            tenant,
            id,
            Some(staff.actor.user_id),
            "retracted",
            Some(&reason),
            now,
        )
        .await?;
        self.audit(
            &tx,
            staff,
            "notice.retract",
            "notice",
            id,
            Some(serde_json::json!({ "status": from.as_str() })),
            Some(serde_json::json!({ "status": to.as_str(), "reason": reason })),
        )
        .await?;
        if from == NoticeStatus::Published {
            self.tell_recipients_of_change(&tx, &row, Key::notice_msg_retracted_text, &reason)
                .await?;
        }
        tx.commit().await?;
        self.wake_worker();
        self.live().published(tenant, row.id);
        Ok(())
    }

    /// Moves a notice from `from` to `to` if nobody moved it meanwhile, with its event and
    /// audit entry, in one transaction.
    #[allow(clippy::too_many_arguments)]
    /// What approving the last step adds to the notice: its publish time (now, if none was
    /// set), and an office director's override of a lead time that ran out, with the reason.
    async fn approval(
        &self,
        staff: &Staff,
        row: &NoticeRow,
        priority: NoticePriority,
        reason: Option<String>,
    ) -> ServiceResult<Vec<NoticeChange>> {
        let now = self.now();
        let policy = self.delivery_policy(staff.actor.tenant_id).await?;
        let publish_at = row.publish_at.map_or(now, |t| Timestamp(t).max(now));
        let path = UnitPath::from_stored(row.unit_path.clone());
        let mut changes = Vec::new();
        if !lead_ok(&policy, priority, publish_at, row) {
            match reason {
                Some(reason) if staff.actor.can(Permission::OverrideNoticeLead, &path) => {
                    changes.push(NoticeChange::LeadOverrideReason(Some(reason)));
                    changes.push(NoticeChange::LeadOverrideBy(staff.actor.user_id));
                }
                Some(_) => {
                    return Err(ServiceError::invalid(
                        "lead_override_reason",
                        Key::notice_err_override_director,
                    ));
                }
                None => return Err(lead_error(&policy)),
            }
        }
        changes.push(NoticeChange::PublishAt(Some(publish_at)));
        Ok(changes)
    }

    /// Moves the notice from `from` to `to` in `tx`, with its event and audit entry.
    #[allow(clippy::too_many_arguments)]
    async fn move_notice(
        &self,
        tx: &store::Tx,
        staff: &Staff,
        row: &NoticeRow,
        from: NoticeStatus,
        to: NoticeStatus,
        mut changes: Vec<NoticeChange>,
        event: &str,
        comment: Option<&str>,
    ) -> ServiceResult<()> {
        let tenant = staff.actor.tenant_id;
        let now = self.now();
        changes.push(NoticeChange::Status(to));
        let changed = store::notices::update(tx, tenant, row.id, row.version, changes, now).await?;
        if changed == 0 {
            return Err(ServiceError::Conflict);
        }
        self.replan_notice(tx, tenant, row.id).await?;
        store::notices::insert_event(
            tx,
            tenant,
            row.id,
            Some(staff.actor.user_id),
            event,
            comment,
            now,
        )
        .await?;
        self.audit(
            tx,
            staff,
            &format!("notice.{event}"),
            "notice",
            row.id,
            Some(serde_json::json!({ "status": from.as_str() })),
            Some(serde_json::json!({ "status": to.as_str(), "comment": comment })),
        )
        .await?;
        Ok(())
    }

    /// Tells the author the reviewer sent the notice back or rejected it, with the comment.
    async fn tell_author(
        &self,
        staff: &Staff,
        row: &NoticeRow,
        event: &str,
        comment: &str,
    ) -> ServiceResult<()> {
        let Some(author) = store::users::find(self.db(), UserId(row.author_id)).await? else {
            return Ok(());
        };
        let t = i18n::Tr::new(i18n::Lang::ZhCn);
        let decision = t.get(if event == "rejected" {
            Key::notice_status_rejected
        } else {
            Key::notice_status_changes_requested
        });
        let link = self.notice_link(row.id, None);
        let text = t.fill(
            Key::notice_msg_decision_text,
            &[
                ("title", &row.title),
                ("reviewer", &staff.actor.display_name),
                ("decision", &decision),
                ("comment", &comment),
                ("link", &link),
            ],
        );
        let subject = t.fill(
            Key::notice_msg_decision_subject,
            &[("title", &row.title), ("decision", &decision)],
        );
        let tx = self.db().begin().await?;
        self.tell_staff(&tx, staff.actor.tenant_id, &author, &subject, &text, false)
            .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(())
    }

    /// The link to a notice in the console; `via` records how the reader came.
    pub(crate) fn notice_link(&self, id: i64, via: Option<&str>) -> String {
        let base = self.settings().public_url.trim_end_matches('/');
        match via {
            Some(via) => format!("{base}/console/notices/{id}?via={via}"),
            None => format!("{base}/console/notices/{id}"),
        }
    }
}

fn legal(from: NoticeStatus, action: NoticeAction) -> ServiceResult<NoticeStatus> {
    transition(from, action).map_err(|_| ServiceError::refused(Key::notice_err_transition))
}

fn lead_ok(
    policy: &domain::notice::DeliveryPolicy,
    priority: NoticePriority,
    publish_at: Timestamp,
    row: &NoticeRow,
) -> bool {
    row.lead_override_reason.is_some()
        || policy.lead_respected(priority, publish_at, row.effective_at.map(Timestamp))
}

fn lead_error(policy: &domain::notice::DeliveryPolicy) -> ServiceError {
    ServiceError::Invalid(domain::Invalid(vec![
        FieldError::new("publish_at", Key::notice_err_lead)
            .with("days", policy.long_term_lead_days),
    ]))
}

/// The reviewer's decision as the review chain reads it.
fn chain_decision(decision: ReviewDecision, comment: Option<&str>) -> review::Decision {
    let comment = comment.unwrap_or_default().to_owned();
    match decision {
        ReviewDecision::Approve => review::Decision::Approve {
            comment: Some(comment),
        },
        ReviewDecision::RequestChanges => review::Decision::RequestChanges { comment },
        ReviewDecision::Reject => review::Decision::Reject { comment },
    }
}

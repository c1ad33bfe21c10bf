//! The delivery sweep: publishes scheduled notices at their minute, reminds unread
//! recipients on the next channel before the deadline, and when it passes tells each
//! department head who in their department has not read (or acknowledged) it.
//!
//! Each step fires once: it is recorded on the notice (`reminder_steps`, `escalated_at`) in
//! the same transaction that queues its messages, and the update is conditional on the
//! notice not having moved, so two nodes sweeping at once do it once.

use super::{is_office, parse_row};
use crate::feedback::Directory;
use crate::{ServiceError, ServiceResult, Services, Staff};
use domain::notice::{DeliveryDue, MANUAL_REMINDER_COOLDOWN_MS, NoticeStatus, ReminderChannel};
use domain::{TenantId, Timestamp};
use i18n::{Key, Lang, Tr};
use jobs::{Handler, Job, JobError};
use notify::Channel;
use std::collections::BTreeMap;
use store::notices::{NoticeChange, NoticeRow, RecipientFilter, RecipientRow};

pub const DELIVERY_SWEEP: &str = "notice.delivery_sweep";

/// Notices looked at per round of the sweep.
const SWEEP_BATCH: u64 = 50;

impl Services {
    /// Does everything that is due; gives how many notices it acted on.
    pub async fn sweep_notices(&self) -> ServiceResult<usize> {
        let mut acted = 0;
        loop {
            let now = self.now();
            let due = store::notices::due_for_check(self.db(), now, SWEEP_BATCH).await?;
            let full = due.len() as u64 == SWEEP_BATCH;
            let mut progressed = false;
            for row in due {
                if self.check_notice(&row, now).await? {
                    acted += 1;
                    progressed = true;
                }
            }
            if !full || !progressed {
                return Ok(acted);
            }
        }
    }

    /// One notice: publish it, remind, or escalate. Gives true when it moved on.
    async fn check_notice(&self, row: &NoticeRow, now: Timestamp) -> ServiceResult<bool> {
        if super::publish::is_due_to_publish(row, now) {
            return self.publish_notice(row).await;
        }
        let tenant = TenantId(row.tenant_id);
        let parsed = parse_row(row)?;
        let (Some(published), Some(due_at), NoticeStatus::Published) =
            (row.published_at, row.due_at, parsed.status)
        else {
            // Nothing can be due for it: stop looking.
            return self.set_next_check(row, None, now).await;
        };
        let (what, next) = domain::notice::delivery_due(
            parsed.priority,
            Timestamp(published),
            Timestamp(due_at),
            row.reminder_steps as u8,
            row.escalated_at.is_some(),
            now,
        );
        match what {
            None => self.set_next_check(row, next, now).await,
            Some(DeliveryDue::Remind(step)) => {
                let unreached = self.unreached(tenant, row).await?;
                let tx = self.db().begin().await?;
                let changed = store::notices::update_if(
                    &tx,
                    tenant,
                    row.id,
                    parsed.status.as_str(),
                    row.updated_at,
                    vec![
                        NoticeChange::ReminderSteps(i64::from(step.step)),
                        // Look again at once: the next step may be due too.
                        NoticeChange::NextCheckAt(Some(now)),
                    ],
                    now,
                )
                .await?;
                if changed == 0 {
                    return Ok(false);
                }
                self.remind(&tx, row, &unreached, step.channel, i64::from(step.step))
                    .await?;
                tx.commit().await?;
                self.wake_worker();
                Ok(true)
            }
            Some(DeliveryDue::Escalate) => {
                let unreached = self.unreached(tenant, row).await?;
                let tx = self.db().begin().await?;
                let changed = store::notices::update_if(
                    &tx,
                    tenant,
                    row.id,
                    parsed.status.as_str(),
                    row.updated_at,
                    vec![
                        NoticeChange::EscalatedAt(now),
                        NoticeChange::NextCheckAt(None),
                    ],
                    now,
                )
                .await?;
                if changed == 0 {
                    return Ok(false);
                }
                self.escalate(&tx, row, &unreached).await?;
                tx.commit().await?;
                self.wake_worker();
                Ok(true)
            }
        }
    }

    async fn set_next_check(
        &self,
        row: &NoticeRow,
        next: Option<Timestamp>,
        now: Timestamp,
    ) -> ServiceResult<bool> {
        if row.next_check_at == next.map(|t| t.0) {
            return Ok(false);
        }
        store::notices::update_if(
            self.db(),
            TenantId(row.tenant_id),
            row.id,
            &row.status,
            row.updated_at,
            vec![NoticeChange::NextCheckAt(next)],
            now,
        )
        .await?;
        Ok(false)
    }

    /// Recipients the notice has not reached yet: unread, or not acknowledged where asked.
    async fn unreached(
        &self,
        tenant: TenantId,
        row: &NoticeRow,
    ) -> ServiceResult<Vec<RecipientRow>> {
        let filter = if row.requires_ack {
            RecipientFilter::Unacknowledged
        } else {
            RecipientFilter::Unread
        };
        Ok(store::notices::recipients(self.db(), tenant, row.id, None, filter).await?)
    }

    /// Queues a reminder on `channel` to each recipient who has an address for it.
    async fn remind(
        &self,
        c: &impl store::Conn,
        row: &NoticeRow,
        unreached: &[RecipientRow],
        channel: ReminderChannel,
        step: i64,
    ) -> ServiceResult<()> {
        let tenant = TenantId(row.tenant_id);
        let institution = self.institution(tenant).await?;
        let t = Tr::new(Lang::ZhCn);
        let parsed = parse_row(row)?;
        let (channel, via) = match channel {
            ReminderChannel::Email => (Channel::Email, "email"),
            ReminderChannel::Sms => (Channel::Sms, "sms"),
        };
        let text = t.fill(
            Key::notice_msg_reminder_text,
            &[
                ("institution", &institution.name),
                ("priority", &t.get(parsed.priority.label())),
                ("title", &row.title),
                ("link", &self.notice_link(row.id, Some(via))),
            ],
        );
        let subject = t.fill(Key::notice_msg_reminder_subject, &[("title", &row.title)]);
        let mut reminded = Vec::new();
        for r in unreached {
            let address = match channel {
                Channel::Email => r.email.as_deref(),
                Channel::Sms => r.mobile.as_deref(),
            };
            let Some(address) = address else { continue };
            let subject = (channel == Channel::Email).then_some(subject.as_str());
            let m = self
                .queue_message(c, Some(tenant), channel, address, subject, &text)
                .await?;
            store::notices::set_message(c, tenant, row.id, r.user_id, channel == Channel::Sms, m)
                .await?;
            reminded.push(r.user_id);
        }
        store::notices::mark_reminded(c, tenant, row.id, &reminded, step, self.now()).await?;
        store::notices::insert_event(
            c,
            tenant,
            row.id,
            None,
            &format!("reminded_{}", channel.as_str()),
            Some(&reminded.len().to_string()),
            self.now(),
        )
        .await?;
        Ok(())
    }

    /// Tells each department head (or, without one, the office director over the notice)
    /// who has not been reached, by name.
    async fn escalate(
        &self,
        c: &impl store::Conn,
        row: &NoticeRow,
        unreached: &[RecipientRow],
    ) -> ServiceResult<()> {
        let tenant = TenantId(row.tenant_id);
        let directory = Directory::load(c, tenant).await?;
        let mut by_boss: BTreeMap<i64, Vec<&str>> = BTreeMap::new();
        for r in unreached {
            let bosses = directory.head_of(r.department_id, &row.unit_path);
            for boss in bosses.into_iter().filter(|b| b.id != r.user_id) {
                by_boss.entry(boss.id).or_default().push(&r.display_name);
            }
        }
        let t = Tr::new(Lang::ZhCn);
        let state = t.get(if row.requires_ack {
            Key::notice_msg_not_acknowledged
        } else {
            Key::notice_msg_not_read
        });
        for (boss, names) in &by_boss {
            let Some(user) = directory.user(*boss) else {
                continue;
            };
            let text = t.fill(
                Key::notice_msg_escalation_text,
                &[
                    ("title", &row.title),
                    ("state", &state),
                    ("count", &names.len()),
                    ("names", &names.join("、")),
                    ("link", &self.notice_link(row.id, None)),
                ],
            );
            let subject = t.fill(
                Key::notice_msg_escalation_subject,
                &[("title", &row.title), ("state", &state)],
            );
            let urgent = row.priority == "urgent";
            self.tell_staff(c, tenant, user, &subject, &text, urgent)
                .await?;
        }
        let comment = format!("{} / {}", unreached.len(), by_boss.len());
        store::notices::insert_event(
            c,
            tenant,
            row.id,
            None,
            "escalated",
            Some(&comment),
            self.now(),
        )
        .await?;
        Ok(())
    }

    /// "Remind the unread" by hand: the author or the office, at most once every five
    /// minutes per notice, on the next channel each recipient has not been reminded on yet.
    /// Gives how many people were reminded.
    pub async fn remind_unread(&self, staff: &Staff, id: i64) -> ServiceResult<usize> {
        let row = self.visible_notice(staff, id).await?;
        if row.author_id != staff.actor.user_id.0 && !is_office(staff, &row) {
            return Err(ServiceError::Forbidden);
        }
        let parsed = parse_row(&row)?;
        if parsed.status != NoticeStatus::Published {
            return Err(ServiceError::refused(Key::notice_err_transition));
        }
        let now = self.now();
        if let Some(last) = row.manual_reminder_at
            && now.0 - last < MANUAL_REMINDER_COOLDOWN_MS
        {
            return Err(ServiceError::RateLimited {
                retry_after_seconds: (MANUAL_REMINDER_COOLDOWN_MS - (now.0 - last) + 999) / 1000,
            });
        }
        let tenant = staff.actor.tenant_id;
        let unreached = self.unreached(tenant, &row).await?;
        let tx = self.db().begin().await?;
        let changed = store::notices::update_if(
            &tx,
            tenant,
            id,
            parsed.status.as_str(),
            row.updated_at,
            vec![NoticeChange::ManualReminderAt(now)],
            now,
        )
        .await?;
        if changed == 0 {
            return Err(ServiceError::Conflict);
        }
        // E-mail first; those already reminded by e-mail get SMS if urgent or important.
        let sms_allowed = domain::notice::reminder_ladder(parsed.priority, now, now)
            .iter()
            .any(|s| s.channel == ReminderChannel::Sms);
        let (first, second): (Vec<RecipientRow>, Vec<RecipientRow>) =
            unreached.into_iter().partition(|r| r.reminded_steps == 0);
        self.remind(&tx, &row, &first, ReminderChannel::Email, 1)
            .await?;
        let mut count = first.len();
        if sms_allowed {
            self.remind(&tx, &row, &second, ReminderChannel::Sms, 2)
                .await?;
            count += second.len();
        } else {
            self.remind(&tx, &row, &second, ReminderChannel::Email, 1)
                .await?;
            count += second.len();
        }
        self.audit(
            &tx,
            staff,
            "notice.remind",
            "notice",
            id,
            None,
            Some(serde_json::json!({ "reminded": count })),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        Ok(count)
    }
}

/// The scheduled sweep.
pub(crate) struct DeliverySweep(pub Services);

#[async_trait::async_trait]
impl Handler for DeliverySweep {
    fn kind(&self) -> &'static str {
        DELIVERY_SWEEP
    }

    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        self.0
            .sweep_notices()
            .await
            .map_err(|e| JobError::Retry(e.to_string()))?;
        Ok(())
    }
}

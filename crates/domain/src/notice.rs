//! Internal notices: priorities and their delivery deadlines, the review state machine, the
//! audience, the reminder ladder and the rules the communication plan sets (urgent within
//! 30 minutes, routine within 24 hours, long-term notices published 3 days ahead).

use crate::time::{DAY_MS, MINUTE_MS, Timestamp};
use crate::{DepartmentId, Role, UnitId, UserId};
use i18n::Key;
use serde::{Deserialize, Serialize};

codes! {
    /// 紧急 / 重要 / 一般 / 长期: sets the delivery deadline and the channels used.
    NoticePriority {
        Urgent = "urgent" => notice_priority_urgent,
        Important = "important" => notice_priority_important,
        Routine = "routine" => notice_priority_routine,
        LongTerm = "long_term" => notice_priority_long_term,
    }
}

codes! {
    /// 通知, 公告, 会议通知, 制度, 周报.
    NoticeCategory {
        Notice = "notice" => notice_category_notice,
        Announcement = "announcement" => notice_category_announcement,
        Meeting = "meeting" => notice_category_meeting,
        Policy = "policy" => notice_category_policy,
        WeeklyReport = "weekly_report" => notice_category_weekly_report,
    }
}

codes! {
    /// Where a notice stands.
    NoticeStatus {
        Draft = "draft" => notice_status_draft,
        /// Waiting for the reviewer.
        InReview = "in_review" => notice_status_in_review,
        /// The reviewer asked for changes; back with the author.
        ChangesRequested = "changes_requested" => notice_status_changes_requested,
        Rejected = "rejected" => notice_status_rejected,
        /// Approved, waiting for its publish time.
        Scheduled = "scheduled" => notice_status_scheduled,
        Published = "published" => notice_status_published,
        Retracted = "retracted" => notice_status_retracted,
    }
}

impl NoticeStatus {
    /// The author may still change the text and audience.
    pub fn is_editable(self) -> bool {
        matches!(self, NoticeStatus::Draft | NoticeStatus::ChangesRequested)
    }
}

/// Something that happens to a notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeAction {
    /// The author sends the draft to the reviewer.
    Submit,
    /// The author takes it back from review.
    Withdraw,
    Approve,
    RequestChanges,
    Reject,
    /// The worker publishes it at its minute.
    Publish,
    /// A published notice is corrected: recipients are told what changed.
    Correct,
    Retract,
}

impl NoticeAction {
    pub const ALL: [NoticeAction; 8] = [
        NoticeAction::Submit,
        NoticeAction::Withdraw,
        NoticeAction::Approve,
        NoticeAction::RequestChanges,
        NoticeAction::Reject,
        NoticeAction::Publish,
        NoticeAction::Correct,
        NoticeAction::Retract,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeAction::Submit => "submit",
            NoticeAction::Withdraw => "withdraw",
            NoticeAction::Approve => "approve",
            NoticeAction::RequestChanges => "request_changes",
            NoticeAction::Reject => "reject",
            NoticeAction::Publish => "publish",
            NoticeAction::Correct => "correct",
            NoticeAction::Retract => "retract",
        }
    }

    pub fn parse(s: &str) -> Option<NoticeAction> {
        NoticeAction::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// An action the notice's status does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action:?} a notice that is {from:?}")]
pub struct IllegalNoticeTransition {
    pub from: NoticeStatus,
    pub action: NoticeAction,
}

/// The notice state machine, in one place.
pub fn transition(
    from: NoticeStatus,
    action: NoticeAction,
) -> Result<NoticeStatus, IllegalNoticeTransition> {
    use NoticeAction as A;
    use NoticeStatus as S;
    let to = match (from, action) {
        (S::Draft | S::ChangesRequested, A::Submit) => S::InReview,
        (S::InReview, A::Withdraw) => S::Draft,
        (S::InReview, A::Approve) => S::Scheduled,
        (S::InReview, A::RequestChanges) => S::ChangesRequested,
        (S::InReview, A::Reject) => S::Rejected,
        (S::Scheduled, A::Publish) => S::Published,
        (S::Published, A::Correct) => S::Published,
        // A scheduled notice nobody has received yet can be called back too.
        (S::Published | S::Scheduled, A::Retract) => S::Retracted,
        _ => return Err(IllegalNoticeTransition { from, action }),
    };
    Ok(to)
}

/// How long each priority has to reach its recipients, and how far ahead long-term notices
/// are published. An institution setting; the defaults are the communication plan's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeliveryPolicy {
    pub urgent_minutes: i64,
    pub important_minutes: i64,
    pub routine_minutes: i64,
    pub long_term_minutes: i64,
    /// Long-term notices are published at least this many days before they take effect.
    pub long_term_lead_days: i64,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        DeliveryPolicy {
            urgent_minutes: 30,
            // The plan names only urgent and routine; important sits between them.
            important_minutes: 4 * 60,
            routine_minutes: 24 * 60,
            long_term_minutes: 24 * 60,
            long_term_lead_days: 3,
        }
    }
}

impl DeliveryPolicy {
    /// How long after publishing every recipient must have read (or acknowledged) it.
    pub fn deadline_ms(&self, priority: NoticePriority) -> i64 {
        let minutes = match priority {
            NoticePriority::Urgent => self.urgent_minutes,
            NoticePriority::Important => self.important_minutes,
            NoticePriority::Routine => self.routine_minutes,
            NoticePriority::LongTerm => self.long_term_minutes,
        };
        minutes.max(1) * MINUTE_MS
    }

    /// The latest publish time a long-term notice taking effect at `effective_at` may have.
    pub fn latest_long_term_publish(&self, effective_at: Timestamp) -> Timestamp {
        effective_at.minus_ms(self.long_term_lead_days.max(0) * DAY_MS)
    }

    /// Whether publishing at `publish_at` respects the lead time (true for every priority
    /// but long-term, and for long-term notices without an effective date).
    pub fn lead_respected(
        &self,
        priority: NoticePriority,
        publish_at: Timestamp,
        effective_at: Option<Timestamp>,
    ) -> bool {
        match (priority, effective_at) {
            (NoticePriority::LongTerm, Some(effective)) => {
                publish_at <= self.latest_long_term_publish(effective)
            }
            _ => true,
        }
    }
}

/// The channel a reminder to an unread recipient goes out on, in the order they are tried:
/// the in-app notice itself came first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderChannel {
    Email,
    Sms,
}

impl ReminderChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderChannel::Email => "email",
            ReminderChannel::Sms => "sms",
        }
    }
}

/// One step of the reminder ladder: at `at`, unread recipients get a reminder on `channel`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReminderStep {
    pub step: u8,
    pub channel: ReminderChannel,
    pub at: Timestamp,
}

/// The reminders before the delivery deadline: e-mail at half the time, then SMS at three
/// quarters — SMS only for urgent and important notices, since it costs money and wakes
/// people. The deadline itself is the escalation to department heads, not a reminder.
pub fn reminder_ladder(
    priority: NoticePriority,
    published_at: Timestamp,
    due_at: Timestamp,
) -> Vec<ReminderStep> {
    let span = (due_at.0 - published_at.0).max(0);
    let mut steps = vec![ReminderStep {
        step: 1,
        channel: ReminderChannel::Email,
        at: published_at.plus_ms(span / 2),
    }];
    if matches!(priority, NoticePriority::Urgent | NoticePriority::Important) {
        steps.push(ReminderStep {
            step: 2,
            channel: ReminderChannel::Sms,
            at: published_at.plus_ms(span * 3 / 4),
        });
    }
    steps
}

/// One step of a published notice's delivery: a reminder of the ladder, or the escalation
/// to the department heads at the deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryStep {
    Remind(ReminderStep),
    Escalate,
}

impl DeliveryStep {
    /// The step's name on the reminder ledger.
    pub fn code(self) -> &'static str {
        match self {
            DeliveryStep::Remind(ReminderStep { step: 1, .. }) => "remind_1",
            DeliveryStep::Remind(_) => "remind_2",
            DeliveryStep::Escalate => "escalate",
        }
    }

    /// Whether doing it at `now` still makes sense. Reminders are for before the deadline:
    /// past it (the server was down), a reminder not yet sent is stale, and the escalation
    /// says what matters.
    pub fn is_stale(self, due_at: Timestamp, now: Timestamp) -> bool {
        matches!(self, DeliveryStep::Remind(_)) && now >= due_at
    }
}

/// Every delivery step of a notice published at `published_at` and due at `due_at`, each
/// with its time: the reminder ladder, then the escalation at the deadline.
pub fn delivery_plan(
    priority: NoticePriority,
    published_at: Timestamp,
    due_at: Timestamp,
) -> Vec<(DeliveryStep, Timestamp)> {
    let mut plan: Vec<(DeliveryStep, Timestamp)> = reminder_ladder(priority, published_at, due_at)
        .into_iter()
        .map(|step| (DeliveryStep::Remind(step), step.at))
        .collect();
    plan.push((DeliveryStep::Escalate, due_at));
    plan
}

/// "Remind the unread" by hand: at most once per this many milliseconds per notice.
pub const MANUAL_REMINDER_COOLDOWN_MS: i64 = 5 * MINUTE_MS;

/// Who a notice is for, as the author chose it. Resolved to named people when the notice is
/// published, and frozen then: someone joining a department later does not receive it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AudienceRule {
    /// One staff member.
    Person { user: UserId },
    /// Everyone with a grant in the department.
    Department { department: DepartmentId },
    /// Everyone holding the role anywhere in the notice's unit subtree.
    Role { role: Role },
    /// Everyone with a grant at this unit (a station, a service point) or below it.
    Unit { unit: UnitId },
}

/// Whether a notice to `audience` may go on the public hall screen: only a notice to whole
/// units, which is meant for everyone there. A notice to a department, a role or named
/// people is internal, and the hall screen needs no sign-in.
pub fn may_show_on_hall_screen(audience: &[AudienceRule]) -> bool {
    !audience.is_empty()
        && audience
            .iter()
            .all(|r| matches!(r, AudienceRule::Unit { .. }))
}

/// Where one recipient stands with a notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptState {
    Unread,
    Read,
    Acknowledged,
}

impl ReceiptState {
    pub fn of(read_at: Option<Timestamp>, acknowledged_at: Option<Timestamp>) -> ReceiptState {
        match (read_at, acknowledged_at) {
            (_, Some(_)) => ReceiptState::Acknowledged,
            (Some(_), None) => ReceiptState::Read,
            (None, None) => ReceiptState::Unread,
        }
    }

    /// Whether the notice has done its job for this recipient: read, or acknowledged where an
    /// acknowledgement is required.
    pub fn reached(self, requires_ack: bool) -> bool {
        match self {
            ReceiptState::Acknowledged => true,
            ReceiptState::Read => !requires_ack,
            ReceiptState::Unread => false,
        }
    }

    pub fn label(self) -> Key {
        match self {
            ReceiptState::Unread => Key::notice_receipt_unread,
            ReceiptState::Read => Key::notice_receipt_read,
            ReceiptState::Acknowledged => Key::notice_receipt_acknowledged,
        }
    }
}

/// The `p`-th percentile (0–100) of `sorted` values, nearest-rank: a value that occurred.
pub fn percentile(sorted: &[i64], p: u8) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (usize::from(p.min(100)) * sorted.len())
        .div_ceil(100)
        .max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::HOUR_MS;
    use proptest::prelude::*;

    const T0: Timestamp = Timestamp(1_800_000_000_000);

    #[test]
    fn a_notice_goes_through_review_before_anyone_sees_it() {
        use NoticeAction as A;
        use NoticeStatus as S;
        assert_eq!(transition(S::Draft, A::Submit), Ok(S::InReview));
        assert_eq!(
            transition(S::InReview, A::RequestChanges),
            Ok(S::ChangesRequested)
        );
        assert_eq!(transition(S::ChangesRequested, A::Submit), Ok(S::InReview));
        assert_eq!(transition(S::InReview, A::Approve), Ok(S::Scheduled));
        assert_eq!(transition(S::Scheduled, A::Publish), Ok(S::Published));
        assert_eq!(transition(S::Published, A::Correct), Ok(S::Published));
        assert_eq!(transition(S::Published, A::Retract), Ok(S::Retracted));
        // No way round the reviewer.
        assert!(transition(S::Draft, A::Publish).is_err());
        assert!(transition(S::Draft, A::Approve).is_err());
        assert!(transition(S::ChangesRequested, A::Approve).is_err());
        assert!(transition(S::Rejected, A::Submit).is_err());
        assert!(transition(S::Retracted, A::Publish).is_err());
    }

    proptest! {
        #[test]
        fn only_the_reviewers_approval_leads_to_publishing(
            from in proptest::sample::select(NoticeStatus::ALL.to_vec()),
            action in proptest::sample::select(NoticeAction::ALL.to_vec()),
        ) {
            if let Ok(to) = transition(from, action) {
                if to == NoticeStatus::Scheduled {
                    prop_assert_eq!(action, NoticeAction::Approve);
                }
                if to == NoticeStatus::Published && from != NoticeStatus::Published {
                    prop_assert_eq!(from, NoticeStatus::Scheduled);
                }
            }
        }
    }

    #[test]
    fn codes_round_trip() {
        for p in NoticePriority::ALL {
            assert_eq!(NoticePriority::parse(p.as_str()), Some(*p));
        }
        for c in NoticeCategory::ALL {
            assert_eq!(NoticeCategory::parse(c.as_str()), Some(*c));
        }
        for s in NoticeStatus::ALL {
            assert_eq!(NoticeStatus::parse(s.as_str()), Some(*s));
        }
        for a in NoticeAction::ALL {
            assert_eq!(NoticeAction::parse(a.as_str()), Some(a));
        }
    }

    #[test]
    fn deadlines_follow_the_communication_plan() {
        let p = DeliveryPolicy::default();
        assert_eq!(p.deadline_ms(NoticePriority::Urgent), 30 * MINUTE_MS);
        assert_eq!(p.deadline_ms(NoticePriority::Routine), 24 * HOUR_MS);
    }

    #[test]
    fn long_term_notices_go_out_three_days_ahead() {
        let p = DeliveryPolicy::default();
        let effective = T0.plus_ms(10 * DAY_MS);
        let lt = NoticePriority::LongTerm;
        assert!(p.lead_respected(lt, T0.plus_ms(7 * DAY_MS), Some(effective)));
        assert!(!p.lead_respected(lt, T0.plus_ms(7 * DAY_MS + 1), Some(effective)));
        assert!(p.lead_respected(lt, T0, None));
        // Other priorities have no lead time.
        assert!(p.lead_respected(NoticePriority::Routine, effective, Some(effective)));
    }

    #[test]
    fn urgent_notices_are_reminded_by_email_then_sms_then_escalated() {
        let due = T0.plus_ms(30 * MINUTE_MS);
        let plan = delivery_plan(NoticePriority::Urgent, T0, due);
        let steps: Vec<(&str, Timestamp)> = plan.iter().map(|(s, at)| (s.code(), *at)).collect();
        assert_eq!(
            steps,
            vec![
                ("remind_1", T0.plus_ms(15 * MINUTE_MS)),
                ("remind_2", T0.plus_ms(22 * MINUTE_MS + 30_000)),
                ("escalate", due),
            ]
        );
        assert!(matches!(
            plan[0].0,
            DeliveryStep::Remind(ReminderStep {
                channel: ReminderChannel::Email,
                ..
            })
        ));
        assert!(matches!(
            plan[1].0,
            DeliveryStep::Remind(ReminderStep {
                channel: ReminderChannel::Sms,
                ..
            })
        ));
    }

    #[test]
    fn past_the_deadline_only_the_escalation_is_worth_doing() {
        let due = T0.plus_ms(24 * HOUR_MS);
        let later = due.plus_ms(3 * 24 * HOUR_MS);
        for (step, _) in delivery_plan(NoticePriority::Urgent, T0, due) {
            let stale = step.is_stale(due, later);
            assert_eq!(stale, step != DeliveryStep::Escalate, "{}", step.code());
            assert!(!step.is_stale(due, T0.plus_ms(HOUR_MS)));
        }
    }

    #[test]
    fn routine_notices_get_no_sms() {
        let due = T0.plus_ms(24 * HOUR_MS);
        let ladder = reminder_ladder(NoticePriority::Routine, T0, due);
        assert_eq!(ladder.len(), 1);
        assert_eq!(ladder[0].channel, ReminderChannel::Email);
        let codes: Vec<&str> = delivery_plan(NoticePriority::Routine, T0, due)
            .iter()
            .map(|(s, _)| s.code())
            .collect();
        assert_eq!(codes, vec!["remind_1", "escalate"]);
    }

    #[test]
    fn an_acknowledgement_is_needed_where_asked_for() {
        let read = ReceiptState::of(Some(T0), None);
        assert!(read.reached(false));
        assert!(!read.reached(true));
        assert!(ReceiptState::of(Some(T0), Some(T0)).reached(true));
        assert!(!ReceiptState::of(None, None).reached(false));
    }

    #[test]
    fn percentiles_are_values_that_occurred() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[7], 95), Some(7));
        let v: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50), Some(50));
        assert_eq!(percentile(&v, 95), Some(95));
        assert_eq!(percentile(&[1, 2, 3], 50), Some(2));
    }

    #[test]
    fn only_notices_to_whole_units_may_go_on_the_hall_screen() {
        let unit = AudienceRule::Unit { unit: UnitId(1) };
        let department = AudienceRule::Department {
            department: DepartmentId(2),
        };
        assert!(may_show_on_hall_screen(std::slice::from_ref(&unit)));
        assert!(!may_show_on_hall_screen(&[]));
        assert!(!may_show_on_hall_screen(std::slice::from_ref(&department)));
        assert!(!may_show_on_hall_screen(&[unit, department]));
        assert!(!may_show_on_hall_screen(&[AudienceRule::Role {
            role: Role::DepartmentHead
        }]));
        assert!(!may_show_on_hall_screen(&[AudienceRule::Person {
            user: UserId(3)
        }]));
    }
}

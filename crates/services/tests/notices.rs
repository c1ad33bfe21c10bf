//! Internal notices, told as stories and run on both engines: review before publishing,
//! delivery to named recipients, reading and acknowledging, reminders and escalation on a
//! clock the test controls, corrections and retraction.

use domain::notice::{AudienceRule, ReceiptState};
use domain::time::{DAY_MS, MINUTE_MS};
use domain::{Clock, DepartmentId, UnitId};
use services::notices::{AudienceGroup, NoticeDraft, NoticeListFilter, ReviewDecision};
use services::{ServiceError, Services, Staff};
use testkit::scenario::{App, PersonExt, fields, publish};

/// The centre with 活动部 (a head and two staff), the office (a director and a clerk), and a
/// clerk of 城关镇文化站, who is outside 活动部.
struct Staffroom {
    app: App,
    activity: i64,
    station: UnitId,
    director: Staff,
    clerk: Staff,
    head: Staff,
    wang: Staff,
    zhao: Staff,
    station_clerk: Staff,
}

impl testkit::Fixture for Staffroom {
    async fn setup(db: &testkit::TestDb) -> Staffroom {
        let app = App::setup(db).await;
        let centre = app.centre().await;
        let people = [
            centre.director(),
            centre.clerk(),
            centre.head(),
            centre.member("wang", "王芳"),
            centre.member("zhao", "赵丽"),
            centre.station_clerk(),
        ];
        let mut i = 0;
        let [director, clerk, head, wang, zhao, station_clerk] = app
            .hire_all(people.map(|p| {
                // Each has a mobile number of their own.
                i += 1;
                p.with_mobile(i - 1).with_email()
            }))
            .await;
        Staffroom {
            app,
            activity: centre.activity.0,
            station: centre.station,
            director,
            clerk,
            head,
            wang,
            zhao,
            station_clerk,
        }
    }
}

impl Staffroom {
    fn s(&self) -> &Services {
        &self.app.services
    }

    fn draft(&self, title: &str, priority: &str) -> NoticeDraft {
        NoticeDraft {
            title: title.into(),
            body: "请各位同事周五前把本月活动台账交到办公室。".into(),
            category: "notice".into(),
            priority: priority.into(),
            requires_ack: true,
            audience: vec![AudienceRule::Department {
                department: DepartmentId(self.activity),
            }],
            ..Default::default()
        }
    }

    /// Wang writes a notice to 活动部, their head approves it, and it goes out now.
    async fn publish(&self, title: &str, priority: &str) -> i64 {
        self.publish_draft(&self.draft(title, priority)).await
    }

    /// Wang writes `draft`, their head approves it, and it goes out now.
    async fn publish_draft(&self, draft: &NoticeDraft) -> i64 {
        publish(self.s(), &self.wang, &self.head, draft).await
    }

    async fn messages_to(&self, who: &str) -> Vec<store::outbox::MessageRow> {
        store::outbox::recent(self.s().db(), None, Some(who), 100)
            .await
            .unwrap()
    }

    async fn sweep(&self) -> usize {
        self.s().notices().sweep_notices().await.unwrap()
    }
}

testkit::on_both_engines! {
    a_notice_is_reviewed_then_reaches_named_people_who_read_and_acknowledge(Staffroom),
    the_reviewer_sends_back_or_rejects_with_a_comment(Staffroom),
    bad_drafts_name_their_fields_and_save_nothing(Staffroom),
    long_term_notices_go_out_three_days_ahead_unless_the_director_overrides(Staffroom),
    a_scheduled_notice_waits_for_its_minute(Staffroom),
    unread_recipients_are_reminded_then_their_head_is_told_once(Staffroom),
    a_server_down_over_a_notice_deadline_sends_only_the_escalation(Staffroom),
    remind_the_unread_by_hand_at_most_every_five_minutes(Staffroom),
    corrections_keep_the_old_version_and_retraction_tells_everyone(Staffroom),
    a_two_step_chain_returns_a_resubmitted_notice_to_the_step_that_asked(Staffroom),
}

async fn a_notice_is_reviewed_then_reaches_named_people_who_read_and_acknowledge(r: Staffroom) {
    let s = r.s();
    let id = s
        .notices()
        .create_notice(
            &r.wang,
            &r.draft("十一月活动台账", "routine"),
            Some("key-1"),
        )
        .await
        .unwrap();
    // A double click on "save" makes one draft.
    let again = s
        .notices()
        .create_notice(
            &r.wang,
            &r.draft("十一月活动台账", "routine"),
            Some("key-1"),
        )
        .await
        .unwrap();
    assert_eq!(id, again);
    assert_eq!(
        s.notices()
            .list(&r.wang, NoticeListFilter::Mine, 50)
            .await
            .unwrap()
            .len(),
        1
    );
    // Nobody outside sees a draft; recipients see nothing before publishing.
    assert!(matches!(
        s.notices().notice(&r.station_clerk, id).await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        s.notices().notice(&r.zhao, id).await,
        Err(ServiceError::NotFound)
    ));

    s.notices().submit_notice(&r.wang, id).await.unwrap();
    let view = s.notices().notice(&r.head, id).await.unwrap();
    assert_eq!(
        view.reviewer_name.as_deref(),
        Some("陈部长"),
        "the author's head reviews by default"
    );
    assert!(view.can.review);
    // The author cannot approve their own notice.
    assert!(matches!(
        s.notices()
            .review_notice(&r.wang, id, ReviewDecision::Approve, None, None)
            .await,
        Err(ServiceError::Forbidden)
    ));
    // The reviewer was told.
    assert!(
        r.messages_to("head@example.org")
            .await
            .iter()
            .any(|m| m.body.contains("十一月活动台账"))
    );

    s.notices()
        .review_notice(&r.head, id, ReviewDecision::Approve, None, None)
        .await
        .unwrap();
    let view = s.notices().notice(&r.wang, id).await.unwrap();
    assert_eq!(view.status.as_str(), "published");
    // 活动部 is the head, Wang and Zhao; the author does not receive their own notice.
    assert_eq!(view.recipient_count, 2);
    assert!(view.due_at.is_some());

    // Zhao has it in the list and on the badge, until acknowledged.
    assert_eq!(s.notices().pending_notice_count(&r.zhao).await.unwrap(), 1);
    let mine = s.notices().my_notices(&r.zhao, true, 0).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].title, "十一月活动台账");
    s.notices().read_notice(&r.zhao, id, "email").await.unwrap();
    assert_eq!(
        s.notices().pending_notice_count(&r.zhao).await.unwrap(),
        1,
        "read, but not yet acknowledged"
    );
    s.notices().acknowledge_notice(&r.zhao, id).await.unwrap();
    s.notices().acknowledge_notice(&r.zhao, id).await.unwrap();
    assert_eq!(s.notices().pending_notice_count(&r.zhao).await.unwrap(), 0);
    assert_eq!(
        s.notices()
            .notice(&r.zhao, id)
            .await
            .unwrap()
            .own
            .unwrap()
            .state,
        ReceiptState::Acknowledged
    );

    // The author sees who read what; a recipient does not see the others.
    let receipts = s
        .notices()
        .notice_receipts(&r.wang, id, None, None)
        .await
        .unwrap();
    assert_eq!(
        (receipts.total, receipts.read, receipts.acknowledged),
        (2, 1, 1)
    );
    let zhao = receipts.lines.iter().find(|l| l.name == "赵丽").unwrap();
    assert_eq!(zhao.read_via.as_deref(), Some("email"));
    let head = receipts.lines.iter().find(|l| l.name == "陈部长").unwrap();
    assert_eq!(head.state, ReceiptState::Unread);
    assert!(matches!(
        s.notices().notice_receipts(&r.zhao, id, None, None).await,
        Err(ServiceError::Forbidden)
    ));
    let unread = s
        .notices()
        .notice_receipts(&r.clerk, id, None, Some(ReceiptState::Unread))
        .await
        .unwrap();
    assert_eq!(
        unread.lines.len(),
        1,
        "the office sees the receipts too, filtered"
    );

    // E-mail went to each recipient once the fan-out job ran.
    s.worker().run_due().await.unwrap();
    assert_eq!(r.messages_to("zhao@example.org").await.len(), 1);
    assert!(
        r.messages_to("wang@example.org")
            .await
            .iter()
            .all(|m| !m.body.contains("请各位同事"))
    );
    // No SMS for a routine notice.
    assert!(r.messages_to("13907310004").await.is_empty());
}

async fn the_reviewer_sends_back_or_rejects_with_a_comment(r: Staffroom) {
    let s = r.s();
    let id = s
        .notices()
        .create_notice(&r.wang, &r.draft("周末加班安排", "important"), None)
        .await
        .unwrap();
    s.notices().submit_notice(&r.wang, id).await.unwrap();
    // Editing is closed while in review.
    let e = s
        .notices()
        .update_notice(&r.wang, id, &r.draft("改", "important"), 0)
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ServiceError::Refused {
                key: i18n::Key::notice_err_not_editable,
                ..
            }
        ),
        "{e:?}"
    );
    let no_comment = s
        .notices()
        .review_notice(
            &r.head,
            id,
            ReviewDecision::RequestChanges,
            Some("  "),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(fields(no_comment), ["comment"]);
    s.notices()
        .review_notice(
            &r.head,
            id,
            ReviewDecision::RequestChanges,
            Some("请写明加班补休办法"),
            None,
        )
        .await
        .unwrap();
    let view = s.notices().notice(&r.wang, id).await.unwrap();
    assert_eq!(view.status.as_str(), "changes_requested");
    assert!(view.can.edit);
    assert!(
        r.messages_to("wang@example.org")
            .await
            .iter()
            .any(|m| m.body.contains("请写明加班补休办法"))
    );
    let events = s.notices().notice_events(&r.wang, id).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.comment.as_deref() == Some("请写明加班补休办法"))
    );

    let mut fixed = r.draft("周末加班安排（含补休）", "important");
    fixed.body = "本周六加班，下周一补休。".into();
    s.notices()
        .update_notice(&r.wang, id, &fixed, view.version)
        .await
        .unwrap();
    // A stale form (someone else saved meanwhile) saves nothing.
    assert!(matches!(
        s.notices()
            .update_notice(&r.wang, id, &fixed, view.version)
            .await,
        Err(ServiceError::Conflict)
    ));
    s.notices().submit_notice(&r.wang, id).await.unwrap();
    s.notices()
        .review_notice(
            &r.head,
            id,
            ReviewDecision::Reject,
            Some("不需要加班"),
            None,
        )
        .await
        .unwrap();
    let view = s.notices().notice(&r.wang, id).await.unwrap();
    assert_eq!(view.status.as_str(), "rejected");
    assert_eq!(view.recipient_count, 0);
    let e = s.notices().submit_notice(&r.wang, id).await.unwrap_err();
    assert!(
        matches!(
            e,
            ServiceError::Refused {
                key: i18n::Key::notice_err_transition,
                ..
            }
        ),
        "{e:?}"
    );
}

async fn bad_drafts_name_their_fields_and_save_nothing(r: Staffroom) {
    let s = r.s();
    let mut draft = r.draft("", "someday");
    draft.category = "memo".into();
    draft.audience.clear();
    draft.expires_at = Some(r.app.clock.now());
    draft.effective_at = Some(r.app.clock.now().plus_ms(DAY_MS));
    let e = s
        .notices()
        .create_notice(&r.wang, &draft, None)
        .await
        .unwrap_err();
    let mut named = fields(e);
    named.sort();
    assert_eq!(
        named,
        ["audience", "category", "expires_at", "priority", "title"]
    );
    // Naming oneself as reviewer is refused; so is an audience outside one's unit.
    let mut own = r.draft("自审", "routine");
    own.reviewer = Some(r.wang.actor.user_id);
    assert_eq!(
        fields(
            s.notices()
                .create_notice(&r.wang, &own, None)
                .await
                .unwrap_err()
        ),
        ["reviewer"]
    );
    let mut outside = r.draft("给城关镇", "routine");
    outside.audience = vec![AudienceRule::Unit { unit: r.station }];
    outside.unit = Some(r.station);
    let e = s
        .notices()
        .create_notice(&r.wang, &outside, None)
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["unit"]);
    assert!(
        s.notices()
            .list(&r.wang, NoticeListFilter::Mine, 50)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn long_term_notices_go_out_three_days_ahead_unless_the_director_overrides(r: Staffroom) {
    let s = r.s();
    let now = r.app.clock.now();
    let mut draft = r.draft("新的考勤制度", "long_term");
    draft.category = "policy".into();
    draft.effective_at = Some(now.plus_ms(2 * DAY_MS));
    let id = s
        .notices()
        .create_notice(&r.clerk, &draft, None)
        .await
        .unwrap();
    assert_eq!(
        fields(s.notices().submit_notice(&r.clerk, id).await.unwrap_err()),
        ["publish_at"]
    );
    // A clerk may not override.
    draft.lead_override_reason = Some("上级要求下周一执行".into());
    let e = s
        .notices()
        .update_notice(
            &r.clerk,
            id,
            &draft,
            s.notices().notice(&r.clerk, id).await.unwrap().version,
        )
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["lead_override_reason"]);
    // The director, reviewing, overrides with a reason.
    draft.lead_override_reason = None;
    draft.effective_at = Some(now.plus_ms(4 * DAY_MS));
    draft.publish_at = Some(now.plus_ms(2 * DAY_MS));
    s.notices()
        .update_notice(
            &r.clerk,
            id,
            &draft,
            s.notices().notice(&r.clerk, id).await.unwrap().version,
        )
        .await
        .unwrap();
    assert_eq!(
        fields(s.notices().submit_notice(&r.clerk, id).await.unwrap_err()),
        ["publish_at"]
    );
    draft.publish_at = Some(now.plus_ms(DAY_MS));
    s.notices()
        .update_notice(
            &r.clerk,
            id,
            &draft,
            s.notices().notice(&r.clerk, id).await.unwrap().version,
        )
        .await
        .unwrap();
    s.notices().submit_notice(&r.clerk, id).await.unwrap();
    assert_eq!(
        s.notices()
            .notice(&r.clerk, id)
            .await
            .unwrap()
            .reviewer_name
            .as_deref(),
        Some("周主任")
    );
    // Time passes before review: the lead time is gone, so approval needs the override.
    r.app.clock.advance_ms(2 * DAY_MS);
    let e = s
        .notices()
        .review_notice(&r.director, id, ReviewDecision::Approve, None, None)
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["publish_at"]);
    s.notices()
        .review_notice(
            &r.director,
            id,
            ReviewDecision::Approve,
            None,
            Some("上级要求下周一执行"),
        )
        .await
        .unwrap();
    let view = s.notices().notice(&r.clerk, id).await.unwrap();
    assert_eq!(view.status.as_str(), "published");
    assert_eq!(
        view.lead_override_reason.as_deref(),
        Some("上级要求下周一执行")
    );
}

async fn a_scheduled_notice_waits_for_its_minute(r: Staffroom) {
    let s = r.s();
    let mut draft = r.draft("周五例会", "routine");
    draft.category = "meeting".into();
    draft.publish_at = Some(r.app.clock.now().plus_ms(90 * MINUTE_MS));
    let id = s
        .notices()
        .create_notice(&r.wang, &draft, None)
        .await
        .unwrap();
    s.notices().submit_notice(&r.wang, id).await.unwrap();
    s.notices()
        .review_notice(&r.head, id, ReviewDecision::Approve, Some("同意"), None)
        .await
        .unwrap();
    assert_eq!(
        s.notices()
            .notice(&r.wang, id)
            .await
            .unwrap()
            .status
            .as_str(),
        "scheduled"
    );
    r.app.clock.advance_ms(89 * MINUTE_MS);
    r.sweep().await;
    assert_eq!(s.notices().pending_notice_count(&r.zhao).await.unwrap(), 0);
    r.app.clock.advance_ms(MINUTE_MS);
    r.sweep().await;
    assert_eq!(
        s.notices()
            .notice(&r.wang, id)
            .await
            .unwrap()
            .status
            .as_str(),
        "published"
    );
    assert_eq!(s.notices().pending_notice_count(&r.zhao).await.unwrap(), 1);
}

async fn unread_recipients_are_reminded_then_their_head_is_told_once(r: Staffroom) {
    let s = r.s();
    let id = r.publish("消防通道堵塞，今天下午清理", "urgent").await;
    s.worker().run_due().await.unwrap();
    // Urgent: SMS at once besides e-mail (Zhao's number is the fifth).
    assert_eq!(r.messages_to("13907310004").await.len(), 1);
    s.notices()
        .read_notice(&r.head, id, "console")
        .await
        .unwrap();
    s.notices().acknowledge_notice(&r.head, id).await.unwrap();

    r.app.clock.advance_ms(14 * MINUTE_MS);
    assert_eq!(r.sweep().await, 0);
    r.app.clock.advance_ms(MINUTE_MS);
    r.sweep().await;
    // Half-time: Zhao (unacknowledged) gets an e-mail reminder; the head does not.
    let zhao_mail = r.messages_to("zhao@example.org").await;
    assert_eq!(zhao_mail.len(), 2);
    assert!(
        zhao_mail[0]
            .subject
            .as_deref()
            .unwrap_or_default()
            .contains("提醒")
    );
    assert_eq!(
        r.messages_to("head@example.org")
            .await
            .iter()
            .filter(|m| m.body.contains("提醒")
                || m.subject.as_deref().unwrap_or_default().contains("提醒"))
            .count(),
        0
    );
    r.sweep().await;
    assert_eq!(
        r.messages_to("zhao@example.org").await.len(),
        2,
        "a reminder goes once"
    );

    r.app.clock.advance_ms(8 * MINUTE_MS);
    r.sweep().await;
    assert_eq!(r.messages_to("13907310004").await.len(), 2, "then by SMS");

    r.app.clock.advance_ms(7 * MINUTE_MS);
    r.sweep().await;
    r.sweep().await;
    let told: Vec<_> = r
        .messages_to("head@example.org")
        .await
        .into_iter()
        .filter(|m| m.body.contains("送达时限"))
        .collect();
    assert_eq!(told.len(), 1, "the head is told once");
    assert!(told[0].body.contains("赵丽"));
    assert_eq!(
        told[0].subject.as_deref(),
        Some("通知《消防通道堵塞，今天下午清理》已过送达时限，仍有人未确认知悉"),
        "the subject is filled in, not “{{state}}”"
    );
    assert!(!told[0].body.contains("陈部长"));
    let events = s.notices().notice_events(&r.wang, id).await.unwrap();
    assert!(events.iter().any(|e| e.action == "escalated"));
}

async fn a_server_down_over_a_notice_deadline_sends_only_the_escalation(r: Staffroom) {
    let s = r.s();
    let id = r.publish("消防通道堵塞，今天下午清理", "urgent").await;
    s.worker().run_due().await.unwrap();
    let before = r.messages_to("zhao@example.org").await.len();
    let sms_before = r.messages_to("13907310004").await.len();
    // Urgent: due within 30 minutes. The server is down for three days.
    r.app.clock.advance_ms(3 * 24 * 60 * MINUTE_MS);
    r.sweep().await;
    r.sweep().await;
    s.worker().run_due().await.unwrap();
    assert_eq!(
        r.messages_to("zhao@example.org").await.len(),
        before,
        "no stale e-mail reminder"
    );
    assert_eq!(
        r.messages_to("13907310004").await.len(),
        sms_before,
        "no stale SMS reminder"
    );
    let told = r
        .messages_to("head@example.org")
        .await
        .into_iter()
        .filter(|m| m.body.contains("送达时限"))
        .count();
    assert_eq!(told, 1, "the head is told once");
    let events = s.notices().notice_events(&r.wang, id).await.unwrap();
    assert!(
        events.iter().all(|e| !e.action.starts_with("reminded")),
        "{:?}",
        events.iter().map(|e| &e.action).collect::<Vec<_>>()
    );
}

async fn remind_the_unread_by_hand_at_most_every_five_minutes(r: Staffroom) {
    let s = r.s();
    let id = r.publish("领取工作证", "routine").await;
    assert!(matches!(
        s.notices().remind_unread(&r.zhao, id).await,
        Err(ServiceError::Forbidden)
    ));
    assert_eq!(s.notices().remind_unread(&r.wang, id).await.unwrap(), 2);
    assert!(matches!(
        s.notices().remind_unread(&r.wang, id).await,
        Err(ServiceError::RateLimited { .. })
    ));
    r.app.clock.advance_ms(5 * MINUTE_MS);
    s.notices()
        .read_notice(&r.zhao, id, "console")
        .await
        .unwrap();
    s.notices().acknowledge_notice(&r.zhao, id).await.unwrap();
    assert_eq!(
        s.notices().remind_unread(&r.wang, id).await.unwrap(),
        1,
        "only the head is left"
    );
}

async fn corrections_keep_the_old_version_and_retraction_tells_everyone(r: Staffroom) {
    let s = r.s();
    let id = r.publish("周五下午三点开会", "important").await;
    s.worker().run_due().await.unwrap();
    let e = s
        .notices()
        .correct_notice(
            &r.wang,
            id,
            "周五下午三点开会",
            "请各位同事周五前把本月活动台账交到办公室。",
            "无",
        )
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["body"]);
    s.notices()
        .correct_notice(
            &r.wang,
            id,
            "周五下午四点开会",
            "时间改为四点。",
            "时间改为四点",
        )
        .await
        .unwrap();
    let view = s.notices().notice(&r.zhao, id).await.unwrap();
    assert_eq!(
        (view.title.as_str(), view.edition, view.correction_count),
        ("周五下午四点开会", 2, 1)
    );
    assert!(
        r.messages_to("zhao@example.org")
            .await
            .iter()
            .any(|m| m.body.contains("时间改为四点"))
    );
    assert!(matches!(
        s.notices().correct_notice(&r.zhao, id, "x", "y", "z").await,
        Err(ServiceError::Forbidden)
    ));

    s.notices()
        .retract_notice(&r.clerk, id, "会议取消")
        .await
        .unwrap();
    assert_eq!(
        s.notices()
            .notice(&r.zhao, id)
            .await
            .unwrap()
            .status
            .as_str(),
        "retracted"
    );
    assert_eq!(
        s.notices().pending_notice_count(&r.zhao).await.unwrap(),
        0,
        "a retracted notice asks nothing"
    );
    assert!(
        r.messages_to("zhao@example.org")
            .await
            .iter()
            .any(|m| m.body.contains("会议取消"))
    );
}

// Issue 12 (ux-notices): the public hall screen shows only what an author chose to put
// there, and whoever decides about a notice sees who it is for.
testkit::on_both_engines! {
    the_hall_screen_shows_only_whole_unit_notices_whose_author_chose_it(Staffroom),
    the_reviewer_and_the_office_see_who_a_notice_is_for_and_recipients_do_not(Staffroom),
}

async fn the_hall_screen_shows_only_whole_unit_notices_whose_author_chose_it(r: Staffroom) {
    let s = r.s();
    let root = s.org_tree(r.app.institution.id).await.unwrap().units[0].id;
    let board = || async {
        s.notices()
            .notice_board(r.app.institution.id)
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.title)
            .collect::<Vec<_>>()
    };
    // A meeting notice to the people of one department: internal, whatever happens.
    r.publish("活动部内部会议：讨论年终考核", "routine").await;
    // To the whole centre, the choice left as it comes (off).
    let mut unticked = r.draft("全馆周五下午大扫除", "routine");
    unticked.audience = vec![AudienceRule::Unit { unit: root }];
    r.publish_draft(&unticked).await;
    assert!(
        board().await.is_empty(),
        "nothing the author did not choose: {:?}",
        board().await
    );

    // To the whole centre, and the author ticked it.
    let mut ticked = r.draft("冬季开放时间调整", "routine");
    ticked.audience = vec![AudienceRule::Unit { unit: root }];
    ticked.on_hall_screen = true;
    let shown = r.publish_draft(&ticked).await;
    assert_eq!(board().await, ["冬季开放时间调整"]);
    assert!(
        s.notices()
            .notice(&r.wang, shown)
            .await
            .unwrap()
            .on_hall_screen
    );

    // Narrower audiences cannot be ticked: refused on its own field, nothing saved.
    let before = s
        .notices()
        .list(&r.wang, NoticeListFilter::Mine, 50)
        .await
        .unwrap()
        .len();
    let narrower = [
        vec![AudienceRule::Department {
            department: DepartmentId(r.activity),
        }],
        vec![AudienceRule::Role {
            role: domain::Role::DepartmentHead,
        }],
        vec![AudienceRule::Person {
            user: r.zhao.actor.user_id,
        }],
        vec![
            AudienceRule::Unit { unit: root },
            AudienceRule::Department {
                department: DepartmentId(r.activity),
            },
        ],
    ];
    for audience in narrower {
        let mut draft = r.draft("活动部会议", "routine");
        draft.audience = audience.clone();
        draft.on_hall_screen = true;
        let e = s
            .notices()
            .create_notice(&r.wang, &draft, None)
            .await
            .unwrap_err();
        assert_eq!(fields(e), ["on_hall_screen"], "{audience:?}");
    }
    assert_eq!(
        s.notices()
            .list(&r.wang, NoticeListFilter::Mine, 50)
            .await
            .unwrap()
            .len(),
        before
    );
    // Nor ticked later, on a draft to a department.
    let id = s
        .notices()
        .create_notice(&r.wang, &r.draft("部门聚餐", "routine"), None)
        .await
        .unwrap();
    let mut edited = r.draft("部门聚餐", "routine");
    edited.on_hall_screen = true;
    let seen = s.notices().notice(&r.wang, id).await.unwrap().version;
    let e = s
        .notices()
        .update_notice(&r.wang, id, &edited, seen)
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["on_hall_screen"]);
    assert!(
        !s.notices()
            .notice(&r.wang, id)
            .await
            .unwrap()
            .on_hall_screen
    );
}

async fn the_reviewer_and_the_office_see_who_a_notice_is_for_and_recipients_do_not(r: Staffroom) {
    let s = r.s();
    let tree = s.org_tree(r.app.institution.id).await.unwrap();
    let centre = tree.units[0].name.clone();
    let mut draft = r.draft("周六值班安排", "important");
    draft.audience = vec![
        AudienceRule::Department {
            department: DepartmentId(r.activity),
        },
        AudienceRule::Person {
            user: r.station_clerk.actor.user_id,
        },
    ];
    let id = s
        .notices()
        .create_notice(&r.wang, &draft, None)
        .await
        .unwrap();
    s.notices().submit_notice(&r.wang, id).await.unwrap();

    // The reviewer, before approving: the groups in words, and the people they come to.
    let seen = s.notices().notice_audience(&r.head, id).await.unwrap();
    assert!(
        s.notices()
            .notice(&r.head, id)
            .await
            .unwrap()
            .can
            .see_audience
    );
    assert_eq!(
        seen.groups,
        [
            AudienceGroup::Department {
                unit: centre.clone(),
                department: "活动部".into()
            },
            AudienceGroup::Person {
                name: "唐莉".into(),
                place: Some("城关镇文化站".into())
            },
        ]
    );
    assert!(!seen.frozen, "resolved as the staff list stands today");
    let mut people: Vec<(String, Option<String>)> = seen
        .people
        .iter()
        .map(|p| (p.name.clone(), p.place.clone()))
        .collect();
    people.sort();
    let in_activity = Some(format!("{centre} · 活动部"));
    assert_eq!(
        people,
        [
            ("唐莉".to_owned(), Some("城关镇文化站".to_owned())),
            ("赵丽".to_owned(), in_activity.clone()),
            ("陈部长".to_owned(), in_activity.clone()),
        ],
        "never the author"
    );
    // The author and the office see the same.
    assert_eq!(
        s.notices()
            .notice_audience(&r.wang, id)
            .await
            .unwrap()
            .people
            .len(),
        3
    );
    assert_eq!(
        s.notices()
            .notice_audience(&r.clerk, id)
            .await
            .unwrap()
            .people
            .len(),
        3
    );

    s.notices()
        .review_notice(&r.head, id, ReviewDecision::Approve, None, None)
        .await
        .unwrap();
    let sent = s.notices().notice_audience(&r.head, id).await.unwrap();
    assert!(sent.frozen, "once published, the people it went to");
    assert_eq!(sent.people.len(), 3);
    assert_eq!(
        s.notices()
            .notice(&r.wang, id)
            .await
            .unwrap()
            .recipient_count,
        3
    );

    // A recipient reads the notice, not the list of everyone else.
    for recipient in [&r.zhao, &r.station_clerk] {
        assert!(
            !s.notices()
                .notice(recipient, id)
                .await
                .unwrap()
                .can
                .see_audience
        );
        assert!(matches!(
            s.notices().notice_audience(recipient, id).await,
            Err(ServiceError::Forbidden)
        ));
    }
}

/// The institution reviews notices in two steps: the reviewer the author's notice names
/// (their head), then the office director. Sent back at the second step, the notice returns
/// to it when resubmitted, and the first step's approval stands.
async fn a_two_step_chain_returns_a_resubmitted_notice_to_the_step_that_asked(r: Staffroom) {
    let s = r.s();
    let tenant = r.wang.actor.tenant_id;
    let row = store::tenants::find(s.db(), tenant).await.unwrap().unwrap();
    let mut settings: serde_json::Value = serde_json::from_str(&row.settings).unwrap_or_default();
    settings["review_chains"] = serde_json::json!({ "notice": [
        { "name": "部门审核", "who": [{ "kind": "chosen_by_author" }], "when": { "kind": "always" } },
        { "name": "办公室审核", "who": [{ "kind": "person", "user": r.director.actor.user_id.0 }],
          "when": { "kind": "always" } },
    ]});
    store::tenants::update_settings(s.db(), tenant, &settings.to_string())
        .await
        .unwrap();
    let notices = s.notices();
    let id = notices
        .create_notice(&r.wang, &r.draft("国庆值班安排", "important"), None)
        .await
        .unwrap();
    notices.submit_notice(&r.wang, id).await.unwrap();
    let approve = |who: &'static str| {
        let staff = if who == "head" { &r.head } else { &r.director };
        notices.review_notice(staff, id, ReviewDecision::Approve, None, None)
    };
    let status = || async { notices.notice(&r.wang, id).await.unwrap().status };

    // The director's step is not reached before the head's.
    assert!(matches!(
        approve("director").await,
        Err(ServiceError::Forbidden)
    ));
    approve("head").await.unwrap();
    assert_eq!(status().await.as_str(), "in_review", "one step to go");
    assert!(matches!(
        approve("head").await,
        Err(ServiceError::Forbidden)
    ));

    notices
        .review_notice(
            &r.director,
            id,
            ReviewDecision::RequestChanges,
            Some("请补充值班电话"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(status().await.as_str(), "changes_requested");
    notices.submit_notice(&r.wang, id).await.unwrap();
    // Back at the director's step: the head's approval stands and is not asked again. The
    // notice no longer waits for the head, who now cannot even open it.
    let again = approve("head").await;
    assert!(matches!(again, Err(ServiceError::NotFound)), "{again:?}");
    approve("director").await.unwrap();
    assert_eq!(status().await.as_str(), "published");
    assert_eq!(
        notices.notice(&r.wang, id).await.unwrap().recipient_count,
        2,
        "活动部 but its author: the head and 赵丽"
    );
}

//! The public feedback loop, told as stories and run on both engines with a clock the
//! tests control.

use domain::feedback::{Channel, Status};
use domain::time::{DAY_MS, HOUR_MS, MINUTE_MS};
use domain::{Timestamp, UnitId};
use i18n::{Key, Lang};
use services::feedback::{BoardQuery, InboxQuery, Intake, Moderation, StaffAction};
use services::{ServiceError, Services, Staff};
use testkit::scenario::{App, MONDAY_9AM, PersonExt, fields, intake, send};

/// The institution of `App` with a station, an activities department with a head and a
/// member of staff, an office clerk and an office director.
struct Office {
    app: App,
    station: UnitId,
    activity: i64,
    clerk: Staff,
    director: Staff,
    head: Staff,
    worker: Staff,
}

impl testkit::Fixture for Office {
    async fn setup(db: &testkit::TestDb) -> Office {
        let app = App::setup(db).await;
        let centre = app.centre().await;
        let [clerk, director, head, worker] = app
            .hire_all(
                [
                    centre.clerk(),
                    centre.director(),
                    centre.head(),
                    centre.member("worker", "赵丽"),
                ]
                .map(PersonExt::with_email),
            )
            .await;
        Office {
            app,
            station: centre.station,
            activity: centre.activity.0,
            clerk,
            director,
            head,
            worker,
        }
    }
}

impl Office {
    fn s(&self) -> &Services {
        &self.app.services
    }

    async fn submit(&self, text: &str, kind: &str) -> services::feedback::Submitted {
        let intake = Intake {
            mobile: Some("13907312233".into()),
            ..intake(text, kind)
        };
        send(
            self.s(),
            &self.app.institution,
            intake,
            Vec::new(),
            Some("10.1.1.1"),
        )
        .await
    }

    async fn act(
        &self,
        who: &Staff,
        id: i64,
        action: StaffAction,
    ) -> Result<services::feedback::ItemView, ServiceError> {
        self.s()
            .feedback()
            .act_on_feedback(who, id, None, action)
            .await
    }

    /// Messages sent to `recipient` so far (after letting the worker deliver).
    async fn messages_to(&self, recipient: &str) -> Vec<String> {
        self.s().worker().run_due().await.unwrap();
        store::outbox::recent(self.s().db(), None, Some(recipient), 100)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.body)
            .collect()
    }
}

testkit::on_both_engines! {
    a_submission_gets_a_tracking_number_deadlines_and_a_private_link(Office),
    bad_input_names_each_field_and_stores_nothing(Office),
    the_same_submission_sent_twice_at_once_is_one_item(Office),
    many_people_submitting_at_once_each_get_their_own_number(Office),
    a_sensitive_word_holds_an_item_off_the_board_until_cleared(Office),
    an_item_goes_from_intake_to_a_satisfied_close(Office),
    reminders_and_escalations_fire_once_even_across_a_restart(Office),
    a_server_down_over_a_deadline_sends_only_the_overdue_message(Office),
    an_answer_shows_the_institution_number_whole_and_masks_the_submitters_mobile(Office),
    waiting_on_the_submitter_stops_the_clock(Office),
    a_dissatisfied_submitter_reopens_and_the_head_hears_at_once(Office),
    merging_moves_supporters_and_the_news(Office),
    staff_see_only_what_is_theirs(Office),
    a_stale_form_does_not_overwrite_a_newer_change(Office),
    one_address_may_submit_three_hundred_items_an_hour(Office),
    figures_show_counts_until_there_are_ten_items(Office),
    an_urgent_text_gets_short_deadlines_and_the_head_hears_at_once(Office),
    a_staff_correction_teaches_the_institution_at_once(Office),
    a_near_copy_finds_the_first_as_a_likely_duplicate(Office),
}

async fn a_submission_gets_a_tracking_number_deadlines_and_a_private_link(o: Office) {
    let sent = o
        .submit(
            "我叫王秀英，电话13907312233，希望城关镇文化站周末开个书法培训班",
            "request",
        )
        .await;
    assert_eq!(sent.tracking_no, "CD-2026-000001");
    assert_eq!(sent.status, Status::New);
    // A class asked for is training, and the guess is confident. (Asking to *open* a class
    // at weekends reads as training or service, and goes to a person.)
    assert_eq!(sent.suggested_category.as_deref(), Some("training"));
    let (item, timeline) = o
        .s()
        .feedback()
        .feedback_item(&o.clerk, sent.id)
        .await
        .unwrap();
    // Received Monday 09:00: one working day to respond, five to resolve.
    assert_eq!(
        item.first_response_due,
        Some(Timestamp(MONDAY_9AM.0 + DAY_MS))
    );
    assert_eq!(
        item.resolution_due,
        Some(Timestamp(MONDAY_9AM.0 + 7 * DAY_MS))
    );
    assert_eq!(item.contact.mobile.as_deref(), Some("13907312233"));
    assert!(
        !item.public_body.contains("13907312233") && !item.public_body.contains("王秀英"),
        "{}",
        item.public_body
    );
    assert_eq!(timeline[0].kind, "received");

    let (tracking_no, secret) = sent
        .tracking_path
        .trim_start_matches("/t/")
        .split_once('/')
        .unwrap();
    let (mine, _, _) = o
        .s()
        .feedback()
        .tracked_item(&o.app.institution, tracking_no, secret)
        .await
        .unwrap();
    assert!(
        mine.text.contains("13907312233"),
        "the submitter reads their own words"
    );
    assert!(matches!(
        o.s()
            .feedback()
            .tracked_item(&o.app.institution, tracking_no, "guessed")
            .await,
        Err(ServiceError::NotFound)
    ));

    let second = o.submit("第二条：农家书屋新书太少", "suggestion").await;
    assert_eq!(second.tracking_no, "CD-2026-000002");
}

async fn bad_input_names_each_field_and_stores_nothing(o: Office) {
    let bad = Intake {
        text: "字".repeat(4001),
        kind: "wish".into(),
        category: Some("weather".into()),
        unit: Some("424242".into()),
        mobile: Some("12345".into()),
        email: Some("not mail".into()),
        ..Default::default()
    };
    let e = o
        .s()
        .feedback()
        .submit_feedback(
            &o.app.institution,
            bad,
            Vec::new(),
            None,
            None,
            Channel::Web,
            Lang::ZhCn,
        )
        .await
        .unwrap_err();
    assert_eq!(
        fields(e),
        ["text", "kind", "category", "unit", "mobile", "email"]
    );
    let empty = Intake {
        text: "   ".into(),
        kind: "request".into(),
        ..Default::default()
    };
    let e = o
        .s()
        .feedback()
        .submit_feedback(
            &o.app.institution,
            empty,
            Vec::new(),
            None,
            None,
            Channel::Web,
            Lang::ZhCn,
        )
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["text"]);
    let page = o
        .s()
        .feedback()
        .inbox(&o.clerk, &InboxQuery::default())
        .await
        .unwrap();
    assert!(page.rows.is_empty());
}

async fn the_same_submission_sent_twice_at_once_is_one_item(o: Office) {
    let intake = Intake {
        text: "广场舞音响太吵".into(),
        kind: "complaint".into(),
        submission_key: Some("form-7f3a".into()),
        ..Default::default()
    };
    let (a, b) = tokio::join!(
        o.s().feedback().submit_feedback(
            &o.app.institution,
            intake.clone(),
            Vec::new(),
            None,
            None,
            Channel::Web,
            Lang::ZhCn
        ),
        o.s().feedback().submit_feedback(
            &o.app.institution,
            intake.clone(),
            Vec::new(),
            None,
            None,
            Channel::Web,
            Lang::ZhCn
        ),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.tracking_no, b.tracking_no);
    assert!(a.repeated || b.repeated);
    assert_eq!(
        o.s()
            .feedback()
            .inbox(&o.clerk, &InboxQuery::default())
            .await
            .unwrap()
            .rows
            .len(),
        1
    );
}

async fn many_people_submitting_at_once_each_get_their_own_number(o: Office) {
    let send = |i: usize| {
        // Item 7 is sent twice: the batch it lands in is written again item by item.
        let key = format!("key-{}", if i == 40 { 7 } else { i });
        let intake = Intake {
            text: format!("第{i}条建议"),
            kind: "suggestion".into(),
            submission_key: Some(key),
            ..Default::default()
        };
        let s = o.s().clone();
        let institution = o.app.institution.clone();
        tokio::spawn(async move {
            s.feedback()
                .submit_feedback(
                    &institution,
                    intake,
                    Vec::new(),
                    None,
                    None,
                    Channel::Api,
                    Lang::ZhCn,
                )
                .await
        })
    };
    let handles: Vec<_> = (0..41).map(send).collect();
    let mut numbers = Vec::new();
    for h in handles {
        numbers.push(h.await.unwrap().unwrap().tracking_no);
    }
    let distinct: std::collections::HashSet<_> = numbers.iter().collect();
    assert_eq!(distinct.len(), 40, "41 submissions, one of them a repeat");
    assert_eq!(numbers[7], numbers[40]);
    let mut all = Vec::new();
    let mut q = InboxQuery::default();
    loop {
        let page = o.s().feedback().inbox(&o.clerk, &q).await.unwrap();
        all.extend(page.rows.iter().map(|r| r.id));
        match page.next {
            Some(next) => q.after = next,
            None => break,
        }
    }
    assert_eq!(all.len(), 40);
}

async fn a_sensitive_word_holds_an_item_off_the_board_until_cleared(o: Office) {
    let held = o.submit("低息贷 款，加 V 详聊", "suggestion").await;
    let clean = o.submit("希望增加戏曲演出场次", "suggestion").await;
    assert!(held.held && !clean.held);
    let board = o
        .s()
        .feedback()
        .board(&o.app.institution, &BoardQuery::default())
        .await
        .unwrap();
    assert_eq!(
        board
            .items
            .iter()
            .map(|i| i.tracking_no.as_str())
            .collect::<Vec<_>>(),
        [clean.tracking_no.as_str()]
    );
    let queue = o
        .s()
        .feedback()
        .inbox(
            &o.clerk,
            &InboxQuery {
                queue: "held".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(queue.rows.len(), 1);
    o.s()
        .feedback()
        .moderate_feedback(&o.clerk, held.id, Moderation::Clear, Some("（内容已处理）"))
        .await
        .unwrap();
    let board = o
        .s()
        .feedback()
        .board(&o.app.institution, &BoardQuery::default())
        .await
        .unwrap();
    let cleared = board
        .items
        .iter()
        .find(|i| i.tracking_no == held.tracking_no)
        .expect("on the board now");
    assert_eq!(cleared.text, "（内容已处理）");
    // Department staff do not moderate: the item, as far as they are told, is not there.
    let e = o
        .s()
        .feedback()
        .moderate_feedback(&o.worker, clean.id, Moderation::Hidden, None)
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::NotFound), "{e:?}");
}

async fn an_item_goes_from_intake_to_a_satisfied_close(o: Office) {
    let sent = o.submit("建议暑期开设少儿舞蹈班", "suggestion").await;
    let id = sent.id;
    assert_eq!(
        o.act(&o.clerk, id, StaffAction::Accept)
            .await
            .unwrap()
            .status,
        Status::Accepted
    );
    let assigned = o
        .act(
            &o.clerk,
            id,
            StaffAction::Assign {
                department: o.activity,
                assignee: None,
                reason: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(assigned.department, Some(o.activity));
    // Now the department sees it; it did not before.
    assert_eq!(
        o.s()
            .feedback()
            .inbox(
                &o.worker,
                &InboxQuery {
                    queue: "department".into(),
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .rows
            .len(),
        1
    );
    o.act(&o.worker, id, StaffAction::Start).await.unwrap();
    o.s()
        .feedback()
        .add_internal_note(&o.worker, id, "与培训部沟通师资")
        .await
        .unwrap();
    let e = o.act(&o.worker, id, StaffAction::Close).await.unwrap_err();
    assert!(
        matches!(
            e,
            ServiceError::Refused {
                key: Key::err_illegal_transition,
                ..
            }
        ),
        "{e:?}"
    );
    let answered = o
        .act(
            &o.worker,
            id,
            StaffAction::Answer {
                text: "已列入暑期培训计划，7月开班。——活动部".into(),
                adopted: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (answered.status, answered.adopted),
        (Status::Answered, true)
    );
    let texts = o.messages_to("13907312233").await;
    assert!(
        texts
            .iter()
            .any(|t| t.contains("已答复") && t.contains(&sent.tracking_path)),
        "{texts:?}"
    );

    let (tracking_no, secret) = sent
        .tracking_path
        .trim_start_matches("/t/")
        .split_once('/')
        .unwrap();
    o.s()
        .feedback()
        .rate_answer(&o.app.institution, tracking_no, secret, "satisfied")
        .await
        .unwrap();
    let (item, timeline) = o.s().feedback().feedback_item(&o.clerk, id).await.unwrap();
    assert_eq!(item.status, Status::Closed);
    let (public, public_timeline) = o
        .s()
        .feedback()
        .board_item(&o.app.institution, tracking_no)
        .await
        .unwrap();
    assert_eq!(public.status, Status::Closed);
    assert!(timeline.iter().any(|e| e.kind == "note"));
    assert!(
        public_timeline
            .iter()
            .all(|e| e.kind != "note" && e.actor.is_none()),
        "no internal notes, no staff names in public"
    );
    assert!(
        public_timeline
            .iter()
            .any(|e| e.body.as_deref() == Some("已列入暑期培训计划，7月开班。——活动部"))
    );
    let log = o
        .s()
        .audit_log(&o.app.admin, Default::default())
        .await
        .unwrap();
    assert!(log.iter().any(|e| e.action == "feedback.answer"));
}

async fn reminders_and_escalations_fire_once_even_across_a_restart(o: Office) {
    let sent = o.submit("文化站空调坏了", "complaint").await;
    o.act(
        &o.clerk,
        sent.id,
        StaffAction::Assign {
            department: o.activity,
            assignee: None,
            reason: None,
        },
    )
    .await
    .unwrap();
    let sweep = |s: Services| async move { s.feedback().sweep_deadlines().await.unwrap() };
    // Resolution due next Monday 09:00; the reminder four working hours before: Monday 05:00.
    o.app
        .clock
        .set(Timestamp(MONDAY_9AM.0 + 7 * DAY_MS - 5 * HOUR_MS));
    assert_eq!(sweep(o.s().clone()).await, 0);
    o.app.clock.advance_ms(HOUR_MS + MINUTE_MS);
    assert_eq!(sweep(o.s().clone()).await, 1, "the reminder");
    assert_eq!(sweep(o.s().clone()).await, 0);
    o.app.clock.advance_ms(5 * HOUR_MS);
    assert_eq!(
        sweep(o.s().clone()).await,
        1,
        "overdue: the department head"
    );
    let head_mail = o.messages_to("head@example.org").await;
    assert_eq!(
        head_mail
            .iter()
            .filter(|m| m.contains("已超过办理时限"))
            .count(),
        1,
        "{head_mail:?}"
    );

    // The server restarts: a fresh Services on the same database repeats nothing.
    let restarted = Services::new(
        o.s().db().clone(),
        std::sync::Arc::new(o.app.clock.clone()),
        testkit::scenario::gateways(),
        services::Settings::default(),
    )
    .await
    .unwrap();
    assert_eq!(sweep(restarted.clone()).await, 0);
    // One working day after the deadline it goes up to the office director, once.
    o.app.clock.advance_ms(DAY_MS);
    assert_eq!(sweep(restarted.clone()).await, 1);
    assert_eq!(sweep(o.s().clone()).await, 0);
    restarted.worker().run_due().await.unwrap();
    let director_mail = o.messages_to("director@example.org").await;
    assert_eq!(
        director_mail.iter().filter(|m| m.contains("督办")).count(),
        1,
        "{director_mail:?}"
    );
    let page = o
        .s()
        .feedback()
        .inbox(
            &o.clerk,
            &InboxQuery {
                queue: "overdue".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.rows.len(), 1);
}

async fn a_server_down_over_a_deadline_sends_only_the_overdue_message(o: Office) {
    let sent = o.submit("文化站空调坏了", "complaint").await;
    // First response due Tuesday 09:00, its reminder four working hours before. The
    // server is down from Monday morning until Tuesday 11:00.
    o.app
        .clock
        .set(Timestamp(MONDAY_9AM.0 + DAY_MS + 2 * HOUR_MS));
    assert_eq!(
        o.s().feedback().sweep_deadlines().await.unwrap(),
        1,
        "only the overdue message"
    );
    o.s().worker().run_due().await.unwrap();
    let all: Vec<String> = store::outbox::recent(o.s().db(), None, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect();
    assert!(
        all.iter().all(|m| !m.contains("将于")),
        "no stale reminder: {all:?}"
    );
    assert_eq!(
        all.iter().filter(|m| m.contains("已超过办理时限")).count(),
        1,
        "{all:?}"
    );
    let (_, timeline) = o
        .s()
        .feedback()
        .feedback_item(&o.clerk, sent.id)
        .await
        .unwrap();
    assert!(
        timeline.iter().all(|e| e.kind != "first_response_reminder"),
        "the stale reminder is not noted as sent"
    );
    assert!(timeline.iter().any(|e| e.kind == "first_response_overdue"));
    // Marked done: it never comes back.
    assert_eq!(o.s().feedback().sweep_deadlines().await.unwrap(), 0);
}

async fn an_answer_shows_the_institution_number_whole_and_masks_the_submitters_mobile(o: Office) {
    let mut settings = o
        .s()
        .feedback()
        .feedback_settings(&o.app.admin)
        .await
        .unwrap();
    settings.public_contacts = vec!["  0731-1234567 ".into(), String::new()];
    o.s()
        .feedback()
        .update_feedback_settings(&o.app.admin, settings)
        .await
        .unwrap();
    assert_eq!(
        o.s()
            .feedback()
            .feedback_settings(&o.app.admin)
            .await
            .unwrap()
            .public_contacts,
        vec!["0731-1234567".to_owned()],
        "trimmed, blank lines dropped"
    );
    let sent = o
        .submit(
            "我叫王秀英，打了0731-1234567没人接，书法班什么时候报名",
            "inquiry",
        )
        .await;
    let answer = "王秀英您好，报名请致电0731-1234567，我们已短信通知13907312233。——活动部陈浩";
    let preview = o
        .s()
        .feedback()
        .answer_preview(&o.clerk, sent.id, answer)
        .await
        .unwrap();
    o.act(
        &o.clerk,
        sent.id,
        StaffAction::Answer {
            text: answer.into(),
            adopted: false,
        },
    )
    .await
    .unwrap();
    let (tracking_no, secret) = sent
        .tracking_path
        .trim_start_matches("/t/")
        .split_once('/')
        .unwrap();
    let (_, tracked, _) = o
        .s()
        .feedback()
        .tracked_item(&o.app.institution, tracking_no, secret)
        .await
        .unwrap();
    let (_, board) = o
        .s()
        .feedback()
        .board_item(&o.app.institution, tracking_no)
        .await
        .unwrap();
    for (whose, timeline) in [("tracking", &tracked), ("board", &board)] {
        let shown = timeline
            .iter()
            .find(|e| e.kind == "answer")
            .and_then(|e| e.body.clone())
            .unwrap();
        assert!(shown.contains("0731-1234567"), "{whose}: {shown}");
        assert!(
            shown.contains("139****2233") && !shown.contains("13907312233"),
            "{whose}: {shown}"
        );
        assert!(
            !shown.contains("王秀英"),
            "{whose}: the submitter's name is theirs: {shown}"
        );
        assert!(
            shown.contains("陈浩"),
            "{whose}: a staff name stays: {shown}"
        );
        assert_eq!(shown, preview, "{whose}: the preview showed exactly this");
    }
    let too_many = services::feedback::FeedbackSettings {
        public_contacts: vec!["0731-1".into(); 21],
        ..Default::default()
    };
    assert_eq!(
        fields(
            o.s()
                .feedback()
                .update_feedback_settings(&o.app.admin, too_many)
                .await
                .unwrap_err()
        ),
        ["public_contacts"]
    );
}

async fn waiting_on_the_submitter_stops_the_clock(o: Office) {
    let sent = o.submit("想报名剪纸课，需要带什么？", "inquiry").await;
    let before = o
        .s()
        .feedback()
        .feedback_item(&o.clerk, sent.id)
        .await
        .unwrap()
        .0
        .resolution_due
        .unwrap();
    o.act(
        &o.clerk,
        sent.id,
        StaffAction::AskSubmitter {
            question: "请问您想报名哪个班次？".into(),
        },
    )
    .await
    .unwrap();
    assert!(
        o.messages_to("13907312233")
            .await
            .iter()
            .any(|t| t.contains("补充信息"))
    );
    // Two working days pass while waiting (Tuesday 09:00 → Thursday 09:00).
    o.app.clock.advance_ms(2 * DAY_MS);
    assert_eq!(
        o.s().feedback().sweep_deadlines().await.unwrap(),
        0,
        "nothing fires while paused"
    );
    let (tracking_no, secret) = sent
        .tracking_path
        .trim_start_matches("/t/")
        .split_once('/')
        .unwrap();
    o.s()
        .feedback()
        .submitter_reply(&o.app.institution, tracking_no, secret, "周六上午班")
        .await
        .unwrap();
    let (item, _) = o
        .s()
        .feedback()
        .feedback_item(&o.clerk, sent.id)
        .await
        .unwrap();
    assert_eq!(item.status, Status::New, "back where it was");
    assert_eq!(
        item.resolution_due.unwrap().0 - before.0,
        2 * DAY_MS,
        "pushed on by the time paused"
    );
}

async fn a_dissatisfied_submitter_reopens_and_the_head_hears_at_once(o: Office) {
    let sent = o.submit("合唱团排练场地太小", "complaint").await;
    o.act(
        &o.clerk,
        sent.id,
        StaffAction::Assign {
            department: o.activity,
            assignee: None,
            reason: None,
        },
    )
    .await
    .unwrap();
    o.act(
        &o.head,
        sent.id,
        StaffAction::Answer {
            text: "已协调更大的排练厅。".into(),
            adopted: false,
        },
    )
    .await
    .unwrap();
    let (tracking_no, secret) = sent
        .tracking_path
        .trim_start_matches("/t/")
        .split_once('/')
        .unwrap();
    let e = o
        .s()
        .feedback()
        .rate_answer(&o.app.institution, tracking_no, secret, "so-so")
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["rating"]);
    o.s()
        .feedback()
        .rate_answer(&o.app.institution, tracking_no, secret, "dissatisfied")
        .await
        .unwrap();
    o.s()
        .feedback()
        .reopen_feedback(
            &o.app.institution,
            tracking_no,
            secret,
            "新排练厅周末不开放",
        )
        .await
        .unwrap();
    let (item, _) = o
        .s()
        .feedback()
        .feedback_item(&o.clerk, sent.id)
        .await
        .unwrap();
    assert_eq!((item.status, item.reopen_count), (Status::InProgress, 1));
    assert!(
        o.messages_to("head@example.org")
            .await
            .iter()
            .any(|m| m.contains("不满意"))
    );
    // Answered again and rated badly again, but past the reopening window: refused.
    o.act(
        &o.head,
        sent.id,
        StaffAction::Answer {
            text: "周末也已开放。".into(),
            adopted: false,
        },
    )
    .await
    .unwrap();
    o.app.clock.advance_ms(8 * DAY_MS);
    let e = o
        .s()
        .feedback()
        .reopen_feedback(&o.app.institution, tracking_no, secret, "还是不行")
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ServiceError::Refused {
                key: Key::err_reopen_closed,
                ..
            }
        ),
        "{e:?}"
    );
}

async fn merging_moves_supporters_and_the_news(o: Office) {
    let first = o.submit("农家书屋新书太少", "request").await;
    let second = Intake {
        text: "书屋的书都是老书，希望更新".into(),
        kind: "request".into(),
        email: Some("reader@example.org".into()),
        ..Default::default()
    };
    let second = o
        .s()
        .feedback()
        .submit_feedback(
            &o.app.institution,
            second,
            Vec::new(),
            None,
            None,
            Channel::Wechat,
            Lang::ZhCn,
        )
        .await
        .unwrap();
    let (_, member) = {
        o.s()
            .send_member_code(&o.app.institution, "13600001111", None, Lang::ZhCn)
            .await
            .unwrap();
        o.s().worker().run_due().await.unwrap();
        let sms = store::outbox::recent(o.s().db(), None, Some("13600001111"), 1)
            .await
            .unwrap();
        let code: String = sms[0]
            .body
            .chars()
            .filter(char::is_ascii_digit)
            .take(6)
            .collect();
        o.s()
            .verify_member_code(&o.app.institution, "13600001111", &code, None, None)
            .await
            .unwrap()
    };
    assert!(
        o.s()
            .feedback()
            .support_feedback(&o.app.institution, &member, &second.tracking_no)
            .await
            .unwrap()
    );
    assert!(
        !o.s()
            .feedback()
            .support_feedback(&o.app.institution, &member, &second.tracking_no)
            .await
            .unwrap(),
        "once per person"
    );
    o.act(
        &o.clerk,
        second.id,
        StaffAction::Merge {
            into: first.tracking_no.clone(),
        },
    )
    .await
    .unwrap();
    let (target, _) = o
        .s()
        .feedback()
        .feedback_item(&o.clerk, first.id)
        .await
        .unwrap();
    assert_eq!(target.support_count, 1);
    let board = o
        .s()
        .feedback()
        .board(&o.app.institution, &BoardQuery::default())
        .await
        .unwrap();
    assert!(
        board
            .items
            .iter()
            .all(|i| i.tracking_no != second.tracking_no),
        "merged items leave the board"
    );
    o.act(
        &o.clerk,
        first.id,
        StaffAction::Answer {
            text: "本月将补充新书200册。".into(),
            adopted: false,
        },
    )
    .await
    .unwrap();
    assert!(
        o.messages_to("reader@example.org")
            .await
            .iter()
            .any(|m| m.contains(&second.tracking_no)),
        "the merged item's submitter hears too"
    );
}

async fn staff_see_only_what_is_theirs(o: Office) {
    let mine = o.submit("活动部的事", "request").await;
    let other = o.submit("办公室的事", "request").await;
    o.act(
        &o.clerk,
        mine.id,
        StaffAction::Assign {
            department: o.activity,
            assignee: None,
            reason: None,
        },
    )
    .await
    .unwrap();
    let seen: Vec<i64> = o
        .s()
        .feedback()
        .inbox(&o.worker, &InboxQuery::default())
        .await
        .unwrap()
        .rows
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(seen, [mine.id]);
    assert!(matches!(
        o.s().feedback().feedback_item(&o.worker, other.id).await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        o.act(&o.worker, other.id, StaffAction::Accept).await,
        Err(ServiceError::NotFound)
    ));
    // Reassigning needs a reason; doing the office's triage needs the office.
    let e = o
        .act(
            &o.clerk,
            mine.id,
            StaffAction::Assign {
                department: o.activity,
                assignee: None,
                reason: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["reason"]);
    assert!(matches!(
        o.act(
            &o.worker,
            mine.id,
            StaffAction::Decline {
                reason: "不归我们管".into()
            }
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    let _ = (&o.director, o.station);
}

async fn a_stale_form_does_not_overwrite_a_newer_change(o: Office) {
    let sent = o.submit("希望增加电影放映", "suggestion").await;
    let (item, _) = o
        .s()
        .feedback()
        .feedback_item(&o.clerk, sent.id)
        .await
        .unwrap();
    o.act(&o.clerk, sent.id, StaffAction::Accept).await.unwrap();
    let stale = o
        .s()
        .feedback()
        .act_on_feedback(&o.clerk, sent.id, Some(item.version), StaffAction::MarkSpam)
        .await
        .unwrap_err();
    assert!(matches!(stale, ServiceError::Conflict));
    assert_eq!(
        o.s()
            .feedback()
            .feedback_item(&o.clerk, sent.id)
            .await
            .unwrap()
            .0
            .status,
        Status::Accepted
    );
}

async fn one_address_may_submit_three_hundred_items_an_hour(o: Office) {
    let send = |i: usize| {
        let intake = Intake {
            text: format!("第{i}条"),
            kind: "suggestion".into(),
            ..Default::default()
        };
        o.s().feedback().submit_feedback(
            &o.app.institution,
            intake,
            Vec::new(),
            None,
            Some("203.0.113.9"),
            Channel::Web,
            Lang::ZhCn,
        )
    };
    // A high ceiling: a station's Wi-Fi puts a whole audience behind one address.
    for i in 0..300 {
        send(i).await.unwrap();
    }
    assert!(matches!(
        send(300).await,
        Err(ServiceError::RateLimited { .. })
    ));
    o.app.clock.advance_ms(HOUR_MS);
    send(301).await.unwrap();
}

async fn figures_show_counts_until_there_are_ten_items(o: Office) {
    for i in 0..3 {
        o.submit(&format!("第{i}条意见"), "suggestion").await;
    }
    o.s()
        .feedback()
        .compute_figures(o.app.institution.id)
        .await
        .unwrap();
    let figures = o
        .s()
        .feedback()
        .board_figures(&o.app.institution)
        .await
        .unwrap();
    assert_eq!(figures.institution.received, 3);
    assert_eq!(
        figures.institution.resolution_rate(),
        None,
        "three items make no rate"
    );
}

async fn an_urgent_text_gets_short_deadlines_and_the_head_hears_at_once(o: Office) {
    let calm = o.submit("建议文化站多组织一些书法比赛", "suggestion").await;
    let urgent = o
        .submit(
            "文化站二楼的消防通道被杂物堵死了，万一着火人都跑不出去",
            "complaint",
        )
        .await;
    let (calm, _) = o
        .s()
        .feedback()
        .feedback_item(&o.clerk, calm.id)
        .await
        .unwrap();
    let (item, _) = o
        .s()
        .feedback()
        .feedback_item(&o.clerk, urgent.id)
        .await
        .unwrap();
    assert_eq!(item.priority, domain::feedback::Priority::Urgent);
    assert!(
        item.resolution_due < calm.resolution_due,
        "urgent items are due sooner"
    );
    let reason = item
        .analysis
        .as_ref()
        .and_then(|a| a.urgent.as_ref())
        .map(|u| u.reason.clone());
    assert_eq!(reason.as_deref(), Some("blocked_exit"));
    assert_eq!(calm.priority, domain::feedback::Priority::Normal);

    o.s().feedback().sweep_deadlines().await.unwrap();
    let (_, timeline) = o
        .s()
        .feedback()
        .feedback_item(&o.clerk, urgent.id)
        .await
        .unwrap();
    assert!(
        timeline.iter().any(|e| e.kind == "urgent"),
        "the urgent alert went out"
    );
    o.s().feedback().sweep_deadlines().await.unwrap();
    let (_, timeline) = o
        .s()
        .feedback()
        .feedback_item(&o.clerk, urgent.id)
        .await
        .unwrap();
    assert_eq!(
        timeline.iter().filter(|e| e.kind == "urgent").count(),
        1,
        "once"
    );
}

async fn a_staff_correction_teaches_the_institution_at_once(o: Office) {
    let first = o.submit("擂茶", "request").await;
    let (item, _) = o
        .s()
        .feedback()
        .feedback_item(&o.clerk, first.id)
        .await
        .unwrap();
    let before = item.analysis.clone().unwrap();
    o.s()
        .feedback()
        .classify_feedback(
            &o.clerk,
            first.id,
            Some(item.version),
            "heritage",
            "request",
        )
        .await
        .unwrap();
    let again = o.submit("擂茶", "request").await;
    let (after, _) = o
        .s()
        .feedback()
        .feedback_item(&o.clerk, again.id)
        .await
        .unwrap();
    let after = after.analysis.unwrap();
    assert!(after.corrections > before.corrections);
    assert_eq!(
        after.category.as_ref().map(|g| g.label.as_str()),
        Some("heritage"),
        "{after:?}"
    );
    // A stale form and a category the institution does not have change nothing.
    assert!(matches!(
        o.s()
            .feedback()
            .classify_feedback(
                &o.clerk,
                first.id,
                Some(item.version),
                "training",
                "request"
            )
            .await,
        Err(ServiceError::Conflict)
    ));
    let (now, _) = o
        .s()
        .feedback()
        .feedback_item(&o.clerk, first.id)
        .await
        .unwrap();
    let e = o
        .s()
        .feedback()
        .classify_feedback(&o.clerk, first.id, Some(now.version), "weather", "wish")
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["category", "kind"]);
    // Department staff cannot classify.
    let e = o
        .s()
        .feedback()
        .classify_feedback(&o.worker, first.id, None, "heritage", "request")
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::NotFound), "{e:?}");
}

async fn a_near_copy_finds_the_first_as_a_likely_duplicate(o: Office) {
    let first = o
        .submit("农家书屋周末能不能开门？平时上班没时间去借书", "request")
        .await;
    let other = o
        .submit("广场舞的音响晚上太吵了，影响休息", "complaint")
        .await;
    let copy = o
        .submit("農家書屋週末能不能開門 平時上班沒時間去借書😊", "request")
        .await;
    let (item, _) = o
        .s()
        .feedback()
        .feedback_item(&o.clerk, copy.id)
        .await
        .unwrap();
    let similar = o
        .s()
        .feedback()
        .similar_feedback(
            o.app.institution.id,
            Some(&o.clerk),
            &item.body,
            Some(copy.id),
            5,
        )
        .await
        .unwrap();
    assert_eq!(similar.first().map(|s| s.id), Some(first.id), "{similar:?}");
    assert!(similar[0].duplicate);
    assert!(similar.iter().all(|s| s.id != other.id));
}

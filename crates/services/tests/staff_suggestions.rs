//! The anonymous staff suggestion box, told as stories on both engines: what is stored has
//! no link to the sender, the office answers for everyone to read, and a quarter is summed up.

use domain::time::{HOUR_MS, MINUTE_MS};
use domain::{Clock, Timestamp};
use services::notices::Quarter;
use services::{ServiceError, Services, Staff};
use testkit::scenario::{App, person};

/// The office director at the centre, a clerk of 城关镇文化站 (the office of her station
/// only), and Wang of 活动部.
struct Office {
    app: App,
    director: Staff,
    tang: Staff,
    wang: Staff,
}

impl testkit::Fixture for Office {
    async fn setup(db: &testkit::TestDb) -> Office {
        let app = App::setup(db).await;
        let centre = app.centre().await;
        let [director, tang, wang] = app
            .hire_all([
                person("director", "director", "office_director", centre.root),
                person("tang", "tang", "office_clerk", centre.station),
                centre.member("wang", "wang"),
            ])
            .await;
        Office {
            app,
            director,
            tang,
            wang,
        }
    }
}

impl Office {
    fn s(&self) -> &Services {
        &self.app.services
    }
}

/// The box's table as it is on disk: its columns, and every row in full.
async fn table(db: &store::Db) -> (Vec<String>, Vec<StoredRow>) {
    let columns = store::staff_suggestions::stored_columns(db).await.unwrap();
    let rows = store::staff_suggestions::stored(db).await.unwrap();
    let rows = rows
        .into_iter()
        .map(|r| {
            (
                r.id,
                r.tenant_id,
                r.body,
                r.received_day,
                r.answer,
                r.answered_by,
                r.answered_at,
                r.created_at,
            )
        })
        .collect();
    (columns, rows)
}

/// Rows of the database's rate limit counters.
async fn limit_rows(db: &store::Db) -> i64 {
    store::rate_limits::count(db).await.unwrap()
}

type StoredRow = (
    i64,
    i64,
    String,
    i64,
    Option<String>,
    Option<i64>,
    Option<i64>,
    i64,
);

/// 2026-11-23 00:00 in Beijing: the day of `testkit::scenario::MONDAY_9AM`.
const MONDAY: Timestamp = Timestamp(1_795_363_200_000);

testkit::on_both_engines! {
    what_is_stored_cannot_be_traced_to_its_sender(Office),
    the_office_answers_for_everyone_and_nobody_else_can(Office),
    a_few_a_day_per_person_and_each_quarter_summed_up(Office),
}

async fn what_is_stored_cannot_be_traced_to_its_sender(o: Office) {
    let s = o.s();
    let db = s.db();
    let audit_before = s
        .audit_log(&o.app.admin, Default::default())
        .await
        .unwrap()
        .len();
    let limits_before = limit_rows(db).await;

    // Wang writes at nine, Tang at a quarter to five.
    s.notices()
        .submit_suggestion(&o.wang, "通知太多，工作群里消息刷屏，重要的反而看不到。")
        .await
        .unwrap();
    o.app.clock.advance_ms(7 * HOUR_MS + 45 * MINUTE_MS);
    s.notices()
        .submit_suggestion(&o.tang, "  会议通知能不能至少提前一天发？  ")
        .await
        .unwrap();

    let (columns, rows) = table(db).await;
    assert_eq!(
        columns,
        [
            "id",
            "tenant_id",
            "body",
            "received_day",
            "answer",
            "answered_by",
            "answered_at",
            "created_at"
        ],
        "no column for an account, an address or a time of day"
    );
    assert_eq!(rows.len(), 2);
    for (id, tenant, _body, day, answer, answered_by, answered_at, created_at) in &rows {
        assert_eq!(*tenant, o.app.institution.id.0);
        assert_eq!(
            (*day, *created_at),
            (MONDAY.0, MONDAY.0),
            "only the day, at local midnight"
        );
        assert_eq!((answer, answered_by, answered_at), (&None, &None, &None));
        for person in [&o.wang, &o.tang] {
            assert_ne!(*id, person.actor.user_id.0);
        }
    }
    assert_eq!(
        rows[0].2, "会议通知能不能至少提前一天发？",
        "trimmed, as written"
    );
    // The two rows differ in their text only: nothing tells which came first.
    let (a, b) = (&rows[0], &rows[1]);
    assert_eq!((a.1, a.3, a.7), (b.1, b.3, b.7));
    assert!(
        (a.0 - b.0).abs() > 1,
        "ids are drawn at random, not counted up: {} {}",
        a.0,
        b.0
    );

    // Nobody's name went into the audit log, nor a counter into the database.
    assert_eq!(
        s.audit_log(&o.app.admin, Default::default())
            .await
            .unwrap()
            .len(),
        audit_before
    );
    assert_eq!(limit_rows(db).await, limits_before);

    // The box shows the day, the same for both.
    let shown = s.notices().suggestion_box(&o.wang).await.unwrap();
    assert_eq!(shown.suggestions.len(), 2);
    assert!(shown.suggestions.iter().all(|v| v.day == MONDAY));

    // Just after midnight it is the next day.
    o.app
        .clock
        .set(Timestamp(MONDAY.0 + 24 * HOUR_MS + MINUTE_MS));
    s.notices()
        .submit_suggestion(&o.wang, "建议工作群只转发通知标题和链接。")
        .await
        .unwrap();
    let shown = s.notices().suggestion_box(&o.director).await.unwrap();
    assert_eq!(
        shown.suggestions[0].day,
        Timestamp(MONDAY.0 + 24 * HOUR_MS),
        "newest day first"
    );
    assert_eq!(
        shown.suggestions[0].body,
        "建议工作群只转发通知标题和链接。"
    );
}

async fn the_office_answers_for_everyone_and_nobody_else_can(o: Office) {
    let s = o.s();
    s.notices()
        .submit_suggestion(&o.wang, "希望通知能同时发到邮箱。")
        .await
        .unwrap();
    let id = s
        .notices()
        .suggestion_box(&o.wang)
        .await
        .unwrap()
        .suggestions[0]
        .id;

    assert!(
        !s.notices()
            .suggestion_box(&o.wang)
            .await
            .unwrap()
            .can_answer
    );
    assert!(
        !s.notices()
            .suggestion_box(&o.tang)
            .await
            .unwrap()
            .can_answer,
        "a station's office is not the institution's"
    );
    assert!(
        s.notices()
            .suggestion_box(&o.director)
            .await
            .unwrap()
            .can_answer
    );
    for who in [&o.wang, &o.tang] {
        assert!(matches!(
            s.notices().answer_suggestion(who, id, "好的").await,
            Err(ServiceError::Forbidden)
        ));
    }
    match s.notices().answer_suggestion(&o.director, id, "  ").await {
        Err(ServiceError::Invalid(invalid)) => assert_eq!(invalid.0[0].field, "answer"),
        other => panic!("expected a field error, got {other:?}"),
    }
    assert!(matches!(
        s.notices().answer_suggestion(&o.director, 42, "好的").await,
        Err(ServiceError::NotFound)
    ));

    o.app.clock.advance_ms(HOUR_MS);
    s.notices()
        .answer_suggestion(&o.director, id, "已经开通：每条通知都会同时发邮件。")
        .await
        .unwrap();
    for who in [&o.wang, &o.tang, &o.director] {
        let seen = &s.notices().suggestion_box(who).await.unwrap().suggestions[0];
        assert_eq!(
            seen.answer.as_deref(),
            Some("已经开通：每条通知都会同时发邮件。")
        );
        assert_eq!(seen.answered_at, Some(o.app.clock.now()));
    }
    // The answer is the office's act, and it is on the record.
    let audit = s.audit_log(&o.app.admin, Default::default()).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "staff_suggestion.answer" && e.actor == "director")
    );
    assert!(
        audit
            .iter()
            .all(|e| !e.action.contains("suggestion") || e.action == "staff_suggestion.answer")
    );
}

async fn a_few_a_day_per_person_and_each_quarter_summed_up(o: Office) {
    let s = o.s();
    let texts = [
        "通知太多，工作群里消息刷屏。",
        "重要通知最好电话提醒一下。",
        "会议通知能不能提前一天发？",
        "周例会的纪要请发到工作群。",
        "意见箱很好，请坚持下去。",
    ];
    for text in texts {
        s.notices().submit_suggestion(&o.wang, text).await.unwrap();
    }
    assert!(matches!(
        s.notices().submit_suggestion(&o.wang, "再说一条").await,
        Err(ServiceError::RateLimited { .. })
    ));
    s.notices()
        .submit_suggestion(&o.tang, "通知正文能短一点。")
        .await
        .unwrap();
    let id = s
        .notices()
        .suggestion_box(&o.wang)
        .await
        .unwrap()
        .suggestions[0]
        .id;
    s.notices()
        .answer_suggestion(&o.director, id, "收到，会改进。")
        .await
        .unwrap();

    let q = s.notices().current_quarter(&o.wang).await.unwrap();
    assert_eq!(q, Quarter::parse("2026-4").unwrap());
    let summary = s.notices().suggestion_quarter(&o.wang, q).await.unwrap();
    assert_eq!(
        (summary.received, summary.answered, summary.answered_percent),
        (6, 1, Some(17))
    );
    // 通知 is in four of them; nothing else is in three.
    assert_eq!(summary.top_words, [("通知".to_owned(), 4)]);

    let before = s
        .notices()
        .suggestion_quarter(&o.wang, q.previous())
        .await
        .unwrap();
    assert_eq!((before.received, before.answered_percent), (0, None));
    assert!(before.top_words.is_empty());
}

//! Migration 0010 (and 0011 after it) carries the two old "exactly once" mechanisms over to
//! the reminder ledger: what had fired stays fired, and what was waiting for its time still
//! wakes the sweep. Migration 0012 carries the notices' review state over to the one review
//! chain. Told once, run on SQLite and PostgreSQL, on a database written before it.

use domain::notice::{NoticeCategory, NoticePriority};
use domain::{TenantId, Timestamp};
use store::engine_sql::Raw;
use store::feedback::{self as fb, NewFeedback};
use store::notices::{self, NewNotice};
use store::reminders::{self, Subject, SubjectKind};
use store::{Conn, Db, org, tenants, users};
use testkit::TestDb;

const NOW: Timestamp = Timestamp(1_795_327_380_000);
const HOUR: i64 = 3_600_000;

/// The same statement on both engines, its values numbered from 1.
fn raw(sql_sqlite: &'static str, sql_postgres: &'static str, values: Vec<sea_query::Value>) -> Raw {
    Raw {
        sqlite: sql_sqlite,
        postgres: sql_postgres,
        values: sea_query::Values(values),
    }
}

/// The subjects with something due, as (institution, id).
async fn due_in(db: &store::Db, kind: SubjectKind, at: Timestamp) -> Vec<(TenantId, i64)> {
    reminders::due_subjects(db, kind, at, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.tenant, d.subject_id))
        .collect()
}

async fn carries_the_old_state_over(db: &Db) {
    db.migrate_to(9).await.unwrap();
    let t: TenantId = tenants::insert(db, "WH", "武侯区文化馆", NOW)
        .await
        .unwrap();
    let centre = org::insert_unit(db, t, None, "centre", "文化馆", 0, NOW)
        .await
        .unwrap();
    let author = users::insert(
        db,
        users::NewUser {
            tenant: t,
            username: "li.wen",
            display_name: "李文员",
            email: None,
            mobile: None,
            password_hash: "x",
            must_change_password: false,
            platform_admin: false,
        },
        NOW,
    )
    .await
    .unwrap();
    // A feedback item whose first-response reminder fired, and whose next check is due.
    let mut item = NewFeedback::new(t, "WH-2026-000001".into(), "阅览室灯坏了".into(), NOW);
    item.unit_id = centre.id;
    item.station_id = centre.id;
    item.unit_path = centre.path.clone();
    let item = fb::insert(db, item).await.unwrap();
    db.execute(&raw(
        "INSERT INTO feedback_alerts (feedback_id, kind, tenant_id, fired_at) VALUES (?1, 'first_response_reminder', ?2, ?3)",
        "INSERT INTO feedback_alerts (feedback_id, kind, tenant_id, fired_at) VALUES ($1, 'first_response_reminder', $2, $3)",
        vec![item.into(), t.0.into(), (NOW.0 + HOUR).into()],
    )).await.unwrap();
    db.execute(&raw(
        "UPDATE feedback SET next_check_at = ?1 WHERE id = ?2",
        "UPDATE feedback SET next_check_at = $1 WHERE id = $2",
        vec![(NOW.0 + 2 * HOUR).into(), item.into()],
    ))
    .await
    .unwrap();
    // A notice reminded twice and escalated, and one reminded once with more to come.
    let notice = |title: &str| NewNotice {
        unit_id: centre.id,
        unit_path: centre.unit_path(),
        author,
        reviewer: None,
        title: title.into(),
        body: "正文".into(),
        category: NoticeCategory::ALL[0],
        priority: NoticePriority::Urgent,
        requires_ack: false,
        audience: "[]".into(),
        effective_at: None,
        expires_at: None,
        publish_at: None,
        lead_override_reason: None,
        on_hall_screen: false,
        submission_key: None,
    };
    let done = notices::insert(db, t, notice("防汛值班"), NOW)
        .await
        .unwrap();
    let going = notices::insert(db, t, notice("培训报名"), NOW)
        .await
        .unwrap();
    db.execute(&raw(
        "UPDATE notices SET status = 'published', published_at = ?1, reminder_steps = 2, escalated_at = ?2, version = 3 WHERE id = ?3",
        "UPDATE notices SET status = 'published', published_at = $1, reminder_steps = 2, escalated_at = $2, version = 3 WHERE id = $3",
        vec![NOW.0.into(), (NOW.0 + HOUR).into(), done.into()],
    )).await.unwrap();
    db.execute(&raw(
        "UPDATE notices SET status = 'published', published_at = ?1, reminder_steps = 1, next_check_at = ?2 WHERE id = ?3",
        "UPDATE notices SET status = 'published', published_at = $1, reminder_steps = 1, next_check_at = $2 WHERE id = $3",
        vec![NOW.0.into(), (NOW.0 + 3 * HOUR).into(), going.into()],
    )).await.unwrap();

    let waiting = notices::insert(db, t, notice("文艺汇演方案"), NOW)
        .await
        .unwrap();
    let sent_back = notices::insert(db, t, notice("值班表"), NOW).await.unwrap();
    let draft = notices::insert(db, t, notice("草稿"), NOW).await.unwrap();
    for (id, status) in [(waiting, "in_review"), (sent_back, "changes_requested")] {
        db.execute(&raw(
            "UPDATE notices SET status = ?1 WHERE id = ?2",
            "UPDATE notices SET status = $1 WHERE id = $2",
            vec![status.into(), id.into()],
        ))
        .await
        .unwrap();
    }

    db.migrate().await.unwrap();

    // 0012: every notice that was sent for review has its review on the chain, at the
    // place its status said; a draft has none.
    let review = |id: i64| async move {
        let row = notices::find(db, t, id).await.unwrap().unwrap();
        let chain = row.review_chain.map(|c| {
            let chain: domain::review::Chain = serde_json::from_str(&c).unwrap();
            assert_eq!(chain, domain::review::Chain::notice_review());
        });
        chain.and(row.review_progress)
    };
    assert_eq!(review(done).await.as_deref(), Some("approved:0"));
    assert_eq!(review(waiting).await.as_deref(), Some("in_review"));
    assert_eq!(
        review(sent_back).await.as_deref(),
        Some("changes_requested@0")
    );
    assert_eq!(review(draft).await, None);

    // 0011: the corrected notice is still in its third edition; its row version starts at 0.
    let corrected = notices::find(db, t, done).await.unwrap().unwrap();
    assert_eq!((corrected.edition, corrected.version), (3, 0));

    // What was waiting still wakes the sweep at its time, and not before.
    let at = |h: i64| Timestamp(NOW.0 + h * HOUR);
    assert!(due_in(db, SubjectKind::Feedback, at(1)).await.is_empty());
    assert_eq!(
        due_in(db, SubjectKind::Feedback, at(2)).await,
        vec![(t, item)]
    );
    assert!(due_in(db, SubjectKind::Notice, at(2)).await.is_empty());
    assert_eq!(
        due_in(db, SubjectKind::Notice, at(3)).await,
        vec![(t, going)]
    );
    assert_eq!(
        reminders::next_due(db, Subject::Notice(done))
            .await
            .unwrap(),
        None,
        "nothing more for it"
    );

    // What fired stays fired: planned again, it is not due again.
    let item = Subject::Feedback(item);
    assert_eq!(
        reminders::fired(db, item).await.unwrap(),
        vec!["first_response_reminder".to_owned()]
    );
    reminders::plan(
        db,
        t,
        item,
        &[("first_response_reminder", Timestamp(NOW.0 + 5 * HOUR))],
    )
    .await
    .unwrap();
    assert!(
        !reminders::claim(
            db,
            item,
            "first_response_reminder",
            Timestamp(NOW.0 + 5 * HOUR)
        )
        .await
        .unwrap()
    );
    let mut fired = reminders::fired(db, Subject::Notice(done)).await.unwrap();
    fired.sort();
    assert_eq!(fired, vec!["escalate", "remind_1", "remind_2"]);
    assert_eq!(
        reminders::fired(db, Subject::Notice(going)).await.unwrap(),
        vec!["remind_1".to_owned()]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    carries_the_old_state_over(&TestDb::sqlite_unmigrated().await.db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    if let Some(t) = TestDb::postgres_unmigrated().await {
        carries_the_old_state_over(&t.db).await;
    }
}

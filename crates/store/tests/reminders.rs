//! The reminder ledger, told once and run on SQLite and PostgreSQL: a plan follows its
//! subject, a due step is claimed by exactly one of many parallel sweepers, and a fired step
//! is never planned again until it is forgotten.

use domain::{TenantId, Timestamp};
use store::reminders::{self, RECHECK, Subject, SubjectKind};
use store::{Db, tenants};

const NOW: Timestamp = Timestamp(1_795_327_380_000);
const HOUR: i64 = 3_600_000;

fn at(hours: i64) -> Timestamp {
    Timestamp(NOW.0 + hours * HOUR)
}

async fn tenant(db: &Db) -> TenantId {
    tenants::insert(db, "WH", "武侯区文化馆", NOW)
        .await
        .unwrap()
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

testkit::on_both_engines! {
    async fn a_plan_follows_its_subject_and_only_due_subjects_are_swept(db: Db) {
        let t = tenant(&db).await;
        let item = Subject::Feedback(7);
        reminders::plan(&db, t, item, &[("first_response_reminder", at(2)), ("first_response_overdue", at(4))]).await.unwrap();
        reminders::plan(&db, t, Subject::Notice(7), &[("remind_1", at(1))]).await.unwrap();
        assert_eq!(reminders::next_due(&db, item).await.unwrap(), Some(at(2)));
        // Each kind sweeps its own subjects, and only those with a step due.
        assert!(due_in(&db, SubjectKind::Feedback, at(1)).await.is_empty());
        assert_eq!(due_in(&db, SubjectKind::Notice, at(1)).await, vec![(t, 7)]);
        assert_eq!(due_in(&db, SubjectKind::Feedback, at(2)).await, vec![(t, 7)]);
        // A new plan moves the steps it keeps and drops the others.
        reminders::plan(&db, t, item, &[("first_response_overdue", at(6))]).await.unwrap();
        assert_eq!(reminders::next_due(&db, item).await.unwrap(), Some(at(6)));
        assert!(!reminders::claim(&db, item, "first_response_reminder", at(6)).await.unwrap(), "dropped");
        // An empty plan: nothing more is due.
        reminders::plan(&db, t, item, &[]).await.unwrap();
        assert_eq!(reminders::next_due(&db, item).await.unwrap(), None);
    }

    async fn a_due_step_is_claimed_once_however_many_sweep_at_once(db: Db) {
        let t = tenant(&db).await;
        let item = Subject::Feedback(11);
        reminders::plan(&db, t, item, &[("resolution_overdue", at(1))]).await.unwrap();
        let sweepers = (0..8).map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                let tx = db.begin().await.unwrap();
                let mine = reminders::claim(&tx, item, "resolution_overdue", at(1)).await.unwrap();
                tx.commit().await.unwrap();
                mine
            })
        });
        let mut claimed = 0;
        for sweeper in sweepers {
            claimed += usize::from(sweeper.await.unwrap());
        }
        assert_eq!(claimed, 1, "exactly one sweeper sends");
        assert_eq!(reminders::fired(&db, item).await.unwrap(), vec!["resolution_overdue".to_owned()]);
        // A claim rolled back (the messages were not queued) leaves the step to the next sweep.
        reminders::plan(&db, t, item, &[("resolution_overdue", at(1)), ("resolution_escalated", at(2))]).await.unwrap();
        let tx = db.begin().await.unwrap();
        assert!(reminders::claim(&tx, item, "resolution_escalated", at(2)).await.unwrap());
        drop(tx);
        assert!(reminders::claim(&db, item, "resolution_escalated", at(2)).await.unwrap());
    }

    async fn a_fired_step_stays_fired_until_forgotten(db: Db) {
        let t = tenant(&db).await;
        let item = Subject::Feedback(3);
        reminders::plan(&db, t, item, &[("resolution_reminder", at(1))]).await.unwrap();
        assert!(reminders::claim(&db, item, "resolution_reminder", at(1)).await.unwrap());
        // Planned again (the item changed): still fired, not due again.
        reminders::plan(&db, t, item, &[("resolution_reminder", at(5))]).await.unwrap();
        assert_eq!(reminders::next_due(&db, item).await.unwrap(), None);
        assert!(!reminders::claim(&db, item, "resolution_reminder", at(5)).await.unwrap());
        // A step due the moment something happens fires once.
        assert!(reminders::fire_now(&db, t, item, "reopened_1", at(2)).await.unwrap());
        assert!(!reminders::fire_now(&db, t, item, "reopened_1", at(3)).await.unwrap());
        // Forgotten (the item was reopened): it may be planned and fire again.
        reminders::forget(&db, item, &["resolution_reminder"]).await.unwrap();
        reminders::plan(&db, t, item, &[("resolution_reminder", at(6)), (RECHECK, at(6))]).await.unwrap();
        assert_eq!(due_in(&db, SubjectKind::Feedback, at(6)).await, vec![(t, 3)]);
        let due = reminders::due_subjects(&db, SubjectKind::Feedback, at(6), 10).await.unwrap();
        let mut steps = due[0].steps.clone();
        steps.sort();
        assert_eq!(steps, vec![RECHECK.to_owned(), "resolution_reminder".to_owned()], "which steps are due, once per subject");
        assert!(reminders::claim(&db, item, "resolution_reminder", at(6)).await.unwrap());
    }
}

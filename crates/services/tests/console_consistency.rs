//! What the staff console says about deadlines and categories, told as stories on both
//! engines: a row's label, the queue an item is in and the queue's count never contradict
//! each other; the public sees a category only once it is confirmed (or the institution
//! publishes confident guesses), staff see the guess with its confidence, and triage holds
//! every open item without a confirmed category.

use domain::Timestamp;
use domain::time::{DAY_MS, HOUR_MS};
use services::feedback::{BoardQuery, DueState, InboxQuery, Intake, StaffAction};
use services::{Services, Staff};
use testkit::scenario::{App, MONDAY_9AM, PersonExt, person};

struct Office {
    app: App,
    clerk: Staff,
    activity: i64,
}

impl testkit::Fixture for Office {
    async fn setup(db: &testkit::TestDb) -> Office {
        let app = App::setup(db).await;
        let root = app.root;
        let activity = app.add_department(root, "活动部").await;
        let clerk = app
            .hire(person("clerk", "李文员", "office_clerk", root).with_email())
            .await;
        Office {
            app,
            clerk,
            activity: activity.0,
        }
    }
}

impl Office {
    fn s(&self) -> &Services {
        &self.app.services
    }

    async fn submit(&self, text: &str, category: Option<&str>) -> i64 {
        let intake = Intake {
            text: text.into(),
            kind: "request".into(),
            category: category.map(str::to_owned),
            ..Default::default()
        };
        self.app.send(intake).await.id
    }

    async fn act(&self, id: i64, action: StaffAction) {
        self.s()
            .feedback()
            .act_on_feedback(&self.clerk, id, None, action)
            .await
            .unwrap();
    }

    async fn queue(&self, queue: &str) -> Vec<i64> {
        let q = InboxQuery {
            queue: queue.into(),
            ..Default::default()
        };
        let page = self.s().feedback().inbox(&self.clerk, &q).await.unwrap();
        page.rows.iter().map(|r| r.id).collect()
    }

    /// For every item: its label in the inbox, on its own page, and whether it is in the
    /// due-soon and overdue queues; and the two counts. Panics where they disagree.
    async fn deadlines_agree(&self) -> Vec<(i64, DueState)> {
        let labels: Vec<(i64, DueState)> = self
            .s()
            .feedback()
            .inbox(&self.clerk, &InboxQuery::default())
            .await
            .unwrap()
            .rows
            .iter()
            .map(|r| (r.id, r.due))
            .collect();
        let due_soon = self.queue("due_soon").await;
        let overdue = self.queue("overdue").await;
        let counts = self.s().feedback().inbox_counts(&self.clerk).await.unwrap();
        for (id, label) in &labels {
            let (item, _) = self
                .s()
                .feedback()
                .feedback_item(&self.clerk, *id)
                .await
                .unwrap();
            assert_eq!(item.due, *label, "item {id}: its page and its row");
            assert_eq!(
                due_soon.contains(id),
                *label == DueState::DueSoon,
                "item {id} labelled {label:?}: the due-soon queue {due_soon:?}"
            );
            assert_eq!(
                overdue.contains(id),
                *label == DueState::Overdue,
                "item {id} labelled {label:?}: the overdue queue {overdue:?}"
            );
        }
        let count = |state: DueState| labels.iter().filter(|(_, l)| *l == state).count() as i64;
        assert_eq!(counts.due_soon, count(DueState::DueSoon), "{labels:?}");
        assert_eq!(counts.overdue, count(DueState::Overdue), "{labels:?}");
        labels
    }
}

fn state_of(labels: &[(i64, DueState)], id: i64) -> DueState {
    labels.iter().find(|(i, _)| *i == id).unwrap().1
}

testkit::on_both_engines! {
    a_rows_deadline_label_its_queue_and_the_count_always_agree(Office),
    the_public_sees_a_category_once_staff_confirm_it_and_staff_see_the_guess(Office),
    an_institution_may_publish_confident_guesses(Office),
}

async fn a_rows_deadline_label_its_queue_and_the_count_always_agree(o: Office) {
    // Monday 09:00: respond within one working day (Tuesday 09:00), resolve within five
    // (next Monday 09:00). Nobody responds to this one.
    let ignored = o.submit("文化站门口的路灯坏了", Some("facility")).await;
    // Accepted at once: only its resolution deadline is pending.
    let accepted = o.submit("希望增加少儿书法班", Some("training")).await;
    o.act(accepted, StaffAction::Accept).await;
    // Waiting on the submitter: paused, in neither queue.
    let waiting = o.submit("活动报名系统打不开", Some("service")).await;
    o.act(
        waiting,
        StaffAction::AskSubmitter {
            question: "请问是哪一天？".into(),
        },
    )
    .await;
    // Wednesday 10:00: due next Wednesday 10:00; accepted.
    o.app
        .clock
        .set(Timestamp(MONDAY_9AM.0 + 2 * DAY_MS + HOUR_MS));
    let later = o.submit("建议图书室延长开放时间", Some("facility")).await;
    o.act(later, StaffAction::Accept).await;
    // Friday 14:00, answered: done.
    o.app
        .clock
        .set(Timestamp(MONDAY_9AM.0 + 4 * DAY_MS + 5 * HOUR_MS));
    let answered = o.submit("请问周末是否开放", Some("service")).await;
    o.act(
        answered,
        StaffAction::Answer {
            text: "周末正常开放。".into(),
            adopted: false,
        },
    )
    .await;
    let fresh = o.submit("舞蹈室空调不凉", Some("facility")).await;

    // Friday 15:00. The ignored item missed its first-response deadline on Tuesday,
    // though its resolution deadline is days away: overdue, in row and queue alike.
    // The accepted one is due Monday 09:00, with no working time between: due soon.
    o.app
        .clock
        .set(Timestamp(MONDAY_9AM.0 + 4 * DAY_MS + 6 * HOUR_MS));
    let labels = o.deadlines_agree().await;
    assert_eq!(state_of(&labels, ignored), DueState::Overdue);
    assert_eq!(state_of(&labels, accepted), DueState::DueSoon);
    assert_eq!(state_of(&labels, waiting), DueState::Paused);
    assert_eq!(state_of(&labels, later), DueState::OnTrack);
    assert_eq!(state_of(&labels, answered), DueState::Done);
    // Received an hour ago: its first response is due Monday 14:00, within a working day.
    assert_eq!(state_of(&labels, fresh), DueState::DueSoon);

    // And at other moments of the following week, whatever each item's state then.
    for hours in [18 + 48, 72 + 1, 72 + 6, 96 + 2, 120 + 23, 168] {
        o.app
            .clock
            .set(Timestamp(MONDAY_9AM.0 + 4 * DAY_MS + hours * HOUR_MS));
        o.deadlines_agree().await;
    }
}

async fn the_public_sees_a_category_once_staff_confirm_it_and_staff_see_the_guess(o: Office) {
    // The submitter chose no category; the system reads it confidently all the same.
    let guessed = o.submit("希望城关镇文化站周末开放书法班", None).await;
    let chosen = o.submit("建议图书室延长开放时间", Some("facility")).await;
    let (item, _) = o
        .s()
        .feedback()
        .feedback_item(&o.clerk, guessed)
        .await
        .unwrap();
    let guess = item
        .analysis
        .as_ref()
        .and_then(|a| a.category.clone())
        .expect("a guess");
    assert!(guess.confident, "{guess:?}");

    // Staff see the guess, with its confidence, in the inbox's column too.
    let rows = o
        .s()
        .feedback()
        .inbox(&o.clerk, &InboxQuery::default())
        .await
        .unwrap()
        .rows;
    let row = rows.iter().find(|r| r.id == guessed).unwrap();
    assert_eq!(row.category, None);
    let shown = row.guess.as_ref().expect("the guess in the inbox");
    assert_eq!(shown.category, guess.label);
    assert!(shown.confidence > 0, "{shown:?}");
    // The submitter's own choice is confirmed: no guess beside it.
    let row = rows.iter().find(|r| r.id == chosen).unwrap();
    assert_eq!(
        (row.category.as_deref(), row.guess.is_none()),
        (Some("facility"), true)
    );

    // Without a confirmed category it is in triage, however confident the guess, and
    // the public sees no category.
    assert_eq!(o.queue("triage").await, [guessed]);
    assert_eq!(
        o.s()
            .feedback()
            .inbox_counts(&o.clerk)
            .await
            .unwrap()
            .triage,
        1
    );
    assert!(item.needs_triage);
    let public = public_category(&o, guessed).await;
    assert_eq!(public, None, "a guess is not shown to the public as fact");
    assert_eq!(
        public_category(&o, chosen).await.as_deref(),
        Some("facility")
    );

    // Assigning does not confirm a category by itself: still in triage.
    o.act(
        guessed,
        StaffAction::Assign {
            department: o.activity,
            assignee: None,
            reason: None,
        },
    )
    .await;
    assert_eq!(o.queue("triage").await, [guessed]);

    // Staff confirm it: the public sees it, and it leaves triage.
    o.s()
        .feedback()
        .classify_feedback(&o.clerk, guessed, None, "training", "request")
        .await
        .unwrap();
    assert_eq!(
        public_category(&o, guessed).await.as_deref(),
        Some("training")
    );
    assert!(o.queue("triage").await.is_empty());
    assert_eq!(
        o.s()
            .feedback()
            .inbox_counts(&o.clerk)
            .await
            .unwrap()
            .triage,
        0
    );
    let rows = o
        .s()
        .feedback()
        .inbox(&o.clerk, &InboxQuery::default())
        .await
        .unwrap()
        .rows;
    let row = rows.iter().find(|r| r.id == guessed).unwrap();
    assert_eq!(
        (row.category.as_deref(), row.guess.is_none()),
        (Some("training"), true)
    );
}

async fn an_institution_may_publish_confident_guesses(o: Office) {
    let guessed = o.submit("希望城关镇文化站周末开放书法班", None).await;
    assert_eq!(public_category(&o, guessed).await, None);
    let settings = services::feedback::FeedbackSettings {
        publish_confident_guesses: true,
        ..o.s()
            .feedback()
            .feedback_settings(&o.app.admin)
            .await
            .unwrap()
    };
    o.s()
        .feedback()
        .update_feedback_settings(&o.app.admin, settings)
        .await
        .unwrap();
    let (item, _) = o
        .s()
        .feedback()
        .feedback_item(&o.clerk, guessed)
        .await
        .unwrap();
    let guess = item.suggested_category.clone().expect("a confident guess");
    assert_eq!(public_category(&o, guessed).await, Some(guess.clone()));
    // The board's category filter finds what its cards show.
    let q = BoardQuery {
        category: Some(guess),
        ..Default::default()
    };
    let board = o
        .s()
        .feedback()
        .board(&o.app.institution, &q)
        .await
        .unwrap();
    assert_eq!(board.items.len(), 1);
    // It still waits in triage: the guess is shown, not confirmed.
    assert_eq!(o.queue("triage").await, [guessed]);
}

/// The category the public board shows for the item, checking the board's list and the
/// item's own page say the same.
async fn public_category(o: &Office, id: i64) -> Option<String> {
    let (item, _) = o.s().feedback().feedback_item(&o.clerk, id).await.unwrap();
    let board = o
        .s()
        .feedback()
        .board(&o.app.institution, &BoardQuery::default())
        .await
        .unwrap();
    let card = board
        .items
        .iter()
        .find(|i| i.tracking_no == item.tracking_no)
        .expect("on the board");
    let (page, _) = o
        .s()
        .feedback()
        .board_item(&o.app.institution, &item.tracking_no)
        .await
        .unwrap();
    assert_eq!(card.category, page.category);
    page.category
}

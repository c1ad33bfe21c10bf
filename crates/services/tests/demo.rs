//! The demo a newcomer starts with (`serve --demo`), on both engines: a living office.

use domain::Role;
use domain::notice::AudienceRule;
use services::notices::{NoticeDraft, NoticeListFilter};
use std::collections::BTreeSet;
use testkit::scenario::{Demo, fields};

testkit::on_both_engines! {
    the_demo_office_has_notices_in_every_state_and_one_on_the_hall_screen(Demo),
    the_office_director_with_nobody_above_him_chooses_a_reviewer(Demo),
    the_demo_term_has_classes_full_and_waiting_checked_in_rated_and_a_lottery_open(Demo),
}

/// The calendar is alive at first start: classes across stations, one full with a waiting
/// list, past lessons checked in and rated, a lottery taking applications, performances
/// that need no registration.
async fn the_demo_term_has_classes_full_and_waiting_checked_in_rated_and_a_lottery_open(d: Demo) {
    let s = &d.services;
    let director = d.staff("zhou.min").await;
    let tenant = director.actor.tenant_id;
    let coming = s
        .events()
        .calendar(tenant, &Default::default())
        .await
        .unwrap();
    assert!(coming.len() >= 8, "{} dates coming", coming.len());
    assert!(coming.iter().any(|e| e.booking == "none"));
    let stations: std::collections::HashSet<&str> =
        coming.iter().map(|e| e.unit_name.as_str()).collect();
    assert!(stations.len() >= 3, "{stations:?}");
    let mine = s.events().staff_activities(&director).await.unwrap();
    assert!(
        mine.iter()
            .any(|a| a.dates.iter().any(|d| d.seats_left == 0 && d.waiting > 0))
    );
    assert!(
        mine.iter()
            .any(|a| a.allocation == "lottery" && a.lottery_commitment.is_some())
    );
    let figures = s
        .events()
        .figures(
            &director,
            s.now().minus_ms(60 * domain::time::DAY_MS),
            s.now(),
        )
        .await
        .unwrap();
    assert!(
        figures
            .iter()
            .any(|f| f.attended > 0 && f.no_shows > 0 && f.ratings > 0)
    );
}

async fn the_demo_office_has_notices_in_every_state_and_one_on_the_hall_screen(d: Demo) {
    let s = &d.services;
    let now = s.now();
    let director = d.staff("zhou.min").await;
    let office = s
        .notices()
        .list(&director, NoticeListFilter::Office, 500)
        .await
        .unwrap();
    let states: BTreeSet<&str> = office.iter().map(|n| n.status.as_str()).collect();
    for state in [
        "draft",
        "in_review",
        "changes_requested",
        "scheduled",
        "published",
        "retracted",
    ] {
        assert!(
            states.contains(state),
            "no {state} notice in the demo: {states:?}"
        );
    }
    assert!(
        office
            .iter()
            .any(|n| n.status.as_str() == "published" && n.correction_count > 0),
        "a corrected one"
    );
    assert!(
        office
            .iter()
            .any(|n| n.status.as_str() == "published" && n.expires_at.is_some_and(|at| at < now)),
        "an expired one"
    );
    let units: BTreeSet<i64> = office.iter().map(|n| n.unit_id).collect();
    assert!(
        units.len() >= 3,
        "the centre and stations write notices: {units:?}"
    );

    // Published ones were read, acknowledged, and not yet read by someone.
    let mut read = 0;
    let mut acknowledged = 0;
    let mut unread = 0;
    for n in office.iter().filter(|n| n.status.as_str() == "published") {
        let r = s
            .notices()
            .notice_receipts(&director, n.id, None, None)
            .await
            .unwrap();
        read += r.read;
        acknowledged += r.acknowledged;
        unread += r.total - r.read;
    }
    assert!(
        read > 0 && acknowledged > 0 && unread > 0,
        "{read} read, {acknowledged} acknowledged, {unread} unread"
    );
    // Reminders and escalations happened on their days.
    let mut actions = BTreeSet::new();
    for n in &office {
        actions.extend(
            s.notices()
                .notice_events(&director, n.id)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.action),
        );
    }
    for action in [
        "submitted",
        "approved",
        "changes_requested",
        "published",
        "corrected",
        "retracted",
        "reminded_email",
        "escalated",
    ] {
        assert!(
            actions.contains(action),
            "no {action} in the demo: {actions:?}"
        );
    }

    // One notice on the hall screen, to the whole centre, chosen by its author.
    let board = s
        .notices()
        .notice_board(director.actor.tenant_id)
        .await
        .unwrap();
    let titles: Vec<&str> = board.iter().map(|n| n.title.as_str()).collect();
    assert_eq!(titles, ["文化馆冬季开放时间调整"]);
}

async fn the_office_director_with_nobody_above_him_chooses_a_reviewer(d: Demo) {
    let s = &d.services;
    // 周敏 heads the office and is its director: no supervisor to default to.
    let director = d.staff("zhou.min").await;
    let centre = s.org_tree(director.actor.tenant_id).await.unwrap().units[0].clone();
    let path = domain::UnitPath::from_stored(centre.path.clone());
    assert_eq!(
        s.notices()
            .default_reviewer_for(&director, &path)
            .await
            .unwrap(),
        None
    );
    let draft = NoticeDraft {
        title: "年终总结会".into(),
        body: "下周五下午各部门负责人汇报全年工作。".into(),
        category: "meeting".into(),
        priority: "important".into(),
        audience: vec![AudienceRule::Role {
            role: Role::DepartmentHead,
        }],
        ..Default::default()
    };
    // Said when the draft is saved, on the reviewer field, not at "send for review".
    let e = s
        .notices()
        .create_notice(&director, &draft, None)
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["reviewer"]);
    assert!(
        s.notices()
            .list(&director, NoticeListFilter::Mine, 50)
            .await
            .unwrap()
            .is_empty()
    );
    let chen = s
        .eligible_reviewers(&director, &path)
        .await
        .unwrap()
        .into_iter()
        .find(|(_, name)| name == "陈浩")
        .expect("陈浩 may review the centre's notices");
    let id = s
        .notices()
        .create_notice(
            &director,
            &NoticeDraft {
                reviewer: Some(chen.0),
                ..draft
            },
            None,
        )
        .await
        .unwrap();
    s.notices().submit_notice(&director, id).await.unwrap();
    let head = d.staff("chen.hao").await;
    assert!(s.notices().notice(&head, id).await.unwrap().can.review);
    // 陈浩's own supervisor is there by default, by name.
    assert_eq!(
        s.notices()
            .default_reviewer_for(&head, &path)
            .await
            .unwrap()
            .map(|(_, name)| name),
        Some("周敏".to_owned())
    );
}

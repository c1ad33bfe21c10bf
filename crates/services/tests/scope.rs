//! Acting on something outside one's own units (issue 11): staff accounts with a wider role,
//! merge targets, departments and reviewers of another station, on both engines.

use domain::feedback::Status;
use domain::notice::AudienceRule;
use domain::{UnitId, UserId};
use i18n::Key;
use services::feedback::{StaffAction, Submitted};
use services::notices::NoticeDraft;
use services::{ServiceError, Services, Staff};
use testkit::scenario::{App, PersonExt, field_errors, person, staff};

/// The centre (with 活动部 and its head), 东山镇文化站 (with its own 文体部 and head) and
/// 西岭乡文化站 (with 综合部). The office director also holds a role at 东山: the county-wide
/// account a station's administrator must not reach. 东山 has its own administrator and clerk.
struct County {
    app: App,
    root: UnitId,
    east: UnitId,
    west: UnitId,
    centre_dept: i64,
    east_dept: i64,
    west_dept: i64,
    director_id: UserId,
    director_password: String,
    centre_head_id: UserId,
    east_head_id: UserId,
    /// A clerk over the whole county, and one over 东山 only.
    clerk: Staff,
    east_clerk: Staff,
    east_admin: Staff,
}

impl testkit::Fixture for County {
    async fn setup(db: &testkit::TestDb) -> County {
        let app = App::setup(db).await;
        let s = &app.services;
        let admin = &app.admin;
        let root = app.root;
        let east = app.add_station("东山镇文化站").await;
        let west = app.add_station("西岭乡文化站").await;
        let centre_dept = app.add_department(root, "活动部").await;
        let east_dept = app.add_department(east, "东山文体部").await;
        let west_dept = app.add_department(west, "西岭综合部").await;
        let mut ids = Vec::new();
        let mut passwords = Vec::new();
        for new in [
            person("director", "周主任", "office_director", root),
            person("clerk", "李文员", "office_clerk", root),
            person("east.clerk", "唐莉", "office_clerk", east),
            person("east.admin", "东山管理员", "system_admin", east),
            person("centre.head", "陈部长", "department_head", root).in_department(centre_dept),
            person("east.head", "钱站长", "department_head", east).in_department(east_dept),
        ] {
            let (id, pw) = app.create(new.with_email()).await;
            ids.push(id);
            passwords.push(pw);
        }
        // The director also keeps the books of 东山 for a while.
        s.add_grant(admin, ids[0], "office_clerk", &east.to_string(), None)
            .await
            .unwrap();
        County {
            root,
            east,
            west,
            centre_dept: centre_dept.0,
            east_dept: east_dept.0,
            west_dept: west_dept.0,
            director_id: ids[0],
            director_password: passwords[0].clone(),
            centre_head_id: ids[4],
            east_head_id: ids[5],
            clerk: staff(s, "clerk", &passwords[1]).await,
            east_clerk: staff(s, "east.clerk", &passwords[2]).await,
            east_admin: staff(s, "east.admin", &passwords[3]).await,
            app,
        }
    }
}

impl County {
    fn s(&self) -> &Services {
        &self.app.services
    }

    async fn submit_at(&self, unit: UnitId, text: &str) -> Submitted {
        self.app.send_about(unit, text).await
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

    /// The item as the county's clerk sees it: status, department, merged into, timeline kinds.
    async fn state(&self, id: i64) -> (Status, Option<i64>, Vec<String>) {
        let (item, timeline) = self
            .s()
            .feedback()
            .feedback_item(&self.clerk, id)
            .await
            .unwrap();
        (
            item.status,
            item.department,
            timeline.into_iter().map(|e| e.kind).collect(),
        )
    }
}

testkit::on_both_engines! {
    a_station_admin_cannot_reach_an_account_with_a_wider_role(County),
    merging_into_an_item_out_of_scope_looks_like_merging_into_nothing(County),
    a_station_clerk_assigns_only_inside_the_station(County),
    a_station_clerk_picks_a_reviewer_of_the_station_or_the_office_over_it(County),
}

async fn a_station_admin_cannot_reach_an_account_with_a_wider_role(c: County) {
    let s = c.s();
    let director = c.director_id;
    // Someone the station's administrator plainly does not manage, for the refusal to match.
    let county_clerk = c.clerk.actor.user_id;
    let refusal = |e: ServiceError| format!("{e:?}");
    let not_managed = refusal(
        s.reset_staff_password(&c.east_admin, county_clerk)
            .await
            .unwrap_err(),
    );
    assert!(not_managed.contains("Forbidden"), "{not_managed}");

    assert_eq!(
        refusal(s.staff_member(&c.east_admin, director).await.unwrap_err()),
        not_managed
    );
    assert_eq!(
        refusal(
            s.reset_staff_password(&c.east_admin, director)
                .await
                .unwrap_err()
        ),
        not_managed
    );
    assert_eq!(
        refusal(
            s.set_staff_active(&c.east_admin, director, false)
                .await
                .unwrap_err()
        ),
        not_managed
    );
    assert_eq!(
        refusal(
            s.add_grant(
                &c.east_admin,
                director,
                "evaluator",
                &c.east.to_string(),
                None
            )
            .await
            .unwrap_err()
        ),
        not_managed
    );
    let grants = s.staff_member(&c.app.admin, director).await.unwrap().grants;
    let at_east = grants.iter().find(|g| g.unit == c.east).unwrap().id;
    assert_eq!(
        refusal(s.remove_grant(&c.east_admin, at_east).await.unwrap_err()),
        not_managed
    );
    let listed: Vec<UserId> = s
        .staff_list(&c.east_admin)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert!(
        !listed.contains(&director),
        "the director is not in the station's list"
    );

    // Nothing changed: the director signs in with the same password, with both roles.
    let again = staff(s, "director", &c.director_password).await;
    assert_eq!(again.actor.grants.len(), 2);
    assert_eq!(
        s.staff_member(&c.app.admin, director)
            .await
            .unwrap()
            .grants
            .len(),
        2
    );
    assert!(
        s.audit_log(&c.app.admin, Default::default())
            .await
            .unwrap()
            .iter()
            .all(|e| e.action != "user.password_reset")
    );

    // The station's own people stay the station's administrator's…
    let east_clerk = c.east_clerk.actor.user_id;
    assert!(listed.contains(&east_clerk));
    s.reset_staff_password(&c.east_admin, east_clerk)
        .await
        .unwrap();
    // …and the county's administrator still manages the director.
    let fresh = s
        .reset_staff_password(&c.app.admin, director)
        .await
        .unwrap();
    staff(s, "director", &fresh).await;
    s.remove_grant(&c.app.admin, at_east).await.unwrap();
    s.set_staff_active(&c.app.admin, director, false)
        .await
        .unwrap();
}

async fn merging_into_an_item_out_of_scope_looks_like_merging_into_nothing(c: County) {
    let east = c.submit_at(c.east, "东山文化站的书屋周末不开门").await;
    let centre = c.submit_at(c.root, "文化馆的书屋周末不开门").await;
    let before = (c.state(east.id).await, c.state(centre.id).await);

    let merge = |into: &str| StaffAction::Merge { into: into.into() };
    let outside = c
        .act(&c.east_clerk, east.id, merge(&centre.tracking_no))
        .await
        .unwrap_err();
    let nowhere = c
        .act(&c.east_clerk, east.id, merge("CD-2026-999999"))
        .await
        .unwrap_err();
    assert_eq!(
        format!("{outside:?}"),
        format!("{nowhere:?}"),
        "one answer for both"
    );
    assert_eq!(
        field_errors(outside),
        vec![("into".to_string(), Key::err_merge_target)]
    );
    assert_eq!(
        (c.state(east.id).await, c.state(centre.id).await),
        before,
        "nothing changed"
    );

    // The county's clerk, who may act on both, merges them.
    c.act(&c.clerk, east.id, merge(&centre.tracking_no))
        .await
        .unwrap();
    assert_eq!(c.state(east.id).await.0, Status::Merged);
}

async fn a_station_clerk_assigns_only_inside_the_station(c: County) {
    let item = c.submit_at(c.east, "东山文化站的广场灯坏了").await;
    let before = c.state(item.id).await;
    let assign = |department: i64| StaffAction::Assign {
        department,
        assignee: None,
        reason: None,
    };
    for elsewhere in [c.west_dept, c.centre_dept] {
        let e = c
            .act(&c.east_clerk, item.id, assign(elsewhere))
            .await
            .unwrap_err();
        assert_eq!(
            field_errors(e),
            vec![("department".to_string(), Key::err_department_outside)]
        );
    }
    // With a person of that department too: the department is what is refused.
    let with_head = StaffAction::Assign {
        department: c.centre_dept,
        assignee: Some(c.centre_head_id.0),
        reason: None,
    };
    let e = c.act(&c.east_clerk, item.id, with_head).await.unwrap_err();
    assert_eq!(
        field_errors(e),
        vec![("department".to_string(), Key::err_department_outside)]
    );
    // Many at once: each item is refused the same way.
    let report = c
        .s()
        .feedback()
        .bulk_act(&c.east_clerk, &[item.id], &assign(c.west_dept))
        .await
        .unwrap();
    assert!(report.done.is_empty());
    let [(_, e)] = <[_; 1]>::try_from(report.refused).expect("the one item refused");
    assert_eq!(
        field_errors(e),
        vec![("department".to_string(), Key::err_department_outside)]
    );
    let outcome = c
        .s()
        .feedback()
        .bulk_assign(&c.east_clerk, &[item.id], c.west_dept, None)
        .await
        .unwrap();
    assert!(outcome.done.is_empty() && outcome.refused.len() == 1);
    assert_eq!(c.state(item.id).await, before, "nothing changed");

    // Inside the station it goes, with its own head.
    let own = StaffAction::Assign {
        department: c.east_dept,
        assignee: Some(c.east_head_id.0),
        reason: None,
    };
    c.act(&c.east_clerk, item.id, own).await.unwrap();
    assert_eq!(c.state(item.id).await.1, Some(c.east_dept));
    // The office's county-wide role sends it on anywhere.
    let onwards = StaffAction::Assign {
        department: c.west_dept,
        assignee: None,
        reason: Some("属西岭乡管辖".into()),
    };
    c.act(&c.clerk, item.id, onwards).await.unwrap();
    assert_eq!(c.state(item.id).await.1, Some(c.west_dept));
}

async fn a_station_clerk_picks_a_reviewer_of_the_station_or_the_office_over_it(c: County) {
    let s = c.s();
    let east_path = domain::UnitPath::root(c.root).child(c.east);
    let reviewers: Vec<UserId> = s
        .eligible_reviewers(&c.east_clerk, &east_path)
        .await
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert!(
        reviewers.contains(&c.east_head_id) && reviewers.contains(&c.director_id),
        "{reviewers:?}"
    );
    assert!(
        !reviewers.contains(&c.centre_head_id),
        "not a head of the centre's departments"
    );

    let draft = |reviewer: UserId| NoticeDraft {
        title: "东山站十二月活动安排".into(),
        body: "请各位同事周五前报送十二月活动安排。".into(),
        category: "notice".into(),
        priority: "routine".into(),
        audience: vec![AudienceRule::Unit { unit: c.east }],
        unit: Some(c.east),
        reviewer: Some(reviewer),
        ..Default::default()
    };
    let e = s
        .notices()
        .create_notice(&c.east_clerk, &draft(c.centre_head_id), None)
        .await
        .unwrap_err();
    assert_eq!(
        field_errors(e),
        vec![("reviewer".to_string(), Key::notice_err_reviewer)]
    );
    s.notices()
        .create_notice(&c.east_clerk, &draft(c.east_head_id), None)
        .await
        .unwrap();
    // The centre's own notices still go to the centre's heads.
    let centre_reviewers = s
        .eligible_reviewers(&c.clerk, &domain::UnitPath::root(c.root))
        .await
        .unwrap();
    assert!(
        centre_reviewers
            .iter()
            .any(|(id, _)| *id == c.centre_head_id)
    );
    let _ = c.west;
}

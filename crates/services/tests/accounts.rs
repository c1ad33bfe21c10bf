//! Sign-in, passwords, staff accounts and roles, on both engines.

use domain::{Permission, Role, UnitId};
use i18n::Key;
use services::{NewStaff, ServiceError};
use testkit::scenario::{App, field_errors, refusal, staff};

async fn root(app: &App) -> UnitId {
    app.services
        .org_tree(app.institution.id)
        .await
        .unwrap()
        .units[0]
        .id
}

testkit::on_both_engines! {
    the_first_admin_is_created_once_and_must_change_the_password(App),
    a_password_change_is_checked_and_ends_other_sessions(App),
    an_admin_adds_staff_who_sign_in_with_a_one_time_password(App),
    a_station_admin_manages_only_their_station(App),
    the_last_system_admin_cannot_be_removed(App),
    deactivated_staff_are_signed_out(App),
    units_only_hang_where_they_belong(App),
}

async fn the_first_admin_is_created_once_and_must_change_the_password(app: App) {
    assert!(app.admin.must_change_password);
    assert!(app.admin.actor.has_role(Role::SystemAdmin));
    assert!(app.services.ensure_first_admin().await.unwrap().is_none());
    app.services
        .change_password(
            &app.admin,
            &app.admin_password,
            "长城长江黄河泰山华山衡山",
            "长城长江黄河泰山华山衡山",
        )
        .await
        .unwrap();
    let again = staff(&app.services, "ADMIN", "长城长江黄河泰山华山衡山").await;
    assert!(
        !again.must_change_password,
        "usernames ignore case; the flag is cleared"
    );
}

async fn a_password_change_is_checked_and_ends_other_sessions(app: App) {
    let s = &app.services;
    let other = s
        .login("admin", &app.admin_password, None, None)
        .await
        .unwrap();
    let errors = field_errors(
        s.change_password(&app.admin, &app.admin_password, "short", "shirt")
            .await
            .unwrap_err(),
    );
    assert_eq!(
        errors,
        vec![
            ("new_password".into(), Key::err_password_short),
            ("repeat_password".into(), Key::err_password_mismatch)
        ]
    );
    let errors = field_errors(
        s.change_password(
            &app.admin,
            "not it",
            "a-long-enough-one",
            "a-long-enough-one",
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(
        errors,
        vec![("current_password".into(), Key::err_password_wrong)]
    );
    s.change_password(
        &app.admin,
        &app.admin_password,
        "a-long-enough-one",
        "a-long-enough-one",
    )
    .await
    .unwrap();
    assert!(
        s.principal(&other.token, None).await.unwrap().is_none(),
        "the other session ended"
    );
    let log = s.audit_log(&app.admin, Default::default()).await.unwrap();
    assert_eq!(log[0].action, "user.password_changed");
}

async fn an_admin_adds_staff_who_sign_in_with_a_one_time_password(app: App) {
    let s = &app.services;
    let root = root(&app).await;
    let station = s
        .add_unit(&app.admin, root, "station", "城关镇文化站")
        .await
        .unwrap();
    let activity = s
        .add_department(&app.admin, root, "activity", "活动部")
        .await
        .unwrap();

    let base = NewStaff {
        username: "Wang.Fang".into(),
        display_name: "王芳".into(),
        role: "department_staff".into(),
        unit: root.to_string(),
        ..Default::default()
    };
    let errors = field_errors(s.create_staff(&app.admin, base.clone()).await.unwrap_err());
    assert_eq!(
        errors,
        vec![("department".into(), Key::err_department_needed)]
    );
    let elsewhere = NewStaff {
        unit: station.to_string(),
        department: Some(activity.to_string()),
        ..base.clone()
    };
    assert_eq!(
        field_errors(s.create_staff(&app.admin, elsewhere).await.unwrap_err()),
        vec![("department".into(), Key::err_choice)]
    );
    let bad = NewStaff {
        username: "x".into(),
        display_name: " ".into(),
        email: Some("not-mail".into()),
        mobile: Some("123".into()),
        role: "king".into(),
        ..base.clone()
    };
    let fields: Vec<String> = field_errors(s.create_staff(&app.admin, bad).await.unwrap_err())
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(
        fields,
        ["username", "display_name", "email", "mobile", "role"]
    );

    let ok = NewStaff {
        department: Some(activity.to_string()),
        ..base.clone()
    };
    let (id, one_time) = s.create_staff(&app.admin, ok.clone()).await.unwrap();
    assert_eq!(
        field_errors(s.create_staff(&app.admin, ok).await.unwrap_err()),
        vec![("username".into(), Key::err_username_taken)]
    );
    let wang = staff(s, "wang.fang", &one_time).await;
    assert!(wang.must_change_password);
    assert_eq!(
        wang.actor.departments(Permission::HandleFeedback),
        vec![activity]
    );
    assert!(matches!(
        s.staff_list(&wang).await.unwrap_err(),
        ServiceError::Forbidden
    ));

    let listed = s.staff_list(&app.admin).await.unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|m| m.username.as_str())
            .collect::<Vec<_>>(),
        ["admin", "wang.fang"]
    );
    let created = s
        .audit_log(&app.admin, Default::default())
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.action == "user.created")
        .unwrap();
    assert_eq!(created.entity_id, Some(id.to_string()));
    assert!(
        !created.after.unwrap().contains(&one_time),
        "the password never reaches the audit log"
    );
}

async fn a_station_admin_manages_only_their_station(app: App) {
    let s = &app.services;
    let root = root(&app).await;
    let east = s
        .add_unit(&app.admin, root, "station", "东山镇文化站")
        .await
        .unwrap();
    let west = s
        .add_unit(&app.admin, root, "station", "西岭乡文化站")
        .await
        .unwrap();
    let (_, pw) = s
        .create_staff(
            &app.admin,
            NewStaff {
                username: "east.admin".into(),
                display_name: "东山管理员".into(),
                role: "system_admin".into(),
                unit: east.to_string(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let east_admin = staff(s, "east.admin", &pw).await;
    let at_west = NewStaff {
        username: "west.clerk".into(),
        display_name: "西岭文员".into(),
        role: "office_clerk".into(),
        unit: west.to_string(),
        ..Default::default()
    };
    assert_eq!(
        field_errors(s.create_staff(&east_admin, at_west).await.unwrap_err()),
        vec![("unit".into(), Key::err_scope)]
    );
    assert!(matches!(
        s.add_unit(&east_admin, west, "service_point", "村文化大院")
            .await
            .unwrap_err(),
        ServiceError::Forbidden
    ));
    s.add_unit(&east_admin, east, "service_point", "东山村农家书屋")
        .await
        .unwrap();
    assert!(
        matches!(
            s.audit_log(&east_admin, Default::default())
                .await
                .unwrap_err(),
            ServiceError::Forbidden
        ),
        "the log is the whole institution's"
    );
}

async fn the_last_system_admin_cannot_be_removed(app: App) {
    let s = &app.services;
    let me = s
        .staff_member(&app.admin, app.admin.actor.user_id)
        .await
        .unwrap();
    assert_eq!(
        refusal(
            s.set_staff_active(&app.admin, me.id, false)
                .await
                .unwrap_err()
        ),
        Key::err_last_admin
    );
    assert_eq!(
        refusal(
            s.remove_grant(&app.admin, me.grants[0].id)
                .await
                .unwrap_err()
        ),
        Key::err_last_admin
    );
    assert!(
        s.staff_member(&app.admin, me.id).await.unwrap().active,
        "nothing changed"
    );
}

async fn deactivated_staff_are_signed_out(app: App) {
    let s = &app.services;
    let root = root(&app).await;
    let (id, pw) = s
        .create_staff(
            &app.admin,
            NewStaff {
                username: "clerk".into(),
                display_name: "李文员".into(),
                role: "office_clerk".into(),
                unit: root.to_string(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let login = s.login("clerk", &pw, None, None).await.unwrap();
    s.set_staff_active(&app.admin, id, false).await.unwrap();
    assert!(s.principal(&login.token, None).await.unwrap().is_none());
    assert_eq!(
        refusal(s.login("clerk", &pw, None, None).await.unwrap_err()),
        Key::login_failed
    );
    let reset = s.reset_staff_password(&app.admin, id).await.unwrap();
    s.set_staff_active(&app.admin, id, true).await.unwrap();
    assert!(staff(s, "clerk", &reset).await.must_change_password);
}

async fn units_only_hang_where_they_belong(app: App) {
    let s = &app.services;
    let root = root(&app).await;
    let station = s
        .add_unit(&app.admin, root, "station", "城关镇文化站")
        .await
        .unwrap();
    let point = s
        .add_unit(&app.admin, station, "service_point", "南街社区文化室")
        .await
        .unwrap();
    assert_eq!(
        field_errors(
            s.add_unit(&app.admin, point, "service_point", "再下一级")
                .await
                .unwrap_err()
        ),
        vec![("kind".into(), Key::err_unit_kind)]
    );
    assert_eq!(
        field_errors(
            s.add_unit(&app.admin, root, "service_point", "直属服务点")
                .await
                .unwrap_err()
        ),
        vec![("kind".into(), Key::err_unit_kind)]
    );
    let tree = s.org_tree(app.institution.id).await.unwrap();
    assert_eq!(
        tree.units
            .iter()
            .map(|u| (u.name.as_str(), u.depth))
            .collect::<Vec<_>>(),
        [("文化馆", 0), ("城关镇文化站", 1), ("南街社区文化室", 2)]
    );
    assert_eq!(tree.units[0].departments[0].name, "办公室");
}

//! Acting outside one's own units over HTTP (issue 11), on both engines: a station's
//! administrator and a county-wide account, a station's clerk and the centre's items and
//! departments.

mod common;
mod desk;

use common::ADMIN_PASSWORD;
use desk::{Desk, PASSWORD, staff};
use domain::feedback::Status;
use domain::{DepartmentId, UnitId, UserId};
use serde_json::{Value, json};
use services::feedback::Submitted;
use testkit::scenario::PersonExt;

/// Adds someone to the institution with the tests' password; gives their id.
async fn person(
    d: &Desk,
    username: &str,
    name: &str,
    role: &str,
    unit: UnitId,
    department: Option<DepartmentId>,
) -> UserId {
    let new = testkit::scenario::person(username, name, role, unit);
    let new = match department {
        Some(department) => new.in_department(department),
        None => new,
    };
    d.app.org().await.enrol(new).await.0
}

async fn submit_at(d: &Desk, unit: UnitId, text: &str) -> Submitted {
    d.app.org().await.send_about(unit, text).await
}

testkit::on_both_engines! {
    a_station_admin_cannot_reset_or_change_the_office_director(Desk),
    merging_into_an_item_out_of_scope_answers_as_for_no_item(Desk),
}

async fn a_station_admin_cannot_reset_or_change_the_office_director(d: Desk) {
    let s = d.s();
    let admin = staff(s, "admin", ADMIN_PASSWORD).await;
    let director = person(&d, "zhou.zhuren", "周主任", "office_director", d.root, None).await;
    s.add_grant(
        &admin,
        director,
        "office_clerk",
        &d.station.to_string(),
        None,
    )
    .await
    .unwrap();
    person(
        &d,
        "station.admin",
        "城关管理员",
        "system_admin",
        d.station,
        None,
    )
    .await;
    let at_station = s
        .staff_member(&admin, director)
        .await
        .unwrap()
        .grants
        .iter()
        .find(|g| g.unit == d.station)
        .unwrap()
        .id
        .to_string();

    let station_admin = d.signed_in("station.admin").await;
    let (_, list) = d.page(&station_admin, "/console/users").await;
    assert!(
        !list.contains("周主任"),
        "the director is not the station's to list"
    );
    let (status, _) = d
        .page(&station_admin, &format!("/console/users/{director}"))
        .await;
    assert_eq!(status, 403);
    // As for someone the station's administrator plainly does not manage.
    let clerk = d.clerk.actor.user_id;
    let (status, _) = d
        .page(&station_admin, &format!("/console/users/{clerk}"))
        .await;
    assert_eq!(status, 403);
    let post = |user: UserId, fields: Vec<(&'static str, String)>| {
        let client = station_admin.clone();
        let app = &d.app;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let page = "/console/users";
            app.post_form(&client, page, &format!("/console/users/{user}"), &fields)
                .await
                .status()
        }
    };
    let station = d.station.to_string();
    for fields in [
        vec![("action", "reset_password".to_string())],
        vec![("action", "deactivate".to_string())],
        vec![
            ("action", "grant_add".to_string()),
            ("role", "evaluator".to_string()),
            ("unit", station.clone()),
        ],
        vec![
            ("action", "grant_remove".to_string()),
            ("grant", at_station.clone()),
        ],
    ] {
        assert_eq!(post(director, fields.clone()).await, 403, "{fields:?}");
        assert_eq!(
            post(clerk, fields.clone()).await,
            403,
            "{fields:?} for the clerk"
        );
    }
    // Nothing changed: the director signs in as before, with both roles, still active.
    let zhou = d.app.client();
    assert_eq!(
        d.app.sign_in(&zhou, "zhou.zhuren", PASSWORD).await,
        "/console"
    );
    let member = s.staff_member(&admin, director).await.unwrap();
    assert!(member.active && member.grants.len() == 2 && !member.must_change_password);

    // The county's administrator resets it.
    let county = d.signed_in("admin").await;
    let page = format!("/console/users/{director}");
    let reset = d
        .app
        .post_form(&county, &page, &page, &[("action", "reset_password")])
        .await;
    assert_eq!(reset.status(), 200);
    assert!(reset.text().await.unwrap().contains("一次性密码"));
}

async fn merging_into_an_item_out_of_scope_answers_as_for_no_item(d: Desk) {
    let s = d.s();
    let station_dept = s
        .add_department(
            &staff(s, "admin", ADMIN_PASSWORD).await,
            d.station,
            "activity",
            "城关文体部",
        )
        .await
        .unwrap();
    person(&d, "tang.li", "唐莉", "office_clerk", d.station, None).await;
    let mine = submit_at(&d, d.station, "城关镇文化站的书屋周末不开门").await;
    let centre = submit_at(&d, d.root, "文化馆的书屋周末不开门").await;

    let snapshot = || async {
        let mut out = Vec::new();
        for id in [mine.id, centre.id] {
            let (item, timeline) = s.feedback().feedback_item(&d.clerk, id).await.unwrap();
            out.push((item.status, item.department, timeline.len()));
        }
        out
    };
    let before = snapshot().await;
    assert_eq!(before[0], (Status::New, None, before[0].2));

    let token = d.app.api_token("tang.li", PASSWORD).await;
    let api = reqwest::Client::new();
    let actions = d
        .app
        .at(&format!("/api/v1/feedback/items/{}/actions", mine.id));
    let post = |body: Value| api.post(&actions).bearer_auth(&token).json(&body).send();
    let outside = post(json!({"action": "merge", "into": centre.tracking_no}))
        .await
        .unwrap();
    let nowhere = post(json!({"action": "merge", "into": "CD-2026-999999"}))
        .await
        .unwrap();
    assert_eq!(
        (outside.status().as_u16(), nowhere.status().as_u16()),
        (422, 422)
    );
    let (outside, nowhere): (Value, Value) =
        (outside.json().await.unwrap(), nowhere.json().await.unwrap());
    assert_eq!(outside, nowhere, "one answer for both");
    assert_eq!(outside["fields"][0]["field"], "into");

    // The centre's departments are not the station clerk's to give work to.
    for department in [d.activity, d.training] {
        let refused = post(json!({"action": "assign", "department": department}))
            .await
            .unwrap();
        assert_eq!(refused.status(), 422);
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["fields"][0]["field"], "department");
        assert_eq!(body["fields"][0]["message"], "只能转办给您所辖单位的部门");
    }
    // The page's form offers only the station's departments, and refuses another one.
    let tang = d.signed_in("tang.li").await;
    let (_, item_page) = d
        .page(&tang, &format!("/console/feedback/{}", mine.id))
        .await;
    assert!(
        item_page.contains("城关文体部</option>") && !item_page.contains("活动部</option>"),
        "{item_page}"
    );
    let refused = d
        .act(
            &tang,
            mine.id,
            &[
                ("action", "assign"),
                ("department", &d.activity.to_string()),
                ("assignee", ""),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("只能转办给您所辖单位的部门")
    );

    assert_eq!(snapshot().await, before, "nothing changed");

    let own = post(json!({"action": "assign", "department": station_dept.0}))
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
}

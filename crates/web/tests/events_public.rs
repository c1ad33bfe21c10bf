//! The public side of events, as members and API clients meet it, on both engines: the
//! calendar and an activity's live seats, registering with companions through the form and
//! the API, refusals (twice, full, bad input) that name what is wrong, cancelling and
//! registering again, one place for two simultaneous requests, and the iCalendar feed a
//! phone subscribes to. One story registers through the form in a phone-sized Chromium.

mod common;
mod public_kit;

use public_kit::{Public, unescape};
use serde_json::{Value, json};
use services::Staff;
use services::events::{ActivityDraft, DateDraft};
use testkit::scenario::person;
use testkit::{Browser, Screen};

/// The public kit's institution (two stations) with an office clerk of the centre, who
/// drafts and publishes activities.
struct Ev {
    p: Public,
    clerk: Staff,
    root: i64,
}

impl testkit::Fixture for Ev {
    async fn setup(db: &testkit::TestDb) -> Ev {
        let p = Public::setup(db).await;
        let org = p.app.org().await;
        let clerk = org
            .hire(person("clerk", "李文员", "office_clerk", org.root))
            .await;
        Ev {
            root: org.root.0,
            p,
            clerk,
        }
    }
}

impl std::ops::Deref for Ev {
    type Target = Public;
    fn deref(&self) -> &Public {
        &self.p
    }
}

/// The clock stands at Monday 2026-11-23 09:00 (Beijing); Wednesday afternoon is this week.
const WEDNESDAY_2PM: &str = "2026-11-25T14:00";
const WEDNESDAY_4PM: &str = "2026-11-25T16:00";

impl Ev {
    /// A published activity of the centre with one date of `capacity` seats; its id and
    /// the date's.
    async fn activity(&self, title: &str, capacity: u32, draft: ActivityDraft) -> (i64, i64) {
        let events = self.app.services.events();
        let draft = ActivityDraft {
            title: title.into(),
            description: "第一段介绍。\n\n第二段：请带水杯。".into(),
            category: "activity".into(),
            unit: self.root.to_string(),
            venue: "文化馆二楼多功能厅".into(),
            booking: if draft.booking.is_empty() {
                "per_date".into()
            } else {
                draft.booking.clone()
            },
            companions_max: if draft.companions_max.is_empty() {
                "2".into()
            } else {
                draft.companions_max.clone()
            },
            ..draft
        };
        let id = events.create_activity(&self.clerk, &draft).await.unwrap();
        let date = events
            .add_date(
                &self.clerk,
                id,
                &DateDraft {
                    starts_at: WEDNESDAY_2PM.into(),
                    ends_at: WEDNESDAY_4PM.into(),
                    capacity: capacity.to_string(),
                    reserves: Vec::new(),
                },
            )
            .await
            .unwrap();
        let version = events
            .staff_activity(&self.clerk, id)
            .await
            .unwrap()
            .version;
        events
            .publish_activity(&self.clerk, id, version)
            .await
            .unwrap();
        (id, date)
    }

    async fn seats_left(&self, activity: i64) -> i32 {
        let a: Value = reqwest::get(self.at(&format!("/api/v1/events/{activity}")))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        a["dates"][0]["seats_left"].as_i64().unwrap() as i32
    }

    /// Registers through the API as the member holding `token`.
    async fn register_api(&self, token: &str, date: i64, body: Value) -> reqwest::Response {
        reqwest::Client::new()
            .post(self.at(&format!("/api/v1/events/dates/{date}/registrations")))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Posts the registration form as `client`, with the form page's CSRF token.
    async fn register_form(
        &self,
        client: &reqwest::Client,
        date: i64,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let path = format!("/events/dates/{date}/register");
        self.app.post_form(client, &path, &path, fields).await
    }
}

async fn text(response: reqwest::Response) -> String {
    response.text().await.unwrap()
}

testkit::on_both_engines! {
    a_member_registers_with_a_child_and_a_parent_and_sees_the_code(Ev),
    registering_twice_gets_a_clear_refusal(Ev),
    a_member_cancels_and_registers_again(Ev),
    a_full_date_refuses_unless_the_waiting_list_box_is_ticked(Ev),
    the_calendar_and_the_activity_page_show_seats_left(Ev),
    the_ical_feed_parses_and_a_moved_date_keeps_its_uid_with_a_higher_sequence(Ev),
    two_simultaneous_registrations_from_one_member_give_one_place(Ev),
    bad_input_is_named_by_field_or_is_a_404_never_a_5xx(Ev),
    an_offer_is_taken_up_a_late_cancel_is_warned_and_an_attendee_rates(Ev),
    the_lottery_page_shows_the_commitment_then_the_list_and_the_seed(Ev),
}

testkit::in_a_browser! {
    a_member_registers_through_the_form_on_a_phone(Ev),
}

async fn a_member_registers_with_a_child_and_a_parent_and_sees_the_code(ev: Ev) {
    let (activity, date) = ev
        .activity("亲子剪纸课", 10, ActivityDraft::default())
        .await;
    let path = format!("/events/dates/{date}/register");

    // Not signed in: to the texted-code sign-in, coming back here.
    let anonymous = ev.app.client();
    let answer = anonymous.get(ev.at(&path)).send().await.unwrap();
    assert_eq!(answer.status(), 303);
    assert_eq!(
        common::location(&answer),
        format!("/me/login?next=%2Fevents%2Fdates%2F{date}%2Fregister")
    );

    let client = ev.member_client("13907310011").await;
    let form = text(client.get(ev.at(&path)).send().await.unwrap()).await;
    assert!(
        form.contains("name=\"companions[1].name\""),
        "two empty rows"
    );
    assert!(!form.contains("name=\"companions[2].name\""));
    assert!(
        form.contains("可以不填"),
        "birth year optional without age limits"
    );

    let sent = ev
        .register_form(
            &client,
            date,
            &[
                ("name", "王秀英"),
                ("birth_year", "1985"),
                ("township", &ev.stations[0].to_string()),
                ("companions[0].name", "王小明"),
                ("companions[0].birth_year", "2017"),
                ("companions[1].name", "王建国"),
                ("companions[1].birth_year", "1950"),
            ],
        )
        .await;
    assert_eq!(sent.status(), 303);
    let receipt = common::location(&sent);
    assert!(
        receipt.starts_with("/e/") && receipt.ends_with("?done=1"),
        "{receipt}"
    );
    let page = client.get(ev.at(&receipt)).send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-store");
    let page = text(page).await;
    assert!(page.contains("报名成功"), "{page}");
    assert!(page.contains("共 3 人"));
    assert!(page.contains("<svg"), "a QR code inline");
    // A second code for the same number: a minute later, as the texting limit wants.
    ev.app.clock.advance_ms(61_000);
    let mine: Value = ev
        .app
        .services
        .events()
        .my_registrations(&ev.member("13907310011").await)
        .await
        .map(|r| json!({ "code": r[0].code, "token": r[0].token, "seats": r[0].seats }))
        .unwrap();
    let code = mine["code"].as_str().unwrap();
    assert!(
        page.contains("class=\"ev-code\" id=\"code-"),
        "the code large"
    );
    assert!(page.contains(code), "the check-in code {code}");
    assert!(page.contains(&format!("/e/{}", mine["token"].as_str().unwrap())));
    assert_eq!(mine["seats"], 3);

    let list = text(client.get(ev.at("/me/events")).send().await.unwrap()).await;
    assert!(list.contains("亲子剪纸课") && list.contains(code));
    let home = text(client.get(ev.at("/me")).send().await.unwrap()).await;
    assert!(home.contains("href=\"/me/events\""), "linked from /me");
    assert_eq!(ev.seats_left(activity).await, 7);
}

async fn registering_twice_gets_a_clear_refusal(ev: Ev) {
    let (_, date) = ev.activity("书法入门", 10, ActivityDraft::default()).await;
    let token = ev.member_token("13907310012").await;
    let first = ev
        .register_api(
            &token,
            date,
            json!({ "name": "李桂兰", "birth_year": "1952" }),
        )
        .await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["status"], "confirmed");
    assert_eq!(first["code"].as_str().unwrap().len(), 9, "{first}");

    let again = ev
        .register_api(&token, date, json!({ "name": "李桂兰" }))
        .await;
    assert_eq!(again.status(), 409);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["code"], "event_err_already");
    assert!(again["message"].as_str().unwrap().contains("不能重复报名"));

    // The same through the form, stated on the form (a minute on: one code a minute).
    ev.app.clock.advance_ms(61_000);
    let client = ev.member_client("13907310012").await;
    let page = ev.register_form(&client, date, &[("name", "李桂兰")]).await;
    assert_eq!(page.status(), 409);
    assert!(text(page).await.contains("不能重复报名"));
}

async fn a_member_cancels_and_registers_again(ev: Ev) {
    let (activity, date) = ev.activity("太极拳", 5, ActivityDraft::default()).await;
    let token = ev.member_token("13907310013").await;
    let first: Value = ev
        .register_api(&token, date, json!({ "name": "赵大爷" }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ev.seats_left(activity).await, 4);
    let id = first["id"].as_i64().unwrap();
    let cancelled = reqwest::Client::new()
        .delete(ev.at(&format!("/api/v1/registrations/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), 204);
    assert_eq!(ev.seats_left(activity).await, 5);
    let twice = reqwest::Client::new()
        .delete(ev.at(&format!("/api/v1/registrations/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(twice.status(), 409);

    let again = ev
        .register_api(&token, date, json!({ "name": "赵大爷" }))
        .await;
    assert_eq!(again.status(), 201, "{}", again.text().await.unwrap());
    assert_eq!(ev.seats_left(activity).await, 4);
    let mine: Value = reqwest::Client::new()
        .get(ev.at("/api/v1/me/registrations"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let statuses: Vec<&str> = mine["registrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert!(
        statuses.contains(&"confirmed") && statuses.contains(&"cancelled"),
        "{statuses:?}"
    );

    // Cancelling through the private link of the new one, as a relative without the session.
    let token_link = mine["registrations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "confirmed")
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let stranger = ev.app.client();
    let link = format!("/e/{token_link}");
    let answer = ev
        .app
        .post_form(&stranger, &link, &format!("{link}/cancel"), &[])
        .await;
    assert_eq!(answer.status(), 303);
    let page = text(
        stranger
            .get(ev.at(&common::location(&answer)))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(page.contains("已取消报名"), "{page}");
    assert_eq!(ev.seats_left(activity).await, 5);
}

async fn a_full_date_refuses_unless_the_waiting_list_box_is_ticked(ev: Ev) {
    let (activity, date) = ev
        .activity("合唱团体验课", 1, ActivityDraft::default())
        .await;
    let first = ev.member_token("13907310014").await;
    assert_eq!(
        ev.register_api(&first, date, json!({ "name": "孙阿姨" }))
            .await
            .status(),
        201
    );
    assert_eq!(ev.seats_left(activity).await, 0);

    let client = ev.member_client("13907310015").await;
    let refused = ev.register_form(&client, date, &[("name", "周大妈")]).await;
    assert_eq!(refused.status(), 409);
    let page = text(refused).await;
    assert!(page.contains("名额已满"), "{page}");
    assert!(page.contains("value=\"周大妈\""), "what was typed is kept");

    let waiting = ev
        .register_form(
            &client,
            date,
            &[("name", "周大妈"), ("join_waiting_list", "on")],
        )
        .await;
    assert_eq!(waiting.status(), 303);
    let page = text(
        client
            .get(ev.at(&common::location(&waiting)))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(page.contains("已加入候补，第 1 位"), "{page}");

    // The API: full is a 409 with its machine code; with the box, waiting.
    let third = ev.member_token("13907310016").await;
    let full = ev
        .register_api(&third, date, json!({ "name": "吴奶奶" }))
        .await;
    assert_eq!(full.status(), 409);
    let full: Value = full.json().await.unwrap();
    assert_eq!(full["code"], "event_err_full");
    let waits: Value = ev
        .register_api(
            &third,
            date,
            json!({ "name": "吴奶奶", "join_waiting_list": true }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(waits["status"], "waiting");
    let page = text(
        reqwest::get(ev.at(&format!("/events/{activity}")))
            .await
            .unwrap(),
    )
    .await;
    assert!(
        page.contains("已满，可候补") && page.contains("2 人在候补"),
        "{page}"
    );
}

async fn the_calendar_and_the_activity_page_show_seats_left(ev: Ev) {
    let (activity, date) = ev
        .activity("广场舞培训", 12, ActivityDraft::default())
        .await;
    let (walk_in, _) = ev
        .activity(
            "非遗展览",
            1,
            ActivityDraft {
                booking: "none".into(),
                audience: "elderly".into(),
                ..Default::default()
            },
        )
        .await;
    let calendar = text(reqwest::get(ev.at("/events")).await.unwrap()).await;
    assert!(calendar.contains("广场舞培训"), "this week by default");
    assert!(calendar.contains("还剩 12 个名额"));
    assert!(calendar.contains("无需报名"));
    assert!(
        calendar.contains("2026-11-25 周三 14:00–16:00"),
        "{calendar}"
    );
    assert!(calendar.contains("href=\"/events.ics\""));
    let next_week = text(
        reqwest::get(ev.at("/events?period=next_week"))
            .await
            .unwrap(),
    )
    .await;
    assert!(!next_week.contains("广场舞培训"));
    let elderly = text(
        reqwest::get(ev.at("/events?audience=elderly"))
            .await
            .unwrap(),
    )
    .await;
    assert!(elderly.contains("非遗展览") && !elderly.contains("广场舞培训"));
    let station = text(
        reqwest::get(ev.at(&format!("/events?unit={}", ev.stations[0])))
            .await
            .unwrap(),
    )
    .await;
    assert!(
        !station.contains("广场舞培训"),
        "the centre's, not the station's"
    );

    let token = ev.member_token("13907310017").await;
    ev.register_api(
        &token,
        date,
        json!({ "name": "钱阿姨", "companions": [{ "name": "钱小宝", "birth_year": "2018" }] }),
    )
    .await;
    let page = text(
        reqwest::get(ev.at(&format!("/events/{activity}")))
            .await
            .unwrap(),
    )
    .await;
    assert!(page.contains("还剩 10 个名额"), "{page}");
    assert!(page.contains("<p>第一段介绍。</p>") && page.contains("<p>第二段：请带水杯。</p>"));
    assert!(page.contains(&format!("href=\"/events/dates/{date}/register\"")));
    assert!(page.contains("先到先得"));
    assert!(!page.contains("在地图上查看"), "no position, no map");
    let api: Value = reqwest::get(ev.at("/api/v1/events"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let line = api["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["activity"] == activity)
        .unwrap();
    assert_eq!(line["seats_left"], 10);
    let walk_in_page = text(
        reqwest::get(ev.at(&format!("/events/{walk_in}")))
            .await
            .unwrap(),
    )
    .await;
    assert!(walk_in_page.contains("无需报名，直接到场即可"));
    assert!(!walk_in_page.contains("/register\""), "no button");
}

async fn the_ical_feed_parses_and_a_moved_date_keeps_its_uid_with_a_higher_sequence(ev: Ev) {
    let (_, date) = ev.activity("戏曲欣赏", 30, ActivityDraft::default()).await;
    let feed = |path: &'static str| {
        let url = ev.at(path);
        async move {
            let answer = reqwest::get(url).await.unwrap();
            assert_eq!(answer.status(), 200);
            assert_eq!(
                answer.headers()["content-type"],
                "text/calendar; charset=utf-8"
            );
            answer.text().await.unwrap()
        }
    };
    let uid_and_sequence = |ics: &str| -> (String, u32) {
        let unfolded = icalendar::parser::unfold(ics);
        let parsed = icalendar::parser::read_calendar(&unfolded).expect("the feed parses");
        let event = parsed
            .components
            .iter()
            .find(|c| c.name == "VEVENT")
            .expect("one event");
        let prop = |name: &str| {
            event
                .properties
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.val.to_string())
                .unwrap_or_default()
        };
        assert_eq!(prop("SUMMARY"), "戏曲欣赏");
        (prop("UID"), prop("SEQUENCE").parse().unwrap_or(0))
    };
    let before = uid_and_sequence(&feed("/events.ics").await);
    assert!(!before.0.is_empty());

    let events = ev.app.services.events();
    let activity = events
        .calendar(ev.institution.id, &Default::default())
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.date == date)
        .unwrap()
        .activity;
    let version = events
        .staff_activity(&ev.clerk, activity)
        .await
        .unwrap()
        .dates[0]
        .version;
    events
        .move_date(
            &ev.clerk,
            date,
            "2026-11-26T14:00",
            "2026-11-26T16:00",
            version,
        )
        .await
        .unwrap();
    let after = uid_and_sequence(&feed("/events.ics").await);
    assert_eq!(after.0, before.0, "the same event for calendar apps");
    assert!(after.1 > before.1, "{before:?} then {after:?}");

    let station = reqwest::get(ev.at(&format!("/events/units/{}.ics", ev.root)))
        .await
        .unwrap();
    assert_eq!(
        station.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    assert!(station.text().await.unwrap().contains("戏曲欣赏"));
    let atom = reqwest::get(ev.at("/events/feed.atom")).await.unwrap();
    assert_eq!(atom.status(), 200);
    let atom_type = atom.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(atom_type.starts_with("application/atom+xml"), "{atom_type}");
    assert!(atom.text().await.unwrap().contains("戏曲欣赏"));

    // One registration's own file.
    let token = ev.member_token("13907310018").await;
    let done: Value = ev
        .register_api(&token, date, json!({ "name": "郑先生" }))
        .await
        .json()
        .await
        .unwrap();
    let own = reqwest::get(ev.at(&format!("/e/{}.ics", done["token"].as_str().unwrap())))
        .await
        .unwrap();
    assert_eq!(
        own.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    assert_eq!(uid_and_sequence(&own.text().await.unwrap()).0, before.0);
}

async fn two_simultaneous_registrations_from_one_member_give_one_place(ev: Ev) {
    let (activity, date) = ev.activity("摄影讲座", 20, ActivityDraft::default()).await;
    let token = ev.member_token("13907310019").await;
    let body =
        json!({ "name": "冯老师", "companions": [{ "name": "冯小雨", "birth_year": "2016" }] });
    let (a, b) = tokio::join!(
        ev.register_api(&token, date, body.clone()),
        ev.register_api(&token, date, body.clone()),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);
    assert_eq!(ev.seats_left(activity).await, 18, "one party of two");
}

async fn bad_input_is_named_by_field_or_is_a_404_never_a_5xx(ev: Ev) {
    let (_, date) = ev
        .activity(
            "少儿美术班",
            10,
            ActivityDraft {
                age_min: "6".into(),
                age_max: "12".into(),
                companions_max: "1".into(),
                audience: "children".into(),
                ..Default::default()
            },
        )
        .await;
    let client = ev.member_client("13907310020").await;
    let form = text(
        client
            .get(ev.at(&format!("/events/dates/{date}/register")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        form.contains("本活动有年龄要求"),
        "the form says why the year is needed"
    );
    let page = ev
        .register_form(
            &client,
            date,
            &[
                ("name", "陈小妹"),
                ("birth_year", "二〇一八"),
                ("companions[0].name", "陈弟弟"),
                ("companions[0].birth_year", "abcd"),
            ],
        )
        .await;
    assert_eq!(page.status(), 422);
    let page = text(page).await;
    assert!(
        page.contains("id=\"e-birth_year\""),
        "beside the field: {page}"
    );
    assert!(page.contains("id=\"e-companions-0-birth_year\""));
    assert!(page.contains("href=\"#f-birth_year\""), "listed at the top");

    let token = ev.member_token("13907310021").await;
    let letters = ev
        .register_api(
            &token,
            date,
            json!({ "name": "陈小妹", "birth_year": "abcd" }),
        )
        .await;
    assert_eq!(letters.status(), 422);
    let letters: Value = letters.json().await.unwrap();
    assert_eq!(letters["fields"][0]["field"], "birth_year", "{letters}");

    let six: Vec<Value> = (0..6)
        .map(|i| json!({ "name": format!("孩子{i}"), "birth_year": "2016" }))
        .collect();
    let many = ev
        .register_api(
            &token,
            date,
            json!({ "name": "陈妈妈", "birth_year": "2016", "companions": six }),
        )
        .await;
    assert_eq!(many.status(), 422);
    let many: Value = many.json().await.unwrap();
    assert!(
        many["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["field"] == "companions"),
        "{many}"
    );
    let unknown = ev
        .register_api(&token, 999_999, json!({ "name": "陈小妹" }))
        .await;
    assert_eq!(unknown.status(), 404);
    let unknown_page = client
        .get(ev.at("/events/dates/999999/register"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown_page.status(), 404);
    let unauthenticated = reqwest::Client::new()
        .post(ev.at(&format!("/api/v1/events/dates/{date}/registrations")))
        .json(&json!({ "name": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);
    for path in [
        "/events?unit=abc",
        "/events?audience=teenagers",
        "/events?unit=99999",
        "/events/99999",
        "/events/units/abc.ics",
        "/events/units/99999.ics",
        "/e/not-a-token",
        "/e/not-a-token.ics",
        "/events/dates/99999/lottery",
        "/api/v1/events?unit=99999",
    ] {
        let status = reqwest::get(ev.at(path)).await.unwrap().status();
        assert!(status.is_client_error(), "{path}: {status}");
    }
}

async fn a_member_registers_through_the_form_on_a_phone(ev: Ev) {
    let (activity, date) = ev
        .activity("老年智能手机课", 8, ActivityDraft::default())
        .await;
    let Some(b) = Browser::start(Screen::Phone).await else {
        return;
    };
    b.goto(&ev.at("/events")).await;
    assert!(!b.horizontal_overflow().await, "the calendar fits a phone");
    b.keep_screenshot("events-calendar").await;
    b.click(&format!("a[href='/events/{activity}']")).await;
    assert!(!b.horizontal_overflow().await, "the activity fits a phone");
    b.keep_screenshot("events-activity").await;
    b.click(&format!("a[href='/events/dates/{date}/register']"))
        .await;
    // Signing in with the texted code, then back to the form.
    b.fill("#f-mobile", "139 0731 0022").await;
    b.submit_form("#send-code-form").await;
    let code = ev.code_for("13907310022").await;
    b.fill("#f-code", &code).await;
    b.submit_form("#verify-form").await;
    assert!(
        b.url()
            .await
            .ends_with(&format!("/events/dates/{date}/register")),
        "{}",
        b.url().await
    );
    assert!(!b.horizontal_overflow().await, "the form fits a phone");
    b.keep_screenshot("events-register-form").await;
    b.fill("#f-name", "刘奶奶").await;
    b.fill("#f-birth_year", "1948").await;
    b.fill("#f-companions-0-name", "刘小花").await;
    b.fill("#f-companions-0-birth_year", "2016").await;
    b.submit_form("#register-form").await;
    assert_eq!(b.text("h1").await, "报名成功");
    assert!(b.exists(".ev-qr svg").await, "the QR code");
    assert_eq!(b.text(".ev-code").await.len(), 9);
    assert!(!b.horizontal_overflow().await, "the receipt fits a phone");
    b.keep_screenshot("events-registered").await;
    let link = unescape(&b.text("a.tracking-link").await);
    assert!(link.contains("/e/"), "{link}");
}

/// `at` (`YYYY-MM-DDTHH:MM`, Beijing) in milliseconds.
fn beijing(at: &str) -> i64 {
    let civil: jiff::civil::DateTime = at.parse().unwrap();
    civil
        .to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .unwrap()
        .timestamp()
        .as_millisecond()
}

async fn an_offer_is_taken_up_a_late_cancel_is_warned_and_an_attendee_rates(ev: Ev) {
    let (_, date) = ev.activity("京剧唱腔班", 1, ActivityDraft::default()).await;
    let first = ev.member_client("13907310031").await;
    let sent = ev.register_form(&first, date, &[("name", "何先生")]).await;
    assert_eq!(sent.status(), 303);
    let token = ev.member_token("13907310032").await;
    let waiting: Value = ev
        .register_api(
            &token,
            date,
            json!({ "name": "许阿姨", "join_waiting_list": true }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(waiting["status"], "waiting");
    let link = format!("/e/{}", waiting["token"].as_str().unwrap());

    // The first member gives the seat up from /me/events, in good time.
    let list = text(first.get(ev.at("/me/events")).send().await.unwrap()).await;
    assert!(
        list.contains("取消报名…") && !list.contains("爽约"),
        "{list}"
    );
    let mine = ev.app.services.events();
    let id = list
        .split("id=\"registration-")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let cancelled = ev
        .app
        .post_form(
            &first,
            "/me/events",
            &format!("/me/events/{id}/cancel"),
            &[],
        )
        .await;
    assert_eq!(common::location(&cancelled), "/me/events?done=cancelled");

    // The seat is offered to the second, who takes it up through the private link.
    let offered = text(reqwest::get(ev.at(&link)).await.unwrap()).await;
    assert!(offered.contains("有空位了！请在"), "{offered}");
    let stranger = ev.app.client();
    let accepted = ev
        .app
        .post_form(&stranger, &link, &format!("{link}/accept"), &[])
        .await;
    assert_eq!(common::location(&accepted), format!("{link}?done=accepted"));
    let page = text(
        stranger
            .get(ev.at(&common::location(&accepted)))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        page.contains("已确认参加") && page.contains("<svg"),
        "{page}"
    );

    // The day itself, an hour before: cancelling now would count as a no-show, and says so.
    ev.app
        .clock
        .set(domain::Timestamp(beijing("2026-11-25T13:00")));
    let late = text(reqwest::get(ev.at(&link)).await.unwrap()).await;
    assert!(late.contains("会记为一次爽约"), "{late}");

    // Checked in at the door, then rated once it ended.
    let registration = mine
        .registration_by_token(waiting["token"].as_str().unwrap())
        .await
        .unwrap();
    ev.app
        .clock
        .set(domain::Timestamp(beijing("2026-11-25T14:05")));
    mine.check_in(&ev.clerk, date, &registration.code)
        .await
        .unwrap();
    ev.app
        .clock
        .set(domain::Timestamp(beijing("2026-11-25T17:00")));
    let second = ev.member_client("13907310032").await;
    let list = text(second.get(ev.at("/me/events")).send().await.unwrap()).await;
    assert!(
        list.contains("给这次活动打分") && list.contains("name=\"stars\""),
        "{list}"
    );
    let rated = ev
        .app
        .post_form(
            &second,
            "/me/events",
            &format!("/me/events/{}/rate", registration.id),
            &[("stars", "5"), ("comment", "老师讲得很好")],
        )
        .await;
    assert_eq!(common::location(&rated), "/me/events?done=rated");
    let list = text(
        second
            .get(ev.at("/me/events?done=rated"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        list.contains("谢谢您的评分") && list.contains("已评分"),
        "{list}"
    );
}

async fn the_lottery_page_shows_the_commitment_then_the_list_and_the_seed(ev: Ev) {
    let (activity, date) = ev
        .activity(
            "古筝公益培训班",
            1,
            ActivityDraft {
                allocation: "lottery".into(),
                closes_at: "2026-11-24T12:00".into(),
                ..Default::default()
            },
        )
        .await;
    let page = text(
        reqwest::get(ev.at(&format!("/events/{activity}")))
            .await
            .unwrap(),
    )
    .await;
    assert!(
        page.contains("申请摇号") && page.contains("摇号承诺值"),
        "{page}"
    );
    let api: Value = reqwest::get(ev.at(&format!("/api/v1/events/{activity}")))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let commitment = api["lottery_commitment"].as_str().unwrap().to_owned();
    for (mobile, name) in [("13907310041", "黄同学"), ("13907310042", "林同学")] {
        let token = ev.member_token(mobile).await;
        let applied: Value = ev
            .register_api(&token, date, json!({ "name": name }))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(applied["status"], "applied");
        assert!(applied["application_no"].as_str().unwrap().starts_with('A'));
    }
    let lottery = format!("/events/dates/{date}/lottery");
    let before = text(reqwest::get(ev.at(&lottery)).await.unwrap()).await;
    assert!(
        before.contains(&commitment) && before.contains("报名截止后"),
        "{before}"
    );
    assert!(!before.contains("id=\"seed\""));

    ev.app
        .clock
        .set(domain::Timestamp(beijing("2026-11-24T12:01")));
    ev.app.run_worker().await;
    let after = text(reqwest::get(ev.at(&lottery)).await.unwrap()).await;
    assert!(
        after.contains("黄**") || after.contains("黄*"),
        "names masked: {after}"
    );
    assert!(!after.contains("黄同学"));
    let seed = after
        .split("id=\"seed\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap_or_else(|| panic!("the seed after the draw: {after}"))
        .to_owned();
    use sha2::Digest;
    let digest = sha2::Sha256::digest(seed.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex, commitment,
        "anyone can check the seed against the commitment"
    );
    assert!(after.contains("中签") && after.contains("候补"));
    assert!(after.contains("href=\"/events/lottery-procedure\""));
    let procedure = reqwest::get(ev.at("/events/lottery-procedure"))
        .await
        .unwrap();
    assert!(procedure.text().await.unwrap().contains("SHA-256"));
}

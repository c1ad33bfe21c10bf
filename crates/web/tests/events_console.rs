//! The events console over HTTP, on both engines: a clerk drafts an activity and its date
//! through the forms, the director publishes it, a member registers, the door checks them
//! in by code (and warns on a second scan, refuses a wrong code clearly), the roster
//! downloads; and who may do what: a department's staff do not publish, another station's
//! clerk does not see the centre's activity, a bad form names its field and saves nothing.

mod common;
mod events_kit;

use common::location;
use events_kit::{EventsDesk, TITLE};

testkit::on_both_engines! {
    a_clerk_drafts_the_director_publishes_and_the_door_checks_them_in(EventsDesk),
    a_department_member_drafts_but_may_not_publish(EventsDesk),
    another_stations_clerk_cannot_see_the_centres_activity(EventsDesk),
    a_bad_form_names_the_field_and_saves_nothing(EventsDesk),
}

/// The HTML from the label of `field` to the end of its block: where its error must show.
fn field_block<'a>(page: &'a str, field: &str) -> &'a str {
    let start = page
        .find(&format!("for=\"f-{field}\""))
        .unwrap_or_else(|| panic!("no label for {field}"));
    let rest = &page[start..];
    &rest[..rest.find("</div>").unwrap_or(rest.len())]
}

async fn a_clerk_drafts_the_director_publishes_and_the_door_checks_them_in(r: EventsDesk) {
    let clerk = r.signed_in("li.jing").await;
    let (status, list) = r.page(&clerk, "/console/events").await;
    assert_eq!(status, 200);
    assert!(list.contains("href=\"/console/events/new\""), "{list}");
    assert!(list.contains("href=\"/console/events/figures\""));

    let (status, form) = r.page(&clerk, "/console/events/new").await;
    assert_eq!(status, 200);
    assert!(
        form.contains("<option value=\"heritage\">非遗</option>"),
        "{form}"
    );
    assert!(form.contains("type=\"datetime-local\""));
    assert!(
        form.contains("id=\"f-booking-course\""),
        "booking is explained"
    );

    let id = r.draft_through_the_form(&clerk).await;
    let (_, page) = r
        .page(&clerk, &format!("/console/events/{id}?done=created"))
        .await;
    assert!(page.contains("活动草稿已保存"), "{page}");
    assert!(
        page.contains("id=\"form-publish\""),
        "the office clerk may publish"
    );
    let date = r.add_date_through_the_form(&clerk, id, "30").await;
    let (_, page) = r.page(&clerk, &format!("/console/events/{id}")).await;
    assert!(page.contains("2026-11-28 14:00 至 16:00"), "{page}");
    assert!(page.contains("已报 0 人，共 30 个名额"));
    assert!(page.contains(&format!("href=\"/console/events/dates/{date}/checkin\"")));

    // The director publishes it.
    let director = r.signed_in("zhou.min").await;
    let path = format!("/console/events/{id}");
    let stale = (r.version(id).await - 1).to_string();
    let conflict = r
        .post(
            &director,
            &path,
            &path,
            &[("action", "publish"), ("version", &stale)],
        )
        .await;
    assert_eq!(conflict.status(), 409, "an old version is refused");
    assert!(
        conflict
            .text()
            .await
            .unwrap()
            .contains("内容已被他人修改，请刷新后重试")
    );
    let version = r.version(id).await.to_string();
    let published = r
        .post(
            &director,
            &path,
            &path,
            &[("action", "publish"), ("version", &version)],
        )
        .await;
    assert_eq!(published.status(), 303);
    assert_eq!(location(&published), format!("{path}?done=published"));
    let (_, page) = r.page(&director, &location(&published)).await;
    assert!(page.contains("活动已发布"), "{page}");
    assert!(!page.contains("id=\"form-publish\""));

    // A member registers with a child.
    let member = r.member("13800138001").await;
    let code = r.register(&member, date, "张丽").await;
    let (_, list) = r.page(&clerk, "/console/events").await;
    assert!(
        list.contains(TITLE) && list.contains("已发布") && list.contains("2 / 30"),
        "{list}"
    );

    // At the door: typed in lower case with a space, it checks them in.
    let door = format!("/console/events/dates/{date}/checkin");
    let (status, page) = r.page(&clerk, &door).await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"f-code\"") && page.contains("/static/events_checkin.js"));
    let typed = format!("{} {}", &code[..4], &code[4..]).to_lowercase();
    let first = r.post(&clerk, &door, &door, &[("code", &typed)]).await;
    assert_eq!(first.status(), 200);
    let page = first.text().await.unwrap();
    assert!(
        page.contains("ev-result-ok") && page.contains("签到成功"),
        "{page}"
    );
    assert!(page.contains("张丽，共 2 人"), "{page}");
    assert!(page.contains("王小明（2016 年生）"));
    // The second scan warns, with the time of the first.
    let again = r.post(&clerk, &door, &door, &[("code", &code)]).await;
    let page = again.text().await.unwrap();
    assert!(
        page.contains("ev-result-again") && page.contains("已签到过（09:00 签到）"),
        "{page}"
    );
    // A code nobody holds, and text that is no code: a clear red refusal.
    let wrong = r.post(&clerk, &door, &door, &[("code", "ZZZZ-ZZZZ")]).await;
    assert_eq!(wrong.status(), 200);
    let page = wrong.text().await.unwrap();
    assert!(
        page.contains("ev-result-bad") && page.contains("没有这个签到码"),
        "{page}"
    );
    assert!(
        page.contains("输入的是：ZZZZ-ZZZZ"),
        "what was typed is shown back"
    );
    let garbage = r.post(&clerk, &door, &door, &[("code", "12")]).await;
    assert_eq!(garbage.status(), 422);
    let page = garbage.text().await.unwrap();
    assert!(
        page.contains("ev-result-bad") && page.contains("签到码应为 8 位字母数字"),
        "{page}"
    );
    assert!(page.contains("aria-invalid=\"true\""));

    // A walk-in is added at the door.
    let walk_in = format!("/console/events/dates/{date}/walkin");
    let added = r
        .post(
            &clerk,
            &door,
            &walk_in,
            &[("name", "赵大爷"), ("seats", "1")],
        )
        .await;
    assert_eq!(added.status(), 303);
    assert_eq!(location(&added), format!("{door}?done=walkin"));

    // The roster lists them in words, and downloads.
    let roster = format!("/console/events/dates/{date}");
    let (status, page) = r.page(&clerk, &roster).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("张丽") && page.contains("已到场") && page.contains(&code),
        "{page}"
    );
    assert!(page.contains("赵大爷") && page.contains("现场登记"));
    let csv = clerk
        .get(r.app.at(&format!("{roster}/roster.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let bytes = csv.bytes().await.unwrap();
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "the BOM Excel needs"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with("姓名,人数,同行人,状态,签到码"), "{text}");
    assert!(
        text.contains("张丽") && text.contains(&code) && text.contains("已报名"),
        "{text}"
    );
    let xlsx = clerk
        .get(r.app.at(&format!("{roster}/roster.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
    let (status, sheet) = r.page(&clerk, &format!("{roster}/sheet")).await;
    assert_eq!(status, 200);
    assert!(sheet.contains("<svg") && sheet.contains(&code) && sheet.contains("ev-signature"));

    // The figures of the month count them.
    let (status, figures) = r
        .page(&clerk, "/console/events/figures?month=2026-11")
        .await;
    assert_eq!(status, 200);
    assert!(
        figures.contains(TITLE) && figures.contains("再开一个班"),
        "{figures}"
    );
    let (status, _) = r.page(&clerk, "/console/events/figures?month=十一月").await;
    assert_eq!(status, 422);
}

async fn a_department_member_drafts_but_may_not_publish(r: EventsDesk) {
    let wang = r.signed_in("wang.fang").await;
    let (status, _) = r.page(&wang, "/console/events").await;
    assert_eq!(status, 200);
    // The department organises its unit's activities: it drafts one and adds its date.
    let id = r.draft_through_the_form(&wang).await;
    r.add_date_through_the_form(&wang, id, "20").await;
    let path = format!("/console/events/{id}");
    let (status, page) = r.page(&wang, &path).await;
    assert_eq!(status, 200);
    assert!(!page.contains("id=\"form-publish\""), "{page}");
    assert!(page.contains("活动由办公室发布"));
    let version = r.version(id).await.to_string();
    let refused = r
        .post(
            &wang,
            &path,
            &path,
            &[("action", "publish"), ("version", &version)],
        )
        .await;
    assert_eq!(refused.status(), 403);
    let a = r.s().events().staff_activity(&r.clerk, id).await.unwrap();
    assert_eq!(a.status, "draft", "nothing was published");
}

async fn another_stations_clerk_cannot_see_the_centres_activity(r: EventsDesk) {
    let (id, date) = r.published().await;
    let tang = r.signed_in("tang.li").await;
    let (status, list) = r.page(&tang, "/console/events").await;
    assert_eq!(status, 200);
    assert!(!list.contains(TITLE), "{list}");
    for path in [
        format!("/console/events/{id}"),
        format!("/console/events/{id}/edit"),
        format!("/console/events/dates/{date}"),
        format!("/console/events/dates/{date}/checkin"),
        format!("/console/events/dates/{date}/roster.csv"),
        format!("/console/events/dates/{date}/sheet"),
    ] {
        let (status, _) = r.page(&tang, &path).await;
        assert_eq!(status, 404, "{path}");
    }
    let door = format!("/console/events/dates/{date}/checkin");
    let tried = r
        .post(&tang, "/console/events", &door, &[("code", "ZZZZ-ZZZZ")])
        .await;
    assert_eq!(tried.status(), 404);
}

async fn a_bad_form_names_the_field_and_saves_nothing(r: EventsDesk) {
    let clerk = r.signed_in("li.jing").await;
    let mut fields = r.activity_fields();
    for (name, value) in &mut fields {
        match *name {
            "title" => *value = String::new(),
            "opens_at" => *value = "明天上午".into(),
            _ => {}
        }
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = r
        .post(
            &clerk,
            "/console/events/new",
            "/console/events/new",
            &fields,
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("class=\"error-summary\""), "{page}");
    assert!(
        page.contains("<a href=\"#f-title\">活动名称：") && page.contains("href=\"#f-opens_at\""),
        "the summary links each field in error: {page}"
    );
    assert!(
        field_block(&page, "title").contains("class=\"error\""),
        "{page}"
    );
    assert!(
        field_block(&page, "opens_at").contains("请填写正确的时间"),
        "{page}"
    );
    assert!(page.contains("文化馆二楼书画室"), "what was typed stays");
    assert!(
        r.s()
            .events()
            .staff_activities(&r.clerk)
            .await
            .unwrap()
            .is_empty()
    );

    // A date without seats nor a valid end: named, and no date added.
    let id = r.draft_through_the_form(&clerk).await;
    let path = format!("/console/events/{id}");
    let response = r
        .post(
            &clerk,
            &path,
            &path,
            &[
                ("action", "add_date"),
                ("starts_at", "2026-11-28T14:00"),
                ("ends_at", "2026-11-28T13:00"),
                ("capacity", "很多"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("id=\"add_date-0-capacity-e\""), "{page}");
    assert!(page.contains("结束时间要晚于开始时间"));
    let a = r.s().events().staff_activity(&r.clerk, id).await.unwrap();
    assert!(a.dates.is_empty());
}

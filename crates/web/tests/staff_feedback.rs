//! The staff side of the feedback loop over HTTP, on both engines: the inbox, one item and
//! its workflow, bulk work, exports, photos, offline entry, and the JSON API.

mod common;
mod desk;

use calamine::{Data, Reader, Xlsx};
use common::location;
use desk::{Desk, MOBILE, MOBILE_MASKED, version_in};
use domain::feedback::Status;
use domain::time::DAY_MS;
use serde_json::{Value, json};
use services::feedback::PhotoUpload;

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

async fn status_of(d: &Desk, id: i64) -> Status {
    d.s()
        .feedback()
        .feedback_item(&d.clerk, id)
        .await
        .unwrap()
        .0
        .status
}

testkit::on_both_engines! {
    the_office_triages_the_department_answers_and_closes(Desk),
    an_illegal_action_is_refused_with_a_clear_message_and_changes_nothing(Desk),
    a_stale_form_is_refused_instead_of_undoing_a_colleagues_change(Desk),
    bulk_assignment_reports_each_refused_item(Desk),
    the_overdue_queue_fills_when_a_deadline_passes(Desk),
    exports_show_contact_details_only_to_those_allowed(Desk),
    photos_are_served_only_to_staff_who_may_see_the_item(Desk),
    offline_feedback_is_entered_with_its_date_checked(Desk),
    the_api_lists_shows_and_acts_with_errors_in_one_shape(Desk),
    moderation_priority_and_the_board_setting_are_set_on_the_item_page(Desk),
    an_answer_template_starts_the_answer(Desk),
    the_inbox_pages_on_in_numbered_pages_keeping_the_filters(Desk),
}

async fn the_office_triages_the_department_answers_and_closes(d: Desk) {
    let sent = d.submit("希望城关镇文化站周末开放书法班", "request").await;
    let elsewhere = d.submit("图书馆的空调太冷", "complaint").await;
    let clerk = d.signed_in("li.jing").await;

    let (status, inbox) = d.page(&clerk, "/console/feedback?queue=unassigned").await;
    assert_eq!(status, 200);
    assert!(inbox.contains(&sent.tracking_no) && inbox.contains(&elsewhere.tracking_no));
    assert!(
        inbox.contains("aria-current=\"page\">待分办"),
        "the current queue is marked"
    );
    assert!(
        !inbox.contains(MOBILE),
        "the inbox shows no contact details"
    );

    let page = d.act_ok(&clerk, sent.id, &[("action", "accept")]).await;
    assert!(page.contains("已完成：受理"));
    let page = d
        .act_ok(
            &clerk,
            sent.id,
            &[
                ("action", "assign"),
                ("department", &d.activity.to_string()),
                ("assignee", ""),
                ("reason", ""),
            ],
        )
        .await;
    assert!(page.contains("已转办"));

    // The department sees it in its queue, and only its own items.
    let worker = d.signed_in("zhao.li").await;
    let (_, queue) = d.page(&worker, "/console/feedback?queue=department").await;
    assert!(queue.contains(&sent.tracking_no), "{queue}");
    assert!(!queue.contains(&elsewhere.tracking_no));
    let (status, _) = d
        .page(&worker, &format!("/console/feedback/{}", elsewhere.id))
        .await;
    assert_eq!(
        status, 404,
        "another department's item does not exist for them"
    );
    let (_, item) = d
        .page(&worker, &format!("/console/feedback/{}", sent.id))
        .await;
    assert!(
        item.contains(MOBILE),
        "department staff see the contact details"
    );
    assert!(!item.contains("value=\"accept\""), "triage is not theirs");

    d.act_ok(&worker, sent.id, &[("action", "start")]).await;
    let page = d
        .act_ok(
            &worker,
            sent.id,
            &[
                ("action", "answer"),
                ("text", "已安排每周六上午开放书法班。——活动部"),
            ],
        )
        .await;
    assert!(page.contains("已答复"));
    let timeline = &page[page.find("class=\"item-timeline\"").unwrap()..];
    assert!(
        timeline.contains("已安排每周六上午开放书法班。——活动部") && timeline.contains("赵丽"),
        "{timeline}"
    );
    let page = d.act_ok(&worker, sent.id, &[("action", "close")]).await;
    assert!(page.contains("已完成：办结"));
    assert_eq!(status_of(&d, sent.id).await, Status::Closed);
}

async fn an_illegal_action_is_refused_with_a_clear_message_and_changes_nothing(d: Desk) {
    let sent = d.submit("希望增加戏曲演出", "suggestion").await;
    let clerk = d.signed_in("li.jing").await;
    let response = d.act(&clerk, sent.id, &[("action", "close")]).await;
    assert_eq!(response.status(), 409);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("该反馈当前状态为“待受理”，不能办结"),
        "{page}"
    );
    assert!(page.contains("role=\"alert\""));
    assert_eq!(status_of(&d, sent.id).await, Status::New);
    // A field the action needs is named where it belongs; nothing changes either.
    let response = d
        .act(&clerk, sent.id, &[("action", "decline"), ("reason", "  ")])
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("id=\"decline-reason-e\"") && page.contains("此项必填"),
        "{page}"
    );
    assert_eq!(status_of(&d, sent.id).await, Status::New);
    // The evaluator only reads.
    let evaluator = d.signed_in("eval.gao").await;
    let (_, page) = d
        .page(&evaluator, &format!("/console/feedback/{}", sent.id))
        .await;
    assert!(
        page.contains("当前状态下没有您可以进行的办理操作") && !page.contains("value=\"accept\"")
    );
    let response = d.act(&evaluator, sent.id, &[("action", "accept")]).await;
    assert_eq!(response.status(), 403);
    assert_eq!(status_of(&d, sent.id).await, Status::New);
}

async fn a_stale_form_is_refused_instead_of_undoing_a_colleagues_change(d: Desk) {
    let sent = d.submit("书屋的书太旧", "request").await;
    let clerk = d.signed_in("li.jing").await;
    let path = format!("/console/feedback/{}", sent.id);
    let (_, before) = d.page(&clerk, &path).await;
    let stale = version_in(&before);
    // A colleague accepts it meanwhile.
    d.s()
        .feedback()
        .act_on_feedback(
            &d.clerk,
            sent.id,
            None,
            services::feedback::StaffAction::Accept,
        )
        .await
        .unwrap();
    for form in [
        vec![("version", stale.as_str()), ("action", "mark_spam")],
        // A form without its version cannot show it is current either.
        vec![("action", "start")],
        vec![
            ("version", stale.as_str()),
            ("action", "priority"),
            ("priority", "urgent"),
        ],
    ] {
        let response = d.app.post_form(&clerk, &path, &path, &form).await;
        assert_eq!(response.status(), 409, "{form:?}");
        let page = response.text().await.unwrap();
        assert!(page.contains("内容已被他人修改，请刷新后重试"), "{page}");
        // The page now shows the item as it is, ready for a second try.
        assert_ne!(version_in(&page), stale);
    }
    let (item, _) = d
        .s()
        .feedback()
        .feedback_item(&d.clerk, sent.id)
        .await
        .unwrap();
    assert_eq!(
        (item.status, item.priority.as_str()),
        (Status::Accepted, "normal")
    );
}

async fn bulk_assignment_reports_each_refused_item(d: Desk) {
    let a = d.submit("第一条：广场舞音响", "complaint").await;
    let b = d.submit("第二条：少儿美术班", "request").await;
    let c = d.submit("第三条：已有部门的", "request").await;
    d.s()
        .feedback()
        .act_on_feedback(
            &d.clerk,
            c.id,
            None,
            services::feedback::StaffAction::Assign {
                department: d.training,
                assignee: None,
                reason: None,
            },
        )
        .await
        .unwrap();
    let clerk = d.signed_in("li.jing").await;
    let (_, inbox) = d.page(&clerk, "/console/feedback").await;
    assert!(inbox.contains("name=\"id\""), "rows can be ticked");
    let csrf = d.app.csrf(&clerk, "/console/feedback").await;
    let department = d.activity.to_string();
    let ids = [a.id.to_string(), b.id.to_string(), c.id.to_string()];
    let form = [
        ("_csrf", csrf.as_str()),
        ("id", &ids[0]),
        ("id", &ids[1]),
        ("id", &ids[2]),
        ("bulk", "assign"),
        ("department", &department),
        ("reason", ""),
        ("view", "queue=all"),
    ];
    let response = clerk
        .post(d.app.at("/console/feedback/bulk"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    assert!(
        page.contains(&format!(
            "已完成 2 条：{}、{}",
            a.tracking_no, b.tracking_no
        )),
        "{page}"
    );
    assert!(page.contains("未能处理 1 条"), "{page}");
    assert!(
        page.contains(&format!(
            "<strong>{}</strong> — 改派需要填写理由",
            c.tracking_no
        )),
        "{page}"
    );
    let (item, _) = d
        .s()
        .feedback()
        .feedback_item(&d.clerk, c.id)
        .await
        .unwrap();
    assert_eq!(
        item.department,
        Some(d.training),
        "the refused one is unchanged"
    );
    assert_eq!(status_of(&d, a.id).await, Status::Assigned);
    // Nothing ticked: told so, nothing done.
    let response = clerk
        .post(d.app.at("/console/feedback/bulk"))
        .form(&[("_csrf", csrf.as_str()), ("bulk", "close")])
        .send()
        .await
        .unwrap();
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("请先勾选要处理的反馈")
    );
}

async fn the_overdue_queue_fills_when_a_deadline_passes(d: Desk) {
    let sent = d.submit("文化站的灯坏了", "complaint").await;
    let clerk = d.signed_in("li.jing").await;
    let (_, before) = d.page(&clerk, "/console/feedback?queue=overdue").await;
    assert!(!before.contains(&sent.tracking_no));
    // Received Monday 09:00: due the next Monday 09:00 (five working days).
    d.app.clock.advance_ms(7 * DAY_MS + 60_000);
    // A week later the session has lapsed: the clerk signs in again.
    let clerk = d.signed_in("li.jing").await;
    let (_, after) = d.page(&clerk, "/console/feedback?queue=overdue").await;
    assert!(after.contains(&sent.tracking_no), "{after}");
    assert!(after.contains("class=\"due due-overdue\""), "the badge");
    assert!(
        after.contains("已超期</span>"),
        "in words, not only in colour"
    );
    let (_, home) = d.page(&clerk, "/console").await;
    let glance = &home[home.find("glance-title").unwrap()..];
    assert!(
        glance.contains("class=\"overdue\"><strong>1</strong><span>已超期</span>"),
        "glance: {}",
        &glance[..glance.len().min(1500)]
    );
    let (_, english) = d
        .page(&clerk, "/console/feedback?queue=overdue&lang=en")
        .await;
    assert!(
        english.contains("aria-current=\"page\">Overdue") && english.contains("Resolution due"),
        "the inbox in English"
    );
    let (_, sorted) = d
        .page(&clerk, "/console/feedback?sort=deadline&status=open")
        .await;
    assert!(sorted.contains(&sent.tracking_no));
}

async fn exports_show_contact_details_only_to_those_allowed(d: Desk) {
    let sent = d
        .submit("我是王秀英，电话13907312233，想报名剪纸班", "request")
        .await;
    let clerk = d.signed_in("li.jing").await;
    let csv = clerk
        .get(d.app.at("/console/feedback/export.csv?queue=all"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        csv.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("private")
    );
    let bytes = csv.bytes().await.unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "the BOM Chinese Excel needs"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with("编号,收到时间,类型"), "{text}");
    assert!(
        text.contains(&sent.tracking_no) && text.contains("想报名剪纸班") && text.contains(MOBILE),
        "{text}"
    );
    assert!(text.contains("王秀英"));

    let evaluator = d.signed_in("eval.gao").await;
    let masked = evaluator
        .get(d.app.at("/console/feedback/export.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        masked.contains(&sent.tracking_no) && masked.contains(MOBILE_MASKED),
        "{masked}"
    );
    assert!(
        !masked.contains(MOBILE) && !masked.contains("王秀英"),
        "no personal data for an evaluator: {masked}"
    );

    let xlsx = clerk
        .get(d.app.at("/console/feedback/export.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    assert_eq!(range.get_value((0, 0)), Some(&Data::String("编号".into())));
    assert_eq!(
        range.get_value((1, 0)),
        Some(&Data::String(sent.tracking_no.clone()))
    );
    assert_eq!(range.get_value((1, 2)), Some(&Data::String("需求".into())));
    match range.get_value((1, 1)) {
        // 2026-11-23 09:00 in Beijing, as Excel counts days.
        Some(Data::DateTime(at)) => {
            assert!((at.as_f64() - 46349.375).abs() < 1e-6, "{}", at.as_f64())
        }
        other => panic!("the received time is a real date: {other:?}"),
    }
    assert!(
        range
            .rows()
            .any(|row| row.iter().any(|c| *c == Data::String(MOBILE.into())))
    );
}

async fn photos_are_served_only_to_staff_who_may_see_the_item(d: Desk) {
    let photo = PhotoUpload::clean(PNG, false).unwrap();
    let sent = d
        .submit_with("活动室墙面开裂，见照片", "complaint", vec![photo])
        .await;
    d.s()
        .feedback()
        .act_on_feedback(
            &d.clerk,
            sent.id,
            None,
            services::feedback::StaffAction::Assign {
                department: d.activity,
                assignee: None,
                reason: None,
            },
        )
        .await
        .unwrap();
    let clerk = d.signed_in("li.jing").await;
    let (_, page) = d
        .page(&clerk, &format!("/console/feedback/{}", sent.id))
        .await;
    let marker = format!("/console/feedback/{}/photos/", sent.id);
    let start = page.find(&marker).expect("the photo is shown");
    let src: String = page[start..].chars().take_while(|c| *c != '"').collect();
    assert!(
        page.contains("群众提交的第 1 张照片"),
        "the photo has a text alternative"
    );
    for (who, allowed) in [("li.jing", true), ("zhao.li", true), ("wang.pei", false)] {
        let client = if who == "li.jing" {
            clerk.clone()
        } else {
            d.signed_in(who).await
        };
        let response = client.get(d.app.at(&src)).send().await.unwrap();
        if allowed {
            assert_eq!(response.status(), 200, "{who}");
            assert_eq!(response.headers()["content-type"], "image/png");
            assert!(
                response.headers()["cache-control"]
                    .to_str()
                    .unwrap()
                    .starts_with("private")
            );
            assert_eq!(response.bytes().await.unwrap().as_ref(), PNG);
        } else {
            assert_eq!(response.status(), 404, "{who} is of another department");
        }
    }
    let signed_out = d.app.client().get(d.app.at(&src)).send().await.unwrap();
    assert_eq!(signed_out.status(), 303);
}

async fn offline_feedback_is_entered_with_its_date_checked(d: Desk) {
    let clerk = d.signed_in("li.jing").await;
    let (status, form) = d.page(&clerk, "/console/feedback/new").await;
    assert_eq!(status, 200);
    assert!(
        form.contains("max=\"2026-11-23\""),
        "no later date can be picked"
    );
    let key = {
        let marker = "name=\"submission_key\" value=\"";
        let start = form.find(marker).unwrap() + marker.len();
        form[start..].split('"').next().unwrap().to_owned()
    };
    let fields = |day: &'static str| {
        vec![
            ("channel", "comment_book"),
            ("received_on", day),
            ("kind", "suggestion"),
            ("category", ""),
            ("unit", ""),
            ("text", "意见簿：建议延长周末开放时间"),
            ("contact_name", "刘大爷"),
            ("mobile", ""),
            ("email", ""),
        ]
    };
    let mut future = fields("2026-11-24");
    future.push(("submission_key", &key));
    let response = d
        .app
        .post_form(
            &clerk,
            "/console/feedback/new",
            "/console/feedback/new",
            &future,
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("id=\"e-received_on\"") && page.contains("不能晚于今天"),
        "{page}"
    );
    assert!(
        page.contains("意见簿：建议延长周末开放时间"),
        "what was typed is kept"
    );

    let mut ok = fields("2026-11-20");
    ok.push(("submission_key", &key));
    let response = d
        .app
        .post_form(
            &clerk,
            "/console/feedback/new",
            "/console/feedback/new",
            &ok,
        )
        .await;
    assert_eq!(response.status(), 303);
    let to = location(&response);
    assert!(to.ends_with("?done=entered"), "{to}");
    let (_, item) = d.page(&clerk, &to).await;
    assert!(
        item.contains("已录入，编号 CD-2026-")
            && item.contains("意见簿")
            && item.contains("2026-11-20"),
        "{item}"
    );
    // The same form sent again (a double click) is the same item.
    let again = d
        .app
        .post_form(
            &clerk,
            "/console/feedback/new",
            "/console/feedback/new",
            &ok,
        )
        .await;
    assert_eq!(location(&again), to);
    // Department staff do not do the office's intake.
    let worker = d.signed_in("zhao.li").await;
    assert_eq!(d.page(&worker, "/console/feedback/new").await.0, 403);
}

async fn the_api_lists_shows_and_acts_with_errors_in_one_shape(d: Desk) {
    let sent = d.submit("希望开设老年智能手机培训", "suggestion").await;
    let token = d.app.api_token("li.jing", desk::PASSWORD).await;
    let api = reqwest::Client::new();
    let inbox: Value = api
        .get(d.app.at("/api/v1/inbox?queue=unassigned"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(inbox["rows"][0]["tracking_no"], sent.tracking_no.as_str());
    // The first response is due within one working day.
    assert_eq!(inbox["rows"][0]["due"], "due_soon");
    let item_url = d.app.at(&format!("/api/v1/feedback/items/{}", sent.id));
    let detail: Value = api
        .get(&item_url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(detail["item"]["contact"]["mobile"], MOBILE);
    assert!(
        detail["allowed_actions"]
            .as_array()
            .unwrap()
            .contains(&json!("accept"))
    );
    let version = detail["item"]["version"].as_i64().unwrap();

    let actions = format!("{item_url}/actions");
    let post = |body: Value| api.post(&actions).bearer_auth(&token).json(&body).send();
    // A department that does not exist is a missing thing, named: 404, not a malformed field.
    let bad = post(json!({"action": "assign", "department": 999_999}))
        .await
        .unwrap();
    assert_eq!(bad.status(), 404);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(
        (body["code"].as_str(), body["fields"][0]["field"].as_str()),
        (Some("not_found"), Some("department"))
    );
    assert_eq!(body["fields"][0]["message"], "请从列表中选择");
    let empty = post(json!({"action": "answer", "text": " "}))
        .await
        .unwrap();
    assert_eq!(empty.status(), 422);
    assert_eq!(
        empty.json::<Value>().await.unwrap()["fields"][0]["field"],
        "text"
    );
    let illegal = post(json!({"action": "close"})).await.unwrap();
    assert_eq!(illegal.status(), 409);
    let body: Value = illegal.json().await.unwrap();
    assert_eq!(body["code"], "err_illegal_transition");
    assert!(body["message"].as_str().unwrap().contains("不能办结"));
    let unknown = post(json!({"action": "teleport"})).await.unwrap();
    assert_eq!(unknown.status(), 400);
    assert_eq!(unknown.json::<Value>().await.unwrap()["code"], "malformed");

    let done = post(json!({"action": "assign", "department": d.activity, "version": version}))
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    let body: Value = done.json().await.unwrap();
    assert_eq!(
        (
            body["item"]["status"].as_str(),
            body["item"]["department"].as_i64()
        ),
        (Some("assigned"), Some(d.activity))
    );
    let stale = post(json!({"action": "start", "version": version}))
        .await
        .unwrap();
    assert_eq!(stale.status(), 409);
    assert_eq!(stale.json::<Value>().await.unwrap()["code"], "conflict");

    let note = api
        .post(format!("{item_url}/notes"))
        .bearer_auth(&token)
        .json(&json!({"note": "已电话联系"}))
        .send()
        .await
        .unwrap();
    assert_eq!(note.status(), 204);
    let empty_note = api
        .post(format!("{item_url}/notes"))
        .bearer_auth(&token)
        .json(&json!({"note": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        empty_note.json::<Value>().await.unwrap()["fields"][0]["field"],
        "note"
    );
    let detail: Value = api
        .get(&item_url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let last = detail["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (
            last["kind"].as_str(),
            last["public"].as_bool(),
            last["actor"].as_str()
        ),
        (Some("note"), Some(false), Some("李静"))
    );

    // The evaluator reads through the API too, without personal data, and cannot act.
    let evaluator = d.app.api_token("eval.gao", desk::PASSWORD).await;
    let seen: Value = api
        .get(&item_url)
        .bearer_auth(&evaluator)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(seen["item"]["contact"]["mobile"], MOBILE_MASKED);
    assert_eq!(seen["allowed_actions"], json!([]));
    let refused = api
        .post(&actions)
        .bearer_auth(&evaluator)
        .json(&json!({"action": "start"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}

async fn moderation_priority_and_the_board_setting_are_set_on_the_item_page(d: Desk) {
    let held = d.submit("低息贷 款，加 V 详聊", "suggestion").await;
    assert!(held.held);
    let clerk = d.signed_in("li.jing").await;
    let (_, queue) = d.page(&clerk, "/console/feedback?queue=held").await;
    assert!(queue.contains(&held.tracking_no));
    let path = format!("/console/feedback/{}", held.id);
    let (_, page) = d.page(&clerk, &path).await;
    assert!(
        page.contains("待审核（含敏感词）") && page.contains("含敏感词，暂不公开"),
        "the hold and its timeline entry"
    );
    // A redaction: the typed public text replaces the original in public.
    d.act_ok(
        &clerk,
        held.id,
        &[
            ("action", "moderate"),
            ("moderation", "clear"),
            ("public_text", "（内容已处理）"),
        ],
    )
    .await;
    let (item, timeline) = d
        .s()
        .feedback()
        .feedback_item(&d.clerk, held.id)
        .await
        .unwrap();
    assert_eq!(
        (item.moderation.as_str(), item.public_body.as_str()),
        ("clear", "（内容已处理）")
    );
    assert!(timeline.iter().any(|e| e.kind == "moderated" && !e.public));
    let (_, queue) = d.page(&clerk, "/console/feedback?queue=held").await;
    assert!(
        !queue.contains(&held.tracking_no),
        "cleared items leave the held queue"
    );

    let before = item.resolution_due.unwrap();
    let page = d
        .act_ok(
            &clerk,
            held.id,
            &[("action", "priority"), ("priority", "urgent")],
        )
        .await;
    assert!(page.contains("class=\"tag urgent\""));
    let (item, _) = d
        .s()
        .feedback()
        .feedback_item(&d.clerk, held.id)
        .await
        .unwrap();
    assert!(
        item.resolution_due.unwrap() < before,
        "urgent items are due sooner"
    );
    d.act_ok(&clerk, held.id, &[("action", "publish"), ("publish", "no")])
        .await;
    let (item, _) = d
        .s()
        .feedback()
        .feedback_item(&d.clerk, held.id)
        .await
        .unwrap();
    assert_eq!(item.publish.as_str(), "no");
    let bad = d
        .act(
            &clerk,
            held.id,
            &[("action", "publish"), ("publish", "maybe")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("id=\"publish-publish-e\"")
    );
    // An internal note is on the timeline for staff, marked internal.
    let page = d
        .act_ok(
            &clerk,
            held.id,
            &[("action", "note"), ("note", "已与举报人电话核实")],
        )
        .await;
    let timeline = &page[page.find("class=\"item-timeline\"").unwrap()..];
    let note = timeline.find("已与举报人电话核实").unwrap();
    assert!(
        timeline[..note].rfind("<li class=\"internal\">")
            > timeline[..note].rfind("<li class=\"public\">"),
        "the note is marked internal"
    );
    // Department staff neither moderate nor set the board.
    let worker = d.signed_in("zhao.li").await;
    let other = d.submit("书法班还有名额吗", "inquiry").await;
    d.s()
        .feedback()
        .act_on_feedback(
            &d.clerk,
            other.id,
            None,
            services::feedback::StaffAction::Assign {
                department: d.activity,
                assignee: None,
                reason: None,
            },
        )
        .await
        .unwrap();
    let (_, page) = d
        .page(&worker, &format!("/console/feedback/{}", other.id))
        .await;
    assert!(!page.contains("id=\"form-moderate\"") && page.contains("id=\"form-answer\""));
    assert_eq!(
        d.act(
            &worker,
            other.id,
            &[("action", "publish"), ("publish", "no")]
        )
        .await
        .status(),
        403
    );
    let no_version = d
        .app
        .post_form(
            &worker,
            &format!("/console/feedback/{}", other.id),
            &format!("/console/feedback/{}", other.id),
            &[("action", "moderate"), ("moderation", "hidden")],
        )
        .await;
    assert_eq!(
        no_version.status(),
        403,
        "not theirs comes before out of date"
    );
}

async fn an_answer_template_starts_the_answer(d: Desk) {
    let sent = d.submit("想报名少儿舞蹈培训", "inquiry").await;
    d.s()
        .feedback()
        .act_on_feedback(
            &d.clerk,
            sent.id,
            None,
            services::feedback::StaffAction::Accept,
        )
        .await
        .unwrap();
    let admin = desk::staff(d.s(), "admin", common::ADMIN_PASSWORD).await;
    let input = services::feedback::AnswerTemplateInput {
        title: "报名指引".into(),
        category: String::new(),
        body: "您好，报名请于每周一至周五到文化馆一楼服务台办理。".into(),
    };
    let template = d
        .s()
        .feedback()
        .add_answer_template(&admin, input)
        .await
        .unwrap();
    let clerk = d.signed_in("li.jing").await;
    let path = format!("/console/feedback/{}", sent.id);
    let (_, page) = d.page(&clerk, &path).await;
    let link = format!("/console/feedback/{}?template={template}#answer", sent.id);
    assert!(
        page.contains(&format!("href=\"{link}\">报名指引</a>")),
        "{page}"
    );
    let (_, filled) = d.page(&clerk, &format!("{path}?template={template}")).await;
    assert!(
        filled.contains(">您好，报名请于每周一至周五到文化馆一楼服务台办理。</textarea>"),
        "{filled}"
    );
}

async fn the_inbox_pages_on_in_numbered_pages_keeping_the_filters(d: Desk) {
    for i in 0..51 {
        let entry = services::feedback::OfflineEntry {
            intake: services::feedback::Intake {
                text: format!("意见箱第{i}条"),
                kind: "suggestion".into(),
                ..Default::default()
            },
            channel: "suggestion_box".into(),
            received_on: None,
        };
        d.s()
            .feedback()
            .enter_offline_feedback(&d.clerk, entry)
            .await
            .unwrap();
    }
    let clerk = d.signed_in("li.jing").await;
    let (_, first) = d
        .page(&clerk, "/console/feedback?channel=suggestion_box")
        .await;
    assert!(
        first.contains("意见箱第50条") && !first.contains("意见箱第25条"),
        "newest first, 25 a page"
    );
    assert!(first.contains("共 51 条") && first.contains("第 1 / 3 页"));
    let nav = &first[first.find("<nav class=\"pager\"").expect("page links")..];
    let end = nav.find("\" rel=\"next\"").expect("a next link");
    let start = nav[..end].rfind("href=\"").unwrap() + "href=\"".len();
    // As the browser reads the attribute: HTML escapes undone.
    let next = nav[start..end].replace("&#38;", "&").replace("&amp;", "&");
    assert!(
        next.contains("channel=suggestion_box") && next.contains("page=2"),
        "{next}"
    );
    let (_, last) = d
        .page(&clerk, "/console/feedback?channel=suggestion_box&page=3")
        .await;
    assert!(
        last.contains("意见箱第0条") && !last.contains("意见箱第1条"),
        "the last page holds the one left"
    );
    assert!(last.contains("第 3 / 3 页") && !last.contains("rel=\"next\""));
    // A page past the end shows the last one.
    let (_, beyond) = d
        .page(&clerk, "/console/feedback?channel=suggestion_box&page=99")
        .await;
    assert!(beyond.contains("意见箱第0条"));
}

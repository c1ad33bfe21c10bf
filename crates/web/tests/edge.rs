//! The web edge against a hostile client (issue 11), on both engines: forged
//! `X-Forwarded-For`, control characters in every place a request carries text, where to go
//! after signing in, and the HTTPS header.

mod common;
mod public_kit;

use common::{ADMIN_PASSWORD, BehindProxy, TestApp, location};
use public_kit::*;
use serde_json::{Value, json};

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

/// The public board search, as sent on by the proxy for a client claiming `forged` and
/// seen by the proxy at `real`.
async fn search_from(app: &TestApp, forged: &str, real: &str) -> u16 {
    reqwest::Client::new()
        .get(app.at("/board/search?q=%E9%9F%B3%E4%B9%90%E5%8E%85"))
        .header("x-forwarded-for", format!("{forged}, {real}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// How many items the office has received.
async fn items(p: &Public) -> usize {
    let inbox = p
        .app
        .services
        .feedback()
        .inbox(&p.admin, &services::feedback::InboxQuery::default())
        .await
        .unwrap();
    inbox.rows.len()
}

/// A refusal names `field` with the control-character message, in Chinese.
async fn names_the_field(response: reqwest::Response, status: u16, field: &str, what: &str) {
    assert_eq!(response.status(), status, "{what}");
    let api = response.url().path().starts_with("/api/");
    let body = response.text().await.unwrap();
    if api {
        let error: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["fields"][0]["field"], field, "{what}: {body}");
        assert!(
            error["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("控制字符"),
            "{what}: {body}"
        );
    } else {
        assert!(
            body.contains(&format!("<code>{field}</code>: 含有无法保存的控制字符")),
            "{what}: {body}"
        );
    }
}

testkit::on_both_engines! {
    a_forged_forwarded_for_does_not_change_the_rate_limit_key(BehindProxy),
    a_forged_forwarded_for_does_not_unlock_the_metrics(BehindProxy),
    https_deployments_send_strict_transport_security(BehindProxy),
    plain_http_deployments_do_not(TestApp),
    control_characters_in_the_public_form_are_refused_and_nothing_is_stored(Public),
    control_characters_in_paths_and_filters_are_a_400_naming_the_parameter(Public),
    an_unknown_inbox_filter_is_refused_by_name_not_read_as_everything(Public),
    control_characters_in_a_login_name_or_a_note_are_refused(Public),
    after_signing_in_only_a_path_on_this_site_is_followed(TestApp),
    after_a_member_signs_in_only_a_path_on_this_site_is_followed(Public),
}

async fn a_forged_forwarded_for_does_not_change_the_rate_limit_key(app: BehindProxy) {
    // The client writes whatever it likes to the left; the proxy appends what it saw.
    for n in 0..30 {
        assert_eq!(
            search_from(
                &app,
                &format!("10.0.{}.{}", n / 250, n % 250 + 1),
                "203.0.113.7"
            )
            .await,
            200,
            "search {n}"
        );
    }
    assert_eq!(
        search_from(&app, "10.9.9.9", "203.0.113.7").await,
        429,
        "a new forged address does not make a new allowance"
    );
    assert_eq!(
        search_from(&app, "10.9.9.9", "203.0.113.8").await,
        200,
        "another real client has its own"
    );
}

async fn a_forged_forwarded_for_does_not_unlock_the_metrics(app: BehindProxy) {
    let client = reqwest::Client::new();
    let metrics = |xff: &'static str| {
        client
            .get(app.at("/metrics"))
            .header("x-forwarded-for", xff)
            .send()
    };
    assert_eq!(
        metrics("127.0.0.1, 203.0.113.7").await.unwrap().status(),
        404,
        "the client's own claim"
    );
    assert_eq!(
        metrics("127.0.0.1,203.0.113.7, ").await.unwrap().status(),
        404
    );
    assert_eq!(metrics("::1, 2001:db8::7").await.unwrap().status(), 404);
    // Two header lines are one list: the proxy's line comes last.
    let two_lines = client
        .get(app.at("/metrics"))
        .header("x-forwarded-for", "127.0.0.1")
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .unwrap();
    assert_eq!(two_lines.status(), 404);
    // The machine itself, through the proxy or straight to the server.
    assert_eq!(
        metrics("203.0.113.7, 127.0.0.1").await.unwrap().status(),
        200
    );
    assert_eq!(
        client
            .get(app.at("/metrics"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

async fn https_deployments_send_strict_transport_security(app: BehindProxy) {
    let page = reqwest::get(app.at("/")).await.unwrap();
    assert_eq!(
        page.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let error = reqwest::get(app.at("/no-such-page")).await.unwrap();
    assert_eq!(
        error.headers()["strict-transport-security"],
        "max-age=31536000"
    );
}

async fn plain_http_deployments_do_not(app: TestApp) {
    let page = reqwest::get(app.at("/")).await.unwrap();
    assert!(!page.headers().contains_key("strict-transport-security"));
}

async fn control_characters_in_the_public_form_are_refused_and_nothing_is_stored(p: Public) {
    let client = p.app.client();
    let before = items(&p).await;
    for (field, value) in [
        ("text", "空调坏了\0"),
        ("text", "空调\u{1b}[31m坏了"),
        ("display_name", "小\u{7}王"),
        ("contact_name", "王\u{7f}"),
    ] {
        let mut fields = vec![
            ("kind", "request"),
            ("text", "阅览室空调坏了"),
            ("public_as", "nickname"),
            ("display_name", "小王"),
        ];
        fields.retain(|(name, _)| *name != field);
        fields.push((field, value));
        names_the_field(p.send_form(&client, &fields, &[]).await, 422, field, value).await;
    }
    let api = reqwest::Client::new();
    for (field, body) in [
        ("text", json!({"text": "空调坏了\u{0}", "kind": "request"})),
        (
            "display_name",
            json!({"text": "空调坏了", "kind": "request", "display_name": "\u{0}"}),
        ),
    ] {
        names_the_field(
            api.post(p.at("/api/v1/feedback"))
                .json(&body)
                .send()
                .await
                .unwrap(),
            422,
            field,
            field,
        )
        .await;
    }
    assert_eq!(items(&p).await, before, "nothing stored");
    // Multi-line text keeps its line breaks and tabs.
    let fine = p
        .send_form(
            &client,
            &[("kind", "request"), ("text", "第一行\r\n第二行\t空调坏了")],
            &[],
        )
        .await;
    assert_eq!(fine.status(), 200);
    assert_eq!(items(&p).await, before + 1);
}

async fn control_characters_in_paths_and_filters_are_a_400_naming_the_parameter(p: Public) {
    let sent = p
        .submit("文化站阅览室开放时间太短", "suggestion", None)
        .await;
    let no = &sent.tracking_no;
    let public = p.app.client();
    for (path, field) in [
        (format!("/t/{no}%00/abc"), "tracking_no"),
        (format!("/t/{no}/abc%00"), "secret"),
        (format!("/board/{no}%00"), "tracking_no"),
        ("/board?category=%00".to_owned(), "category"),
        ("/board?kind=request&status=%1B".to_owned(), "status"),
        ("/board/search?q=%E9%9F%B3%E4%B9%90%00".to_owned(), "q"),
        (
            format!("/api/v1/feedback/{no}%00?secret=abc"),
            "tracking_no",
        ),
        ("/api/v1/board?station=%07".to_owned(), "station"),
    ] {
        names_the_field(
            public.get(p.at(&path)).send().await.unwrap(),
            400,
            field,
            &path,
        )
        .await;
    }
    let staff = p.app.client();
    p.app.sign_in(&staff, "admin", ADMIN_PASSWORD).await;
    let token = p.app.api_token("admin", ADMIN_PASSWORD).await;
    for (path, field) in [
        ("/console/feedback?category=%00", "category"),
        ("/console/audit?entity_type=%00", "entity_type"),
    ] {
        names_the_field(
            staff.get(p.at(path)).send().await.unwrap(),
            400,
            field,
            path,
        )
        .await;
    }
    for (path, field) in [
        ("/api/v1/inbox?status=%00", "status"),
        ("/api/v1/audit?entity_type=user%00", "entity_type"),
    ] {
        names_the_field(
            public
                .get(p.at(path))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap(),
            400,
            field,
            path,
        )
        .await;
    }
    // In English for those who read English.
    let english = public
        .get(p.at("/api/v1/board?kind=%00"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(english.status(), 400);
    assert!(
        json_of(english).await["fields"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Contains a control character")
    );
}

async fn an_unknown_inbox_filter_is_refused_by_name_not_read_as_everything(p: Public) {
    p.submit("文化站阅览室开放时间太短", "suggestion", None)
        .await;
    let token = p.app.api_token("admin", ADMIN_PASSWORD).await;
    let api = p.app.client();
    for (query, field) in [
        ("queue=everything", "queue"),
        ("status=finished", "status"),
        ("kind=rumour", "kind"),
        ("channel=fax", "channel"),
        ("department=accounts", "department"),
        ("from=2026-13-45", "from"),
        ("sort=random", "sort"),
        ("after=yesterday", "after"),
    ] {
        let path = format!("/api/v1/inbox?{query}");
        let response = api
            .get(p.at(&path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let error = json_of(response).await;
        assert_eq!(status, 422, "{path}: {error}");
        assert_eq!(error["fields"][0]["field"], field, "{path}: {error}");
        assert_eq!(
            error["fields"][0]["message"], "无法识别这个筛选条件，请从页面上的选项中选择",
            "{path}"
        );
    }
    // A well-formed unit that is not there is a missing thing, named (the error policy).
    let nowhere = api
        .get(p.at("/api/v1/inbox?unit=999999"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(nowhere.status(), 404);
    assert_eq!(json_of(nowhere).await["fields"][0]["field"], "unit");
    // The known values still filter.
    let open = api
        .get(p.at("/api/v1/inbox?queue=unassigned&status=open&sort=deadline"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(open.status(), 200);
    assert_eq!(
        json_of(open).await["rows"].as_array().map(Vec::len),
        Some(1)
    );
    // The console's page says which filter it could not read.
    let staff = p.app.client();
    p.app.sign_in(&staff, "admin", ADMIN_PASSWORD).await;
    let page = staff
        .get(p.at("/console/feedback?queue=everything"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 422);
    let body = page.text().await.unwrap();
    assert!(
        body.contains("queue") && body.contains("无法识别这个筛选条件"),
        "{body}"
    );
}

async fn control_characters_in_a_login_name_or_a_note_are_refused(p: Public) {
    let client = p.app.client();
    let csrf = p.app.csrf(&client, "/login").await;
    let form = client
        .post(p.at("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "ad\0min"),
            ("password", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    names_the_field(form, 422, "username", "login form").await;
    let api = reqwest::Client::new();
    let login = api
        .post(p.at("/api/v1/auth/login"))
        .json(&json!({"username": "admin\u{0}", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    names_the_field(login, 422, "username", "API login").await;

    let sent = p
        .submit("文化站阅览室开放时间太短", "suggestion", None)
        .await;
    let token = p.app.api_token("admin", ADMIN_PASSWORD).await;
    let notes = p.at(&format!("/api/v1/feedback/items/{}/notes", sent.id));
    let refused = api
        .post(&notes)
        .bearer_auth(&token)
        .json(&json!({"note": "内部备注\u{0}"}))
        .send()
        .await
        .unwrap();
    names_the_field(refused, 422, "note", "note").await;
    let item = api
        .get(p.at(&format!("/api/v1/feedback/items/{}", sent.id)))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !item.contains("内部备注"),
        "the note was not stored: {item}"
    );
}

async fn after_signing_in_only_a_path_on_this_site_is_followed(app: TestApp) {
    let long = format!("/{}", "a".repeat(5000));
    let hostile = [
        "//evil.example",
        "/\\evil.example",
        "/%09/evil.example",
        "/%5cevil.example",
        "https://evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "/\0/evil.example",
        "/\u{1b}x",
        "/\r\n/evil.example",
        long.as_str(),
    ];
    for next in hostile {
        let client = app.client();
        let csrf = app.csrf(&client, "/login").await;
        let response = client
            .post(app.at("/login"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("username", "admin"),
                ("password", ADMIN_PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{next:?}");
        assert_eq!(location(&response), "/console", "{next:?}");
        // Signed in already: the login page sends on at once, by the same rule.
        let again = client
            .get(app.at("/login"))
            .query(&[("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(location(&again), "/console", "{next:?}");
    }
    let client = app.client();
    let csrf = app.csrf(&client, "/login").await;
    let response = client
        .post(app.at("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "admin"),
            ("password", ADMIN_PASSWORD),
            ("next", "/console/feedback?x=1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), "/console/feedback?x=1");
}

async fn after_a_member_signs_in_only_a_path_on_this_site_is_followed(p: Public) {
    for (n, next) in [
        "/%09/evil.example",
        "/\t/evil.example",
        "//evil.example",
        "/\0",
    ]
    .into_iter()
    .enumerate()
    {
        let mobile = format!("1390731220{n}");
        let client = p.app.client();
        let sent = p
            .app
            .post_form(&client, "/me/login", "/me/login", &[("mobile", &mobile)])
            .await;
        assert_eq!(sent.status(), 200);
        let code = p.code_for(&mobile).await;
        let verified = p
            .app
            .post_form(
                &client,
                "/me/login",
                "/me/verify",
                &[("mobile", &mobile), ("code", &code), ("next", next)],
            )
            .await;
        assert_eq!(verified.status(), 303, "{next:?}");
        assert_eq!(location_of(&verified), "/me", "{next:?}");
    }
    let mobile = "13907312288";
    let client = p.app.client();
    p.app
        .post_form(&client, "/me/login", "/me/login", &[("mobile", mobile)])
        .await;
    let code = p.code_for(mobile).await;
    let kept = p
        .app
        .post_form(
            &client,
            "/me/login",
            "/me/verify",
            &[
                ("mobile", mobile),
                ("code", &code),
                ("next", "/board?sort=supported"),
            ],
        )
        .await;
    assert_eq!(location_of(&kept), "/board?sort=supported");
}

//! The web layer as people and API clients meet it, on both engines.

mod common;

use common::{ADMIN_PASSWORD, TestApp, location};
use serde_json::{Value, json};

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

/// A gzipped body, unpacked.
fn gunzip(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .unwrap();
    text
}

testkit::on_both_engines! {
    pages_come_compressed_to_browsers_that_ask_and_the_event_stream_does_not(TestApp),
    the_portal_speaks_chinese_first_and_english_on_request(TestApp),
    a_staff_members_language_follows_them_to_another_browser(TestApp),
    the_api_refuses_a_field_it_does_not_have_and_reads_whole_numbers(TestApp),
    a_bad_login_is_refused_with_a_clear_message_and_no_session(TestApp),
    forms_without_a_valid_csrf_token_change_nothing(TestApp),
    a_session_cookie_is_httponly_and_lax_and_signing_out_ends_it(TestApp),
    an_open_redirect_after_sign_in_is_not_followed(TestApp),
    a_new_staff_member_must_choose_a_password_before_anything_else(TestApp),
    a_form_with_mistakes_names_each_field_and_creates_nothing(TestApp),
    the_api_answers_errors_in_one_shape(TestApp),
    staff_use_the_api_with_a_bearer_token(TestApp),
    a_member_signs_in_through_the_api_with_a_texted_code(TestApp),
    an_expired_code_is_refused_on_the_page(TestApp),
    health_and_metrics_answer(TestApp),
    a_double_submitted_form_creates_one_account(TestApp),
}

async fn pages_come_compressed_to_browsers_that_ask_and_the_event_stream_does_not(app: TestApp) {
    let client = app.client();
    app.sign_in(&client, "admin", ADMIN_PASSWORD).await;
    let plain = client.get(app.at("/console/org")).send().await.unwrap();
    assert!(
        plain.headers().get("content-encoding").is_none(),
        "plain to a client that does not ask"
    );
    let plain = plain.text().await.unwrap();

    let gzipped = client
        .get(app.at("/console/org"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.status(), 200);
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    assert!(
        gzipped.headers()["vary"]
            .to_str()
            .unwrap()
            .to_lowercase()
            .contains("accept-encoding")
    );
    let bytes = gzipped.bytes().await.unwrap();
    assert!(
        bytes.len() * 3 < plain.len(),
        "{} bytes gzipped of {}",
        bytes.len(),
        plain.len()
    );
    assert_eq!(gunzip(&bytes), plain, "the same page");

    let brotli = client
        .get(app.at("/console/org"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(brotli.headers()["content-encoding"], "br");

    // The live badge's event stream is sent as it happens, never held for a compressor.
    let mut events = client
        .get(app.at("/console/notices/events"))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), 200);
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    assert!(events.headers().get("content-encoding").is_none());
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), events.chunk())
        .await
        .expect("the first event at once")
        .unwrap()
        .unwrap();
    assert!(
        std::str::from_utf8(&first)
            .unwrap()
            .contains("event: pending"),
        "{first:?}"
    );
}

async fn the_portal_speaks_chinese_first_and_english_on_request(app: TestApp) {
    let client = app.client();
    let zh = client.get(app.at("/")).send().await.unwrap();
    assert!(
        zh.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    let zh = zh.text().await.unwrap();
    assert!(
        zh.contains("<html lang=\"zh-CN\">") && zh.contains("工作人员登录"),
        "{zh}"
    );
    let en = client
        .get(app.at("/"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("<html lang=\"en\">") && en.contains("Staff sign-in"));
    // The switch sticks, whatever the browser says.
    client.get(app.at("/?lang=en")).send().await.unwrap();
    let again = client
        .get(app.at("/"))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(again.contains("<html lang=\"en\">"));
}

async fn a_staff_members_language_follows_them_to_another_browser(app: TestApp) {
    let office = app.client();
    app.sign_in(&office, "admin", ADMIN_PASSWORD).await;
    office.get(app.at("/console?lang=en")).send().await.unwrap();
    let home = app.client();
    app.sign_in(&home, "admin", ADMIN_PASSWORD).await;
    let page = home
        .get(app.at("/console"))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<html lang=\"en\">") && page.contains("Hello,"),
        "{page}"
    );
}

async fn the_api_refuses_a_field_it_does_not_have_and_reads_whole_numbers(app: TestApp) {
    let client = reqwest::Client::new();
    // A misspelt field is named, not ignored.
    let misspelt = client
        .post(app.at("/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD, "passwrod": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(misspelt.status(), 400);
    assert_eq!(json_of(misspelt).await["fields"][0]["field"], "passwrod");
    // `3.0` is a whole number to JSON Schema, so to us too.
    let doc = json_of(
        client
            .get(app.at("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        doc["components"]["schemas"]["LoginRequest"]["additionalProperties"],
        false
    );
    let sent = client
        .post(app.at("/api/v1/feedback"))
        .json(&json!({"text": "希望周末开放舞蹈排练室", "kind": "request", "unit": 999_999.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent.status(),
        404,
        "read as the unit 999999, which does not exist"
    );
    assert_eq!(json_of(sent).await["fields"][0]["field"], "unit");
}

async fn a_bad_login_is_refused_with_a_clear_message_and_no_session(app: TestApp) {
    let client = app.client();
    let csrf = app.csrf(&client, "/login").await;
    let response = client
        .post(app.at("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "admin"),
            ("password", "guess"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .all(|c| !c.to_str().unwrap().starts_with("cd_session="))
    );
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("用户名或密码不正确")
    );
    assert_eq!(
        client
            .get(app.at("/console"))
            .send()
            .await
            .unwrap()
            .status(),
        303,
        "still signed out"
    );
}

async fn forms_without_a_valid_csrf_token_change_nothing(app: TestApp) {
    let client = app.client();
    let _ = app.csrf(&client, "/login").await;
    for token in [None, Some("forged-token"), Some("")] {
        let mut form = vec![("username", "admin"), ("password", ADMIN_PASSWORD)];
        if let Some(t) = token {
            form.push(("_csrf", t));
        }
        let response = client
            .post(app.at("/login"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{token:?}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("页面已过期或来源不明")
        );
    }
    // A token from another browser (another nonce) does not fit this one's cookie.
    let other = app.client();
    let foreign = app.csrf(&other, "/login").await;
    let response = client
        .post(app.at("/login"))
        .form(&[
            ("_csrf", foreign.as_str()),
            ("username", "admin"),
            ("password", ADMIN_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(
        client
            .get(app.at("/console"))
            .send()
            .await
            .unwrap()
            .status(),
        303,
        "not signed in"
    );
}

async fn a_session_cookie_is_httponly_and_lax_and_signing_out_ends_it(app: TestApp) {
    let client = app.client();
    let csrf = app.csrf(&client, "/login").await;
    let response = client
        .post(app.at("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "admin"),
            ("password", ADMIN_PASSWORD),
            ("next", "/console/org"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), "/console/org");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("cd_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert_eq!(
        client
            .get(app.at("/console"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let response = app.post_form(&client, "/console", "/logout", &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        client
            .get(app.at("/console"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
}

async fn an_open_redirect_after_sign_in_is_not_followed(app: TestApp) {
    let client = app.client();
    let csrf = app.csrf(&client, "/login").await;
    let response = client
        .post(app.at("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "admin"),
            ("password", ADMIN_PASSWORD),
            ("next", "//evil.example/x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), "/console");
}

async fn a_new_staff_member_must_choose_a_password_before_anything_else(app: TestApp) {
    let admin = app.client();
    app.sign_in(&admin, "admin", ADMIN_PASSWORD).await;
    let centre = app
        .services
        .org_tree(
            app.services
                .institution_for_host(None)
                .await
                .unwrap()
                .unwrap()
                .id,
        )
        .await
        .unwrap()
        .units[0]
        .id
        .to_string();
    let response = app
        .post_form(
            &admin,
            "/console/users",
            "/console/users",
            &[
                ("username", "li.wen"),
                ("display_name", "李文"),
                ("email", ""),
                ("mobile", ""),
                ("role", "office_clerk"),
                ("unit", &centre),
                ("department", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    let marker = "一次性密码：";
    let start = page.find(marker).expect("the one-time password is shown") + marker.len();
    let one_time: String = page[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    assert_eq!(one_time.len(), 14);

    let li = app.client();
    assert_eq!(
        app.sign_in(&li, "li.wen", &one_time).await,
        "/console/password"
    );
    let blocked = li.get(app.at("/console/users")).send().await.unwrap();
    assert_eq!(location(&blocked), "/console/password");
    let weak = app
        .post_form(
            &li,
            "/console/password",
            "/console/password",
            &[
                ("current_password", &one_time),
                ("new_password", "123"),
                ("repeat_password", "123"),
            ],
        )
        .await;
    assert_eq!(weak.status(), 422);
    assert!(
        weak.text()
            .await
            .unwrap()
            .contains("密码至少需要 10 个字符")
    );
    let ok = app
        .post_form(
            &li,
            "/console/password",
            "/console/password",
            &[
                ("current_password", &one_time),
                ("new_password", "文员李文的新密码2026"),
                ("repeat_password", "文员李文的新密码2026"),
            ],
        )
        .await;
    assert_eq!(location(&ok), "/console?done=password");
    assert_eq!(
        li.get(app.at("/console")).send().await.unwrap().status(),
        200
    );
    // A clerk is not an administrator.
    assert_eq!(
        li.get(app.at("/console/users"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

async fn a_form_with_mistakes_names_each_field_and_creates_nothing(app: TestApp) {
    let admin = app.client();
    app.sign_in(&admin, "admin", ADMIN_PASSWORD).await;
    let response = app
        .post_form(
            &admin,
            "/console/users",
            "/console/users",
            &[
                ("username", "x"),
                ("display_name", ""),
                ("email", "nope"),
                ("mobile", "123"),
                ("role", "emperor"),
                ("unit", "999999"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    for message in [
        "用户名只能包含字母",
        "此项必填",
        "请输入正确的电子邮箱地址",
        "请输入正确的 11 位手机号码",
        "请从列表中选择",
    ] {
        assert!(page.contains(message), "missing {message}");
    }
    assert!(page.contains("aria-invalid=\"true\""));
    let staff = app.api_token("admin", ADMIN_PASSWORD).await;
    let log: Value = json_of(
        reqwest::Client::new()
            .get(app.at("/api/v1/audit?entity_type=user"))
            .bearer_auth(&staff)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .all(|e| e["action"] != "user.created"),
        "{log}"
    );
}

async fn the_api_answers_errors_in_one_shape(app: TestApp) {
    let api = reqwest::Client::new();
    let broken = api
        .post(app.at("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), 400);
    let body = json_of(broken).await;
    assert_eq!(body["code"], "malformed");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("请求格式不正确")
    );

    let wrong_type = api
        .post(app.at("/api/v1/auth/login"))
        .header("accept-language", "en")
        .json(&json!({"username": "admin", "password": 123}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 400);
    let body = json_of(wrong_type).await;
    assert_eq!(body["fields"][0]["field"], "password");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("The request is malformed")
    );

    let refused = api
        .post(app.at("/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(json_of(refused).await["code"], "login_failed");

    let missing = api
        .get(app.at("/api/v1/no-such-thing"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(
        json_of(missing).await,
        json!({"code": "not_found", "message": "找不到您要的页面或内容", "fields": []})
    );

    let unauthenticated = api.get(app.at("/api/v1/audit")).send().await.unwrap();
    assert_eq!(unauthenticated.status(), 401);
    assert_eq!(json_of(unauthenticated).await["code"], "unauthenticated");

    let page = app
        .client()
        .get(app.at("/no-such-page"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("找不到您要的页面或内容")
    );
}

async fn staff_use_the_api_with_a_bearer_token(app: TestApp) {
    let token = app.api_token("admin", ADMIN_PASSWORD).await;
    let api = reqwest::Client::new();
    let me = json_of(
        api.get(app.at("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (me["kind"].as_str(), me["roles"][0]["role"].as_str()),
        (Some("staff"), Some("system_admin"))
    );
    let log = json_of(
        api.get(app.at("/api/v1/audit"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "auth.login")
    );
    assert_eq!(
        api.post(app.at("/api/v1/auth/logout"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        api.get(app.at("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

async fn a_member_signs_in_through_the_api_with_a_texted_code(app: TestApp) {
    let api = reqwest::Client::new();
    let sent = api
        .post(app.at("/api/v1/members/codes"))
        .json(&json!({"mobile": "139-0731-0099"}))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);
    assert_eq!(json_of(sent).await["sent_to"], "139****0099");
    app.run_worker().await;
    let texts = app.sms.wait_for(1, std::time::Duration::from_secs(5)).await;
    assert_eq!(texts.len(), 1);
    let sms = texts[0].json.clone().unwrap();
    assert_eq!(sms["phone"], "13907310099");
    let content = sms["content"].as_str().unwrap();
    assert!(content.starts_with("【文化馆】您的验证码是"), "{content}");
    let code: String = content
        .chars()
        .filter(char::is_ascii_digit)
        .take(6)
        .collect();

    let wrong = api
        .post(app.at("/api/v1/members/sessions"))
        .json(&json!({"mobile": "13907310099", "code": "12345x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 422);
    assert_eq!(json_of(wrong).await["fields"][0]["field"], "code");
    // A well-formed code that is not the one texted is a failed sign-in, as a wrong password is.
    let other = if code == "000000" { "111111" } else { "000000" };
    let not_it = api
        .post(app.at("/api/v1/members/sessions"))
        .json(&json!({"mobile": "13907310099", "code": other}))
        .send()
        .await
        .unwrap();
    assert_eq!(not_it.status(), 401);
    assert_eq!(json_of(not_it).await["code"], "err_code_wrong");
    let ok = api
        .post(app.at("/api/v1/members/sessions"))
        .json(&json!({"mobile": "13907310099", "code": code}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let token = json_of(ok).await["token"].as_str().unwrap().to_owned();
    let me = json_of(
        api.get(app.at("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (me["kind"].as_str(), me["name"].as_str()),
        (Some("member"), Some("139****0099"))
    );
}

async fn an_expired_code_is_refused_on_the_page(app: TestApp) {
    let member = app.client();
    let sent = app
        .post_form(
            &member,
            "/me/login",
            "/me/login",
            &[("mobile", "13907310098")],
        )
        .await;
    assert!(
        sent.text()
            .await
            .unwrap()
            .contains("验证码已发送至 139****0098")
    );
    app.run_worker().await;
    let text = app.sms.wait_for(1, std::time::Duration::from_secs(5)).await[0]
        .json
        .clone()
        .unwrap();
    let code: String = text["content"]
        .as_str()
        .unwrap()
        .chars()
        .filter(char::is_ascii_digit)
        .take(6)
        .collect();
    app.clock.advance_ms(5 * 60_000 + 1);
    let late = app
        .post_form(
            &member,
            "/me/login",
            "/me/verify",
            &[("mobile", "13907310098"), ("code", &code)],
        )
        .await;
    assert_eq!(late.status(), 422);
    assert!(
        late.text()
            .await
            .unwrap()
            .contains("验证码已过期，请重新获取")
    );
    assert_eq!(
        location(&member.get(app.at("/me")).send().await.unwrap()),
        "/me/login?next=%2Fme"
    );
}

async fn health_and_metrics_answer(app: TestApp) {
    let client = app.client();
    assert_eq!(
        client
            .get(app.at("/healthz"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ok"
    );
    client.get(app.at("/")).send().await.unwrap();
    let metrics = client
        .get(app.at("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            "culturedesk_http_requests_total{method=\"GET\",route=\"/\",status=\"200\"} 1"
        ),
        "{metrics}"
    );
}

async fn a_double_submitted_form_creates_one_account(app: TestApp) {
    let admin = app.client();
    app.sign_in(&admin, "admin", ADMIN_PASSWORD).await;
    let centre = app
        .services
        .org_tree(
            app.services
                .institution_for_host(None)
                .await
                .unwrap()
                .unwrap()
                .id,
        )
        .await
        .unwrap()
        .units[0]
        .id
        .to_string();
    let csrf = app.csrf(&admin, "/console/users").await;
    let form = [
        ("_csrf", csrf.as_str()),
        ("username", "twice"),
        ("display_name", "双击"),
        ("role", "evaluator"),
        ("unit", centre.as_str()),
    ];
    let (a, b) = tokio::join!(
        admin.post(app.at("/console/users")).form(&form).send(),
        admin.post(app.at("/console/users")).form(&form).send(),
    );
    let mut statuses = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 422]);
    let token = app.api_token("admin", ADMIN_PASSWORD).await;
    let log = json_of(
        reqwest::Client::new()
            .get(app.at("/api/v1/audit?entity_type=user"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        log.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "user.created")
            .count(),
        1
    );
}

//! The pages in a real headless Chromium, on a phone-sized and a desktop-sized screen,
//! without relying on JavaScript.

mod common;

use common::{ADMIN_PASSWORD, TestApp};
use testkit::{Browser, Screen};

testkit::in_a_browser! {
    the_portal_fits_a_phone_and_switches_language(TestApp),
    staff_sign_in_and_add_a_colleague_on_a_desktop(TestApp),
    a_forged_csrf_cookie_gets_a_clear_error_and_no_session(TestApp),
    a_member_signs_in_with_a_texted_code_on_a_phone(TestApp),
    console_pages_fit_a_phone(TestApp),
}

async fn the_portal_fits_a_phone_and_switches_language(app: TestApp) {
    let Some(b) = Browser::start(Screen::Phone).await else {
        return;
    };
    b.goto(&app.at("/")).await;
    assert_eq!(b.text("h1").await, "文化馆");
    for landmark in ["header", "nav", "main", "footer"] {
        assert!(b.exists(landmark).await, "{landmark}");
    }
    assert!(
        !b.horizontal_overflow().await,
        "the portal scrolls sideways on a phone"
    );
    assert!(b.tab_to("a.skip", 3).await, "the skip link comes first");
    b.click("a.lang").await;
    assert!(b.source().await.contains("<html lang=\"en\">"));
    assert_eq!(b.text("nav a[href='/login']").await, "Staff sign-in");
}

async fn staff_sign_in_and_add_a_colleague_on_a_desktop(app: TestApp) {
    let Some(b) = Browser::start(Screen::Desktop).await else {
        return;
    };
    b.goto(&app.at("/console/users")).await;
    assert!(
        b.url().await.contains("/login?next=%2Fconsole%2Fusers"),
        "{}",
        b.url().await
    );
    b.fill("#f-username", "admin").await;
    b.fill("#f-password", "not the password").await;
    b.submit_form("form[action='/login']").await;
    assert_eq!(b.text(".error-summary").await, "用户名或密码不正确");
    b.fill("#f-password", ADMIN_PASSWORD).await;
    b.submit_form("form[action='/login']").await;
    assert!(
        b.url().await.ends_with("/console/users"),
        "{}",
        b.url().await
    );

    b.fill("#f-username", "x").await;
    b.fill("#f-display_name", "赵文").await;
    b.select("#f-role", "office_clerk").await;
    b.submit_form("form[action='/console/users']").await;
    assert!(b.text("#e-username").await.contains("用户名只能包含字母"));
    assert!(b.exists("#f-username[aria-invalid='true']").await);
    assert_eq!(
        b.client()
            .find(fantoccini::Locator::Css("#f-display_name"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("赵文"),
        "what was typed is kept"
    );

    b.fill("#f-username", "zhao.wen").await;
    b.submit_form("form[action='/console/users']").await;
    assert!(b.text(".notice").await.contains("已创建 赵文，一次性密码"));
    assert!(b.texts("tbody td").await.iter().any(|t| t == "zhao.wen"));
    b.click("nav a[href='/console/audit']").await;
    // The log says what happened in words, not in codes.
    let cells = b.texts("tbody td").await;
    assert!(cells.iter().any(|t| t == "新增人员"), "{cells:?}");
    assert!(
        cells.iter().all(|t| !t.contains("user.created")),
        "{cells:?}"
    );
}

async fn a_forged_csrf_cookie_gets_a_clear_error_and_no_session(app: TestApp) {
    let Some(b) = Browser::start(Screen::Phone).await else {
        return;
    };
    b.goto(&app.at("/login")).await;
    b.set_cookie_value("cd_csrf", &"f".repeat(43)).await;
    b.fill("#f-username", "admin").await;
    b.fill("#f-password", ADMIN_PASSWORD).await;
    b.submit_form("form[action='/login']").await;
    assert!(b.text("main").await.contains("页面已过期或来源不明"));
    b.goto(&app.at("/console")).await;
    assert!(b.url().await.contains("/login"), "not signed in");
}

async fn a_member_signs_in_with_a_texted_code_on_a_phone(app: TestApp) {
    let Some(b) = Browser::start(Screen::Phone).await else {
        return;
    };
    b.goto(&app.at("/me/login")).await;
    assert!(!b.horizontal_overflow().await);
    b.fill("#f-mobile", "139 0731 0077").await;
    b.submit_form("form[action='/me/login']").await;
    assert_eq!(b.text(".notice").await, "验证码已发送至 139****0077");
    app.run_worker().await;
    let sms = app.sms.wait_for(1, std::time::Duration::from_secs(5)).await;
    let text = sms[0].json.clone().unwrap()["content"]
        .as_str()
        .unwrap()
        .to_owned();
    let code: String = text.chars().filter(char::is_ascii_digit).take(6).collect();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    b.fill("#f-code", wrong).await;
    b.submit_form("form[action='/me/verify']").await;
    assert_eq!(b.text("#e-code").await, "验证码不正确");
    b.fill("#f-code", &code).await;
    b.submit_form("form[action='/me/verify']").await;
    assert!(b.url().await.ends_with("/me"));
    assert_eq!(b.text(".notice").await, "您已登录：139****0077");
}

async fn console_pages_fit_a_phone(app: TestApp) {
    let Some(b) = Browser::start(Screen::Phone).await else {
        return;
    };
    b.goto(&app.at("/login")).await;
    b.fill("#f-username", "admin").await;
    b.fill("#f-password", ADMIN_PASSWORD).await;
    b.submit_form("form[action='/login']").await;
    for page in [
        "/console",
        "/console/users",
        "/console/org",
        "/console/password",
    ] {
        b.goto(&app.at(page)).await;
        assert!(b.exists("main h1").await, "{page}");
        assert!(
            !b.horizontal_overflow().await,
            "{page} scrolls sideways on a phone"
        );
    }
}

//! The group robots' settings page and the anonymous staff suggestion box, through the
//! console as staff use them, on both engines.

mod common;

use common::{ADMIN_PASSWORD, TestApp, location};
use services::{NewStaff, Principal, Staff};
use testkit::HttpRecorder;

const TOKEN: &str = "dt9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b";
const SECRET: &str = "SEC1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e5d6c7b8a9f0e1d2c";
const ROBOTS: &str = "/console/settings/robots";
const BOX: &str = "/console/suggestions";

async fn staff_of(app: &TestApp, username: &str, password: &str) -> Staff {
    let login = app
        .services
        .login(username, password, None, None)
        .await
        .unwrap();
    match app.services.principal(&login.token, None).await.unwrap() {
        Some(Principal::Staff(staff)) => *staff,
        other => panic!("expected staff, got {other:?}"),
    }
}

/// A colleague at the centre who has chosen their own password; gives it.
async fn colleague(app: &TestApp, username: &str, role: &str) -> String {
    let password = format!("{username}-的新密码-2026-青山");
    let admin = staff_of(app, "admin", ADMIN_PASSWORD).await;
    let tenant = admin.actor.tenant_id;
    let centre = app.services.org_tree(tenant).await.unwrap().units[0].id;
    let department = if role.starts_with("department") {
        let d = app
            .services
            .add_department(&admin, centre, "activity", "活动部")
            .await
            .unwrap();
        Some(d.0.to_string())
    } else {
        None
    };
    let person = NewStaff {
        username: username.into(),
        display_name: username.into(),
        role: role.into(),
        unit: centre.to_string(),
        department,
        ..Default::default()
    };
    let (_, one_time) = app.services.create_staff(&admin, person).await.unwrap();
    let first = staff_of(app, username, &one_time).await;
    app.services
        .change_password(&first, &one_time, &password, &password)
        .await
        .unwrap();
    password
}

async fn text(client: &reqwest::Client, url: String) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

testkit::on_both_engines! {
    the_office_adds_a_robot_whose_secrets_never_come_back(TestApp),
    staff_suggest_anonymously_and_the_office_answers_for_all(TestApp),
}

async fn the_office_adds_a_robot_whose_secrets_never_come_back(app: TestApp) {
    let dingtalk = HttpRecorder::start().await;
    let webhook = dingtalk.url(&format!("/robot/send?access_token={TOKEN}"));
    let admin_staff = staff_of(&app, "admin", ADMIN_PASSWORD).await;
    let centre = app
        .services
        .org_tree(admin_staff.actor.tenant_id)
        .await
        .unwrap()
        .units[0]
        .id
        .to_string();
    let admin = app.client();
    app.sign_in(&admin, "admin", ADMIN_PASSWORD).await;

    let page = text(&admin, app.at(ROBOTS)).await;
    assert!(
        page.contains("群机器人") && page.contains("还没有添加机器人"),
        "{page}"
    );
    assert!(
        page.contains("href=\"/console/settings/robots\" aria-current=\"page\""),
        "a tab of the settings"
    );

    // Only the token pasted: refused next to the field, and the token is not echoed.
    let refused = app
        .post_form(
            &admin,
            ROBOTS,
            ROBOTS,
            &[
                ("action", "add"),
                ("kind", "dingtalk"),
                ("name", "馆办公室工作群"),
                ("unit", &centre),
                ("webhook", TOKEN),
                ("secret", SECRET),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("id=\"e-webhook\"") && page.contains("请粘贴钉钉机器人的完整 Webhook 地址"),
        "{page}"
    );
    assert!(
        page.contains("value=\"馆办公室工作群\""),
        "the name is kept to correct"
    );
    assert!(
        !page.contains(TOKEN) && !page.contains(SECRET),
        "credentials are never shown back"
    );

    // A WeCom robot has no secret: the secret field says so.
    let refused = app
        .post_form(
            &admin,
            ROBOTS,
            ROBOTS,
            &[
                ("action", "add"),
                ("kind", "wecom"),
                ("name", "群"),
                ("unit", &centre),
                (
                    "webhook",
                    &dingtalk.url("/cgi-bin/webhook/send?key=k-123456"),
                ),
                ("secret", SECRET),
            ],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("id=\"e-secret\"") && page.contains("企业微信机器人没有加签密钥"),
        "{page}"
    );

    let added = app
        .post_form(
            &admin,
            ROBOTS,
            ROBOTS,
            &[
                ("action", "add"),
                ("kind", "dingtalk"),
                ("name", "馆办公室工作群"),
                ("unit", &centre),
                ("webhook", &webhook),
                ("secret", SECRET),
            ],
        )
        .await;
    assert_eq!(location(&added), "/console/settings/robots?done=saved");
    let page = text(&admin, app.at("/console/settings/robots?done=saved")).await;
    assert!(
        page.contains("已保存") && page.contains("馆办公室工作群") && page.contains("启用中"),
        "{page}"
    );
    assert!(
        page.contains(&format!("••••{}", &TOKEN[TOKEN.len() - 4..])),
        "the webhook's last 4 characters"
    );
    assert!(page.contains(&format!("••••{}", &SECRET[SECRET.len() - 4..])));
    assert!(
        !page.contains(TOKEN) && !page.contains(SECRET) && !page.contains(&webhook),
        "{page}"
    );
    // Nor does the audit log hold them.
    let audit = text(&admin, app.at("/console/audit")).await;
    assert!(audit.contains("添加群机器人") && !audit.contains(TOKEN) && !audit.contains(SECRET));

    // Without the form's token nothing happens.
    let id = app.services.notices().robots(&admin_staff).await.unwrap()[0]
        .id
        .to_string();
    let forged = admin
        .post(app.at(ROBOTS))
        .form(&[("action", "deactivate"), ("id", &id)])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(app.services.notices().robots(&admin_staff).await.unwrap()[0].active);

    let stopped = app
        .post_form(
            &admin,
            ROBOTS,
            ROBOTS,
            &[("action", "deactivate"), ("id", &id)],
        )
        .await;
    assert_eq!(location(&stopped), "/console/settings/robots?done=saved");
    let page = text(&admin, app.at(ROBOTS)).await;
    assert!(
        page.contains("已停用") && page.contains("重新启用"),
        "{page}"
    );

    // Department staff do not look after notices.
    let password = colleague(&app, "wang", "department_staff").await;
    let wang = app.client();
    app.sign_in(&wang, "wang", &password).await;
    assert_eq!(wang.get(app.at(ROBOTS)).send().await.unwrap().status(), 403);
}

async fn staff_suggest_anonymously_and_the_office_answers_for_all(app: TestApp) {
    let wang_password = colleague(&app, "wang", "department_staff").await;
    let director_password = colleague(&app, "zhou", "office_director").await;
    let wang = app.client();
    app.sign_in(&wang, "wang", &wang_password).await;
    let director = app.client();
    app.sign_in(&director, "zhou", &director_password).await;

    let page = text(&wang, app.at(BOX)).await;
    assert!(
        page.contains("匿名意见箱")
            && page.contains("不记录您的账号")
            && page.contains("还没有建议"),
        "{page}"
    );
    assert!(!page.contains("/answer\""), "no answer form for Wang");

    let empty = app.post_form(&wang, BOX, BOX, &[("body", "  ")]).await;
    assert_eq!(empty.status(), 422);
    assert!(empty.text().await.unwrap().contains("id=\"e-body\""));

    let sent = app
        .post_form(
            &wang,
            BOX,
            BOX,
            &[("body", "工作群里通知太多，希望分个轻重。")],
        )
        .await;
    assert_eq!(location(&sent), "/console/suggestions?done=sent");
    let page = text(&wang, app.at("/console/suggestions?done=sent")).await;
    assert!(
        page.contains("已收到您的建议")
            && page.contains("工作群里通知太多，希望分个轻重。")
            && page.contains("2026-11-23 收到"),
        "{page}"
    );

    // Kept with its day only (the table itself is checked in the services' tests).
    let zhou = staff_of(&app, "zhou", &director_password).await;
    let kept = app
        .services
        .notices()
        .suggestion_box(&zhou)
        .await
        .unwrap()
        .suggestions;
    assert_eq!(kept.len(), 1);
    let id = kept[0].id;
    assert_eq!(
        kept[0].day.0,
        common::MONDAY_9AM.0 - 9 * 3_600_000,
        "midnight in Beijing"
    );
    let admin = app.client();
    app.sign_in(&admin, "admin", ADMIN_PASSWORD).await;
    // (The page lists every kind of record in its filter, so the log itself is asked.)
    let log = app
        .services
        .audit_log(
            &staff_of(&app, "admin", ADMIN_PASSWORD).await,
            Default::default(),
        )
        .await
        .unwrap();
    assert!(
        log.iter()
            .all(|e| !e.entity_type.contains("suggestion") && !e.action.contains("suggestion")),
        "nothing in the audit log"
    );

    // Wang cannot answer; the director can, and everyone reads it.
    let action = format!("/console/suggestions/{id}/answer");
    let refused = app
        .post_form(&wang, BOX, &action, &[("answer", "我自己答复")])
        .await;
    assert_eq!(refused.status(), 403);
    let page = text(&director, app.at(BOX)).await;
    assert!(
        page.contains(&format!("action=\"{action}\"")),
        "the office's answer form"
    );
    let empty = app
        .post_form(&director, BOX, &action, &[("answer", "")])
        .await;
    assert_eq!(empty.status(), 422);
    assert!(
        empty
            .text()
            .await
            .unwrap()
            .contains(&format!("id=\"e-answer-{id}\""))
    );
    let answered = app
        .post_form(
            &director,
            BOX,
            &action,
            &[("answer", "下月起紧急通知单独标红，其余每天汇总一次。")],
        )
        .await;
    assert_eq!(
        location(&answered),
        format!("/console/suggestions?done=saved#s-{id}")
    );
    let page = text(&wang, app.at(BOX)).await;
    assert!(
        page.contains("下月起紧急通知单独标红，其余每天汇总一次。") && !page.contains("我自己答复"),
        "{page}"
    );

    // The quarter in figures.
    let quarter = text(&wang, app.at("/console/suggestions/quarter?q=2026-4")).await;
    assert!(
        quarter.contains("2026 年第 4 季度意见汇总") && quarter.contains("100%"),
        "{quarter}"
    );
    assert!(quarter.contains("q=2026-3") && quarter.contains("q=2027-1"));
    let bad = wang
        .get(app.at("/console/suggestions/quarter?q=2026-9"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
}

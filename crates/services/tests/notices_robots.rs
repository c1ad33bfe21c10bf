//! Notices announced in the DingTalk and WeCom work groups, told as stories on both engines:
//! a real local DingTalk robot in signed mode (it checks signatures as DingTalk does) and a
//! real local WeCom robot record what they receive, while the worker runs on a clock the
//! test controls.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use base64::Engine as _;
use domain::notice::AudienceRule;
use domain::time::MINUTE_MS;
use domain::{Clock, ManualClock, UnitId};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use services::notices::{NewRobot, NoticeDraft, ReviewDecision, RobotPostState};
use services::{ServiceError, Services, Staff};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use testkit::HttpRecorder;
use testkit::scenario::{App, PersonExt, person};

const TOKEN: &str = "dt7c1e9a4b2f6d8e0a3c5b7d9f1e2a4c6b8d0f2e4a6c8b0d2f4e6a8c0b2d4f6e8a";
const SECRET: &str = "SEC5f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e";
const KEY: &str = "7a1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";

fn sign(secret: &str, timestamp: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC key");
    mac.update(format!("{timestamp}\n{secret}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// A DingTalk custom robot in signed mode: it knows its token, secret and clock, refuses
/// what DingTalk refuses, and records what it accepted and when (on the test's clock).
#[derive(Clone)]
struct FakeDingTalk {
    clock: ManualClock,
    accepted: Arc<Mutex<Vec<(i64, Value)>>>,
    /// Requests that reached it, accepted or not.
    requests: Arc<Mutex<usize>>,
    /// Non-zero: answer every request with this HTTP status instead.
    failing: Arc<AtomicU16>,
}

impl FakeDingTalk {
    fn accepted(&self) -> Vec<(i64, Value)> {
        self.accepted.lock().unwrap().clone()
    }

    fn texts(&self) -> Vec<String> {
        self.accepted()
            .iter()
            .map(|(_, b)| b["markdown"]["text"].as_str().unwrap_or("").to_owned())
            .collect()
    }

    fn requests(&self) -> usize {
        *self.requests.lock().unwrap()
    }

    fn fail_with(&self, status: u16) {
        self.failing.store(status, Ordering::SeqCst);
    }
}

async fn dingtalk_send(
    State(fake): State<FakeDingTalk>,
    Query(query): Query<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> axum::response::Response {
    *fake.requests.lock().unwrap() += 1;
    let failing = fake.failing.load(Ordering::SeqCst);
    if failing != 0 {
        let status = StatusCode::from_u16(failing).unwrap();
        return (status, "upstream trouble").into_response();
    }
    let refuse =
        |code: i64, msg: &str| Json(json!({"errcode": code, "errmsg": msg})).into_response();
    if query.get("access_token").map(String::as_str) != Some(TOKEN) {
        return refuse(300001, "token is not exist");
    }
    let (Some(timestamp), Some(given)) = (query.get("timestamp"), query.get("sign")) else {
        return refuse(310000, "sign not match");
    };
    let Ok(ms) = timestamp.parse::<i64>() else {
        return refuse(310000, "sign not match");
    };
    if (ms - fake.clock.now().0).abs() > 3_600_000 {
        return refuse(310000, "timestamp too far off");
    }
    if *given != sign(SECRET, timestamp) {
        return refuse(310000, "sign not match");
    }
    fake.accepted
        .lock()
        .unwrap()
        .push((fake.clock.now().0, body));
    Json(json!({"errcode": 0, "errmsg": "ok"})).into_response()
}

/// Starts the fake DingTalk robot on 127.0.0.1; gives it and its webhook address.
async fn start_dingtalk(clock: ManualClock) -> (FakeDingTalk, String) {
    let fake = FakeDingTalk {
        clock,
        accepted: Arc::default(),
        requests: Arc::default(),
        failing: Arc::default(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .route("/robot/send", axum::routing::post(dingtalk_send))
        .with_state(fake.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (
        fake,
        format!("http://{addr}/robot/send?access_token={TOKEN}"),
    )
}

/// The centre with 活动部 (its head and Wang), its office director, and 城关镇文化站 with
/// two clerks; a DingTalk robot for the centre's group and a WeCom robot for the station's.
struct Groups {
    app: App,
    director: Staff,
    head: Staff,
    wang: Staff,
    tang: Staff,
    dingtalk: FakeDingTalk,
    dingtalk_webhook: String,
    dingtalk_robot: i64,
    wecom: HttpRecorder,
    wecom_robot: i64,
}

impl testkit::Fixture for Groups {
    async fn setup(db: &testkit::TestDb) -> Groups {
        let app = App::setup(db).await;
        let s = &app.services;
        let root = app.root;
        let station = app.add_station("城关镇文化站").await;
        let activity = app.add_department(root, "活动部").await;
        let [director, head, wang, tang, _lin] = app
            .hire_all(
                [
                    person("director", "周主任", "office_director", root),
                    person("head", "陈部长", "department_head", root).in_department(activity),
                    person("wang", "王芳", "department_staff", root).in_department(activity),
                    person("tang", "唐莉", "office_clerk", station),
                    person("lin", "林晓", "office_clerk", station),
                ]
                .map(PersonExt::with_email),
            )
            .await;

        let (dingtalk, dingtalk_webhook) = start_dingtalk(app.clock.clone()).await;
        let dingtalk_robot = s
            .notices()
            .add_robot(
                &director,
                robot(
                    "dingtalk",
                    "馆办公室工作群",
                    root,
                    &dingtalk_webhook,
                    SECRET,
                ),
            )
            .await
            .unwrap();
        let wecom = HttpRecorder::start().await;
        let wecom_webhook = wecom.url(&format!("/cgi-bin/webhook/send?key={KEY}"));
        let wecom_robot = s
            .notices()
            .add_robot(
                &director,
                robot("wecom", "城关站工作群", station, &wecom_webhook, ""),
            )
            .await
            .unwrap();
        Groups {
            app,
            director,
            head,
            wang,
            tang,
            dingtalk,
            dingtalk_webhook,
            dingtalk_robot,
            wecom,
            wecom_robot,
        }
    }
}

fn robot(kind: &str, name: &str, unit: UnitId, webhook: &str, secret: &str) -> NewRobot {
    NewRobot {
        kind: kind.into(),
        name: name.into(),
        unit: unit.to_string(),
        webhook: webhook.into(),
        secret: secret.into(),
    }
}

impl Groups {
    fn s(&self) -> &Services {
        &self.app.services
    }

    /// `author` writes a notice to their own unit; it is approved and goes out now.
    async fn publish(&self, author: &Staff, reviewer: &Staff, title: &str, priority: &str) -> i64 {
        let unit = author.actor.grants[0].scope.ids().last().copied().unwrap();
        let draft = NoticeDraft {
            title: title.into(),
            body: "请各位同事周五前把本月活动台账交到办公室。".into(),
            category: "notice".into(),
            priority: priority.into(),
            audience: vec![AudienceRule::Unit { unit }],
            ..Default::default()
        };
        let id = self
            .s()
            .notices()
            .create_notice(author, &draft, None)
            .await
            .unwrap();
        self.s().notices().submit_notice(author, id).await.unwrap();
        self.s()
            .notices()
            .review_notice(reviewer, id, ReviewDecision::Approve, None, None)
            .await
            .unwrap();
        id
    }

    async fn run_worker(&self) {
        self.s().worker().run_due().await.unwrap();
    }

    fn wecom_texts(&self) -> Vec<String> {
        self.wecom
            .requests()
            .iter()
            .map(|r| {
                r.json.as_ref().unwrap()["markdown"]["content"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned()
            })
            .collect()
    }

    /// Everything a person or a log could read about the robots' sending.
    async fn everything_shown(&self, notices: &[i64]) -> String {
        let s = self.s();
        let mut shown = format!("{:?}", s.notices().robots(&self.director).await.unwrap());
        for id in notices {
            shown += &format!(
                "{:?}",
                s.notices()
                    .notice_robot_posts(&self.director, *id)
                    .await
                    .unwrap()
            );
        }
        shown += &format!(
            "{:?}",
            s.audit_log(&self.app.admin, Default::default())
                .await
                .unwrap()
        );
        shown += &format!(
            "{:?}",
            store::jobs::recent(s.db(), None, 500).await.unwrap()
        );
        shown
    }
}

fn assert_no_credentials(text: &str, webhook: &str) {
    for secret in [webhook, TOKEN, SECRET, KEY] {
        assert!(!text.contains(secret), "{secret:?} given away in {text}");
    }
}

/// A writer the test's log subscriber fills, to look for secrets in what the server logs.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogBuffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

testkit::on_both_engines! {
    a_published_notice_is_announced_once_in_each_group_of_its_subtree(Groups),
    a_burst_of_25_notices_stays_under_20_a_minute_and_the_rest_come_as_one_digest(Groups),
    a_failing_robot_is_retried_and_a_restarted_worker_neither_loses_nor_doubles(Groups),
    robots_are_checked_field_by_field_and_only_by_the_office(Groups),
}

async fn a_published_notice_is_announced_once_in_each_group_of_its_subtree(g: Groups) {
    let id = g
        .publish(&g.wang, &g.head, "关于周六文艺汇演排练的通知", "urgent")
        .await;
    g.run_worker().await;

    let link = format!("/console/notices/{id}?via=robot");
    let dingtalk = g.dingtalk.accepted();
    assert_eq!(
        dingtalk.len(),
        1,
        "one signed message to the centre's DingTalk group"
    );
    let body = &dingtalk[0].1;
    assert_eq!(body["msgtype"], "markdown");
    assert!(
        body["markdown"]["title"]
            .as_str()
            .unwrap()
            .contains("关于周六文艺汇演排练的通知")
    );
    assert!(
        body["markdown"]["title"].as_str().unwrap().contains("紧急"),
        "urgent by its priority"
    );
    assert!(g.dingtalk.texts()[0].contains(&link), "{body}");
    assert_eq!(body["at"]["isAtAll"], false);
    assert_eq!(body["at"]["atMobiles"], json!([]), "nobody is mentioned");

    // The station's group is inside the centre's subtree, so it hears of it too.
    let wecom = g.wecom_texts();
    assert_eq!(wecom.len(), 1);
    assert!(
        wecom[0].contains("关于周六文艺汇演排练的通知") && wecom[0].contains(&link),
        "{}",
        wecom[0]
    );

    let posts = g
        .s()
        .notices()
        .notice_robot_posts(&g.wang, id)
        .await
        .unwrap();
    assert_eq!(posts.len(), 2);
    assert!(
        posts
            .iter()
            .all(|p| p.state == RobotPostState::Sent && p.digest_of == 1 && p.sent_at.is_some()),
        "{posts:?}"
    );
    assert!(
        posts
            .iter()
            .any(|p| p.robot_name == "馆办公室工作群" && p.kind == "dingtalk")
    );
    // A recipient sees the notice, not how it was announced.
    assert!(
        g.s()
            .notices()
            .notice_robot_posts(&g.head, id)
            .await
            .unwrap()
            .is_empty()
    );

    // Running the worker again sends nothing twice.
    g.app.clock.advance_ms(5 * MINUTE_MS);
    g.run_worker().await;
    assert_eq!(g.dingtalk.accepted().len(), 1);
    assert_eq!(g.wecom.requests().len(), 1);

    // A station's notice reaches the station's group only.
    let station = g
        .publish(&g.tang, &g.director, "城关站图书盘点安排", "routine")
        .await;
    g.run_worker().await;
    assert_eq!(
        g.dingtalk.accepted().len(),
        1,
        "the centre's group is not below the station"
    );
    let wecom = g.wecom_texts();
    assert_eq!(wecom.len(), 2);
    assert!(
        wecom[1].contains("城关站图书盘点安排")
            && wecom[1].contains(&format!("/console/notices/{station}?via=robot"))
    );

    // A deactivated robot is left out of what is published meanwhile.
    g.s()
        .notices()
        .set_robot_active(&g.director, g.wecom_robot, false)
        .await
        .unwrap();
    let quiet = g
        .publish(&g.tang, &g.director, "城关站暂停开放一天", "routine")
        .await;
    g.run_worker().await;
    assert_eq!(g.wecom.requests().len(), 2);
    let list = g.s().notices().robots(&g.director).await.unwrap();
    assert!(list.iter().any(|r| r.id == g.wecom_robot && !r.active));
    g.s()
        .notices()
        .set_robot_active(&g.director, g.wecom_robot, true)
        .await
        .unwrap();
    g.run_worker().await;
    assert_eq!(
        g.wecom.requests().len(),
        2,
        "posts are queued by the fan-out of robots active then"
    );
    assert!(
        g.s()
            .notices()
            .notice_robot_posts(&g.tang, quiet)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_burst_of_25_notices_stays_under_20_a_minute_and_the_rest_come_as_one_digest(g: Groups) {
    let start = g.app.clock.now().0;
    let mut ids = Vec::new();
    for i in 1..=25 {
        ids.push(
            g.publish(&g.wang, &g.head, &format!("第{i:02}号通知"), "routine")
                .await,
        );
    }
    g.run_worker().await;
    g.run_worker().await;
    let first_minute = g.dingtalk.accepted();
    assert_eq!(
        first_minute.len(),
        20,
        "20 messages in the first minute, the rest wait"
    );
    for (_, body) in &first_minute {
        assert!(
            body["markdown"]["title"]
                .as_str()
                .unwrap()
                .contains("号通知"),
            "{body}"
        );
    }

    // When the first send leaves the minute, the five that waited go as one digest.
    g.app.clock.advance_ms(MINUTE_MS);
    g.run_worker().await;
    let all = g.dingtalk.accepted();
    assert_eq!(all.len(), 21);
    let digest = &all[20].1;
    assert_eq!(digest["markdown"]["title"], "5 条新通知");
    let text = digest["markdown"]["text"].as_str().unwrap();
    let sent_alone: Vec<String> = first_minute
        .iter()
        .map(|(_, b)| b["markdown"]["title"].as_str().unwrap().to_owned())
        .collect();
    let mut in_digest = 0;
    for (i, id) in ids.iter().enumerate() {
        let title = format!("第{:02}号通知", i + 1);
        let alone = sent_alone.iter().any(|t| t.contains(&title));
        let digested = text.contains(&format!("[{title}]("))
            && text.contains(&format!("/console/notices/{id}?via=robot"));
        assert!(alone != digested, "{title} is announced exactly once");
        in_digest += usize::from(digested);
    }
    assert_eq!(in_digest, 5);

    // No sliding minute ever held more than 20 messages.
    let times: Vec<i64> = all.iter().map(|(t, _)| *t).collect();
    for &t in &times {
        let in_window = times
            .iter()
            .filter(|&&u| u >= t && u < t + MINUTE_MS)
            .count();
        assert!(
            in_window <= 20,
            "{in_window} messages in the minute from {}",
            t - start
        );
    }
    // Each notice knows how it went out.
    let mut digests = 0;
    for id in &ids {
        let posts = g
            .s()
            .notices()
            .notice_robot_posts(&g.wang, *id)
            .await
            .unwrap();
        let dingtalk = posts.iter().find(|p| p.kind == "dingtalk").unwrap();
        assert_eq!(dingtalk.state, RobotPostState::Sent);
        digests += usize::from(dingtalk.digest_of == 5);
    }
    assert_eq!(digests, 5);

    // Later runs send nothing more.
    g.app.clock.advance_ms(10 * MINUTE_MS);
    g.run_worker().await;
    assert_eq!(g.dingtalk.accepted().len(), 21);
}

async fn a_failing_robot_is_retried_and_a_restarted_worker_neither_loses_nor_doubles(g: Groups) {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);
    g.s()
        .notices()
        .set_robot_active(&g.director, g.wecom_robot, false)
        .await
        .unwrap();

    // The robot is down: the post waits, with the reason, and the job comes back.
    g.dingtalk.fail_with(500);
    let id = g
        .publish(&g.wang, &g.head, "十一月安全检查通知", "important")
        .await;
    g.run_worker().await;
    assert_eq!(g.dingtalk.requests(), 1);
    assert!(g.dingtalk.accepted().is_empty());
    let post = g
        .s()
        .notices()
        .notice_robot_posts(&g.wang, id)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(post.state, RobotPostState::Pending);
    assert!(
        post.error.as_deref().unwrap_or("").contains("500"),
        "{post:?}"
    );
    assert!(
        logs.text().contains("job failed"),
        "the failure is logged: {}",
        logs.text()
    );

    // The worker stops; a new one starts once the robot is back, after the backoff.
    g.dingtalk.fail_with(0);
    g.app.clock.advance_ms(31_000);
    let restarted = g.s().worker();
    restarted.run_due().await.unwrap();
    assert_eq!(g.dingtalk.accepted().len(), 1, "delivered after the retry");
    g.app.clock.advance_ms(30 * MINUTE_MS);
    restarted.run_due().await.unwrap();
    assert_eq!(g.dingtalk.accepted().len(), 1, "and only once");
    let post = g
        .s()
        .notices()
        .notice_robot_posts(&g.wang, id)
        .await
        .unwrap()
        .remove(0);
    assert_eq!((post.state, post.attempts), (RobotPostState::Sent, 2));

    // A worker that took a post and stopped before sending it: the post is not lost…
    g.dingtalk.fail_with(503);
    let second = g.publish(&g.wang, &g.head, "元旦值班安排", "routine").await;
    g.run_worker().await;
    let posts = store::notice_robots::posts_of_notice(g.s().db(), g.app.institution.id, second)
        .await
        .unwrap();
    let taken = store::notice_robots::claim_posts(g.s().db(), &[posts[0].id], g.app.clock.now())
        .await
        .unwrap();
    assert_eq!(taken.len(), 1, "the stopped worker's claim");
    g.dingtalk.fail_with(0);
    g.app.clock.advance_ms(31_000);
    g.s().worker().run_due().await.unwrap();
    assert_eq!(
        g.dingtalk.accepted().len(),
        1,
        "a claim that may still be sending is left alone"
    );
    g.app.clock.advance_ms(MINUTE_MS);
    g.s().worker().run_due().await.unwrap();
    assert_eq!(
        g.dingtalk.accepted().len(),
        2,
        "…the stale claim is taken back and sent"
    );
    g.app.clock.advance_ms(30 * MINUTE_MS);
    g.s().worker().run_due().await.unwrap();
    assert_eq!(g.dingtalk.accepted().len(), 2, "…once");
    assert!(g.dingtalk.texts()[1].contains(&format!("/console/notices/{second}?via=robot")));

    // A robot that refuses for good (a wrong signing secret) fails the post at once.
    let wrong = g
        .s()
        .notices()
        .add_robot(
            &g.director,
            robot(
                "dingtalk",
                "签名错误的群",
                g.director.actor.grants[0].scope.ids()[0],
                &g.dingtalk_webhook,
                "SEC0000000000000000000000000000000000000000000000000000000000000000",
            ),
        )
        .await
        .unwrap();
    let third = g
        .publish(&g.wang, &g.head, "年终总结材料报送", "routine")
        .await;
    g.run_worker().await;
    let posts = g
        .s()
        .notices()
        .notice_robot_posts(&g.wang, third)
        .await
        .unwrap();
    let refused = posts
        .iter()
        .find(|p| p.robot_name == "签名错误的群")
        .unwrap();
    assert_eq!(refused.state, RobotPostState::Failed);
    assert!(
        refused.error.as_deref().unwrap().contains("310000"),
        "{refused:?}"
    );
    assert!(
        posts
            .iter()
            .any(|p| p.robot_name == "馆办公室工作群" && p.state == RobotPostState::Sent)
    );
    assert!(wrong > 0);

    // Nowhere — pages' data, audit log, job table, logs — shows the address or secrets.
    let shown = g.everything_shown(&[id, second, third]).await;
    assert!(
        shown.contains("••••"),
        "the robots' list shows masked addresses"
    );
    assert_no_credentials(&shown, &g.dingtalk_webhook);
    assert_no_credentials(&logs.text(), &g.dingtalk_webhook);
}

async fn robots_are_checked_field_by_field_and_only_by_the_office(g: Groups) {
    let s = g.s();
    let root = g.director.actor.grants[0].scope.ids()[0];
    let fields = |e: ServiceError| match e {
        ServiceError::Invalid(invalid) => {
            assert_no_credentials(&format!("{invalid:?}"), &g.dingtalk_webhook);
            invalid
                .0
                .into_iter()
                .map(|f| (f.field, f.key.name()))
                .collect::<Vec<_>>()
        }
        other => panic!("expected field errors, got {other:?}"),
    };
    // Only the token pasted, not the whole address.
    let e = s
        .notices()
        .add_robot(&g.director, robot("dingtalk", "群", root, TOKEN, ""))
        .await
        .unwrap_err();
    assert_eq!(
        fields(e),
        [("webhook".to_owned(), "robots_err_webhook_dingtalk")]
    );
    let e = s
        .notices()
        .add_robot(
            &g.director,
            robot("dingtalk", "群", root, &g.dingtalk_webhook, "not-a-secret"),
        )
        .await
        .unwrap_err();
    assert_eq!(fields(e), [("secret".to_owned(), "robots_err_secret_sec")]);
    let wecom = g.wecom.url(&format!("/cgi-bin/webhook/send?key={KEY}"));
    let e = s
        .notices()
        .add_robot(&g.director, robot("wecom", "", root, &wecom, SECRET))
        .await
        .unwrap_err();
    assert_eq!(
        fields(e),
        [
            ("name".to_owned(), "err_required"),
            ("secret".to_owned(), "robots_err_secret_wecom")
        ]
    );
    let e = s
        .notices()
        .add_robot(&g.director, robot("feishu", "群", root, &wecom, ""))
        .await
        .unwrap_err();
    assert_eq!(fields(e), [("kind".to_owned(), "err_choice")]);

    // A station clerk looks after the station only; a department member, nothing.
    let e = s
        .notices()
        .add_robot(&g.tang, robot("wecom", "馆里的群", root, &wecom, ""))
        .await
        .unwrap_err();
    assert_eq!(fields(e), [("unit".to_owned(), "robots_err_unit")]);
    assert_eq!(
        s.notices().robots(&g.tang).await.unwrap().len(),
        1,
        "the station's robot only"
    );
    assert!(matches!(
        s.notices().robots(&g.wang).await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        s.notices()
            .set_robot_active(&g.tang, g.dingtalk_robot, false)
            .await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        s.notices()
            .set_robot_active(&g.wang, g.dingtalk_robot, false)
            .await,
        Err(ServiceError::Forbidden)
    ));

    let list = s.notices().robots(&g.director).await.unwrap();
    assert_eq!(list.len(), 2);
    let dingtalk = list.iter().find(|r| r.id == g.dingtalk_robot).unwrap();
    assert_eq!(
        dingtalk.webhook,
        format!("••••{}", &TOKEN[TOKEN.len() - 4..])
    );
    assert_eq!(
        dingtalk.secret.as_deref(),
        Some(&*format!("••••{}", &SECRET[SECRET.len() - 4..]))
    );
    assert!(dingtalk.last_post.is_none());
}

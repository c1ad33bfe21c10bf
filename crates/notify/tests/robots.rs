//! DingTalk and WeCom group robots through real HTTP exchanges: testkit's recording server
//! for what the robots receive and how their answers are read, and a fake DingTalk robot
//! that checks signatures the way DingTalk does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::{Query, State};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use notify::{
    ROBOT_MESSAGES_PER_MINUTE, RobotBudget, RobotConfig, RobotGateway, RobotKind, RobotLabels,
    RobotMessage, Secret, SendError, digest,
};
use serde_json::{Value, json};
use sha2::Sha256;
use testkit::{HttpRecorder, RecordedRequest};

const WAIT: Duration = Duration::from_secs(10);
/// 2026-01-01 08:00 in Beijing, as milliseconds since the epoch.
const NOW_MS: i64 = 1_767_225_600_000;
const TOKEN: &str = "dt0c6b5e1f9a7d4c3b2a1908f7e6d5c4b3a2918f7e6d5c4b3a2918f7e6d5c4b3a";
const SECRET: &str = "SEC8a7f3c2e1d0b9a8f7e6d5c4b3a29180f1e2d3c4b5a69788796a5b4c3d2e1f0";
const KEY: &str = "693a91f6-7d2c-4bc4-97a0-0ec2a1fa5aaa";
const NOTICE_URL: &str = "https://culture.example.gov.cn/console/notices/42";

fn gateway() -> RobotGateway {
    RobotGateway::new(RobotLabels::default()).expect("robot gateway")
}

fn dingtalk(server: &HttpRecorder, secret: Option<&str>) -> RobotConfig {
    RobotConfig::new(
        RobotKind::DingTalk,
        Secret::new(server.url(&format!("/robot/send?access_token={TOKEN}"))),
        secret.map(Secret::new),
    )
    .expect("DingTalk robot")
}

fn wecom(server: &HttpRecorder) -> RobotConfig {
    RobotConfig::new(
        RobotKind::WeCom,
        Secret::new(server.url(&format!("/cgi-bin/webhook/send?key={KEY}"))),
        None,
    )
    .expect("WeCom robot")
}

fn notice() -> RobotMessage {
    RobotMessage {
        title: "关于周六文艺汇演排练的通知".into(),
        text: "各站点：本周六上午 9:00 在文化馆二楼排练厅排练，请**准时**参加。".into(),
        url: NOTICE_URL.into(),
        urgent: false,
        mention_mobiles: vec![],
    }
}

fn sign(secret: &str, timestamp: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC key");
    mac.update(format!("{timestamp}\n{secret}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// A DingTalk robot in signed mode, as far as the sender can tell: it knows its token,
/// secret and clock, and refuses a request the way DingTalk does.
#[derive(Clone)]
struct FakeDingTalk {
    secret: String,
    clock_ms: i64,
    accepted: Arc<Mutex<Vec<Value>>>,
}

async fn fake_send(
    State(fake): State<FakeDingTalk>,
    Query(query): Query<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> Json<Value> {
    let refuse = |code: i64, msg: &str| Json(json!({"errcode": code, "errmsg": msg}));
    if query.get("access_token").map(String::as_str) != Some(TOKEN) {
        return refuse(300001, "token is not exist");
    }
    let (Some(timestamp), Some(given)) = (query.get("timestamp"), query.get("sign")) else {
        return refuse(310000, "sign not match");
    };
    let Ok(ms) = timestamp.parse::<i64>() else {
        return refuse(310000, "sign not match");
    };
    if (ms - fake.clock_ms).abs() > 3_600_000 {
        return refuse(310000, "timestamp is more than an hour off");
    }
    // The query is form-decoded, so a sign sent without URL-encoding ('+' as a space)
    // fails here just as it does at DingTalk.
    if *given != sign(&fake.secret, timestamp) {
        return refuse(310000, "sign not match");
    }
    fake.accepted.lock().expect("lock").push(body);
    Json(json!({"errcode": 0, "errmsg": "ok"}))
}

/// Starts the fake on 127.0.0.1 and returns its webhook address.
async fn start_fake_dingtalk(fake: FakeDingTalk) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the fake DingTalk robot");
    let addr = listener.local_addr().expect("address");
    let app = axum::Router::new()
        .route("/robot/send", axum::routing::post(fake_send))
        .with_state(fake);
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/robot/send?access_token={TOKEN}")
}

fn assert_no_secrets(err: &SendError, robot: &RobotConfig) {
    for shown in [err.to_string(), format!("{err:?}")] {
        for secret in [robot.webhook().expose(), TOKEN, SECRET, KEY] {
            assert!(!shown.contains(secret), "{shown:?} gives away {secret:?}");
        }
    }
}

#[tokio::test]
async fn dingtalk_signed_mode_is_accepted_with_the_right_secret_only() {
    let fake = FakeDingTalk {
        secret: SECRET.into(),
        clock_ms: NOW_MS + 5_000,
        accepted: Arc::default(),
    };
    let webhook = start_fake_dingtalk(fake.clone()).await;
    let robot = |secret: &str| {
        RobotConfig::new(
            RobotKind::DingTalk,
            Secret::new(webhook.clone()),
            Some(Secret::new(secret)),
        )
        .expect("robot")
    };
    let gateway = gateway();

    gateway
        .post(&robot(SECRET), &notice(), NOW_MS)
        .await
        .expect("signed with the right secret");
    let accepted = fake.accepted.lock().expect("lock").clone();
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0]["msgtype"], "markdown");

    let wrong = robot("SEC0000000000000000000000000000000000000000000000000000000000000000");
    let err = gateway
        .post(&wrong, &notice(), NOW_MS)
        .await
        .expect_err("wrong secret");
    assert!(err.is_permanent(), "{err:?}");
    assert!(err.to_string().contains("310000"), "{err}");
    assert_no_secrets(&err, &wrong);

    // The signature uses the time given, not the machine's clock: two hours off is refused.
    let err = gateway
        .post(&robot(SECRET), &notice(), NOW_MS - 7_200_000)
        .await
        .expect_err("stale timestamp");
    assert!(err.is_permanent(), "{err:?}");
    assert_eq!(fake.accepted.lock().expect("lock").len(), 1);
}

#[tokio::test]
async fn dingtalk_signed_request_carries_the_given_timestamp() {
    let server = HttpRecorder::start().await;
    gateway()
        .post(&dingtalk(&server, Some(SECRET)), &notice(), NOW_MS)
        .await
        .expect("sent");
    let requests = server.wait_for(1, WAIT).await;
    let query: HashMap<String, String> = requests[0].query_pairs().into_iter().collect();
    assert_eq!(query.len(), 3, "{query:?}");
    assert_eq!(query["access_token"], TOKEN);
    assert_eq!(query["timestamp"], NOW_MS.to_string());
    assert_eq!(query["sign"], sign(SECRET, &NOW_MS.to_string()));
}

#[tokio::test]
async fn dingtalk_body_is_markdown_with_the_link_and_mentions() {
    let server = HttpRecorder::start().await;
    let mut msg = notice();
    msg.urgent = true;
    msg.mention_mobiles = vec!["13800000001".into(), "13900000002".into()];
    gateway()
        .post(&dingtalk(&server, None), &msg, NOW_MS)
        .await
        .expect("sent");

    let requests = server.wait_for(1, WAIT).await;
    let r: &RecordedRequest = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/robot/send");
    // Unsigned mode: the address as configured, nothing added.
    assert_eq!(r.query_pairs(), [("access_token".into(), TOKEN.into())]);
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let body = r.json.clone().expect("JSON body");
    assert_eq!(body["msgtype"], "markdown");
    assert_eq!(
        body["markdown"]["title"],
        "【紧急】关于周六文艺汇演排练的通知"
    );
    let text = body["markdown"]["text"].as_str().expect("text");
    assert!(
        text.starts_with("#### 【紧急】关于周六文艺汇演排练的通知"),
        "{text}"
    );
    assert!(text.contains("请**准时**参加"), "{text}");
    assert!(
        text.contains(&format!("[查看并确认]({NOTICE_URL})")),
        "{text}"
    );
    // DingTalk only pings a mentioned member whose @mobile is in the text too.
    assert!(
        text.contains("@13800000001") && text.contains("@13900000002"),
        "{text}"
    );
    assert_eq!(
        body["at"],
        json!({"atMobiles": ["13800000001", "13900000002"], "isAtAll": false})
    );
}

#[tokio::test]
async fn wecom_body_is_markdown_with_urgency_in_colour_and_the_link() {
    let server = HttpRecorder::start().await;
    let mut msg = notice();
    msg.urgent = true;
    gateway()
        .post(&wecom(&server), &msg, NOW_MS)
        .await
        .expect("sent");

    let requests = server.wait_for(1, WAIT).await;
    let r = &requests[0];
    assert_eq!(r.path, "/cgi-bin/webhook/send");
    // WeCom has no signature: the key is the whole credential.
    assert_eq!(r.query_pairs(), [("key".into(), KEY.into())]);
    let body = r.json.clone().expect("JSON body");
    assert_eq!(body["msgtype"], "markdown");
    let content = body["markdown"]["content"].as_str().expect("content");
    assert!(
        content.starts_with("<font color=\"warning\">紧急</font> **关于周六文艺汇演排练的通知**"),
        "{content}"
    );
    assert!(content.contains("请**准时**参加"), "{content}");
    assert!(
        content.ends_with(&format!("[查看并确认]({NOTICE_URL})")),
        "{content}"
    );
    assert_eq!(body.as_object().map(|o| o.len()), Some(2), "{body}");
}

#[tokio::test]
async fn wecom_mentions_go_as_text_with_the_mobile_list() {
    let server = HttpRecorder::start().await;
    let mut msg = notice();
    msg.text = "详见 [排练安排](https://culture.example.gov.cn/files/7)".into();
    msg.mention_mobiles = vec!["13800000001".into(), " 13800000001 ".into()];
    gateway()
        .post(&wecom(&server), &msg, NOW_MS)
        .await
        .expect("sent");

    let body = server.wait_for(1, WAIT).await[0]
        .json
        .clone()
        .expect("JSON body");
    assert_eq!(body["msgtype"], "text");
    assert_eq!(
        body["text"]["mentioned_mobile_list"],
        json!(["13800000001"])
    );
    let content = body["text"]["content"].as_str().expect("content");
    // A text message shows Markdown as typed, so links become bare addresses.
    assert_eq!(
        content,
        format!(
            "关于周六文艺汇演排练的通知\n详见 排练安排 https://culture.example.gov.cn/files/7\n查看并确认 {NOTICE_URL}"
        )
    );
}

#[tokio::test]
async fn long_notices_are_cut_to_each_robots_limit_and_keep_the_link() {
    let server = HttpRecorder::start().await;
    let gateway = gateway();
    let mut msg = notice();
    msg.text = "全县各文化站请于本月底前报送年度活动总结。".repeat(200); // ~12 kB
    gateway
        .post(&wecom(&server), &msg, NOW_MS)
        .await
        .expect("markdown");
    msg.mention_mobiles = vec!["13800000001".into()];
    gateway
        .post(&wecom(&server), &msg, NOW_MS)
        .await
        .expect("text");
    gateway
        .post(&dingtalk(&server, None), &msg, NOW_MS)
        .await
        .expect("DingTalk");

    let requests = server.wait_for(3, WAIT).await;
    let texts: Vec<String> = requests
        .iter()
        .map(|r| {
            let body = r.json.clone().expect("JSON body");
            let text = &body[body["msgtype"].as_str().expect("msgtype")];
            text.get("content")
                .or_else(|| text.get("text"))
                .and_then(Value::as_str)
                .expect("text")
                .to_owned()
        })
        .collect();
    for (text, limit) in texts.iter().zip([4096, 2048, 5000]) {
        assert!(text.len() <= limit, "{} bytes over {limit}", text.len());
        assert!(
            text.len() > limit - 100,
            "cut too short: {} bytes",
            text.len()
        );
        assert!(text.contains('…'), "cut without an ellipsis");
        assert!(text.contains(NOTICE_URL), "the link was cut");
    }
}

async fn reply_error(kind: RobotKind, status: u16, reply: &str) -> SendError {
    let server = HttpRecorder::start().await;
    server.respond_with(status, reply);
    let robot = match kind {
        RobotKind::DingTalk => dingtalk(&server, Some(SECRET)),
        RobotKind::WeCom => wecom(&server),
    };
    let err = gateway()
        .post(&robot, &notice(), NOW_MS)
        .await
        .expect_err(reply);
    assert_eq!(server.requests().len(), 1);
    assert_no_secrets(&err, &robot);
    err
}

#[tokio::test]
async fn rate_limits_and_busy_robots_are_worth_retrying() {
    for (kind, reply) in [
        (
            RobotKind::DingTalk,
            r#"{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}"#,
        ),
        (RobotKind::DingTalk, r#"{"errcode":-1,"errmsg":"系统繁忙"}"#),
        (
            RobotKind::WeCom,
            r#"{"errcode":45009,"errmsg":"api freq out of limit"}"#,
        ),
        (RobotKind::WeCom, r#"{"errcode":-1,"errmsg":"system busy"}"#),
    ] {
        let err = reply_error(kind, 200, reply).await;
        assert!(err.is_transient(), "{kind} {reply}: {err:?}");
    }
}

#[tokio::test]
async fn bad_tokens_keys_and_signatures_are_permanent() {
    for (kind, reply, code) in [
        (
            RobotKind::DingTalk,
            r#"{"errcode":310000,"errmsg":"sign not match"}"#,
            "310000",
        ),
        (
            RobotKind::DingTalk,
            r#"{"errcode":300001,"errmsg":"token is not exist"}"#,
            "300001",
        ),
        (
            RobotKind::WeCom,
            r#"{"errcode":93000,"errmsg":"invalid webhook url, hint: [1755605200056773468916791]"}"#,
            "93000",
        ),
        (
            RobotKind::WeCom,
            r#"{"errcode":40058,"errmsg":"markdown.content exceed max length 4096"}"#,
            "40058",
        ),
    ] {
        let err = reply_error(kind, 200, reply).await;
        assert!(err.is_permanent(), "{kind} {reply}: {err:?}");
        // The robot's code and reason reach whoever reads the outbox.
        assert!(err.to_string().contains(code), "{err}");
    }
    let err = reply_error(
        RobotKind::WeCom,
        200,
        r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#,
    )
    .await;
    assert!(err.to_string().contains("invalid webhook url"), "{err}");
}

#[tokio::test]
async fn http_errors_are_sorted_by_status() {
    for status in [500, 502, 503, 429] {
        let err = reply_error(RobotKind::WeCom, status, "busy").await;
        assert!(err.is_transient(), "{status}: {err:?}");
        assert!(err.to_string().contains(&status.to_string()), "{err}");
    }
    for status in [400, 403, 404, 302] {
        let err = reply_error(RobotKind::DingTalk, status, "no").await;
        assert!(err.is_permanent(), "{status}: {err:?}");
    }
    // A 200 that is not a robot's answer (a captive portal, a proxy page) is no success.
    let err = reply_error(RobotKind::WeCom, 200, "<html>login</html>").await;
    assert!(err.is_permanent(), "{err:?}");
}

#[tokio::test]
async fn the_webhook_and_secret_never_appear_in_errors() {
    // Replies that quote the credentials back are scrubbed.
    let echo = format!(r#"{{"errcode":300001,"errmsg":"token {TOKEN} is not exist"}}"#);
    let err = reply_error(RobotKind::DingTalk, 200, &echo).await;
    assert!(err.to_string().contains("token *** is not exist"), "{err}");
    reply_error(RobotKind::WeCom, 500, &format!("no robot for key={KEY}")).await;
    reply_error(RobotKind::DingTalk, 403, &format!("bad sign with {SECRET}")).await;

    // Nobody listening: reqwest's error would name the URL.
    let server = HttpRecorder::start().await;
    let (ding, wc) = (dingtalk(&server, Some(SECRET)), wecom(&server));
    drop(server);
    for robot in [ding, wc] {
        let err = gateway()
            .post(&robot, &notice(), NOW_MS)
            .await
            .expect_err("nobody listens");
        assert!(err.is_transient(), "{err:?}");
        assert!(err.to_string().contains("127.0.0.1"), "{err}");
        assert_no_secrets(&err, &robot);
    }
}

#[tokio::test]
async fn a_robot_that_does_not_answer_in_time_is_transient() {
    let server = HttpRecorder::start().await;
    server.delay_replies(Duration::from_secs(30));
    let robot = dingtalk(&server, Some(SECRET));
    let started = std::time::Instant::now();
    let err = gateway()
        .with_timeout(Duration::from_secs(1))
        .post(&robot, &notice(), NOW_MS)
        .await
        .expect_err("timed out");
    assert!(err.is_transient(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(10), "no timeout");
    assert_no_secrets(&err, &robot);
}

fn burst(n: usize) -> Vec<RobotMessage> {
    (1..=n)
        .map(|i| RobotMessage {
            title: format!("通知 {i}"),
            text: format!("第 {i} 条通知的正文"),
            url: format!("https://culture.example.gov.cn/console/notices/{i}"),
            urgent: i == 7,
            mention_mobiles: vec![format!("1380000000{}", i % 3)],
        })
        .collect()
}

#[tokio::test]
async fn a_digest_carries_every_notice_s_link_to_both_robots() {
    let notices = burst(25);
    let d = digest(&notices, &RobotLabels::default());
    assert_eq!(d.title, "25 条新通知");
    assert!(d.urgent, "one of them is urgent");
    assert_eq!(
        d.mention_mobiles,
        ["13800000001", "13800000002", "13800000000"]
    );
    assert_eq!(d.text.lines().count(), 25);
    assert!(
        d.text
            .contains("- 【紧急】[通知 7](https://culture.example.gov.cn/console/notices/7)"),
        "{}",
        d.text
    );

    let server = HttpRecorder::start().await;
    let gateway = gateway();
    gateway
        .post(&dingtalk(&server, None), &d, NOW_MS)
        .await
        .expect("DingTalk");
    gateway
        .post(&wecom(&server), &d, NOW_MS)
        .await
        .expect("WeCom");
    let requests = server.wait_for(2, WAIT).await;
    assert_eq!(requests.len(), 2);
    for r in &requests {
        for n in &notices {
            assert!(r.body_text.contains(&n.url), "{} missing", n.url);
            assert!(r.body_text.contains(&n.title), "{} missing", n.title);
        }
    }
}

#[tokio::test]
async fn a_burst_goes_out_as_twenty_messages_then_one_digest() {
    let server = HttpRecorder::start().await;
    let robot = wecom(&server);
    let gateway = gateway();
    let mut budget = RobotBudget::new();
    let mut pending = Vec::new();
    // 25 notices published a second apart.
    for (i, msg) in burst(25).into_iter().enumerate() {
        let now = NOW_MS + i as i64 * 1000;
        if budget.try_take(now) {
            gateway.post(&robot, &msg, now).await.expect("sent");
        } else {
            pending.push(msg);
        }
    }
    assert_eq!(pending.len(), 25 - ROBOT_MESSAGES_PER_MINUTE);
    // Room opens a minute after the first send, not before.
    let at = budget.next_free(NOW_MS + 24_000);
    assert_eq!(at, NOW_MS + 60_000);
    assert!(!budget.try_take(at - 1));
    assert!(budget.try_take(at));
    gateway
        .post(&robot, &digest(&pending, gateway.labels()), at)
        .await
        .expect("digest");

    let requests = server.wait_for(21, WAIT).await;
    assert_eq!(requests.len(), 21);
    let last = &requests[20].body_text;
    assert!(last.contains("5 条新通知"), "{last}");
    for i in 21..=25 {
        assert!(last.contains(&format!("/console/notices/{i}")), "{last}");
    }
}

#[test]
fn the_budget_allows_twenty_a_minute_and_the_next_once_the_window_slides() {
    let mut budget = RobotBudget::new();
    let start = NOW_MS;
    for i in 0..20 {
        assert_eq!(budget.next_free(start + i * 2000), start + i * 2000);
        assert!(budget.try_take(start + i * 2000), "message {}", i + 1);
    }
    assert!(
        !budget.try_take(start + 45_000),
        "the 21st within the minute"
    );
    assert_eq!(budget.next_free(start + 45_000), start + 60_000);
    assert!(!budget.try_take(start + 59_999));
    assert!(
        budget.try_take(start + 60_000),
        "the first send has left the window"
    );
    assert!(
        !budget.try_take(start + 61_000),
        "the second leaves at 62 s"
    );
    assert!(budget.try_take(start + 62_000));
    // After a quiet minute the whole budget is back.
    let later = start + 200_000;
    for i in 0..20 {
        assert!(
            budget.try_take(later + i),
            "message {} after a pause",
            i + 1
        );
    }
    assert!(!budget.try_take(later + 20));
}

#[test]
fn robot_config_checks_name_the_field() {
    let new = |kind, webhook: &str, secret: Option<&str>| {
        RobotConfig::new(kind, Secret::new(webhook), secret.map(Secret::new))
    };
    let ding = format!("https://oapi.dingtalk.com/robot/send?access_token={TOKEN}");
    let wc = format!("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}");

    let ok = new(RobotKind::DingTalk, &format!("  {ding} "), Some(SECRET)).expect("signed");
    assert_eq!(ok.kind(), RobotKind::DingTalk);
    assert_eq!(ok.webhook().expose(), ding);
    assert_eq!(ok.secret().map(Secret::expose), Some(SECRET));
    let unsigned = new(RobotKind::DingTalk, &ding, Some("  ")).expect("blank secret");
    assert_eq!(unsigned.secret(), None);
    new(RobotKind::WeCom, &wc, None).expect("WeCom");

    for (kind, webhook, secret, field) in [
        (RobotKind::DingTalk, "", None, "robot.webhook"),
        (RobotKind::DingTalk, TOKEN, None, "robot.webhook"),
        (
            RobotKind::DingTalk,
            "ftp://oapi.dingtalk.com/robot/send?access_token=x",
            None,
            "robot.webhook",
        ),
        (
            RobotKind::DingTalk,
            "https://oapi.dingtalk.com/robot/send",
            None,
            "robot.webhook",
        ),
        // A WeCom address given as a DingTalk robot, and the other way round.
        (RobotKind::DingTalk, wc.as_str(), None, "robot.webhook"),
        (RobotKind::WeCom, ding.as_str(), None, "robot.webhook"),
        (
            RobotKind::DingTalk,
            ding.as_str(),
            Some("8a7f3c2e1d0b"),
            "robot.secret",
        ),
        (RobotKind::WeCom, wc.as_str(), Some(SECRET), "robot.secret"),
    ] {
        let err = new(kind, webhook, secret).expect_err(webhook);
        assert_eq!(err.key, field, "{kind} {webhook:?}: {err}");
        for secret in [TOKEN, KEY, SECRET] {
            assert!(!err.to_string().contains(secret), "{err}");
        }
    }

    let shown = format!("{ok:?}");
    assert!(
        shown.contains("DingTalk") && shown.contains("***"),
        "{shown}"
    );
    for secret in [TOKEN, SECRET] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[test]
fn robot_kinds_have_stored_names() {
    assert_eq!(RobotKind::DingTalk.as_str(), "dingtalk");
    assert_eq!(RobotKind::WeCom.as_str(), "wecom");
    assert_eq!(RobotKind::parse("wecom"), Some(RobotKind::WeCom));
    assert_eq!(RobotKind::parse("DingTalk"), None);
}

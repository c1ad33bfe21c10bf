//! SMS through a real HTTP exchange with testkit's recording server.

use std::collections::BTreeMap;
use std::time::Duration;

use notify::{
    Channel, Gateway, HttpSmsGateway, Outgoing, Secret, SendError, SmsConfig, SmsGatewayKind,
};
use serde_json::json;
use testkit::HttpRecorder;

const WAIT: Duration = Duration::from_secs(10);

fn config(url: String) -> SmsConfig {
    SmsConfig {
        gateway: SmsGatewayKind::Http,
        url: Some(url),
        ..SmsConfig::default()
    }
}

fn sms(to: &str, text: &str) -> Outgoing {
    Outgoing {
        channel: Channel::Sms,
        recipient: to.into(),
        subject: None,
        body: text.into(),
    }
}

/// Text that breaks a naive template: quotes, backslashes, new lines, a tab, a control
/// character, and the placeholders themselves.
const TRICKY: &str =
    "【青山县文化馆】他说：\"周六见\"\n路径 C:\\活动\\排练\t{mobile} {text} \u{1}结束";

#[tokio::test]
async fn json_template_escapes_the_text_and_sends_the_headers() {
    let server = HttpRecorder::start().await;
    let mut cfg = config(server.url("/api/sms/send"));
    cfg.template = Some(
        r#"{"phone":"{mobile}","content":"{text}","sign":"青山县文化馆","extra":{"n":1}}"#.into(),
    );
    cfg.headers = BTreeMap::from([
        ("X-Api-Key".to_owned(), Secret::new("k-123")),
        ("Authorization".to_owned(), Secret::new("Bearer s3cr3t")),
    ]);
    let gateway = cfg.build().expect("gateway");
    assert_eq!((gateway.channel(), gateway.name()), (Channel::Sms, "http"));

    gateway
        .send(&sms("13800000000", TRICKY))
        .await
        .expect("sent");

    let requests = server.wait_for(1, WAIT).await;
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/api/sms/send");
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("x-api-key"), Some("k-123"));
    assert_eq!(r.header("authorization"), Some("Bearer s3cr3t"));
    assert_eq!(
        r.json,
        Some(json!({
            "phone": "13800000000",
            "content": TRICKY,
            "sign": "青山县文化馆",
            "extra": {"n": 1},
        })),
        "body was {}",
        r.body_text
    );
}

#[tokio::test]
async fn the_default_template_is_json_with_mobile_and_text() {
    let server = HttpRecorder::start().await;
    let gateway = HttpSmsGateway::from_config(&config(server.url("/sms"))).expect("gateway");
    gateway
        .send(&sms("+8613900000000", "您的验证码是 123456"))
        .await
        .expect("sent");
    let requests = server.wait_for(1, WAIT).await;
    assert_eq!(
        requests[0].json,
        Some(json!({"mobile": "+8613900000000", "text": "您的验证码是 123456"}))
    );
}

#[tokio::test]
async fn form_template_percent_encodes_the_text() {
    let server = HttpRecorder::start().await;
    let mut cfg = config(server.url("/send.do"));
    cfg.method = Some("put".into());
    cfg.content_type = Some("application/x-www-form-urlencoded; charset=UTF-8".into());
    cfg.template = Some("account=culture&to={mobile}&msg={text}&note=a%20b".into());
    let text = "报名成功 a&b=c+d 100% #1\n第二行";
    cfg.build()
        .expect("gateway")
        .send(&sms("13800000000", text))
        .await
        .expect("sent");

    let requests = server.wait_for(1, WAIT).await;
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, "PUT");
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded; charset=UTF-8")
    );
    let form = r.form();
    let expected: Vec<(String, String)> = [
        ("account", "culture"),
        ("to", "13800000000"),
        ("msg", text),
        ("note", "a b"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(form, expected, "body was {}", r.body_text);
}

async fn send_with_reply(
    status: u16,
    reply: &str,
    cfg: impl FnOnce(&mut SmsConfig),
) -> Result<(), SendError> {
    let server = HttpRecorder::start().await;
    server.respond_with(status, reply);
    let mut c = config(server.url("/sms"));
    cfg(&mut c);
    let result = c
        .build()
        .expect("gateway")
        .send(&sms("13800000000", "通知"))
        .await;
    // The request did go out, whatever the answer.
    assert_eq!(server.requests().len(), 1);
    result
}

#[tokio::test]
async fn a_server_error_is_transient() {
    let err = send_with_reply(500, "internal error", |_| {})
        .await
        .expect_err("500");
    assert!(matches!(err, SendError::Transient(_)), "{err:?}");
    assert!(err.to_string().contains("500"), "{err}");
    assert!(err.to_string().contains("internal error"), "{err}");
}

#[tokio::test]
async fn too_many_requests_and_request_timeout_are_transient() {
    for status in [429, 408, 503] {
        let err = send_with_reply(status, "", |_| {})
            .await
            .expect_err("refused");
        assert!(matches!(err, SendError::Transient(_)), "{status}: {err:?}");
    }
}

#[tokio::test]
async fn a_client_error_is_permanent() {
    for status in [400, 401, 403, 404, 422] {
        let err = send_with_reply(status, r#"{"error":"invalid mobile"}"#, |_| {})
            .await
            .expect_err("refused");
        assert!(matches!(err, SendError::Permanent(_)), "{status}: {err:?}");
    }
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_is_permanent() {
    let err = send_with_reply(302, "", |_| {})
        .await
        .expect_err("redirect");
    assert!(matches!(err, SendError::Permanent(_)), "{err:?}");
}

fn code_rule(c: &mut SmsConfig) {
    c.success_json_field = Some("code".into());
    c.success_json_value = Some("0".into());
}

#[tokio::test]
async fn the_success_rule_accepts_matching_replies_as_string_or_number() {
    send_with_reply(200, r#"{"code":"0","msg":"ok"}"#, code_rule)
        .await
        .expect("string 0");
    send_with_reply(200, r#"{"code":0,"msg":"ok"}"#, code_rule)
        .await
        .expect("number 0");
}

#[tokio::test]
async fn a_success_rule_mismatch_is_permanent() {
    let err = send_with_reply(200, r#"{"code":"1001","msg":"签名不合法"}"#, code_rule)
        .await
        .expect_err("code 1001");
    assert!(matches!(err, SendError::Permanent(_)), "{err:?}");
    // The provider's reason reaches whoever reads the outbox.
    assert!(err.to_string().contains("签名不合法"), "{err}");

    for reply in ["OK", r#"{"msg":"ok"}"#, ""] {
        let err = send_with_reply(200, reply, code_rule)
            .await
            .expect_err(reply);
        assert!(matches!(err, SendError::Permanent(_)), "{reply}: {err:?}");
    }
}

#[tokio::test]
async fn without_a_rule_any_2xx_is_success() {
    send_with_reply(200, "whatever", |_| {}).await.expect("200");
    send_with_reply(204, "", |_| {}).await.expect("204");
}

#[tokio::test]
async fn a_refused_connection_is_transient() {
    let server = HttpRecorder::start().await;
    let url = server.url("/sms");
    drop(server);
    let err = config(url)
        .build()
        .expect("gateway")
        .send(&sms("13800000000", "通知"))
        .await
        .expect_err("nobody listens");
    assert!(matches!(err, SendError::Transient(_)), "{err:?}");
}

#[tokio::test]
async fn a_gateway_that_does_not_answer_in_time_is_transient() {
    let server = HttpRecorder::start().await;
    server.delay_replies(Duration::from_secs(30));
    let mut cfg = config(server.url("/sms"));
    cfg.timeout_seconds = Some(1);
    let started = std::time::Instant::now();
    let err = cfg
        .build()
        .expect("gateway")
        .send(&sms("13800000000", "通知"))
        .await
        .expect_err("timed out");
    assert!(matches!(err, SendError::Transient(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the timeout was not applied"
    );
}

#[tokio::test]
async fn a_bad_mobile_number_is_permanent_and_nothing_is_sent() {
    let server = HttpRecorder::start().await;
    let gateway = config(server.url("/sms")).build().expect("gateway");
    for to in ["", "138-0000-0000", "zhang@example.org", "13800000000&x=1"] {
        let err = gateway.send(&sms(to, "通知")).await.expect_err(to);
        assert!(matches!(err, SendError::Permanent(_)), "{to}: {err:?}");
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn the_headers_stay_out_of_debug_output() {
    let mut cfg = config("https://sms.example.com/send?key=url-secret".into());
    cfg.headers = BTreeMap::from([("X-Api-Key".to_owned(), Secret::new("header-secret"))]);
    let gateway = HttpSmsGateway::from_config(&cfg).expect("gateway");
    for shown in [format!("{gateway:?}"), format!("{cfg:?}")] {
        assert!(!shown.contains("header-secret"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
    }
    assert!(!format!("{gateway:?}").contains("url-secret"));
}

//! Configuration: what an administrator writes, and what they are told when it is wrong.

use notify::{Channel, ConfigError, EmailConfig, Secret, SmsConfig, SmsGatewayKind};
use serde_json::json;

fn sms(value: serde_json::Value) -> SmsConfig {
    serde_json::from_value(value).expect("valid [sms] section")
}

fn sms_error(value: serde_json::Value) -> ConfigError {
    match sms(value).build() {
        Ok(g) => panic!(
            "expected a configuration error, got the {} gateway",
            g.name()
        ),
        Err(e) => e,
    }
}

fn email_error(cfg: EmailConfig) -> ConfigError {
    match cfg.build() {
        Ok(g) => panic!(
            "expected a configuration error, got the {} gateway",
            g.name()
        ),
        Err(e) => e,
    }
}

const URL: &str = "https://sms.example.com/send";

#[test]
fn an_empty_section_means_the_log_gateways() {
    let s = sms(json!({}));
    assert_eq!(s, SmsConfig::default());
    let g = s.build().expect("log");
    assert_eq!((g.channel(), g.name()), (Channel::Sms, "log"));

    let e: EmailConfig = serde_json::from_value(json!({})).expect("empty [email]");
    assert_eq!(e.from, "CultureDesk <noreply@localhost>");
    let g = e.build().expect("log");
    assert_eq!((g.channel(), g.name()), (Channel::Email, "log"));
}

#[test]
fn a_full_http_section_builds() {
    let s = sms(json!({
        "gateway": "http",
        "url": URL,
        "method": "POST",
        "template": "{\"to\":\"{mobile}\",\"msg\":\"{text}\"}",
        "content_type": "application/json; charset=utf-8",
        "headers": {"X-Api-Key": "k"},
        "timeout_seconds": 5,
        "success_json_field": "code",
        "success_json_value": "0",
    }));
    assert_eq!(s.gateway, SmsGatewayKind::Http);
    assert_eq!(s.headers["X-Api-Key"].expose(), "k");
    assert_eq!(s.build().expect("http").name(), "http");
}

#[test]
fn an_smtp_url_makes_the_smtp_gateway() {
    let e: EmailConfig = serde_json::from_value(json!({
        "smtp_url": "smtps://user:pw@smtp.example.org:465",
        "from": "青山县文化馆 <noreply@example.org>",
    }))
    .expect("[email]");
    assert_eq!(e.build().expect("smtp").name(), "smtp");
}

#[test]
fn unknown_keys_are_refused_by_name() {
    let err = serde_json::from_value::<SmsConfig>(json!({"gateway": "http", "ulr": URL}))
        .expect_err("typo");
    assert!(err.to_string().contains("ulr"), "{err}");
    let err = serde_json::from_value::<EmailConfig>(json!({"smtp": "smtp://x"})).expect_err("typo");
    assert!(err.to_string().contains("smtp"), "{err}");
    let err = serde_json::from_value::<SmsConfig>(json!({"gateway": "aliyun"})).expect_err("kind");
    assert!(err.to_string().contains("aliyun"), "{err}");
}

#[test]
fn http_without_url_names_the_key() {
    let err = sms_error(json!({"gateway": "http"}));
    assert_eq!(err.key, "sms.url");
    assert_eq!(
        err.to_string(),
        "sms.url is required when sms.gateway = \"http\""
    );
}

#[test]
fn each_bad_sms_value_names_its_key() {
    let cases = [
        (json!({"url": "not a url"}), "sms.url"),
        (json!({"url": "ftp://sms.example.com/"}), "sms.url"),
        (json!({"url": URL, "method": "GET"}), "sms.method"),
        (
            json!({"url": URL, "content_type": "text/plain"}),
            "sms.content_type",
        ),
        (
            json!({"url": URL, "template": "{\"mobile\":\"{mobile}\"}"}),
            "sms.template",
        ),
        (
            json!({"url": URL, "template": "{\"text\":\"{text}\"}"}),
            "sms.template",
        ),
        // {text} outside quotes: not JSON once filled in.
        (
            json!({"url": URL, "template": "{\"mobile\":\"{mobile}\",\"text\":{text}}"}),
            "sms.template",
        ),
        (
            json!({"url": URL, "headers": {"Bad Name": "x"}}),
            "sms.headers.Bad Name",
        ),
        (
            json!({"url": URL, "headers": {"X-Key": "line\nbreak"}}),
            "sms.headers.X-Key",
        ),
        (
            json!({"url": URL, "headers": {"Content-Type": "text/plain"}}),
            "sms.headers.Content-Type",
        ),
        (
            json!({"url": URL, "timeout_seconds": 0}),
            "sms.timeout_seconds",
        ),
        (
            json!({"url": URL, "success_json_field": "code"}),
            "sms.success_json_value",
        ),
        (
            json!({"url": URL, "success_json_value": "0"}),
            "sms.success_json_field",
        ),
    ];
    for (mut section, key) in cases {
        section["gateway"] = json!("http");
        let err = sms_error(section.clone());
        assert_eq!(err.key, key, "{section}: {err}");
        assert!(err.to_string().starts_with(key), "{err}");
    }
}

#[test]
fn each_bad_email_value_names_its_key() {
    let err = email_error(EmailConfig {
        from: "not a mailbox".into(),
        ..EmailConfig::default()
    });
    assert_eq!(err.key, "email.from", "{err}");

    let err = email_error(EmailConfig {
        smtp_url: Some(Secret::new("imap://user:hunter2@mail.example.org")),
        ..EmailConfig::default()
    });
    assert_eq!(err.key, "email.smtp_url", "{err}");
    assert!(
        !err.to_string().contains("hunter2"),
        "the password leaked: {err}"
    );

    let err = email_error(EmailConfig {
        smtp_url: Some(Secret::new("smtp://mail.example.org")),
        timeout_seconds: Some(0),
        ..EmailConfig::default()
    });
    assert_eq!(err.key, "email.timeout_seconds", "{err}");
}

#[test]
fn secrets_never_show_their_value() {
    let secret: Secret = serde_json::from_value(json!("hunter2")).expect("from a string");
    assert_eq!(secret.expose(), "hunter2");
    assert_eq!(format!("{secret:?}"), "***");
    assert_eq!(format!("{secret}"), "***");

    let e: EmailConfig = serde_json::from_value(json!({
        "smtp_url": "smtp://user:hunter2@mail.example.org:587?tls=required",
    }))
    .expect("[email]");
    assert!(!format!("{e:?}").contains("hunter2"), "{e:?}");
}

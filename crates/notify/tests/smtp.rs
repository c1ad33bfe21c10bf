//! E-mail through a real SMTP conversation with testkit's local server.

use std::time::Duration;

use notify::{Channel, Gateway, Outgoing, SendError, SmtpGateway};
use testkit::SmtpServer;

const WAIT: Duration = Duration::from_secs(10);
const FROM: &str = "青山县文化馆 <noreply@example.org>";

fn gateway(url: &str) -> SmtpGateway {
    SmtpGateway::new(url, FROM, Duration::from_secs(10)).expect("gateway")
}

fn email(to: &str, subject: &str, body: &str) -> Outgoing {
    Outgoing {
        channel: Channel::Email,
        recipient: to.into(),
        subject: Some(subject.into()),
        body: body.into(),
    }
}

#[tokio::test]
async fn chinese_subject_and_body_arrive_intact() {
    let server = SmtpServer::start().await;
    // Credentials in the URL, percent-encoded as an administrator would write them.
    let url = format!(
        "smtp://office%40example.org:p%40ss@127.0.0.1:{}",
        server.addr().port()
    );
    let body = "张老师：\n\n您于 3 月 5 日提交的反馈已有答复，请登录查看。\n.以点开头的一行\n\n青山县文化馆";
    gateway(&url)
        .send(&email(
            "zhang@example.org",
            "【青山县文化馆】您的反馈已答复",
            body,
        ))
        .await
        .expect("sent");

    let mails = server.wait_for(1, WAIT).await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.recipients, ["zhang@example.org"]);
    assert_eq!(mail.from, "noreply@example.org");
    assert_eq!(mail.auth_user.as_deref(), Some("office@example.org"));
    assert_eq!(
        mail.subject().as_deref(),
        Some("【青山县文化馆】您的反馈已答复")
    );
    assert_eq!(mail.text_body().as_deref(), Some(body));
    let content_type = mail
        .header("Content-Type")
        .expect("Content-Type")
        .to_ascii_lowercase();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    assert!(content_type.contains("charset=utf-8"), "{content_type}");
    let id = mail.header("Message-ID").expect("Message-ID");
    assert!(id.ends_with("@example.org"), "{id}");
    let from = mail.header("From").expect("From");
    assert!(from.contains("<noreply@example.org>"), "{from}");
}

#[tokio::test]
async fn a_message_without_subject_is_still_delivered() {
    let server = SmtpServer::start().await;
    let msg = Outgoing {
        subject: None,
        ..email("li@example.org", "", "活动通知：周六下午三点排练。")
    };
    gateway(&server.url()).send(&msg).await.expect("sent");
    let mails = server.wait_for(1, WAIT).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject(), None);
    assert_eq!(
        mails[0].text_body().as_deref(),
        Some("活动通知：周六下午三点排练。")
    );
}

#[tokio::test]
async fn a_refused_recipient_is_permanent() {
    let server = SmtpServer::start().await;
    server.fail_next(1, 550);
    let err = gateway(&server.url())
        .send(&email("nobody@example.org", "通知", "正文"))
        .await
        .expect_err("550 must fail");
    assert!(matches!(err, SendError::Permanent(_)), "{err:?}");
    assert!(err.to_string().contains("550"), "{err}");
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn a_temporary_refusal_is_transient_and_a_retry_delivers() {
    let server = SmtpServer::start().await;
    server.fail_next(1, 451);
    let gateway = gateway(&server.url());
    let msg = email("wang@example.org", "培训报名成功", "您已报名书法培训班。");
    let err = gateway.send(&msg).await.expect_err("451 must fail");
    assert!(matches!(err, SendError::Transient(_)), "{err:?}");
    assert!(err.to_string().contains("451"), "{err}");
    assert!(server.messages().is_empty());

    gateway.send(&msg).await.expect("the retry is delivered");
    let mails = server.wait_for(1, WAIT).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject().as_deref(), Some("培训报名成功"));
}

#[tokio::test]
async fn an_invalid_address_is_permanent_and_nothing_is_sent() {
    let server = SmtpServer::start().await;
    let err = gateway(&server.url())
        .send(&email("not an address", "主题", "正文"))
        .await
        .expect_err("invalid address");
    assert!(matches!(err, SendError::Permanent(_)), "{err:?}");
    assert!(server.messages().is_empty());
}

#[tokio::test]
async fn an_unreachable_server_is_transient() {
    let server = SmtpServer::start().await;
    let url = server.url();
    drop(server);
    let err = gateway(&url)
        .send(&email("a@example.org", "主题", "正文"))
        .await
        .expect_err("nobody listens");
    assert!(matches!(err, SendError::Transient(_)), "{err:?}");
}

#[tokio::test]
async fn an_sms_is_not_sent_as_e_mail() {
    let server = SmtpServer::start().await;
    let msg = Outgoing {
        channel: Channel::Sms,
        ..email("a@example.org", "主题", "正文")
    };
    let err = gateway(&server.url())
        .send(&msg)
        .await
        .expect_err("wrong channel");
    assert!(err.is_permanent(), "{err:?}");
    assert!(server.messages().is_empty());
}

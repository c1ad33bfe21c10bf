//! The door page on a phone, in real headless Chromium without relying on JavaScript's
//! camera: the clerk types a member's code and sees them checked in, then a second time.

mod common;
mod events_kit;

use events_kit::{EventsDesk, PASSWORD};
use testkit::{Browser, Screen};

testkit::in_a_browser! {
    a_clerk_checks_a_member_in_by_typed_code_on_a_phone(EventsDesk),
}

async fn a_clerk_checks_a_member_in_by_typed_code_on_a_phone(r: EventsDesk) {
    let (_, date) = r.published().await;
    let member = r.member("13800138002").await;
    let code = r.register(&member, date, "刘芳").await;

    let Some(phone) = Browser::start(Screen::Phone).await else {
        return;
    };
    phone.sign_in_staff(&r.app.url, "li.jing", PASSWORD).await;
    phone
        .goto(&r.app.at(&format!("/console/events/dates/{date}/checkin")))
        .await;
    assert!(
        !phone.horizontal_overflow().await,
        "the door page scrolls sideways on a phone"
    );
    phone
        .fill(
            "#f-code",
            &format!(" {}-{} ", &code[..4], &code[4..]).to_lowercase(),
        )
        .await;
    phone.submit_form("#checkin-form").await;
    assert!(
        phone.exists(".ev-result-ok").await,
        "{}",
        phone.source().await
    );
    assert!(phone.text(".ev-result-head").await.contains("签到成功"));
    assert!(phone.text(".ev-result-person").await.contains("刘芳"));
    assert!(!phone.horizontal_overflow().await);
    phone.keep_screenshot("events-checkin-phone").await;

    phone.fill("#f-code", &code).await;
    phone.submit_form("#checkin-form").await;
    assert!(phone.exists(".ev-result-again").await);
    assert!(phone.text(".ev-result-head").await.contains("已签到过"));
}

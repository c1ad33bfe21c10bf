//! The staff feedback pages in a real headless Chromium, on a desktop and a phone screen,
//! without relying on JavaScript.

mod common;
mod desk;

use desk::{Desk, PASSWORD};
use testkit::{Browser, Screen};

const ANSWER: &str = "已安排每周六上午开放书法班，欢迎参加。——活动部";

/// Signs the clerk in, opens the inbox from the navigation, opens an item, answers it and
/// finds the answer in the timeline; no page scrolls sideways.
async fn answer_an_item(d: Desk, screen: Screen) {
    let sent = d
        .submit("希望城关镇文化站周末开放书法班，孩子们很想学", "request")
        .await;
    let other = d.submit("农家书屋的新书太少", "suggestion").await;
    let Some(b) = Browser::start(screen).await else {
        return;
    };
    b.sign_in_staff(&d.app.url, "li.jing", PASSWORD).await;
    assert!(
        b.exists("section[aria-labelledby='glance-title']").await,
        "feedback at a glance"
    );

    b.click("nav a[href='/console/feedback']").await;
    assert!(
        b.url().await.ends_with("/console/feedback"),
        "{}",
        b.url().await
    );
    assert!(
        b.text("nav.tabs a[aria-current='page']")
            .await
            .starts_with("全部")
    );
    let rows = b.texts("table.inbox tbody th[scope=row] a").await;
    assert!(
        rows.contains(&sent.tracking_no) && rows.contains(&other.tracking_no),
        "{rows:?}"
    );
    assert!(
        !b.horizontal_overflow().await,
        "the inbox scrolls sideways on {screen:?}"
    );
    b.keep_screenshot(&format!("staff-inbox-{screen:?}")).await;

    b.click("nav.tabs a[href='/console/feedback?queue=unassigned']")
        .await;
    assert!(
        b.text("nav.tabs a[aria-current='page']")
            .await
            .starts_with("待分办")
    );

    b.click(&format!("a[href='/console/feedback/{}']", sent.id))
        .await;
    assert_eq!(b.text("main h1").await, sent.tracking_no);
    assert!(
        !b.horizontal_overflow().await,
        "the item scrolls sideways on {screen:?}"
    );
    // A new item's next step is accepting or assigning it; answering on the spot is
    // among the folded actions.
    b.click("#more-actions > summary").await;
    b.fill("#answer-text", ANSWER).await;
    // First the preview of what the public will read, then the button that sends it.
    b.submit_form("#form-answer").await;
    assert_eq!(b.text(".answer-preview .preview-text").await, ANSWER);
    assert!(!b.horizontal_overflow().await);
    b.keep_screenshot(&format!("staff-answer-preview-{screen:?}"))
        .await;
    b.submit_form("#form-answer").await;
    assert_eq!(b.text(".notice").await, "已完成：答复");
    let bodies = b.texts(".item-timeline li.public .entry-body").await;
    assert!(bodies.iter().any(|t| t == ANSWER), "{bodies:?}");
    assert!(b.text(".badges").await.contains("已答复"));
    assert!(!b.horizontal_overflow().await);
    b.keep_screenshot(&format!("staff-item-{screen:?}")).await;

    // The other item is untouched, and its answer box says it is required.
    b.goto(&d.app.at(&format!("/console/feedback/{}", other.id)))
        .await;
    assert!(
        b.exists("#answer-text[required][aria-required='true']")
            .await
    );
    assert!(b.exists("label[for='answer-text']").await);
    let (item, _) = d
        .s()
        .feedback()
        .feedback_item(&d.clerk, other.id)
        .await
        .unwrap();
    assert_eq!(item.status, domain::feedback::Status::New);
}

testkit::in_a_browser! {
    a_clerk_answers_an_item_on_a_desktop(Desk),
    a_clerk_answers_an_item_on_a_phone(Desk),
}

async fn a_clerk_answers_an_item_on_a_desktop(d: Desk) {
    answer_an_item(d, Screen::Desktop).await;
}

async fn a_clerk_answers_an_item_on_a_phone(d: Desk) {
    answer_an_item(d, Screen::Phone).await;
}

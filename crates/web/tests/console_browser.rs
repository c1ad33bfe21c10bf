//! The staff console laid out for clerks, in a real headless Chromium on a phone and a
//! desktop: the next step of an item within the first screen, an inbox of 60 items in
//! short numbered pages with the bulk actions on top, and "select all".

mod common;
mod desk;

use desk::{Desk, PASSWORD};
use serde_json::{Value, json};
use testkit::scenario::{intake, send};
use testkit::{Browser, Screen};

/// Texts a county centre gets, varied so the analysis reads them differently.
const TEXTS: [&str; 6] = [
    "希望城关镇文化站周末开放书法班，孩子们很想学",
    "舞蹈室的空调不制冷，练习的时候很热",
    "农家书屋的新书太少，希望多进一些科普书",
    "广场舞音响声音太大，影响附近居民休息",
    "请问非遗展厅周一是否开放",
    "建议增加戏曲演出场次，老年人很喜欢",
];

async fn submit_many(d: &Desk, n: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let text = format!("{}（第{}条）", TEXTS[i % TEXTS.len()], i + 1);
        let sent = send(
            d.s(),
            &d.institution,
            intake(&text, "request"),
            Vec::new(),
            None,
        )
        .await;
        ids.push(sent.id);
    }
    ids
}

async fn script(b: &Browser, js: &str, args: Vec<Value>) -> Value {
    b.client().execute(js, args).await.expect("script runs")
}

async fn page_height(b: &Browser) -> f64 {
    script(b, "return document.documentElement.scrollHeight;", vec![])
        .await
        .as_f64()
        .unwrap()
}

/// Whether the element's bottom edge is within the window as the page opens.
async fn in_first_screen(b: &Browser, css: &str) -> bool {
    let js = "const e = document.querySelector(arguments[0]); if (!e) return false; \
              const r = e.getBoundingClientRect(); \
              return r.height > 0 && r.bottom <= window.innerHeight;";
    script(b, js, vec![json!(css)]).await == Value::Bool(true)
}

async fn sign_in(b: &Browser, d: &Desk) {
    b.sign_in_staff(&d.app.url, "li.jing", PASSWORD).await;
}

async fn a_clerk_works_through_a_long_inbox(d: Desk, screen: Screen) {
    let ids = submit_many(&d, 60).await;
    let Some(b) = Browser::start(screen).await else {
        return;
    };
    sign_in(&b, &d).await;

    // The inbox: 25 rows, the count of all 60, links to the other pages, and a page short
    // enough to scroll through.
    b.goto(&d.app.at("/console/feedback?queue=triage")).await;
    assert_eq!(b.texts("table.inbox tbody th[scope=row] a").await.len(), 25);
    assert!(b.text("#inbox-total").await.contains("共 60 条"));
    let pages = b.texts("nav.pager li a").await;
    assert_eq!(pages, ["1", "2", "3"]);
    let (bound, window) = match screen {
        Screen::Desktop => (3_000.0, "desktop"),
        // The rows' height depends on the fonts the machine has (a CJK font wraps the
        // excerpts differently); unpaged, the phone's inbox was 27,000 px.
        Screen::Phone => (9_000.0, "phone"),
    };
    let height = page_height(&b).await;
    assert!(height < bound, "the inbox is {height}px tall on a {window}");
    b.keep_screenshot(&format!("console-inbox-{screen:?}"))
        .await;
    assert!(!b.horizontal_overflow().await);
    // The bulk actions come before the list.
    let order = "return document.querySelector('fieldset.bulk').getBoundingClientRect().top \
                 < document.querySelector('table.inbox tbody').getBoundingClientRect().top;";
    assert_eq!(script(&b, order, vec![]).await, Value::Bool(true));
    // The category column shows the system's guess, worded as one.
    let guesses = b.texts("table.inbox td.guess").await;
    assert!(guesses.iter().any(|g| g.contains("猜测")), "{guesses:?}");

    // Select all ticks every row of the page, and clears them again.
    b.click("#select-all").await;
    let ticked = "return [...document.querySelectorAll('table.inbox input[name=id]')]\
                  .filter(e => e.checked).length;";
    assert_eq!(script(&b, ticked, vec![]).await, json!(25));
    b.click("#select-all").await;
    assert_eq!(script(&b, ticked, vec![]).await, json!(0));

    // Page 3 keeps the queue, and holds the last ten.
    b.click("nav.pager li:nth-child(3) a").await;
    let url = b.url().await;
    assert!(
        url.contains("queue=triage") && url.contains("page=3"),
        "{url}"
    );
    assert_eq!(b.texts("table.inbox tbody th[scope=row] a").await.len(), 10);

    // A new item: accepting it is within the first screen; the rest is folded.
    let newest = *ids.last().unwrap();
    b.goto(&d.app.at(&format!("/console/feedback/{newest}")))
        .await;
    assert!(
        in_first_screen(&b, "#form-next button[value=accept]").await,
        "accept is below the first screen on a {window}"
    );
    assert!(b.exists("#form-assign").await);
    assert!(b.exists("details#more-actions:not([open])").await);
    let height = page_height(&b).await;
    let bound = match screen {
        Screen::Desktop => 2_600.0,
        Screen::Phone => 3_200.0,
    };
    assert!(
        height < bound,
        "the item page is {height}px tall on a {window}"
    );
    b.keep_screenshot(&format!("console-item-{screen:?}")).await;
    assert!(!b.horizontal_overflow().await);
}

testkit::in_a_browser! {
    a_clerk_works_through_a_long_inbox_on_a_desktop(Desk),
    a_clerk_works_through_a_long_inbox_on_a_phone(Desk),
}

async fn a_clerk_works_through_a_long_inbox_on_a_desktop(d: Desk) {
    a_clerk_works_through_a_long_inbox(d, Screen::Desktop).await;
}

async fn a_clerk_works_through_a_long_inbox_on_a_phone(d: Desk) {
    a_clerk_works_through_a_long_inbox(d, Screen::Phone).await;
}

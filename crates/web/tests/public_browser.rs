//! The public feedback pages in a real headless Chromium on a phone-sized screen (WeChat's
//! user agent): sending feedback, following it, the board. None of it needs JavaScript:
//! the pages carry no scripts, except a form with mistakes, whose small script only moves
//! focus to the list of them.

mod common;
mod public_kit;

use public_kit::Public;
use services::feedback::StaffAction;
use testkit::{Browser, Screen};

testkit::in_a_browser! {
    feedback_is_sent_and_followed_on_a_phone(Public),
    a_phone_is_offered_a_similar_item_and_can_still_send_its_own(Public),
    the_board_fits_a_phone_and_is_reachable_from_the_keyboard(Public),
    a_form_sent_again_after_going_back_makes_one_item_and_shows_its_receipt(Public),
    a_form_with_two_mistakes_names_both_fields_as_links_and_takes_the_focus(Public),
    signing_in_from_the_form_comes_back_to_the_form_number_first_then_code(Public),
    an_elderly_person_who_kept_no_link_gets_their_feedback_back_with_their_number(Public),
}

async fn feedback_is_sent_and_followed_on_a_phone(p: Public) {
    let Some(b) = Browser::start(Screen::Phone).await else {
        return;
    };
    b.goto(&p.at("/")).await;
    b.click("main a[href='/feedback/new']").await;
    assert!(
        b.url().await.ends_with("/feedback/new"),
        "{}",
        b.url().await
    );
    assert!(
        !b.source().await.contains("<script"),
        "no JavaScript needed"
    );
    assert!(
        !b.horizontal_overflow().await,
        "the form scrolls sideways on a phone"
    );
    for label in [
        "label[for='f-text']",
        "label[for='f-kind-suggestion']",
        "label[for='f-unit']",
        "label[for='f-photos']",
        "legend",
    ] {
        assert!(b.exists(label).await, "{label}");
    }
    b.click("#f-kind-suggestion").await;
    b.fill("#f-text", "希望东街农家书屋周末晚上也开放").await;
    b.select("#f-unit", &p.point.to_string()).await;
    b.fill("#f-mobile", "139 0731 2233").await;
    b.submit_form("#feedback-form").await;

    let tracking_no = b.text("#tracking-no").await;
    assert!(tracking_no.starts_with("CD-2026-"), "{tracking_no}");
    assert!(b.text("main").await.contains("请保存下面的专属链接"));
    assert!(
        !b.horizontal_overflow().await,
        "the long private link wraps"
    );
    b.click("a.tracking-link").await;
    assert!(
        b.url().await.contains(&format!("/t/{tracking_no}/")),
        "{}",
        b.url().await
    );
    assert_eq!(b.text("#item-status").await, "待受理");
    assert_eq!(b.text("#item-text").await, "希望东街农家书屋周末晚上也开放");
    assert!(!b.horizontal_overflow().await);

    // Staff answer; the submitter rates the answer from the same page.
    let id = p.id_of(&tracking_no).await;
    p.act(
        id,
        StaffAction::Answer {
            text: "自下月起周六晚开放至 21:00。".into(),
            adopted: true,
        },
    )
    .await;
    b.goto(&b.url().await).await;
    assert_eq!(
        b.text("#official-answer").await,
        "自下月起周六晚开放至 21:00。"
    );
    b.click("#f-rating-satisfied").await;
    b.submit_form("form[action$='/rate']").await;
    assert_eq!(b.text(".notice").await, "已收到您的评价，谢谢！");
    assert_eq!(b.text("#item-status").await, "已办结");
}

async fn a_phone_is_offered_a_similar_item_and_can_still_send_its_own(p: Public) {
    let Some(b) = Browser::start(Screen::Phone).await else {
        return;
    };
    let earlier = p
        .submit(
            "东街农家书屋周末能不能延长开放时间到晚上八点",
            "request",
            None,
        )
        .await;
    b.goto(&p.at("/feedback/new")).await;
    b.click("#f-kind-request").await;
    b.fill(
        "#f-text",
        "希望东街农家书屋周末延长开放时间到晚上八点，谢谢",
    )
    .await;
    b.fill("#f-contact_name", "王女士").await;
    b.submit_form("#feedback-form").await;

    assert_eq!(b.text("#similar-title").await, "其他人也提过类似的问题");
    assert_eq!(
        b.texts("#similar li h3").await,
        [earlier.tracking_no.as_str()]
    );
    assert!(
        b.exists(&format!(
            "#similar a[href='/me/login?next=/board/{}']",
            earlier.tracking_no
        ))
        .await,
        "'me too' after signing in"
    );
    assert!(
        !b.horizontal_overflow().await,
        "the similar items fit a phone"
    );
    let b = &b;
    let value = async |css: &str| {
        b.client()
            .find(fantoccini::Locator::Css(css))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    };
    assert_eq!(
        value("#f-text").await,
        "希望东街农家书屋周末延长开放时间到晚上八点，谢谢",
        "what was typed is kept"
    );
    assert_eq!(value("#f-contact_name").await, "王女士");
    assert!(
        b.tab_to("#send-anyway", 10).await,
        "“send mine anyway” is reached from the keyboard"
    );
    b.click("#send-anyway").await;

    let tracking_no = b.text("#tracking-no").await;
    assert!(
        tracking_no.starts_with("CD-2026-") && tracking_no != earlier.tracking_no,
        "{tracking_no}"
    );
    let board = p
        .app
        .services
        .feedback()
        .board(&p.institution, &services::feedback::BoardQuery::default())
        .await
        .unwrap();
    assert_eq!(board.items.len(), 2, "one more item, not two");
}

async fn the_board_fits_a_phone_and_is_reachable_from_the_keyboard(p: Public) {
    let Some(b) = Browser::start(Screen::Phone).await else {
        return;
    };
    let mut last = String::new();
    for i in 0..3 {
        let sent = p
            .submit(
                &format!("第{i}条：希望文化站增加周末活动，电话13907312233"),
                "suggestion",
                None,
            )
            .await;
        last = sent.tracking_no;
    }
    b.goto(&p.at("/board")).await;
    assert!(
        !b.horizontal_overflow().await,
        "the board scrolls sideways on a phone"
    );
    // The figures are cards, not a wide table to swipe: nothing in them scrolls, every
    // figure has its heading beside it, and "under 10" is said once.
    let wrap_scrolls = b.client().execute("const w = document.querySelector('.figures-wrap'); return w.scrollWidth > w.clientWidth;", vec![]).await.unwrap();
    assert_eq!(
        wrap_scrolls,
        serde_json::Value::Bool(false),
        "the figures scroll sideways"
    );
    let header_shown = b.client().execute("return document.querySelector('table.figures thead').getBoundingClientRect().height > 2;", vec![]).await.unwrap();
    assert_eq!(
        header_shown,
        serde_json::Value::Bool(false),
        "a card per station, not a header row"
    );
    let label = b.client().execute("return getComputedStyle(document.querySelector('table.figures td'), '::before').content;", vec![]).await.unwrap();
    assert_eq!(label, serde_json::Value::String("\"收到\"".into()));
    assert!(
        b.text("#figures-explain")
            .await
            .contains("不足 10 件时只列件数")
    );
    assert_eq!(
        b.text("main").await.matches("不足 10 件").count(),
        1,
        "said once, not in every cell"
    );
    assert!(
        b.text("table.figures").await.contains("0/3 件"),
        "counts, not a rate"
    );
    assert!(!b.text("main").await.contains("13907312233"), "masked");
    assert!(
        b.tab_to("#f-kind", 15).await,
        "the filters can be reached with Tab"
    );
    assert!(
        b.tab_to(&format!("a[href='/board/{last}']"), 15).await,
        "so can the items"
    );
    b.select("#f-sort", "supported").await;
    b.submit_form("form.filters").await;
    assert!(
        b.url().await.contains("sort=supported"),
        "{}",
        b.url().await
    );
    b.click(&format!("a[href='/board/{last}']")).await;
    assert_eq!(b.text("h1").await, last);
    assert!(!b.horizontal_overflow().await);
    assert!(
        b.exists(&format!("a[href='/me/login?next=/board/{last}']"))
            .await,
        "asked to sign in for 'me too'"
    );
}

async fn a_form_sent_again_after_going_back_makes_one_item_and_shows_its_receipt(p: Public) {
    let Some(b) = Browser::start(Screen::Phone).await else {
        return;
    };
    let fill = async || {
        b.click("#f-kind-request").await;
        b.fill("#f-text", "东街农家书屋的空调坏了，夏天看书太热")
            .await;
    };
    b.goto(&p.at("/feedback/new")).await;
    fill().await;
    b.submit_form("#feedback-form").await;
    let url = b.url().await;
    assert!(
        url.ends_with("/feedback/sent"),
        "a receipt of its own: {url}"
    );
    assert!(
        !url.contains("_csrf") && !url.contains('?'),
        "nothing secret in the address: {url}"
    );
    let tracking_no = b.text("#tracking-no").await;

    // Back to the form, and send it again: the same item's receipt, no second item.
    b.client().back().await.unwrap();
    assert!(
        b.url().await.ends_with("/feedback/new"),
        "{}",
        b.url().await
    );
    fill().await;
    b.submit_form("#feedback-form").await;
    assert!(b.url().await.ends_with("/feedback/sent"));
    assert_eq!(b.text("#tracking-no").await, tracking_no);
    // A reload of the receipt sends nothing.
    b.goto(&b.url().await).await;
    assert_eq!(b.text("#tracking-no").await, tracking_no);
    let board = p
        .app
        .services
        .feedback()
        .board(&p.institution, &services::feedback::BoardQuery::default())
        .await
        .unwrap();
    assert_eq!(board.items.len(), 1, "one item");
    assert!(
        b.exists("a[href='/me/recover']").await,
        "the way back to a lost link"
    );
}

async fn a_form_with_two_mistakes_names_both_fields_as_links_and_takes_the_focus(p: Public) {
    let Some(b) = Browser::start(Screen::Phone).await else {
        return;
    };
    b.goto(&p.at("/feedback/new")).await;
    b.click("#f-kind-suggestion").await;
    b.fill("#f-text", "希望增加周末书法班").await;
    b.fill("#f-mobile", "12345").await;
    b.click("#f-public_as-nickname").await;
    b.submit_form("#feedback-form").await;

    let links = b.texts(".error-summary li a").await;
    assert_eq!(links.len(), 2, "{links:?}");
    assert!(links[0].starts_with("手机号码："), "{links:?}");
    assert!(links[1].starts_with("昵称："), "{links:?}");
    assert!(
        b.exists(".error-summary a[href='#f-mobile']").await
            && b.exists(".error-summary a[href='#f-display_name']").await
    );
    assert!(
        b.exists(".error-summary[role='alert'][tabindex='-1']")
            .await
    );
    let focused = b
        .client()
        .execute(
            "return document.activeElement.classList.contains('error-summary');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        focused,
        serde_json::Value::Bool(true),
        "focus moves to the list of mistakes"
    );
    b.click(".error-summary a[href='#f-display_name']").await;
    let focused = b
        .client()
        .execute("return document.activeElement.id;", vec![])
        .await
        .unwrap();
    assert_eq!(focused, serde_json::Value::String("f-display_name".into()));
    assert!(!b.horizontal_overflow().await);
    assert!(!b.url().await.contains("_csrf"));
}

async fn signing_in_from_the_form_comes_back_to_the_form_number_first_then_code(p: Public) {
    let Some(b) = Browser::start(Screen::Phone).await else {
        return;
    };
    b.goto(&p.at("/feedback/new")).await;
    b.click("nav a[href^='/me/login']").await;
    assert!(
        b.url().await.contains("next=%2Ffeedback%2Fnew"),
        "{}",
        b.url().await
    );
    b.fill("#f-mobile", "139 0731 0077").await;
    b.submit_form("#send-code-form").await;
    let order = b.client().execute("return document.getElementById('f-mobile').compareDocumentPosition(document.getElementById('f-code')) & Node.DOCUMENT_POSITION_FOLLOWING;", vec![]).await.unwrap();
    assert_ne!(
        order,
        serde_json::json!(0),
        "the code box comes after the number"
    );
    let code = p.code_for("13907310077").await;
    b.fill("#f-code", &code).await;
    b.submit_form("#verify-form").await;
    assert!(
        b.url().await.ends_with("/feedback/new"),
        "back on the form: {}",
        b.url().await
    );
    assert!(b.exists("#contact-verified").await, "signed in");
}

async fn an_elderly_person_who_kept_no_link_gets_their_feedback_back_with_their_number(p: Public) {
    let Some(b) = Browser::start(Screen::Phone).await else {
        return;
    };
    // Sent without signing in, with a number; the receipt was closed and not kept.
    b.goto(&p.at("/feedback/new")).await;
    b.click("#f-kind-request").await;
    b.fill("#f-text", "希望城关镇文化站多办几场戏曲演出").await;
    b.fill("#f-mobile", "139 0731 0077").await;
    b.submit_form("#feedback-form").await;
    let tracking_no = b.text("#tracking-no").await;
    let link = b.text("a.tracking-link").await;
    b.client().delete_all_cookies().await.unwrap();

    b.goto(&p.at("/me/login")).await;
    b.click("main a[href='/me/recover']").await;
    assert_eq!(b.text("h1").await, "找回我的反馈");
    b.fill("#f-mobile", "13907310077").await;
    b.submit_form("#send-code-form").await;
    let code = p.code_for("13907310077").await;
    b.fill("#f-code", &code).await;
    b.submit_form("#verify-form").await;

    assert!(b.url().await.contains("/me"), "{}", b.url().await);
    assert_eq!(
        b.texts("main ol.items h3").await,
        [tracking_no.as_str()],
        "listed under /me"
    );
    assert!(
        b.text("main")
            .await
            .contains("查询链接也已用短信发到 139****0077")
    );
    p.app.run_worker().await;
    let texted = p.app.sms.requests().into_iter().rev().find_map(|r| {
        let sms = r.json?;
        let content = sms["content"].as_str()?.to_owned();
        content.contains("查询链接").then_some(content)
    });
    assert!(
        texted.as_deref().is_some_and(|t| t.contains(&link)),
        "{texted:?} has {link}"
    );
    b.click(&format!("main a[href*='/t/{tracking_no}/']")).await;
    assert_eq!(
        b.text("#item-text").await,
        "希望城关镇文化站多办几场戏曲演出"
    );
}

//! The public feedback pages in a real headless Chromium on a phone-sized screen (WeChat's
//! user agent): sending feedback, following it, the board. None of it needs JavaScript:
//! the pages carry no scripts at all.

mod common;
mod public_kit;

use public_kit::Public;
use services::feedback::StaffAction;
use testkit::{Browser, Screen};

testkit::on_both_engines! {
    async fn feedback_is_sent_and_followed_on_a_phone(p: Public) {
        let Some(b) = Browser::start(Screen::Phone).await else { return };
        b.goto(&p.at("/")).await;
        b.click("main a[href='/feedback/new']").await;
        assert!(b.url().await.ends_with("/feedback/new"), "{}", b.url().await);
        assert!(!b.source().await.contains("<script"), "no JavaScript needed");
        assert!(!b.horizontal_overflow().await, "the form scrolls sideways on a phone");
        for label in ["label[for='f-text']", "label[for='f-kind-suggestion']", "label[for='f-unit']", "label[for='f-photos']", "legend"] {
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
        assert!(!b.horizontal_overflow().await, "the long private link wraps");
        b.click("a.tracking-link").await;
        assert!(b.url().await.contains(&format!("/t/{tracking_no}/")), "{}", b.url().await);
        assert_eq!(b.text("#item-status").await, "待受理");
        assert_eq!(b.text("#item-text").await, "希望东街农家书屋周末晚上也开放");
        assert!(!b.horizontal_overflow().await);

        // Staff answer; the submitter rates the answer from the same page.
        let id = p.id_of(&tracking_no).await;
        p.act(id, StaffAction::Answer { text: "自下月起周六晚开放至 21:00。".into(), adopted: true }).await;
        b.goto(&b.url().await).await;
        assert_eq!(b.text("#official-answer").await, "自下月起周六晚开放至 21:00。");
        b.click("#f-rating-satisfied").await;
        b.submit_form("form[action$='/rate']").await;
        assert_eq!(b.text(".notice").await, "已收到您的评价，谢谢！");
        assert_eq!(b.text("#item-status").await, "已办结");
    }

    async fn a_phone_is_offered_a_similar_item_and_can_still_send_its_own(p: Public) {
        let Some(b) = Browser::start(Screen::Phone).await else { return };
        let earlier = p.submit("东街农家书屋周末能不能延长开放时间到晚上八点", "request", None).await;
        b.goto(&p.at("/feedback/new")).await;
        b.click("#f-kind-request").await;
        b.fill("#f-text", "希望东街农家书屋周末延长开放时间到晚上八点，谢谢").await;
        b.fill("#f-contact_name", "王女士").await;
        b.submit_form("#feedback-form").await;

        assert_eq!(b.text("#similar-title").await, "其他人也提过类似的问题");
        assert_eq!(b.texts("#similar li h3").await, [earlier.tracking_no.as_str()]);
        assert!(b.exists(&format!("#similar a[href='/me/login?next=/board/{}']", earlier.tracking_no)).await, "'me too' after signing in");
        assert!(!b.horizontal_overflow().await, "the similar items fit a phone");
        let b = &b;
        let value = async |css: &str| b.client().find(fantoccini::Locator::Css(css)).await.unwrap().prop("value").await.unwrap().unwrap_or_default();
        assert_eq!(value("#f-text").await, "希望东街农家书屋周末延长开放时间到晚上八点，谢谢", "what was typed is kept");
        assert_eq!(value("#f-contact_name").await, "王女士");
        assert!(b.tab_to("#send-anyway", 10).await, "“send mine anyway” is reached from the keyboard");
        b.click("#send-anyway").await;

        let tracking_no = b.text("#tracking-no").await;
        assert!(tracking_no.starts_with("CD-2026-") && tracking_no != earlier.tracking_no, "{tracking_no}");
        let board = p.app.services.board(&p.institution, &services::feedback::BoardQuery::default()).await.unwrap();
        assert_eq!(board.items.len(), 2, "one more item, not two");
    }

    async fn the_board_fits_a_phone_and_is_reachable_from_the_keyboard(p: Public) {
        let Some(b) = Browser::start(Screen::Phone).await else { return };
        let mut last = String::new();
        for i in 0..3 {
            let sent = p.submit(&format!("第{i}条：希望文化站增加周末活动，电话13907312233"), "suggestion", None).await;
            last = sent.tracking_no;
        }
        b.goto(&p.at("/board")).await;
        assert!(!b.horizontal_overflow().await, "the board scrolls sideways on a phone");
        assert!(b.text("table.figures").await.contains("不足 10 件，不计算比率"));
        assert!(!b.text("main").await.contains("13907312233"), "masked");
        assert!(b.tab_to("#f-kind", 15).await, "the filters can be reached with Tab");
        assert!(b.tab_to(&format!("a[href='/board/{last}']"), 15).await, "so can the items");
        b.select("#f-sort", "supported").await;
        b.submit_form("form.filters").await;
        assert!(b.url().await.contains("sort=supported"), "{}", b.url().await);
        b.click(&format!("a[href='/board/{last}']")).await;
        assert_eq!(b.text("h1").await, last);
        assert!(!b.horizontal_overflow().await);
        assert!(b.exists(&format!("a[href='/me/login?next=/board/{last}']")).await, "asked to sign in for 'me too'");
    }
}

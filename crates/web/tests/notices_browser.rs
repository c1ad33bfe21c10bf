//! A notice from draft to "已知悉" in real headless Chromium, without relying on JavaScript:
//! the author, the reviewer and a recipient each in a browser session of their own, two of
//! them on a phone.

mod common;
mod notices_kit;

use domain::notice::AudienceRule;
use notices_kit::{PASSWORD, Staffroom};
use services::notices::{NoticeDraft, ReviewDecision};
use testkit::{Browser, Screen};

const TITLE: &str = "关于周六非遗展演值班安排的通知";

async fn sign_in(b: &Browser, r: &Staffroom, username: &str) {
    b.sign_in_staff(&r.app.url, username, PASSWORD).await;
}

testkit::in_a_browser! {
    an_author_a_reviewer_and_a_recipient_in_separate_browsers(Staffroom),
    the_hall_screen_fits_a_phone_and_shows_lists_as_lists(Staffroom),
}

async fn an_author_a_reviewer_and_a_recipient_in_separate_browsers(r: Staffroom) {
    // The author writes on a phone.
    let Some(author) = Browser::start(Screen::Phone).await else {
        return;
    };
    sign_in(&author, &r, "wang.fang").await;
    author.goto(&r.app.at("/console/notices")).await;
    author.click("a[href='/console/notices/new']").await;
    assert_eq!(author.text("main h1").await, "写通知");
    assert!(
        author.exists("fieldset#audience legend").await,
        "the audience has a legend"
    );
    author.fill("#f-title", TITLE).await;
    author
        .fill(
            "#f-body",
            "各位同事：\n周六上午非遗展演，请按下列安排值班。\n\n- 8:30 到岗\n- 佩戴工作证",
        )
        .await;
    author.click("#f-priority-important").await;
    author.click("#f-requires_ack").await;
    author.click("#audience-departments summary").await;
    author
        .click(&format!("#f-audience_department-{}", r.activity))
        .await;
    assert!(
        !author.horizontal_overflow().await,
        "the form scrolls sideways on a phone"
    );
    author.keep_screenshot("notices-form-phone").await;
    author.submit_form("#notice-form").await;
    let url = author.url().await;
    assert!(url.contains("?done=created"), "{url}");
    assert!(author.text(".notice").await.starts_with("草稿已保存"));
    let id: i64 = url
        .rsplit("/console/notices/")
        .next()
        .and_then(|rest| rest.split('?').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no notice id in {url}"));
    let notice_path = format!("/console/notices/{id}");
    assert_eq!(
        author.texts(".notice-body li").await,
        ["8:30 到岗", "佩戴工作证"]
    );
    assert!(
        !author.exists("#form-review").await,
        "the author cannot review their own notice"
    );
    author.submit_form("#form-submit").await;
    assert_eq!(author.text(".notice").await, "已送审，审核人会收到提醒");

    // The head of 活动部 reviews it in a browser of his own.
    let Some(reviewer) = Browser::start(Screen::Desktop).await else {
        return;
    };
    sign_in(&reviewer, &r, "chen.hao").await;
    reviewer
        .goto(&r.app.at("/console/notices?tab=review"))
        .await;
    assert!(
        reviewer
            .text("nav.tabs a[aria-current='page']")
            .await
            .starts_with("待我审核")
    );
    reviewer
        .click(&format!("main a[href='{notice_path}']"))
        .await;
    assert_eq!(reviewer.text("main h1").await, TITLE);
    assert!(
        reviewer.exists("#form-review").await,
        "the reviewer sees 审核"
    );
    // …and who it is for, in words, before deciding.
    let audience = reviewer.text("#audience").await;
    assert!(
        audience.contains("· 活动部")
            && audience.contains("将发给 2 人")
            && audience.contains("赵丽（"),
        "{audience}"
    );
    reviewer.fill("#review-comment", "同意，请按时到岗").await;
    reviewer.click("#form-review button[value='approve']").await;
    assert_eq!(reviewer.text(".notice").await, "已审核通过");
    assert!(reviewer.text(".badges").await.contains("已发布"));
    reviewer.keep_screenshot("notices-reviewed-desktop").await;

    // 赵丽 finds it waiting in her list on her phone, opens it and acknowledges it.
    let Some(recipient) = Browser::start(Screen::Phone).await else {
        return;
    };
    sign_in(&recipient, &r, "zhao.li").await;
    recipient.goto(&r.app.at("/console/notices")).await;
    let waiting = recipient
        .texts("section[aria-labelledby='pending-title'] h3 a")
        .await;
    assert_eq!(waiting, [TITLE]);
    assert!(
        !recipient.horizontal_overflow().await,
        "the list scrolls sideways on a phone"
    );
    recipient
        .click(&format!(
            "section[aria-labelledby='pending-title'] a[href='{notice_path}']"
        ))
        .await;
    assert!(recipient.text(".own-receipt").await.contains("已读"));
    assert!(!recipient.exists("#form-review").await && !recipient.exists("#form-remind").await);
    assert!(
        !recipient.exists("#audience").await,
        "a recipient does not see who else got it"
    );
    assert!(
        !recipient.horizontal_overflow().await,
        "the notice scrolls sideways on a phone"
    );
    recipient.keep_screenshot("notices-notice-phone").await;
    recipient.submit_form("#form-acknowledge").await;
    assert_eq!(recipient.text(".notice").await, "已确认知悉，谢谢");
    assert!(recipient.text(".own-receipt").await.contains("已知悉"));
    assert!(!recipient.exists("#form-acknowledge").await);
    recipient.goto(&r.app.at("/console/notices")).await;
    assert!(
        !recipient.exists("#pending-title").await,
        "nothing waits for her any more"
    );

    // Back on the author's phone: published, read by both, acknowledged by one.
    author.goto(&r.app.at(&notice_path)).await;
    assert!(author.text(".badges").await.contains("已发布"));
    assert_eq!(
        author.text("dd.reading").await,
        "2 人中 2 人已读，1 人已确认知悉"
    );
    let timeline = author.texts(".item-timeline li").await.join("\n");
    assert!(
        timeline.contains("审核通过")
            && timeline.contains("陈浩")
            && timeline.contains("同意，请按时到岗"),
        "{timeline}"
    );
    assert!(
        author
            .exists(&format!("a[href='{notice_path}/receipts']"))
            .await
    );
}

async fn the_hall_screen_fits_a_phone_and_shows_lists_as_lists(r: Staffroom) {
    let draft = NoticeDraft {
            title: "文化馆冬季开放时间调整：周二至周日开放，周一闭馆".into(),
            body: "自下周一起，冬季开放时间调整如下：\n\n- 周二至周日 9:00—17:00\n- 周一闭馆（法定节假日除外）\n\n请来访群众相互转告。".into(),
            category: "announcement".into(),
            priority: "important".into(),
            audience: vec![AudienceRule::Unit { unit: r.root }],
            on_hall_screen: true,
            ..Default::default()
        };
    let id = r
        .s()
        .notices()
        .create_notice(&r.wang, &draft, None)
        .await
        .unwrap();
    r.s().notices().submit_notice(&r.wang, id).await.unwrap();
    r.s()
        .notices()
        .review_notice(&r.head, id, ReviewDecision::Approve, None, None)
        .await
        .unwrap();

    for screen in [Screen::Phone, Screen::Desktop] {
        let name = if matches!(screen, Screen::Phone) {
            "hall-phone"
        } else {
            "hall-desktop"
        };
        let Some(b) = Browser::start(screen).await else {
            return;
        };
        b.goto(&r.app.at("/board/notices")).await;
        assert!(
            b.text(".hall-notice h2")
                .await
                .starts_with("文化馆冬季开放时间调整")
        );
        assert!(
            !b.horizontal_overflow().await,
            "the hall screen scrolls sideways"
        );
        assert_eq!(
            b.texts(".hall-notice .hall-body li").await,
            ["周二至周日 9:00—17:00", "周一闭馆（法定节假日除外）"],
            "lines starting with \"- \" are a list"
        );
        assert!(
            !b.text(".hall-notice .hall-body").await.contains("- 周"),
            "no list markers as text"
        );
        b.keep_screenshot(&format!("notices-{name}")).await;
    }
}

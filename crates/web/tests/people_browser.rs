//! The people picker in real headless Chromium: on the notice form an author types a
//! station's name to find its people, ticks two of them without holding Ctrl, and the
//! notice goes to exactly those two.

mod common;
mod notices_kit;

use notices_kit::{PASSWORD, Staffroom};
use testkit::scenario::person;
use testkit::{Browser, Screen};

async fn sign_in(b: &Browser, r: &Staffroom, username: &str) {
    b.sign_in_staff(&r.app.url, username, PASSWORD).await;
}

/// The labels of the people the audience picker shows now, in order.
async fn people_shown(b: &Browser) -> Vec<String> {
    let shown = b
        .client()
        .execute(
            "return [...document.querySelectorAll('#f-audience_person [data-people-item]')]
                .filter(e => e.offsetParent !== null)
                .map(e => e.getAttribute('data-people-label'))",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(shown).unwrap()
}

testkit::in_a_browser! {
    an_author_finds_a_stations_people_by_typing_and_ticks_two(Staffroom),
}

async fn an_author_finds_a_stations_people_by_typing_and_ticks_two(r: Staffroom) {
    // 城关镇文化站 has a second person, 冯军, beside its clerk 唐莉.
    let org = r.app.org().await;
    let (feng, _) = org
        .create(person("feng.jun", "冯军", "office_clerk", r.station))
        .await;

    let Some(b) = Browser::start(Screen::Desktop).await else {
        return;
    };
    sign_in(&b, &r, "wang.fang").await;
    b.goto(&r.app.at("/console/notices/new")).await;
    let everyone = people_shown(&b).await;
    assert!(
        everyone.contains(&"文化馆 · 活动部 · 赵丽".to_owned()),
        "{everyone:?}"
    );
    assert!(everyone.len() > 2, "{everyone:?}");
    // The people are grouped under their units: the centre first.
    let units = b.texts("#f-audience_person fieldset legend").await;
    assert_eq!(units.len(), 2, "{units:?}");
    assert!(units[1] == "城关镇文化站", "{units:?}");

    b.fill("#f-audience_person-filter", "城关镇").await;
    assert_eq!(
        people_shown(&b).await,
        ["城关镇文化站 · 冯军", "城关镇文化站 · 唐莉"],
        "only the station's people are left in sight"
    );
    // Ticked one after the other, as on a phone: no Ctrl.
    b.click(&format!("#f-audience_person-{feng}")).await;
    b.click(&format!("#f-audience_person-{}", r.tang.actor.user_id.0))
        .await;
    // Clearing the box shows everyone again, the two still ticked.
    b.fill("#f-audience_person-filter", "").await;
    assert_eq!(people_shown(&b).await.len(), everyone.len());

    b.fill("#f-title", "请两位文化站同事周五来馆领取宣传册")
        .await;
    b.fill("#f-body", "宣传册已到，请周五上午来办公室领取。")
        .await;
    b.click("#f-priority-routine").await;
    b.submit_form("#notice-form").await;
    let url = b.url().await;
    assert!(url.contains("?done=created"), "{url}");
    let id: i64 = url
        .rsplit("/console/notices/")
        .next()
        .and_then(|rest| rest.split('?').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no notice id in {url}"));
    let audience = r.s().notices().notice_audience(&r.wang, id).await.unwrap();
    let mut names: Vec<&str> = audience.people.iter().map(|p| p.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["冯军", "唐莉"]);
}

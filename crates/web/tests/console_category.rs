//! One rule for an item's category across the pages, on both engines: staff see the
//! system's guess as a guess, with its confidence; the public sees a category only once
//! it is confirmed — here by the clerk choosing it while assigning or answering — and the
//! triage queue holds the item until then.

mod common;
mod desk;

use desk::Desk;

/// What the tracking page says under "分类".
fn public_category(page: &str) -> String {
    let marker = "<dt>分类</dt><dd>";
    let start = page
        .find(marker)
        .expect("the category on the tracking page")
        + marker.len();
    page[start..].split('<').next().unwrap().to_owned()
}

testkit::on_both_engines! {
    a_category_chosen_while_assigning_or_answering_is_confirmed_for_the_public(Desk),
    publishing_confident_guesses_is_a_setting_off_by_default(Desk),
}

async fn a_category_chosen_while_assigning_or_answering_is_confirmed_for_the_public(d: Desk) {
    let assigned = d
        .submit("希望城关镇文化站周末开放书法班，孩子们很想学", "request")
        .await;
    let answered = d.submit("请问非遗展厅周一是否开放", "inquiry").await;
    let public = reqwest::Client::new();
    let tracking = |path: String| {
        let public = public.clone();
        let url = d.app.at(&path);
        async move { public.get(url).send().await.unwrap().text().await.unwrap() }
    };
    assert_eq!(
        public_category(&tracking(assigned.tracking_path.clone()).await),
        "未分类"
    );

    let clerk = d.signed_in("li.jing").await;
    // Staff see the guess, as a guess with its confidence, on the item and in the inbox.
    let (_, item) = d
        .page(&clerk, &format!("/console/feedback/{}", assigned.id))
        .await;
    assert!(
        item.contains("系统猜测：") && item.contains("%，未确认"),
        "the guess on the item page"
    );
    let (_, triage) = d.page(&clerk, "/console/feedback?queue=triage").await;
    assert!(triage.contains(&assigned.tracking_no) && triage.contains(&answered.tracking_no));
    assert!(
        triage.contains("class=\"guess\"") && triage.contains("猜测"),
        "the guess in the inbox's column"
    );

    // The clerk assigns it and chooses its category on the same form.
    let activity = d.activity.to_string();
    d.act_ok(
        &clerk,
        assigned.id,
        &[
            ("action", "assign"),
            ("department", &activity),
            ("category", "heritage"),
        ],
    )
    .await;
    assert_eq!(
        public_category(&tracking(assigned.tracking_path.clone()).await),
        "非遗"
    );
    // …and answers the other, choosing its category there.
    d.act_ok(
        &clerk,
        answered.id,
        &[
            ("action", "answer"),
            ("text", "非遗展厅周一闭馆，周二至周日开放。"),
            ("category", "heritage"),
        ],
    )
    .await;
    assert_eq!(
        public_category(&tracking(answered.tracking_path.clone()).await),
        "非遗"
    );
    let (_, triage) = d.page(&clerk, "/console/feedback?queue=triage").await;
    assert!(
        !triage.contains(&assigned.tracking_no) && !triage.contains(&answered.tracking_no),
        "out of triage"
    );
}

async fn publishing_confident_guesses_is_a_setting_off_by_default(d: Desk) {
    let admin = d.signed_in("admin").await;
    let (status, page) = d.page(&admin, "/console/settings/feedback").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("name=\"publish_confident_guesses\" value=\"on\">"),
        "there, and not ticked"
    );
}

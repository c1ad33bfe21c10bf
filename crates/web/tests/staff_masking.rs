//! Personal data for staff who may not see it (the third-party evaluator), over HTTP, on
//! both engines: every text of an item is masked for them, on the page and in the API, and
//! excerpts are masked before they are cut, for everyone.

mod common;
mod desk;
mod public_kit;

use desk::Desk;
use public_kit::{LATITUDE, contains, jpeg_with_gps};
use serde_json::Value;
use services::feedback::{PhotoUpload, StaffAction};

/// The submitter's reply: a name in context, a mobile number, a resident id.
const REPLY: &str = "我叫陈美玲，手机18612345678，身份证号110101199003074514，周六上午有空。";
const NOTE: &str =
    "已电话联系陈美玲女士，手机18612345678，身份证号110101199003074514，请她周六上午来报名。";
const PERSONAL: [&str; 3] = ["陈美玲", "18612345678", "110101199003074514"];

/// Every run of seven consecutive digits of `number`.
fn digit_runs(number: &str) -> Vec<&str> {
    (0..=number.len() - 7).map(|i| &number[i..i + 7]).collect()
}

#[track_caller]
fn assert_no_run_of(number: &str, shown: &str, place: &str) {
    for run in digit_runs(number) {
        assert!(
            !shown.contains(run),
            "{place} shows {run} of {number}: {shown}"
        );
    }
}

testkit::on_both_engines! {
    the_evaluator_sees_replies_and_notes_masked_and_the_clerk_sees_them_whole(Desk),
    excerpts_mask_a_number_the_cut_goes_through(Desk),
}

async fn the_evaluator_sees_replies_and_notes_masked_and_the_clerk_sees_them_whole(d: Desk) {
    let sent = d
        .submit("想报名周末的书法班，请问还有名额吗？", "inquiry")
        .await;
    let ask = StaffAction::AskSubmitter {
        question: "请留下方便联系的时间。".into(),
    };
    d.s()
        .feedback()
        .act_on_feedback(&d.clerk, sent.id, None, ask)
        .await
        .unwrap();
    let (no, secret) = (
        &sent.tracking_no,
        d.s()
            .feedback()
            .tracking_secret(d.institution.id, &sent.tracking_no),
    );
    d.s()
        .feedback()
        .submitter_reply(&d.institution, no, &secret, REPLY)
        .await
        .unwrap();
    d.s()
        .feedback()
        .add_internal_note(&d.clerk, sent.id, NOTE)
        .await
        .unwrap();

    let path = format!("/console/feedback/{}", sent.id);
    let api = reqwest::Client::new();
    let item_url = d.app.at(&format!("/api/v1/feedback/items/{}", sent.id));
    let read_api = |token: String| {
        let (api, item_url) = (api.clone(), item_url.clone());
        async move {
            api.get(&item_url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };

    let evaluator = d.signed_in("eval.gao").await;
    let (status, page) = d.page(&evaluator, &path).await;
    assert_eq!(status, 200);
    let token = d.app.api_token("eval.gao", desk::PASSWORD).await;
    let json = read_api(token).await;
    let detail: Value = serde_json::from_str(&json).unwrap();
    for (place, shown) in [("the page", &page), ("the API", &json)] {
        for personal in PERSONAL {
            assert!(
                !shown.contains(personal),
                "{place} shows {personal} to the evaluator: {shown}"
            );
        }
        assert!(
            shown.contains("186****5678") && shown.contains("1101**********4514"),
            "{place}: {shown}"
        );
        assert!(
            shown.contains("周六上午有空"),
            "the rest of the reply stays readable: {shown}"
        );
    }
    let timeline = detail["timeline"].as_array().unwrap();
    let body = |kind: &str| {
        timeline.iter().find(|e| e["kind"] == kind).unwrap()["body"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(
        body("submitter_replied").starts_with("我叫陈**"),
        "{}",
        body("submitter_replied")
    );
    assert!(
        body("note").starts_with("已电话联系陈**女士"),
        "{}",
        body("note")
    );

    // The clerk handling it reads every word.
    let clerk = d.signed_in("li.jing").await;
    let (_, page) = d.page(&clerk, &path).await;
    let token = d.app.api_token("li.jing", desk::PASSWORD).await;
    let json = read_api(token).await;
    for (place, shown) in [("the page", &page), ("the API", &json)] {
        for personal in PERSONAL {
            assert!(
                shown.contains(personal),
                "{place} hides {personal} from the clerk"
            );
        }
    }
}

async fn excerpts_mask_a_number_the_cut_goes_through(d: Desk) {
    let complaint =
        "城关镇文化站广场舞的音响声音太大了，晚上十点以后还在放，影响附近居民休息，希望管理一下。";
    // 63 characters, then an id of which a cut after 80 keeps 17 of 18 digits…
    let id_lead = format!("{complaint}周末早上七点也放，受不了。我的身份证号");
    // …and 70, then a mobile of which it keeps 10 of 11.
    let mobile_lead = format!("{complaint}周末早上七点也开始放，老人孩子都受不了。我的手机号码");
    assert_eq!(
        (id_lead.chars().count(), mobile_lead.chars().count()),
        (63, 70)
    );
    let id = "110101199003074514";
    let mobile = "18612345678";
    let with_id = d
        .submit(&format!("{id_lead}{id}，谢谢。"), "complaint")
        .await;
    let with_mobile = d
        .submit(&format!("{mobile_lead}{mobile}，谢谢。"), "complaint")
        .await;

    let clerk = d.signed_in("li.jing").await;
    let (_, inbox) = d.page(&clerk, "/console/feedback").await;
    assert!(inbox.contains(&with_id.tracking_no) && inbox.contains(&with_mobile.tracking_no));
    let token = d.app.api_token("li.jing", desk::PASSWORD).await;
    let api: Value = reqwest::Client::new()
        .get(d.app.at("/api/v1/inbox"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let excerpts: Vec<String> = api["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["excerpt"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(excerpts.len(), 2);
    let (status, themes) = d.page(&clerk, "/console/feedback/themes").await;
    assert_eq!(status, 200);
    assert!(
        themes.contains(&with_id.tracking_no) && themes.contains(&with_mobile.tracking_no),
        "both in one theme: {themes}"
    );
    for number in [id, mobile] {
        assert_no_run_of(number, &inbox, "the inbox page");
        assert_no_run_of(number, &excerpts.join(" | "), "the inbox API");
        assert_no_run_of(number, &themes, "the themes page");
    }
    assert!(
        excerpts.iter().all(|e| e.ends_with('…')),
        "cut where the number is: {excerpts:?}"
    );
    // The evaluator's inbox likewise.
    let evaluator = d.signed_in("eval.gao").await;
    let (_, inbox) = d.page(&evaluator, "/console/feedback").await;
    for number in [id, mobile] {
        assert_no_run_of(number, &inbox, "the evaluator's inbox");
    }
}

testkit::on_both_engines! {
    a_photo_whose_location_was_kept_reaches_the_evaluator_without_it(Desk),
}

async fn a_photo_whose_location_was_kept_reaches_the_evaluator_without_it(d: Desk) {
    // The submitter chose to keep the location, for those who handle the item.
    let photo = PhotoUpload::clean(&jpeg_with_gps(), true).unwrap();
    let sent = d
        .submit_with("西门台阶的石板碎了，照片里是位置", "complaint", vec![photo])
        .await;
    let id = d
        .s()
        .feedback()
        .feedback_photos(&d.clerk, sent.id)
        .await
        .unwrap()[0]
        .id;
    let (_, for_clerk) = d
        .s()
        .feedback()
        .feedback_photo(&d.clerk, sent.id, id)
        .await
        .unwrap();
    assert!(contains(&for_clerk, LATITUDE), "kept for those handling it");
    let (kind, for_evaluator) = d
        .s()
        .feedback()
        .feedback_photo(&d.evaluator, sent.id, id)
        .await
        .unwrap();
    assert_eq!(kind, "image/jpeg");
    assert!(for_evaluator.starts_with(&[0xFF, 0xD8]), "still a JPEG");
    assert!(
        !contains(&for_evaluator, LATITUDE) && !contains(&for_evaluator, b"GPS"),
        "no location for the evaluator"
    );
}

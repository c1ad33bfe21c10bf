//! The public side of the feedback loop, as the public and API clients meet it, on both
//! engines: the form (with photos), the private tracking link, the board and its figures,
//! "me too", a member's own data, the retention rule, and the JSON API.

mod common;
mod public_kit;

use domain::feedback::Status;
use domain::time::DAY_MS;
use public_kit::*;
use serde_json::{Value, json};
use services::feedback::{BoardQuery, Moderation, Publish, StaffAction};

async fn text(response: reqwest::Response) -> String {
    response.text().await.unwrap()
}

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

/// The private path's two halves.
fn split(path: &str) -> (String, String) {
    let (no, secret) = path.trim_start_matches("/t/").split_once('/').unwrap();
    (no.to_owned(), secret.to_owned())
}

/// The feedback form's action (CSRF token included) on a page the form came back on.
fn form_action(html: &str) -> String {
    let tag_start = html
        .find("<form method=\"post\" action=\"/feedback/new")
        .expect("the feedback form");
    let tag = &html[tag_start..];
    let start = tag.find("action=\"").unwrap() + "action=\"".len();
    let token = common::csrf_field_after(tag, "action=").expect("the form's CSRF field");
    format!(
        "{}?_csrf={token}",
        unescape(tag[start..].split('"').next().unwrap())
    )
}

/// The "others have raised something similar" section of a page, if it has one.
fn similar_section(html: &str) -> Option<&str> {
    let start = html.find("<section class=\"similar\"")?;
    Some(html[start..].split("</section>").next().unwrap())
}

/// What `GET /api/v1/feedback/similar` offers for `text`: (tracking number, text) pairs.
async fn similar_api(p: &Public, text: &str) -> Vec<(String, String)> {
    let response = reqwest::Client::new()
        .get(p.at("/api/v1/feedback/similar"))
        .query(&[("text", text)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    json_of(response).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["item"]["tracking_no"].as_str().unwrap().to_owned(),
                e["item"]["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

testkit::on_both_engines! {
    a_phone_photo_sent_with_the_form_loses_its_location(Public),
    a_broken_photo_is_named_next_to_the_field_and_nothing_is_stored(Public),
    too_much_text_and_too_many_photos_are_refused_by_name(Public),
    a_submission_answers_with_its_receipts_address_and_no_address_holds_the_csrf_token(Public),
    a_double_submitted_form_makes_one_item_and_the_same_receipt(Public),
    a_text_like_a_published_item_offers_it_first_and_makes_nothing_until_sent_anyway(Public),
    a_form_sent_again_after_it_went_through_gets_its_receipt_not_the_similar_items(Public),
    held_unpublished_and_spam_items_are_never_offered_to_the_public(Public),
    the_similar_api_shows_the_boards_text_names_the_text_field_and_limits_lookups(Public),
    a_wrong_tracking_secret_is_a_plain_404_and_the_secret_stays_out_of_the_metrics(Public),
    the_submitter_adds_information_rates_and_reopens_through_the_link(Public),
    the_board_shows_only_public_items_with_personal_data_masked(Public),
    the_board_pages_through_45_items_without_gaps_or_repeats(Public),
    a_member_says_me_too_once(Public),
    figures_show_counts_under_ten_items_and_rates_from_ten(Public),
    a_member_downloads_their_data_and_has_it_erased(Public),
    long_closed_items_lose_their_personal_data(Public),
    the_api_takes_feedback_once_per_idempotency_key(Public),
    only_verified_members_may_send_when_the_institution_says_so(Public),
    the_public_pages_speak_english_on_request(Public),
}

async fn a_phone_photo_sent_with_the_form_loses_its_location(p: Public) {
    let client = p.app.client();
    let photo = jpeg_with_gps();
    assert!(
        contains(&photo, LATITUDE) && contains(&photo, b"Exif"),
        "the photo knows where it was taken"
    );
    let point = p.point.to_string();
    let sent = p
        .send_form(
            &client,
            &[
                ("kind", "complaint"),
                ("text", "东街农家书屋屋顶漏水，书都湿了"),
                ("unit", &point),
                ("public_as", "anonymous"),
                ("mobile", "13907312233"),
            ],
            &[("roof.jpg", &photo)],
        )
        .await;
    assert_eq!(sent.status(), 200);
    assert_eq!(sent.headers()["cache-control"], "no-store");
    let page = text(sent).await;
    let tracking_no = tracking_no_in(&page);
    assert!(tracking_no.starts_with("CD-2026-"), "{tracking_no}");
    let path = tracking_path_in(&page);
    assert!(
        page.contains("请保存下面的专属链接"),
        "the advice to keep the link"
    );

    // The submitter sees the photo on their page; what is stored has no location.
    let mine = text(client.get(p.at(&path)).send().await.unwrap()).await;
    let photo_path = format!("{path}/photos/");
    let start = mine
        .find(&format!("src=\"{photo_path}"))
        .expect("the photo is shown")
        + 5;
    let src = mine[start..].split('"').next().unwrap().to_owned();
    let stored = client.get(p.at(&src)).send().await.unwrap();
    assert_eq!(stored.headers()["content-type"], "image/jpeg");
    let stored = stored.bytes().await.unwrap();
    assert!(
        stored.starts_with(&[0xFF, 0xD8]) && stored.ends_with(&[0xFF, 0xD9]),
        "still a JPEG"
    );
    assert!(
        !contains(&stored, LATITUDE) && !contains(&stored, b"GPS"),
        "the location is gone"
    );

    // Asked to keep it, it is kept.
    let kept = p
        .send_form(
            &client,
            &[
                ("kind", "complaint"),
                ("text", "书屋门口的路灯坏了"),
                ("keep_location", "on"),
                ("public_as", "anonymous"),
            ],
            &[("lamp.jpg", &photo)],
        )
        .await;
    let path = tracking_path_in(&text(kept).await);
    let mine = text(client.get(p.at(&path)).send().await.unwrap()).await;
    let start = mine.find(&format!("src=\"{path}/photos/")).unwrap() + 5;
    let src = mine[start..].split('"').next().unwrap().to_owned();
    let stored = client
        .get(p.at(&src))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(contains(&stored, LATITUDE), "kept when the sender asked");
}

async fn a_broken_photo_is_named_next_to_the_field_and_nothing_is_stored(p: Public) {
    let client = p.app.client();
    let broken = &JPEG_1X1[..100];
    let response = p
        .send_form(
            &client,
            &[
                ("kind", "request"),
                ("text", "希望增加少儿书法班"),
                ("contact_name", "王女士"),
                ("public_as", "anonymous"),
            ],
            &[("roof.jpg", broken)],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = text(response).await;
    let error = page
        .split("id=\"e-photos\">")
        .nth(1)
        .expect("an error by the photo field");
    assert!(error.starts_with("照片“roof.jpg”已损坏"), "{error}");
    assert!(
        page.contains("aria-describedby=\"h-photos e-photos\""),
        "the error is linked to the field"
    );
    assert!(
        page.contains(">希望增加少儿书法班</textarea>") && page.contains("value=\"王女士\""),
        "what was typed is kept"
    );
    assert!(
        page.contains("请重新选择"),
        "told to choose the photos again"
    );
    let text_file = p
        .send_form(
            &client,
            &[
                ("kind", "request"),
                ("text", "x"),
                ("public_as", "anonymous"),
            ],
            &[("notes.txt", b"hello, not a picture")],
        )
        .await;
    assert!(
        text(text_file)
            .await
            .contains("“notes.txt”不是 JPEG、PNG 或 WebP 图片")
    );
    let board = p
        .app
        .services
        .feedback()
        .board(&p.institution, &BoardQuery::default())
        .await
        .unwrap();
    assert!(board.items.is_empty(), "nothing was stored");
}

async fn too_much_text_and_too_many_photos_are_refused_by_name(p: Public) {
    let client = p.app.client();
    let long = "字".repeat(4001);
    let response = p
        .send_form(
            &client,
            &[
                ("kind", "suggestion"),
                ("text", &long),
                ("email", "reader@example.org"),
                ("public_as", "anonymous"),
            ],
            &[],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = text(response).await;
    assert!(
        page.contains("id=\"e-text\">不能超过 4000 个字"),
        "the text field is named"
    );
    assert!(page.contains("value=\"reader@example.org\""));
    let photo = jpeg_with_gps();
    let four: Vec<(&str, &[u8])> = ["a.jpg", "b.jpg", "c.jpg", "d.jpg"]
        .iter()
        .map(|n| (*n, photo.as_slice()))
        .collect();
    let response = p
        .send_form(
            &client,
            &[
                ("kind", "suggestion"),
                ("text", "四张照片"),
                ("public_as", "anonymous"),
            ],
            &four,
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(text(response).await.contains("最多上传 3 张照片"));
    let big = [JPEG_1X1, &vec![0u8; 9 * 1024 * 1024]].concat();
    let response = p
        .send_form(
            &client,
            &[
                ("kind", "suggestion"),
                ("text", "大照片"),
                ("public_as", "anonymous"),
            ],
            &[("big.jpg", &big)],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(text(response).await.contains("照片“big.jpg”超过 8 MB"));
    // Past the route's limit (three full photos and then some) the body is refused.
    let huge = vec![0u8; 26 * 1024 * 1024];
    let response = p
        .send_form(
            &client,
            &[
                ("kind", "suggestion"),
                ("text", "很大的请求"),
                ("public_as", "anonymous"),
            ],
            &[("huge.jpg", &huge)],
        )
        .await;
    assert_eq!(response.status(), 413);
    let page = text(response).await;
    assert!(page.contains("照片总大小超过"), "{page}");
    assert!(
        page.contains(">很大的请求</textarea>"),
        "what was typed before the photos is kept"
    );
    assert!(
        p.app
            .services
            .feedback()
            .board(&p.institution, &BoardQuery::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

async fn a_submission_answers_with_its_receipts_address_and_no_address_holds_the_csrf_token(
    p: Public,
) {
    let client = p.app.client();
    let form = text(client.get(p.at("/feedback/new")).send().await.unwrap()).await;
    assert!(!form.contains("_csrf="), "no token in an address");
    assert!(form.contains(
        "<form method=\"post\" action=\"/feedback/new\" enctype=\"multipart/form-data\""
    ));
    let (action, key) = p.open_form(&client).await;
    let (path, token) = common::multipart_target(&action);
    let body = |token: Option<&str>| {
        let mut body = Multipart::new();
        if let Some(token) = token {
            body = body.text("_csrf", token);
        }
        body.text("submission_key", &key)
            .text("kind", "request")
            .text("text", "希望增加周末书法班")
            .finish()
    };
    // The token only in the address, as the form used to send it: refused.
    let (content_type, bytes) = body(None);
    let old_way = client
        .post(p.at(&action))
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(old_way.status(), 403);
    // The token as the form's first field: in, and answered with the receipt's address.
    let (content_type, bytes) = body(token.as_deref());
    let sent = client
        .post(p.at(&path))
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 303);
    assert_eq!(location_of(&sent), "/feedback/sent");
    let receipt = client.get(p.at("/feedback/sent")).send().await.unwrap();
    assert_eq!(receipt.headers()["cache-control"], "no-store");
    let receipt = text(receipt).await;
    assert!(tracking_no_in(&receipt).starts_with("CD-2026-"));
    // Another browser has no receipt to see: it is sent to the form.
    let stranger = p
        .app
        .client()
        .get(p.at("/feedback/sent"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (stranger.status().as_u16(), location_of(&stranger)),
        (303, "/feedback/new".to_owned())
    );
}

async fn a_double_submitted_form_makes_one_item_and_the_same_receipt(p: Public) {
    let client = p.app.client();
    let (action, key) = p.open_form(&client).await;
    let fields = [
        ("kind", "complaint"),
        ("text", "广场舞音响太吵"),
        ("public_as", "anonymous"),
    ];
    let (a, b) = tokio::join!(
        p.post_multipart(&client, &action, &key, &fields, &[]),
        p.post_multipart(&client, &action, &key, &fields, &[]),
    );
    let (a, b) = (text(a).await, text(b).await);
    assert_eq!(tracking_no_in(&a), tracking_no_in(&b));
    assert_eq!(tracking_path_in(&a), tracking_path_in(&b));
    let board = p
        .app
        .services
        .feedback()
        .board(&p.institution, &BoardQuery::default())
        .await
        .unwrap();
    assert_eq!(board.items.len(), 1);
}

async fn a_text_like_a_published_item_offers_it_first_and_makes_nothing_until_sent_anyway(
    p: Public,
) {
    let earlier = p
        .submit(
            "东街农家书屋周末能不能延长开放时间到晚上八点",
            "request",
            None,
        )
        .await;
    let client = p.app.client();
    let (action, key) = p.open_form(&client).await;
    let point = p.point.to_string();
    let fields = [
        ("kind", "request"),
        ("text", "希望东街农家书屋周末延长开放时间到晚上八点，谢谢"),
        ("unit", point.as_str()),
        ("contact_name", "王女士"),
        ("mobile", "13907312233"),
        ("public_as", "nickname"),
        ("display_name", "书迷"),
    ];
    let offered = p.post_multipart(&client, &action, &key, &fields, &[]).await;
    assert_eq!(offered.status(), 200);
    assert_eq!(offered.headers()["cache-control"], "no-store");
    let page = text(offered).await;
    let similar = similar_section(&page).expect("the similar items come first");
    assert!(
        similar.contains("<h2 id=\"similar-title\">其他人也提过类似的问题</h2>"),
        "{similar}"
    );
    assert!(
        similar.contains(&format!(
            "<h3><a href=\"/board/{0}\" aria-describedby=\"similar-open\">{0}</a></h3>",
            earlier.tracking_no
        )),
        "{similar}"
    );
    assert!(
        similar.contains("东街农家书屋周末能不能延长开放时间到晚上八点")
            && similar.contains("待受理")
            && similar.contains("0 人有同样的需求")
    );
    assert!(
        similar.contains(&format!(
            "href=\"/me/login?next=/board/{}\"",
            earlier.tracking_no
        )),
        "'me too' after signing in"
    );
    assert!(similar.contains("form=\"feedback-form\" id=\"send-anyway\">仍然提交我的</button>"));
    // Everything typed is still there, the submission key too.
    assert!(page.contains(">希望东街农家书屋周末延长开放时间到晚上八点，谢谢</textarea>"));
    assert!(
        page.contains("value=\"王女士\"")
            && page.contains("value=\"13907312233\"")
            && page.contains("value=\"书迷\"")
    );
    assert!(page.contains(&format!("<option value=\"{point}\" selected>")));
    let kind = page
        .split("id=\"f-kind-request\"")
        .nth(1)
        .unwrap()
        .split('>')
        .next()
        .unwrap();
    assert!(kind.contains("checked"), "the type stays chosen: {kind}");
    assert_eq!(
        value_of(&page, "submission_key").as_deref(),
        Some(key.as_str())
    );
    assert_eq!(value_of(&page, "send_anyway").as_deref(), Some("1"));
    assert_eq!(
        p.app
            .services
            .feedback()
            .board(&p.institution, &BoardQuery::default())
            .await
            .unwrap()
            .items
            .len(),
        1,
        "nothing was made"
    );

    // "Send mine anyway", twice (a double tap): one item, one receipt.
    let again = form_action(&page);
    let mut anyway = fields.to_vec();
    anyway.push(("send_anyway", "1"));
    let sent = text(p.post_multipart(&client, &again, &key, &anyway, &[]).await).await;
    let twice = text(p.post_multipart(&client, &again, &key, &anyway, &[]).await).await;
    assert_eq!(tracking_no_in(&sent), tracking_no_in(&twice));
    let board = p
        .app
        .services
        .feedback()
        .board(&p.institution, &BoardQuery::default())
        .await
        .unwrap();
    assert_eq!(board.items.len(), 2);
    let (item, _) = p
        .app
        .services
        .feedback()
        .feedback_item(&p.admin, p.id_of(&tracking_no_in(&sent)).await)
        .await
        .unwrap();
    assert_eq!(
        (
            item.contact.mobile.as_deref(),
            item.display_name.as_deref(),
            item.unit
        ),
        (Some("13907312233"), Some("书迷"), p.point)
    );

    // Something else goes straight through.
    let other = p
        .send_form(
            &client,
            &[
                ("kind", "complaint"),
                ("text", "广场舞音响晚上十点以后还在放，太吵了"),
                ("public_as", "anonymous"),
            ],
            &[],
        )
        .await;
    assert_eq!(other.status(), 200);
    assert!(tracking_no_in(&text(other).await).starts_with("CD-2026-"));
}

async fn a_form_sent_again_after_it_went_through_gets_its_receipt_not_the_similar_items(p: Public) {
    // Held for review when the first form goes through, cleared before it is sent again.
    let held = p
        .submit(
            "青石镇文化站的乒乓球台坏了好几个星期了，低息贷 款，加 V 详聊",
            "complaint",
            None,
        )
        .await;
    assert!(held.held);
    let client = p.app.client();
    let (action, key) = p.open_form(&client).await;
    let fields = [
        ("kind", "complaint"),
        (
            "text",
            "青石镇文化站的乒乓球台坏了好几个星期了，希望尽快修好",
        ),
        ("public_as", "anonymous"),
    ];
    let first = text(p.post_multipart(&client, &action, &key, &fields, &[]).await).await;
    assert!(
        similar_section(&first).is_none(),
        "nothing public was like it"
    );
    p.app
        .services
        .feedback()
        .moderate_feedback(&p.admin, held.id, Moderation::Clear, None)
        .await
        .unwrap();
    assert_eq!(
        similar_api(&p, fields[1].1).await.len(),
        1,
        "now something is"
    );
    // A refresh of the receipt sends the same form again.
    let refreshed = text(p.post_multipart(&client, &action, &key, &fields, &[]).await).await;
    assert_eq!(tracking_no_in(&refreshed), tracking_no_in(&first));
    // Another browser sending that text is offered the cleared item.
    let stranger = p.app.client();
    let offered = text(p.send_form(&stranger, &fields, &[]).await).await;
    assert!(similar_section(&offered).is_some_and(|s| s.contains(&held.tracking_no)));
}

async fn held_unpublished_and_spam_items_are_never_offered_to_the_public(p: Public) {
    let base = "城关镇文化站的乒乓球台坏了好几个星期了，希望尽快修好";
    let held = p
        .submit(&format!("{base}，低息贷 款，加 V 详聊"), "complaint", None)
        .await;
    let spam = p.submit(&format!("{base}！！"), "complaint", None).await;
    let hidden = p.submit(&format!("{base}。"), "complaint", None).await;
    let merged = p.submit(&format!("{base}啊"), "complaint", None).await;
    assert!(held.held);
    p.act(spam.id, StaffAction::MarkSpam).await;
    p.app
        .services
        .feedback()
        .set_publish(&p.admin, hidden.id, Publish::No)
        .await
        .unwrap();
    p.act(
        merged.id,
        StaffAction::Merge {
            into: hidden.tracking_no.clone(),
        },
    )
    .await;
    let asked = "城关镇文化站乒乓球台坏了好几个星期，希望尽快修好";
    assert!(similar_api(&p, asked).await.is_empty());
    let client = p.app.client();
    let page = text(
        p.send_form(
            &client,
            &[
                ("kind", "complaint"),
                ("text", asked),
                ("public_as", "anonymous"),
            ],
            &[],
        )
        .await,
    )
    .await;
    assert!(
        similar_section(&page).is_none() && tracking_no_in(&page).starts_with("CD-2026-"),
        "straight through"
    );
    // Published by staff, the hidden one is offered; the others still are not.
    p.app
        .services
        .feedback()
        .set_publish(&p.admin, hidden.id, Publish::Yes)
        .await
        .unwrap();
    let offered: Vec<String> = similar_api(&p, asked)
        .await
        .into_iter()
        .map(|(no, _)| no)
        .collect();
    assert!(offered.contains(&hidden.tracking_no), "{offered:?}");
    for never in [&held, &spam, &merged] {
        assert!(
            !offered.contains(&never.tracking_no),
            "{} in {offered:?}",
            never.tracking_no
        );
    }
}

async fn the_similar_api_shows_the_boards_text_names_the_text_field_and_limits_lookups(p: Public) {
    let held = p.submit("我叫王秀英，电话13907312233，东街农家书屋的空调坏了，夏天太热没法看书，低息贷 款，加 V 详聊", "complaint", None).await;
    let plain = p
        .submit(
            "东街农家书屋的空调坏了，夏天太热没法看书，电话13907312244",
            "complaint",
            None,
        )
        .await;
    p.app
        .services
        .feedback()
        .moderate_feedback(
            &p.admin,
            held.id,
            Moderation::Clear,
            Some("东街农家书屋的空调坏了（内容已处理）"),
        )
        .await
        .unwrap();
    let api = reqwest::Client::new();
    let url = p.at("/api/v1/feedback/similar");
    let found = json_of(
        api.get(&url)
            .query(&[("text", "东街农家书屋空调坏了，夏天太热，没法看书")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    let items = found["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{found}");
    let by_no = |no: &str| {
        items
            .iter()
            .find(|e| e["item"]["tracking_no"] == no)
            .unwrap()
            .clone()
    };
    assert_eq!(
        by_no(&held.tracking_no)["item"]["text"],
        "东街农家书屋的空调坏了（内容已处理）",
        "the staff's redaction, as on the board"
    );
    let plain_text = by_no(&plain.tracking_no)["item"]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        !plain_text.contains("13907312244") && plain_text.contains("没法看书"),
        "{plain_text}"
    );
    assert!(
        items
            .iter()
            .all(|e| e["similarity"].as_u64().unwrap() >= 45),
        "{found}"
    );
    assert_eq!(by_no(&plain.tracking_no)["item"]["status"], "new");

    for (query, code) in [
        (None, "err_required"),
        (Some("  ".to_owned()), "err_required"),
        (Some("字".repeat(4001)), "err_too_long"),
    ] {
        let mut request = api.get(&url).header("accept-language", "en");
        if let Some(q) = &query {
            request = request.query(&[("text", q)]);
        }
        let refused = request.send().await.unwrap();
        assert_eq!(refused.status(), 422);
        let body = json_of(refused).await;
        assert_eq!(
            (
                body["fields"][0]["field"].as_str(),
                body["fields"][0]["code"].as_str()
            ),
            (Some("text"), Some(code)),
            "{body}"
        );
    }
    // Thirty lookups a minute from one address; the next minute, thirty more.
    for _ in 1..30 {
        assert_eq!(
            api.get(&url)
                .query(&[("text", "空调坏了")])
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    let limited = api
        .get(&url)
        .query(&[("text", "空调坏了")])
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(json_of(limited).await["code"], "rate_limited");
    p.app.clock.advance_ms(60_000);
    assert_eq!(
        api.get(&url)
            .query(&[("text", "空调坏了")])
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

async fn a_wrong_tracking_secret_is_a_plain_404_and_the_secret_stays_out_of_the_metrics(p: Public) {
    let sent = p
        .submit("文化站阅览室开放时间太短", "suggestion", None)
        .await;
    let (no, secret) = split(&sent.tracking_path);
    let client = p.app.client();
    for wrong in [
        format!("/t/{no}/{}", "A".repeat(24)),
        format!("/t/{no}/"),
        format!("/t/CD-2026-999999/{secret}"),
    ] {
        let response = client.get(p.at(&wrong)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{wrong}");
        assert!(text(response).await.contains("找不到您要的页面或内容"));
    }
    let page = client.get(p.at(&sent.tracking_path)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert_eq!(page.headers()["x-robots-tag"], "noindex");
    let page = text(page).await;
    assert!(page.contains("文化站阅览室开放时间太短") && page.contains("待受理"));
    let metrics = text(client.get(p.at("/metrics")).send().await.unwrap()).await;
    assert!(
        metrics.contains("route=\"/t/{tracking_no}/{secret}\""),
        "{metrics}"
    );
    assert!(!metrics.contains(&secret), "the secret is never recorded");
}

async fn the_submitter_adds_information_rates_and_reopens_through_the_link(p: Public) {
    let sent = p
        .submit("想报名剪纸课，需要带什么？", "inquiry", Some("13907312233"))
        .await;
    let path = sent.tracking_path.clone();
    let client = p.app.client();
    let page = text(client.get(p.at(&path)).send().await.unwrap()).await;
    assert!(
        !page.contains("/reply\"") && !page.contains("/rate\""),
        "nothing to do yet"
    );

    p.act(
        sent.id,
        StaffAction::AskSubmitter {
            question: "请问您想报名哪个班次？".into(),
        },
    )
    .await;
    let page = text(client.get(p.at(&path)).send().await.unwrap()).await;
    assert!(
        page.contains("请问您想报名哪个班次？")
            && page.contains(&format!("action=\"{path}/reply\""))
    );
    let empty = p
        .app
        .post_form(&client, &path, &format!("{path}/reply"), &[("text", "  ")])
        .await;
    assert_eq!(empty.status(), 422);
    assert!(text(empty).await.contains("id=\"e-text\">此项必填"));
    let replied = p
        .app
        .post_form(
            &client,
            &path,
            &format!("{path}/reply"),
            &[("text", "周六上午班")],
        )
        .await;
    assert_eq!(location_of(&replied), format!("{path}?done=replied"));
    let page = text(
        client
            .get(p.at(&location_of(&replied)))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        page.contains("已提交补充信息")
            && page.contains("周六上午班")
            && !page.contains("/reply\"")
    );

    // Rating before an answer is refused with a reason, not a crash.
    let early = p
        .app
        .post_form(
            &client,
            &path,
            &format!("{path}/rate"),
            &[("rating", "satisfied")],
        )
        .await;
    assert_eq!(early.status(), 409);
    assert!(text(early).await.contains("现在不能评价"));

    p.act(
        sent.id,
        StaffAction::Answer {
            text: "请带剪刀和彩纸，周六 9:00 在二楼。".into(),
            adopted: false,
        },
    )
    .await;
    let page = text(client.get(p.at(&path)).send().await.unwrap()).await;
    assert!(
        page.contains("id=\"official-answer\">请带剪刀和彩纸"),
        "the answer is highlighted"
    );
    assert!(page.contains(&format!("action=\"{path}/rate\"")));
    let rated = p
        .app
        .post_form(
            &client,
            &path,
            &format!("{path}/rate"),
            &[("rating", "dissatisfied")],
        )
        .await;
    assert_eq!(location_of(&rated), format!("{path}?done=rated"));
    let page = text(client.get(p.at(&path)).send().await.unwrap()).await;
    assert!(
        page.contains("id=\"item-rating\">不满意")
            && page.contains(&format!("action=\"{path}/reopen\""))
    );
    let reopened = p
        .app
        .post_form(
            &client,
            &path,
            &format!("{path}/reopen"),
            &[("reason", "二楼周六不开门")],
        )
        .await;
    assert_eq!(location_of(&reopened), format!("{path}?done=reopened"));
    let page = text(client.get(p.at(&path)).send().await.unwrap()).await;
    assert!(
        page.contains("id=\"item-status\">办理中"),
        "back in progress"
    );

    // Answered again, and the window passes: no more reopening.
    p.act(
        sent.id,
        StaffAction::Answer {
            text: "周六二楼已安排值班。".into(),
            adopted: false,
        },
    )
    .await;
    p.app.clock.advance_ms(8 * DAY_MS);
    let page = text(client.get(p.at(&path)).send().await.unwrap()).await;
    assert!(
        !page.contains("/reopen\""),
        "the reopening window has passed"
    );
    let late = p
        .app
        .post_form(
            &client,
            &path,
            &format!("{path}/reopen"),
            &[("reason", "还是不行")],
        )
        .await;
    assert_eq!(late.status(), 409);
}

async fn the_board_shows_only_public_items_with_personal_data_masked(p: Public) {
    let named = p
        .submit(
            "我叫王秀英，电话13907312233，希望城关镇文化站周末开放书法班",
            "request",
            None,
        )
        .await;
    let held = p.submit("低息贷 款，加 V 详聊", "suggestion", None).await;
    let spam = p.submit("重复发送的无意义内容", "suggestion", None).await;
    let hidden = p.submit("请不要公开这条", "complaint", None).await;
    assert!(held.held);
    p.act(spam.id, StaffAction::MarkSpam).await;
    p.app
        .services
        .feedback()
        .set_publish(&p.admin, hidden.id, Publish::No)
        .await
        .unwrap();
    p.app
        .services
        .feedback()
        .add_internal_note(&p.admin, named.id, "内部备注：联系王秀英")
        .await
        .unwrap();
    p.act(
        named.id,
        StaffAction::Answer {
            text: "本月起周六开放书法班。".into(),
            adopted: false,
        },
    )
    .await;

    let client = p.app.client();
    let board = text(client.get(p.at("/board")).send().await.unwrap()).await;
    assert_eq!(board_links(&board), [named.tracking_no.as_str()]);
    assert!(
        !board.contains("13907312233") && !board.contains("王秀英"),
        "masked on the board"
    );
    assert!(
        board.contains("希望城关镇文化站周末开放书法班"),
        "the rest of the text is there"
    );
    for gone in [&held, &spam, &hidden] {
        let response = client
            .get(p.at(&format!("/board/{}", gone.tracking_no)))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{}", gone.tracking_no);
    }
    let item = text(
        client
            .get(p.at(&format!("/board/{}", named.tracking_no)))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(item.contains("id=\"official-answer\">本月起周六开放书法班。"));
    assert!(!item.contains("13907312233") && !item.contains("王秀英"));
    assert!(
        !item.contains("内部备注") && !item.contains("系统管理员"),
        "no internal notes, no staff names"
    );
    // The moderator clears the held item: now it shows.
    p.app
        .services
        .feedback()
        .moderate_feedback(&p.admin, held.id, Moderation::Clear, Some("（内容已处理）"))
        .await
        .unwrap();
    let board = text(client.get(p.at("/board")).send().await.unwrap()).await;
    assert!(board_links(&board).contains(&held.tracking_no));
    // Filters narrow it down.
    let requests = text(
        client
            .get(p.at("/board?kind=request&status=answered"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(board_links(&requests), [named.tracking_no.as_str()]);
    let open = text(client.get(p.at("/board?status=open")).send().await.unwrap()).await;
    assert_eq!(board_links(&open), [held.tracking_no.as_str()]);
}

async fn the_board_pages_through_45_items_without_gaps_or_repeats(p: Public) {
    let mut submitted = Vec::new();
    for i in 0..45 {
        submitted.push(
            p.submit(&format!("第{i}条：希望增加周末活动"), "suggestion", None)
                .await
                .tracking_no,
        );
    }
    // A few items get a supporter, so "most supported" has something to sort by.
    let member = p.member("13600001111").await;
    let supported = [5, 17, 30].map(|i| submitted[i].clone());
    for no in &supported {
        assert!(
            p.app
                .services
                .feedback()
                .support_feedback(&p.institution, &member, no)
                .await
                .unwrap()
        );
    }
    let client = p.app.client();
    for sort in ["newest", "supported"] {
        let mut seen: Vec<String> = Vec::new();
        let mut sizes = Vec::new();
        let mut next = Some(format!("/board?sort={sort}"));
        while let Some(link) = next {
            let page = text(client.get(p.at(&link)).send().await.unwrap()).await;
            let links = board_links(&page);
            sizes.push(links.len());
            seen.extend(links);
            next = next_link(&page);
            assert!(sizes.len() <= 3, "the paging ends");
        }
        assert_eq!(sizes, [20, 20, 5], "{sort}");
        let mut expected = submitted.clone();
        expected.reverse();
        if sort == "supported" {
            // Supported ones first (newest first among them), then the rest.
            expected.retain(|no| !supported.contains(no));
            expected.splice(0..0, supported.iter().rev().cloned());
        }
        assert_eq!(seen, expected, "{sort}: each once, in order");
    }
}

async fn a_member_says_me_too_once(p: Public) {
    let sent = p.submit("农家书屋新书太少", "request", None).await;
    let item = format!("/board/{}", sent.tracking_no);
    let stranger = p.app.client();
    let page = text(stranger.get(p.at(&item)).send().await.unwrap()).await;
    assert!(
        page.contains(&format!("href=\"/me/login?next={item}\"")),
        "others are asked to sign in"
    );
    let csrf = p.app.csrf(&stranger, &item).await;
    let anonymous = stranger
        .post(p.at(&format!("{item}/support")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        location_of(&anonymous),
        format!("/me/login?next={}", item.replace('/', "%2F"))
    );

    let member = p.member_client("13600001111").await;
    let first = p
        .app
        .post_form(&member, &item, &format!("{item}/support"), &[])
        .await;
    assert_eq!(location_of(&first), format!("{item}?done=supported"));
    let page = text(member.get(p.at(&location_of(&first))).send().await.unwrap()).await;
    assert!(
        page.contains("已记下您的支持") && page.contains("id=\"support-count\">1 人有同样的需求")
    );
    let again = p
        .app
        .post_form(&member, &item, &format!("{item}/support"), &[])
        .await;
    let page = text(member.get(p.at(&location_of(&again))).send().await.unwrap()).await;
    assert!(
        page.contains("你已支持过") && page.contains("id=\"support-count\">1 人有同样的需求"),
        "counted once"
    );
    let board = text(
        stranger
            .get(p.at("/board?sort=supported"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(board.contains("1 人有同样的需求"));
}

async fn figures_show_counts_under_ten_items_and_rates_from_ten(p: Public) {
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(
            p.submit(&format!("第{i}条意见"), "suggestion", None)
                .await
                .id,
        );
    }
    let client = p.app.client();
    let board = text(client.get(p.at("/board")).send().await.unwrap()).await;
    let figures = board
        .split("<table class=\"figures\">")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    assert!(
        figures.contains("<td data-label=\"办结率\">0/3 件</td>"),
        "{figures}"
    );
    assert_eq!(
        board.matches("不足 10 件").count(),
        1,
        "said once, above the figures, not in every cell"
    );
    assert!(!figures.contains('%'), "no percentages over three items");
    assert!(
        figures.contains("全馆合计") && figures.contains("文化馆（馆本部）"),
        "the rows say what they count"
    );
    assert!(board.contains("id=\"figures-at\">统计于 09:00"));
    for i in 3..10 {
        ids.push(
            p.submit(&format!("第{i}条意见"), "suggestion", None)
                .await
                .id,
        );
    }
    p.app.clock.advance_ms(2 * 60 * 60_000);
    for id in &ids {
        p.act(
            *id,
            StaffAction::Answer {
                text: "已采纳，谢谢。".into(),
                adopted: true,
            },
        )
        .await;
    }
    p.app
        .services
        .feedback()
        .compute_figures(p.institution.id)
        .await
        .unwrap();
    let board = text(client.get(p.at("/board")).send().await.unwrap()).await;
    let figures = board
        .split("<table class=\"figures\">")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    assert!(
        figures.contains("<td data-label=\"办结率\">100%</td>"),
        "ten answered items make a rate: {figures}"
    );
    assert!(
        figures.contains("<td data-label=\"办结用时（中位数）\">2 小时</td>"),
        "the median time in words: {figures}"
    );
    assert!(board.contains("id=\"figures-at\">统计于 11:00"));
}

async fn a_member_downloads_their_data_and_has_it_erased(p: Public) {
    let member = p.member_client("13600002222").await;
    let sent = p
        .send_form(
            &member,
            &[
                ("kind", "request"),
                ("text", "我是李大爷，电话13600002222，想学太极拳"),
                ("contact_name", "李大爷"),
                ("public_as", "nickname"),
                ("display_name", "太极爱好者"),
            ],
            &[("me.jpg", &jpeg_with_gps())],
        )
        .await;
    assert_eq!(sent.status(), 200);
    let page = text(sent).await;
    let (no, path) = (tracking_no_in(&page), tracking_path_in(&page));
    let other = p.submit("公园里需要更多长椅", "suggestion", None).await;
    p.app
        .post_form(
            &member,
            &format!("/board/{}", other.tracking_no),
            &format!("/board/{}/support", other.tracking_no),
            &[],
        )
        .await;

    let home = text(member.get(p.at("/me")).send().await.unwrap()).await;
    assert!(
        home.contains(&format!("href=\"{path}\">{no}</a>")),
        "their items with the private link"
    );
    let export = member.get(p.at("/me/export")).send().await.unwrap();
    assert!(
        export.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let export = json_of(export).await;
    assert_eq!(export["member"]["mobile"], "13600002222");
    assert_eq!(export["items"][0]["tracking_no"], no.as_str());
    assert_eq!(
        export["items"][0]["text"],
        "我是李大爷，电话13600002222，想学太极拳"
    );
    assert_eq!(export["items"][0]["contact_mobile"], "13600002222");
    assert_eq!(export["items"][0]["contact_name"], "李大爷");
    assert_eq!(export["items"][0]["timeline"][0]["kind"], "received");
    assert_eq!(export["items"][0]["photos"].as_array().unwrap().len(), 1);
    assert_eq!(
        export["supports"][0]["tracking_no"],
        other.tracking_no.as_str()
    );

    let unconfirmed = p
        .app
        .post_form(&member, "/me/delete", "/me/delete", &[])
        .await;
    assert_eq!(unconfirmed.status(), 422);
    assert!(
        text(unconfirmed)
            .await
            .contains("id=\"e-confirm\">请勾选确认后再删除")
    );
    let deleted = p
        .app
        .post_form(&member, "/me/delete", "/me/delete", &[("confirm", "yes")])
        .await;
    assert_eq!(deleted.status(), 200);
    assert!(text(deleted).await.contains("您的个人信息已删除"));
    assert_eq!(
        location_of(&member.get(p.at("/me")).send().await.unwrap()),
        "/me/login?next=%2Fme",
        "signed out"
    );

    let id = p.id_of(&no).await;
    let (item, _) = p
        .app
        .services
        .feedback()
        .feedback_item(&p.admin, id)
        .await
        .unwrap();
    assert_eq!(
        (item.contact.mobile, item.contact.name, item.display_name),
        (None, None, None)
    );
    assert!(
        item.anonymised && !item.body.contains("13600002222"),
        "{}",
        item.body
    );
    assert!(item.body.contains("想学太极拳"), "the words stay, masked");
    let mine = text(p.app.client().get(p.at(&path)).send().await.unwrap()).await;
    assert!(!mine.contains("/photos/"), "the photos are gone");
    p.app
        .services
        .feedback()
        .compute_figures(p.institution.id)
        .await
        .unwrap();
    let figures = p
        .app
        .services
        .feedback()
        .board_figures(&p.institution)
        .await
        .unwrap();
    assert_eq!(figures.institution.received, 2, "still counted");
}

async fn long_closed_items_lose_their_personal_data(p: Public) {
    let sent = p
        .submit(
            "我叫张三，电话13907312233，建议增加夜场电影",
            "suggestion",
            Some("13907312233"),
        )
        .await;
    let recent = p
        .submit("建议增加亲子阅读", "suggestion", Some("13907312244"))
        .await;
    p.act(
        sent.id,
        StaffAction::Answer {
            text: "已安排。".into(),
            adopted: true,
        },
    )
    .await;
    let (no, secret) = split(&sent.tracking_path);
    p.app
        .services
        .feedback()
        .rate_answer(&p.institution, &no, &secret, "satisfied")
        .await
        .unwrap();
    assert_eq!(
        p.app
            .services
            .feedback()
            .feedback_item(&p.admin, sent.id)
            .await
            .unwrap()
            .0
            .status,
        Status::Closed
    );
    p.app.clock.advance_ms(729 * DAY_MS);
    p.app.run_worker().await;
    assert!(
        !p.app
            .services
            .feedback()
            .feedback_item(&p.admin, sent.id)
            .await
            .unwrap()
            .0
            .anonymised,
        "not yet"
    );
    p.app.clock.advance_ms(2 * DAY_MS);
    p.app.run_worker().await;
    let (item, _) = p
        .app
        .services
        .feedback()
        .feedback_item(&p.admin, sent.id)
        .await
        .unwrap();
    assert!(
        item.anonymised && item.contact.mobile.is_none() && !item.body.contains("张三"),
        "{}",
        item.body
    );
    let (open, _) = p
        .app
        .services
        .feedback()
        .feedback_item(&p.admin, recent.id)
        .await
        .unwrap();
    assert_eq!(
        open.contact.mobile.as_deref(),
        Some("13907312244"),
        "open items keep theirs"
    );
}

async fn the_api_takes_feedback_once_per_idempotency_key(p: Public) {
    let api = reqwest::Client::new();
    let body = json!({"text": "希望文化站增加乒乓球台", "kind": "request", "unit": p.stations[1], "mobile": "13907319999"});
    let key = "3f9c1b2e-7d4a-4e0b-9a51-2c8e6f1d0a77";
    let first = api
        .post(p.at("/api/v1/feedback"))
        .header("idempotency-key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 201);
    let first = json_of(first).await;
    assert!(
        first["tracking_no"]
            .as_str()
            .unwrap()
            .starts_with("CD-2026-")
    );
    let again = api
        .post(p.at("/api/v1/feedback"))
        .header("idempotency-key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    let again = json_of(again).await;
    assert_eq!(
        (again["tracking_no"].clone(), again["repeated"].clone()),
        (first["tracking_no"].clone(), json!(true))
    );

    let bad = api
        .post(p.at("/api/v1/feedback"))
        .header("accept-language", "en")
        .json(&json!({"text": "", "kind": "wish", "email": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let bad = json_of(bad).await;
    assert_eq!(bad["code"], "invalid");
    let fields: Vec<&str> = bad["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["text", "kind", "email"]);
    assert_eq!(bad["fields"][0]["code"], "err_required");
    assert_eq!(bad["fields"][0]["message"], "This field is required");
    let short = api
        .post(p.at("/api/v1/feedback"))
        .header("idempotency-key", "1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), 422);
    assert_eq!(
        json_of(short).await["fields"][0]["field"],
        "Idempotency-Key"
    );

    // Tracking through the API, with the secret from the receipt.
    let no = first["tracking_no"].as_str().unwrap();
    let tracked = json_of(
        api.get(p.at(&format!(
            "/api/v1/feedback/{no}?secret={}",
            first["secret"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(tracked["item"]["text"], "希望文化站增加乒乓球台");
    assert_eq!(tracked["item"]["station"], p.stations[1]);
    assert_eq!(tracked["actions"]["can_rate"], false);
    let wrong = api
        .get(p.at(&format!("/api/v1/feedback/{no}?secret=guessed")))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 404);
    assert_eq!(json_of(wrong).await["code"], "not_found");

    // A member's token makes the contact verified.
    let token = p.member_token("13600003333").await;
    let verified = json_of(
        api.post(p.at("/api/v1/feedback"))
            .bearer_auth(&token)
            .json(&json!({"text": "图书馆空调太冷", "kind": "complaint"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let id = p.id_of(verified["tracking_no"].as_str().unwrap()).await;
    let (item, _) = p
        .app
        .services
        .feedback()
        .feedback_item(&p.admin, id)
        .await
        .unwrap();
    assert!(item.contact.verified && item.contact.mobile.as_deref() == Some("13600003333"));
    assert_eq!(item.channel.as_str(), "api");

    let board = json_of(
        api.get(p.at("/api/v1/board?kind=request"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(board["items"].as_array().unwrap().len(), 1);
    assert_eq!(board["items"][0]["tracking_no"], no);
    assert!(board["next"].is_null());
    p.app
        .services
        .feedback()
        .compute_figures(p.institution.id)
        .await
        .unwrap();
    let figures = json_of(api.get(p.at("/api/v1/board/figures")).send().await.unwrap()).await;
    assert_eq!(figures["institution"]["received"], 2);
    assert!(
        figures["institution"]["resolution_rate"].is_null(),
        "no rate under ten items"
    );
}

async fn only_verified_members_may_send_when_the_institution_says_so(p: Public) {
    let settings = services::feedback::FeedbackSettings {
        accept_unverified: false,
        ..Default::default()
    };
    p.app
        .services
        .feedback()
        .update_feedback_settings(&p.admin, settings)
        .await
        .unwrap();
    let stranger = p.app.client();
    let page = text(stranger.get(p.at("/feedback/new")).send().await.unwrap()).await;
    assert!(
        page.contains("本馆只受理已验证手机号的反馈")
            && page.contains("href=\"/me/login?next=/feedback/new\"")
    );
    assert!(
        !page.contains("id=\"feedback-form\""),
        "no form to fill in vain"
    );
    let api = reqwest::Client::new();
    let refused = api
        .post(p.at("/api/v1/feedback"))
        .json(&json!({"text": "建议", "kind": "suggestion", "mobile": "13907312233"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    assert_eq!(
        json_of(refused).await["fields"][0]["code"],
        "err_verify_first"
    );

    let member = p.member_client("13600004444").await;
    let point = p.point.to_string();
    let form = text(
        member
            .get(p.at(&format!("/feedback/new?unit={point}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        form.contains("我们将通过您已验证的手机号 136****4444 联系您"),
        "the verified number instead of a contact field"
    );
    assert!(!form.contains("id=\"f-mobile\""));
    assert!(
        form.contains(&format!(
            "<option value=\"{point}\" selected>东街农家书屋</option>"
        )),
        "?unit= chooses the place"
    );
    let sent = p
        .send_form(
            &member,
            &[
                ("kind", "praise"),
                ("text", "书屋管理员很热情"),
                ("unit", &point),
                ("public_as", "anonymous"),
            ],
            &[],
        )
        .await;
    assert_eq!(sent.status(), 200);
    let no = tracking_no_in(&text(sent).await);
    let (item, _) = p
        .app
        .services
        .feedback()
        .feedback_item(&p.admin, p.id_of(&no).await)
        .await
        .unwrap();
    assert!(item.contact.verified && item.contact.mobile.as_deref() == Some("13600004444"));
    assert_eq!(item.unit, p.point);
}

async fn the_public_pages_speak_english_on_request(p: Public) {
    p.submit("希望增加英语角活动", "suggestion", None).await;
    let client = p.app.client();
    let board = text(client.get(p.at("/board?lang=en")).send().await.unwrap()).await;
    assert!(
        board.contains("<html lang=\"en\">")
            && board.contains("Public board")
            && board.contains("Suggestion")
    );
    assert!(
        board.contains(">0 of 1</td>") && board.contains("Under 10 items, only counts are shown."),
        "figures in English"
    );
    let form = text(client.get(p.at("/feedback/new")).send().await.unwrap()).await;
    assert!(form.contains("Anonymous means the public never sees your name or contact details; staff handling your feedback still see them."));
    assert!(form.contains("Not sure: let us suggest one"));
}

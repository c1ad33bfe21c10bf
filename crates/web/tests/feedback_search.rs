//! Searching feedback over HTTP, on both engines: the staff page (no JavaScript needed) and
//! the JSON API.

mod common;
mod desk;

use desk::{Desk, MOBILE, MOBILE_MASKED, PASSWORD};
use serde_json::Value;
use services::feedback::StaffAction;

const DANCE: &str = "每天晚上小区门口的广场舞音响开得太大，孩子没法安心写作业";
const AIRCON: &str = "图书室的空调坏了一个多星期，夏天坐在里面看书太热了";

fn url(path: &str, q: &str) -> String {
    let q: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    format!("{path}?q={q}")
}

testkit::on_both_engines! {
    the_page_finds_a_word_marks_it_and_links_to_the_item(Desk),
    an_empty_or_too_long_query_is_a_field_error_in_the_reader_s_language(Desk),
    the_api_searches_and_masks_personal_data_for_the_evaluator(Desk),
}

async fn the_page_finds_a_word_marks_it_and_links_to_the_item(d: Desk) {
    let dance = d.submit(DANCE, "complaint").await;
    let aircon = d.submit(AIRCON, "complaint").await;
    let clerk = d.signed_in("li.jing").await;

    let (status, inbox) = d.page(&clerk, "/console/feedback").await;
    assert_eq!(status, 200);
    assert!(
        inbox.contains("href=\"/console/feedback/search\""),
        "the inbox leads to the search"
    );

    let (status, blank) = d.page(&clerk, "/console/feedback/search").await;
    assert_eq!(status, 200);
    assert!(
        blank.contains("role=\"search\"") && blank.contains("<label for=\"f-q\">要找的词</label>"),
        "{blank}"
    );
    assert!(!blank.contains("搜索结果"), "no results before a search");

    // A traditional-character query finds the simplified text, marked in place.
    let (status, page) = d
        .page(&clerk, &url("/console/feedback/search", "廣場舞"))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("找到 1 条"), "{page}");
    assert!(page.contains("门口的<mark>广场舞</mark>音响"), "{page}");
    assert!(page.contains(&format!("href=\"/console/feedback/{}\"", dance.id)));
    assert!(page.contains(&dance.tracking_no) && !page.contains(&aircon.tracking_no));
    assert!(
        page.contains("value=\"廣場舞\""),
        "the box keeps what was typed"
    );

    // Filters combine with the words.
    let (_, closed) = d
        .page(
            &clerk,
            &format!(
                "{}&status=closed",
                url("/console/feedback/search", "广场舞")
            ),
        )
        .await;
    assert!(
        closed.contains("没有找到同时包含这些词的反馈") && !closed.contains(&dance.tracking_no),
        "{closed}"
    );

    // The words of an answer are found, and shown where they are.
    d.s()
        .feedback()
        .act_on_feedback(
            &d.clerk,
            aircon.id,
            None,
            StaffAction::Answer {
                text: "已请师傅上门维修空调。".into(),
                adopted: false,
            },
        )
        .await
        .unwrap();
    let (_, page) = d
        .page(&clerk, &url("/console/feedback/search", "维修"))
        .await;
    assert!(
        page.contains(&aircon.tracking_no) && page.contains("上门<mark>维修</mark>空调"),
        "{page}"
    );
    assert!(page.contains("答复中："), "{page}");
}

async fn an_empty_or_too_long_query_is_a_field_error_in_the_reader_s_language(d: Desk) {
    let clerk = d.signed_in("li.jing").await;
    let (status, page) = d.page(&clerk, "/console/feedback/search?q=").await;
    assert_eq!(status, 422);
    assert!(
        page.contains("<p class=\"error\" id=\"e-q\">请输入要找的词</p>"),
        "{page}"
    );
    assert!(
        page.contains("aria-invalid=\"true\" aria-describedby=\"e-q h-q\""),
        "{page}"
    );

    let long = "广".repeat(101);
    let token = d.app.api_token("li.jing", PASSWORD).await;
    let api = reqwest::Client::new();
    for (lang, q, message) in [
        ("en", "  ", "Type the words to find"),
        ("zh-CN", long.as_str(), "不能超过 100 个字"),
        (
            "en",
            "？！",
            "There is nothing to search for in that; type words or numbers",
        ),
    ] {
        let response = api
            .get(d.app.at(&url("/api/v1/feedback/search", q)))
            .bearer_auth(&token)
            .header("accept-language", lang)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "invalid");
        assert_eq!(body["fields"][0]["field"], "q");
        assert_eq!(body["fields"][0]["message"], message, "{body}");
    }
    let (status, page) = d
        .page(
            &clerk,
            &format!("{}&lang=en", url("/console/feedback/search", &long)),
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("<p class=\"error\" id=\"e-q\">At most 100 characters</p>"),
        "{page}"
    );
}

async fn the_api_searches_and_masks_personal_data_for_the_evaluator(d: Desk) {
    let sent = d
        .submit(&format!("我的电话{MOBILE}，{DANCE}"), "complaint")
        .await;
    d.submit(AIRCON, "complaint").await;
    let api = reqwest::Client::new();
    let search = |token: String, q: &str| {
        let request = api
            .get(d.app.at(&url("/api/v1/feedback/search", q)))
            .bearer_auth(token);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let clerk = d.app.api_token("li.jing", PASSWORD).await;
    let found = search(clerk.clone(), "广场舞 音响").await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["words"], serde_json::json!(["广场舞", "音响"]));
    let hit = &found["hits"][0];
    assert_eq!(hit["tracking_no"], sent.tracking_no.as_str());
    assert_eq!(hit["masked"], false);
    let snippet = hit["snippet"].as_str().unwrap();
    assert!(
        snippet.contains(MOBILE) && snippet.contains("<mark>广场舞</mark><mark>音响</mark>"),
        "{snippet}"
    );

    let evaluator = d.app.api_token("eval.gao", PASSWORD).await;
    let found = search(evaluator, "广场舞").await;
    let hit = &found["hits"][0];
    assert_eq!(hit["masked"], true);
    let snippet = hit["snippet"].as_str().unwrap();
    assert!(
        snippet.contains(MOBILE_MASKED) && !snippet.contains(MOBILE),
        "{snippet}"
    );

    let unauthenticated = api
        .get(d.app.at(&url("/api/v1/feedback/search", "广场舞")))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);
}

testkit::on_both_engines! {
    the_public_searches_only_what_the_board_shows(Desk),
}

async fn the_public_searches_only_what_the_board_shows(d: Desk) {
    use services::feedback::Moderation;
    let shown = d
        .submit(&format!("我的电话{MOBILE}，{DANCE}"), "complaint")
        .await;
    let redacted = d.submit("广场舞队的王老师天天骂人", "complaint").await;
    d.s()
        .feedback()
        .moderate_feedback(
            &d.clerk,
            redacted.id,
            Moderation::Clear,
            Some("广场舞队有人态度不好"),
        )
        .await
        .unwrap();
    let hidden = d.submit("广场舞的音响在凌晨还开着", "complaint").await;
    d.s()
        .feedback()
        .set_publish(&d.clerk, hidden.id, services::feedback::Publish::No)
        .await
        .unwrap();
    let public = reqwest::Client::new();
    let page = |q: &str| {
        let request = public.get(d.app.at(&url("/board/search", q)));
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };

    let (status, board) = page("广场舞").await;
    assert_eq!(status, 200);
    assert!(
        board.contains(&format!("href=\"/board/{}\"", shown.tracking_no)),
        "{board}"
    );
    assert!(board.contains(&format!("href=\"/board/{}\"", redacted.tracking_no)));
    assert!(
        !board.contains(&hidden.tracking_no),
        "an item kept off the board is not found"
    );
    assert!(board.contains("<mark>广场舞</mark>"));
    assert!(
        board.contains(MOBILE_MASKED) && !board.contains(MOBILE),
        "personal data masked"
    );
    // A word the staff's redaction took out finds nothing, though the item holds it.
    let (_, board) = page("骂人").await;
    assert!(!board.contains(&redacted.tracking_no), "{board}");
    assert!(board.contains("没有找到同时包含这些词的反馈"));

    let (status, board) = page("").await;
    assert_eq!(status, 422);
    assert!(board.contains("请输入要找的词"));
    // The board leads to the search.
    let (_, home) = d.page(&public, "/board").await;
    assert!(home.contains("action=\"/board/search\""));
}

//! What staff read, in words (issue 12): no raw codes on the item page or in the audit log,
//! evidence made of meaningful words, and answers that keep the institution's own contact
//! details while hiding the submitter's. Over HTTP, on both engines.

mod common;
mod desk;

use desk::{Desk, MOBILE, MOBILE_MASKED};
use domain::time::{DAY_MS, HOUR_MS};
use services::feedback::StaffAction;

/// Codes that once showed through untranslated; none may reach a page.
const RAW_KEYS: &[&str] = &[
    "urgent",
    "first_response_reminder",
    "first_response_overdue",
    "resolution_reminder",
    "resolution_overdue",
    "resolution_escalated",
    "feedback.publish",
    "feedback.accept",
    "feedback.assign",
    "feedback.answer",
    "feedback.priority",
    "feedback.moderated",
    "feedback.settings_changed",
    "{\"status\"",
    "\"in_review\"",
    "in_progress",
    "accepted",
    "publish_by_default",
    "reopen_days",
    "public_contacts",
    "&#34;",
    "&quot;",
];

/// The text a person reads: the page without its tags, scripts and attribute values.
fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut rest = html;
    // Styles and scripts are not read.
    while let Some(start) = rest.find("<style").or_else(|| rest.find("<script")) {
        let (before, after) = rest.split_at(start);
        out.push_str(before);
        rest = after
            .find("</style>")
            .or_else(|| after.find("</script>"))
            .map_or("", |end| &after[end..]);
    }
    out.push_str(rest);
    let html = std::mem::take(&mut out);
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn assert_no_raw_keys(what: &str, html: &str) {
    let text = visible_text(html);
    for key in RAW_KEYS {
        assert!(!text.contains(key), "{what} shows the raw `{key}`:\n{text}");
    }
}

testkit::on_both_engines! {
    the_item_page_and_the_audit_log_speak_in_words(Desk),
    the_evidence_is_made_of_meaningful_words(Desk),
    an_answer_keeps_the_institution_number_and_hides_the_submitters_own(Desk),
    themes_are_named_by_words_and_their_trend_is_drawn(Desk),
}

async fn the_item_page_and_the_audit_log_speak_in_words(d: Desk) {
    // Urgent: the head hears at once, and the timeline says so.
    let sent = d
        .submit(
            "文化站二楼的消防通道被杂物堵死了，万一着火人都跑不出去",
            "complaint",
        )
        .await;
    d.s().feedback().sweep_deadlines().await.unwrap();
    // A day and a half later the first response is overdue.
    d.app.clock.advance_ms(DAY_MS + 12 * HOUR_MS);
    d.s().feedback().sweep_deadlines().await.unwrap();
    let clerk = d.signed_in("li.jing").await;
    d.act_ok(&clerk, sent.id, &[("action", "accept")]).await;
    d.act_ok(&clerk, sent.id, &[("action", "publish"), ("publish", "no")])
        .await;
    let (status, page) = d
        .page(&clerk, &format!("/console/feedback/{}", sent.id))
        .await;
    assert_eq!(status, 200);
    let timeline = &page[page.find("class=\"item-timeline\"").unwrap()..];
    assert!(
        timeline.contains("紧急反馈，已通知部门负责人"),
        "{timeline}"
    );
    assert!(timeline.contains("首次响应已超期"), "{timeline}");
    assert_no_raw_keys("the item page", &page);

    let admin = d.signed_in("admin").await;
    let (status, audit) = d.page(&admin, "/console/audit").await;
    assert_eq!(status, 200);
    assert!(audit.contains("设定是否在公示栏公开"), "{audit}");
    assert!(audit.contains("状态：待受理 → 已受理"), "{audit}");
    assert!(audit.contains("公示栏：按本馆默认设置 → 不公示"), "{audit}");
    // The operator's whole name, on one line.
    assert!(
        audit.contains("<td class=\"nowrap\" data-label=\"操作人\">李静</td>"),
        "{audit}"
    );
    assert_no_raw_keys("the audit log", &audit);
    let csv = admin
        .get(d.app.at("/console/audit.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.contains("状态：待受理 → 已受理"), "{csv}");
    assert!(
        !csv.contains("{\"status\"") && !csv.contains("feedback.publish"),
        "{csv}"
    );
}

async fn the_evidence_is_made_of_meaningful_words(d: Desk) {
    let sent = d
        .submit(
            "我说着说着就急了，村文化大院的广场舞音响太吵了，晚上十点还在放，希望管一管",
            "complaint",
        )
        .await;
    let clerk = d.signed_in("li.jing").await;
    let (_, page) = d
        .page(&clerk, &format!("/console/feedback/{}", sent.id))
        .await;
    let reading = &page
        [page.find("id=\"reading-title\"").unwrap()..page.find("id=\"actions-title\"").unwrap()];
    assert!(reading.contains("class=\"reading-facts\""), "{reading}");
    let (item, _) = d
        .s()
        .feedback()
        .feedback_item(&d.clerk, sent.id)
        .await
        .unwrap();
    let analysis = item.analysis.expect("the text was read");
    let words: Vec<String> = [analysis.category, analysis.kind]
        .into_iter()
        .flatten()
        .flat_map(|g| g.why)
        .collect();
    assert!(!words.is_empty(), "some evidence is shown");
    for w in &words {
        assert!(
            w.chars().count() >= 2,
            "a single character: {w} in {words:?}"
        );
        assert!(!text::is_stopword(w), "a stop-word: {w} in {words:?}");
        assert!(
            !["村文", "化大", "说着", "急了"].contains(&w.as_str()),
            "a fragment: {w} in {words:?}"
        );
    }
}

async fn an_answer_keeps_the_institution_number_and_hides_the_submitters_own(d: Desk) {
    let admin = desk::staff(d.s(), "admin", common::ADMIN_PASSWORD).await;
    let mut settings = d.s().feedback().feedback_settings(&admin).await.unwrap();
    settings.public_contacts = vec!["0731-1234567".into()];
    d.s()
        .feedback()
        .update_feedback_settings(&admin, settings)
        .await
        .unwrap();
    // The submitter quotes the institution's number too: it is still the institution's.
    let sent = d
        .submit(
            "我打了0731-1234567没人接，想问书法班什么时候报名",
            "inquiry",
        )
        .await;
    d.s()
        .feedback()
        .act_on_feedback(&d.clerk, sent.id, None, StaffAction::Accept)
        .await
        .unwrap();
    let clerk = d.signed_in("li.jing").await;
    let answer = format!(
        "报名请致电我馆0731-1234567，或到人民路12号服务台。我们也已短信通知您（{MOBILE}）。"
    );

    // The preview shows what the public will read, and changes nothing.
    let response = d
        .act(
            &clerk,
            sent.id,
            &[("action", "preview_answer"), ("text", &answer)],
        )
        .await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    let preview = &page[page.find("class=\"answer-preview\"").expect("a preview")..];
    let preview = &preview[..preview.find("</section>").unwrap()];
    assert!(
        preview.contains("0731-1234567") && preview.contains(MOBILE_MASKED),
        "{preview}"
    );
    assert!(!preview.contains(MOBILE), "{preview}");
    assert!(
        page.contains("value=\"answer\">确认发送</button>"),
        "{page}"
    );
    assert!(
        page.contains(&format!(">{answer}</textarea>")),
        "what was typed stays in the box"
    );
    let (item, _) = d
        .s()
        .feedback()
        .feedback_item(&d.clerk, sent.id)
        .await
        .unwrap();
    assert_eq!(
        item.status,
        domain::feedback::Status::Accepted,
        "a preview sends nothing"
    );
    // An empty answer is named, not previewed.
    let empty = d
        .act(
            &clerk,
            sent.id,
            &[("action", "preview_answer"), ("text", " ")],
        )
        .await;
    assert_eq!(empty.status(), 422);
    assert!(empty.text().await.unwrap().contains("id=\"answer-text-e\""));

    d.act_ok(&clerk, sent.id, &[("action", "answer"), ("text", &answer)])
        .await;
    let anonymous = d.app.client();
    let tracking = anonymous
        .get(d.app.at(&sent.tracking_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        tracking.contains("报名请致电我馆0731-1234567"),
        "the tracking page keeps the number: {tracking}"
    );
    assert!(
        tracking.contains(&format!("（{MOBILE_MASKED}）")),
        "{tracking}"
    );
    let board = anonymous
        .get(d.app.at(&format!("/board/{}", sent.tracking_no)))
        .send()
        .await
        .unwrap();
    assert_eq!(board.status(), 200);
    let board = board.text().await.unwrap();
    assert!(
        board.contains("报名请致电我馆0731-1234567"),
        "the board keeps the number: {board}"
    );
    assert!(
        board.contains(&format!("（{MOBILE_MASKED}）")) && !board.contains(MOBILE),
        "{board}"
    );
}

async fn themes_are_named_by_words_and_their_trend_is_drawn(d: Desk) {
    for text in [
        "活动室能不能周末开放，空调也坏了",
        "活动室的空调坏了，夏天太热",
        "活动室空调不制冷，一直没人修",
    ] {
        // At a township's station: the same room of the same station, one request.
        d.app.org().await.send_about(d.station, text).await;
    }
    let clerk = d.signed_in("li.jing").await;
    let (status, page) = d.page(&clerk, "/console/feedback/themes").await;
    assert_eq!(status, 200);
    let table = &page[page.find("id=\"themes-h\"").unwrap()..page.find("id=\"hot-h\"").unwrap()];
    let name = table
        .split("<th scope=\"row\" data-label=\"主题\">")
        .nth(1)
        .and_then(|r| r.split("</th>").next())
        .expect("a theme");
    assert!(name.contains("空调"), "{name}");
    for word in name.split(" · ") {
        assert!(
            word.chars().count() >= 2 && !text::is_stopword(word) && word != "室能",
            "{name}"
        );
    }
    assert!(table.contains("<svg class=\"sparkline\""), "{table}");
    assert!(
        table.contains(
            "role=\"img\" aria-label=\"近 8 周每周新增条数，从早到近：0、0、0、0、0、0、0、3\""
        ),
        "{table}"
    );
    assert!(!table.contains("→"), "no text arrows: {table}");
}

//! The notice pages over HTTP, on both engines: the author's form (with attachments and a
//! double click), review, the reader's list and "已知悉", reminders, corrections,
//! retraction, and who sees what.

mod common;
mod notices_kit;

use common::location;
use domain::notice::NoticeStatus;
use domain::time::MINUTE_MS;
use notices_kit::{BODY, Staffroom, TITLE, id_in, with};

/// A submission key as long as the form's own.
const KEY: &str = "notice-key-0123456789abcdefghijklmnopqrstuv";
const FILE_TEXT: &str = "周五上午九点在二楼会议室集合";

/// The value of the hidden field `name` on a page.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} on the page"))
        + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

/// The HTML from the label of `field` to the end of its block: where its error must show.
fn field_block<'a>(page: &'a str, field: &str) -> &'a str {
    let start = page
        .find(&format!("for=\"f-{field}\""))
        .unwrap_or_else(|| panic!("no label for {field}"));
    let rest = &page[start..];
    &rest[..rest.find("</div>").unwrap_or(rest.len())]
}

testkit::on_both_engines! {
    an_author_drafts_a_reviewer_approves_and_a_recipient_acknowledges(Staffroom),
    a_bad_publish_time_is_named_next_to_its_field_and_nothing_is_saved(Staffroom),
    the_reviewer_sends_it_back_and_the_author_changes_it(Staffroom),
    the_author_reminds_corrects_and_retracts(Staffroom),
    each_person_sees_only_their_part(Staffroom),
}

async fn an_author_drafts_a_reviewer_approves_and_a_recipient_acknowledges(r: Staffroom) {
    let wang = r.signed_in("wang.fang").await;
    let (status, form) = r.page(&wang, "/console/notices/new").await;
    assert_eq!(status, 200);
    assert!(
        form.contains("<legend>接收对象"),
        "the audience is a fieldset with its legend"
    );
    assert!(
        form.contains("<option value=\"\">我的上级：陈浩</option>"),
        "the reviewer is the supervisor, by name, unless chosen"
    );
    // Reviewers are grouped by unit, each named with unit and department.
    assert!(
        form.contains("<optgroup label=\"文化馆\" data-people-group>"),
        "{form}"
    );
    assert!(
        form.contains(">文化馆 · 活动部 · 陈浩</option>")
            && form.contains(">文化馆 · 周敏</option>"),
        "{form}"
    );
    assert!(
        !form.contains("name=\"lead_override_reason\""),
        "only office directors may override the lead time"
    );
    assert!(form.contains("type=\"datetime-local\""));

    let action = r.form_action(&wang, "/console/notices/new").await;
    let fields = r.fields(KEY);
    let file: (&str, &str, &[u8]) = ("活动安排.txt", "text/plain", FILE_TEXT.as_bytes());
    let first = r.post_notice(&wang, &action, &fields, &[file]).await;
    assert_eq!(first.status(), 303, "{}", first.text().await.unwrap());
    let to = location(&first);
    let id = id_in(&to);
    assert_eq!(to, format!("/console/notices/{id}?done=created"));
    // A double click sends the same form again: one draft, one attachment.
    let again = r.post_notice(&wang, &action, &fields, &[file]).await;
    assert_eq!(location(&again), to);
    assert_eq!(r.wangs_notices().await.len(), 1);
    assert_eq!(
        r.s()
            .notices()
            .notice_attachments(&r.wang, id)
            .await
            .unwrap()
            .len(),
        1
    );

    let (_, page) = r.page(&wang, &to).await;
    assert!(page.contains("草稿已保存"), "{page}");
    assert!(page.contains("id=\"form-submit\"") && page.contains(">送审</button>"));
    assert!(
        !page.contains("id=\"form-review\""),
        "nobody reviews their own notice"
    );
    assert!(
        page.contains("<li>活动照片</li>"),
        "the body's list shows as a list"
    );
    assert!(page.contains("请于周五前把本月活动台账交到办公室。"));
    assert!(page.contains(">活动安排.txt</a>"));

    let page = r.act_ok(&wang, id, &[("action", "submit")]).await;
    assert!(page.contains("已送审"), "{page}");
    assert!(!page.contains("id=\"form-review\"") && !page.contains("id=\"form-submit\""));

    // The head finds it waiting and approves it.
    let head = r.signed_in("chen.hao").await;
    let (_, list) = r.page(&head, "/console/notices?tab=review").await;
    assert!(list.contains("aria-current=\"page\">待我审核"), "{list}");
    assert!(list.contains(TITLE));
    let (_, page) = r.page(&head, &format!("/console/notices/{id}")).await;
    assert!(page.contains("id=\"form-review\""));
    assert!(
        page.contains("value=\"approve\">通过</button>")
            && page.contains(">退回修改</button>")
            && page.contains(">不通过</button>")
    );
    let page = r
        .act_ok(
            &head,
            id,
            &[
                ("action", "review"),
                ("decision", "approve"),
                ("comment", ""),
            ],
        )
        .await;
    assert!(
        page.contains("已审核通过") && page.contains("已发布"),
        "{page}"
    );

    // 赵丽 has it at the top of her list, opens it from the e-mail and acknowledges it.
    let zhao = r.signed_in("zhao.li").await;
    let (_, list) = r.page(&zhao, "/console/notices").await;
    assert!(
        list.contains("aria-current=\"page\">发给我的"),
        "the recipient's list is the default tab"
    );
    let pending = &list[list
        .find("id=\"pending-title\"")
        .expect("a section of what waits")..];
    let pending = &pending[..pending.find("</section>").unwrap()];
    assert!(
        pending.contains(TITLE) && pending.contains("需确认知悉"),
        "{pending}"
    );
    let (_, page) = r
        .page(&zhao, &format!("/console/notices/{id}?via=email"))
        .await;
    assert!(page.contains("id=\"form-acknowledge\"") && page.contains(">已知悉</button>"));
    assert!(
        !page.contains("id=\"form-review\"") && !page.contains("/receipts\""),
        "a recipient neither reviews nor sees others' receipts"
    );
    let receipts = r
        .s()
        .notices()
        .notice_receipts(&r.wang, id, None, None)
        .await
        .unwrap();
    let line = receipts.lines.iter().find(|l| l.name == "赵丽").unwrap();
    assert_eq!(
        line.read_via.as_deref(),
        Some("email"),
        "opening the page recorded the reading"
    );
    let page = r.act_ok(&zhao, id, &[("action", "acknowledge")]).await;
    assert!(page.contains("已确认知悉，谢谢"));
    assert!(
        !page.contains("id=\"form-acknowledge\""),
        "acknowledged once is enough"
    );
    let (_, list) = r.page(&zhao, "/console/notices").await;
    assert!(
        !list.contains("id=\"pending-title\"") && list.contains(TITLE),
        "nothing waits for her any more"
    );

    // She downloads the attachment as it was uploaded; someone outside cannot.
    let attachment = r
        .s()
        .notices()
        .notice_attachments(&r.wang, id)
        .await
        .unwrap()[0]
        .id;
    let url = r
        .app
        .at(&format!("/console/notices/attachments/{attachment}"));
    let response = zhao.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert_eq!(header("content-type"), "text/plain");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(header("content-disposition").starts_with("attachment;"));
    assert!(
        header("content-disposition")
            .contains("filename*=UTF-8''%E6%B4%BB%E5%8A%A8%E5%AE%89%E6%8E%92.txt")
    );
    assert_eq!(response.text().await.unwrap(), FILE_TEXT);
    let tang = r.signed_in("tang.li").await;
    assert_eq!(tang.get(&url).send().await.unwrap().status(), 404);

    // The author sees how far it got (the head, in 活动部 too, read it on the page his
    // approval led to), and may remind the unread.
    let (_, page) = r.page(&wang, &format!("/console/notices/{id}")).await;
    let reading = &page[page.find("class=\"reading\"").expect("the reading counts")..];
    assert!(
        reading.starts_with("class=\"reading\">2 人中 2 人已读，1 人已确认知悉"),
        "{reading}"
    );
    assert!(page.contains(&format!("href=\"/console/notices/{id}/receipts\"")));
    assert!(page.contains("id=\"form-remind\""));
    let timeline = &page[page.find("class=\"item-timeline\"").unwrap()..];
    assert!(
        timeline.contains("审核通过")
            && timeline.contains("陈浩")
            && timeline.contains("送达 2 人"),
        "{timeline}"
    );
}

async fn a_bad_publish_time_is_named_next_to_its_field_and_nothing_is_saved(r: Staffroom) {
    let wang = r.signed_in("wang.fang").await;
    let action = r.form_action(&wang, "/console/notices/new").await;
    let fields = with(&r.fields(KEY), "publish_at", "2026-02-30T09:00");
    let response = r.post_notice(&wang, &action, &fields, &[]).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    let block = field_block(&page, "publish_at");
    assert!(
        block.contains(">发布时间<")
            && block.contains("id=\"e-publish_at\"")
            && block.contains("请填写正确的时间"),
        "{block}"
    );
    assert!(
        page.contains(&format!("value=\"{TITLE}\"")),
        "the title is kept"
    );
    assert!(page.contains(BODY), "the body is kept");
    assert!(
        page.contains(&format!(
            "name=\"audience_department\" value=\"{}\" checked",
            r.activity
        )),
        "the audience is kept"
    );
    assert!(
        page.contains("value=\"2026-02-30T09:00\""),
        "the bad time is shown as typed"
    );
    assert!(r.wangs_notices().await.is_empty(), "nothing was saved");

    // A time that is well-formed but past is the service's to refuse, at the same field.
    let fields = with(&r.fields(KEY), "publish_at", "2026-11-20T09:00");
    let response = r.post_notice(&wang, &action, &fields, &[]).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        field_block(&page, "publish_at").contains("发布时间不能早于现在"),
        "{page}"
    );
    assert!(r.wangs_notices().await.is_empty());

    // A notice to nobody is refused at the audience.
    let fields = with(&r.fields(KEY), "audience_department", "");
    let fields: Vec<(String, String)> = fields
        .into_iter()
        .filter(|(k, _)| k != "audience_department")
        .collect();
    let response = r.post_notice(&wang, &action, &fields, &[]).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("id=\"e-audience\"") && page.contains("请至少选择一个接收对象"),
        "{page}"
    );
    assert!(r.wangs_notices().await.is_empty());

    // In English, in English.
    let (status, _) = r.page(&wang, "/console/notices/new?lang=en").await;
    assert_eq!(status, 200);
    let action = r.form_action(&wang, "/console/notices/new").await;
    let fields = with(&r.fields(KEY), "effective_at", "next monday");
    let response = r.post_notice(&wang, &action, &fields, &[]).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    let block = field_block(&page, "effective_at");
    assert!(
        block.contains(">Effective date<") && block.contains("Enter a valid date (year-month-day)"),
        "{block}"
    );
    assert!(r.wangs_notices().await.is_empty());
}

async fn the_reviewer_sends_it_back_and_the_author_changes_it(r: Staffroom) {
    let id = r.draft().await;
    r.s().notices().submit_notice(&r.wang, id).await.unwrap();
    let head = r.signed_in("chen.hao").await;
    // Sending back needs a comment, asked for at its field; nothing changes without one.
    let response = r
        .act(
            &head,
            id,
            &[
                ("action", "review"),
                ("decision", "request_changes"),
                ("comment", "  "),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("id=\"review-comment-e\"") && page.contains("此项必填"),
        "{page}"
    );
    assert_eq!(r.notice(id).await.status, NoticeStatus::InReview);
    let page = r
        .act_ok(
            &head,
            id,
            &[
                ("action", "review"),
                ("decision", "request_changes"),
                ("comment", "请写明报送截止时间"),
            ],
        )
        .await;
    assert!(page.contains("已退回撰写人修改"));

    let wang = r.signed_in("wang.fang").await;
    let (_, page) = r.page(&wang, &format!("/console/notices/{id}")).await;
    assert!(
        page.contains("退回修改") && page.contains("请写明报送截止时间"),
        "the author reads why"
    );
    assert!(page.contains(&format!("href=\"/console/notices/{id}/edit\"")));
    let edit_path = format!("/console/notices/{id}/edit");
    let (status, edit) = r.page(&wang, &edit_path).await;
    assert_eq!(status, 200);
    assert!(edit.contains(&format!("value=\"{TITLE}\"")));
    assert!(
        edit.contains(&format!(
            "name=\"audience_department\" value=\"{}\" checked",
            r.activity
        )),
        "the audience as chosen"
    );
    let seen = hidden(&edit, "seen");
    let action = r.form_action(&wang, &edit_path).await;
    let changed = "关于十一月活动台账报送的通知（周五下班前截止）";
    let fields = with(&with(&r.fields(""), "title", changed), "seen", &seen);
    let response = r.post_notice(&wang, &action, &fields, &[]).await;
    assert_eq!(
        location(&response),
        format!("/console/notices/{id}?done=saved")
    );
    assert_eq!(r.notice(id).await.title, changed);

    // A form drawn before that save does not overwrite it.
    let stale = with(&with(&r.fields(""), "title", "旧标题"), "seen", &seen);
    let response = r.post_notice(&wang, &action, &stale, &[]).await;
    assert_eq!(response.status(), 409);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("内容已被他人修改") && page.contains("value=\"旧标题\""),
        "{page}"
    );
    assert_eq!(r.notice(id).await.title, changed);

    // A file added while editing is listed with its remove button.
    let (_, edit) = r.page(&wang, &edit_path).await;
    let fields = with(
        &with(&r.fields(""), "title", changed),
        "seen",
        &hidden(&edit, "seen"),
    );
    let file: (&str, &str, &[u8]) = ("签到表.csv", "text/csv", "姓名,签到\n".as_bytes());
    let response = r.post_notice(&wang, &action, &fields, &[file]).await;
    assert_eq!(response.status(), 303);
    let attachment = r
        .s()
        .notices()
        .notice_attachments(&r.wang, id)
        .await
        .unwrap()[0]
        .id;
    let (_, edit) = r.page(&wang, &edit_path).await;
    let remove = format!("/console/notices/{id}/attachments/{attachment}/remove");
    assert!(edit.contains(&remove) && edit.contains("签到表.csv"));
    let response = r.app.post_form(&wang, &edit_path, &remove, &[]).await;
    assert_eq!(location(&response), format!("{edit_path}?done=removed"));
    let (_, edit) = r.page(&wang, &location(&response)).await;
    assert!(edit.contains("附件已删除"));
    assert!(
        r.s()
            .notices()
            .notice_attachments(&r.wang, id)
            .await
            .unwrap()
            .is_empty()
    );

    // Only the author edits (the office sees the draft, but may not change it), and only
    // until it is sent for review again.
    let clerk = r.signed_in("li.jing").await;
    let (status, _) = r.page(&clerk, &edit_path).await;
    assert_eq!(status, 403);
    r.s().notices().submit_notice(&r.wang, id).await.unwrap();
    let (status, page) = r.page(&wang, &edit_path).await;
    assert_eq!(status, 409);
    assert!(page.contains("不能再修改"), "{page}");
}

async fn the_author_reminds_corrects_and_retracts(r: Staffroom) {
    let id = r.published().await;
    let wang = r.signed_in("wang.fang").await;
    let page = r.act_ok(&wang, id, &[("action", "remind")]).await;
    assert!(page.contains("已提醒 2 位同事"), "{page}");
    // Again at once: a friendly refusal, nobody is reminded twice.
    let response = r.act(&wang, id, &[("action", "remind")]).await;
    assert_eq!(response.status(), 429);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("5 分钟内只能提醒一次，请 5 分钟后再试"),
        "{page}"
    );
    assert!(page.contains("role=\"alert\""));
    r.app.clock.advance_ms(5 * MINUTE_MS);
    let page = r.act_ok(&wang, id, &[("action", "remind")]).await;
    assert!(page.contains("已提醒 2 位同事"));

    // A correction must change something and say what.
    let response = r
        .act(
            &wang,
            id,
            &[
                ("action", "correct"),
                ("title", TITLE),
                ("body", BODY),
                ("change_note", "无"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("id=\"correct-body-e\"") && page.contains("标题和正文都没有改动"),
        "{page}"
    );
    let corrected = "各位同事：\n请于下周一前把本月活动台账交到办公室。";
    let page = r
        .act_ok(
            &wang,
            id,
            &[
                ("action", "correct"),
                ("title", TITLE),
                ("body", corrected),
                ("change_note", "截止时间改为下周一"),
            ],
        )
        .await;
    assert!(page.contains("已更正，接收人会收到变更通知"));
    assert!(
        page.contains("第 2 版")
            && page.contains("已更正 1 次")
            && page.contains("截止时间改为下周一"),
        "{page}"
    );
    let earlier = &page[page
        .find("id=\"versions-title\"")
        .expect("the earlier version")..];
    assert!(earlier.contains("请于周五前把本月活动台账交到办公室。"));

    // The recipient reads the corrected text and what changed.
    let zhao = r.signed_in("zhao.li").await;
    let (_, page) = r.page(&zhao, &format!("/console/notices/{id}")).await;
    assert!(page.contains("请于下周一前") && page.contains("截止时间改为下周一"));
    assert!(!page.contains("id=\"form-correct\"") && !page.contains("id=\"form-retract\""));

    // Retracting needs a reason; recipients see it retracted.
    let response = r
        .act(&wang, id, &[("action", "retract"), ("reason", "")])
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("id=\"retract-reason-e\"")
    );
    let page = r
        .act_ok(
            &wang,
            id,
            &[("action", "retract"), ("reason", "活动延期，另行通知")],
        )
        .await;
    assert!(
        page.contains("通知已撤回") && page.contains("原因：活动延期，另行通知"),
        "{page}"
    );
    assert!(!page.contains("id=\"form-remind\""));
    let (_, list) = r.page(&zhao, "/console/notices").await;
    assert!(list.contains(TITLE) && list.contains("已撤回"), "{list}");
    let (_, page) = r.page(&zhao, &format!("/console/notices/{id}")).await;
    assert!(page.contains("原因：活动延期，另行通知") && !page.contains("id=\"form-acknowledge\""));
}

async fn each_person_sees_only_their_part(r: Staffroom) {
    let id = r.draft().await;
    let path = format!("/console/notices/{id}");
    // A draft exists for nobody but its author; another station never sees it.
    for who in ["zhao.li", "tang.li"] {
        let client = r.signed_in(who).await;
        let (status, _) = r.page(&client, &path).await;
        assert_eq!(status, 404, "{who}");
    }
    let zhao = r.signed_in("zhao.li").await;
    let (_, list) = r.page(&zhao, "/console/notices").await;
    assert!(
        !list.contains("?tab=office") && !list.contains("?tab=review"),
        "{list}"
    );
    let (status, _) = r.page(&zhao, "/console/notices?tab=office").await;
    assert_eq!(status, 403);

    // The office sees every notice of its units, but reviewing is for reviewers.
    r.s().notices().submit_notice(&r.wang, id).await.unwrap();
    let clerk = r.signed_in("li.jing").await;
    let (status, list) = r.page(&clerk, "/console/notices?tab=office").await;
    assert_eq!(status, 200);
    assert!(
        list.contains("aria-current=\"page\">全部") && list.contains(TITLE),
        "{list}"
    );
    let (_, page) = r.page(&clerk, &path).await;
    assert!(page.contains(TITLE) && !page.contains("id=\"form-review\""));
    let response = r
        .act(&clerk, id, &[("action", "review"), ("decision", "approve")])
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(r.notice(id).await.status, NoticeStatus::InReview);

    // Only an office director is offered the lead-time override, on the form and in review.
    let director = r.signed_in("zhou.min").await;
    let (_, form) = r.page(&director, "/console/notices/new").await;
    assert!(form.contains("name=\"lead_override_reason\""));
    let (_, page) = r.page(&director, &path).await;
    assert!(
        page.contains("id=\"form-review\"") && page.contains("id=\"review-lead_override_reason\"")
    );
    let head = r.signed_in("chen.hao").await;
    let (_, page) = r.page(&head, &path).await;
    assert!(page.contains("id=\"form-review\"") && !page.contains("lead_override_reason"));

    // Nothing to see at an id that does not exist.
    let (status, _) = r.page(&zhao, "/console/notices/999999").await;
    assert_eq!(status, 404);
}

testkit::on_both_engines! {
    the_author_sees_how_each_group_robot_announced_it(Staffroom),
    the_office_finds_the_report_robots_and_hall_screen_and_everyone_the_box(Staffroom),
}

async fn the_author_sees_how_each_group_robot_announced_it(r: Staffroom) {
    let good = testkit::HttpRecorder::start().await;
    let broken = testkit::HttpRecorder::start().await;
    broken.respond_with(200, r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#);
    for (name, server) in [("活动部工作群", &good), ("旧工作群", &broken)] {
        let robot = services::notices::NewRobot {
            kind: "wecom".into(),
            name: name.into(),
            unit: r.root.0.to_string(),
            webhook: server.url("/cgi-bin/webhook/send?key=k-0123456789"),
            secret: String::new(),
        };
        r.s().notices().add_robot(&r.director, robot).await.unwrap();
    }
    let id = r.published().await;
    while r.app.run_worker().await > 0 {}
    assert_eq!(good.requests().len(), 1);

    let wang = r.signed_in("wang.fang").await;
    let (_, page) = r.page(&wang, &format!("/console/notices/{id}")).await;
    let panel = &page[page.find("id=\"robots-title\"").expect("the robots panel")..];
    let panel = &panel[..panel.find("</section>").unwrap()];
    let line = |name: &str| {
        let at = panel
            .find(name)
            .unwrap_or_else(|| panic!("{name} in {panel}"));
        panel[at..].split("</li>").next().unwrap().to_owned()
    };
    assert!(
        line("活动部工作群").contains("企业微信") && line("活动部工作群").contains("已发送"),
        "{panel}"
    );
    let failed = line("旧工作群");
    assert!(
        failed.contains("发送失败") && failed.contains("the key is not valid"),
        "{failed}"
    );
    assert!(!panel.contains("k-0123456789"), "the webhook never shows");

    // A recipient does not see how it went out.
    let zhao = r.signed_in("zhao.li").await;
    let (_, page) = r.page(&zhao, &format!("/console/notices/{id}")).await;
    assert!(!page.contains("id=\"robots-title\""));
}

async fn the_office_finds_the_report_robots_and_hall_screen_and_everyone_the_box(r: Staffroom) {
    let clerk = r.signed_in("li.jing").await;
    let (_, list) = r.page(&clerk, "/console/notices").await;
    for href in [
        "/console/suggestions",
        "/console/notices/report",
        "/console/settings/robots",
        "/board/notices",
    ] {
        assert!(
            list.contains(&format!("href=\"{href}\"")),
            "{href} for the office"
        );
    }
    // The office clerk keeps no other settings: the settings link leads to the robots.
    let (_, home) = r.page(&clerk, "/console").await;
    assert!(home.contains("href=\"/console/settings\""), "{home}");
    let to = clerk
        .get(r.app.at("/console/settings"))
        .send()
        .await
        .unwrap();
    assert_eq!(common::location(&to), "/console/settings/robots");

    let zhao = r.signed_in("zhao.li").await;
    let (_, list) = r.page(&zhao, "/console/notices").await;
    assert!(list.contains("href=\"/console/suggestions\""));
    assert!(
        !list.contains("href=\"/console/notices/report\"")
            && !list.contains("href=\"/console/settings/robots\"")
    );
    let (_, home) = r.page(&zhao, "/console").await;
    assert!(
        home.contains("href=\"/console/suggestions\"")
            && !home.contains("href=\"/console/settings\"")
    );
}

/// The HTML of the section with `id` on a page, up to its end.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} on the page"));
    let rest = &page[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

// Issue 12 (ux-notices): the public hall screen shows only what an author chose to put
// there, and whoever decides about a notice sees who it is for.
testkit::on_both_engines! {
    the_hall_screen_is_the_authors_choice_and_only_for_whole_units(Staffroom),
    the_reviewer_sees_who_a_notice_is_for_and_a_recipient_does_not(Staffroom),
    the_office_director_chooses_a_reviewer_on_the_form_when_nobody_is_above_him(Staffroom),
}

async fn the_hall_screen_is_the_authors_choice_and_only_for_whole_units(r: Staffroom) {
    let wang = r.signed_in("wang.fang").await;
    let screen = r.app.client();
    let (_, form) = r.page(&wang, "/console/notices/new").await;
    assert!(
        form.contains("id=\"f-on_hall_screen\" name=\"on_hall_screen\" value=\"yes\"\n"),
        "offered, not ticked: {form}"
    );
    assert!(
        form.contains(
            "大厅公告屏不用登录，来访群众也能看到标题和正文。只有发给整个单位的通知才能勾选"
        ),
        "the form says plainly what it means"
    );

    // Ticked for a notice to 活动部: refused next to the choice, nothing saved.
    let action = r.form_action(&wang, "/console/notices/new").await;
    let ticked = with(&r.fields(KEY), "on_hall_screen", "yes");
    let response = r.post_notice(&wang, &action, &ticked, &[]).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    let choice = &page[page.find("id=\"f-on_hall_screen\"").unwrap()..];
    let choice = &choice[..choice.find("</details>").unwrap()];
    assert!(
        choice.contains("aria-invalid=\"true\"")
            && choice.contains("只有发给整个单位的通知才能在大厅公告屏上公开显示"),
        "{choice}"
    );
    assert!(r.wangs_notices().await.is_empty());

    // A meeting notice to the people of 活动部, published: never on the public screen.
    let internal = r.published().await;
    let (_, page) = r.page(&wang, &format!("/console/notices/{internal}")).await;
    assert!(page.contains("<dd class=\"hall-screen\">不显示</dd>"));
    let (status, board) = r.page(&screen, "/board/notices").await;
    assert_eq!(status, 200);
    assert!(
        !board.contains(TITLE) && !board.contains("活动照片"),
        "{board}"
    );
    // Nor anywhere else without a staff session.
    for path in [
        "/".to_owned(),
        "/board".to_owned(),
        "/console/notices".to_owned(),
        format!("/console/notices/{internal}"),
        format!("/console/notices/{internal}/receipts"),
        format!("/console/notices/{internal}/receipts.csv"),
        "/console/notices/events".to_owned(),
    ] {
        let (_, page) = r.page(&screen, &path).await;
        for secret in [TITLE, "活动照片", "赵丽", "陈浩"] {
            assert!(
                !page.contains(secret),
                "{path} shows {secret} without a staff session"
            );
        }
    }

    // To the whole centre, ticked: there once published.
    let mut whole: Vec<(String, String)> = r
        .fields("notice-key-hall-0123456789abcdefghijklmnopq")
        .into_iter()
        .filter(|(name, _)| name != "audience_department")
        .collect();
    whole.push(("audience_unit".into(), r.root.0.to_string()));
    whole.push(("on_hall_screen".into(), "yes".into()));
    let whole = with(&whole, "title", "冬季开放时间调整");
    let response = r.post_notice(&wang, &action, &whole, &[]).await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let id = id_in(&location(&response));
    r.act_ok(&wang, id, &[("action", "submit")]).await;
    let (_, board) = r.page(&screen, "/board/notices").await;
    assert!(
        !board.contains("冬季开放时间调整"),
        "not before it is published"
    );
    let head = r.signed_in("chen.hao").await;
    let page = r
        .act_ok(
            &head,
            id,
            &[
                ("action", "review"),
                ("decision", "approve"),
                ("comment", ""),
            ],
        )
        .await;
    assert!(
        page.contains("<dd class=\"hall-screen\">公开显示（不用登录就能看到）</dd>"),
        "the reviewer sees it goes public"
    );
    let (_, board) = r.page(&screen, "/board/notices").await;
    assert!(board.contains("冬季开放时间调整"));
    assert!(
        board.contains("<li>活动照片</li><li>签到表</li>"),
        "lists as lists: {board}"
    );
    assert!(!board.contains("- 活动照片"));
    assert!(!board.contains(TITLE), "still not the department's notice");
}

async fn the_reviewer_sees_who_a_notice_is_for_and_a_recipient_does_not(r: Staffroom) {
    let centre = r.s().org_tree(r.wang.actor.tenant_id).await.unwrap().units[0]
        .name
        .clone();
    let id = r.draft().await;
    r.s().notices().submit_notice(&r.wang, id).await.unwrap();

    // The head, asked to approve, sees the audience in words and the people it reaches.
    let head = r.signed_in("chen.hao").await;
    let (_, page) = r.page(&head, &format!("/console/notices/{id}")).await;
    let audience = section(&page, "audience");
    assert!(
        audience.contains(&format!("<li>{centre} · 活动部</li>")),
        "{audience}"
    );
    assert!(
        audience.contains("按目前的人员名单，将发给 2 人"),
        "{audience}"
    );
    assert!(
        audience.contains(&format!("<li>赵丽（{centre} · 活动部）</li>")),
        "{audience}"
    );
    assert!(
        audience.contains(&format!("<li>陈浩（{centre} · 活动部）</li>")),
        "{audience}"
    );
    assert!(!audience.contains("王芳（"), "never the author");

    r.act_ok(
        &head,
        id,
        &[
            ("action", "review"),
            ("decision", "approve"),
            ("comment", ""),
        ],
    )
    .await;
    // The author and the office: the people it went to, and the way to the receipts.
    for who in ["wang.fang", "li.jing"] {
        let client = r.signed_in(who).await;
        let (_, page) = r.page(&client, &format!("/console/notices/{id}")).await;
        let audience = section(&page, "audience");
        assert!(audience.contains("已发给 2 人"), "{who}: {audience}");
        assert!(
            audience.contains(&format!("href=\"/console/notices/{id}/receipts\"")),
            "{who}: {audience}"
        );
    }

    // 赵丽 reads the notice, not the list of who else got it.
    let zhao = r.signed_in("zhao.li").await;
    let (status, page) = r.page(&zhao, &format!("/console/notices/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        !page.contains("id=\"audience\"") && !page.contains("陈浩（"),
        "{page}"
    );
}

async fn the_office_director_chooses_a_reviewer_on_the_form_when_nobody_is_above_him(r: Staffroom) {
    let director = r.signed_in("zhou.min").await;
    let (_, form) = r.page(&director, "/console/notices/new").await;
    assert!(
        !form.contains("我的上级"),
        "no supervisor is offered who does not exist"
    );
    assert!(
        form.contains("<option value=\"\">请选择审核人</option>"),
        "{form}"
    );
    assert!(form.contains("您没有可以默认审核的上级"));

    // Left as it came: refused at once, next to the reviewer, and nothing saved.
    let action = r.form_action(&director, "/console/notices/new").await;
    let response = r.post_notice(&director, &action, &r.fields(KEY), &[]).await;
    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(
        field_block(&page, "reviewer").contains("找不到默认审核人"),
        "{page}"
    );
    assert!(
        r.s()
            .notices()
            .list(&r.director, services::notices::NoticeListFilter::Mine, 50)
            .await
            .unwrap()
            .is_empty()
    );

    // He picks 陈浩, and the notice goes to him for review.
    let chen = r.head.actor.user_id.0.to_string();
    let response = r
        .post_notice(
            &director,
            &action,
            &with(&r.fields(KEY), "reviewer", &chen),
            &[],
        )
        .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let id = id_in(&location(&response));
    let page = r.act_ok(&director, id, &[("action", "submit")]).await;
    assert!(page.contains("已送审"), "{page}");
    assert_eq!(
        r.s()
            .notices()
            .notice(&r.head, id)
            .await
            .unwrap()
            .reviewer_name
            .as_deref(),
        Some("陈浩")
    );
}

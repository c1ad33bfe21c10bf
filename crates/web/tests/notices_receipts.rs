//! Notices over HTTP, on both engines: the receipts page and its exports for the author
//! and the office (never for recipients), the console's badge on every page and its live
//! event stream, the monthly spot-check page and spreadsheet, and the hall-screen board.

mod common;

use calamine::{Data, Reader, Xlsx};
use common::{PASSWORD, TestApp};
use domain::notice::AudienceRule;
use domain::time::{DAY_MS, HOUR_MS, MINUTE_MS};
use domain::{Clock, DepartmentId, UnitId};
use services::notices::NoticeDraft;
use services::{Services, Staff};
use std::time::Duration;
use testkit::scenario::{PersonExt, person, publish};

/// The centre with 活动部 (its head 陈部长, 王芳 who writes, 赵丽) and 培训部 (钱进), and the
/// office clerk 李静; everyone with an e-mail address and a mobile number.
struct Staffroom {
    app: TestApp,
    root: UnitId,
    activity: i64,
    training: i64,
    wang: Staff,
    head: Staff,
    zhao: Staff,
    qian: Staff,
    clerk: Staff,
}

impl testkit::Fixture for Staffroom {
    async fn setup(db: &testkit::TestDb) -> Staffroom {
        let app = TestApp::setup(db).await;
        let org = app.org().await;
        let root = org.root;
        let activity = org.add_department_of(root, "activity", "活动部").await;
        let training = org.add_department_of(root, "training", "培训部").await;
        let people = [
            person("wang.fang", "王芳", "department_staff", root).in_department(activity),
            person("chen.hao", "陈部长", "department_head", root).in_department(activity),
            person("zhao.li", "赵丽", "department_staff", root).in_department(activity),
            person("qian.jin", "钱进", "department_staff", root).in_department(training),
            person("li.jing", "李静", "office_clerk", root),
        ];
        let mut i = 0;
        let [wang, head, zhao, qian, clerk] = org
            .hire_all(people.map(|p| {
                i += 1;
                p.with_email().with_mobile(i - 1)
            }))
            .await;
        Staffroom {
            app,
            root,
            activity: activity.0,
            training: training.0,
            wang,
            head,
            zhao,
            qian,
            clerk,
        }
    }
}

impl Staffroom {
    fn s(&self) -> &Services {
        &self.app.services
    }

    fn draft(&self, title: &str, priority: &str) -> NoticeDraft {
        NoticeDraft {
            title: title.into(),
            body: "请各位同事周五前把本月活动台账交到办公室。".into(),
            category: "notice".into(),
            priority: priority.into(),
            requires_ack: true,
            audience: vec![
                AudienceRule::Department {
                    department: DepartmentId(self.activity),
                },
                AudienceRule::Department {
                    department: DepartmentId(self.training),
                },
            ],
            ..Default::default()
        }
    }

    /// `draft` to everyone at the centre, shown on the hall screen.
    fn for_hall(&self, mut draft: NoticeDraft) -> NoticeDraft {
        draft.audience = vec![AudienceRule::Unit { unit: self.root }];
        draft.on_hall_screen = true;
        draft
    }

    /// 王芳 writes to both departments (陈部长, 赵丽 and 钱进 receive it), her head approves,
    /// and it goes out at once.
    async fn publish(&self, draft: NoticeDraft) -> i64 {
        publish(self.s(), &self.wang, &self.head, &draft).await
    }

    async fn signed_in(&self, username: &str) -> reqwest::Client {
        let client = self.app.client();
        self.app.sign_in(&client, username, PASSWORD).await;
        client
    }

    async fn page(&self, client: &reqwest::Client, path: &str) -> (u16, String) {
        let response = client.get(self.app.at(path)).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }
}

/// The text of the table's body rows, one string per row.
fn table_rows(page: &str) -> Vec<String> {
    let Some(start) = page.find("<tbody>") else {
        return Vec::new();
    };
    let end = page[start..].find("</tbody>").unwrap() + start;
    page[start..end]
        .split("<tr>")
        .skip(1)
        .map(str::to_owned)
        .collect()
}

/// A server-sent event stream read over a real HTTP connection.
struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    async fn open(client: &reqwest::Client, url: String) -> Events {
        let response = client.get(url).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Events {
            response,
            buffer: String::new(),
        }
    }

    /// The next `pending` event's number, or `None` when the server ended the stream.
    /// Waits at most ten seconds: a change must arrive at once, not at the next recheck.
    async fn next_count(&mut self) -> Option<i64> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    block
                        .lines()
                        .find_map(|l| l.strip_prefix(name))
                        .map(|v| v.trim().to_owned())
                };
                if field("event:").as_deref() == Some("pending") {
                    return Some(field("data:").unwrap().parse().unwrap());
                }
                continue; // a keep-alive comment
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), self.response.chunk())
                .await
                .expect("an event within ten seconds")
                .unwrap()?;
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }
}

testkit::on_both_engines! {
    receipts_show_who_read_to_the_author_and_the_office_only(Staffroom),
    the_badge_counts_what_is_pending_on_every_page(Staffroom),
    the_event_stream_sends_the_count_and_its_changes(Staffroom),
    the_badge_changes_in_an_open_page_without_reloading(Staffroom),
    the_monthly_report_page_and_its_spreadsheet(Staffroom),
    the_hall_screen_shows_current_notices_without_recipients(Staffroom),
}

async fn receipts_show_who_read_to_the_author_and_the_office_only(r: Staffroom) {
    // The SMS gateway refuses every message: urgent notices go out by SMS too.
    r.app
        .sms
        .respond_with(400, "{\"errcode\":40001,\"errmsg\":\"模板未审核\"}");
    let id = r
        .publish(r.draft("消防通道堵塞，今天下午清理", "urgent"))
        .await;
    r.app.run_worker().await;
    r.s()
        .notices()
        .read_notice(&r.zhao, id, "email")
        .await
        .unwrap();
    r.s()
        .notices()
        .acknowledge_notice(&r.zhao, id)
        .await
        .unwrap();
    r.s()
        .notices()
        .read_notice(&r.qian, id, "console")
        .await
        .unwrap();

    let wang = r.signed_in("wang.fang").await;
    let path = format!("/console/notices/{id}/receipts");
    let (status, page) = r.page(&wang, &path).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("《消防通道堵塞，今天下午清理》的阅读回执"));
    assert!(page.contains("id=\"count-total\">3<"), "three recipients");
    assert!(page.contains("id=\"count-read\">2<") && page.contains("id=\"count-acknowledged\">1<"));
    assert!(page.contains("id=\"count-unread\">1<"));
    assert!(
        page.contains("id=\"count-failures\">3<"),
        "every SMS failed"
    );
    let rows = table_rows(&page);
    assert_eq!(rows.len(), 3);
    let zhao = rows.iter().find(|row| row.contains("赵丽")).unwrap();
    assert!(
        zhao.contains("已知悉") && zhao.contains("邮件链接"),
        "{zhao}"
    );
    assert!(zhao.contains("活动部"));
    assert!(
        zhao.contains("11-23 09:00"),
        "times on Beijing's clock: {zhao}"
    );
    assert!(
        zhao.contains("the SMS gateway answered 400"),
        "the failure's reason is shown: {zhao}"
    );
    let head = rows.iter().find(|row| row.contains("陈部长")).unwrap();
    assert!(
        head.contains("receipt-unread") && head.contains("未读"),
        "{head}"
    );
    assert!(!page.contains("王芳</th>"), "the author is not a recipient");

    // Filters: by state, by department (named with its unit: nine offices are not nine
    // "办公室"), both.
    assert!(
        page.contains(&format!(
            "<option value=\"{}\">文化馆 · 活动部</option>",
            r.activity
        )),
        "{page}"
    );
    let (_, unread) = r.page(&wang, &format!("{path}?state=unread")).await;
    let rows = table_rows(&unread);
    assert_eq!(rows.len(), 1);
    assert!(rows[0].contains("陈部长"));
    assert!(unread.contains("符合条件的共 1 人；第 1/1 页"), "{unread}");
    assert!(!unread.contains("rel=\"next\""), "one page only");
    let (_, training) = r
        .page(&wang, &format!("{path}?department={}", r.training))
        .await;
    let rows = table_rows(&training);
    assert_eq!(rows.len(), 1);
    assert!(rows[0].contains("钱进") && rows[0].contains("已读") && rows[0].contains("工作台"));
    let (_, both) = r
        .page(
            &wang,
            &format!("{path}?department={}&state=read", r.activity),
        )
        .await;
    assert!(table_rows(&both)[0].contains("没有符合条件的接收人"));
    assert!(
        both.contains(&format!(
            "receipts.csv?department={}&#38;state=read",
            r.activity
        )),
        "exports keep the filters: {both}"
    );

    // CSV for Chinese Excel, filtered like the page.
    let csv = wang
        .get(r.app.at(&format!("{path}.csv?department={}", r.activity)))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        csv.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("no-store")
    );
    let bytes = csv.bytes().await.unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "the BOM Chinese Excel needs"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("姓名,部门,状态,送达,阅读,阅读方式,确认知悉,邮件"),
        "{text}"
    );
    assert_eq!(lines.len(), 3, "the head and Zhao: {text}");
    assert!(
        text.contains("赵丽,活动部,已知悉,2026-11-23 09:00"),
        "{text}"
    );
    assert!(!text.contains("钱进"));

    // XLSX with real dates.
    let xlsx = wang
        .get(r.app.at(&format!("{path}.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    let mut book = Xlsx::new(std::io::Cursor::new(xlsx.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    assert_eq!(range.get_value((0, 0)), Some(&Data::String("姓名".into())));
    assert_eq!(range.height(), 4);
    let zhao_row = range
        .rows()
        .find(|row| row[0] == Data::String("赵丽".into()))
        .unwrap();
    match &zhao_row[4] {
        // 2026-11-23 09:00 in Beijing, as Excel counts days.
        Data::DateTime(at) => assert!((at.as_f64() - 46349.375).abs() < 1e-6, "{}", at.as_f64()),
        other => panic!("the read time is a real date: {other:?}"),
    }
    assert!(
        zhao_row
            .iter()
            .any(|c| matches!(c, Data::String(s) if s.contains("the SMS gateway answered 400")))
    );

    // The office sees them too; recipients never see each other.
    let clerk = r.signed_in("li.jing").await;
    assert_eq!(r.page(&clerk, &path).await.0, 200);
    let zhao = r.signed_in("zhao.li").await;
    for forbidden in [path.clone(), format!("{path}.csv"), format!("{path}.xlsx")] {
        let (status, body) = r.page(&zhao, &forbidden).await;
        assert_eq!(status, 403, "{forbidden}");
        assert!(!body.contains("钱进"), "{forbidden}");
    }
    // A notice that is not there is not there, for anyone.
    assert_eq!(
        r.page(&zhao, "/console/notices/999999/receipts").await.0,
        404
    );
}

async fn the_badge_counts_what_is_pending_on_every_page(r: Staffroom) {
    let zhao = r.signed_in("zhao.li").await;
    let (_, page) = r.page(&zhao, "/console").await;
    assert!(page.contains("<span class=\"notice-badge\" aria-hidden=\"true\" hidden>0</span><span class=\"visually-hidden\">通知</span>"), "no badge: {page}");
    assert!(
        page.contains("src=\"/static/notices.js"),
        "the script that keeps it current"
    );

    let first = r.publish(r.draft("十一月活动台账", "routine")).await;
    r.publish(r.draft("周五下午三点开会", "important")).await;
    let (_, page) = r.page(&zhao, "/console/password").await;
    assert!(
        page.contains("<span class=\"notice-badge\" aria-hidden=\"true\">2</span>"),
        "{page}"
    );
    assert!(
        page.contains("<span class=\"visually-hidden\">通知（2 条未读）</span>"),
        "what a screen reader hears"
    );

    // Read but not yet acknowledged still asks for attention; acknowledged does not.
    r.s()
        .notices()
        .read_notice(&r.zhao, first, "console")
        .await
        .unwrap();
    assert!(
        r.page(&zhao, "/console")
            .await
            .1
            .contains("通知（2 条未读）")
    );
    r.s()
        .notices()
        .acknowledge_notice(&r.zhao, first)
        .await
        .unwrap();
    let (_, page) = r.page(&zhao, "/console?lang=en").await;
    assert!(page.contains("Notices (1 unread)"), "in English too");
    // The author has nothing pending; the public pages have no badge.
    let wang = r.signed_in("wang.fang").await;
    assert!(
        r.page(&wang, "/console")
            .await
            .1
            .contains("hidden>0</span>")
    );
    let (_, public) = r.page(&r.app.client(), "/").await;
    assert!(!public.contains("notice-badge") && !public.contains("notices.js"));
    // The script and its stylesheet are served.
    let js = r
        .app
        .client()
        .get(r.app.at("/static/notices.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        js.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert!(js.text().await.unwrap().contains("EventSource"));
}

async fn the_event_stream_sends_the_count_and_its_changes(r: Staffroom) {
    let zhao = r.signed_in("zhao.li").await;
    let mut events = Events::open(&zhao, r.app.at("/console/notices/events")).await;
    assert_eq!(
        events.next_count().await,
        Some(0),
        "the count on connecting"
    );

    let id = r
        .publish(r.draft("消防通道堵塞，今天下午清理", "urgent"))
        .await;
    assert_eq!(
        events.next_count().await,
        Some(1),
        "told at once when a notice is published"
    );
    r.s()
        .notices()
        .acknowledge_notice(&r.zhao, id)
        .await
        .unwrap();
    assert_eq!(
        events.next_count().await,
        Some(0),
        "and when it has been acknowledged"
    );

    // A notice to others changes nothing for Zhao: the next event is the one that does.
    let mut others = r.draft("培训部例会", "routine");
    others.audience = vec![AudienceRule::Department {
        department: DepartmentId(r.training),
    }];
    r.publish(others).await;
    r.publish(r.draft("十一月活动台账", "routine")).await;
    assert_eq!(events.next_count().await, Some(1));

    // Signing out ends the stream at the next change.
    let logout = r.app.post_form(&zhao, "/console", "/logout", &[]).await;
    assert_eq!(logout.status(), 303);
    r.publish(r.draft("周五下午三点开会", "important")).await;
    assert_eq!(
        events.next_count().await,
        None,
        "the stream ends with the session"
    );
    // Without a session there is no stream.
    let anonymous = r
        .app
        .client()
        .get(r.app.at("/console/notices/events"))
        .send()
        .await
        .unwrap();
    assert_ne!(anonymous.status(), 200);
}

async fn the_badge_changes_in_an_open_page_without_reloading(r: Staffroom) {
    let Some(b) = testkit::Browser::start(testkit::Screen::Desktop).await else {
        return;
    };
    b.sign_in_staff(&r.app.url, "zhao.li", PASSWORD).await;
    assert!(
        !b.exists(".notice-badge:not([hidden])").await,
        "nothing pending yet"
    );

    // The page stays open while a notice is published elsewhere: the script hears of
    // it from the stream and shows the count, for the eye and for screen readers.
    r.publish(r.draft("消防通道堵塞，今天下午清理", "urgent"))
        .await;
    let badge = b
        .client()
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(fantoccini::Locator::Css(
            "a[data-notice-events] .notice-badge:not([hidden])",
        ))
        .await
        .expect("the badge appears without a reload");
    assert_eq!(badge.text().await.unwrap(), "1");
    let spoken = b
        .client()
        .execute(
            "return document.querySelector('a[data-notice-events] .visually-hidden').textContent",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(spoken, serde_json::json!("通知（1 条未读）"));
    assert!(
        b.url().await.ends_with("/console"),
        "no reload, no navigation"
    );
}

async fn the_monthly_report_page_and_its_spreadsheet(r: Staffroom) {
    let urgent = r
        .publish(r.draft("消防通道堵塞，今天下午清理", "urgent"))
        .await;
    let routine = r.publish(r.draft("十一月活动台账", "routine")).await;
    r.app.clock.advance_ms(10 * MINUTE_MS);
    r.s()
        .notices()
        .acknowledge_notice(&r.zhao, urgent)
        .await
        .unwrap();
    r.app.clock.advance_ms(10 * MINUTE_MS);
    r.s()
        .notices()
        .acknowledge_notice(&r.head, urgent)
        .await
        .unwrap();
    r.s()
        .notices()
        .retract_notice(&r.clerk, routine, "台账改为下月交")
        .await
        .unwrap();
    r.app.clock.advance_ms(DAY_MS);

    let clerk = r.signed_in("li.jing").await;
    let (status, page) = r
        .page(&clerk, "/console/notices/report?month=2026-11")
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("本月发出通知 2 条，更正 0 次，撤回 1 条。"),
        "{page}"
    );
    assert!(
        page.contains("差错率（更正和撤回 ÷ 发出通知）：50%，上限 5%。"),
        "{page}"
    );
    assert!(page.contains("class=\"over-limit\"") && page.contains("已超过上限"));
    let urgent_row = table_rows(&page)
        .into_iter()
        .find(|row| row.contains("紧急"))
        .unwrap();
    // Acknowledged after 10 and 20 minutes by two of three, within the 30 minutes.
    assert!(urgent_row.contains("<td>1</td><td>3</td><td>10 分钟</td><td>20 分钟</td><td>10 分钟</td><td>20 分钟</td><td>66.7%（2/3）</td>"), "{urgent_row}");
    assert!(
        page.contains("href=\"/console/notices/report?month=2026-10\""),
        "the month before"
    );
    assert!(page.contains("href=\"/console/notices/report.xlsx?month=2026-11\""));

    let xlsx = clerk
        .get(r.app.at(&format!(
            "/console/notices/report.xlsx?month=2026-11&unit={}",
            r.root.0
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    let mut book = Xlsx::new(std::io::Cursor::new(xlsx.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    assert_eq!(
        range.get_value((0, 0)),
        Some(&Data::String("优先级".into()))
    );
    assert_eq!(range.get_value((1, 0)), Some(&Data::String("紧急".into())));
    assert_eq!(
        range.get_value((1, 3)),
        Some(&Data::Float(10.0)),
        "minutes to read, as numbers"
    );
    let fact = |name: &str| {
        range
            .rows()
            .find(|row| row[0] == Data::String(name.into()))
            .map(|row| row[1].clone())
    };
    assert_eq!(fact("差错率（%）"), Some(Data::Float(50.0)));
    assert_eq!(fact("超过上限"), Some(Data::String("是".into())));
    assert_eq!(fact("月份"), Some(Data::String("2026-11".into())));

    // Department staff do not oversee notices; a month that is no month names itself.
    let zhao = r.signed_in("zhao.li").await;
    assert_eq!(r.page(&zhao, "/console/notices/report").await.0, 403);
    let (status, page) = r.page(&clerk, "/console/notices/report?month=11月").await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("2026-11"));
}

async fn the_hall_screen_shows_current_notices_without_recipients(r: Staffroom) {
    let now = r.app.clock.now();
    r.publish(r.for_hall(r.draft("消防通道堵塞，今天下午清理", "urgent")))
        .await;
    r.publish(r.for_hall(r.draft("十一月活动台账", "routine")))
        .await;
    let mut later = r.for_hall(r.draft("元旦放假安排", "routine"));
    later.effective_at = Some(now.plus_ms(10 * DAY_MS));
    r.publish(later).await;
    let mut short = r.for_hall(r.draft("今天上午停电", "important"));
    short.expires_at = Some(now.plus_ms(HOUR_MS));
    r.publish(short).await;
    let mut personal = r.draft("请来办公室领工资条", "routine");
    personal.audience = vec![AudienceRule::Person {
        user: r.zhao.actor.user_id,
    }];
    r.publish(personal).await;
    // A meeting notice to two departments, as the probe found on the public screen.
    r.publish(r.draft("部门例会：年终考核办法", "routine"))
        .await;
    // To the whole centre, but the author did not choose the hall screen.
    let mut unchosen = r.for_hall(r.draft("工会福利领取", "routine"));
    unchosen.on_hall_screen = false;
    r.publish(unchosen).await;
    let withdrawn = r
        .publish(r.for_hall(r.draft("周末加班安排", "routine")))
        .await;
    r.s()
        .notices()
        .retract_notice(&r.wang, withdrawn, "不加班了")
        .await
        .unwrap();

    let screen = r.app.client();
    let response = screen.get(r.app.at("/board/notices")).send().await.unwrap();
    assert_eq!(response.status(), 200, "no sign-in");
    let page = response.text().await.unwrap();
    // It reloads itself every minute: by script, with the meta refresh (which axe flags)
    // only for a browser without one.
    assert!(page.contains("<noscript><meta http-equiv=\"refresh\" content=\"60\"></noscript>"));
    assert!(page.contains("/static/reload.js"));
    let outside_noscript = page.replace(
        "<noscript><meta http-equiv=\"refresh\" content=\"60\"></noscript>",
        "",
    );
    assert!(
        !outside_noscript.contains("http-equiv=\"refresh\""),
        "no meta refresh to a browser with script"
    );
    assert!(page.contains("今天上午停电"));
    let urgent = page.find("消防通道堵塞").unwrap();
    assert!(urgent < page.find("今天上午停电").unwrap(), "urgent first");
    assert!(
        page.find("今天上午停电").unwrap() < page.find("十一月活动台账").unwrap(),
        "then by priority"
    );
    assert!(
        page.contains("请各位同事周五前把本月活动台账交到办公室。"),
        "the text is shown"
    );
    assert!(!page.contains("元旦放假安排"), "not yet in force");
    assert!(
        !page.contains("请来办公室领工资条"),
        "addressed to one person"
    );
    assert!(
        !page.contains("部门例会"),
        "addressed to departments: internal"
    );
    assert!(
        !page.contains("工会福利领取"),
        "the author did not choose the hall screen"
    );
    assert!(!page.contains("周末加班安排"), "retracted");
    for name in ["赵丽", "陈部长", "钱进", "王芳"] {
        assert!(
            !page.contains(name),
            "nobody's name or receipt on the screen: {name}"
        );
    }
    assert!(
        !page.contains("notices.js"),
        "no console script on the screen"
    );

    r.app.clock.advance_ms(2 * HOUR_MS);
    let page = screen
        .get(r.app.at("/board/notices"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("今天上午停电"), "expired");
    assert!(page.contains("十一月活动台账"));
}

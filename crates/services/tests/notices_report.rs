//! The monthly spot-check of notices, on both engines and a clock the test controls:
//! notices of each priority are published, read and acknowledged at known delays, one is
//! corrected and one retracted, one e-mail fails; the month's figures must come out exactly.

use domain::notice::{AudienceRule, NoticePriority};
use domain::time::{DAY_MS, HOUR_MS, MINUTE_MS};
use domain::{DepartmentId, UnitId};
use i18n::Key;
use services::notices::{NoticeDraft, ReportLine, ReviewDecision};
use services::{ServiceError, Services, Staff};
use testkit::scenario::{App, PersonExt, field_errors, publish};

/// The centre's 活动部 (a head and three staff), the office (a director and a clerk) and
/// 城关镇文化站 with its own clerk.
struct Office {
    app: App,
    activity: i64,
    station: UnitId,
    director: Staff,
    clerk: Staff,
    head: Staff,
    wang: Staff,
    zhao: Staff,
    qian: Staff,
    station_clerk: Staff,
}

impl testkit::Fixture for Office {
    async fn setup(db: &testkit::TestDb) -> Office {
        let app = App::setup(db).await;
        let centre = app.centre().await;
        let [director, clerk, head, wang, zhao, qian, station_clerk] = app
            .hire_all(
                [
                    centre.director(),
                    centre.clerk(),
                    centre.head(),
                    centre.member("wang", "王芳"),
                    centre.member("zhao", "赵丽"),
                    centre.member("qian", "钱进"),
                    centre.station_clerk(),
                ]
                .map(PersonExt::with_email),
            )
            .await;
        Office {
            app,
            activity: centre.activity.0,
            station: centre.station,
            director,
            clerk,
            head,
            wang,
            zhao,
            qian,
            station_clerk,
        }
    }
}

impl Office {
    fn s(&self) -> &Services {
        &self.app.services
    }

    fn advance(&self, ms: i64) {
        self.app.clock.advance_ms(ms);
    }

    /// Wang writes to 活动部 (the head, Zhao and Qian receive it), the head approves, and it
    /// goes out at once.
    async fn publish(&self, title: &str, priority: &str, requires_ack: bool) -> i64 {
        let draft = NoticeDraft {
            title: title.into(),
            body: "请按时完成。".into(),
            category: "notice".into(),
            priority: priority.into(),
            requires_ack,
            audience: vec![AudienceRule::Department {
                department: DepartmentId(self.activity),
            }],
            ..Default::default()
        };
        publish(self.s(), &self.wang, &self.head, &draft).await
    }

    async fn read(&self, who: &Staff, id: i64) {
        self.s()
            .notices()
            .read_notice(who, id, "console")
            .await
            .unwrap();
    }

    async fn acknowledge(&self, who: &Staff, id: i64) {
        self.s()
            .notices()
            .acknowledge_notice(who, id)
            .await
            .unwrap();
    }
}

fn line(lines: &[ReportLine], p: NoticePriority) -> &ReportLine {
    lines.iter().find(|l| l.priority == Some(p)).unwrap()
}

const MIN: i64 = MINUTE_MS;

testkit::on_both_engines! {
    the_month_shows_reading_times_reach_failures_and_the_error_rate(Office),
    the_report_covers_only_what_the_staff_member_oversees(Office),
}

async fn the_month_shows_reading_times_reach_failures_and_the_error_rate(o: Office) {
    let s = o.s();
    // Monday 2026-11-23, 09:00 in Beijing: four notices go out together.
    let urgent = o.publish("消防通道今天下午清理", "urgent", true).await;
    let routine = o.publish("十一月活动台账", "routine", false).await;
    let corrected = o.publish("周五下午三点开会", "routine", true).await;
    let retracted = o.publish("周末加班安排", "important", true).await;
    // The e-mails go out; the mail server refuses Qian's copy of the routine notice.
    s.worker().run_due().await.unwrap();
    let refused = store::outbox::recent(s.db(), None, Some("qian@example.org"), 10)
        .await
        .unwrap()
        .into_iter()
        .find(|m| {
            m.subject
                .as_deref()
                .is_some_and(|t| t.contains("十一月活动台账"))
        })
        .unwrap();
    store::outbox::mark_attempt_failed(s.db(), refused.id, "550 mailbox unavailable", true)
        .await
        .unwrap();

    o.advance(MIN);
    s.notices()
        .retract_notice(&o.clerk, retracted, "加班取消")
        .await
        .unwrap();
    o.advance(4 * MIN); // 09:05
    o.read(&o.zhao, urgent).await;
    o.advance(5 * MIN); // 09:10
    o.acknowledge(&o.zhao, urgent).await;
    o.advance(10 * MIN); // 09:20: the head acknowledges without opening it first
    o.acknowledge(&o.head, urgent).await;
    o.advance(20 * MIN); // 09:40: Qian, after the 30-minute deadline
    o.read(&o.qian, urgent).await;
    o.advance(5 * MIN); // 09:45
    o.acknowledge(&o.qian, urgent).await;
    o.advance(15 * MIN); // 10:00
    o.read(&o.zhao, routine).await;
    o.advance(HOUR_MS); // 11:00
    o.read(&o.head, routine).await;
    s.notices()
        .correct_notice(
            &o.wang,
            corrected,
            "周五下午四点开会",
            "时间改为四点。",
            "时间改为四点",
        )
        .await
        .unwrap();

    // The next morning every deadline has passed.
    o.advance(DAY_MS);
    let report = s
        .notices()
        .notice_report(&o.clerk, Some("2026-11"), None)
        .await
        .unwrap();
    assert_eq!(report.month.to_string(), "2026-11");

    let u = line(&report.lines, NoticePriority::Urgent);
    assert_eq!((u.notices, u.recipients), (1, 3));
    // Read after 5, 20 and 40 minutes; acknowledged after 10, 20 and 45.
    assert_eq!(u.read_median_ms, Some(20 * MIN));
    assert_eq!(u.read_p95_ms, Some(40 * MIN));
    assert_eq!(u.ack_median_ms, Some(20 * MIN));
    assert_eq!(u.ack_p95_ms, Some(45 * MIN));
    // Zhao and the head within 30 minutes, Qian not.
    assert_eq!((u.reached_in_time, u.reach_counted), (2, 3));
    assert_eq!(u.reached_percent(), Some(66.7));

    let r = line(&report.lines, NoticePriority::Routine);
    assert_eq!((r.notices, r.recipients), (2, 6));
    assert_eq!(r.read_median_ms, Some(60 * MIN));
    assert_eq!(r.read_p95_ms, Some(120 * MIN));
    assert_eq!(
        r.ack_median_ms, None,
        "nobody acknowledged the meeting notice"
    );
    // The ledger notice reached Zhao and the head; the meeting notice, which asks for
    // an acknowledgement, nobody.
    assert_eq!((r.reached_in_time, r.reach_counted), (2, 6));
    assert_eq!(r.failures, 1);

    let i = line(&report.lines, NoticePriority::Important);
    assert_eq!((i.notices, i.recipients), (1, 3));
    assert_eq!(
        i.reach_counted, 0,
        "retracted before its deadline: nobody was still expected to read it"
    );
    assert_eq!(line(&report.lines, NoticePriority::LongTerm).notices, 0);

    assert_eq!((report.total.notices, report.total.recipients), (4, 12));
    assert_eq!(
        (report.total.reached_in_time, report.total.reach_counted),
        (4, 9)
    );
    assert_eq!(report.total.failures, 1);
    assert_eq!((report.corrections, report.retractions), (1, 1));
    assert_eq!(report.error_rate_percent, Some(50.0));
    assert!(report.over_limit);
    assert_eq!(report.still_due, 0);

    // December has its own notices: one, without errors, under the ceiling; November
    // is unchanged by it.
    o.advance(7 * DAY_MS);
    o.publish("十二月值班表", "routine", false).await;
    let december = s
        .notices()
        .notice_report(&o.director, None, None)
        .await
        .unwrap();
    assert_eq!(december.month.to_string(), "2026-12");
    assert_eq!(december.total.notices, 1);
    assert_eq!(december.error_rate_percent, Some(0.0));
    assert!(!december.over_limit);
    assert_eq!(december.still_due, 1, "its 24 hours have not passed yet");
    assert_eq!(december.total.reach_counted, 0);
    let november = s
        .notices()
        .notice_report(&o.director, Some("2026-11"), None)
        .await
        .unwrap();
    assert_eq!(november.total.notices, 4);
}

async fn the_report_covers_only_what_the_staff_member_oversees(o: Office) {
    let s = o.s();
    o.publish("十一月活动台账", "routine", false).await;
    // The station's clerk writes to the station; the director approves.
    let draft = NoticeDraft {
        title: "城关镇文化站消防检查".into(),
        body: "周三检查。".into(),
        category: "notice".into(),
        priority: "important".into(),
        audience: vec![AudienceRule::Unit { unit: o.station }],
        ..Default::default()
    };
    let id = s
        .notices()
        .create_notice(&o.station_clerk, &draft, None)
        .await
        .unwrap();
    s.notices()
        .submit_notice(&o.station_clerk, id)
        .await
        .unwrap();
    s.notices()
        .review_notice(&o.director, id, ReviewDecision::Approve, None, None)
        .await
        .unwrap();

    let centre = s
        .notices()
        .notice_report(&o.clerk, Some("2026-11"), None)
        .await
        .unwrap();
    assert_eq!(centre.total.notices, 2);
    let station_only = s
        .notices()
        .notice_report(&o.clerk, Some("2026-11"), Some(o.station))
        .await
        .unwrap();
    assert_eq!(station_only.total.notices, 1);
    assert_eq!(
        line(&station_only.lines, NoticePriority::Important).notices,
        1
    );
    // The station's clerk sees the station alone and may not look at the centre.
    let own = s
        .notices()
        .notice_report(&o.station_clerk, Some("2026-11"), None)
        .await
        .unwrap();
    assert_eq!(own.total.notices, 1);
    assert_eq!(own.units.len(), 1);
    let root = centre.units[0].0;
    let e = s
        .notices()
        .notice_report(&o.station_clerk, Some("2026-11"), Some(root))
        .await
        .unwrap_err();
    assert_eq!(
        field_errors(e),
        [("unit".to_owned(), Key::noticereport_err_unit)]
    );
    // Department staff do not oversee notices at all; a bad month names its field.
    assert!(matches!(
        s.notices().notice_report(&o.zhao, None, None).await,
        Err(ServiceError::Forbidden)
    ));
    match s
        .notices()
        .notice_report(&o.clerk, Some("2026年11月"), None)
        .await
    {
        Err(ServiceError::Invalid(e)) => assert_eq!(e.0[0].field, "month"),
        other => panic!("expected a month error, got {other:?}"),
    }
}

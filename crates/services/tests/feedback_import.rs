//! Importing offline feedback from spreadsheets: GBK and UTF-8 CSV, XLSX with real date
//! cells; all or nothing, with problems named by row and column. On both engines.

use domain::feedback::{Channel, Status};
use domain::time::{DAY_MS, HOUR_MS};
use domain::{FieldError, Timestamp, UnitId};
use i18n::{Key, Lang, Tr};
use services::feedback::{InboxQuery, ItemView, RoutingRuleInput, import_problem_place};
use services::{ServiceError, Services, Staff};
use testkit::scenario::{App, MONDAY_9AM, person};

/// 2026-11-20 00:00 in Beijing: the Friday before `MONDAY_9AM`.
const FRIDAY_MIDNIGHT: Timestamp = Timestamp(MONDAY_9AM.0 - 3 * DAY_MS - 9 * HOUR_MS);

struct Office {
    app: App,
    station: UnitId,
    clerk: Staff,
    /// A clerk whose scope is one station.
    station_clerk: Staff,
    evaluator: Staff,
}

impl testkit::Fixture for Office {
    async fn setup(db: &testkit::TestDb) -> Office {
        let app = App::setup(db).await;
        let root = app.root;
        let station = app.add_station("城关镇文化站").await;
        let [clerk, station_clerk, evaluator] = app
            .hire_all([
                person("clerk", "clerk", "office_clerk", root),
                person("station.clerk", "station.clerk", "office_clerk", station),
                person("evaluator", "evaluator", "evaluator", root),
            ])
            .await;
        Office {
            app,
            station,
            clerk,
            station_clerk,
            evaluator,
        }
    }
}

impl Office {
    fn s(&self) -> &Services {
        &self.app.services
    }

    /// Every item, oldest first, as the clerk sees it.
    async fn items(&self) -> Vec<ItemView> {
        let page = self
            .s()
            .feedback()
            .inbox(&self.clerk, &InboxQuery::default())
            .await
            .unwrap();
        let mut items = Vec::new();
        for row in page.rows.iter().rev() {
            items.push(
                self.s()
                    .feedback()
                    .feedback_item(&self.clerk, row.id)
                    .await
                    .unwrap()
                    .0,
            );
        }
        items
    }
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn problems(e: ServiceError) -> Vec<FieldError> {
    match e {
        ServiceError::Invalid(i) => i.0,
        other => panic!("expected field errors, got {other:?}"),
    }
}

/// Each problem as the page shows it: "第 3 行「手机」：请输入正确的 11 位手机号码".
fn shown(errors: &[FieldError]) -> Vec<String> {
    let t = Tr::new(Lang::ZhCn);
    errors
        .iter()
        .map(|e| match import_problem_place(e) {
            (Some(row), Some(column)) => t.fill(
                Key::import_row_error,
                &[
                    ("row", &row),
                    ("column", &column),
                    ("message", &e.message(&t)),
                ],
            ),
            _ => e.message(&t),
        })
        .collect()
}

const GOOD_CSV: &str = "\
类型,分类,网点,渠道,收到日期,内容,姓名,手机,邮箱
建议,文化活动,城关镇文化站,意见箱,2026-11-20,希望周末增加广场舞培训,王秀英,138 1234 5678,
投诉,设施场地,,电话,2026/11/20,阅览室空调太冷,,,reader@example.org
";

testkit::on_both_engines! {
    a_gbk_csv_with_chinese_headers_imports(Office),
    a_utf8_csv_with_a_byte_order_mark_and_english_headers_imports(Office),
    an_xlsx_with_a_real_date_cell_imports(Office),
    a_file_with_two_bad_rows_imports_nothing_and_names_both(Office),
    unknown_and_missing_columns_are_named_in_the_header_row(Office),
    the_import_is_audited_routed_and_not_repeated(Office),
    only_staff_who_take_feedback_in_import_and_only_for_their_units(Office),
}

async fn a_gbk_csv_with_chinese_headers_imports(o: Office) {
    let done = o
        .s()
        .feedback()
        .import_feedback(&o.clerk, "意见箱.csv", gbk(GOOD_CSV))
        .await
        .unwrap();
    assert_eq!(done.count, 2);
    assert_eq!(
        (
            done.first_tracking_no.as_deref(),
            done.last_tracking_no.as_deref()
        ),
        (Some("CD-2026-000001"), Some("CD-2026-000002"))
    );
    let items = o.items().await;
    assert_eq!(items.len(), 2);
    let (first, second) = (&items[0], &items[1]);
    assert_eq!(first.body, "希望周末增加广场舞培训");
    assert_eq!(
        (first.channel, first.unit, first.category.as_deref()),
        (Channel::SuggestionBox, o.station.0, Some("activity"))
    );
    assert_eq!(first.contact.mobile.as_deref(), Some("13812345678"));
    assert_eq!(first.contact.name.as_deref(), Some("王秀英"));
    assert_eq!(first.received_at, FRIDAY_MIDNIGHT);
    // Deadlines run from the day on the slip, as for an item typed in by hand: received
    // at the start of Friday, one working day to respond ends with Friday.
    assert_eq!(
        first.first_response_due,
        Some(Timestamp(FRIDAY_MIDNIGHT.0 + DAY_MS))
    );
    assert_eq!(
        (second.channel, second.contact.email.as_deref()),
        (Channel::Phone, Some("reader@example.org"))
    );
    assert_eq!(
        second.unit,
        o.s().org_tree(o.app.institution.id).await.unwrap().units[0]
            .id
            .0,
        "no unit: the centre"
    );
}

async fn a_utf8_csv_with_a_byte_order_mark_and_english_headers_imports(o: Office) {
    let csv = "\u{feff}text,type,mobile,received\r\n\"Chairs in the hall, row 3, are broken\",complaint,13907312233,2026-11-20\r\n多开书法班,suggestion,,\r\n";
    let done = o
        .s()
        .feedback()
        .import_feedback(&o.clerk, "phone.csv", csv.as_bytes().to_vec())
        .await
        .unwrap();
    assert_eq!(done.count, 2);
    let items = o.items().await;
    assert_eq!(items[0].body, "Chairs in the hall, row 3, are broken");
    assert_eq!(
        (items[0].channel, items[0].received_at),
        (Channel::Import, FRIDAY_MIDNIGHT)
    );
    assert_eq!(items[1].received_at, MONDAY_9AM, "no date: today");
}

async fn an_xlsx_with_a_real_date_cell_imports(o: Office) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (column, header) in ["收到日期", "类型", "内容", "手机", "网点"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, column as u16, *header).unwrap();
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    sheet
        .write_datetime_with_format(1, 0, ExcelDateTime::from_ymd(2026, 11, 20).unwrap(), &date)
        .unwrap();
    sheet.write_string(1, 1, "咨询").unwrap();
    sheet
        .write_string(1, 2, "非遗剪纸课什么时候开班？")
        .unwrap();
    // Typed into a number cell, as people do.
    sheet.write_number(1, 3, 13600001111.0).unwrap();
    sheet.write_string(1, 4, "城关镇文化站").unwrap();
    let bytes = book.save_to_buffer().unwrap();

    let done = o
        .s()
        .feedback()
        .import_feedback(&o.clerk, "座谈会.xlsx", bytes)
        .await
        .unwrap();
    assert_eq!(done.count, 1);
    let item = &o.items().await[0];
    assert_eq!(item.received_at, FRIDAY_MIDNIGHT);
    assert_eq!(item.contact.mobile.as_deref(), Some("13600001111"));
    assert_eq!((item.unit, item.channel), (o.station.0, Channel::Import));
}

async fn a_file_with_two_bad_rows_imports_nothing_and_names_both(o: Office) {
    let csv = "\
类型,内容,手机,收到日期
建议,希望延长开放时间,13812345678,2026-11-20
建议,希望增加讲座,1381234,2026-11-20
咨询,少儿班怎么报名,,
意见,,13812345678,2026-12-31
";
    let e = o
        .s()
        .feedback()
        .import_feedback(&o.clerk, "bad.csv", gbk(csv))
        .await
        .unwrap_err();
    let errors = problems(e);
    assert_eq!(
        shown(&errors),
        [
            "第 3 行「手机」：请输入正确的 11 位手机号码",
            "第 5 行「类型」：请填写 需求、建议、投诉、表扬 或 咨询",
            "第 5 行「收到日期」：请填写正确的日期（年-月-日），且不能晚于今天",
            "第 5 行「内容」：此项必填",
        ]
    );
    assert_eq!(errors[0].field, "rows[3].手机");
    assert!(o.items().await.is_empty(), "nothing was imported");
    assert!(
        !o.s()
            .audit_log(&o.app.admin, Default::default())
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == "feedback.imported")
    );
}

async fn unknown_and_missing_columns_are_named_in_the_header_row(o: Office) {
    let csv = "\u{feff}\n类型,天气,手机,手机\n建议,晴,13812345678,13812345678\n";
    let errors = problems(
        o.s()
            .feedback()
            .import_feedback(&o.clerk, "x.csv", csv.as_bytes().to_vec())
            .await
            .unwrap_err(),
    );
    assert_eq!(
        shown(&errors),
        [
            "第 2 行「天气」：无法识别这个列名，请对照模板修改或删除这一列",
            "第 2 行「手机」：这个列出现了两次",
            "第 2 行「内容」：缺少这一列",
        ],
        "a blank first line makes the header row 2"
    );
    for (bytes, key) in [
        (Vec::new(), Key::import_err_no_file),
        (b"\xD0\xCF\x11\xE0old excel".to_vec(), Key::import_err_xls),
        ("类型,内容\n".as_bytes().to_vec(), Key::import_err_empty),
        (
            b"PK\x03\x04not really a zip".to_vec(),
            Key::import_err_unreadable,
        ),
    ] {
        let errors = problems(
            o.s()
                .feedback()
                .import_feedback(&o.clerk, "x", bytes)
                .await
                .unwrap_err(),
        );
        assert_eq!((errors[0].field.as_str(), errors[0].key), ("file", key));
    }
    let mut long = String::from("类型,内容\n");
    for i in 0..=services::feedback::IMPORT_MAX_ROWS {
        long.push_str(&format!("建议,第{i}条\n"));
    }
    let errors = problems(
        o.s()
            .feedback()
            .import_feedback(&o.clerk, "long.csv", long.into_bytes())
            .await
            .unwrap_err(),
    );
    assert_eq!(errors[0].key, Key::import_err_too_many);
}

async fn the_import_is_audited_routed_and_not_repeated(o: Office) {
    let activity = o
        .s()
        .add_department(
            &o.app.admin,
            o.s().org_tree(o.app.institution.id).await.unwrap().units[0].id,
            "activity",
            "活动部",
        )
        .await
        .unwrap();
    o.s()
        .feedback()
        .add_routing_rule(
            &o.app.admin,
            RoutingRuleInput {
                category: "activity".into(),
                department: activity.0.to_string(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    o.s()
        .feedback()
        .add_sensitive_word(&o.app.admin, "代办证件", "spam")
        .await
        .unwrap();
    let csv = format!("{GOOD_CSV}咨询,,,,,代 办 证 件 请联系,,,\n");
    let done = o
        .s()
        .feedback()
        .import_feedback(&o.clerk, "意见箱.csv", gbk(&csv))
        .await
        .unwrap();
    assert_eq!((done.count, done.routed, done.held), (3, 1, 1));
    let items = o.items().await;
    assert_eq!(
        (items[0].status, items[0].department),
        (Status::Assigned, Some(activity.0))
    );

    let log = o
        .s()
        .audit_log(&o.app.admin, Default::default())
        .await
        .unwrap();
    let imports: Vec<_> = log
        .iter()
        .filter(|e| e.action == "feedback.imported")
        .collect();
    assert_eq!(imports.len(), 1, "one entry for the file, not one per row");
    let after = imports[0].after.as_deref().unwrap();
    assert!(
        after.contains("意见箱.csv") && after.contains("\"rows\":3"),
        "{after}"
    );
    assert_eq!(imports[0].actor, "clerk");

    let again = problems(
        o.s()
            .feedback()
            .import_feedback(&o.clerk, "意见箱-副本.csv", gbk(&csv))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        shown(&again),
        ["这个文件已经导入过了（第一条编号 CD-2026-000001）"]
    );
    assert_eq!(o.items().await.len(), 3);
}

async fn only_staff_who_take_feedback_in_import_and_only_for_their_units(o: Office) {
    assert!(matches!(
        o.s()
            .feedback()
            .import_feedback(&o.evaluator, "x.csv", gbk(GOOD_CSV))
            .await,
        Err(ServiceError::Forbidden)
    ));
    let errors = problems(
        o.s()
            .feedback()
            .import_feedback(&o.station_clerk, "x.csv", gbk(GOOD_CSV))
            .await
            .unwrap_err(),
    );
    assert_eq!(
        shown(&errors),
        ["第 3 行「网点」：此项必填"],
        "the centre is outside a station clerk's scope"
    );
    let mine = "类型,网点,内容\n建议,城关镇文化站,书屋需要新书\n建议,不存在的站,书屋需要新书\n";
    let errors = problems(
        o.s()
            .feedback()
            .import_feedback(&o.station_clerk, "x.csv", mine.as_bytes().to_vec())
            .await
            .unwrap_err(),
    );
    assert_eq!(shown(&errors), ["第 3 行「网点」：组织架构中没有这个网点"]);
    let mine = "类型,网点,内容\n建议,城关镇文化站,书屋需要新书\n";
    assert_eq!(
        o.s()
            .feedback()
            .import_feedback(&o.station_clerk, "x.csv", mine.as_bytes().to_vec())
            .await
            .unwrap()
            .count,
        1
    );
}

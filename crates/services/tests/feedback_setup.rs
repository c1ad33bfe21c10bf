//! How an institution sets up its feedback loop — categories, routing rules, deadline
//! policies, the working calendar, answer templates, sensitive words — and what that does to
//! the next item that comes in. On both engines, with a clock the tests control.

use domain::feedback::{Channel, Priority, Status};
use domain::time::{DAY_MS, HOUR_MS};
use domain::{FieldError, Timestamp, UnitId};
use i18n::{Key, Lang, Tr};
use services::feedback::{
    AnswerTemplateInput, CategoryInput, DeadlinePolicyInput, Intake, Move, RoutingRuleInput,
    Submitted,
};
use services::{ServiceError, Services, Staff};
use testkit::scenario::{App, MONDAY_9AM, field_errors, fields, intake};

/// The institution of `App` with a station, an activities department, an office clerk and
/// an office director.
struct Office {
    app: App,
    station: UnitId,
    activity: i64,
    clerk: Staff,
    director: Staff,
}

impl testkit::Fixture for Office {
    async fn setup(db: &testkit::TestDb) -> Office {
        let app = App::setup(db).await;
        let centre = app.centre().await;
        let [clerk, director] = app.hire_all([centre.clerk(), centre.director()]).await;
        Office {
            app,
            station: centre.station,
            activity: centre.activity.0,
            clerk,
            director,
        }
    }
}

impl Office {
    fn s(&self) -> &Services {
        &self.app.services
    }

    fn admin(&self) -> &Staff {
        &self.app.admin
    }

    async fn submit(&self, text: &str, kind: &str, category: Option<&str>) -> Submitted {
        self.app
            .send(Intake {
                category: category.map(str::to_owned),
                ..intake(text, kind)
            })
            .await
    }

    async fn due(&self, id: i64) -> (Timestamp, Timestamp) {
        let (item, _) = self
            .s()
            .feedback()
            .feedback_item(&self.clerk, id)
            .await
            .unwrap();
        (
            item.first_response_due.unwrap(),
            item.resolution_due.unwrap(),
        )
    }

    async fn audit_actions(&self) -> Vec<String> {
        self.s()
            .audit_log(self.admin(), Default::default())
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect()
    }
}

fn invalid(e: ServiceError) -> Vec<FieldError> {
    match e {
        ServiceError::Invalid(i) => i.0,
        other => panic!("expected field errors, got {other:?}"),
    }
}

fn arg<'a>(e: &'a FieldError, name: &str) -> &'a str {
    e.args
        .iter()
        .find(|(k, _)| *k == name)
        .map_or("", |(_, v)| v.as_str())
}

testkit::on_both_engines! {
    a_routing_rule_sends_new_items_of_its_category_to_the_department(Office),
    the_first_matching_rule_wins_and_rules_can_be_reordered(Office),
    a_policy_for_urgent_complaints_gives_those_deadlines(Office),
    a_holiday_in_the_calendar_moves_a_deadline(Office),
    a_pasted_list_with_a_bad_line_7_saves_nothing_and_names_line_7(Office),
    a_sensitive_word_added_by_the_office_holds_submissions_however_it_is_spelt(Office),
    categories_are_added_renamed_reordered_and_retired(Office),
    answer_templates_are_kept_by_the_director_and_offered_by_category(Office),
    only_the_administrator_changes_the_setup(Office),
    every_change_is_in_the_audit_log(Office),
}

async fn a_routing_rule_sends_new_items_of_its_category_to_the_department(o: Office) {
    let before = o
        .submit("希望开设少儿书法培训班", "request", Some("training"))
        .await;
    assert_eq!(
        before.status,
        Status::New,
        "no rule yet: the office receives it"
    );

    let e = o
        .s()
        .feedback()
        .add_routing_rule(
            o.admin(),
            RoutingRuleInput {
                department: o.activity.to_string(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["category"], "a rule needs a condition");
    let e = o
        .s()
        .feedback()
        .add_routing_rule(
            o.admin(),
            RoutingRuleInput {
                category: "weather".into(),
                kind: "wish".into(),
                unit: "99999".into(),
                department: "88888".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["category", "kind", "unit", "department"]);

    o.s()
        .feedback()
        .add_routing_rule(
            o.admin(),
            RoutingRuleInput {
                category: "training".into(),
                department: o.activity.to_string(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let routed = o
        .submit("希望开设少儿舞蹈培训班", "request", Some("training"))
        .await;
    let other = o
        .submit("图书馆开放时间太短", "complaint", Some("facility"))
        .await;
    assert_eq!(routed.status, Status::Assigned);
    let (item, timeline) = o
        .s()
        .feedback()
        .feedback_item(&o.clerk, routed.id)
        .await
        .unwrap();
    assert_eq!(item.department, Some(o.activity));
    assert!(timeline.iter().any(|e| e.kind == "assigned"));
    assert_eq!(other.status, Status::New);

    let rules = o.s().feedback().routing_rules(o.admin()).await.unwrap();
    assert_eq!(rules.len(), 1);
    let centre = o.s().org_tree(o.app.institution.id).await.unwrap().units[0]
        .name
        .clone();
    assert_eq!(
        rules[0].words(&Tr::new(Lang::ZhCn)),
        format!("分类为「公益培训」的反馈，转办至「{centre} · 活动部」")
    );
}

async fn the_first_matching_rule_wins_and_rules_can_be_reordered(o: Office) {
    let tree = o.s().org_tree(o.app.institution.id).await.unwrap();
    let office = tree
        .departments()
        .find(|(_, d)| d.kind == domain::DepartmentKind::Office)
        .unwrap()
        .1
        .id
        .0;
    let station_rule = o
        .s()
        .feedback()
        .add_routing_rule(
            o.admin(),
            RoutingRuleInput {
                unit: o.station.to_string(),
                department: office.to_string(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    o.s()
        .feedback()
        .add_routing_rule(
            o.admin(),
            RoutingRuleInput {
                kind: "complaint".into(),
                department: o.activity.to_string(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let complaint_at_station = Intake {
        text: "文化站周末不开门".into(),
        kind: "complaint".into(),
        unit: Some(o.station.to_string()),
        ..Default::default()
    };
    let first = o
        .s()
        .feedback()
        .submit_feedback(
            &o.app.institution,
            complaint_at_station.clone(),
            Vec::new(),
            None,
            None,
            Channel::Web,
            Lang::ZhCn,
        )
        .await
        .unwrap();
    assert_eq!(
        o.s()
            .feedback()
            .feedback_item(&o.clerk, first.id)
            .await
            .unwrap()
            .0
            .department,
        Some(office),
        "the station rule comes first"
    );

    o.s()
        .feedback()
        .move_routing_rule(o.admin(), station_rule, Move::Down)
        .await
        .unwrap();
    let words: Vec<String> = o
        .s()
        .feedback()
        .routing_rules(o.admin())
        .await
        .unwrap()
        .iter()
        .map(|r| r.words(&Tr::new(Lang::En)))
        .collect();
    assert!(
        words[0].starts_with("Feedback of type “Complaint”"),
        "{words:?}"
    );
    let second = o
        .s()
        .feedback()
        .submit_feedback(
            &o.app.institution,
            complaint_at_station,
            Vec::new(),
            None,
            None,
            Channel::Web,
            Lang::ZhCn,
        )
        .await
        .unwrap();
    assert_eq!(
        o.s()
            .feedback()
            .feedback_item(&o.clerk, second.id)
            .await
            .unwrap()
            .0
            .department,
        Some(o.activity)
    );

    o.s()
        .feedback()
        .delete_routing_rule(o.admin(), station_rule)
        .await
        .unwrap();
    assert_eq!(
        o.s()
            .feedback()
            .routing_rules(o.admin())
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(matches!(
        o.s()
            .feedback()
            .delete_routing_rule(o.admin(), station_rule)
            .await,
        Err(ServiceError::NotFound)
    ));
}

async fn a_policy_for_urgent_complaints_gives_those_deadlines(o: Office) {
    let e = o
        .s()
        .feedback()
        .set_deadline_policy(
            o.admin(),
            DeadlinePolicyInput {
                kind: "complaint".into(),
                priority: "urgent".into(),
                first_response: "2".into(),
                first_response_unit: "days".into(),
                resolution: "3".into(),
                resolution_unit: "hours".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        fields(e),
        ["resolution"],
        "resolving cannot take less time than a first answer"
    );

    o.s()
        .feedback()
        .set_deadline_policy(
            o.admin(),
            DeadlinePolicyInput {
                kind: "complaint".into(),
                priority: "urgent".into(),
                first_response: "2".into(),
                first_response_unit: "hours".into(),
                resolution: "2".into(),
                resolution_unit: "days".into(),
            },
        )
        .await
        .unwrap();
    let complaint = o
        .submit("演出现场的音响太吵，无人处理", "complaint", None)
        .await;
    assert_eq!(
        o.due(complaint.id).await,
        (
            Timestamp(MONDAY_9AM.0 + DAY_MS),
            Timestamp(MONDAY_9AM.0 + 7 * DAY_MS)
        ),
        "not urgent: the defaults"
    );
    o.s()
        .feedback()
        .set_priority(&o.clerk, complaint.id, Priority::Urgent)
        .await
        .unwrap();
    assert_eq!(
        o.due(complaint.id).await,
        (
            Timestamp(MONDAY_9AM.0 + 2 * HOUR_MS),
            Timestamp(MONDAY_9AM.0 + 2 * DAY_MS)
        )
    );

    // An urgent request is not a complaint: the built-in urgent policy still applies.
    let request = o.submit("明天的讲座能否加座", "request", None).await;
    o.s()
        .feedback()
        .set_priority(&o.clerk, request.id, Priority::Urgent)
        .await
        .unwrap();
    assert_eq!(
        o.due(request.id).await,
        (
            Timestamp(MONDAY_9AM.0 + 4 * HOUR_MS),
            Timestamp(MONDAY_9AM.0 + DAY_MS)
        )
    );

    // Setting it again replaces it.
    o.s()
        .feedback()
        .set_deadline_policy(
            o.admin(),
            DeadlinePolicyInput {
                kind: "complaint".into(),
                priority: "urgent".into(),
                first_response: "1".into(),
                first_response_unit: "hours".into(),
                resolution: "1".into(),
                resolution_unit: "days".into(),
            },
        )
        .await
        .unwrap();
    let (own, built_in) = o.s().feedback().deadline_policies(o.admin()).await.unwrap();
    assert_eq!(own.len(), 1);
    assert_eq!(built_in.len(), 2);
    let t = Tr::new(Lang::ZhCn);
    assert_eq!(own[0].applies_to(&t), "投诉 · 紧急");
    assert_eq!(
        services::feedback::working_time_words(own[0].first_response_minutes, &t),
        "1 个工作小时"
    );
    assert_eq!(
        services::feedback::working_time_words(own[0].resolution_minutes, &t),
        "1 个工作日"
    );
    o.s()
        .feedback()
        .delete_deadline_policy(o.admin(), own[0].id.unwrap())
        .await
        .unwrap();
    assert!(
        o.s()
            .feedback()
            .deadline_policies(o.admin())
            .await
            .unwrap()
            .0
            .is_empty()
    );
}

async fn a_holiday_in_the_calendar_moves_a_deadline(o: Office) {
    // Received Monday 09:00, the day before a three-day holiday (Tuesday to Thursday).
    let plain = o.submit("周末能否延长开放时间", "suggestion", None).await;
    assert_eq!(
        o.due(plain.id).await.0,
        Timestamp(MONDAY_9AM.0 + DAY_MS),
        "Tuesday 09:00 without the holiday"
    );
    for day in ["2026-11-24", "2026/11/25", "2026年11月26日"] {
        o.s()
            .feedback()
            .set_calendar_day(o.admin(), day, "holiday", "馆庆闭馆")
            .await
            .unwrap();
    }
    let e = o
        .s()
        .feedback()
        .set_calendar_day(o.admin(), "2026-11-31", "rest", "")
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["day", "kind"]);

    let during = o.submit("周末能否延长开放时间", "suggestion", None).await;
    let (first, resolution) = o.due(during.id).await;
    assert_eq!(first, Timestamp(MONDAY_9AM.0 + 4 * DAY_MS), "Friday 09:00");
    assert_eq!(
        resolution,
        Timestamp(MONDAY_9AM.0 + 10 * DAY_MS),
        "Thursday of the next week, 09:00"
    );
    assert_eq!(
        o.due(plain.id).await.0,
        Timestamp(MONDAY_9AM.0 + DAY_MS),
        "items already in keep their deadlines"
    );

    let days = o
        .s()
        .feedback()
        .calendar_days(o.admin(), Some(2026))
        .await
        .unwrap();
    assert_eq!(
        days.iter().map(|d| d.day.to_string()).collect::<Vec<_>>(),
        ["2026-11-24", "2026-11-25", "2026-11-26"]
    );
    for day in ["2026-11-24", "2026-11-25", "2026-11-26"] {
        o.s()
            .feedback()
            .remove_calendar_day(o.admin(), day)
            .await
            .unwrap();
    }
    let after = o.submit("周末能否延长开放时间", "suggestion", None).await;
    assert_eq!(o.due(after.id).await.0, Timestamp(MONDAY_9AM.0 + DAY_MS));
}

async fn a_pasted_list_with_a_bad_line_7_saves_nothing_and_names_line_7(o: Office) {
    let list = "# 2026 年部分节假日\n2026-10-01 休 国庆节\n2026-10-02 休 国庆节\n\n2026-10-03 休 国庆节\n2026-10-04 休 国庆节\n2026-10-35 休 国庆节\n2026-10-10 班 国庆节调休\n";
    let e = o
        .s()
        .feedback()
        .paste_calendar_days(o.admin(), list, false)
        .await
        .unwrap_err();
    let errors = invalid(e);
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].field.as_str(), arg(&errors[0], "line")),
        ("days", "7")
    );
    let message = errors[0].message(&Tr::new(Lang::ZhCn));
    assert!(
        message.starts_with("第 7 行“2026-10-35 休 国庆节”无法识别"),
        "{message}"
    );
    assert!(
        o.s()
            .feedback()
            .calendar_days(o.admin(), None)
            .await
            .unwrap()
            .is_empty(),
        "nothing saved"
    );

    // The sample for 2026 goes in whole; pasting a shorter list with replacement leaves
    // no stale day of that year behind.
    assert_eq!(
        o.s()
            .feedback()
            .paste_calendar_days(o.admin(), services::feedback::SAMPLE_2026, false)
            .await
            .unwrap(),
        39
    );
    assert_eq!(
        o.s()
            .feedback()
            .calendar_days(o.admin(), Some(2026))
            .await
            .unwrap()
            .len(),
        39
    );
    o.s()
        .feedback()
        .set_calendar_day(o.admin(), "2027-01-01", "holiday", "元旦")
        .await
        .unwrap();
    assert_eq!(
        o.s()
            .feedback()
            .paste_calendar_days(
                o.admin(),
                "2026-10-01 休 国庆节\n2026-10-10 班 国庆节调休",
                true
            )
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        o.s()
            .feedback()
            .calendar_days(o.admin(), Some(2026))
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        o.s()
            .feedback()
            .calendar_days(o.admin(), Some(2027))
            .await
            .unwrap()
            .len(),
        1,
        "other years are left alone"
    );
    let e = o
        .s()
        .feedback()
        .paste_calendar_days(o.admin(), "# nothing but a comment\n", false)
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["days"]);
}

async fn a_sensitive_word_added_by_the_office_holds_submissions_however_it_is_spelt(o: Office) {
    let spaced = "文化站门口有人发小广告：代 办 证 件，价格优惠";
    let full_width = "群里有人推销ＶＩＰ卡，请管理";
    assert!(
        !o.submit(spaced, "complaint", None).await.held,
        "not on any list yet"
    );
    o.s()
        .feedback()
        .add_sensitive_word(o.admin(), "代办证件", "spam")
        .await
        .unwrap();
    o.s()
        .feedback()
        .add_sensitive_word(o.admin(), "vip卡", "spam")
        .await
        .unwrap();
    assert!(o.submit(spaced, "complaint", None).await.held);
    assert!(o.submit(full_width, "complaint", None).await.held);
    assert!(!o.submit("希望多办戏曲演出", "suggestion", None).await.held);

    let e = o
        .s()
        .feedback()
        .add_sensitive_word(o.admin(), " ，。 ", "weather")
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["word", "category"]);
    let words = o.s().feedback().sensitive_words(o.admin()).await.unwrap();
    assert_eq!(words.len(), 2);
    assert!(
        !services::feedback::built_in_words().is_empty(),
        "the seed list applies too"
    );
    let id = words.iter().find(|w| w.word == "代办证件").unwrap().id;
    o.s()
        .feedback()
        .remove_sensitive_word(o.admin(), id)
        .await
        .unwrap();
    assert!(
        !o.submit(spaced, "complaint", None).await.held,
        "removed: no longer held"
    );
}

async fn categories_are_added_renamed_reordered_and_retired(o: Office) {
    let e = o
        .s()
        .feedback()
        .add_category(
            o.admin(),
            CategoryInput {
                code: "阅读".into(),
                name: "".into(),
                name_en: "Reading".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["code", "name"]);
    let e = o
        .s()
        .feedback()
        .add_category(
            o.admin(),
            CategoryInput {
                code: "training".into(),
                name: "培训".into(),
                name_en: "Training".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(invalid(e)[0].key, Key::setup_err_code_taken);
    o.s()
        .feedback()
        .add_category(
            o.admin(),
            CategoryInput {
                code: "reading".into(),
                name: "阅读推广".into(),
                name_en: "Reading".into(),
            },
        )
        .await
        .unwrap();
    let codes = |list: Vec<services::feedback::CategoryView>| {
        list.into_iter().map(|c| c.code).collect::<Vec<_>>()
    };
    let list = codes(
        o.s()
            .feedback()
            .feedback_categories(o.admin())
            .await
            .unwrap(),
    );
    assert_eq!(list.last().map(String::as_str), Some("reading"));

    o.s()
        .feedback()
        .move_category(o.admin(), "reading", Move::Up)
        .await
        .unwrap();
    let list = codes(
        o.s()
            .feedback()
            .feedback_categories(o.admin())
            .await
            .unwrap(),
    );
    assert_eq!(&list[list.len() - 2..], ["reading", "other"]);
    o.s()
        .feedback()
        .rename_category(o.admin(), "reading", "全民阅读", "Reading for all")
        .await
        .unwrap();
    let with_reading = o
        .submit("希望多办读书会", "suggestion", Some("reading"))
        .await;
    assert_eq!(
        o.s()
            .feedback()
            .feedback_item(&o.clerk, with_reading.id)
            .await
            .unwrap()
            .0
            .category
            .as_deref(),
        Some("reading")
    );

    o.s()
        .feedback()
        .set_category_active(o.admin(), "reading", false)
        .await
        .unwrap();
    let setup = o
        .s()
        .feedback()
        .feedback_setup(o.app.institution.id)
        .await
        .unwrap();
    assert!(
        setup.category("reading").is_none(),
        "retired: no longer offered"
    );
    assert_eq!(
        setup
            .categories
            .iter()
            .find(|c| c.code == "reading")
            .unwrap()
            .name,
        "全民阅读"
    );
    let refused = Intake {
        text: "读书会".into(),
        kind: "suggestion".into(),
        category: Some("reading".into()),
        ..Default::default()
    };
    let e = o
        .s()
        .feedback()
        .submit_feedback(
            &o.app.institution,
            refused,
            Vec::new(),
            None,
            None,
            Channel::Web,
            Lang::ZhCn,
        )
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["category"]);
    assert_eq!(
        o.s()
            .feedback()
            .feedback_item(&o.clerk, with_reading.id)
            .await
            .unwrap()
            .0
            .category
            .as_deref(),
        Some("reading"),
        "filed items keep it"
    );
}

async fn answer_templates_are_kept_by_the_director_and_offered_by_category(o: Office) {
    let e = o
        .s()
        .feedback()
        .add_answer_template(
            &o.director,
            AnswerTemplateInput {
                title: "".into(),
                category: "weather".into(),
                body: "".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["title", "category", "body"]);
    let general = o
        .s()
        .feedback()
        .add_answer_template(
            &o.director,
            AnswerTemplateInput {
                title: "感谢建议".into(),
                category: "".into(),
                body: "感谢您的建议，我们将认真研究。".into(),
            },
        )
        .await
        .unwrap();
    let training = o
        .s()
        .feedback()
        .add_answer_template(
            o.admin(),
            AnswerTemplateInput {
                title: "培训报名".into(),
                category: "training".into(),
                body: "培训报名请关注本馆公众号通知。".into(),
            },
        )
        .await
        .unwrap();
    o.s()
        .feedback()
        .add_answer_template(
            o.admin(),
            AnswerTemplateInput {
                title: "设施报修".into(),
                category: "facility".into(),
                body: "已通知后勤维修。".into(),
            },
        )
        .await
        .unwrap();

    let for_training: Vec<i64> = o
        .s()
        .feedback()
        .answer_templates(&o.clerk, Some("training"))
        .await
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(
        for_training,
        [training, general],
        "the category's own first, then those for all"
    );
    assert_eq!(
        o.s()
            .feedback()
            .answer_templates(&o.clerk, None)
            .await
            .unwrap()
            .len(),
        3
    );

    o.s()
        .feedback()
        .update_answer_template(
            &o.director,
            general,
            AnswerTemplateInput {
                title: "感谢建议".into(),
                category: "".into(),
                body: "感谢您的宝贵建议。".into(),
            },
        )
        .await
        .unwrap();
    let all = o
        .s()
        .feedback()
        .answer_templates(&o.director, None)
        .await
        .unwrap();
    assert_eq!(
        all.iter().find(|t| t.id == general).unwrap().body,
        "感谢您的宝贵建议。"
    );
    o.s()
        .feedback()
        .delete_answer_template(&o.director, training)
        .await
        .unwrap();
    assert_eq!(
        o.s()
            .feedback()
            .answer_templates(&o.clerk, Some("training"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(matches!(
        o.s()
            .feedback()
            .add_answer_template(
                &o.clerk,
                AnswerTemplateInput {
                    title: "x".into(),
                    category: "".into(),
                    body: "y".into()
                }
            )
            .await,
        Err(ServiceError::Forbidden)
    ));
}

async fn only_the_administrator_changes_the_setup(o: Office) {
    let s = o.s();
    for who in [&o.clerk, &o.director] {
        assert!(matches!(
            s.feedback()
                .add_category(
                    who,
                    CategoryInput {
                        code: "reading".into(),
                        name: "阅读".into(),
                        name_en: "Reading".into()
                    }
                )
                .await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            s.feedback().set_category_active(who, "other", false).await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            s.feedback()
                .add_routing_rule(
                    who,
                    RoutingRuleInput {
                        kind: "complaint".into(),
                        department: o.activity.to_string(),
                        ..Default::default()
                    }
                )
                .await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            s.feedback().routing_rules(who).await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            s.feedback()
                .set_deadline_policy(
                    who,
                    DeadlinePolicyInput {
                        first_response: "1".into(),
                        first_response_unit: "days".into(),
                        resolution: "2".into(),
                        resolution_unit: "days".into(),
                        ..Default::default()
                    }
                )
                .await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            s.feedback()
                .set_calendar_day(who, "2026-12-24", "holiday", "")
                .await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            s.feedback()
                .paste_calendar_days(who, "2026-12-24 休", false)
                .await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            s.feedback()
                .add_sensitive_word(who, "代办证件", "spam")
                .await,
            Err(ServiceError::Forbidden)
        ));
        assert!(matches!(
            s.feedback().feedback_settings(who).await,
            Err(ServiceError::Forbidden)
        ));
    }
    assert!(
        !s.feedback()
            .may_manage_feedback_setup(&o.clerk)
            .await
            .unwrap()
    );
    assert!(
        s.feedback()
            .may_manage_feedback_setup(&o.director)
            .await
            .unwrap(),
        "the director keeps the templates"
    );
    assert!(
        s.feedback()
            .may_manage_feedback_setup(o.admin())
            .await
            .unwrap()
    );
    assert!(
        s.feedback()
            .routing_rules(o.admin())
            .await
            .unwrap()
            .is_empty(),
        "nothing was changed"
    );
    assert!(
        s.feedback()
            .calendar_days(o.admin(), None)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn every_change_is_in_the_audit_log(o: Office) {
    let s = o.s();
    let admin = o.admin();
    let mut settings = s.feedback().feedback_settings(admin).await.unwrap();
    settings.reopen_days = 10;
    s.feedback()
        .update_feedback_settings(admin, settings)
        .await
        .unwrap();
    assert_eq!(
        s.feedback()
            .feedback_settings(admin)
            .await
            .unwrap()
            .reopen_days,
        10,
        "seen at once"
    );
    s.feedback()
        .add_category(
            admin,
            CategoryInput {
                code: "reading".into(),
                name: "阅读".into(),
                name_en: "Reading".into(),
            },
        )
        .await
        .unwrap();
    s.feedback()
        .rename_category(admin, "reading", "全民阅读", "Reading")
        .await
        .unwrap();
    s.feedback()
        .move_category(admin, "reading", Move::Up)
        .await
        .unwrap();
    s.feedback()
        .set_category_active(admin, "reading", false)
        .await
        .unwrap();
    let rule = s
        .feedback()
        .add_routing_rule(
            admin,
            RoutingRuleInput {
                kind: "praise".into(),
                department: o.activity.to_string(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    s.feedback()
        .add_routing_rule(
            admin,
            RoutingRuleInput {
                kind: "inquiry".into(),
                department: o.activity.to_string(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    s.feedback()
        .move_routing_rule(admin, rule, Move::Down)
        .await
        .unwrap();
    s.feedback().delete_routing_rule(admin, rule).await.unwrap();
    let policy = s
        .feedback()
        .set_deadline_policy(
            admin,
            DeadlinePolicyInput {
                first_response: "1".into(),
                first_response_unit: "days".into(),
                resolution: "3".into(),
                resolution_unit: "days".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    s.feedback()
        .delete_deadline_policy(admin, policy)
        .await
        .unwrap();
    s.feedback()
        .set_calendar_day(admin, "2026-12-31", "holiday", "")
        .await
        .unwrap();
    s.feedback()
        .remove_calendar_day(admin, "2026-12-31")
        .await
        .unwrap();
    s.feedback()
        .paste_calendar_days(admin, "2027-01-01 休 元旦", false)
        .await
        .unwrap();
    let template = s
        .feedback()
        .add_answer_template(
            admin,
            AnswerTemplateInput {
                title: "感谢".into(),
                category: "".into(),
                body: "谢谢。".into(),
            },
        )
        .await
        .unwrap();
    s.feedback()
        .update_answer_template(
            admin,
            template,
            AnswerTemplateInput {
                title: "感谢".into(),
                category: "".into(),
                body: "非常感谢。".into(),
            },
        )
        .await
        .unwrap();
    s.feedback()
        .delete_answer_template(admin, template)
        .await
        .unwrap();
    s.feedback()
        .add_sensitive_word(admin, "代办证件", "spam")
        .await
        .unwrap();
    let word = s.feedback().sensitive_words(admin).await.unwrap()[0].id;
    s.feedback()
        .remove_sensitive_word(admin, word)
        .await
        .unwrap();

    let actions = o.audit_actions().await;
    for expected in [
        "feedback.settings_changed",
        "feedback.category_added",
        "feedback.category_renamed",
        "feedback.category_moved",
        "feedback.category_active_set",
        "feedback.routing_rule_added",
        "feedback.routing_rule_moved",
        "feedback.routing_rule_deleted",
        "feedback.deadline_policy_set",
        "feedback.deadline_policy_deleted",
        "feedback.calendar_day_set",
        "feedback.calendar_day_removed",
        "feedback.calendar_pasted",
        "feedback.template_added",
        "feedback.template_changed",
        "feedback.template_deleted",
        "feedback.word_added",
        "feedback.word_removed",
    ] {
        assert_eq!(
            actions.iter().filter(|a| *a == expected).count(),
            if expected == "feedback.routing_rule_added" {
                2
            } else {
                1
            },
            "{expected} in {actions:?}"
        );
    }
    // A refused change leaves no trace.
    let before = o.audit_actions().await.len();
    let e = s
        .feedback()
        .add_category(
            admin,
            CategoryInput {
                code: "Bad Code".into(),
                name: "x".into(),
                name_en: "x".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(field_errors(e), [("code".to_owned(), Key::setup_err_code)]);
    assert_eq!(o.audit_actions().await.len(), before);
}

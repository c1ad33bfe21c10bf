//! Full-text search over feedback and answers, told as stories and run on both engines.

use domain::UnitId;
use i18n::{Key, Lang, Tr};
use services::feedback::{Intake, SearchPage, SearchQuery, StaffAction, Submitted};
use services::{ServiceError, Services, Settings, Staff};
use std::sync::Arc;
use testkit::scenario::{App, gateways, intake, person, send};

/// An institution with two stations; an office clerk over everything, a clerk of 城关镇
/// only, and an evaluator who may not see personal data.
struct Desk {
    app: App,
    /// The database's URL, for a second node.
    url: String,
    chengguan: UnitId,
    taoyuan: UnitId,
    clerk: Staff,
    station_clerk: Staff,
    evaluator: Staff,
    submitted: std::sync::atomic::AtomicUsize,
}

impl testkit::Fixture for Desk {
    async fn setup(db: &testkit::TestDb) -> Desk {
        let app = App::setup(db).await;
        let chengguan = app.add_station("城关镇文化站").await;
        let taoyuan = app.add_station("桃源镇文化站").await;
        let [clerk, station_clerk, evaluator] = app
            .hire_all([
                person("li.jing", "李静", "office_clerk", app.root),
                person("tang.li", "唐莉", "office_clerk", chengguan),
                person("eval.gao", "高评估", "evaluator", app.root),
            ])
            .await;
        Desk {
            url: db.url.clone(),
            app,
            chengguan,
            taoyuan,
            clerk,
            station_clerk,
            evaluator,
            submitted: Default::default(),
        }
    }
}

impl Desk {
    fn s(&self) -> &Services {
        &self.app.services
    }

    async fn submit_on(&self, services: &Services, text: &str, unit: UnitId) -> Submitted {
        // A number of their own for each submitter: one person may send only so many a day.
        let n = self
            .submitted
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let intake = Intake {
            unit: Some(unit.to_string()),
            mobile: Some(format!("1390731{n:04}")),
            ..intake(text, "complaint")
        };
        send(services, &self.app.institution, intake, Vec::new(), None).await
    }

    async fn submit(&self, text: &str, unit: UnitId) -> Submitted {
        self.submit_on(self.s(), text, unit).await
    }

    async fn search(&self, who: &Staff, q: &str) -> SearchPage {
        search_on(self.s(), who, q).await
    }

    async fn found(&self, who: &Staff, q: &str) -> Vec<i64> {
        ids(&self.search(who, q).await)
    }
}

async fn search_on(services: &Services, who: &Staff, q: &str) -> SearchPage {
    let query = SearchQuery {
        q: q.into(),
        ..Default::default()
    };
    services
        .feedback()
        .search_feedback(who, &query)
        .await
        .unwrap()
}

fn ids(page: &SearchPage) -> Vec<i64> {
    page.hits.iter().map(|h| h.id).collect()
}

/// The field and the message of a refused query, in `lang`.
fn field_error(e: ServiceError, lang: Lang) -> (String, String) {
    match e {
        ServiceError::Invalid(invalid) => {
            let f = &invalid.0[0];
            (f.field.clone(), f.message(&Tr::new(lang)))
        }
        other => panic!("expected a field error, got {other:?}"),
    }
}

const DANCE: &str = "每天晚上小区门口的广场舞音响开得太大，孩子没法安心写作业，希望文化站管一管";
const AIRCON: &str = "图书室的空调坏了一个多星期，夏天坐在里面看书太热了";
const CALLIGRAPHY: &str = "希望周末多开一些书法班，上班族也能参加";

testkit::on_both_engines! {
    a_chinese_word_is_found_inside_a_longer_sentence_and_nothing_else_is(Desk),
    traditional_characters_find_simplified_text_and_the_other_way_round(Desk),
    an_answer_s_words_are_found_and_shown(Desk),
    staff_outside_an_item_s_station_do_not_find_it(Desk),
    personal_data_is_masked_for_those_who_may_not_see_it_and_never_searchable(Desk),
    a_search_on_another_node_finds_what_was_just_submitted(Desk),
    the_background_fill_indexes_items_from_before_the_index(Desk),
    a_query_that_cannot_be_searched_is_refused_with_a_field_error(Desk),
    results_are_ranked_and_paged(Desk),
}

async fn a_chinese_word_is_found_inside_a_longer_sentence_and_nothing_else_is(d: Desk) {
    let dance = d.submit(DANCE, d.chengguan).await;
    let aircon = d.submit(AIRCON, d.chengguan).await;
    d.submit(CALLIGRAPHY, d.taoyuan).await;
    let page = d.search(&d.clerk, "广场舞").await;
    assert_eq!(ids(&page), vec![dance.id]);
    assert_eq!(page.total, 1);
    assert!(!page.capped);
    let hit = &page.hits[0];
    assert_eq!(hit.tracking_no, dance.tracking_no);
    assert!(
        hit.snippet.contains("门口的<mark>广场舞</mark>音响"),
        "{}",
        hit.snippet
    );
    assert!(hit.answer_snippet.is_none());
    // The words inside a long word find it too, and every word must be there.
    assert_eq!(d.found(&d.clerk, "广场").await, vec![dance.id]);
    assert_eq!(d.found(&d.clerk, "广场舞 音响").await, vec![dance.id]);
    assert!(d.found(&d.clerk, "广场舞 空调").await.is_empty());
    assert_eq!(d.found(&d.clerk, "空调坏了").await, vec![aircon.id]);
    assert!(d.found(&d.clerk, "京剧").await.is_empty());
}

async fn traditional_characters_find_simplified_text_and_the_other_way_round(d: Desk) {
    let dance = d.submit(DANCE, d.chengguan).await;
    let old = d.submit("文化館的燈壞了，廳裡很暗", d.chengguan).await;
    let page = d.search(&d.clerk, "廣場舞").await;
    assert_eq!(ids(&page), vec![dance.id]);
    assert_eq!(page.words, vec!["广场舞".to_owned()]);
    // Full-width and traditional queries, traditional text: marked as it is written.
    let page = d.search(&d.clerk, "文化馆 灯").await;
    assert_eq!(ids(&page), vec![old.id]);
    assert!(
        page.hits[0].snippet.contains("<mark>文化館</mark>"),
        "{}",
        page.hits[0].snippet
    );
}

async fn an_answer_s_words_are_found_and_shown(d: Desk) {
    let dance = d.submit(DANCE, d.chengguan).await;
    assert!(d.found(&d.clerk, "分贝").await.is_empty());
    let answer = StaffAction::Answer {
        text: "已联系社区，晚上八点半以后音量限制在六十分贝以内。".into(),
        adopted: false,
    };
    d.s()
        .feedback()
        .act_on_feedback(&d.clerk, dance.id, None, answer)
        .await
        .unwrap();
    let page = d.search(&d.clerk, "分贝").await;
    assert_eq!(ids(&page), vec![dance.id]);
    let answer = page.hits[0].answer_snippet.as_deref().unwrap_or_default();
    assert!(answer.contains("六十<mark>分贝</mark>以内"), "{answer}");
    // A word of the text and a word of the answer together.
    assert_eq!(d.found(&d.clerk, "广场舞 分贝").await, vec![dance.id]);
    // The submitter's reply to a question is searchable as well.
    d.s()
        .feedback()
        .act_on_feedback(&d.clerk, dance.id, None, StaffAction::Close)
        .await
        .unwrap();
    let question = d.submit(AIRCON, d.chengguan).await;
    d.s()
        .feedback()
        .act_on_feedback(
            &d.clerk,
            question.id,
            None,
            StaffAction::AskSubmitter {
                question: "是哪一间图书室？".into(),
            },
        )
        .await
        .unwrap();
    let secret = d
        .s()
        .feedback()
        .tracking_secret(d.app.institution.id, &question.tracking_no);
    d.s()
        .feedback()
        .submitter_reply(
            &d.app.institution,
            &question.tracking_no,
            &secret,
            "二楼的少儿阅览室",
        )
        .await
        .unwrap();
    assert_eq!(d.found(&d.clerk, "阅览室").await, vec![question.id]);
}

async fn staff_outside_an_item_s_station_do_not_find_it(d: Desk) {
    let here = d.submit(DANCE, d.chengguan).await;
    let there = d
        .submit("桃源镇的广场舞队想借用文化站的音响", d.taoyuan)
        .await;
    let mut everywhere = d.found(&d.clerk, "广场舞").await;
    everywhere.sort_unstable();
    assert_eq!(everywhere, vec![here.id, there.id]);
    assert_eq!(d.found(&d.station_clerk, "广场舞").await, vec![here.id]);
    // Filters narrow what the permissions allow, never widen it.
    let query = SearchQuery {
        q: "广场舞".into(),
        unit: d.taoyuan.to_string(),
        ..Default::default()
    };
    assert!(
        d.s()
            .feedback()
            .search_feedback(&d.station_clerk, &query)
            .await
            .unwrap()
            .hits
            .is_empty()
    );
    assert_eq!(
        ids(&d
            .s()
            .feedback()
            .search_feedback(&d.clerk, &query)
            .await
            .unwrap()),
        vec![there.id]
    );
    let query = SearchQuery {
        q: "广场舞".into(),
        status: "closed".into(),
        ..Default::default()
    };
    assert!(
        d.s()
            .feedback()
            .search_feedback(&d.clerk, &query)
            .await
            .unwrap()
            .hits
            .is_empty()
    );
}

async fn personal_data_is_masked_for_those_who_may_not_see_it_and_never_searchable(d: Desk) {
    let item = d
        .submit("我叫王秀英，电话13907312233，广场舞音响太吵", d.chengguan)
        .await;
    let clerk = d.search(&d.clerk, "广场舞").await;
    assert!(
        clerk.hits[0].snippet.contains("13907312233"),
        "{}",
        clerk.hits[0].snippet
    );
    let evaluator = d.search(&d.evaluator, "广场舞").await;
    assert_eq!(ids(&evaluator), vec![item.id]);
    let snippet = &evaluator.hits[0].snippet;
    assert!(
        snippet.contains("139****2233") && !snippet.contains("13907312233"),
        "{snippet}"
    );
    assert!(!snippet.contains("秀英"), "{snippet}");
    // Nobody can find out through search whose number is in which item.
    assert!(d.found(&d.clerk, "13907312233").await.is_empty());
    assert!(d.found(&d.evaluator, "王秀英").await.is_empty());
}

async fn a_search_on_another_node_finds_what_was_just_submitted(d: Desk) {
    let db = store::Db::connect(&d.url).await.unwrap();
    let other = Services::new(
        db,
        Arc::new(d.app.clock.clone()),
        gateways(),
        Settings::default(),
    )
    .await
    .unwrap();
    let sent = d.submit_on(d.s(), DANCE, d.chengguan).await;
    assert_eq!(
        ids(&search_on(&other, &d.clerk, "广场舞").await),
        vec![sent.id]
    );
    // And the other way: an answer given on the second node is found on the first.
    let answer = StaffAction::Answer {
        text: "音量已限制在六十分贝以内".into(),
        adopted: false,
    };
    other
        .feedback()
        .act_on_feedback(&d.clerk, sent.id, None, answer)
        .await
        .unwrap();
    assert_eq!(d.found(&d.clerk, "分贝").await, vec![sent.id]);
}

async fn the_background_fill_indexes_items_from_before_the_index(d: Desk) {
    let dance = d.submit(DANCE, d.chengguan).await;
    let aircon = d.submit(AIRCON, d.chengguan).await;
    let answer = StaffAction::Answer {
        text: "空调已经请师傅修好了".into(),
        adopted: false,
    };
    d.s()
        .feedback()
        .act_on_feedback(&d.clerk, aircon.id, None, answer)
        .await
        .unwrap();
    // As a database from before migration 0004 has them: no words.
    let db = d.s().db();
    store::search::forget_words(db, None).await.unwrap();
    assert!(d.found(&d.clerk, "广场舞").await.is_empty());
    assert_eq!(store::search::pending_count(db).await.unwrap(), 2);
    let version = store::feedback::find(db, d.app.institution.id, aircon.id)
        .await
        .unwrap()
        .unwrap()
        .version;

    // The worker's schedule runs the fill.
    d.s().worker().run_due().await.unwrap();
    assert_eq!(store::search::pending_count(db).await.unwrap(), 0);
    assert_eq!(d.found(&d.clerk, "广场舞").await, vec![dance.id]);
    assert_eq!(
        d.found(&d.clerk, "师傅").await,
        vec![aircon.id],
        "the answer's words too"
    );
    let after = store::feedback::find(db, d.app.institution.id, aircon.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        after.version, version,
        "filling the index is not a change to the item"
    );
    // Once more: nothing left to do, nothing changes.
    let words = store::search::words_of(db, d.app.institution.id, dance.id)
        .await
        .unwrap();
    assert_eq!(
        d.s()
            .feedback()
            .fill_search_index(std::time::Duration::from_secs(5))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store::search::words_of(db, d.app.institution.id, dance.id)
            .await
            .unwrap(),
        words
    );
}

async fn a_query_that_cannot_be_searched_is_refused_with_a_field_error(d: Desk) {
    let search = |q: String| {
        let s = d.s().clone();
        let who = d.clerk.clone();
        async move {
            s.feedback()
                .search_feedback(
                    &who,
                    &SearchQuery {
                        q,
                        ..Default::default()
                    },
                )
                .await
                .unwrap_err()
        }
    };
    let (field, message) = field_error(search("   ".into()).await, Lang::ZhCn);
    assert_eq!(
        (field.as_str(), message.as_str()),
        ("q", Tr::new(Lang::ZhCn).get(Key::search_err_empty))
    );
    let (field, message) = field_error(search("广".repeat(101)).await, Lang::En);
    assert_eq!(
        (field.as_str(), message.as_str()),
        ("q", "At most 100 characters")
    );
    let (_, message) = field_error(search("广".repeat(101)).await, Lang::ZhCn);
    assert_eq!(message, "不能超过 100 个字");
    let (_, message) = field_error(search("？！……".into()).await, Lang::En);
    assert_eq!(message, Tr::new(Lang::En).get(Key::search_err_no_words));
}

async fn results_are_ranked_and_paged(d: Desk) {
    let mut sent = Vec::new();
    for i in 0..25 {
        let text = if i == 3 {
            "广场舞，广场舞，又是广场舞：广场舞的音响从早到晚".to_owned()
        } else {
            format!("第{i}次反映：小区广场舞的时间能不能调整一下")
        };
        sent.push(d.submit(&text, d.chengguan).await.id);
    }
    let first = d.search(&d.clerk, "广场舞").await;
    assert_eq!(
        (first.total, first.pages, first.page, first.hits.len()),
        (25, 2, 1, 20)
    );
    assert_eq!(
        first.hits[0].id, sent[3],
        "the item that says it most comes first"
    );
    let query = SearchQuery {
        q: "广场舞".into(),
        page: "2".into(),
        ..Default::default()
    };
    let second = d
        .s()
        .feedback()
        .search_feedback(&d.clerk, &query)
        .await
        .unwrap();
    assert_eq!((second.page, second.hits.len()), (2, 5));
    let mut all: Vec<i64> = ids(&first).into_iter().chain(ids(&second)).collect();
    all.sort_unstable();
    let mut expected = sent.clone();
    expected.sort_unstable();
    assert_eq!(all, expected, "every result once");
}

testkit::on_both_engines! {
    among_thousands_the_newest_matches_are_found_however_common_the_words(Desk),
}

async fn among_thousands_the_newest_matches_are_found_however_common_the_words(d: Desk) {
    use domain::TenantId;
    use store::feedback::NewFeedback;
    let tenant: TenantId = d.app.institution.id;
    let unit = store::org::find_unit(d.s().db(), tenant, d.chengguan)
        .await
        .unwrap()
        .unwrap();
    // 12,000 items: 广场舞 in every third, 书法 in every 150th, 剪纸 in five.
    let text = |n: usize| {
        let mut t = format!("第{n}条反馈");
        if n.is_multiple_of(3) {
            t.push_str("，广场舞太吵");
        }
        if n.is_multiple_of(150) {
            t.push_str("，想学书法");
        }
        if n % 2_400 == 7 {
            t.push_str("，剪纸展览");
        }
        t
    };
    let mut ids = Vec::new();
    for chunk in (0..12_000).collect::<Vec<usize>>().chunks(400) {
        let rows: Vec<NewFeedback> = chunk
            .iter()
            .map(|&n| {
                let body = text(n);
                NewFeedback {
                    kind: domain::feedback::FeedbackKind::Complaint,
                    unit_id: unit.id,
                    station_id: unit.id,
                    unit_path: unit.path.clone(),
                    search_text: Some(services::feedback::index_words(&body)),
                    ..NewFeedback::new(
                        tenant,
                        format!("BULK-{n:06}"),
                        body,
                        testkit::scenario::MONDAY_9AM,
                    )
                }
            })
            .collect();
        for (id, tracking_no) in store::feedback::insert_many_returning(d.s().db(), rows)
            .await
            .unwrap()
        {
            let n: usize = tracking_no["BULK-".len()..].parse().unwrap();
            ids.push((id, text(n)));
        }
    }
    ids.sort_unstable();
    let newest = |word: &str, n: usize| -> Vec<i64> {
        let mut m: Vec<i64> = ids
            .iter()
            .rev()
            .filter(|(_, b)| b.contains(word))
            .map(|(id, _)| *id)
            .take(n)
            .collect();
        m.sort_unstable();
        m
    };
    for (word, total) in [("广场舞", 100), ("书法", 80), ("剪纸", 5)] {
        let mut pages = Vec::new();
        let mut page = 1;
        loop {
            let q = SearchQuery {
                q: word.into(),
                page: page.to_string(),
                ..Default::default()
            };
            let found = d
                .s()
                .feedback()
                .search_feedback(&d.clerk, &q)
                .await
                .unwrap();
            assert_eq!(found.total, total, "{word}");
            pages.extend(ids_of(&found));
            if found.page >= found.pages {
                break;
            }
            page += 1;
        }
        pages.sort_unstable();
        assert_eq!(
            pages,
            newest(word, 100),
            "{word}: the newest matches, each once"
        );
    }
    // Only what the staff member may see: the station's clerk sees these, too.
    let q = SearchQuery {
        q: "剪纸".into(),
        ..Default::default()
    };
    assert_eq!(
        d.s()
            .feedback()
            .search_feedback(&d.station_clerk, &q)
            .await
            .unwrap()
            .total,
        5
    );
}

fn ids_of(page: &SearchPage) -> Vec<i64> {
    page.hits.iter().map(|h| h.id).collect()
}

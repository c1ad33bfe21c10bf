//! Events and training, told as stories and run on both engines: registering with
//! companions, the waiting list and its offers (once, across a restart), the lottery that
//! anyone can recompute, check-in, no-shows and their block, ratings that become feedback,
//! and the rush: parallel requests never oversell a date or give one person two places.

use domain::event::lottery::{allocate, draw_order, verify_commitment};
use domain::time::{DAY_MS, HOUR_MS};
use domain::{Clock, Timestamp};
use events::door::CheckInOutcome;
use services::events::{
    self, ActivityDraft, CompanionForm, DateDraft, RegistrationForm, ReserveDraft,
};
use services::{MemberSession, ServiceError, Services, Staff};
use std::collections::HashMap;
use testkit::scenario::{App, fields, refusal};

/// The centre with its office (a director and a clerk), 城关镇文化站, and a clock at
/// Monday 9:00.
struct Centre {
    app: App,
    station: i64,
    director: Staff,
    clerk: Staff,
}

impl testkit::Fixture for Centre {
    async fn setup(db: &testkit::TestDb) -> Centre {
        let app = App::setup(db).await;
        let centre = app.centre().await;
        let [director, clerk] = app.hire_all([centre.director(), centre.clerk()]).await;
        Centre {
            station: centre.station.0,
            app,
            director,
            clerk,
        }
    }
}

impl Centre {
    fn s(&self) -> &Services {
        &self.app.services
    }

    fn e(&self) -> &events::Events {
        self.s().events()
    }

    fn now(&self) -> Timestamp {
        self.app.clock.now()
    }

    /// A member signed in with a verified mobile (the session itself is the core's
    /// business, tested there).
    async fn member(&self, mobile: &str) -> MemberSession {
        let tenant = self.director.actor.tenant_id;
        let id = store::members::upsert_by_mobile(self.s().db(), tenant, mobile, self.now())
            .await
            .unwrap();
        MemberSession {
            member: id,
            tenant,
            mobile: mobile.into(),
            session: String::new(),
        }
    }

    /// A class of the centre, published, with one date `days` ahead at 19:00 for `seats`.
    async fn class(&self, title: &str, seats: u32, allocation: &str) -> (i64, i64) {
        let draft = ActivityDraft {
            title: title.into(),
            description: "每周三晚上，零基础可报。".into(),
            category: "training".into(),
            unit: self.app.root.0.to_string(),
            venue: "文化馆二楼排练厅".into(),
            booking: "per_date".into(),
            allocation: allocation.into(),
            closes_at: at(self.now().plus_ms(DAY_MS)),
            ..Default::default()
        };
        let id = self.e().create_activity(&self.clerk, &draft).await.unwrap();
        let starts = self.now().plus_ms(3 * DAY_MS);
        let date = self
            .e()
            .add_date(
                &self.clerk,
                id,
                &DateDraft {
                    starts_at: at(starts),
                    ends_at: at(starts.plus_ms(2 * HOUR_MS)),
                    capacity: seats.to_string(),
                    reserves: Vec::new(),
                },
            )
            .await
            .unwrap();
        let version = self
            .e()
            .staff_activity(&self.clerk, id)
            .await
            .unwrap()
            .version;
        self.e()
            .publish_activity(&self.director, id, version)
            .await
            .unwrap();
        (id, date)
    }

    /// The member's newest registration.
    async fn latest(&self, m: &MemberSession) -> events::MyRegistration {
        let mut mine = self.e().my_registrations(m).await.unwrap();
        mine.sort_by_key(|r| std::cmp::Reverse(r.id));
        mine.remove(0)
    }

    async fn seats_left(&self, activity: i64) -> i32 {
        let tenant = self.director.actor.tenant_id;
        let view = self.e().public_activity(tenant, activity).await.unwrap();
        view.dates[0].seats_left
    }

    async fn texts_to(&self, mobile: &str) -> Vec<String> {
        store::outbox::recent(self.s().db(), None, Some(mobile), 50)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.body)
            .collect()
    }
}

/// A time as the activity form takes it, in Beijing.
fn at(t: Timestamp) -> String {
    t.in_zone(&domain::time::china())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

fn form(name: &str, companions: &[(&str, i32)], wait: bool) -> RegistrationForm {
    RegistrationForm {
        name: name.into(),
        companions: companions
            .iter()
            .map(|(n, y)| CompanionForm {
                name: (*n).into(),
                birth_year: y.to_string(),
            })
            .collect(),
        join_waiting_list: wait,
        ..Default::default()
    }
}

testkit::on_both_engines! {
    a_member_registers_with_companions_cancels_and_registers_again(Centre),
    a_cancellation_offers_the_seat_to_the_first_waiting_entry_that_fits_once(Centre),
    an_offer_not_taken_up_passes_on_once_across_a_restart(Centre),
    the_lottery_is_recomputed_from_the_published_seed_and_list(Centre),
    check_in_by_code_warns_on_the_second_scan(Centre),
    two_no_shows_put_a_member_on_waiting_lists_until_staff_lift_it(Centre),
    only_attendees_rate_and_a_low_rating_comment_becomes_feedback(Centre),
    parallel_registrations_never_oversell_nor_double(Centre),
    seats_kept_for_a_township_wait_for_its_residents_until_released(Centre),
    a_moved_date_tells_each_registrant_once(Centre),
    members_marked_for_priority_register_before_the_opening(Centre),
    a_member_subscribes_to_their_own_activities_by_a_private_address(Centre),
}

async fn a_member_registers_with_companions_cancels_and_registers_again(c: Centre) {
    let (activity, date) = c.class("少儿书法班", 10, "first_come").await;
    let mum = c.member("13900000001").await;
    let party = form("王丽", &[("王小明", 2017), ("李奶奶", 1950)], false);
    let done = c.e().register(&mum, date, &party).await.unwrap();
    assert_eq!(done.status, "confirmed");
    assert_eq!(done.code.len(), 9, "ABCD-EFGH: {}", done.code);
    assert_eq!(c.seats_left(activity).await, 7, "she and two companions");

    // The same child twice, and too many companions, name their fields.
    let twice = form("王丽", &[("王小明", 2017), (" 王小明 ", 2017)], false);
    let e = c.e().register(&mum, date, &twice).await.unwrap_err();
    assert_eq!(fields(e), ["companions[1].name"]);
    // One person, one place.
    let e = c.e().register(&mum, date, &party).await.unwrap_err();
    assert_eq!(refusal(e), i18n::Key::event_err_already);

    c.e().cancel_registration(&mum, done.id).await.unwrap();
    assert_eq!(c.seats_left(activity).await, 10);
    let again = c
        .e()
        .register(&mum, date, &form("王丽", &[], false))
        .await
        .unwrap();
    assert_eq!(again.status, "confirmed");
    assert_eq!(c.seats_left(activity).await, 9);
    let mine = c.e().my_registrations(&mum).await.unwrap();
    let statuses: Vec<&str> = mine.iter().map(|m| m.status.as_str()).collect();
    assert!(
        statuses.contains(&"cancelled") && statuses.contains(&"confirmed"),
        "{statuses:?}"
    );
}

async fn a_cancellation_offers_the_seat_to_the_first_waiting_entry_that_fits_once(c: Centre) {
    let (_, date) = c.class("二胡入门", 2, "first_come").await;
    let a = c.member("13900000011").await;
    let b = c.member("13900000012").await;
    let family = c.member("13900000013").await;
    let single = c.member("13900000014").await;
    let first = c
        .e()
        .register(&a, date, &form("甲", &[], false))
        .await
        .unwrap();
    c.e()
        .register(&b, date, &form("乙", &[], false))
        .await
        .unwrap();
    // Full: refused unless the member asks for the waiting list.
    let e = c
        .e()
        .register(&family, date, &form("丙", &[("丙妈", 1960)], false))
        .await
        .unwrap_err();
    assert_eq!(refusal(e), i18n::Key::event_err_full);
    let waiting = c
        .e()
        .register(&family, date, &form("丙", &[("丙妈", 1960)], true))
        .await
        .unwrap();
    assert_eq!(waiting.status, "waiting");
    let later = c
        .e()
        .register(&single, date, &form("丁", &[], true))
        .await
        .unwrap();

    // One seat frees: the family of two does not fit, the single person after them does.
    c.e().cancel_registration(&a, first.id).await.unwrap();
    assert_eq!(c.latest(&family).await.status, "waiting");
    assert_eq!(
        c.latest(&family).await.waiting_place,
        Some(1),
        "still first in line"
    );
    assert_eq!(c.latest(&single).await.status, "offered");
    c.s().worker().run_due().await.unwrap();
    let offers = c.texts_to("13900000014").await;
    assert_eq!(offers.iter().filter(|t| t.contains("候补递补")).count(), 1);
    // The sweep does not offer it again.
    c.e().sweep_events().await.unwrap();
    c.s().worker().run_due().await.unwrap();
    assert_eq!(c.texts_to("13900000014").await.len(), offers.len());
    c.e().accept_offer(&single, later.id).await.unwrap();
    assert_eq!(c.latest(&single).await.status, "confirmed");
    // Staff see the family was passed over, and why.
    let skipped = c
        .s()
        .audit_log(&c.director, services::AuditFilter::default())
        .await
        .unwrap();
    assert!(skipped.iter().any(|e| e.action == "registration.skipped"));
}

async fn an_offer_not_taken_up_passes_on_once_across_a_restart(c: Centre) {
    let (_, date) = c.class("太极拳", 1, "first_come").await;
    let a = c.member("13900000021").await;
    let b = c.member("13900000022").await;
    let d = c.member("13900000023").await;
    let held = c
        .e()
        .register(&a, date, &form("甲", &[], false))
        .await
        .unwrap();
    c.e()
        .register(&b, date, &form("乙", &[], true))
        .await
        .unwrap();
    c.e()
        .register(&d, date, &form("丁", &[], true))
        .await
        .unwrap();
    c.e().cancel_registration(&a, held.id).await.unwrap();
    assert_eq!(c.latest(&b).await.status, "offered");
    // 乙 does not answer. Past the expiry, a server started afresh (a new Services on the
    // same database) and the old one both sweep: the seat passes to 丁 exactly once.
    c.app.clock.advance_ms(13 * HOUR_MS);
    let restarted = testkit::scenario::services_on_db(c.s().db().clone(), &c.app.clock).await;
    let (x, y) = tokio::join!(restarted.events().sweep_events(), c.e().sweep_events());
    x.unwrap();
    y.unwrap();
    assert_eq!(c.latest(&b).await.status, "lapsed");
    assert_eq!(c.latest(&d).await.status, "offered");
    c.s().worker().run_due().await.unwrap();
    let texts = c.texts_to("13900000023").await;
    assert_eq!(
        texts.iter().filter(|t| t.contains("候补递补")).count(),
        1,
        "{texts:?}"
    );
}

async fn the_lottery_is_recomputed_from_the_published_seed_and_list(c: Centre) {
    let (activity, date) = c.class("老年合唱团（摇号）", 3, "lottery").await;
    let tenant = c.director.actor.tenant_id;
    let published = c.e().public_activity(tenant, activity).await.unwrap();
    let commitment = published
        .lottery_commitment
        .clone()
        .expect("published at once");
    assert_eq!(published.lottery_seed, None, "the seed waits for the draw");
    for i in 0..8 {
        let m = c.member(&format!("1390000010{i}")).await;
        let companions: &[(&str, i32)] = if i % 3 == 0 { &[("老伴", 1955)] } else { &[] };
        let applied = c
            .e()
            .register(&m, date, &form(&format!("申请人{i}"), companions, false))
            .await
            .unwrap();
        assert_eq!(applied.status, "applied");
        assert!(applied.application_no.is_some());
    }
    // The window closes; the sweep draws.
    c.app.clock.advance_ms(DAY_MS + 60_000);
    c.e().sweep_events().await.unwrap();
    let list = c.e().lottery(tenant, date).await.unwrap();
    assert!(list.frozen);
    let seed = list.seed.clone().expect("revealed after the draw");
    assert!(verify_commitment(&seed, &commitment));
    // Anyone recomputes the winners from the seed and the published list.
    let numbers: Vec<String> = list.applications.iter().map(|a| a.number.clone()).collect();
    let sizes: HashMap<String, u32> = list
        .applications
        .iter()
        .map(|a| (a.number.clone(), a.seats as u32))
        .collect();
    let order = draw_order(&seed, &numbers).unwrap();
    let recomputed = allocate(&order, &sizes, 3).unwrap();
    let mut expected: Vec<&str> = recomputed
        .winners
        .iter()
        .map(|w| w.number.as_str())
        .collect();
    let mut won: Vec<&str> = list
        .applications
        .iter()
        .filter(|a| a.won)
        .map(|a| a.number.as_str())
        .collect();
    expected.sort();
    won.sort();
    assert_eq!(won, expected);
    assert!(
        list.applications
            .iter()
            .all(|a| a.masked_name.contains('*')),
        "names masked"
    );
    // Drawing again does nothing.
    assert_eq!(c.e().sweep_events().await.unwrap(), 0);
}

async fn check_in_by_code_warns_on_the_second_scan(c: Centre) {
    let (_, date) = c.class("剪纸", 5, "first_come").await;
    let m = c.member("13900000031").await;
    let done = c
        .e()
        .register(&m, date, &form("张三", &[("张小三", 2016)], false))
        .await
        .unwrap();
    let typed = done.code.to_lowercase().replace('-', " ");
    let first = c.e().check_in(&c.clerk, date, &typed).await.unwrap();
    assert_eq!(first.outcome, CheckInOutcome::CheckedIn);
    let who = first.registration.unwrap();
    assert_eq!((who.name.as_str(), who.seats), ("张三", 2));
    let second = c.e().check_in(&c.clerk, date, &done.code).await.unwrap();
    assert_eq!(second.outcome, CheckInOutcome::AlreadyIn);
    assert!(second.earlier.is_some());
    let e = c
        .e()
        .check_in(&c.clerk, date, "not a code!")
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["code"]);
    let unknown = c.e().check_in(&c.clerk, date, "ZZZZ-ZZZZ").await.unwrap();
    assert_eq!(unknown.outcome, CheckInOutcome::Unknown);
}

async fn two_no_shows_put_a_member_on_waiting_lists_until_staff_lift_it(c: Centre) {
    let m = c.member("13900000041").await;
    let mut last = 0;
    for title in ["摄影讲座", "非遗讲座"] {
        let (_, date) = c.class(title, 5, "first_come").await;
        last = c
            .e()
            .register(&m, date, &form("赵六", &[], false))
            .await
            .unwrap()
            .id;
        c.app.clock.advance_ms(3 * DAY_MS + 3 * HOUR_MS);
        assert_eq!(c.e().mark_the_rest(&c.clerk, date, false).await.unwrap(), 1);
    }
    let (_, date) = c.class("舞蹈班", 5, "first_come").await;
    let e = c
        .e()
        .register(&m, date, &form("赵六", &[], false))
        .await
        .unwrap_err();
    assert_eq!(refusal(e), i18n::Key::event_err_blocked);
    // Blocked members may still join the waiting list.
    let waiting = c
        .e()
        .register(&m, date, &form("赵六", &[], true))
        .await
        .unwrap();
    assert_eq!(waiting.status, "waiting");
    c.e().cancel_registration(&m, waiting.id).await.unwrap();
    // A clerk cannot lift it; the director can, with a reason.
    let e = c.e().lift_block(&c.director, last, "  ").await.unwrap_err();
    assert_eq!(fields(e), ["reason"]);
    c.e()
        .lift_block(&c.director, last, "家中老人住院，已电话说明")
        .await
        .unwrap();
    let again = c
        .e()
        .register(&m, date, &form("赵六", &[], false))
        .await
        .unwrap();
    assert_eq!(again.status, "confirmed");
}

async fn only_attendees_rate_and_a_low_rating_comment_becomes_feedback(c: Centre) {
    let (_, date) = c.class("广场舞培训", 5, "first_come").await;
    let came = c.member("13900000051").await;
    let absent = c.member("13900000052").await;
    let r1 = c
        .e()
        .register(&came, date, &form("来了", &[], false))
        .await
        .unwrap();
    let r2 = c
        .e()
        .register(&absent, date, &form("没来", &[], false))
        .await
        .unwrap();
    c.app.clock.advance_ms(3 * DAY_MS);
    c.e().check_in(&c.clerk, date, &r1.code).await.unwrap();
    // Before the end nobody rates, not even who came.
    let e = c.e().rate(&came, r1.id, 5, None, false).await.unwrap_err();
    assert_eq!(refusal(e), i18n::Key::event_err_rate_not_ended);
    c.app.clock.advance_ms(3 * HOUR_MS);
    let e = c
        .e()
        .rate(&absent, r2.id, 1, Some("不好"), false)
        .await
        .unwrap_err();
    assert_eq!(refusal(e), i18n::Key::event_err_rate_not_attended);
    let e = c.e().rate(&came, r1.id, 9, None, false).await.unwrap_err();
    assert_eq!(fields(e), ["stars"]);
    let tracking = c
        .e()
        .rate(&came, r1.id, 2, Some("音响太响，老人听着难受"), false)
        .await
        .unwrap()
        .expect("a low rating's comment becomes feedback");
    let e = c.e().rate(&came, r1.id, 2, None, false).await.unwrap_err();
    assert_eq!(refusal(e), i18n::Key::event_err_rated);
    let tenant = c.director.actor.tenant_id;
    let item = store::feedback::find_by_tracking_no(c.s().db(), tenant, &tracking)
        .await
        .unwrap()
        .expect("filed as feedback");
    assert!(item.body.contains("音响太响") && item.body.contains("广场舞培训"));
    assert_eq!(item.kind, "complaint");
}

async fn parallel_registrations_never_oversell_nor_double(c: Centre) {
    let (activity, date) = c.class("热门少儿美术班", 10, "first_come").await;
    let mut members = Vec::new();
    for i in 0..40 {
        members.push(c.member(&format!("1380000{i:04}")).await);
    }
    let e = c.e().clone();
    let tasks: Vec<_> = members
        .iter()
        .cloned()
        .map(|m| {
            let e = e.clone();
            tokio::spawn(async move { e.register(&m, date, &form("家长", &[], false)).await })
        })
        .collect();
    // The same member from two phones at once, twice over.
    let twice = c.member("13912345678").await;
    let again = form("家长", &[], true);
    let (p1, p2) = tokio::join!(
        e.register(&twice, date, &again),
        e.register(&twice, date, &again)
    );
    let mut accepted = 0;
    let mut full = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(r) if r.status == "confirmed" => accepted += 1,
            Err(ServiceError::Refused { key, .. })
                if key == i18n::Key::event_err_full || key == i18n::Key::event_err_already =>
            {
                full += 1
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(accepted + full, 40);
    assert_eq!(c.seats_left(activity).await, 0);
    let roster = c.e().roster(&c.clerk, date).await.unwrap();
    let confirmed: Vec<_> = roster
        .lines
        .iter()
        .filter(|l| l.registration.status == "confirmed")
        .collect();
    assert_eq!(confirmed.len(), 10, "never oversold");
    let mut owners: Vec<_> = roster
        .lines
        .iter()
        .filter_map(|l| l.registration.member)
        .collect();
    let all = owners.len();
    owners.sort();
    owners.dedup();
    assert_eq!(owners.len(), all, "nobody twice");
    let (ok, refused): (Vec<_>, Vec<_>) = [p1, p2].into_iter().partition(Result::is_ok);
    assert_eq!((ok.len(), refused.len()), (1, 1), "two phones, one place");
    let e = refused
        .into_iter()
        .next()
        .and_then(Result::err)
        .expect("one refused");
    assert_eq!(refusal(e), i18n::Key::event_err_already);
}

async fn seats_kept_for_a_township_wait_for_its_residents_until_released(c: Centre) {
    let draft = ActivityDraft {
        title: "送戏下乡·城关镇专场".into(),
        description: "川剧折子戏。".into(),
        category: "activity".into(),
        unit: c.station.to_string(),
        venue: "城关镇文化站广场".into(),
        booking: "per_date".into(),
        allocation: "first_come".into(),
        ..Default::default()
    };
    let id = c.e().create_activity(&c.director, &draft).await.unwrap();
    let starts = c.now().plus_ms(2 * DAY_MS);
    let date = c
        .e()
        .add_date(
            &c.director,
            id,
            &DateDraft {
                starts_at: at(starts),
                ends_at: at(starts.plus_ms(2 * HOUR_MS)),
                capacity: "3".into(),
                reserves: vec![ReserveDraft {
                    audience: "township".into(),
                    township: c.station.to_string(),
                    seats: "2".into(),
                    released_at: at(c.now().plus_ms(DAY_MS)),
                    ..Default::default()
                }],
            },
        )
        .await
        .unwrap();
    // More reserved than the total is refused by name.
    let e = c
        .e()
        .add_date(
            &c.director,
            id,
            &DateDraft {
                starts_at: at(starts),
                ends_at: at(starts.plus_ms(HOUR_MS)),
                capacity: "1".into(),
                reserves: vec![ReserveDraft {
                    audience: "township".into(),
                    township: c.station.to_string(),
                    seats: "2".into(),
                    released_at: at(c.now()),
                    ..Default::default()
                }],
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["reserves"]);
    let version = c.e().staff_activity(&c.director, id).await.unwrap().version;
    c.e()
        .publish_activity(&c.director, id, version)
        .await
        .unwrap();
    let o1 = c.member("13700000001").await;
    let o2 = c.member("13700000002").await;
    c.e()
        .register(&o1, date, &form("外镇一", &[], false))
        .await
        .unwrap();
    let e = c
        .e()
        .register(&o2, date, &form("外镇二", &[], true))
        .await
        .unwrap();
    assert_eq!(
        e.status, "waiting",
        "the other two seats are kept for 城关镇"
    );
    let resident = c.member("13700000003").await;
    let mut local = form("城关居民", &[], false);
    local.township = c.station.to_string();
    assert_eq!(
        c.e()
            .register(&resident, date, &local)
            .await
            .unwrap()
            .status,
        "confirmed"
    );
    // At the release time the kept seat joins the general pool: the waiting outsider gets it.
    c.app.clock.advance_ms(DAY_MS + 60_000);
    c.e().sweep_events().await.unwrap();
    let mine = c.e().my_registrations(&o2).await.unwrap();
    assert_eq!(mine[0].status, "offered");
}

async fn a_moved_date_tells_each_registrant_once(c: Centre) {
    let (activity, date) = c.class("声乐讲座", 5, "first_come").await;
    let m = c.member("13900000061").await;
    c.e()
        .register(&m, date, &form("钱七", &[], false))
        .await
        .unwrap();
    let tenant = c.director.actor.tenant_id;
    let before = c.e().public_activity(tenant, activity).await.unwrap().dates[0].clone();
    let later = before.starts_at.plus_ms(DAY_MS);
    c.e()
        .move_date(
            &c.director,
            date,
            &at(later),
            &at(later.plus_ms(HOUR_MS)),
            before.version,
        )
        .await
        .unwrap();
    // A stale form changes nothing.
    let e = c
        .e()
        .move_date(
            &c.director,
            date,
            &at(later),
            &at(later.plus_ms(HOUR_MS)),
            before.version,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::Conflict));
    let after = c.e().public_activity(tenant, activity).await.unwrap().dates[0].clone();
    assert_eq!(after.starts_at, later);
    assert_eq!(after.sequence, before.sequence + 1);
    c.s().worker().run_due().await.unwrap();
    let texts = c.texts_to("13900000061").await;
    assert_eq!(
        texts.iter().filter(|t| t.contains("活动变更")).count(),
        1,
        "{texts:?}"
    );
}

async fn members_marked_for_priority_register_before_the_opening(c: Centre) {
    let opens = c.now().plus_ms(DAY_MS);
    let draft = ActivityDraft {
        title: "春节联欢晚会门票".into(),
        description: "凭票入场。".into(),
        category: "activity".into(),
        unit: c.app.root.0.to_string(),
        venue: "县剧场".into(),
        booking: "per_date".into(),
        opens_at: at(opens),
        priority_opens_at: at(opens.minus_ms(2 * HOUR_MS)),
        ..Default::default()
    };
    let id = c.e().create_activity(&c.clerk, &draft).await.unwrap();
    let starts = c.now().plus_ms(5 * DAY_MS);
    let date = c
        .e()
        .add_date(
            &c.clerk,
            id,
            &DateDraft {
                starts_at: at(starts),
                ends_at: at(starts.plus_ms(HOUR_MS)),
                capacity: "100".into(),
                reserves: Vec::new(),
            },
        )
        .await
        .unwrap();
    let version = c.e().staff_activity(&c.clerk, id).await.unwrap().version;
    c.e()
        .publish_activity(&c.director, id, version)
        .await
        .unwrap();
    let volunteer = c.member("13900000071").await;
    let other = c.member("13900000072").await;
    let e = c
        .e()
        .mark_priority(&c.director, "139 0000 0071", Some("  "))
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["reason"]);
    c.e()
        .mark_priority(
            &c.director,
            "13900000071",
            Some("文化志愿者，全年服务120小时"),
        )
        .await
        .unwrap();
    // An hour before the opening: the volunteer may register, others are told when.
    c.app.clock.set(opens.minus_ms(HOUR_MS));
    let done = c
        .e()
        .register(&volunteer, date, &form("志愿者", &[], false))
        .await
        .unwrap();
    assert_eq!(done.status, "confirmed");
    let e = c
        .e()
        .register(&other, date, &form("群众", &[], false))
        .await
        .unwrap_err();
    let ServiceError::Refused { key, args } = e else {
        panic!("refused")
    };
    assert_eq!(key, i18n::Key::event_err_not_open);
    assert!(!args.is_empty(), "says when it opens");
    c.app.clock.set(opens);
    c.e()
        .register(&other, date, &form("群众", &[], false))
        .await
        .unwrap();
}

async fn a_member_subscribes_to_their_own_activities_by_a_private_address(c: Centre) {
    let (_, date) = c.class("摄影基础", 5, "first_come").await;
    let m = c.member("13900000081").await;
    let done = c
        .e()
        .register(&m, date, &form("孙八", &[], false))
        .await
        .unwrap();
    let token = c.e().member_feed_token(&m);
    let feed = c
        .e()
        .ical_of_member(&token, "wh.example.org")
        .await
        .unwrap();
    let text = String::from_utf8(feed).unwrap();
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 1);
    assert!(text.contains("摄影基础") && text.contains(&done.code));
    assert!(text.contains(&format!("UID:date-{date}@wh.example.org")));
    // Another member's id with this member's MAC, or a made-up MAC, finds nothing.
    let other = c.member("13900000082").await;
    let mac = token.rsplit('-').next().unwrap();
    let forged = format!("{}-{}-{mac}", m.tenant.0, other.member.0);
    for bad in [forged.as_str(), "1-1-0000", "nonsense"] {
        assert!(matches!(
            c.e().ical_of_member(bad, "wh.example.org").await,
            Err(ServiceError::NotFound)
        ));
    }
}

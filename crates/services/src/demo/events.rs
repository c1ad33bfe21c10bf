//! The demo's events and training: a term of the centre's activities across its stations,
//! played through the real services on a clock set to when each step happened — a
//! calligraphy course for children that filled up with a waiting list, square dance for
//! older people at a station with past lessons checked in and rated (a low rating's
//! comment is in the feedback inbox), a lottery for an oversubscribed erhu class whose
//! applications are still open, a heritage paper-cutting class with seats kept for the
//! township's residents, and performances that need no registration.
//!
//! Fixed text and arithmetic on the seeding time: the same demo every time.

use crate::events::{ActivityDraft, CompanionForm, DateDraft, RegistrationForm, ReserveDraft};
use crate::{Gateways, Institution, MemberSession, ServiceError, ServiceResult, Services, Staff};
use domain::time::{DAY_MS, HOUR_MS, china};
use domain::{ManualClock, Timestamp};

/// One activity of the demo term.
struct Plan {
    title: &'static str,
    description: &'static str,
    category: &'static str,
    /// "" is the centre; otherwise a station's name.
    unit: &'static str,
    venue: &'static str,
    audience: &'static str,
    booking: &'static str,
    allocation: &'static str,
    ages: (Option<u8>, Option<u8>),
    /// Days from now of each date (negative: past), at `hour` o'clock for two hours.
    days: &'static [i64],
    hour: i64,
    seats: u32,
    /// Seats kept for the township's residents for the first days.
    township_seats: u32,
    /// How many demo members register (in order), and whether the rest wait.
    registrants: usize,
}

const PLANS: [Plan; 6] = [
    Plan {
        title: "少儿书法公益培训班（秋季）",
        description: "面向7至12岁少年儿童，每周六上午上课，共8次课，一次报名全程参加。\n由县书法家协会会员授课，笔墨纸砚由文化馆提供。",
        category: "training",
        unit: "",
        venue: "县文化馆三楼书画室",
        audience: "children",
        booking: "course",
        allocation: "first_come",
        ages: (Some(7), Some(12)),
        days: &[-9, -2, 5, 12, 19, 26, 33, 40],
        hour: 9,
        seats: 6,
        township_seats: 0,
        registrants: 8,
    },
    Plan {
        title: "老年人广场舞培训",
        description: "每周二、周四傍晚，在城关镇文化站广场教学新编广场舞，适合60岁以上的叔叔阿姨，零基础可学。",
        category: "training",
        unit: "城关镇文化站",
        venue: "城关镇文化站广场",
        audience: "elderly",
        booking: "per_date",
        allocation: "first_come",
        ages: (None, None),
        days: &[-6, -4, 1, 3],
        hour: 18,
        seats: 30,
        township_seats: 0,
        registrants: 7,
    },
    Plan {
        title: "二胡入门班（摇号）",
        description: "名额有限，报名人数超过名额时公开摇号，摇号种子在报名开始时公布承诺值，截止后公开申请名单和种子，任何人都可以复核结果。",
        category: "training",
        unit: "",
        venue: "县文化馆二楼排练厅",
        audience: "all",
        booking: "course",
        allocation: "lottery",
        ages: (None, None),
        days: &[6, 13, 20, 27],
        hour: 19,
        seats: 4,
        township_seats: 0,
        registrants: 7,
    },
    Plan {
        title: "非遗剪纸体验课",
        description: "青石镇剪纸传承人现场教学，亲子可同行。前两天为本镇居民保留一半名额。",
        category: "heritage",
        unit: "青石镇文化站",
        venue: "青石镇文化站活动室",
        audience: "family",
        booking: "per_date",
        allocation: "first_come",
        ages: (None, None),
        days: &[4],
        hour: 14,
        seats: 12,
        township_seats: 6,
        registrants: 3,
    },
    Plan {
        title: "送戏下乡·川剧折子戏专场",
        description: "县川剧团送戏到柳溪乡，演出《拾玉镯》《秋江》等折子戏，无需报名，欢迎乡亲们带上板凳来看。",
        category: "activity",
        unit: "柳溪乡文化站",
        venue: "柳溪村文化大院",
        audience: "all",
        booking: "none",
        allocation: "first_come",
        ages: (None, None),
        days: &[2],
        hour: 19,
        seats: 0,
        township_seats: 0,
        registrants: 0,
    },
    Plan {
        title: "元旦群众文艺汇演",
        description: "全县各乡镇文艺队同台演出，欢迎群众观看。",
        category: "activity",
        unit: "",
        venue: "县文化广场",
        audience: "all",
        booking: "none",
        allocation: "first_come",
        ages: (None, None),
        days: &[24],
        hour: 19,
        seats: 0,
        township_seats: 0,
        registrants: 0,
    },
];

/// Names the demo members give when they register, with a child or parent for some.
const PEOPLE: [(&str, &[(&str, i32)]); 8] = [
    ("刘芳", &[("刘子涵", 2016)]),
    ("陈建国", &[]),
    ("张秀英", &[("张一诺", 2017)]),
    ("李明", &[]),
    ("王桂兰", &[]),
    ("赵强", &[("赵小雨", 2015)]),
    ("孙丽", &[]),
    ("周伟", &[]),
];

impl Services {
    /// Plays the demo term into `institution`, whose staff and members the demo created.
    pub(crate) async fn seed_demo_events(
        &self,
        institution: &Institution,
        gateways: Gateways,
        members: &[&str],
    ) -> ServiceResult<usize> {
        let now = self.now();
        let (demo, clock) = self.on_demo_clock(gateways, "demo-events").await?;
        let tenant = institution.id;
        let users = store::users::list(self.db(), tenant).await?;
        let as_user = |name: &str| {
            users
                .iter()
                .find(|u| u.username == name)
                .map(|u| domain::UserId(u.id))
                .ok_or_else(|| ServiceError::Internal(format!("demo: no {name}")))
        };
        let director = self
            .staff(as_user("zhou.min")?, String::new(), None)
            .await?;
        let clerk = self.staff(as_user("li.jing")?, String::new(), None).await?;
        let (Some(director), Some(clerk)) = (director, clerk) else {
            return Err(ServiceError::Internal("demo: office staff".into()));
        };
        let units = store::org::units(self.db(), tenant).await?;
        let mut sessions = Vec::new();
        for mobile in members {
            let id = store::members::upsert_by_mobile(self.db(), tenant, mobile, now).await?;
            sessions.push(MemberSession {
                member: id,
                tenant,
                mobile: (*mobile).into(),
                session: String::new(),
            });
        }
        for plan in &PLANS {
            let unit = match plan.unit {
                "" => units.iter().find(|u| u.parent_id.is_none()),
                name => units.iter().find(|u| u.name == name),
            }
            .ok_or_else(|| ServiceError::Internal(format!("demo: no unit {}", plan.unit)))?;
            demo.play_activity(&clock, now, plan, unit.id, &director, &clerk, &sessions)
                .await?;
        }
        clock.set(now);
        Ok(PLANS.len())
    }

    /// One activity: drafted and published three weeks ago, registered for, and for its
    /// past dates checked in, marked and rated.
    #[allow(clippy::too_many_arguments)]
    async fn play_activity(
        &self,
        clock: &ManualClock,
        now: Timestamp,
        plan: &Plan,
        unit: i64,
        director: &Staff,
        clerk: &Staff,
        members: &[MemberSession],
    ) -> ServiceResult<()> {
        let e = self.events();
        let start = now.minus_ms(21 * DAY_MS);
        clock.set(start);
        let first_day = plan.days.first().copied().unwrap_or(0);
        let draft = ActivityDraft {
            title: plan.title.into(),
            description: plan.description.into(),
            category: plan.category.into(),
            unit: unit.to_string(),
            venue: plan.venue.into(),
            audience: plan.audience.into(),
            age_min: plan.ages.0.map(|a| a.to_string()).unwrap_or_default(),
            age_max: plan.ages.1.map(|a| a.to_string()).unwrap_or_default(),
            contact: "文化馆办公室 0731-8888 6666".into(),
            booking: plan.booking.into(),
            allocation: plan.allocation.into(),
            closes_at: if plan.allocation == "lottery" {
                at(now.plus_ms(2 * DAY_MS))
            } else {
                String::new()
            },
            companions_max: "2".into(),
            ..Default::default()
        };
        let id = e.create_activity(clerk, &draft).await?;
        let mut dates = Vec::new();
        for day in plan.days {
            let starts = day_at(now, *day, plan.hour);
            let reserves = if plan.township_seats > 0 {
                vec![ReserveDraft {
                    audience: "township".into(),
                    township: unit.to_string(),
                    seats: plan.township_seats.to_string(),
                    released_at: at(starts.minus_ms(2 * DAY_MS)),
                    ..Default::default()
                }]
            } else {
                Vec::new()
            };
            let draft = DateDraft {
                starts_at: at(starts),
                ends_at: at(starts.plus_ms(2 * HOUR_MS)),
                capacity: if plan.booking == "none" {
                    String::new()
                } else {
                    plan.seats.to_string()
                },
                reserves,
            };
            dates.push((e.add_date(clerk, id, &draft).await?, starts));
        }
        let version = e.staff_activity(director, id).await?.version;
        e.publish_activity(director, id, version).await?;
        if plan.booking == "none" {
            return Ok(());
        }
        // Members register a few days after publishing, a few minutes apart.
        clock.set(start.plus_ms(2 * DAY_MS));
        let last_date = dates.len().min(if plan.booking == "course" {
            1
        } else {
            dates.len()
        });
        for (d, _) in dates.iter().take(last_date) {
            for (i, m) in members.iter().take(plan.registrants).enumerate() {
                clock.advance_ms(7 * 60_000);
                let (name, companions) = PEOPLE[i % PEOPLE.len()];
                let form = RegistrationForm {
                    name: name.into(),
                    birth_year: if plan.ages.0.is_some() {
                        "2016".into()
                    } else {
                        String::new()
                    },
                    township: if i == 0 {
                        unit.to_string()
                    } else {
                        String::new()
                    },
                    companions: companions
                        .iter()
                        .filter(|_| plan.ages.0.is_none())
                        .map(|(n, y)| CompanionForm {
                            name: (*n).into(),
                            birth_year: y.to_string(),
                        })
                        .collect(),
                    join_waiting_list: true,
                };
                // A refusal (ages, a kept seat) is part of the story, not a failure.
                let _ = e.register(m, *d, &form).await;
            }
        }
        // Past dates: the door checked most people in, the clerk marked the rest, and
        // attendees rated it (one with a low rating and a comment, filed as feedback).
        for (n, (d, starts)) in dates.iter().enumerate() {
            if *starts >= now || first_day >= 0 {
                continue;
            }
            clock.set(starts.plus_ms(10 * 60_000));
            let roster = e.roster(clerk, *d).await?;
            let confirmed: Vec<_> = roster
                .lines
                .iter()
                .filter(|l| l.registration.status == "confirmed")
                .collect();
            for (i, line) in confirmed.iter().enumerate() {
                if (i + n) % 4 != 3 {
                    e.check_in(clerk, *d, &line.registration.code).await?;
                }
            }
            clock.set(starts.plus_ms(3 * HOUR_MS));
            e.mark_the_rest(clerk, *d, false).await?;
            for m in members.iter().take(plan.registrants) {
                let Some(mine) = e
                    .my_registrations(m)
                    .await?
                    .into_iter()
                    .find(|r| r.activity == roster.activity && r.may_rate)
                else {
                    continue;
                };
                let (stars, comment) = match m.mobile.as_bytes().last() {
                    Some(b'2') if plan.audience == "elderly" => {
                        (2, Some("音响声音太大，后排老人听着难受，希望调小一点"))
                    }
                    Some(b'3') => (4, Some("老师很耐心，希望多开几期")),
                    _ => (5, None),
                };
                e.rate(m, mine.id, stars, comment, false).await?;
            }
        }
        Ok(())
    }
}

/// `days` from `now` at `hour` o'clock in Beijing.
fn day_at(now: Timestamp, days: i64, hour: i64) -> Timestamp {
    let midnight = now
        .in_zone(&china())
        .start_of_day()
        .map(|z| Timestamp(z.timestamp().as_millisecond()))
        .unwrap_or(now);
    midnight.plus_ms(days * DAY_MS + hour * HOUR_MS)
}

/// A time as the activity form takes it (the form reads the minutes' format back).
fn at(t: Timestamp) -> String {
    t.format_minutes(&china())
}

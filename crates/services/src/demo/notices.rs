//! The demo's internal notices: a few weeks of the office's communication, played through
//! the real workflow on a clock set to when each step happened, so that every state is
//! there to look at — a draft, one waiting for review, one sent back, one approved for
//! later, published ones read, acknowledged and not yet read (with their reminders and
//! escalations), a corrected one, a retracted one, an expired one — across the centre's
//! departments and the township stations, and one notice on the hall screen.
//!
//! Everything is fixed text and arithmetic on the seeding time: the same demo every time.
//! People act as themselves without signing in (no password hashing), which keeps it quick.

use crate::notices::{NoticeDraft, ReviewDecision};
use crate::{Gateways, Institution, ServiceError, ServiceResult, Services, Staff};
use domain::notice::AudienceRule;
use domain::time::{DAY_MS, HOUR_MS, MINUTE_MS};
use domain::{DepartmentId, ManualClock, Role, TenantId, Timestamp, UnitId, UserId};

/// How far a notice got.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    Draft,
    InReview,
    /// Sent back by the reviewer with this comment.
    SentBack(&'static str),
    /// Approved to go out this many hours after now.
    Scheduled(i64),
    /// Published; then corrected or retracted (if so), and read by this share (in tenths)
    /// of its recipients, of whom this share (in tenths) acknowledged.
    Published {
        read_tenths: usize,
        ack_tenths: usize,
        after: After,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum After {
    Nothing,
    /// Corrected a few hours later, saying what changed.
    Corrected(&'static str, &'static str),
    /// Retracted two hours later, with the reason.
    Retracted(&'static str),
}

/// Who a notice is for, by name, resolved against the demo organisation.
#[derive(Clone, Copy)]
enum To {
    /// Everyone at a unit ("" is the centre).
    Unit(&'static str),
    /// A department of a unit ("" is the centre).
    Department(&'static str, &'static str),
    Role(Role),
}

struct Story {
    /// Days before now it was written (hours are added so that nothing collides).
    days_ago: i64,
    author: &'static str,
    reviewer: &'static str,
    title: &'static str,
    body: &'static str,
    category: &'static str,
    priority: &'static str,
    requires_ack: bool,
    to: &'static [To],
    on_hall_screen: bool,
    /// Expires this many days after it was written (the expired one is older than that).
    expires_after_days: Option<i64>,
    fate: Fate,
}

const STATION: &str = "城关镇文化站";
const QINGSHI: &str = "青石镇文化站";

/// Oldest first: each story finishes (reminders and escalation included) before the next
/// begins, so the timelines read in order.
const STORIES: &[Story] = &[
    Story {
        days_ago: 40,
        author: "li.jing",
        reviewer: "zhou.min",
        title: "国庆假期值班安排",
        body: "各位同事：\n国庆假期期间文化馆和各文化站照常开放，值班安排如下：\n\n- 10月1日至3日：办公室、活动部\n- 10月4日至7日：培训部、非遗部、信息部\n\n值班人员请提前十五分钟到岗，做好安全巡查记录。",
        category: "notice",
        priority: "important",
        requires_ack: true,
        to: &[To::Unit("")],
        on_hall_screen: false,
        expires_after_days: Some(10),
        fate: Fate::Published {
            read_tenths: 10,
            ack_tenths: 9,
            after: After::Nothing,
        },
    },
    Story {
        days_ago: 6,
        author: "zhao.li",
        reviewer: "chen.hao",
        title: "关于报送十一月活动台账的通知",
        body: "活动部各位同事：\n请于本周五下班前把十一月的活动台账交到部门，内容包括：\n\n1. 活动照片（每场不少于三张）\n2. 签到表\n3. 群众意见登记表\n\n纸质材料交赵丽，电子版发部门邮箱。",
        category: "notice",
        priority: "routine",
        requires_ack: true,
        to: &[To::Department("", "活动部")],
        on_hall_screen: false,
        expires_after_days: None,
        fate: Fate::Published {
            read_tenths: 7,
            ack_tenths: 5,
            after: After::Corrected(
                "活动部各位同事：\n请于本周四下班前把十一月的活动台账交到部门，内容包括：\n\n1. 活动照片（每场不少于三张）\n2. 签到表\n3. 群众意见登记表\n\n纸质材料交赵丽，电子版发部门邮箱。",
                "截止日期由周五改为周四",
            ),
        },
    },
    Story {
        days_ago: 3,
        author: "sun.yang",
        reviewer: "chen.hao",
        title: "周六广场舞展演加班安排",
        body: "本周六上午在文化广场举办广场舞展演，活动部全体同事八点到岗布置场地，中午提供工作餐。",
        category: "notice",
        priority: "routine",
        requires_ack: false,
        to: &[To::Department("", "活动部")],
        on_hall_screen: false,
        expires_after_days: None,
        fate: Fate::Published {
            read_tenths: 5,
            ack_tenths: 0,
            after: After::Retracted("展演因天气原因延期，另行通知"),
        },
    },
    Story {
        days_ago: 2,
        author: "li.jing",
        reviewer: "zhou.min",
        title: "文化馆冬季开放时间调整",
        body: "自下周一起，文化馆及各文化站冬季开放时间调整如下：\n\n- 周二至周日 9:00—17:00\n- 周一闭馆（法定节假日除外）\n\n各站、各部门请在服务窗口张贴告示，并向来访群众做好解释。",
        category: "announcement",
        priority: "routine",
        requires_ack: false,
        to: &[To::Unit("")],
        on_hall_screen: true,
        expires_after_days: Some(90),
        fate: Fate::Published {
            read_tenths: 6,
            ack_tenths: 0,
            after: After::Nothing,
        },
    },
    Story {
        days_ago: 1,
        author: "yu.qing",
        reviewer: "feng.jun",
        title: "暴雨预警：今明两天暂停户外活动",
        body: "县气象台发布暴雨橙色预警。青石镇文化站及各村文化大院今明两天暂停一切户外活动，已报名的群众请逐一电话告知。\n\n请检查门窗和电路，值班电话保持畅通。",
        category: "notice",
        priority: "urgent",
        requires_ack: true,
        to: &[To::Unit(QINGSHI)],
        on_hall_screen: false,
        expires_after_days: Some(2),
        fate: Fate::Published {
            read_tenths: 5,
            ack_tenths: 5,
            after: After::Nothing,
        },
    },
    Story {
        days_ago: 1,
        author: "chen.hao",
        reviewer: "zhou.min",
        title: "元旦文艺汇演筹备会议",
        body: "定于下周三上午九点在三楼会议室召开元旦文艺汇演筹备会，请各部门负责人参加，并带上本部门的节目建议。",
        category: "meeting",
        priority: "important",
        requires_ack: true,
        to: &[To::Role(Role::DepartmentHead)],
        on_hall_screen: false,
        expires_after_days: None,
        fate: Fate::Scheduled(40),
    },
    Story {
        days_ago: 1,
        author: "guo.qiang",
        reviewer: "lin.fang",
        title: "培训部明年培训计划（征求意见稿）",
        body: "培训部拟定了明年的公益培训计划，含书法、葫芦丝、广场舞、剪纸四个班，请各位同事提出意见。",
        category: "notice",
        priority: "routine",
        requires_ack: false,
        to: &[To::Department("", "培训部")],
        on_hall_screen: false,
        expires_after_days: None,
        fate: Fate::SentBack("请补上每个班的上课时间、地点和名额，再送审。"),
    },
    Story {
        days_ago: 0,
        author: "tang.li",
        reviewer: "han.dong",
        title: "城关镇农家书屋图书盘点",
        body: "请城关镇文化站各位同事本月内完成农家书屋的图书盘点：\n\n- 核对借阅登记\n- 清点破损图书\n- 统计新到图书\n\n盘点表交站办公室。",
        category: "notice",
        priority: "routine",
        requires_ack: true,
        to: &[To::Department(STATION, "办公室")],
        on_hall_screen: false,
        expires_after_days: None,
        fate: Fate::InReview,
    },
    Story {
        days_ago: 0,
        author: "luo.shan",
        reviewer: "ma.wenhua",
        title: "非遗展演志愿者招募",
        body: "非遗部拟在春节期间举办非遗展演，需要志愿者若干名，负责引导和讲解。",
        category: "notice",
        priority: "routine",
        requires_ack: false,
        to: &[To::Department("", "非遗部")],
        on_hall_screen: false,
        expires_after_days: None,
        fate: Fate::Draft,
    },
];

/// The demo organisation's names, for the stories.
struct Org {
    tenant: TenantId,
    centre: UnitId,
    units: Vec<store::org::UnitRow>,
    departments: Vec<store::org::DepartmentRow>,
    users: Vec<store::users::UserRow>,
}

impl Org {
    fn unit(&self, name: &str) -> ServiceResult<UnitId> {
        if name.is_empty() {
            return Ok(self.centre);
        }
        self.units
            .iter()
            .find(|u| u.name == name)
            .map(|u| UnitId(u.id))
            .ok_or_else(|| missing(name))
    }

    fn department(&self, unit: &str, name: &str) -> ServiceResult<DepartmentId> {
        let unit = self.unit(unit)?;
        self.departments
            .iter()
            .find(|d| d.unit_id == unit.0 && d.name == name)
            .map(|d| DepartmentId(d.id))
            .ok_or_else(|| missing(name))
    }

    fn user(&self, username: &str) -> ServiceResult<UserId> {
        self.users
            .iter()
            .find(|u| u.username == username)
            .map(|u| UserId(u.id))
            .ok_or_else(|| missing(username))
    }

    fn audience(&self, to: &[To]) -> ServiceResult<Vec<AudienceRule>> {
        to.iter()
            .map(|t| {
                Ok(match *t {
                    To::Unit(unit) => AudienceRule::Unit {
                        unit: self.unit(unit)?,
                    },
                    To::Department(unit, name) => AudienceRule::Department {
                        department: self.department(unit, name)?,
                    },
                    To::Role(role) => AudienceRule::Role { role },
                })
            })
            .collect()
    }
}

fn missing(what: &str) -> ServiceError {
    ServiceError::Internal(format!("demo notices: no {what}"))
}

impl Services {
    /// Plays the demo notices into `institution`, whose staff the demo just created.
    pub(crate) async fn seed_demo_notices(
        &self,
        institution: &Institution,
        gateways: Gateways,
    ) -> ServiceResult<usize> {
        let now = self.now();
        let (demo, clock) = self.on_demo_clock(gateways, "demo-notices").await?;
        let tenant = institution.id;
        let units = store::org::units(self.db(), tenant).await?;
        let org = Org {
            tenant,
            centre: units
                .iter()
                .find(|u| u.parent_id.is_none())
                .map(|u| UnitId(u.id))
                .ok_or_else(|| missing("centre"))?,
            units,
            departments: store::org::departments(self.db(), tenant).await?,
            users: store::users::list(self.db(), tenant).await?,
        };
        for (i, story) in STORIES.iter().enumerate() {
            // Written in the morning, a little later for each story of the same day.
            let written = Timestamp(now.0 - story.days_ago * DAY_MS - 6 * HOUR_MS)
                .plus_ms(i as i64 * 17 * MINUTE_MS)
                .min(now.minus_ms(HOUR_MS));
            clock.set(written);
            demo.play(&org, &clock, story, now).await?;
        }
        Ok(STORIES.len())
    }

    async fn as_demo(&self, org: &Org, username: &str) -> ServiceResult<Staff> {
        self.staff(org.user(username)?, String::new(), None)
            .await?
            .ok_or_else(|| missing(username))
    }

    /// One notice, from writing it to where its story ends.
    async fn play(
        &self,
        org: &Org,
        clock: &ManualClock,
        story: &Story,
        now: Timestamp,
    ) -> ServiceResult<()> {
        let author = self.as_demo(org, story.author).await?;
        let reviewer = self.as_demo(org, story.reviewer).await?;
        let written = self.now();
        let draft = NoticeDraft {
            title: story.title.into(),
            body: story.body.into(),
            category: story.category.into(),
            priority: story.priority.into(),
            requires_ack: story.requires_ack,
            audience: org.audience(story.to)?,
            expires_at: story
                .expires_after_days
                .map(|days| written.plus_ms(days * DAY_MS)),
            publish_at: match story.fate {
                Fate::Scheduled(hours) => Some(now.plus_ms(hours * HOUR_MS)),
                _ => None,
            },
            reviewer: Some(reviewer.actor.user_id),
            on_hall_screen: story.on_hall_screen,
            ..Default::default()
        };
        let id = self.notices().create_notice(&author, &draft, None).await?;
        if story.fate == Fate::Draft {
            return Ok(());
        }
        clock.set(written.plus_ms(20 * MINUTE_MS));
        self.notices().submit_notice(&author, id).await?;
        clock.set(written.plus_ms(HOUR_MS));
        let decision = match story.fate {
            Fate::InReview => return Ok(()),
            Fate::SentBack(comment) => {
                return self
                    .notices()
                    .review_notice(
                        &reviewer,
                        id,
                        ReviewDecision::RequestChanges,
                        Some(comment),
                        None,
                    )
                    .await;
            }
            _ => ReviewDecision::Approve,
        };
        self.notices()
            .review_notice(&reviewer, id, decision, Some("同意发布"), None)
            .await?;
        if let Fate::Published {
            read_tenths,
            ack_tenths,
            after,
        } = story.fate
        {
            let published = self.now();
            self.demo_receipts(org, id, published, read_tenths, ack_tenths)
                .await?;
            match after {
                After::Nothing => {}
                After::Corrected(body, note) => {
                    clock.set(published.plus_ms(3 * HOUR_MS));
                    self.notices()
                        .correct_notice(&author, id, story.title, body, note)
                        .await?;
                }
                After::Retracted(reason) => {
                    clock.set(published.plus_ms(2 * HOUR_MS));
                    self.notices().retract_notice(&author, id, reason).await?;
                }
            }
            self.demo_delivery(clock, id, now).await?;
        }
        Ok(())
    }

    /// Recipients read (and acknowledge) in the hours after publishing: by a fixed pattern,
    /// so some of every department are left unread.
    async fn demo_receipts(
        &self,
        org: &Org,
        id: i64,
        published: Timestamp,
        read_tenths: usize,
        ack_tenths: usize,
    ) -> ServiceResult<()> {
        let recipients = store::notices::recipients(
            self.db(),
            org.tenant,
            id,
            None,
            store::notices::RecipientFilter::All,
        )
        .await?;
        for (i, r) in recipients.iter().enumerate() {
            // 0..9, spread evenly whatever the order.
            let rank = i * 7 % 10;
            if rank >= read_tenths {
                continue;
            }
            let minutes = 3 + (i as i64 * 11) % 180;
            let read_at = published.plus_ms(minutes * MINUTE_MS);
            let via = ["console", "email", "robot"][i % 3];
            store::notices::mark_read(self.db(), org.tenant, id, UserId(r.user_id), via, read_at)
                .await?;
            if rank < ack_tenths {
                let at = read_at.plus_ms(2 * MINUTE_MS);
                store::notices::acknowledge(self.db(), org.tenant, id, UserId(r.user_id), at)
                    .await?;
            }
        }
        Ok(())
    }

    /// The reminders and the escalation, each at its time (never after now).
    async fn demo_delivery(
        &self,
        clock: &ManualClock,
        id: i64,
        now: Timestamp,
    ) -> ServiceResult<()> {
        for _ in 0..4 {
            let subject = store::reminders::Subject::Notice(id);
            let next = store::reminders::next_due(self.db(), subject).await?;
            let Some(next) = next.filter(|at| *at <= now) else {
                return Ok(());
            };
            clock.set(next.max(self.now()));
            self.notices().sweep_notices().await?;
        }
        Ok(())
    }
}

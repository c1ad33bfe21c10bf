//! The demo: a living county cultural centre for a newcomer to look around in.
//!
//! 青山县文化馆 (a made-up county) with eight township stations, their village service
//! points, the centre's departments, about forty staff and some members of the public.
//! Later capabilities add their own demo data here (feedback in `demo::feedback`, notices in
//! `demo::notices`, events).

mod events;
mod feedback;
mod notices;

use crate::{ServiceError, ServiceResult, Services};
use desk::secrets::{self, password};
use domain::{DepartmentId, Role, TenantId, UnitId};
use store::{Conn, org, tenants, users};

/// What the demo created, for the console to print.
#[derive(Debug)]
pub struct DemoAccounts {
    pub institution: String,
    /// The password every demo staff account shares (not the administrator's).
    pub password: String,
    /// (username, name, role) of the accounts worth trying first.
    pub highlights: Vec<(String, String, Role)>,
    pub staff: usize,
}

pub const DEMO_CODE: &str = "QS";
const CENTRE: &str = "青山县文化馆";

/// Stations and their service points.
const STATIONS: [(&str, &[&str]); 8] = [
    (
        "城关镇文化站",
        &["东街社区文化室", "南门社区文化室", "城关镇农家书屋"],
    ),
    ("青石镇文化站", &["青石村文化大院", "石桥村农家书屋"]),
    ("柳溪乡文化站", &["柳溪村文化大院", "下湾村农家书屋"]),
    (
        "白云镇文化站",
        &["白云社区文化室", "云岭村文化大院", "茶园村农家书屋"],
    ),
    ("桃源乡文化站", &["桃源村文化大院", "杏花村农家书屋"]),
    ("龙潭镇文化站", &["龙潭社区文化室", "龙井村文化大院"]),
    ("清河镇文化站", &["清河村文化大院", "河口村农家书屋"]),
    ("石门乡文化站", &["石门村文化大院", "高坪村农家书屋"]),
];

/// A username and a name.
type Person = (&'static str, &'static str);

/// The centre's departments: (kind, name, head, staff).
const DEPARTMENTS: [(&str, &str, Person, &[Person]); 5] = [
    (
        "office",
        "办公室",
        ("zhou.min", "周敏"),
        &[("li.jing", "李静"), ("wang.lei", "王磊")],
    ),
    (
        "activity",
        "活动部",
        ("chen.hao", "陈浩"),
        &[
            ("zhao.li", "赵丽"),
            ("sun.yang", "孙阳"),
            ("hu.xin", "胡欣"),
        ],
    ),
    (
        "training",
        "培训部",
        ("lin.fang", "林芳"),
        &[("guo.qiang", "郭强"), ("he.yan", "何燕")],
    ),
    (
        "heritage",
        "非遗部",
        ("ma.wenhua", "马文华"),
        &[("luo.shan", "罗珊"), ("liang.bo", "梁波")],
    ),
    (
        "information",
        "信息部",
        ("song.tao", "宋涛"),
        &[("zheng.yu", "郑宇"), ("xie.na", "谢娜")],
    ),
];

/// Each station's head, clerk and cultural officer (文化专干).
const STATION_STAFF: [(Person, Person, Person); 8] = [
    (
        ("han.dong", "韩东"),
        ("tang.li", "唐莉"),
        ("jiang.tao", "蒋涛"),
    ),
    (
        ("feng.jun", "冯军"),
        ("yu.qing", "于青"),
        ("cai.ning", "蔡宁"),
    ),
    (
        ("dong.hai", "董海"),
        ("xiao.mei", "萧梅"),
        ("jia.peng", "贾鹏"),
    ),
    (
        ("cheng.gang", "程刚"),
        ("cao.ying", "曹颖"),
        ("ding.rui", "丁睿"),
    ),
    (
        ("yuan.ming", "袁明"),
        ("deng.hui", "邓慧"),
        ("wei.chen", "魏晨"),
    ),
    (("xu.feng", "许峰"), ("fu.lan", "傅兰"), ("xue.li", "薛丽")),
    (
        ("shen.kai", "沈凯"),
        ("zeng.xia", "曾霞"),
        ("ye.qiu", "叶秋"),
    ),
    (
        ("peng.wei", "彭伟"),
        ("lu.yun", "吕芸"),
        ("yan.song", "阎松"),
    ),
];

/// Members of the public with (made-up) verified numbers.
const MEMBERS: [&str; 12] = [
    "13907310001",
    "13907310002",
    "13807310003",
    "13707310004",
    "13607310005",
    "15107310006",
    "15807310007",
    "17707310008",
    "18607310009",
    "18907310010",
    "19107310011",
    "13507310012",
];

impl Services {
    /// A second `Services` over the same database on a clock the demo sets to when each
    /// step of its stories happened, known to other nodes as `node_name`.
    pub(crate) async fn on_demo_clock(
        &self,
        gateways: crate::Gateways,
        node_name: &str,
    ) -> ServiceResult<(Services, domain::ManualClock)> {
        let clock = domain::ManualClock::new(self.now());
        let demo = Services::new(
            self.db().clone(),
            std::sync::Arc::new(clock.clone()),
            gateways,
            crate::Settings {
                node_name: node_name.into(),
                ..self.settings().clone()
            },
        )
        .await?;
        Ok((demo, clock))
    }

    /// Fills an empty deployment with the demo institution. Refuses when any institution
    /// already has staff, so it never mixes into real data.
    pub async fn seed_demo(&self) -> ServiceResult<DemoAccounts> {
        let existing = tenants::list(self.db()).await?;
        for t in &existing {
            if !users::list(self.db(), t.tenant_id()).await?.is_empty() {
                return Err(ServiceError::Conflict);
            }
        }
        let shared = secrets::one_time_password();
        let hash = password::hash(shared.clone()).await?;
        let now = self.now();
        let tx = self.db().begin().await?;
        let tenant = tenants::insert(&tx, DEMO_CODE, CENTRE, now).await?;
        let centre = org::insert_unit(&tx, tenant, None, "centre", CENTRE, 0, now).await?;
        ::feedback::seed_categories(&tx, tenant, now).await?;
        let mut demo = Seeder {
            tx: &tx,
            tenant,
            hash: &hash,
            now,
            staff: 0,
        };
        let mut highlights = Vec::new();
        let mut by_category: Vec<(&str, DepartmentId)> = Vec::new();
        let mut station_offices: Vec<(i64, i64)> = Vec::new();

        for (kind, name, head, members) in DEPARTMENTS {
            let dept =
                org::insert_department(&tx, tenant, centre.unit_id(), kind, name, now).await?;
            if kind != "office" {
                by_category.push((kind, dept));
            }
            let head_id = demo
                .person(head, Role::DepartmentHead, centre.unit_id(), Some(dept))
                .await?;
            org::set_department_head(&tx, tenant, dept, Some(head_id)).await?;
            if kind == "office" {
                users::insert_grant(
                    &tx,
                    tenant,
                    head_id,
                    Role::OfficeDirector,
                    centre.unit_id(),
                    None,
                    now,
                )
                .await?;
                highlights.push((head.0.to_owned(), head.1.to_owned(), Role::OfficeDirector));
                for m in members {
                    demo.person(*m, Role::OfficeClerk, centre.unit_id(), None)
                        .await?;
                }
                highlights.push((
                    members[0].0.to_owned(),
                    members[0].1.to_owned(),
                    Role::OfficeClerk,
                ));
                continue;
            }
            if kind == "activity" {
                highlights.push((head.0.to_owned(), head.1.to_owned(), Role::DepartmentHead));
            }
            for (i, m) in members.iter().enumerate() {
                // The last of each department also writes its articles.
                let role = if i + 1 == members.len() {
                    Role::PublicityLiaison
                } else {
                    Role::DepartmentStaff
                };
                let id = demo
                    .person(*m, Role::DepartmentStaff, centre.unit_id(), Some(dept))
                    .await?;
                if role == Role::PublicityLiaison {
                    users::insert_grant(&tx, tenant, id, role, centre.unit_id(), Some(dept), now)
                        .await?;
                }
            }
        }
        for (i, ((station_name, points), (head, clerk, officer))) in
            STATIONS.iter().zip(STATION_STAFF).enumerate()
        {
            let station = org::insert_unit(
                &tx,
                tenant,
                Some(&centre),
                "station",
                station_name,
                i as i64,
                now,
            )
            .await?;
            let office =
                org::insert_department(&tx, tenant, station.unit_id(), "office", "办公室", now)
                    .await?;
            station_offices.push((station.id, office.0));
            for (j, point) in points.iter().enumerate() {
                org::insert_unit(
                    &tx,
                    tenant,
                    Some(&station),
                    "service_point",
                    point,
                    j as i64,
                    now,
                )
                .await?;
            }
            let head_id = demo
                .person(head, Role::DepartmentHead, station.unit_id(), Some(office))
                .await?;
            org::set_department_head(&tx, tenant, office, Some(head_id)).await?;
            demo.person(clerk, Role::OfficeClerk, station.unit_id(), None)
                .await?;
            demo.person(
                officer,
                Role::DepartmentStaff,
                station.unit_id(),
                Some(office),
            )
            .await?;
            if i == 0 {
                highlights.push((clerk.0.to_owned(), clerk.1.to_owned(), Role::OfficeClerk));
            }
        }
        demo.person(
            ("eval.gao", "高评估"),
            Role::Evaluator,
            centre.unit_id(),
            None,
        )
        .await?;
        highlights.push(("eval.gao".into(), "高评估".into(), Role::Evaluator));
        for mobile in MEMBERS {
            store::members::upsert_by_mobile(&tx, tenant, mobile, now).await?;
        }
        // Routing: items about a station go to its office; the centre's items by category.
        let mut order = 0;
        for (station, office) in &station_offices {
            store::feedback_setup::insert_routing_rule(
                &tx,
                tenant,
                None,
                None,
                Some(*station),
                *office,
                order,
                now,
            )
            .await?;
            order += 1;
        }
        for (category, dept) in &by_category {
            store::feedback_setup::insert_routing_rule(
                &tx,
                tenant,
                Some(category),
                None,
                None,
                dept.0,
                order,
                now,
            )
            .await?;
            order += 1;
        }
        let staff = demo.staff;
        tx.commit().await?;
        self.forget_institutions();
        let institution = self.institution(tenant).await?;
        self.seed_demo_feedback(&institution, self.gateways().clone(), &shared)
            .await?;
        self.seed_demo_notices(&institution, self.gateways().clone())
            .await?;
        self.seed_demo_events(&institution, self.gateways().clone(), &MEMBERS)
            .await?;
        Ok(DemoAccounts {
            institution: CENTRE.into(),
            password: shared,
            highlights,
            staff,
        })
    }
}

struct Seeder<'a, C: Conn> {
    tx: &'a C,
    tenant: TenantId,
    hash: &'a str,
    now: domain::Timestamp,
    staff: usize,
}

impl<C: Conn> Seeder<'_, C> {
    /// A staff member with one role; demo accounts may sign in straight away.
    async fn person(
        &mut self,
        (username, name): (&str, &str),
        role: Role,
        unit: UnitId,
        department: Option<DepartmentId>,
    ) -> ServiceResult<domain::UserId> {
        let id = users::insert(
            self.tx,
            users::NewUser {
                tenant: self.tenant,
                username,
                display_name: name,
                email: Some(&format!("{username}@qingshan-culture.example")),
                mobile: None,
                password_hash: self.hash,
                must_change_password: false,
                platform_admin: false,
            },
            self.now,
        )
        .await?;
        users::insert_grant(self.tx, self.tenant, id, role, unit, department, self.now).await?;
        self.staff += 1;
        Ok(id)
    }
}

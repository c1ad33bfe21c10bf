//! The demo's public feedback: 160 realistic items from `demo/feedback.tsv`, played through
//! the real workflow on a clock set to when each step happened, so the board, the inbox,
//! the deadlines and the figures all look lived-in.

use crate::feedback::{Intake, OfflineEntry, Publish, StaffAction};
use crate::{Gateways, Institution, Principal, ServiceError, ServiceResult, Services, Staff};
use domain::Timestamp;
use domain::feedback::Channel;
use domain::time::{DAY_MS, HOUR_MS};
use i18n::Lang;

const ROWS: &str = include_str!("feedback.tsv");

/// Answer templates an office keeps, by category (the default categories' codes): what a
/// clerk starts an answer from, with blanks in 【】 to fill in.
const ANSWER_TEMPLATES: [(&str, &str, &str); 16] = [
    (
        "activity",
        "活动安排说明",
        "您好！感谢您对本馆活动的关注。您反映的【活动名称】安排问题，我们已与活动部门核实：【核实情况】。后续活动信息将在本馆公众号和一楼公告栏提前一周公布，欢迎继续参与。",
    ),
    (
        "activity",
        "活动名额已满",
        "您好！【活动名称】报名人数已满，给您带来不便，敬请谅解。我们已将您的意见转给活动部，后续将视需求增开场次，开放报名时会在公众号通知。",
    ),
    (
        "activity",
        "演出时间调整",
        "您好！因【原因】，【演出名称】调整至【新时间】在【地点】举行，原有入场凭证继续有效。如无法参加，可于【日期】前到服务台办理退票。",
    ),
    (
        "training",
        "培训班报名说明",
        "您好！【培训班名称】为免费公益培训，每期招收【人数】人，报名时间为【日期】，可通过本馆公众号或到一楼服务台报名。名额按报名先后确定，额满即止。",
    ),
    (
        "training",
        "增开班次的答复",
        "您好！感谢您的建议。我们已统计近期【课程名称】的报名需求，计划于【时间】增开一期，具体安排将在公众号发布，请留意。",
    ),
    (
        "training",
        "老师与课程调整",
        "您好！您反映的【课程名称】教学问题，我们已与授课老师沟通并调整了【调整内容】。欢迎您继续参加，并随时向我们反馈上课感受。",
    ),
    (
        "facility",
        "设施报修已处理",
        "您好！您反映的【位置】【设施】问题，我们已于【日期】安排维修，目前已恢复正常使用。感谢您的提醒，我们将加强日常巡查。",
    ),
    (
        "facility",
        "维修需要时间",
        "您好！您反映的【设施】问题已登记报修。因需采购配件，预计【日期】前完成维修，期间请使用【替代设施】，给您带来不便，敬请谅解。",
    ),
    (
        "facility",
        "场地开放时间",
        "您好！本馆【场地名称】开放时间为【开放时间】，节假日另行通知。团体使用需提前【天数】个工作日到服务台预约。",
    ),
    (
        "service",
        "服务态度致歉",
        "您好！对您反映的工作人员服务问题，我们深表歉意。经了解，【核实情况】。我们已对相关人员进行批评教育，并将加强服务培训，欢迎您继续监督。",
    ),
    (
        "service",
        "办理流程说明",
        "您好！您咨询的【事项】办理流程如下：【流程】。所需材料：【材料】。如有疑问，可拨打本馆服务电话咨询。",
    ),
    (
        "information",
        "信息更正",
        "您好！感谢您指出【位置】发布的信息有误。我们已于【日期】更正为【正确信息】，并将加强信息发布前的审核。",
    ),
    (
        "information",
        "信息发布渠道",
        "您好！本馆活动和培训信息通过公众号、官方网站和一楼公告栏同步发布，一般提前一周公布。您也可以到服务台登记手机号码，接收活动短信提醒。",
    ),
    (
        "heritage",
        "非遗项目咨询",
        "您好！您咨询的【项目名称】为【级别】非物质文化遗产代表性项目。本馆每月【时间】在非遗展厅举办传承人展示活动，欢迎参观体验。",
    ),
    (
        "heritage",
        "非遗传承建议",
        "您好！感谢您对非遗保护传承的关心。您提出的【建议内容】，我们已转交非遗保护中心研究，将结合年度工作计划统筹考虑，有进展将及时向社会公布。",
    ),
    (
        "other",
        "已转交相关单位",
        "您好！您反映的问题不属于本馆职责范围，我们已转交【单位名称】处理，您也可拨打【电话】直接联系。感谢您的理解与支持。",
    ),
];

struct Row<'a> {
    kind: &'a str,
    category: &'a str,
    unit: &'a str,
    channel: &'a str,
    days_ago: i64,
    status: &'a str,
    text: &'a str,
    answer: &'a str,
    rating: &'a str,
    publish: &'a str,
}

fn rows() -> Vec<Row<'static>> {
    ROWS.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let [
                kind,
                category,
                unit,
                channel,
                days_ago,
                status,
                text,
                answer,
                rating,
                publish,
            ] = f[..]
            else {
                return None;
            };
            Some(Row {
                kind,
                category,
                unit,
                channel,
                days_ago: days_ago.parse().ok()?,
                status,
                text,
                answer,
                rating,
                publish,
            })
        })
        .collect()
}

impl Services {
    /// Plays the demo feedback into `institution`, acting as `clerk` (the office) and
    /// `head` (a department head) whose shared demo password is `password`.
    pub(crate) async fn seed_demo_feedback(
        &self,
        institution: &Institution,
        gateways: Gateways,
        password: &str,
    ) -> ServiceResult<usize> {
        let now = self.now();
        let (demo, clock) = self.on_demo_clock(gateways, "demo-seed").await?;
        let clerk = demo.sign_in_demo("li.jing", password).await?;
        // The office director may work on every department's items.
        let head = demo.sign_in_demo("zhou.min", password).await?;
        let units = self.public_units(institution).await?;
        let departments = self.org_tree(institution.id).await?;
        for (category, title, body) in ANSWER_TEMPLATES {
            store::feedback_setup::insert_template(
                self.db(),
                institution.id,
                Some(category),
                title,
                body,
                now,
            )
            .await?;
        }
        let mut rows = rows();
        // Oldest first, so tracking numbers rise with time.
        rows.sort_by_key(|r| std::cmp::Reverse(r.days_ago));
        let mut seeded = 0;
        for (i, row) in rows.iter().enumerate() {
            // Spread submissions over the day: 08:00 to 21:00, minutes varying.
            let received = Timestamp(
                now.0
                    - row.days_ago * DAY_MS
                    - (i as i64 % 13) * HOUR_MS
                    - (i as i64 * 7 % 60) * 60_000,
            );
            clock.set(received.min(now));
            let unit = units
                .iter()
                .find(|u| u.name == row.unit)
                .map(|u| u.id.to_string());
            let intake = Intake {
                text: row.text.into(),
                kind: row.kind.into(),
                category: Some(row.category.into()),
                unit,
                ..Default::default()
            };
            let channel = Channel::parse(row.channel).unwrap_or(Channel::Web);
            let sent = if Channel::OFFLINE.contains(&channel) {
                let day = received.in_zone(&institution.timezone).date().to_string();
                let entry = OfflineEntry {
                    intake,
                    channel: row.channel.into(),
                    received_on: Some(day),
                };
                demo.feedback()
                    .enter_offline_feedback(&clerk, entry)
                    .await?
            } else {
                demo.feedback()
                    .submit_feedback(
                        institution,
                        intake,
                        Vec::new(),
                        None,
                        None,
                        channel,
                        Lang::ZhCn,
                    )
                    .await?
            };
            let id = sent.id;
            let at = |hours: i64| clock.set(Timestamp((received.0 + hours * HOUR_MS).min(now.0)));
            let department = departments
                .departments()
                .find(|(_, d)| d.kind.as_str() == row.category)
                .or_else(|| {
                    departments
                        .departments()
                        .find(|(_, d)| d.kind.as_str() == "office")
                })
                .map(|(_, d)| d.id.0);
            // Items a routing rule assigned on arrival skip the office's triage.
            let triage: Vec<(i64, &Staff, StaffAction)> =
                if sent.status == domain::feedback::Status::Assigned {
                    Vec::new()
                } else {
                    let assign = StaffAction::Assign {
                        department: department.unwrap_or_default(),
                        assignee: None,
                        reason: None,
                    };
                    vec![(2, &clerk, StaffAction::Accept), (3, &clerk, assign)]
                };
            let answer = StaffAction::Answer {
                text: row.answer.into(),
                adopted: row.kind == "suggestion" && i % 3 == 0,
            };
            let steps: Vec<(i64, &Staff, StaffAction)> = match row.status {
                "accepted" if triage.is_empty() => Vec::new(),
                "accepted" => vec![(2, &clerk, StaffAction::Accept)],
                "assigned" => triage,
                "in_progress" => [triage, vec![(4, &head, StaffAction::Start)]].concat(),
                "waiting" => vec![(
                    2,
                    &clerk,
                    StaffAction::AskSubmitter {
                        question: "请补充具体时间和地点，便于我们核实。".into(),
                    },
                )],
                "answered" | "closed" => {
                    // Most are answered within the week; every seventh runs late.
                    let answered_after = if i % 7 == 0 {
                        190
                    } else {
                        26 + (i as i64 % 5) * 14
                    };
                    [
                        triage,
                        vec![
                            (4, &head, StaffAction::Start),
                            (answered_after, &head, answer),
                        ],
                    ]
                    .concat()
                }
                "not_accepted" => vec![(
                    4,
                    &clerk,
                    StaffAction::Decline {
                        reason: row.answer.into(),
                    },
                )],
                "spam" => vec![(1, &clerk, StaffAction::MarkSpam)],
                _ => Vec::new(),
            };
            for (hours, who, action) in steps {
                at(hours);
                match demo.feedback().act_on_feedback(who, id, None, action).await {
                    // A routing rule may have assigned it already; the rest of the story still applies.
                    Ok(_) | Err(ServiceError::Refused { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
            if row.status == "closed" {
                at(120);
                let (tracking_no, secret) = sent
                    .tracking_path
                    .trim_start_matches("/t/")
                    .split_once('/')
                    .unwrap_or_default();
                if !row.rating.is_empty() {
                    let _ = demo
                        .feedback()
                        .rate_answer(institution, tracking_no, secret, row.rating)
                        .await;
                }
                let _ = demo
                    .feedback()
                    .act_on_feedback(&clerk, id, None, StaffAction::Close)
                    .await;
            }
            if row.publish == "no" {
                demo.feedback().set_publish(&clerk, id, Publish::No).await?;
            }
            seeded += 1;
        }
        self.feedback().compute_figures(institution.id).await?;
        Ok(seeded)
    }

    async fn sign_in_demo(&self, username: &str, password: &str) -> ServiceResult<Staff> {
        let login = self.login(username, password, None, None).await?;
        match self.principal(&login.token, None).await? {
            Some(Principal::Staff(staff)) => Ok(*staff),
            _ => Err(ServiceError::Internal(format!(
                "demo account {username} cannot sign in"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_demo_row_parses() {
        assert_eq!(super::rows().len(), 160);
    }

    #[test]
    fn every_default_category_has_answer_templates() {
        for (code, _, _) in crate::feedback::DEFAULT_CATEGORIES {
            let n = super::ANSWER_TEMPLATES
                .iter()
                .filter(|(c, _, _)| *c == code)
                .count();
            assert!(n >= 1, "{code}");
        }
    }
}

//! The demo's public feedback: 160 realistic items from `demo/feedback.tsv`, played through
//! the real workflow on a clock set to when each step happened, so the board, the inbox,
//! the deadlines and the figures all look lived-in.

use crate::feedback::{Intake, OfflineEntry, Publish, StaffAction};
use crate::{
    Gateways, Institution, Principal, ServiceError, ServiceResult, Services, Settings, Staff,
};
use domain::feedback::Channel;
use domain::time::{DAY_MS, HOUR_MS};
use domain::{ManualClock, Timestamp};
use i18n::Lang;
use std::sync::Arc;

const ROWS: &str = include_str!("demo/feedback.tsv");

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
        let clock = ManualClock::new(now);
        let demo = Services::new(
            self.db().clone(),
            Arc::new(clock.clone()),
            gateways,
            Settings {
                node_name: "demo-seed".into(),
                ..self.settings().clone()
            },
        )
        .await?;
        let clerk = demo.sign_in_demo("li.jing", password).await?;
        // The office director may work on every department's items.
        let head = demo.sign_in_demo("zhou.min", password).await?;
        let units = self.public_units(institution).await?;
        let departments = self.org_tree(institution.id).await?;
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
                demo.enter_offline_feedback(&clerk, entry).await?
            } else {
                demo.submit_feedback(
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
                match demo.act_on_feedback(who, id, None, action).await {
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
                        .rate_answer(institution, tracking_no, secret, row.rating)
                        .await;
                }
                let _ = demo
                    .act_on_feedback(&clerk, id, None, StaffAction::Close)
                    .await;
            }
            if row.publish == "no" {
                demo.set_publish(&clerk, id, Publish::No).await?;
            }
            seeded += 1;
        }
        self.compute_figures(institution.id).await?;
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
}

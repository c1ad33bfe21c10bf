//! How feedback items look on the public pages (the board, one item, the tracking page,
//! a member's own list): labels in the reader's language, places by name, dates on the
//! institution's wall clock, the public timeline in words.

use i18n::{Key, Tr};
use jiff::tz::TimeZone;
use services::feedback::{CategoryView, PublicItem, TimelineEntry};
use services::{Services, UnitNode};
use std::collections::HashMap;

/// Names of units and categories, looked up once per page.
pub struct Names {
    units: HashMap<i64, String>,
    categories: HashMap<String, (String, String)>,
    pub tz: TimeZone,
}

impl Names {
    pub async fn load(
        services: &Services,
        institution: &services::Institution,
    ) -> Result<Names, services::ServiceError> {
        let units = services.public_units(institution).await?;
        let setup = services.feedback().feedback_setup(institution.id).await?;
        Ok(Names::new(
            &units,
            &setup.categories,
            institution.timezone.clone(),
        ))
    }

    pub fn new(units: &[UnitNode], categories: &[CategoryView], tz: TimeZone) -> Names {
        Names {
            units: units.iter().map(|u| (u.id.0, u.name.clone())).collect(),
            categories: categories
                .iter()
                .map(|c| (c.code.clone(), (c.name.clone(), c.name_en.clone())))
                .collect(),
            tz,
        }
    }

    pub fn unit(&self, id: i64) -> String {
        self.units.get(&id).cloned().unwrap_or_default()
    }

    pub fn category(&self, code: Option<&str>, t: &Tr) -> String {
        match code.and_then(|c| self.categories.get(c)) {
            Some((zh, en)) => match t.lang {
                i18n::Lang::ZhCn => zh.clone(),
                i18n::Lang::En => en.clone(),
            },
            None => t.public_uncategorised().to_owned(),
        }
    }

    /// `2026-11-23`
    pub fn date(&self, at: domain::Timestamp) -> String {
        at.in_zone(&self.tz).strftime("%Y-%m-%d").to_string()
    }

    /// `2026-11-23 09:00`
    pub fn minute(&self, at: domain::Timestamp) -> String {
        at.format_minutes(&self.tz)
    }

    /// Where the item is about: the service point and its station, or the station.
    pub fn place(&self, item: &PublicItem) -> String {
        if item.unit == item.station {
            self.unit(item.unit)
        } else {
            format!("{} · {}", self.unit(item.station), self.unit(item.unit))
        }
    }
}

/// An item as a card on a public page.
pub struct ItemCard {
    pub tracking_no: String,
    pub kind: String,
    pub category: String,
    pub place: String,
    pub status: String,
    /// The status code, for the badge's style.
    pub status_code: &'static str,
    pub received: String,
    pub text: String,
    /// "3 people have the same need", in words.
    pub support: String,
    /// The nickname, or "anonymous" in the reader's language.
    pub by: String,
    pub adopted: bool,
}

impl ItemCard {
    pub fn new(item: &PublicItem, names: &Names, t: &Tr) -> ItemCard {
        ItemCard {
            tracking_no: item.tracking_no.clone(),
            kind: t.get(item.kind.label()).to_owned(),
            category: names.category(item.category.as_deref(), t),
            place: names.place(item),
            status: t.get(item.status.label()).to_owned(),
            status_code: item.status.as_str(),
            received: names.date(item.received_at),
            text: item.text.clone(),
            support: t.fill(Key::public_support_count, &[("n", &item.support_count)]),
            by: item
                .display_name
                .clone()
                .unwrap_or_else(|| t.public_anonymous().to_owned()),
            adopted: item.adopted,
        }
    }
}

/// One step of the public timeline, in words.
pub struct TimelineRow {
    pub what: String,
    pub at: String,
    pub body: Option<String>,
    /// The institution's answer: shown highlighted.
    pub answer: bool,
}

pub fn timeline(entries: &[TimelineEntry], names: &Names, t: &Tr) -> Vec<TimelineRow> {
    entries
        .iter()
        .map(|e| TimelineRow {
            what: event_words(e, t),
            at: names.minute(e.at),
            body: e.body.clone(),
            answer: e.kind == "answer",
        })
        .collect()
}

/// The latest official answer, to show above the timeline.
pub fn official_answer(rows: &[TimelineRow]) -> Option<&TimelineRow> {
    rows.iter().rev().find(|r| r.answer)
}

fn event_words(e: &TimelineEntry, t: &Tr) -> String {
    let key = match e.kind.as_str() {
        "received" => Key::public_event_received,
        "assigned" | "assign" => Key::public_event_assigned,
        "accept" => Key::public_event_accepted,
        "start" => Key::public_event_started,
        "ask_submitter" => Key::public_event_asked,
        "submitter_replied" => Key::public_event_replied,
        "answer" => Key::public_event_answered,
        "close" => Key::public_event_closed,
        "decline" => Key::public_event_declined,
        "merge" => Key::public_event_merged,
        "rated" => Key::public_event_rated,
        "reopened" => Key::public_event_reopened,
        _ => {
            return match e.to {
                Some(status) => t.fill(
                    Key::public_event_status,
                    &[("status", &t.get(status.label()))],
                ),
                None => t.public_event_updated().to_owned(),
            };
        }
    };
    t.get(key).to_owned()
}

/// A duration in words: minutes under an hour, hours under two days, then days.
pub fn duration_words(ms: Option<i64>, t: &Tr) -> String {
    let Some(ms) = ms else {
        return t.public_duration_none().to_owned();
    };
    let minutes = (ms.max(0) as f64 / 60_000.0).round() as i64;
    if minutes < 60 {
        t.fill(Key::public_duration_minutes, &[("n", &minutes.max(1))])
    } else if minutes < 48 * 60 {
        let hours = (minutes as f64 / 60.0).round() as i64;
        t.fill(Key::public_duration_hours, &[("n", &hours)])
    } else {
        let days = minutes as f64 / (24.0 * 60.0);
        let days = format!("{:.1}", days);
        let days = days.strip_suffix(".0").unwrap_or(&days).to_owned();
        t.fill(Key::public_duration_days, &[("n", &days)])
    }
}

#[cfg(test)]
mod tests {
    use super::duration_words;
    use domain::time::{DAY_MS, HOUR_MS, MINUTE_MS};
    use i18n::{Lang, Tr};

    #[test]
    fn durations_read_as_words() {
        let zh = Tr::new(Lang::ZhCn);
        assert_eq!(duration_words(Some(20 * MINUTE_MS), &zh), "20 分钟");
        assert_eq!(
            duration_words(Some(5 * HOUR_MS + 20 * MINUTE_MS), &zh),
            "5 小时"
        );
        assert_eq!(duration_words(Some(HOUR_MS), &Tr::new(Lang::En)), "1 h");
        assert_eq!(
            duration_words(Some(2 * DAY_MS + 12 * HOUR_MS), &zh),
            "2.5 天"
        );
        assert_eq!(duration_words(Some(3 * DAY_MS), &zh), "3 天");
        assert_eq!(duration_words(None, &zh), "暂无");
        let en = Tr::new(Lang::En);
        assert_eq!(duration_words(Some(3 * DAY_MS), &en), "3 days");
    }
}

//! What the staff feedback pages share: the names behind the ids an item carries (units,
//! departments, categories, people), the options of their selects, and how times and
//! deadline states are shown.

use crate::choices::Choice;
use crate::error::AppError;
use domain::Timestamp;
use domain::feedback::{Channel, FeedbackKind, Priority, Status};
use i18n::{Key, Tr};
use services::feedback::{DueState, Moderation, Publish};
use services::{Services, Staff};
use std::collections::HashMap;

/// Names of everything an item refers to by id, loaded once per page.
pub struct Names {
    pub units: Vec<Choice>,
    pub departments: Vec<Choice>,
    pub categories: Vec<Choice>,
    unit_names: HashMap<i64, String>,
    department_names: HashMap<i64, String>,
    category_names: HashMap<String, String>,
    person_names: HashMap<i64, String>,
    pub tz: jiff::tz::TimeZone,
}

impl Names {
    pub async fn load(services: &Services, staff: &Staff, t: &Tr) -> Result<Names, AppError> {
        let tenant = staff.actor.tenant_id;
        let tree = services.org_tree(tenant).await?;
        let setup = services.feedback().feedback_setup(tenant).await?;
        let institution = services.institution(tenant).await?;
        let people = services.feedback().feedback_assignees(staff).await?;
        let units = crate::choices::units(&tree);
        let departments = crate::choices::departments(&tree);
        let categories: Vec<Choice> = setup
            .categories
            .iter()
            .filter(|c| c.active)
            .map(|c| Choice {
                value: c.code.clone(),
                label: c.label(t.lang).to_owned(),
            })
            .collect();
        Ok(Names {
            unit_names: tree
                .units
                .iter()
                .map(|u| (u.id.0, u.name.clone()))
                .collect(),
            department_names: departments
                .iter()
                .filter_map(|d| Some((d.value.parse().ok()?, d.label.clone())))
                .collect(),
            // Inactive categories still name the items filed under them.
            category_names: setup
                .categories
                .iter()
                .map(|c| (c.code.clone(), c.label(t.lang).to_owned()))
                .collect(),
            person_names: people.iter().map(|p| (p.user, p.name.clone())).collect(),
            units,
            departments,
            categories,
            tz: institution.timezone,
        })
    }

    pub fn unit(&self, id: i64) -> String {
        self.unit_names.get(&id).cloned().unwrap_or_default()
    }

    pub fn department(&self, id: Option<i64>) -> String {
        id.and_then(|d| self.department_names.get(&d).cloned())
            .unwrap_or_default()
    }

    pub fn category(&self, code: Option<&str>) -> String {
        code.map(|c| {
            self.category_names
                .get(c)
                .cloned()
                .unwrap_or_else(|| c.to_owned())
        })
        .unwrap_or_default()
    }

    pub fn person(&self, id: Option<i64>) -> String {
        id.and_then(|p| self.person_names.get(&p).cloned())
            .unwrap_or_default()
    }

    /// A time to the minute where the institution is; empty for none.
    pub fn when(&self, at: Option<Timestamp>) -> String {
        at.map(|a| a.format_minutes(&self.tz)).unwrap_or_default()
    }
}

/// The CSS class of a deadline badge; the badge always carries its words too, so the
/// state never rests on colour alone.
pub fn due_class(due: DueState) -> &'static str {
    match due {
        DueState::OnTrack => "due due-ok",
        DueState::DueSoon => "due due-soon",
        DueState::Overdue => "due due-overdue",
        DueState::Paused => "due due-paused",
        DueState::Done => "due due-done",
    }
}

pub fn statuses(t: &Tr) -> Vec<Choice> {
    Status::ALL
        .iter()
        .map(|s| choice(s.as_str(), t.get(s.label())))
        .collect()
}

pub fn kinds(t: &Tr) -> Vec<Choice> {
    FeedbackKind::ALL
        .iter()
        .map(|k| choice(k.as_str(), t.get(k.label())))
        .collect()
}

pub fn channels(t: &Tr) -> Vec<Choice> {
    Channel::ALL
        .iter()
        .map(|c| choice(c.as_str(), t.get(c.label())))
        .collect()
}

pub fn offline_channels(t: &Tr) -> Vec<Choice> {
    Channel::OFFLINE
        .iter()
        .map(|c| choice(c.as_str(), t.get(c.label())))
        .collect()
}

pub fn priorities(t: &Tr) -> Vec<Choice> {
    Priority::ALL
        .iter()
        .map(|p| choice(p.as_str(), t.get(p.label())))
        .collect()
}

pub fn publish_choices(t: &Tr) -> Vec<Choice> {
    [
        (Publish::Default, Key::fitem_publish_default),
        (Publish::Yes, Key::fitem_publish_yes),
        (Publish::No, Key::fitem_publish_no),
    ]
    .into_iter()
    .map(|(p, key)| choice(p.as_str(), t.get(key)))
    .collect()
}

pub fn moderation_label(m: &Moderation) -> Key {
    match m {
        Moderation::Clear => Key::fitem_moderation_clear,
        Moderation::Held => Key::fitem_moderation_held,
        Moderation::Hidden => Key::fitem_moderation_hidden,
    }
}

pub fn publish_label(p: Publish) -> Key {
    match p {
        Publish::Default => Key::fitem_publish_default,
        Publish::Yes => Key::fitem_publish_yes,
        Publish::No => Key::fitem_publish_no,
    }
}

fn choice(value: &str, label: &str) -> Choice {
    Choice {
        value: value.to_owned(),
        label: label.to_owned(),
    }
}

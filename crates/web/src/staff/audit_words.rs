//! The audit log in words: what each action code, kind of record and recorded field means,
//! and a change recorded as JSON before and after as lines a clerk reads
//! ("状态：待受理 → 已受理"). Codes the catalogue does not know yet show as a generic
//! "other" label rather than as a raw key.

use crate::feedback::{moderation_label, publish_label};
use domain::Role;
use domain::calendar::DayKind;
use domain::feedback::{Channel, FeedbackKind, Priority, Status};
use domain::notice::{NoticeCategory, NoticePriority, NoticeStatus};
use domain::org::{DepartmentKind, UnitKind};
use i18n::{Key, Tr};
use serde_json::{Map, Value};
use services::feedback::{Moderation, Publish};
use std::collections::HashMap;

/// The kinds of record the log may be filtered by, and their names.
pub const ENTITY_TYPES: [(&str, Key); 17] = [
    ("feedback", Key::audit_entity_feedback),
    ("notice", Key::audit_entity_notice),
    ("user", Key::audit_entity_user),
    ("unit", Key::audit_entity_unit),
    ("department", Key::audit_entity_department),
    ("institution", Key::audit_entity_institution),
    ("category", Key::audit_entity_category),
    ("routing_rule", Key::audit_entity_routing_rule),
    ("deadline_policy", Key::audit_entity_deadline_policy),
    ("calendar", Key::audit_entity_calendar),
    ("calendar_day", Key::audit_entity_calendar_day),
    ("answer_template", Key::audit_entity_answer_template),
    ("sensitive_word", Key::audit_entity_sensitive_word),
    ("text_word", Key::audit_entity_text_word),
    ("feedback_import", Key::audit_entity_feedback_import),
    ("notice_robot", Key::audit_entity_notice_robot),
    ("staff_suggestion", Key::audit_entity_staff_suggestion),
];

pub fn entity_label(entity_type: &str) -> Key {
    ENTITY_TYPES
        .iter()
        .find(|(v, _)| *v == entity_type)
        .map_or(Key::audit_entity_other, |(_, key)| *key)
}

/// What an action code means, in words.
pub fn action_label(action: &str) -> Key {
    match action {
        "auth.login" => Key::audit_action_auth_login,
        "user.created" => Key::audit_action_user_created,
        "user.password_changed" => Key::audit_action_user_password_changed,
        "user.password_reset" => Key::audit_action_user_password_reset,
        "user.role_granted" => Key::audit_action_user_role_granted,
        "user.role_revoked" => Key::audit_action_user_role_revoked,
        "user.active_set" => Key::audit_action_user_active_set,
        "unit.created" => Key::audit_action_unit_created,
        "unit.renamed" => Key::audit_action_unit_renamed,
        "department.created" => Key::audit_action_department_created,
        "department.head_set" => Key::audit_action_department_head_set,
        "feedback.settings_changed" => Key::audit_action_setup_settings_changed,
        "feedback.category_added" => Key::audit_action_setup_category_added,
        "feedback.category_renamed" => Key::audit_action_setup_category_renamed,
        "feedback.category_moved" => Key::audit_action_setup_category_moved,
        "feedback.category_active_set" => Key::audit_action_setup_category_active_set,
        "feedback.routing_rule_added" => Key::audit_action_setup_routing_rule_added,
        "feedback.routing_rule_moved" => Key::audit_action_setup_routing_rule_moved,
        "feedback.routing_rule_deleted" => Key::audit_action_setup_routing_rule_deleted,
        "feedback.deadline_policy_set" => Key::audit_action_setup_deadline_policy_set,
        "feedback.deadline_policy_deleted" => Key::audit_action_setup_deadline_policy_deleted,
        "feedback.calendar_day_set" => Key::audit_action_setup_calendar_day_set,
        "feedback.calendar_day_removed" => Key::audit_action_setup_calendar_day_removed,
        "feedback.calendar_pasted" => Key::audit_action_setup_calendar_pasted,
        "feedback.template_added" => Key::audit_action_setup_template_added,
        "feedback.template_changed" => Key::audit_action_setup_template_changed,
        "feedback.template_deleted" => Key::audit_action_setup_template_deleted,
        "feedback.word_added" => Key::audit_action_setup_word_added,
        "feedback.word_removed" => Key::audit_action_setup_word_removed,
        "feedback.imported" => Key::audit_action_setup_imported,
        // Staff acting on one item: the timeline's words.
        "feedback.accept" => Key::fev_accept,
        "feedback.assign" => Key::fev_assign,
        "feedback.start" => Key::fev_start,
        "feedback.ask_submitter" => Key::fev_ask_submitter,
        "feedback.answer" => Key::fev_answer,
        "feedback.close" => Key::fev_close,
        "feedback.decline" => Key::fev_decline,
        "feedback.mark_spam" => Key::fev_mark_spam,
        "feedback.not_spam" => Key::fev_not_spam,
        "feedback.merge" => Key::fev_merge,
        "feedback.reopen" => Key::fev_reopened,
        "feedback.note" => Key::fev_note,
        "feedback.priority" => Key::fev_priority,
        "feedback.moderated" => Key::fev_moderated,
        "feedback.publish" => Key::audit_action_feedback_publish,
        "feedback.entered" => Key::audit_action_feedback_entered,
        "feedback.classify" => Key::audit_action_feedback_classify,
        "text.word_add" => Key::audit_action_text_word_add,
        "text.word_remove" => Key::audit_action_text_word_remove,
        "notice.create" => Key::audit_action_notice_create,
        "notice.edit" => Key::audit_action_notice_edit,
        "notice.attach" => Key::audit_action_notice_attach,
        "notice.detach" => Key::audit_action_notice_detach,
        "notice.remind" => Key::audit_action_notice_remind,
        "notice.correct" => Key::audit_action_notice_correct,
        "notice.retract" => Key::audit_action_notice_retract,
        "notice.submitted" => Key::audit_action_notice_submitted,
        "notice.withdrawn" => Key::audit_action_notice_withdrawn,
        "notice.approved" => Key::audit_action_notice_approved,
        "notice.changes_requested" => Key::audit_action_notice_changes_requested,
        "notice.rejected" => Key::audit_action_notice_rejected,
        "notice_robot.add" => Key::audit_action_notice_robot_add,
        "notice_robot.activate" => Key::audit_action_notice_robot_activate,
        "notice_robot.deactivate" => Key::audit_action_notice_robot_deactivate,
        "staff_suggestion.answer" => Key::audit_action_staff_suggestion_answer,
        _ => Key::audit_action_other,
    }
}

/// What a recorded field is called; `None` for fields that only repeat what the row says
/// already (the action, ids kept beside the names).
fn field_label(field: &str) -> Option<Key> {
    Some(match field {
        "action" | "into_id" | "grant" => return None,
        "status" => Key::audit_field_status,
        "priority" => Key::audit_field_priority,
        "moderation" => Key::audit_field_moderation,
        "public_text" => Key::audit_field_public_text,
        "publish" => Key::audit_field_publish,
        "category" => Key::audit_field_category,
        "kind" => Key::audit_field_kind,
        "learnt" => Key::audit_field_learnt,
        "tracking_no" | "first" | "into" => Key::audit_field_tracking_no,
        "channel" => Key::audit_field_channel,
        "file" | "attachment" => Key::audit_field_file,
        "format" => Key::audit_field_format,
        "encoding" => Key::audit_field_encoding,
        "rows" => Key::audit_field_rows,
        "held" => Key::audit_field_held,
        "routed" => Key::audit_field_routed,
        "code" => Key::audit_field_code,
        "name" => Key::audit_field_name,
        "name_en" => Key::audit_field_name_en,
        "active" => Key::audit_field_active,
        "position" => Key::audit_field_position,
        "unit" => Key::audit_field_unit,
        "parent" => Key::audit_field_parent,
        "department" => Key::audit_field_department,
        "head" => Key::audit_field_head,
        "first_response_minutes" => Key::audit_field_first_response,
        "resolution_minutes" => Key::audit_field_resolution,
        "days" => Key::audit_field_days,
        "years" => Key::audit_field_years,
        "replaced_years" => Key::audit_field_replaced_years,
        "holidays" => Key::audit_field_holidays,
        "workdays" => Key::audit_field_workdays,
        "title" => Key::audit_field_title,
        "body" => Key::audit_field_body,
        "word" => Key::audit_field_word,
        "username" => Key::audit_field_username,
        "display_name" => Key::audit_field_display_name,
        "email" => Key::audit_field_email,
        "mobile" => Key::audit_field_mobile,
        "role" => Key::audit_field_role,
        "answer" => Key::audit_field_answer,
        "reminded" => Key::audit_field_reminded,
        "version" => Key::audit_field_version,
        "note" | "comment" | "reason" => Key::audit_field_comment,
        "signed" => Key::audit_field_signed,
        "accept_unverified" => Key::setup_accept_unverified,
        "confirm_unverified" => Key::setup_confirm_unverified,
        "publish_by_default" => Key::setup_publish_by_default,
        "publish_confident_guesses" => Key::setup_publish_confident_guesses,
        "reopen_days" => Key::setup_reopen_days,
        "retention_days" => Key::setup_retention_days,
        "remind_before_minutes" => Key::audit_field_remind_before,
        "director_after_minutes" => Key::audit_field_director_after,
        "per_contact_per_day" => Key::setup_per_contact_per_day,
        "per_ip_per_hour" => Key::setup_per_ip_per_hour,
        "public_contacts" => Key::setup_public_contacts,
        "priority_weights.support" => Key::pscore_support,
        "priority_weights.theme" => Key::pscore_theme,
        "priority_weights.urgent" => Key::pscore_urgent,
        "priority_weights.complaint" => Key::kind_complaint,
        "priority_weights.request" => Key::kind_request,
        "priority_weights.age_day" => Key::pscore_age,
        "priority_weights.overdue" => Key::pscore_overdue,
        _ => Key::audit_field_other,
    })
}

/// Names behind the ids the log records, loaded once per page.
pub struct AuditNames {
    pub units: HashMap<i64, String>,
    pub departments: HashMap<i64, String>,
    pub categories: HashMap<String, String>,
    /// Staff by id, where the viewer may list them.
    pub people: HashMap<i64, String>,
    pub tz: jiff::tz::TimeZone,
}

impl AuditNames {
    fn name<K: std::hash::Hash + Eq>(
        map: &HashMap<K, String>,
        key: &K,
        v: &Value,
        t: &Tr,
    ) -> String {
        map.get(key).cloned().unwrap_or_else(|| plain(v, t))
    }
}

/// The change an entry records, one line per field that changed: "状态：待受理 → 已受理",
/// "名称：龙潭村文化大院" for what was created, "名称：龙潭村文化大院 → —" for what was removed.
pub fn changes(
    entity_type: &str,
    before: Option<&str>,
    after: Option<&str>,
    names: &AuditNames,
    t: &Tr,
) -> Vec<String> {
    let before = flat(before);
    let after = flat(after);
    let mut fields: Vec<&String> = after.keys().collect();
    fields.extend(before.keys().filter(|k| !after.contains_key(*k)));
    let only_before = after.is_empty();
    let mut out = Vec::new();
    for field in fields {
        let Some(label) = field_label(field) else {
            continue;
        };
        let (old, new) = (before.get(field), after.get(field));
        if old == new {
            continue;
        }
        let show = |v: &Value| value(entity_type, field, v, names, t);
        let line = match (old, new) {
            (Some(old), None) if only_before => show(old),
            (None, Some(new)) => show(new),
            (Some(old), Some(new)) => format!("{} → {}", show(old), show(new)),
            (Some(old), None) => format!("{} → —", show(old)),
            (None, None) => continue,
        };
        let name = match field.strip_prefix("priority_weights.") {
            Some(_) => t.fill(Key::audit_field_weight, &[("part", &t.get(label))]),
            None => t.get(label).to_owned(),
        };
        out.push(format!("{name}{}{line}", t.get(Key::audit_field_colon)));
    }
    out
}

/// The recorded JSON as one level of fields: nested settings (the priority weights) become
/// `priority_weights.support` and so on. Anything that is not an object records no field.
fn flat(json: Option<&str>) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(Value::Object(map)) = json.and_then(|j| serde_json::from_str(j).ok()) {
        for (k, v) in map {
            match v {
                Value::Object(inner) => {
                    for (ik, iv) in inner {
                        out.insert(format!("{k}.{ik}"), iv);
                    }
                }
                v => {
                    out.insert(k, v);
                }
            }
        }
    }
    out
}

/// A recorded value in words: codes through the catalogue, ids as names, times in working hours.
fn value(entity_type: &str, field: &str, v: &Value, names: &AuditNames, t: &Tr) -> String {
    let code = v.as_str().unwrap_or_default();
    let id = v.as_i64();
    let coded = |key: Option<Key>| key.map_or_else(|| plain(v, t), |k| t.get(k).to_owned());
    match (field, v) {
        (_, Value::Null) => match field {
            "kind" | "priority" | "category" | "unit" => t.get(Key::setup_any).to_owned(),
            _ => "—".to_owned(),
        },
        (_, Value::Bool(b)) => t.get(if *b { Key::yes } else { Key::no }).to_owned(),
        ("status", _) if entity_type == "notice" => {
            coded(NoticeStatus::parse(code).map(NoticeStatus::label))
        }
        ("status", _) => coded(Status::parse(code).map(Status::label)),
        ("priority", _) if entity_type == "notice" => {
            coded(NoticePriority::parse(code).map(NoticePriority::label))
        }
        ("priority", _) => coded(Priority::parse(code).map(Priority::label)),
        ("moderation", _) => coded(Moderation::parse(code).map(|m| moderation_label(&m))),
        ("publish", _) => coded(Publish::parse(code).map(publish_label)),
        ("channel", _) => coded(Channel::parse(code).map(Channel::label)),
        ("role", _) => coded(Role::parse(code).map(Role::label)),
        ("category", _) if entity_type == "notice" => {
            coded(NoticeCategory::parse(code).map(NoticeCategory::label))
        }
        ("category", Value::String(c)) => AuditNames::name(&names.categories, c, v, t),
        ("kind", _) => coded(kind_label(entity_type, code)),
        ("unit" | "parent", _) => AuditNames::name(&names.units, &id.unwrap_or(0), v, t),
        ("department", _) => AuditNames::name(&names.departments, &id.unwrap_or(0), v, t),
        ("head", _) => AuditNames::name(&names.people, &id.unwrap_or(0), v, t),
        (
            "first_response_minutes"
            | "resolution_minutes"
            | "remind_before_minutes"
            | "director_after_minutes",
            _,
        ) => id.map_or_else(|| plain(v, t), |m| working_time(m, t)),
        _ => plain(v, t),
    }
}

fn kind_label(entity_type: &str, code: &str) -> Option<Key> {
    match entity_type {
        "unit" => UnitKind::parse(code).map(UnitKind::label),
        "department" => DepartmentKind::parse(code).map(DepartmentKind::label),
        "calendar_day" => DayKind::parse(code).map(|k| match k {
            DayKind::Holiday => Key::setup_day_holiday,
            DayKind::Workday => Key::setup_day_workday,
        }),
        "notice_robot" => match code {
            "dingtalk" => Some(Key::robots_kind_dingtalk),
            "wecom" => Some(Key::robots_kind_wecom),
            _ => None,
        },
        _ => FeedbackKind::parse(code).map(FeedbackKind::label),
    }
}

/// Minutes of working time as the settings pages write them.
fn working_time(minutes: i64, t: &Tr) -> String {
    let day = 24 * 60;
    if minutes > 0 && minutes % day == 0 {
        t.fill(Key::setup_working_days, &[("n", &(minutes / day))])
    } else if minutes % 60 == 0 {
        t.fill(Key::setup_working_hours, &[("n", &(minutes / 60))])
    } else {
        t.fill(Key::setup_working_minutes, &[("n", &minutes)])
    }
}

/// Text as written (long texts cut), numbers as they are, lists joined.
fn plain(v: &Value, t: &Tr) -> String {
    match v {
        Value::String(s) => cut(s),
        Value::Array(items) => items
            .iter()
            .map(|i| plain(i, t))
            .collect::<Vec<_>>()
            .join(t.get(Key::setup_list_separator)),
        Value::Null => "—".to_owned(),
        Value::Bool(b) => t.get(if *b { Key::yes } else { Key::no }).to_owned(),
        other => other.to_string(),
    }
}

/// A long text (an answer, a template) is cut: the log says that it changed, not all of it.
fn cut(s: &str) -> String {
    const CHARS: usize = 40;
    let s = s.trim();
    match s.char_indices().nth(CHARS) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_settings_flatten() {
        let f = flat(Some(
            r#"{"reopen_days":7,"priority_weights":{"support":2}}"#,
        ));
        assert_eq!(f.get("priority_weights.support"), Some(&Value::from(2)));
        assert_eq!(f.get("reopen_days"), Some(&Value::from(7)));
        assert!(flat(Some("not json")).is_empty());
    }
}

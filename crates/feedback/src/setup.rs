//! How an institution has set up its feedback loop, cached per institution because every
//! submission needs it: settings, categories, routing rules, deadline policies, the
//! working calendar, the sensitive-word list.

use crate::{Feedback, ServiceError, ServiceResult, Staff};
use domain::calendar::{DayKind, WorkCalendar};
use domain::feedback::{FeedbackKind, Priority};
use domain::time::MINUTE_MS;
use domain::{Permission, TenantId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use store::feedback_setup as fs;

/// The institution's choices about its feedback loop (kept in the institution's settings).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct FeedbackSettings {
    /// Accept feedback from people who have not verified a mobile number.
    pub accept_unverified: bool,
    /// Text (or e-mail) the tracking link at submission to a number or address nobody has
    /// verified. Off unless chosen: each text costs money, and a number typed on a form may
    /// be someone else's (a slip of the finger, or a prank). Verified numbers always get
    /// the link; the others find their items again by verifying the number later.
    pub confirm_unverified: bool,
    /// Items appear on the public board unless staff say otherwise.
    pub publish_by_default: bool,
    /// The public sees the system's confident category guess before staff confirm one.
    /// Off by default: until then the public sees no category rather than a guess as fact.
    pub publish_confident_guesses: bool,
    /// How long after an answer a dissatisfied submitter may reopen the item.
    pub reopen_days: i64,
    /// Closed items lose their personal data this long after closing.
    pub retention_days: i64,
    /// Reminders go out this long (in working time) before a deadline.
    pub remind_before_minutes: i64,
    /// An overdue item goes up to the office director this long (in working time) after its deadline.
    pub director_after_minutes: i64,
    /// At most this many submissions per mobile number or e-mail address a day…
    pub per_contact_per_day: i64,
    /// …and per network address an hour: a high ceiling only, as a station's Wi-Fi or a
    /// carrier's NAT puts many honest people behind one address.
    pub per_ip_per_hour: i64,
    /// Points per part of the priority score.
    pub priority_weights: domain::priority::PriorityWeights,
    /// The institution's public contact details (本单位公开联系方式): phone numbers and
    /// addresses staff give in answers for people to use. Masking never hides them.
    pub public_contacts: Vec<String>,
}

/// At most this many lines of public contact details, each at most this long.
pub const PUBLIC_CONTACTS_MAX: usize = 20;
pub const PUBLIC_CONTACT_CHARS: usize = 100;

impl Default for FeedbackSettings {
    fn default() -> Self {
        FeedbackSettings {
            accept_unverified: true,
            confirm_unverified: false,
            publish_by_default: true,
            publish_confident_guesses: false,
            reopen_days: 7,
            retention_days: 730,
            remind_before_minutes: 4 * 60,
            director_after_minutes: 24 * 60,
            per_contact_per_day: 10,
            per_ip_per_hour: 300,
            priority_weights: Default::default(),
            public_contacts: Vec::new(),
        }
    }
}

/// A deadline policy: how long a first response and a resolution may take, in working minutes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadlinePolicy {
    pub id: Option<i64>,
    pub kind: Option<FeedbackKind>,
    pub priority: Option<Priority>,
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
}

/// 1 working day to respond, 5 to resolve; urgent items 4 working hours and 1 working day.
pub fn default_policies() -> Vec<DeadlinePolicy> {
    vec![
        DeadlinePolicy {
            id: None,
            kind: None,
            priority: None,
            first_response_minutes: 24 * 60,
            resolution_minutes: 5 * 24 * 60,
        },
        DeadlinePolicy {
            id: None,
            kind: None,
            priority: Some(Priority::Urgent),
            first_response_minutes: 4 * 60,
            resolution_minutes: 24 * 60,
        },
    ]
}

/// A routing rule: items matching every given condition go to `department`.
#[derive(Clone, Debug)]
pub struct RoutingRule {
    pub id: i64,
    pub category: Option<String>,
    pub kind: Option<FeedbackKind>,
    /// The rule applies to items about this unit's subtree.
    pub unit_path: Option<String>,
    pub department: i64,
}

/// A category of the institution.
#[derive(Clone, Debug, Serialize)]
pub struct CategoryView {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub active: bool,
}

impl CategoryView {
    pub fn label(&self, lang: i18n::Lang) -> &str {
        match lang {
            i18n::Lang::ZhCn => &self.name,
            i18n::Lang::En => &self.name_en,
        }
    }
}

/// The default categories (文化活动, 公益培训, 设施场地, 服务, 信息宣传, 非遗, 其他).
pub const DEFAULT_CATEGORIES: [(&str, &str, &str); 7] = [
    ("activity", "文化活动", "Cultural activities"),
    ("training", "公益培训", "Free training"),
    ("facility", "设施场地", "Facilities and venues"),
    ("service", "服务", "Service"),
    ("information", "信息宣传", "Information"),
    ("heritage", "非遗", "Intangible heritage"),
    ("other", "其他", "Other"),
];

/// Everything about an institution's setup that intake and the deadline sweep read.
pub struct Setup {
    pub settings: FeedbackSettings,
    pub categories: Vec<CategoryView>,
    pub calendar: WorkCalendar,
    pub policies: Vec<DeadlinePolicy>,
    pub routing: Vec<RoutingRule>,
    pub words: text::WordList,
    /// The organisation tree's units, for checking where feedback is about.
    pub units: Vec<store::org::UnitRow>,
}

impl Setup {
    /// The most specific policy for this kind and priority.
    pub fn policy(&self, kind: FeedbackKind, priority: Priority) -> DeadlinePolicy {
        let fits = |p: &&DeadlinePolicy| {
            p.kind.is_none_or(|k| k == kind) && p.priority.is_none_or(|q| q == priority)
        };
        let specificity = |p: &DeadlinePolicy| {
            usize::from(p.kind.is_some()) + 2 * usize::from(p.priority.is_some())
        };
        let own = self
            .policies
            .iter()
            .filter(fits)
            .max_by_key(|p| specificity(p))
            .cloned();
        own.or_else(|| {
            default_policies()
                .into_iter()
                .filter(|p| fits(&p))
                .max_by_key(specificity)
        })
        .unwrap_or_else(|| default_policies().remove(0))
    }

    pub fn category(&self, code: &str) -> Option<&CategoryView> {
        self.categories.iter().find(|c| c.code == code && c.active)
    }

    pub fn remind_before_ms(&self) -> i64 {
        self.settings.remind_before_minutes * MINUTE_MS
    }
}

/// How long a node trusts its cached setup before reading it again; changes made on this
/// node are seen at once, those made on other nodes within this time.
const SETUP_TTL: Duration = Duration::from_secs(30);

#[derive(Default)]
pub(crate) struct SetupCache(RwLock<HashMap<TenantId, (Instant, Arc<Setup>)>>);

impl SetupCache {
    pub fn forget(&self, tenant: TenantId) {
        if let Ok(mut map) = self.0.write() {
            map.remove(&tenant);
        }
    }
}

impl Feedback {
    /// The institution's feedback setup (cached).
    pub async fn feedback_setup(&self, tenant: TenantId) -> ServiceResult<Arc<Setup>> {
        if let Ok(map) = self.0.setups.0.read()
            && let Some((at, setup)) = map.get(&tenant)
            && at.elapsed() < SETUP_TTL
        {
            return Ok(setup.clone());
        }
        let setup = Arc::new(self.load_setup(tenant).await?);
        if let Ok(mut map) = self.0.setups.0.write() {
            map.insert(tenant, (Instant::now(), setup.clone()));
        }
        Ok(setup)
    }

    async fn load_setup(&self, tenant: TenantId) -> ServiceResult<Setup> {
        let db = self.db();
        let institution = self.institution(tenant).await?;
        let settings_json = store::tenants::find(db, tenant)
            .await?
            .map(|t| t.settings)
            .unwrap_or_default();
        let settings = serde_json::from_str::<serde_json::Value>(&settings_json)
            .ok()
            .and_then(|v| serde_json::from_value(v.get("feedback")?.clone()).ok())
            .unwrap_or_default();
        let categories = fs::categories(db, tenant)
            .await?
            .into_iter()
            .map(|c| CategoryView {
                code: c.code,
                name: c.name,
                name_en: c.name_en,
                active: c.active,
            })
            .collect();
        let days = fs::calendar_days(db, tenant)
            .await?
            .into_iter()
            .filter_map(|d| {
                let date: jiff::civil::Date = d.day.parse().ok()?;
                Some((date, DayKind::parse(&d.kind)?))
            });
        let calendar = WorkCalendar::new(institution.timezone.clone(), days);
        let policies = fs::deadline_policies(db, tenant)
            .await?
            .into_iter()
            .map(|p| DeadlinePolicy {
                id: Some(p.id),
                kind: p.kind.as_deref().and_then(FeedbackKind::parse),
                priority: p.priority.as_deref().and_then(Priority::parse),
                first_response_minutes: p.first_response_minutes,
                resolution_minutes: p.resolution_minutes,
            })
            .collect();
        let unit_rows = store::org::units(db, tenant).await?;
        let units: HashMap<i64, String> =
            unit_rows.iter().map(|u| (u.id, u.path.clone())).collect();
        let routing = fs::routing_rules(db, tenant)
            .await?
            .into_iter()
            .map(|r| RoutingRule {
                id: r.id,
                category: r.category,
                kind: r.kind.as_deref().and_then(FeedbackKind::parse),
                unit_path: r.unit_id.and_then(|u| units.get(&u).cloned()),
                department: r.department_id,
            })
            .collect();
        let mut words: Vec<(String, text::Category)> = fs::sensitive_words(db, tenant)
            .await?
            .into_iter()
            .map(|w| (w.word, word_category(&w.category)))
            .collect();
        words.extend(text::WordList::default_abuse_and_spam().words());
        let words = text::WordList::new(words)
            .map_err(|e| ServiceError::Internal(format!("word list: {e}")))?;
        Ok(Setup {
            settings,
            categories,
            calendar,
            policies,
            routing,
            words,
            units: unit_rows,
        })
    }

    /// Saves the institution's feedback settings.
    pub async fn update_feedback_settings(
        &self,
        staff: &Staff,
        settings: FeedbackSettings,
    ) -> ServiceResult<()> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let tenant = staff.actor.tenant_id;
        let mut checks = domain::Checks::new();
        for (field, value, max) in [
            ("reopen_days", settings.reopen_days, 365),
            ("retention_days", settings.retention_days, 36500),
            (
                "remind_before_minutes",
                settings.remind_before_minutes,
                30 * 24 * 60,
            ),
            (
                "director_after_minutes",
                settings.director_after_minutes,
                30 * 24 * 60,
            ),
            ("per_contact_per_day", settings.per_contact_per_day, 10_000),
            ("per_ip_per_hour", settings.per_ip_per_hour, 100_000),
        ] {
            if !(1..=max).contains(&value) {
                checks.push(
                    domain::FieldError::new(field, i18n::Key::err_range)
                        .with("min", 1)
                        .with("max", max),
                );
            }
        }
        let mut settings = settings;
        settings.public_contacts = settings
            .public_contacts
            .iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect();
        if settings.public_contacts.len() > PUBLIC_CONTACTS_MAX {
            checks.push(
                domain::FieldError::new("public_contacts", i18n::Key::err_too_many_lines)
                    .with("max", PUBLIC_CONTACTS_MAX),
            );
        }
        if settings
            .public_contacts
            .iter()
            .any(|c| c.chars().count() > PUBLIC_CONTACT_CHARS)
        {
            checks.push(
                domain::FieldError::new("public_contacts", i18n::Key::err_line_too_long)
                    .with("max", PUBLIC_CONTACT_CHARS),
            );
        }
        checks.finish()?;
        let row = store::tenants::find(self.db(), tenant)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut all: serde_json::Value =
            serde_json::from_str(&row.settings).unwrap_or_else(|_| serde_json::json!({}));
        let before = all.get("feedback").cloned();
        all["feedback"] =
            serde_json::to_value(&settings).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let tx = self.db().begin().await?;
        store::tenants::update_settings(&tx, tenant, &all.to_string()).await?;
        self.audit(
            &tx,
            staff,
            "feedback.settings_changed",
            "institution",
            tenant,
            before,
            all.get("feedback").cloned(),
        )
        .await?;
        tx.commit().await?;
        self.0.setups.forget(tenant);
        Ok(())
    }

    /// Refuses unless the staff member may do `permission` over the whole institution.
    pub(crate) async fn require_institution_wide(
        &self,
        staff: &Staff,
        permission: Permission,
    ) -> ServiceResult<()> {
        let root = store::org::root_unit(self.db(), staff.actor.tenant_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if staff.actor.can(permission, &root.unit_path()) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden)
        }
    }
}

/// The default categories of a new institution.
pub async fn seed_categories(
    c: &impl store::Conn,
    tenant: TenantId,
    now: domain::Timestamp,
) -> ServiceResult<()> {
    for (i, (code, name, name_en)) in DEFAULT_CATEGORIES.iter().enumerate() {
        fs::upsert_category(c, tenant, code, name, name_en, i as i64, true, now).await?;
    }
    Ok(())
}

fn word_category(code: &str) -> text::Category {
    match code {
        "abuse" => text::Category::Abuse,
        "spam" => text::Category::Spam,
        "political" => text::Category::Political,
        _ => text::Category::Other,
    }
}

//! Setting up the feedback loop: categories, routing rules, deadline policies, the working
//! calendar, answer templates and sensitive words.
//!
//! Only staff who may manage settings over the whole institution (the system administrator)
//! change these — answer templates also the office director — because each of them changes
//! what happens to every item that comes in. Every change is checked with errors that name
//! the field, written together with its audit entry in one transaction, and then the cached
//! [`Setup`](super::Setup) is dropped so the next submission on this node sees it at once.

use super::setup::{CategoryView, DeadlinePolicy, default_policies};
use crate::{Feedback, ServiceError, ServiceResult, Staff};
use domain::calendar::{DayKind, parse_day_list};
use domain::feedback::{FeedbackKind, Priority};
use domain::validate::Checks;
use domain::{FieldError, Permission, Role, TenantId, UnitPath};
use i18n::{Key, Tr};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::feedback_setup as fs;

/// Minutes in one working day: working time is whole calendar days (see `domain::calendar`).
pub const WORKING_DAY_MINUTES: i64 = 24 * 60;

// ---- Categories -----------------------------------------------------------------------------

/// A new category as typed in the form.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CategoryInput {
    /// A stable ASCII slug (`reading`, `sports_hall`): stored on items and used in the API,
    /// so it never changes once created; only the names do.
    pub code: String,
    pub name: String,
    pub name_en: String,
}

/// Up or down in a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Move {
    Up,
    Down,
}

// ---- Routing rules --------------------------------------------------------------------------

/// A routing rule as typed in the form; empty fields mean "any".
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoutingRuleInput {
    pub category: String,
    pub kind: String,
    /// A unit id: the rule applies to items about this unit and the units below it.
    pub unit: String,
    pub department: String,
}

/// A routing rule as the settings page lists it.
#[derive(Clone, Debug, Serialize)]
pub struct RoutingRuleView {
    pub id: i64,
    /// 1 for the rule tried first.
    pub position: usize,
    pub category: Option<CategoryView>,
    /// A category code the institution no longer offers (the rule matches nothing new).
    pub stale_category: Option<String>,
    pub kind: Option<FeedbackKind>,
    pub unit_name: Option<String>,
    pub department_name: String,
}

impl RoutingRuleView {
    /// The rule in one sentence: "分类为「文化活动」、类型为「投诉」的反馈，转办至「总馆 · 活动部」".
    pub fn words(&self, t: &Tr) -> String {
        let mut conditions = Vec::new();
        if let Some(c) = &self.category {
            conditions.push(t.fill(
                Key::setup_routing_if_category,
                &[("name", &c.label(t.lang))],
            ));
        }
        if let Some(code) = &self.stale_category {
            conditions.push(t.fill(Key::setup_routing_if_category, &[("name", code)]));
        }
        if let Some(k) = self.kind {
            conditions.push(t.fill(Key::setup_routing_if_kind, &[("name", &t.get(k.label()))]));
        }
        if let Some(u) = &self.unit_name {
            conditions.push(t.fill(Key::setup_routing_if_unit, &[("name", u)]));
        }
        let joined = conditions.join(t.setup_list_separator());
        t.fill(
            Key::setup_routing_words,
            &[
                ("conditions", &joined),
                ("department", &self.department_name),
            ],
        )
    }
}

// ---- Deadline policies ----------------------------------------------------------------------

/// A deadline policy as typed: amounts with their unit (`hours` or `days` of working time).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeadlinePolicyInput {
    /// A feedback kind; empty for every kind.
    pub kind: String,
    /// `normal` or `urgent`; empty for both.
    pub priority: String,
    pub first_response: String,
    pub first_response_unit: String,
    pub resolution: String,
    pub resolution_unit: String,
}

/// A deadline policy as the settings page lists it.
#[derive(Clone, Debug, Serialize)]
pub struct DeadlinePolicyView {
    /// `None` for a built-in default.
    pub id: Option<i64>,
    pub kind: Option<FeedbackKind>,
    pub priority: Option<Priority>,
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
}

impl DeadlinePolicyView {
    fn from_policy(p: &DeadlinePolicy) -> Self {
        DeadlinePolicyView {
            id: p.id,
            kind: p.kind,
            priority: p.priority,
            first_response_minutes: p.first_response_minutes,
            resolution_minutes: p.resolution_minutes,
        }
    }

    /// Whom it applies to, in words: "投诉 · 紧急", "全部类型 · 全部优先级".
    pub fn applies_to(&self, t: &Tr) -> String {
        let kind = self.kind.map_or(t.setup_any_kind(), |k| t.get(k.label()));
        let priority = self
            .priority
            .map_or(t.setup_any_priority(), |p| t.get(p.label()));
        format!("{kind} · {priority}")
    }
}

/// Working minutes in words: whole working days as days, else hours, else minutes.
pub fn working_time_words(minutes: i64, t: &Tr) -> String {
    if minutes > 0 && minutes % WORKING_DAY_MINUTES == 0 {
        t.fill(
            Key::setup_working_days,
            &[("n", &(minutes / WORKING_DAY_MINUTES))],
        )
    } else if minutes % 60 == 0 {
        t.fill(Key::setup_working_hours, &[("n", &(minutes / 60))])
    } else {
        t.fill(Key::setup_working_minutes, &[("n", &minutes)])
    }
}

// ---- The working calendar -------------------------------------------------------------------

/// One day the admin entered.
#[derive(Clone, Debug)]
pub struct CalendarDayView {
    pub day: Date,
    pub kind: DayKind,
    pub name: String,
}

/// The 2026 arrangement as the settings page offers it for pasting, typed from the notice
/// 国务院办公厅关于2026年部分节假日安排的通知 of 2025-11-04. The page still tells the admin to
/// check it against the notice before saving: a wrong day here moves every deadline near it.
pub const SAMPLE_2026: &str = "\
# 2026 年部分节假日安排（请与国务院办公厅通知核对后再保存）
2026-01-01 休 元旦
2026-01-02 休 元旦
2026-01-03 休 元旦
2026-01-04 班 元旦调休
2026-02-14 班 春节调休
2026-02-15 休 春节
2026-02-16 休 春节
2026-02-17 休 春节
2026-02-18 休 春节
2026-02-19 休 春节
2026-02-20 休 春节
2026-02-21 休 春节
2026-02-22 休 春节
2026-02-23 休 春节
2026-02-28 班 春节调休
2026-04-04 休 清明节
2026-04-05 休 清明节
2026-04-06 休 清明节
2026-05-01 休 劳动节
2026-05-02 休 劳动节
2026-05-03 休 劳动节
2026-05-04 休 劳动节
2026-05-05 休 劳动节
2026-05-09 班 劳动节调休
2026-06-19 休 端午节
2026-06-20 休 端午节
2026-06-21 休 端午节
2026-09-20 班 国庆节调休
2026-09-25 休 中秋节
2026-09-26 休 中秋节
2026-09-27 休 中秋节
2026-10-01 休 国庆节
2026-10-02 休 国庆节
2026-10-03 休 国庆节
2026-10-04 休 国庆节
2026-10-05 休 国庆节
2026-10-06 休 国庆节
2026-10-07 休 国庆节
2026-10-10 班 国庆节调休
";

/// A pasted list longer than this is not a year's arrangement.
const MAX_PASTE_CHARS: usize = 20_000;

// ---- Answer templates -----------------------------------------------------------------------

/// An answer template as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerTemplateInput {
    pub title: String,
    /// A category code; empty for every category.
    pub category: String,
    pub body: String,
}

/// A ready-made answer staff can start from.
#[derive(Clone, Debug, Serialize)]
pub struct AnswerTemplate {
    pub id: i64,
    /// `None`: for every category.
    pub category: Option<String>,
    pub title: String,
    pub body: String,
}

const TEMPLATE_TITLE_MAX: usize = 40;
const TEMPLATE_BODY_MAX: usize = 2000;

// ---- Sensitive words ------------------------------------------------------------------------

/// A word of the institution's own list.
#[derive(Clone, Debug, Serialize)]
pub struct SensitiveWordView {
    pub id: i64,
    pub word: String,
    pub category: text::Category,
}

/// The categories a word may have, as stored.
pub const WORD_CATEGORIES: [(&str, text::Category); 4] = [
    ("abuse", text::Category::Abuse),
    ("spam", text::Category::Spam),
    ("political", text::Category::Political),
    ("other", text::Category::Other),
];

pub fn word_category_label(category: text::Category) -> Key {
    match category {
        text::Category::Abuse => Key::setup_word_abuse,
        text::Category::Spam => Key::setup_word_spam,
        text::Category::Political => Key::setup_word_political,
        text::Category::Other => Key::setup_word_other,
    }
}

/// The seed list every institution has on top of its own words.
pub fn built_in_words() -> Vec<(String, text::Category)> {
    text::WordList::default_abuse_and_spam().words().collect()
}

const WORD_MAX: usize = 30;

impl Feedback {
    // ---- Who may ---------------------------------------------------------------------------

    /// Commits a change to the setup and drops this node's cached copy, so the next item
    /// that comes in here is taken in under the new setup (other nodes within the cache's TTL).
    async fn commit_setup(&self, tx: store::Tx, tenant: TenantId) -> ServiceResult<()> {
        tx.commit().await?;
        self.0.setups.forget(tenant);
        Ok(())
    }

    /// The institution's root path, for checks over the whole institution.
    async fn root_path(&self, tenant: TenantId) -> ServiceResult<UnitPath> {
        Ok(store::org::root_unit(self.db(), tenant)
            .await?
            .ok_or(ServiceError::NotFound)?
            .unit_path())
    }

    /// Answer templates are the office's words to the public: the administrator and the
    /// office director (over the whole institution) keep them.
    async fn require_template_manager(&self, staff: &Staff) -> ServiceResult<()> {
        let root = self.root_path(staff.actor.tenant_id).await?;
        let director = staff.actor.grants.iter().any(|g| {
            g.role == Role::OfficeDirector && g.department.is_none() && root.is_within(&g.scope)
        });
        if director || staff.actor.can(Permission::ManageSettings, &root) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden)
        }
    }

    /// May this staff member open the settings pages at all (any of them)?
    pub async fn may_manage_feedback_setup(&self, staff: &Staff) -> ServiceResult<bool> {
        match self.require_template_manager(staff).await {
            Ok(()) => Ok(true),
            Err(ServiceError::Forbidden) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The institution's feedback settings, for the settings form.
    pub async fn feedback_settings(&self, staff: &Staff) -> ServiceResult<super::FeedbackSettings> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        Ok(self
            .feedback_setup(staff.actor.tenant_id)
            .await?
            .settings
            .clone())
    }

    // ---- Categories ------------------------------------------------------------------------

    /// Every category, active or not, in the order the public sees them.
    pub async fn feedback_categories(&self, staff: &Staff) -> ServiceResult<Vec<CategoryView>> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        Ok(fs::categories(self.db(), staff.actor.tenant_id)
            .await?
            .into_iter()
            .map(category_view)
            .collect())
    }

    pub async fn add_category(&self, staff: &Staff, input: CategoryInput) -> ServiceResult<()> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let tenant = staff.actor.tenant_id;
        let existing = fs::categories(self.db(), tenant).await?;
        let mut checks = Checks::new();
        let code = input.code.trim().to_owned();
        if code.is_empty() {
            checks.push(FieldError::new("code", Key::err_required));
        } else if !is_slug(&code) {
            checks.push(FieldError::new("code", Key::setup_err_code));
        } else if existing.iter().any(|c| c.code == code) {
            checks.push(FieldError::new("code", Key::setup_err_code_taken));
        }
        let name = checks.text("name", &input.name, 20);
        let name_en = checks.text("name_en", &input.name_en, 40);
        checks.finish()?;
        let order = existing.iter().map(|c| c.sort_order + 1).max().unwrap_or(0);
        let tx = self.db().begin().await?;
        fs::upsert_category(&tx, tenant, &code, &name, &name_en, order, true, self.now()).await?;
        let after = json!({ "code": code, "name": name, "name_en": name_en });
        self.audit(
            &tx,
            staff,
            "feedback.category_added",
            "category",
            &code,
            None,
            Some(after),
        )
        .await?;
        self.commit_setup(tx, tenant).await
    }

    pub async fn rename_category(
        &self,
        staff: &Staff,
        code: &str,
        name: &str,
        name_en: &str,
    ) -> ServiceResult<()> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let tenant = staff.actor.tenant_id;
        let row = self.category_row(tenant, code).await?;
        let mut checks = Checks::new();
        let name = checks.text("name", name, 20);
        let name_en = checks.text("name_en", name_en, 40);
        checks.finish()?;
        let tx = self.db().begin().await?;
        fs::upsert_category(
            &tx,
            tenant,
            &row.code,
            &name,
            &name_en,
            row.sort_order,
            row.active,
            self.now(),
        )
        .await?;
        let before = json!({ "name": row.name, "name_en": row.name_en });
        let after = json!({ "name": name, "name_en": name_en });
        self.audit(
            &tx,
            staff,
            "feedback.category_renamed",
            "category",
            &row.code,
            Some(before),
            Some(after),
        )
        .await?;
        self.commit_setup(tx, tenant).await
    }

    /// Takes a category out of the form's list (or puts it back). Items already filed under
    /// it keep it; codes are never reused, so figures over the years stay comparable.
    pub async fn set_category_active(
        &self,
        staff: &Staff,
        code: &str,
        active: bool,
    ) -> ServiceResult<()> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let tenant = staff.actor.tenant_id;
        let row = self.category_row(tenant, code).await?;
        let tx = self.db().begin().await?;
        fs::upsert_category(
            &tx,
            tenant,
            &row.code,
            &row.name,
            &row.name_en,
            row.sort_order,
            active,
            self.now(),
        )
        .await?;
        self.audit(
            &tx,
            staff,
            "feedback.category_active_set",
            "category",
            &row.code,
            Some(json!({ "active": row.active })),
            Some(json!({ "active": active })),
        )
        .await?;
        self.commit_setup(tx, tenant).await
    }

    /// Moves a category one place up or down in the list the public chooses from.
    pub async fn move_category(&self, staff: &Staff, code: &str, to: Move) -> ServiceResult<()> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let tenant = staff.actor.tenant_id;
        let mut rows = fs::categories(self.db(), tenant).await?;
        let at = rows
            .iter()
            .position(|c| c.code == code)
            .ok_or(ServiceError::NotFound)?;
        let Some(other) = neighbour(at, rows.len(), to) else {
            return Ok(());
        };
        rows.swap(at, other);
        let tx = self.db().begin().await?;
        // Renumbering all of them also repairs orders that were equal.
        for (i, c) in rows.iter().enumerate() {
            if c.sort_order != i as i64 {
                fs::upsert_category(
                    &tx,
                    tenant,
                    &c.code,
                    &c.name,
                    &c.name_en,
                    i as i64,
                    c.active,
                    self.now(),
                )
                .await?;
            }
        }
        self.audit(
            &tx,
            staff,
            "feedback.category_moved",
            "category",
            code,
            Some(json!({ "position": at + 1 })),
            Some(json!({ "position": other + 1 })),
        )
        .await?;
        self.commit_setup(tx, tenant).await
    }

    async fn category_row(&self, tenant: TenantId, code: &str) -> ServiceResult<fs::CategoryRow> {
        fs::categories(self.db(), tenant)
            .await?
            .into_iter()
            .find(|c| c.code == code)
            .ok_or(ServiceError::NotFound)
    }

    // ---- Routing rules ---------------------------------------------------------------------

    /// The rules in the order they are tried.
    pub async fn routing_rules(&self, staff: &Staff) -> ServiceResult<Vec<RoutingRuleView>> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let tenant = staff.actor.tenant_id;
        let rules = fs::routing_rules(self.db(), tenant).await?;
        let categories: Vec<CategoryView> = fs::categories(self.db(), tenant)
            .await?
            .into_iter()
            .map(category_view)
            .collect();
        let tree = self.org_tree(tenant).await?;
        Ok(rules
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let category = r
                    .category
                    .as_deref()
                    .and_then(|code| categories.iter().find(|c| c.code == code && c.active))
                    .cloned();
                RoutingRuleView {
                    id: r.id,
                    position: i + 1,
                    stale_category: r.category.clone().filter(|_| category.is_none()),
                    category,
                    kind: r.kind.as_deref().and_then(FeedbackKind::parse),
                    unit_name: r
                        .unit_id
                        .and_then(|u| tree.unit(domain::UnitId(u)))
                        .map(|u| u.name.clone()),
                    department_name: tree
                        .department(domain::DepartmentId(r.department_id))
                        .map_or_else(
                            || r.department_id.to_string(),
                            |(u, d)| format!("{} · {}", u.name, d.name),
                        ),
                }
            })
            .collect())
    }

    /// Adds a rule at the end of the list; gives its id.
    pub async fn add_routing_rule(
        &self,
        staff: &Staff,
        input: RoutingRuleInput,
    ) -> ServiceResult<i64> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let tenant = staff.actor.tenant_id;
        let setup = self.feedback_setup(tenant).await?;
        let tree = self.org_tree(tenant).await?;
        let mut checks = Checks::new();
        let category = optional(&input.category).and_then(|code| {
            checks.present(
                "category",
                setup.category(code).map(|c| c.code.clone()),
                Key::err_choice,
            )
        });
        let kind = optional(&input.kind)
            .and_then(|k| checks.present("kind", FeedbackKind::parse(k), Key::err_choice));
        let unit = optional(&input.unit).and_then(|u| {
            let found = u
                .parse::<i64>()
                .ok()
                .filter(|id| tree.unit(domain::UnitId(*id)).is_some());
            checks.present("unit", found, Key::err_choice)
        });
        let department = match optional(&input.department) {
            None => {
                checks.push(FieldError::new("department", Key::err_required));
                None
            }
            Some(d) => {
                let found = d
                    .parse::<i64>()
                    .ok()
                    .filter(|id| tree.department(domain::DepartmentId(*id)).is_some());
                checks.present("department", found, Key::err_choice)
            }
        };
        // A rule without conditions would take every item before later rules see it.
        if optional(&input.category).is_none()
            && optional(&input.kind).is_none()
            && optional(&input.unit).is_none()
        {
            checks.push(FieldError::new("category", Key::setup_err_rule_condition));
        }
        let department = checks.finish_with(department)?;
        let order = fs::routing_rules(self.db(), tenant)
            .await?
            .iter()
            .map(|r| r.sort_order + 1)
            .max()
            .unwrap_or(0);
        let tx = self.db().begin().await?;
        let id = fs::insert_routing_rule(
            &tx,
            tenant,
            category.as_deref(),
            kind.map(FeedbackKind::as_str),
            unit,
            department,
            order,
            self.now(),
        )
        .await?;
        let after = json!({
            "category": category, "kind": kind, "unit": unit, "department": department,
        });
        self.audit(
            &tx,
            staff,
            "feedback.routing_rule_added",
            "routing_rule",
            id,
            None,
            Some(after),
        )
        .await?;
        self.commit_setup(tx, tenant).await?;
        Ok(id)
    }

    /// Moves a rule one place earlier or later: the first rule that fits an item wins.
    pub async fn move_routing_rule(&self, staff: &Staff, id: i64, to: Move) -> ServiceResult<()> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let tenant = staff.actor.tenant_id;
        let mut rules = fs::routing_rules(self.db(), tenant).await?;
        let at = rules
            .iter()
            .position(|r| r.id == id)
            .ok_or(ServiceError::NotFound)?;
        let Some(other) = neighbour(at, rules.len(), to) else {
            return Ok(());
        };
        rules.swap(at, other);
        let tx = self.db().begin().await?;
        for (i, r) in rules.iter().enumerate() {
            if r.sort_order != i as i64 {
                fs::set_routing_rule_order(&tx, tenant, r.id, i as i64).await?;
            }
        }
        self.audit(
            &tx,
            staff,
            "feedback.routing_rule_moved",
            "routing_rule",
            id,
            Some(json!({ "position": at + 1 })),
            Some(json!({ "position": other + 1 })),
        )
        .await?;
        self.commit_setup(tx, tenant).await
    }

    pub async fn delete_routing_rule(&self, staff: &Staff, id: i64) -> ServiceResult<()> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let tenant = staff.actor.tenant_id;
        let rule = fs::routing_rules(self.db(), tenant)
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or(ServiceError::NotFound)?;
        let tx = self.db().begin().await?;
        fs::delete_routing_rule(&tx, tenant, id).await?;
        let before = json!({
            "category": rule.category, "kind": rule.kind, "unit": rule.unit_id,
            "department": rule.department_id,
        });
        self.audit(
            &tx,
            staff,
            "feedback.routing_rule_deleted",
            "routing_rule",
            id,
            Some(before),
            None,
        )
        .await?;
        self.commit_setup(tx, tenant).await
    }

    // ---- Deadline policies -----------------------------------------------------------------

    /// The institution's own policies, then the built-in ones that apply where none of its
    /// own fits (those have no id).
    pub async fn deadline_policies(
        &self,
        staff: &Staff,
    ) -> ServiceResult<(Vec<DeadlinePolicyView>, Vec<DeadlinePolicyView>)> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let setup = self.feedback_setup(staff.actor.tenant_id).await?;
        let own = setup
            .policies
            .iter()
            .map(DeadlinePolicyView::from_policy)
            .collect();
        let built_in = default_policies()
            .iter()
            .map(DeadlinePolicyView::from_policy)
            .collect();
        Ok((own, built_in))
    }

    /// Sets the policy for one kind and priority (either may be "any"), replacing the one
    /// there was. Items already received keep their deadlines.
    pub async fn set_deadline_policy(
        &self,
        staff: &Staff,
        input: DeadlinePolicyInput,
    ) -> ServiceResult<i64> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let tenant = staff.actor.tenant_id;
        let mut checks = Checks::new();
        let kind = optional(&input.kind)
            .and_then(|k| checks.present("kind", FeedbackKind::parse(k), Key::err_choice));
        let priority = optional(&input.priority)
            .and_then(|p| checks.present("priority", Priority::parse(p), Key::err_choice));
        let first = working_minutes(
            &mut checks,
            "first_response",
            &input.first_response,
            &input.first_response_unit,
        );
        let resolution = working_minutes(
            &mut checks,
            "resolution",
            &input.resolution,
            &input.resolution_unit,
        );
        if let (Some(first), Some(resolution)) = (first, resolution)
            && first > resolution
        {
            checks.push(FieldError::new("resolution", Key::setup_err_policy_order));
        }
        let first = checks.finish_with(first)?;
        let resolution = resolution.ok_or(ServiceError::Internal("checked above".into()))?;
        let kind_code = kind.map(FeedbackKind::as_str);
        let priority_code = priority.map(Priority::as_str);
        let replaced: Vec<fs::DeadlinePolicyRow> = fs::deadline_policies(self.db(), tenant)
            .await?
            .into_iter()
            .filter(|p| p.kind.as_deref() == kind_code && p.priority.as_deref() == priority_code)
            .collect();
        let tx = self.db().begin().await?;
        for old in &replaced {
            fs::delete_deadline_policy(&tx, tenant, old.id).await?;
        }
        let id = fs::insert_deadline_policy(
            &tx,
            tenant,
            kind_code,
            priority_code,
            first,
            resolution,
            self.now(),
        )
        .await?;
        let before = replaced.first().map(policy_json);
        let after = json!({
            "kind": kind_code, "priority": priority_code,
            "first_response_minutes": first, "resolution_minutes": resolution,
        });
        self.audit(
            &tx,
            staff,
            "feedback.deadline_policy_set",
            "deadline_policy",
            id,
            before,
            Some(after),
        )
        .await?;
        self.commit_setup(tx, tenant).await?;
        Ok(id)
    }

    pub async fn delete_deadline_policy(&self, staff: &Staff, id: i64) -> ServiceResult<()> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let tenant = staff.actor.tenant_id;
        let old = fs::deadline_policies(self.db(), tenant)
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or(ServiceError::NotFound)?;
        let tx = self.db().begin().await?;
        fs::delete_deadline_policy(&tx, tenant, id).await?;
        let before = policy_json(&old);
        self.audit(
            &tx,
            staff,
            "feedback.deadline_policy_deleted",
            "deadline_policy",
            id,
            Some(before),
            None,
        )
        .await?;
        self.commit_setup(tx, tenant).await
    }

    // ---- The working calendar --------------------------------------------------------------

    /// The days entered for `year` (every year when `None`), in date order.
    pub async fn calendar_days(
        &self,
        staff: &Staff,
        year: Option<i16>,
    ) -> ServiceResult<Vec<CalendarDayView>> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        Ok(fs::calendar_days(self.db(), staff.actor.tenant_id)
            .await?
            .into_iter()
            .filter_map(|d| {
                Some(CalendarDayView {
                    day: d.day.parse().ok()?,
                    kind: DayKind::parse(&d.kind)?,
                    name: d.name,
                })
            })
            .filter(|d| year.is_none_or(|y| d.day.year() == y))
            .collect())
    }

    /// Enters one day as a holiday or a make-up working day (replacing what was entered for it).
    pub async fn set_calendar_day(
        &self,
        staff: &Staff,
        day: &str,
        kind: &str,
        name: &str,
    ) -> ServiceResult<()> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let tenant = staff.actor.tenant_id;
        let mut checks = Checks::new();
        let date = match optional(day) {
            None => {
                checks.push(FieldError::new("day", Key::err_required));
                None
            }
            Some(d) => checks.present("day", parse_calendar_date(d), Key::setup_err_day),
        };
        let kind = checks.present("kind", DayKind::parse(kind.trim()), Key::err_choice);
        let name = checks
            .optional_text("name", Some(name), 20)
            .unwrap_or_default();
        let date = checks.finish_with(date)?;
        let kind = kind.ok_or(ServiceError::Internal("checked above".into()))?;
        let day = date.to_string();
        let before = fs::calendar_days(self.db(), tenant)
            .await?
            .into_iter()
            .find(|d| d.day == day)
            .map(|d| json!({ "kind": d.kind, "name": d.name }));
        let tx = self.db().begin().await?;
        fs::upsert_calendar_day(&tx, tenant, &day, kind.as_str(), &name).await?;
        let after = json!({ "kind": kind, "name": name });
        self.audit(
            &tx,
            staff,
            "feedback.calendar_day_set",
            "calendar_day",
            &day,
            before,
            Some(after),
        )
        .await?;
        self.commit_setup(tx, tenant).await
    }

    /// Takes an entered day out: it follows the Monday–Friday rule again.
    pub async fn remove_calendar_day(&self, staff: &Staff, day: &str) -> ServiceResult<()> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let tenant = staff.actor.tenant_id;
        let old = fs::calendar_days(self.db(), tenant)
            .await?
            .into_iter()
            .find(|d| d.day == day.trim())
            .ok_or(ServiceError::NotFound)?;
        let tx = self.db().begin().await?;
        fs::delete_calendar_day(&tx, tenant, &old.day).await?;
        let before = json!({ "kind": old.kind, "name": old.name });
        self.audit(
            &tx,
            staff,
            "feedback.calendar_day_removed",
            "calendar_day",
            &old.day,
            Some(before),
            None,
        )
        .await?;
        self.commit_setup(tx, tenant).await
    }

    /// Enters a whole pasted list (see [`parse_day_list`]), all or nothing: a line that
    /// cannot be read refuses the list with its line number, and nothing is saved. With
    /// `replace_years`, the days already entered for the years the list mentions are removed
    /// first, so a corrected list leaves no stale day behind. Gives how many days were saved.
    pub async fn paste_calendar_days(
        &self,
        staff: &Staff,
        text: &str,
        replace_years: bool,
    ) -> ServiceResult<usize> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let tenant = staff.actor.tenant_id;
        if text.chars().count() > MAX_PASTE_CHARS {
            return Err(ServiceError::Invalid(domain::Invalid(vec![
                FieldError::new("days", Key::err_too_long).with("max", MAX_PASTE_CHARS),
            ])));
        }
        let days = parse_day_list(text).map_err(|e| {
            let content: String = text
                .lines()
                .nth(e.line.saturating_sub(1))
                .unwrap_or_default()
                .trim()
                .chars()
                .take(60)
                .collect();
            ServiceError::Invalid(domain::Invalid(vec![
                FieldError::new("days", Key::setup_err_day_line)
                    .with("line", e.line)
                    .with("text", content)
                    .with("problem", e.problem),
            ]))
        })?;
        if days.is_empty() {
            return Err(ServiceError::invalid("days", Key::err_required));
        }
        let mut years: Vec<i16> = days.iter().map(|(d, _, _)| d.year()).collect();
        years.sort_unstable();
        years.dedup();
        let tx = self.db().begin().await?;
        if replace_years {
            for y in &years {
                fs::delete_calendar_days_between(
                    &tx,
                    tenant,
                    &format!("{y:04}-01-01"),
                    &format!("{y:04}-12-31"),
                )
                .await?;
            }
        }
        for (day, kind, name) in &days {
            let name: String = name.chars().take(20).collect();
            fs::upsert_calendar_day(&tx, tenant, &day.to_string(), kind.as_str(), &name).await?;
        }
        let after = json!({
            "days": days.len(), "years": years, "replaced_years": replace_years,
            "holidays": days.iter().filter(|(_, k, _)| *k == DayKind::Holiday).count(),
            "workdays": days.iter().filter(|(_, k, _)| *k == DayKind::Workday).count(),
        });
        self.audit(
            &tx,
            staff,
            "feedback.calendar_pasted",
            "calendar",
            tenant,
            None,
            Some(after),
        )
        .await?;
        self.commit_setup(tx, tenant).await?;
        Ok(days.len())
    }

    // ---- Answer templates ------------------------------------------------------------------

    /// Templates for answering an item of `category` (those for every category as well),
    /// the category's own first; every template when `category` is `None`. For anyone who
    /// answers feedback, and for those who keep the templates.
    pub async fn answer_templates(
        &self,
        staff: &Staff,
        category: Option<&str>,
    ) -> ServiceResult<Vec<AnswerTemplate>> {
        let answers = staff.actor.can_somewhere(Permission::HandleFeedback)
            || staff.actor.can_somewhere(Permission::TriageFeedback);
        if !answers {
            self.require_template_manager(staff).await?;
        }
        let mut list: Vec<AnswerTemplate> = fs::templates(self.db(), staff.actor.tenant_id)
            .await?
            .into_iter()
            .filter(|t| match (category, t.category.as_deref()) {
                (Some(wanted), Some(own)) => wanted == own,
                _ => true,
            })
            .map(|t| AnswerTemplate {
                id: t.id,
                category: t.category,
                title: t.title,
                body: t.body,
            })
            .collect();
        list.sort_by_key(|t| (t.category.is_none(), t.id));
        Ok(list)
    }

    pub async fn add_answer_template(
        &self,
        staff: &Staff,
        input: AnswerTemplateInput,
    ) -> ServiceResult<i64> {
        self.require_template_manager(staff).await?;
        let tenant = staff.actor.tenant_id;
        let (title, category, body) = self.check_template(tenant, &input).await?;
        let tx = self.db().begin().await?;
        let id = fs::insert_template(&tx, tenant, category.as_deref(), &title, &body, self.now())
            .await?;
        let after = json!({ "title": title, "category": category, "body": body });
        self.audit(
            &tx,
            staff,
            "feedback.template_added",
            "answer_template",
            id,
            None,
            Some(after),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_answer_template(
        &self,
        staff: &Staff,
        id: i64,
        input: AnswerTemplateInput,
    ) -> ServiceResult<()> {
        self.require_template_manager(staff).await?;
        let tenant = staff.actor.tenant_id;
        let old = self.template_row(tenant, id).await?;
        let (title, category, body) = self.check_template(tenant, &input).await?;
        let tx = self.db().begin().await?;
        fs::update_template(&tx, tenant, id, category.as_deref(), &title, &body).await?;
        let before = json!({ "title": old.title, "category": old.category, "body": old.body });
        let after = json!({ "title": title, "category": category, "body": body });
        self.audit(
            &tx,
            staff,
            "feedback.template_changed",
            "answer_template",
            id,
            Some(before),
            Some(after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete_answer_template(&self, staff: &Staff, id: i64) -> ServiceResult<()> {
        self.require_template_manager(staff).await?;
        let tenant = staff.actor.tenant_id;
        let old = self.template_row(tenant, id).await?;
        let tx = self.db().begin().await?;
        fs::delete_template(&tx, tenant, id).await?;
        let before = json!({ "title": old.title, "category": old.category, "body": old.body });
        self.audit(
            &tx,
            staff,
            "feedback.template_deleted",
            "answer_template",
            id,
            Some(before),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn template_row(&self, tenant: TenantId, id: i64) -> ServiceResult<fs::TemplateRow> {
        fs::templates(self.db(), tenant)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(ServiceError::NotFound)
    }

    async fn check_template(
        &self,
        tenant: TenantId,
        input: &AnswerTemplateInput,
    ) -> ServiceResult<(String, Option<String>, String)> {
        let setup = self.feedback_setup(tenant).await?;
        let mut checks = Checks::new();
        let title = checks.text("title", &input.title, TEMPLATE_TITLE_MAX);
        let category = optional(&input.category).and_then(|code| {
            checks.present(
                "category",
                setup.category(code).map(|c| c.code.clone()),
                Key::err_choice,
            )
        });
        let body = checks.text("body", &input.body, TEMPLATE_BODY_MAX);
        checks.finish()?;
        Ok((title, category, body))
    }

    // ---- Sensitive words -------------------------------------------------------------------

    /// The institution's own words (the built-in list, [`built_in_words`], applies as well).
    pub async fn sensitive_words(&self, staff: &Staff) -> ServiceResult<Vec<SensitiveWordView>> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        Ok(fs::sensitive_words(self.db(), staff.actor.tenant_id)
            .await?
            .into_iter()
            .map(|w| SensitiveWordView {
                id: w.id,
                category: WORD_CATEGORIES
                    .iter()
                    .find(|(code, _)| *code == w.category)
                    .map_or(text::Category::Other, |(_, c)| *c),
                word: w.word,
            })
            .collect())
    }

    /// Adds a word: submissions containing it — however it is spaced, spelt in full-width
    /// letters or traditional characters — are held for review before anything is public.
    pub async fn add_sensitive_word(
        &self,
        staff: &Staff,
        word: &str,
        category: &str,
    ) -> ServiceResult<()> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let tenant = staff.actor.tenant_id;
        let mut checks = Checks::new();
        let word = checks.text("word", word, WORD_MAX);
        if !word.is_empty() && text::skeleton(&word).as_str().is_empty() {
            // Made only of spaces and punctuation: matching ignores those, so it would
            // silently match nothing.
            checks.push(FieldError::new("word", Key::setup_err_word_empty));
        }
        let category = checks.present(
            "category",
            WORD_CATEGORIES
                .iter()
                .find(|(code, _)| *code == category.trim())
                .map(|(code, _)| *code),
            Key::err_choice,
        );
        let category = checks.finish_with(category)?;
        let tx = self.db().begin().await?;
        fs::insert_sensitive_word(&tx, tenant, &word, category, self.now()).await?;
        let after = json!({ "word": word, "category": category });
        self.audit(
            &tx,
            staff,
            "feedback.word_added",
            "sensitive_word",
            &word,
            None,
            Some(after),
        )
        .await?;
        self.commit_setup(tx, tenant).await
    }

    pub async fn remove_sensitive_word(&self, staff: &Staff, id: i64) -> ServiceResult<()> {
        self.require_institution_wide(staff, Permission::ManageSettings)
            .await?;
        let tenant = staff.actor.tenant_id;
        let old = fs::sensitive_words(self.db(), tenant)
            .await?
            .into_iter()
            .find(|w| w.id == id)
            .ok_or(ServiceError::NotFound)?;
        let tx = self.db().begin().await?;
        fs::delete_sensitive_word(&tx, tenant, id).await?;
        let before = json!({ "word": old.word, "category": old.category });
        self.audit(
            &tx,
            staff,
            "feedback.word_removed",
            "sensitive_word",
            &old.word,
            Some(before),
            None,
        )
        .await?;
        self.commit_setup(tx, tenant).await
    }
}

/// A policy as the audit log records it.
fn policy_json(p: &fs::DeadlinePolicyRow) -> serde_json::Value {
    json!({
        "kind": p.kind, "priority": p.priority,
        "first_response_minutes": p.first_response_minutes,
        "resolution_minutes": p.resolution_minutes,
    })
}

fn category_view(c: fs::CategoryRow) -> CategoryView {
    CategoryView {
        code: c.code,
        name: c.name,
        name_en: c.name_en,
        active: c.active,
    }
}

/// A trimmed form value, `None` when empty.
fn optional(value: &str) -> Option<&str> {
    Some(value.trim()).filter(|v| !v.is_empty())
}

/// `reading`, `sports_hall`: a lowercase ASCII letter, then letters, digits or `_`, up to 32.
fn is_slug(code: &str) -> bool {
    let bytes = code.as_bytes();
    (2..=32).contains(&bytes.len())
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
}

fn neighbour(at: usize, len: usize, to: Move) -> Option<usize> {
    match to {
        Move::Up => at.checked_sub(1),
        Move::Down => Some(at + 1).filter(|n| *n < len),
    }
}

/// An amount of working time as typed ("4" with "hours", "5" with "days"), in minutes.
fn working_minutes(checks: &mut Checks, field: &str, amount: &str, unit: &str) -> Option<i64> {
    let (per, max) = match unit.trim() {
        "hours" => (60, 30 * 24),
        "days" => (WORKING_DAY_MINUTES, 365),
        _ => {
            checks.push(FieldError::new(format!("{field}_unit"), Key::err_choice));
            return None;
        }
    };
    match amount.trim().parse::<i64>() {
        Ok(n) if (1..=max).contains(&n) => Some(n * per),
        _ if amount.trim().is_empty() => {
            checks.push(FieldError::new(field, Key::err_required));
            None
        }
        _ => {
            checks.push(
                FieldError::new(field, Key::err_range)
                    .with("min", 1)
                    .with("max", max),
            );
            None
        }
    }
}

/// `2026-10-01` as a date input sends it (and `2026/10/1`, `2026年10月1日` as people type it).
fn parse_calendar_date(value: &str) -> Option<Date> {
    if value.contains(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | '#')) {
        return None;
    }
    // The pasted-list reader knows every spelling; one line of it is one day.
    match parse_day_list(&format!("{value} holiday")) {
        Ok(days) => days.first().map(|(d, _, _)| *d),
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_ascii_slugs() {
        for good in ["reading", "sports_hall", "a1"] {
            assert!(is_slug(good), "{good}");
        }
        for bad in [
            "",
            "a",
            "阅读",
            "Reading",
            "1st",
            "sports-hall",
            "sports hall",
            &"a".repeat(33),
        ] {
            assert!(!is_slug(bad), "{bad}");
        }
    }

    #[test]
    fn working_time_reads_as_days_hours_or_minutes() {
        let t = Tr::new(i18n::Lang::ZhCn);
        assert_eq!(
            working_time_words(5 * WORKING_DAY_MINUTES, &t),
            "5 个工作日"
        );
        assert_eq!(working_time_words(4 * 60, &t), "4 个工作小时");
        assert_eq!(working_time_words(90, &t), "90 分钟工作时间");
        let en = Tr::new(i18n::Lang::En);
        assert_eq!(
            working_time_words(WORKING_DAY_MINUTES, &en),
            "1 working day(s)"
        );
    }

    #[test]
    fn amounts_become_minutes_and_bad_ones_name_their_field() {
        let mut checks = Checks::new();
        assert_eq!(working_minutes(&mut checks, "a", "4", "hours"), Some(240));
        assert_eq!(
            working_minutes(&mut checks, "a", " 2 ", "days"),
            Some(2 * 1440)
        );
        assert!(checks.finish().is_ok());
        let mut checks = Checks::new();
        assert_eq!(working_minutes(&mut checks, "first", "0", "hours"), None);
        assert_eq!(working_minutes(&mut checks, "second", "3", "weeks"), None);
        let fields: Vec<String> = checks
            .finish()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["first", "second_unit"]);
    }

    #[test]
    fn the_2026_sample_reads_cleanly() {
        let days = parse_day_list(SAMPLE_2026).unwrap();
        assert_eq!(days.len(), 39);
        assert!(days.iter().all(|(d, _, _)| d.year() == 2026));
    }

    #[test]
    fn a_day_may_be_typed_as_people_write_it() {
        let day = jiff::civil::date(2026, 10, 1);
        for typed in ["2026-10-01", "2026/10/1", "2026年10月1日"] {
            assert_eq!(parse_calendar_date(typed), Some(day), "{typed}");
        }
        assert_eq!(parse_calendar_date("2026-13-01"), None);
        assert_eq!(parse_calendar_date("2026-10-01 extra"), None);
    }
}

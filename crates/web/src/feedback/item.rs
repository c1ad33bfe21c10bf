//! `/console/feedback/{id}`: one item, laid out as the work flows — the step its state asks
//! for next at the top (new: accept or assign; with a department: answer; answered: close),
//! then what was said, what the system read and the history; every other thing the staff
//! member may do is folded under "更多操作", and the full facts under "全部信息".

use super::inbox::why;
use super::names::{self, Names, moderation_label, publish_label};
use crate::AppState;
use crate::choices::{self, Choice, PeopleGroup};
use crate::ctx::{Ctx, StaffCtx};
use crate::error::AppError;
use crate::form::{FieldMessages, Form, messages};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::feedback::{FeedbackKind, Priority, Status};
use i18n::{Key, Tr};
use serde::Deserialize;
use services::feedback::{
    Actions, GuessView, ItemPowers, ItemView, Moderation, Publish, SimilarItem, StaffAction,
    TimelineEntry,
};
use services::{PickFor, ServiceError, Services, Staff};

#[derive(Template)]
#[template(path = "console/feedback_item.html")]
struct ItemPage {
    page: Page,
    item: ItemView,
    facts: Facts,
    text: String,
    /// The text shown is the masked one: the staff member may not see personal data.
    text_masked: bool,
    photos: Vec<(i64, String)>,
    timeline: Vec<Entry>,
    can: Actions,
    departments: Vec<Choice>,
    people: Vec<PeopleGroup>,
    /// The assignee select's aria-describedby: its error, when the assignment was refused.
    assignee_described: &'static str,
    priorities: Vec<Choice>,
    publish_choices: Vec<Choice>,
    templates: Vec<AnswerTemplateLink>,
    form: ActionForm,
    errors: FieldMessages,
    /// Why the last action was refused, at the top of the forms.
    problem: Option<String>,
    /// What the text analysis read, as (label, words) lines.
    reading: Vec<(String, String)>,
    /// The priority score and its parts in words.
    priority: (i64, String),
    similar: Vec<SimilarItem>,
    categories: Vec<Choice>,
    kinds: Vec<Choice>,
    /// The answer as the public will read it, after "预览" and before "确认发送".
    answer_preview: Option<AnswerPreview>,
    /// Which forms stand at the top as the next step; the rest are folded.
    top: Top,
    /// The folded actions open: the form sent from there was refused.
    open_more: bool,
}
framed!(ItemPage);

/// The next step of the work, by the item's state, as far as the staff member may take it.
#[derive(Default)]
struct Top {
    accept: bool,
    assign: bool,
    answer: bool,
    close: bool,
    /// Waiting on the submitter: answering is still the next step, with the clock paused.
    waiting: bool,
}

impl Top {
    fn of(status: Status, can: &Actions) -> Top {
        match status {
            Status::New | Status::Accepted => Top {
                accept: can.accept,
                assign: can.assign,
                ..Top::default()
            },
            Status::Assigned | Status::InProgress | Status::Waiting => Top {
                answer: can.answer,
                waiting: status == Status::Waiting,
                ..Top::default()
            },
            Status::Answered => Top {
                close: can.close,
                ..Top::default()
            },
            _ => Top::default(),
        }
    }

    fn any(&self) -> bool {
        self.accept || self.assign || self.answer || self.close
    }

    /// Whether the form of `action` stands at the top.
    fn holds(&self, action: &str) -> bool {
        match action {
            "accept" => self.accept,
            "assign" => self.assign,
            "answer" | "preview_answer" => self.answer,
            "close" => self.close,
            _ => false,
        }
    }
}

/// What the public will see of an answer staff are about to send.
struct AnswerPreview {
    text: String,
    /// Some of it is masked: it differs from what was typed.
    masked: bool,
}

/// What the item page says about the item, in words.
struct Facts {
    kind: &'static str,
    category: String,
    /// Without a confirmed category: the system's guess with its confidence, marked as such.
    guess: Option<String>,
    channel: &'static str,
    unit: String,
    department: String,
    assignee: String,
    priority: &'static str,
    urgent: bool,
    status: &'static str,
    due: &'static str,
    due_class: &'static str,
    overdue: bool,
    first_due: String,
    resolution_due: String,
    received: String,
    answered: String,
    closed: String,
    display_name: String,
    moderation: &'static str,
    publish: &'static str,
    rating: Option<&'static str>,
}

struct Entry {
    label: String,
    who: String,
    when: String,
    public: bool,
    change: Option<String>,
    body: Option<String>,
}

/// An answer template, with the link that puts it into the answer box.
struct AnswerTemplateLink {
    title: String,
    body: String,
    link: String,
}

/// Every action form posts here; `action` says which, `version` is the item's version
/// when the page was drawn.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ActionForm {
    action: String,
    version: String,
    department: String,
    assignee: String,
    reason: String,
    question: String,
    text: String,
    adopted: Option<String>,
    into: String,
    note: String,
    priority: String,
    moderation: String,
    public_text: String,
    publish: String,
    category: String,
    kind: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    done: Option<String>,
    /// An answer template to start the answer from.
    template: Option<i64>,
}

pub async fn show(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let page = Drawn {
        id,
        form: ActionForm::default(),
        errors: FieldMessages::new(),
        problem: None,
        done: q.done,
        template: q.template,
        status: StatusCode::OK,
        answer_preview: None,
    };
    draw(&state.services, &ctx, &staff, page).await
}

pub async fn act(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Result<Response, AppError> {
    let services = &state.services;
    let t = ctx.t();
    if form.action == "preview_answer" {
        return preview(services, &ctx, &staff, id, form).await;
    }
    let version = form.version.trim().parse::<i64>().ok();
    let outcome = match staff_action(&form) {
        // Every form carries the version it was drawn from; one that does not cannot show
        // it acts on the item as it is. It is sent as a version no item has, so the service
        // refuses it as stale — after its own checks of who may see and do what.
        Some(action) => match services
            .feedback()
            .act_on_feedback(&staff, id, Some(version.unwrap_or(-1)), action)
            .await
        {
            Ok(item) => confirm_category(services, &staff, &item, &form).await,
            Err(e) => Err(e),
        },
        None => other_action(services, &staff, id, version, &form).await,
    };
    match outcome {
        Ok(()) => {
            let to = format!("/console/feedback/{id}?done={}", form.action);
            Ok(Redirect::to(&to).into_response())
        }
        Err(ServiceError::Invalid(invalid)) => {
            let page = Drawn {
                id,
                errors: messages(&invalid, &t),
                problem: Some(t.err_invalid().to_owned()),
                form,
                done: None,
                template: None,
                status: StatusCode::UNPROCESSABLE_ENTITY,
                answer_preview: None,
            };
            draw(services, &ctx, &staff, page).await
        }
        Err(
            e @ (ServiceError::Refused { .. } | ServiceError::Conflict | ServiceError::Forbidden),
        ) => {
            let status = if matches!(e, ServiceError::Forbidden) {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::CONFLICT
            };
            let page = Drawn {
                id,
                errors: FieldMessages::new(),
                problem: Some(why(e, &t)),
                form,
                done: None,
                template: None,
                status,
                answer_preview: None,
            };
            draw(services, &ctx, &staff, page).await
        }
        Err(e) => Err(e.into()),
    }
}

/// "预览": the answer as the submitter and the public will read it, drawn under the answer
/// box with the button that sends it. Nothing is changed.
async fn preview(
    services: &Services,
    ctx: &Ctx,
    staff: &Staff,
    id: i64,
    mut form: ActionForm,
) -> Result<Response, AppError> {
    let t = ctx.t();
    // The errors of the answer box show on the answer form.
    form.action = "answer".to_owned();
    let (errors, problem, preview, status) = match services
        .feedback()
        .answer_preview(staff, id, &form.text)
        .await
    {
        Ok(public) => {
            let masked = public != form.text.trim();
            let preview = AnswerPreview {
                text: public,
                masked,
            };
            (FieldMessages::new(), None, Some(preview), StatusCode::OK)
        }
        Err(ServiceError::Invalid(invalid)) => (
            messages(&invalid, &t),
            Some(t.err_invalid().to_owned()),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => return Err(e.into()),
    };
    let page = Drawn {
        id,
        form,
        errors,
        problem,
        done: None,
        template: None,
        status,
        answer_preview: preview,
    };
    draw(services, ctx, staff, page).await
}

/// The workflow's actions, from the form; `None` for the others (notes, priority,
/// moderation, the board).
fn staff_action(form: &ActionForm) -> Option<StaffAction> {
    let text = |s: &str| s.trim().to_owned();
    Some(match form.action.as_str() {
        "accept" => StaffAction::Accept,
        "assign" => StaffAction::Assign {
            // Nothing chosen reads as no department, which the service names as a field error.
            department: form.department.trim().parse().unwrap_or(0),
            assignee: match form.assignee.trim() {
                "" => None,
                a => Some(a.parse().unwrap_or(0)),
            },
            reason: Some(text(&form.reason)).filter(|r| !r.is_empty()),
        },
        "start" => StaffAction::Start,
        "ask_submitter" => StaffAction::AskSubmitter {
            question: form.question.clone(),
        },
        "answer" => StaffAction::Answer {
            text: form.text.clone(),
            adopted: form.adopted.is_some(),
        },
        "close" => StaffAction::Close,
        "decline" => StaffAction::Decline {
            reason: form.reason.clone(),
        },
        "mark_spam" => StaffAction::MarkSpam,
        "not_spam" => StaffAction::NotSpam,
        "merge" => StaffAction::Merge {
            into: text(&form.into),
        },
        _ => return None,
    })
}

/// The category chosen on the assign or answer form, confirmed with the step just taken
/// (on the item's new version): the item leaves triage and the public sees the category.
async fn confirm_category(
    services: &Services,
    staff: &Staff,
    item: &ItemView,
    form: &ActionForm,
) -> Result<(), ServiceError> {
    let chosen = form.category.trim();
    let with_category = matches!(form.action.as_str(), "assign" | "answer");
    if !with_category || chosen.is_empty() || item.category.as_deref() == Some(chosen) {
        return Ok(());
    }
    services
        .feedback()
        .classify_feedback(
            staff,
            item.id,
            Some(item.version),
            chosen,
            item.kind.as_str(),
        )
        .await
        .map(|_| ())
}

/// Notes, priority, moderation and the board override: not steps of the workflow.
async fn other_action(
    services: &Services,
    staff: &Staff,
    id: i64,
    version: Option<i64>,
    form: &ActionForm,
) -> Result<(), ServiceError> {
    let choice = |field: &str| ServiceError::invalid(field, Key::err_choice);
    match form.action.as_str() {
        // A note only adds to the record, so a page drawn before someone else's change may
        // still add one: refusing it would throw away what the clerk typed for nothing.
        "note" => {
            services
                .feedback()
                .add_internal_note(staff, id, &form.note)
                .await
        }
        "priority" => {
            let priority =
                Priority::parse(form.priority.trim()).ok_or_else(|| choice("priority"))?;
            current(services, staff, id, version, |p| p.works_on()).await?;
            services.feedback().set_priority(staff, id, priority).await
        }
        "moderate" => {
            let verdict = Moderation::parse(form.moderation.trim())
                .filter(|m| *m != Moderation::Held)
                .ok_or_else(|| choice("moderation"))?;
            let item = current(services, staff, id, version, |p| p.moderate).await?;
            // Only a changed text is a redaction; an unchanged one keeps the masked default.
            let typed = form.public_text.trim();
            let redaction =
                (!typed.is_empty() && typed != item.public_body.trim()).then_some(typed);
            services
                .feedback()
                .moderate_feedback(staff, id, verdict, redaction)
                .await
        }
        "publish" => {
            let publish = Publish::parse(form.publish.trim()).ok_or_else(|| choice("publish"))?;
            current(services, staff, id, version, |p| p.moderate).await?;
            services.feedback().set_publish(staff, id, publish).await
        }
        "classify" => services
            .feedback()
            .classify_feedback(
                staff,
                id,
                Some(version.unwrap_or(-1)),
                form.category.trim(),
                form.kind.trim(),
            )
            .await
            .map(|_| ()),
        _ => Err(ServiceError::invalid("action", Key::err_choice)),
    }
}

/// The item as it is now, if the staff member may do this to it (`allowed`) and the form
/// was drawn from this version of it. Permission answers first, as in the workflow: someone
/// who may not act is told so, not that their page is out of date.
async fn current(
    services: &Services,
    staff: &Staff,
    id: i64,
    version: Option<i64>,
    allowed: impl Fn(&ItemPowers) -> bool,
) -> Result<ItemView, ServiceError> {
    if !allowed(&services.feedback().feedback_powers(staff, id).await?) {
        return Err(ServiceError::Forbidden);
    }
    let (item, _) = services.feedback().feedback_item(staff, id).await?;
    if version != Some(item.version) {
        return Err(ServiceError::Conflict);
    }
    Ok(item)
}

/// The words for `?done=…` after a redirect.
fn done_label(action: &str) -> Option<Key> {
    Some(match action {
        "accept" => Key::fitem_accept,
        "assign" => Key::fitem_assign,
        "start" => Key::fitem_start,
        "ask_submitter" => Key::fitem_ask,
        "answer" => Key::fitem_answer,
        "close" => Key::fitem_close,
        "decline" => Key::fitem_decline,
        "mark_spam" => Key::fitem_mark_spam,
        "not_spam" => Key::fitem_not_spam,
        "merge" => Key::fitem_merge,
        "note" => Key::fitem_note_add,
        "priority" => Key::fitem_priority_set,
        "moderate" => Key::fitem_moderate_save,
        "publish" => Key::fitem_publish_save,
        "classify" => Key::fitem_classify,
        _ => return None,
    })
}

/// How the page is to be drawn.
struct Drawn {
    id: i64,
    form: ActionForm,
    errors: FieldMessages,
    problem: Option<String>,
    /// The action a redirect reports as done.
    done: Option<String>,
    template: Option<i64>,
    status: StatusCode,
    answer_preview: Option<AnswerPreview>,
}

async fn draw(
    services: &Services,
    ctx: &Ctx,
    staff: &Staff,
    drawn: Drawn,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let Drawn {
        id,
        mut form,
        errors,
        problem,
        done,
        template,
        status,
        answer_preview,
    } = drawn;
    let (item, timeline) = services.feedback().feedback_item(staff, id).await?;
    let notice = match done.as_deref() {
        Some("entered") => Some(t.fill(Key::fitem_entered, &[("tracking", &item.tracking_no)])),
        Some(action) => {
            done_label(action).map(|label| t.fill(Key::fitem_done, &[("action", &t.get(label))]))
        }
        None => None,
    };
    let can = services.feedback().actions_for(staff, &item).await?;
    let photos = services.feedback().feedback_photos(staff, id).await?;
    let names = Names::load(services, staff, &t).await?;
    let top = Top::of(item.status, &can);
    // A folded form that was just sent (refused, or an answer being previewed) shows open.
    let open_more = (problem.is_some() || answer_preview.is_some()) && !top.holds(&form.action);
    let category = item
        .category
        .as_deref()
        .or(item.suggested_category.as_deref());
    let mut templates = Vec::new();
    if can.answer {
        for tpl in services
            .feedback()
            .answer_templates(staff, category)
            .await?
        {
            if template == Some(tpl.id) && form.text.is_empty() {
                form.text = tpl.body.clone();
            }
            templates.push(AnswerTemplateLink {
                link: format!("/console/feedback/{}?template={}#answer", item.id, tpl.id),
                title: tpl.title,
                body: tpl.body,
            });
        }
    }
    // The forms act on the item as this page shows it: after a refusal too, the page shows
    // the item as it is now, and that is what a second try acts on.
    form.version = item.version.to_string();
    // Fresh forms start from the item as it is: the board setting, the priority, the
    // public text to redact.
    if form.publish.is_empty() {
        form.publish = item.publish.as_str().to_owned();
    }
    if form.priority.is_empty() {
        form.priority = item.priority.as_str().to_owned();
    }
    if form.public_text.is_empty() {
        form.public_text = item.public_body.clone();
    }
    if form.moderation.is_empty() {
        form.moderation = match item.moderation {
            Moderation::Hidden => "hidden",
            _ => "clear",
        }
        .to_owned();
    }
    if form.department.is_empty() {
        form.department = item.department.map(|d| d.to_string()).unwrap_or_default();
    }
    if form.category.is_empty() {
        form.category = item
            .category
            .clone()
            .or(item.suggested_category.clone())
            .unwrap_or_default();
    }
    if form.kind.is_empty() {
        form.kind = item.kind.as_str().to_owned();
    }
    let facts = facts(&item, &names, &t);
    let routable = services.feedback().routable_departments(staff).await?;
    let assignees = services
        .people_to_pick(staff, PickFor::FeedbackAssignee)
        .await?;
    let similar = if item.status.is_open() {
        services
            .feedback()
            .similar_to_item(staff, item.id, 5)
            .await?
    } else {
        Vec::new()
    };
    let score = services
        .feedback()
        .feedback_priority_of(staff, item.id)
        .await?;
    let priority = (
        score.total,
        score
            .parts
            .iter()
            .map(|p| format!("{} {}", t.get(priority_part_label(p.part)), p.points))
            .collect::<Vec<_>>()
            .join(" + "),
    );
    let html = render(&ItemPage {
        reading: reading(&item, &names, &t),
        priority,
        similar,
        categories: names.categories.clone(),
        kinds: names::kinds(&t),
        answer_preview,
        page: Page::new(ctx, item.tracking_no.clone()).with_notice(notice),
        // The services masked the texts already for those who may not see personal data.
        text: item.body.clone(),
        text_masked: item.personal_data.is_masked(),
        photos: photos
            .iter()
            .enumerate()
            .map(|(n, p)| (p.id, t.fill(Key::fitem_photo_alt, &[("n", &(n + 1))])))
            .collect(),
        timeline: timeline.iter().map(|e| entry(e, &names, &t)).collect(),
        // Only what the service would accept: the departments of the units one triages for.
        departments: names
            .departments
            .iter()
            .filter(|c| c.value.parse().is_ok_and(|d: i64| routable.contains(&d)))
            .cloned()
            .collect(),
        people: choices::people(
            &t,
            assignees
                .iter()
                .filter(|p| p.department_id.is_some_and(|d| routable.contains(&d.0))),
            &[form.assignee.as_str()],
        ),
        assignee_described: if form.action == "assign" && errors.has("assignee") {
            "assign-assignee-e"
        } else {
            ""
        },
        priorities: names::priorities(&t),
        publish_choices: names::publish_choices(&t),
        templates,
        facts,
        top,
        open_more,
        can,
        form,
        errors,
        problem,
        item,
    })?;
    Ok((status, html).into_response())
}

fn facts(item: &ItemView, names: &Names, t: &Tr) -> Facts {
    Facts {
        kind: t.get(item.kind.label()),
        category: names.category(item.category.as_deref()),
        guess: item
            .analysis
            .as_ref()
            .and_then(|a| a.category.as_ref())
            .filter(|_| item.category.is_none())
            .map(|g| {
                t.fill(
                    Key::fitem_guess,
                    &[
                        ("category", &names.category(Some(&g.label))),
                        ("confidence", &format!("{:.0}", g.confidence * 100.0)),
                    ],
                )
            }),
        channel: t.get(item.channel.label()),
        unit: names.unit(item.unit),
        department: names.department(item.department),
        assignee: names.person(item.assignee),
        priority: t.get(item.priority.label()),
        urgent: item.priority == Priority::Urgent,
        status: t.get(item.status.label()),
        due: t.get(item.due.label()),
        due_class: names::due_class(item.due),
        overdue: item.due == services::feedback::DueState::Overdue,
        first_due: names.when(item.first_response_due),
        resolution_due: names.when(item.resolution_due),
        received: names.when(Some(item.received_at)),
        answered: names.when(item.answered_at),
        closed: names.when(item.closed_at),
        display_name: item
            .display_name
            .clone()
            .unwrap_or_else(|| t.fitem_anonymous().to_owned()),
        moderation: t.get(moderation_label(&item.moderation)),
        publish: t.get(publish_label(item.publish)),
        rating: item.rating.map(|r| t.get(r.label())),
    }
}

fn entry(e: &TimelineEntry, names: &Names, t: &Tr) -> Entry {
    let alert = alert_label(&e.kind, e.public);
    let label = t
        .get(
            alert
                .or_else(|| event_label(&e.kind))
                .unwrap_or(Key::fev_other),
        )
        .to_owned();
    let who = match (&e.actor, e.kind.as_str()) {
        (Some(name), _) => name.clone(),
        (None, "received" | "submitter_replied" | "rated" | "reopened") if alert.is_none() => {
            t.fitem_by_submitter().to_owned()
        }
        (None, _) => t.fitem_by_system().to_owned(),
    };
    // An alert's text is the names of the people told.
    let body = match (alert, e.body.as_deref().map(str::trim)) {
        (Some(_), Some(told)) if !told.is_empty() => {
            Some(t.fill(Key::fev_told, &[("names", &told)]))
        }
        (Some(_), _) => Some(t.get(Key::fev_told_nobody).to_owned()),
        _ => e.body.clone(),
    };
    let change = match (e.from, e.to) {
        (Some(from), Some(to)) if from != to => {
            Some(format!("{} → {}", t.get(from.label()), t.get(to.label())))
        }
        (None, Some(to)) => Some(t.get(to.label()).to_owned()),
        _ => None,
    };
    Entry {
        label,
        who,
        when: names.when(Some(e.at)),
        public: e.public,
        change,
        body,
    }
}

/// The deadline sweep's alerts, noted in the internal timeline under their codes. The alert
/// about a reopened item shares its code with the submitter's public "reopened" entry.
fn alert_label(kind: &str, public: bool) -> Option<Key> {
    Some(match kind {
        "urgent" => Key::fev_alert_urgent,
        "first_response_reminder" => Key::fev_alert_first_response_reminder,
        "first_response_overdue" => Key::fev_alert_first_response_overdue,
        "resolution_reminder" => Key::fev_alert_resolution_reminder,
        "resolution_overdue" => Key::fev_alert_resolution_overdue,
        "resolution_escalated" => Key::fev_alert_resolution_escalated,
        "reopened" if !public => Key::fev_alert_reopened,
        _ => return None,
    })
}

fn event_label(kind: &str) -> Option<Key> {
    Some(match kind {
        "received" => Key::fev_received,
        "assigned" => Key::fev_routed,
        "held" => Key::fev_held,
        "accept" => Key::fev_accept,
        "assign" => Key::fev_assign,
        "start" => Key::fev_start,
        "ask_submitter" => Key::fev_ask_submitter,
        "submitter_replied" => Key::fev_submitter_replied,
        "answer" => Key::fev_answer,
        "close" => Key::fev_close,
        "decline" => Key::fev_decline,
        "mark_spam" => Key::fev_mark_spam,
        "not_spam" => Key::fev_not_spam,
        "merge" => Key::fev_merge,
        "merged_in" => Key::fev_merged_in,
        "note" => Key::fev_note,
        "priority" => Key::fev_priority,
        "moderated" => Key::fev_moderated,
        "rated" => Key::fev_rated,
        "reopened" | "reopen" => Key::fev_reopened,
        "anonymised" => Key::fev_anonymised,
        _ => return None,
    })
}

/// What the analysis read in the text, in words: its guesses with confidence and the
/// words behind them, urgency with its evidence, abuse and spam scores.
fn reading(item: &ItemView, names: &Names, t: &Tr) -> Vec<(String, String)> {
    let Some(a) = &item.analysis else {
        return Vec::new();
    };
    let guess = |g: &GuessView, label: String| {
        let mut line = t.fill(
            Key::fitem_reading_guess,
            &[
                ("label", &label),
                ("confidence", &format!("{:.0}", g.confidence * 100.0)),
            ],
        );
        if !g.why.is_empty() {
            line.push_str(&t.fill(Key::fitem_reading_why, &[("words", &g.why.join("、"))]));
        }
        line
    };
    let mut out = Vec::new();
    if let Some(g) = &a.category {
        out.push((
            t.get(Key::fitem_reading_category).to_owned(),
            guess(g, names.category(Some(&g.label))),
        ));
    }
    if let Some(g) = &a.kind {
        let label = FeedbackKind::parse(&g.label)
            .map(|k| t.get(k.label()).to_owned())
            .unwrap_or_else(|| g.label.clone());
        out.push((t.get(Key::fitem_reading_kind).to_owned(), guess(g, label)));
    }
    if let Some(u) = &a.urgent {
        out.push((
            t.get(Key::priority_urgent).to_owned(),
            format!(
                "{} · {}",
                t.get(urgent_reason_label(&u.reason)),
                u.evidence.join("、")
            ),
        ));
    }
    out.push((
        t.get(Key::fitem_reading_flags).to_owned(),
        t.fill(
            Key::fitem_reading_scores,
            &[
                ("abuse", &format!("{:.0}", a.abuse_score * 100.0)),
                ("spam", &format!("{:.0}", a.spam_score * 100.0)),
            ],
        ),
    ));
    out
}

fn urgent_reason_label(code: &str) -> Key {
    match code {
        "hazard" => Key::urgent_hazard,
        "injury" => Key::urgent_injury,
        "blocked_exit" => Key::urgent_blocked_exit,
        "child_lost" => Key::urgent_child_lost,
        "person_lost" => Key::urgent_person_lost,
        "event_info_wrong" => Key::urgent_event_info_wrong,
        _ => Key::priority_urgent,
    }
}

pub fn priority_part_label(part: &str) -> Key {
    match part {
        "support" => Key::pscore_support,
        "theme" => Key::pscore_theme,
        "urgent" => Key::pscore_urgent,
        "kind" => Key::pscore_kind,
        "age" => Key::pscore_age,
        _ => Key::pscore_overdue,
    }
}

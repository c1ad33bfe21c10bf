//! `/console/notices/new` and `/console/notices/{id}/edit`: the author's form — title,
//! plain-text body, category, priority, whether "已知悉" is asked, the audience, the dates,
//! the reviewer and attachments.
//!
//! The form is `multipart/form-data` (it carries files); its CSRF token is the form's first
//! field, where the CSRF middleware reads it without reading the files. A hidden
//! `submission_key` makes a double click or a resent form give back the first draft, and an
//! identical file already attached is not attached again.
//!
//! Times are typed where the institution is (Asia/Shanghai unless configured otherwise):
//! the effective and expiry dates as days (a notice expires at the end of its expiry day),
//! the publish time to the minute. Input that is not a date or time is an error on its own
//! field, and nothing is saved.

use super::item::date;
use crate::AppState;
use crate::choices::{self, Choice, PeopleGroup};
use crate::ctx::{Ctx, StaffCtx};
use crate::error::AppError;
use crate::form::{FieldMessages, messages};
use crate::page::{Done, Page, framed, render};
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ConsolePowers;
use domain::notice::{AudienceRule, NoticeCategory, NoticePriority};
use domain::{
    DepartmentId, FieldError, Invalid, Permission, Role, Timestamp, UnitId, UnitPath, UserId,
};
use i18n::{Key, Tr};
use services::notices::{ATTACHMENT_BYTES_MAX, ATTACHMENTS_MAX, NoticeDraft, NoticeView};
use services::{PickFor, ServiceError, Services, Staff};

/// The fields the form shows an error next to.
const FIELDS: [&str; 12] = [
    "title",
    "body",
    "category",
    "priority",
    "audience",
    "on_hall_screen",
    "effective_at",
    "expires_at",
    "publish_at",
    "reviewer",
    "lead_override_reason",
    "attachment",
];

/// The most one form may weigh: three full-size files and the text around them. More files
/// go up in further saves.
pub const BODY_LIMIT: usize = 3 * ATTACHMENT_BYTES_MAX + 1024 * 1024;

#[derive(Template)]
#[template(path = "console/notices/form.html")]
struct FormPage {
    page: Page,
    /// The notice being edited; `None` for a new one.
    editing: Option<i64>,
    /// Where the form posts, with the CSRF token.
    action: String,
    form: Typed,
    errors: FieldMessages,
    /// Why nothing was saved, at the top of the form.
    problem: Option<String>,
    /// Problems with no field of their own on the form (the notice's unit), under it.
    problem_lines: Vec<String>,
    /// Files were chosen but the form came back: browsers do not keep chosen files.
    files_lost: bool,
    categories: Vec<Choice>,
    priorities: Vec<Choice>,
    departments: Vec<Choice>,
    roles: Vec<Choice>,
    units: Vec<Choice>,
    people: Vec<PeopleGroup>,
    reviewers: Vec<PeopleGroup>,
    /// "My supervisor: 陈浩", who reviews if the author names nobody; `None` when they have
    /// no supervisor and must choose.
    default_reviewer: Option<String>,
    /// The reviewer select's first option: the default reviewer, or "choose".
    reviewer_empty: String,
    /// The reviewer select's aria-describedby: its hint (no default) and its error.
    reviewer_described: String,
    /// The lead-time override is for office directors only.
    may_override: bool,
    /// Files already attached (editing only), each with its remove button.
    attached: Vec<Attached>,
    publish_hint: String,
    attachment_hint: String,
}
framed!(FormPage);

struct Attached {
    id: i64,
    name: String,
    href: String,
}

/// What was typed, kept to fill the form again.
#[derive(Clone, Debug, Default)]
struct Typed {
    title: String,
    body: String,
    category: String,
    priority: String,
    requires_ack: bool,
    departments: Vec<String>,
    roles: Vec<String>,
    units: Vec<String>,
    people: Vec<String>,
    /// Also on the public hall screen: off unless ticked.
    on_hall_screen: bool,
    effective_at: String,
    expires_at: String,
    publish_at: String,
    reviewer: String,
    lead_override_reason: String,
    submission_key: String,
    /// The version (last change) the author edited, to refuse saving over a newer one.
    seen: String,
}

impl Typed {
    fn has_department(&self, value: impl AsRef<str>) -> bool {
        picked(&self.departments, value.as_ref())
    }

    fn has_role(&self, value: impl AsRef<str>) -> bool {
        picked(&self.roles, value.as_ref())
    }

    fn has_unit(&self, value: impl AsRef<str>) -> bool {
        picked(&self.units, value.as_ref())
    }

    /// The form of a saved notice, to edit it.
    fn of(n: &NoticeView, tz: &jiff::tz::TimeZone) -> Typed {
        let mut typed = Typed {
            title: n.title.clone(),
            body: n.body.clone(),
            category: n.category.as_str().to_owned(),
            priority: n.priority.as_str().to_owned(),
            requires_ack: n.requires_ack,
            on_hall_screen: n.on_hall_screen,
            effective_at: n.effective_at.map(|at| date(at, tz)).unwrap_or_default(),
            expires_at: n.expires_at.map(|at| date(at, tz)).unwrap_or_default(),
            publish_at: n
                .publish_at
                .map(|at| at.in_zone(tz).strftime("%Y-%m-%dT%H:%M").to_string())
                .unwrap_or_default(),
            reviewer: n.reviewer_id.map(|r| r.0.to_string()).unwrap_or_default(),
            lead_override_reason: n.lead_override_reason.clone().unwrap_or_default(),
            seen: n.version.to_string(),
            ..Typed::default()
        };
        for rule in &n.audience {
            match rule {
                AudienceRule::Person { user } => typed.people.push(user.0.to_string()),
                AudienceRule::Department { department } => {
                    typed.departments.push(department.0.to_string())
                }
                AudienceRule::Role { role } => typed.roles.push(role.as_str().to_owned()),
                AudienceRule::Unit { unit } => typed.units.push(unit.0.to_string()),
            }
        }
        typed
    }
}

fn picked(list: &[String], value: &str) -> bool {
    list.iter().any(|v| v == value)
}

/// A file from the form, before it is checked.
struct Upload {
    name: String,
    content_type: String,
    bytes: Vec<u8>,
    too_large: bool,
}

/// What the author is doing: starting a notice, or changing one.
#[derive(Clone, Copy)]
enum Target {
    New,
    Edit(i64),
}

pub async fn show_new(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
) -> Result<Response, AppError> {
    if !ConsolePowers::of(&staff.actor).write_notices {
        return Err(ServiceError::Forbidden.into());
    }
    let form = Typed {
        category: NoticeCategory::Notice.as_str().to_owned(),
        priority: NoticePriority::Routine.as_str().to_owned(),
        submission_key: services::new_token(),
        ..Typed::default()
    };
    let view = View::fresh(form);
    page(
        &state.services,
        &ctx,
        &staff,
        Target::New,
        view,
        StatusCode::OK,
    )
    .await
}

pub async fn show_edit(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(id): Path<i64>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let n = editable(&state.services, &staff, id).await?;
    let mut view = View::fresh(Typed::of(&n, &ctx.institution.timezone));
    if done.done.as_deref() == Some("removed") {
        view.notice = Some(ctx.t().notices_page_done_removed().to_owned());
    }
    page(
        &state.services,
        &ctx,
        &staff,
        Target::Edit(id),
        view,
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    save(&state.services, &ctx, &staff, Target::New, multipart).await
}

pub async fn update(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    save(&state.services, &ctx, &staff, Target::Edit(id), multipart).await
}

/// Removes an attached file from a notice still being written.
pub async fn remove_attachment(
    State(state): State<AppState>,
    StaffCtx { staff, .. }: StaffCtx,
    Path((id, attachment)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    state
        .services
        .notices()
        .remove_notice_attachment(&staff, id, attachment)
        .await?;
    Ok(Redirect::to(&format!("/console/notices/{id}/edit?done=removed")).into_response())
}

/// The notice, if the staff member may change it now: its author, while it is a draft or
/// sent back for changes.
async fn editable(services: &Services, staff: &Staff, id: i64) -> Result<NoticeView, AppError> {
    let n = services.notices().notice(staff, id).await?;
    if n.author_id != staff.actor.user_id {
        return Err(ServiceError::Forbidden.into());
    }
    if !n.can.edit {
        return Err(ServiceError::refused(Key::notice_err_not_editable).into());
    }
    Ok(n)
}

async fn save(
    services: &Services,
    ctx: &Ctx,
    staff: &Staff,
    target: Target,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let tz = &ctx.institution.timezone;
    // Before reading anything: someone who may not change the notice learns so first.
    let existing = match target {
        Target::Edit(id) => Some(editable(services, staff, id).await?),
        Target::New if !ConsolePowers::of(&staff.actor).write_notices => {
            return Err(ServiceError::Forbidden.into());
        }
        Target::New => None,
    };
    let multipart = multipart.map_err(|e| AppError::Malformed {
        detail: e.body_text(),
        field: None,
    })?;
    let (mut form, uploads) = match read(multipart).await? {
        Read::Complete(form, uploads) => (form, uploads),
        Read::TooLarge(form) => {
            let mut view = View::fresh(form);
            view.files_lost = true;
            view.errors = messages(
                &Invalid(vec![
                    FieldError::new("attachment", Key::noticeform_err_files_total)
                        .with("mb", BODY_LIMIT / (1024 * 1024)),
                ]),
                &t,
            );
            let status = StatusCode::PAYLOAD_TOO_LARGE;
            return page(services, ctx, staff, target, view, status).await;
        }
    };
    if matches!(target, Target::New) && form.submission_key.len() < 32 {
        form.submission_key = services::new_token();
    }
    let attached_count = match &existing {
        Some(n) => services
            .notices()
            .notice_attachments(staff, n.id)
            .await?
            .len(),
        None => 0,
    };
    let files_chosen = !uploads.is_empty();
    let (draft, mut problems) = draft(&form, existing.as_ref(), tz);
    problems.extend(check_uploads(&uploads, attached_count));
    if !problems.is_empty() {
        let mut view = View::fresh(form);
        view.files_lost = files_chosen;
        view.errors = messages(&Invalid(problems), &t);
        view.problem = Some(t.err_invalid().to_owned());
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return page(services, ctx, staff, target, view, status).await;
    }
    let saved = match target {
        Target::New => {
            services
                .notices()
                .create_notice(staff, &draft, Some(&form.submission_key))
                .await
        }
        Target::Edit(id) => {
            let seen = form.seen.trim().parse().unwrap_or(-1);
            services
                .notices()
                .update_notice(staff, id, &draft, seen)
                .await
                .map(|()| id)
        }
    };
    let id = match saved {
        Ok(id) => id,
        Err(e) => {
            let mut view = View::fresh(form);
            view.files_lost = files_chosen;
            return refused(services, ctx, staff, target, view, e).await;
        }
    };
    if let Err(e) = attach(services, staff, id, uploads).await {
        // The notice is saved; the files that could not be attached are named on its form.
        let n = services.notices().notice(staff, id).await?;
        let mut view = View::fresh(Typed::of(&n, tz));
        view.files_lost = true;
        return refused(services, ctx, staff, Target::Edit(id), view, e).await;
    }
    let done = match target {
        Target::New => "created",
        Target::Edit(_) => "saved",
    };
    Ok(Redirect::to(&format!("/console/notices/{id}?done={done}")).into_response())
}

/// Draws the form again with why the service refused it.
async fn refused(
    services: &Services,
    ctx: &Ctx,
    staff: &Staff,
    target: Target,
    mut view: View,
    e: ServiceError,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let status = match e {
        ServiceError::Invalid(invalid) => {
            view.errors = messages(&invalid, &t);
            view.problem = Some(t.err_invalid().to_owned());
            view.problem_lines = invalid
                .0
                .iter()
                .filter(|e| !FIELDS.contains(&e.field.as_str()))
                .map(|e| e.message(&t))
                .collect();
            StatusCode::UNPROCESSABLE_ENTITY
        }
        ServiceError::Conflict => {
            // Saved meanwhile from another tab: what was typed stays, and saving again
            // is a choice made knowing that.
            if let Target::Edit(id) = target {
                let n = services.notices().notice(staff, id).await?;
                view.form.seen = n.version.to_string();
            }
            view.problem = Some(t.err_conflict().to_owned());
            StatusCode::CONFLICT
        }
        e @ ServiceError::Refused { .. } => {
            let info = AppError::from(e).info();
            view.problem = Some(info.message(&t));
            info.status
        }
        e => return Err(e.into()),
    };
    page(services, ctx, staff, target, view, status).await
}

/// Attaches the files, skipping any already attached with the same name and size (the
/// same form sent twice).
async fn attach(
    services: &Services,
    staff: &Staff,
    id: i64,
    uploads: Vec<Upload>,
) -> Result<(), ServiceError> {
    if uploads.is_empty() {
        return Ok(());
    }
    let existing = services.notices().notice_attachments(staff, id).await?;
    for upload in uploads {
        let size = upload.bytes.len() as i64;
        if existing
            .iter()
            .any(|a| a.file_name == upload.name && a.size == size)
        {
            continue;
        }
        services
            .notices()
            .attach_to_notice(staff, id, &upload.name, &upload.content_type, &upload.bytes)
            .await?;
    }
    Ok(())
}

/// The draft the form describes, and what in it could not be read.
fn draft(
    form: &Typed,
    existing: Option<&NoticeView>,
    tz: &jiff::tz::TimeZone,
) -> (NoticeDraft, Vec<FieldError>) {
    let mut problems = Vec::new();
    let mut audience = Vec::new();
    let mut bad_choice = false;
    for v in &form.departments {
        match v.parse() {
            Ok(d) => audience.push(AudienceRule::Department {
                department: DepartmentId(d),
            }),
            Err(_) => bad_choice = true,
        }
    }
    for v in &form.roles {
        match Role::parse(v) {
            Some(role) => audience.push(AudienceRule::Role { role }),
            None => bad_choice = true,
        }
    }
    for v in &form.units {
        match v.parse() {
            Ok(u) => audience.push(AudienceRule::Unit { unit: UnitId(u) }),
            Err(_) => bad_choice = true,
        }
    }
    for v in &form.people {
        match v.parse() {
            Ok(u) => audience.push(AudienceRule::Person { user: UserId(u) }),
            Err(_) => bad_choice = true,
        }
    }
    if bad_choice {
        problems.push(FieldError::new("audience", Key::err_choice));
    }
    let mut when = |field: &str,
                    value: &str,
                    parse: fn(&str, &jiff::tz::TimeZone) -> Option<Timestamp>,
                    key: Key| {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        let parsed = parse(value, tz);
        if parsed.is_none() {
            problems.push(FieldError::new(field, key));
        }
        parsed
    };
    let effective_at = when(
        "effective_at",
        &form.effective_at,
        start_of_day,
        Key::noticeform_err_date,
    );
    let expires_at = when(
        "expires_at",
        &form.expires_at,
        end_of_day,
        Key::noticeform_err_date,
    );
    let publish_at = when(
        "publish_at",
        &form.publish_at,
        minute,
        Key::noticeform_err_datetime,
    );
    let reviewer = match form.reviewer.trim() {
        "" => None,
        r => match r.parse() {
            Ok(id) => Some(UserId(id)),
            Err(_) => {
                problems.push(FieldError::new("reviewer", Key::err_choice));
                None
            }
        },
    };
    let reason = form.lead_override_reason.trim();
    let draft = NoticeDraft {
        title: form.title.clone(),
        body: form.body.clone(),
        category: form.category.trim().to_owned(),
        priority: form.priority.trim().to_owned(),
        requires_ack: form.requires_ack,
        audience,
        // An edit keeps the notice where it was written.
        unit: existing.map(|n| UnitId(n.unit_id)),
        effective_at,
        expires_at,
        publish_at,
        reviewer,
        lead_override_reason: (!reason.is_empty()).then(|| reason.to_owned()),
        on_hall_screen: form.on_hall_screen,
    };
    (draft, problems)
}

fn start_of_day(value: &str, tz: &jiff::tz::TimeZone) -> Option<Timestamp> {
    let day: jiff::civil::Date = value.parse().ok()?;
    zoned(day.to_datetime(jiff::civil::Time::midnight()), tz)
}

/// The last millisecond of the day: a notice is current through its expiry day.
fn end_of_day(value: &str, tz: &jiff::tz::TimeZone) -> Option<Timestamp> {
    let day: jiff::civil::Date = value.parse().ok()?;
    let next = day.tomorrow().ok()?;
    zoned(next.to_datetime(jiff::civil::Time::midnight()), tz).map(|t| t.minus_ms(1))
}

/// `2026-11-23T09:30` as `datetime-local` sends it (a space instead of the `T` is fine).
fn minute(value: &str, tz: &jiff::tz::TimeZone) -> Option<Timestamp> {
    let at: jiff::civil::DateTime = value.parse().ok()?;
    zoned(at, tz)
}

fn zoned(at: jiff::civil::DateTime, tz: &jiff::tz::TimeZone) -> Option<Timestamp> {
    let ts = at.to_zoned(tz.clone()).ok()?.timestamp();
    Some(Timestamp(ts.as_millisecond()))
}

/// Each file within the size limit, and not too many in all.
fn check_uploads(uploads: &[Upload], attached: usize) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if attached + uploads.len() > ATTACHMENTS_MAX {
        problems.push(
            FieldError::new("attachment", Key::notice_err_attachment_count)
                .with("max", ATTACHMENTS_MAX),
        );
    }
    for upload in uploads {
        if upload.too_large || upload.bytes.is_empty() {
            problems.push(
                FieldError::new("attachment", Key::noticeform_err_file)
                    .with("name", &upload.name)
                    .with("mb", ATTACHMENT_BYTES_MAX / (1024 * 1024)),
            );
        }
    }
    problems
}

enum Read {
    Complete(Typed, Vec<Upload>),
    /// The body passed the route's limit; what was typed before that is kept.
    TooLarge(Typed),
}

/// Reads the form's fields and files. A file over the size limit is read to its end (the
/// route's body limit bounds that) but not kept, so the others still get checked.
async fn read(mut multipart: Multipart) -> Result<Read, AppError> {
    let mut form = Typed::default();
    let mut uploads = Vec::new();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return overflow(e, form),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "attachment" {
            let file_name = field.file_name().unwrap_or_default().trim().to_owned();
            crate::control_chars::check_part(&name, &file_name)?;
            let mut upload = Upload {
                name: file_name,
                content_type: field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_owned(),
                bytes: Vec::new(),
                too_large: false,
            };
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) if !upload.too_large => {
                        if upload.bytes.len() + chunk.len() > ATTACHMENT_BYTES_MAX {
                            upload.too_large = true;
                            upload.bytes = Vec::new();
                        } else {
                            upload.bytes.extend_from_slice(&chunk);
                        }
                    }
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(e) => return overflow(e, form),
                }
            }
            // An empty file input still sends a part, with no name and no bytes.
            if !upload.name.is_empty() || !upload.bytes.is_empty() || upload.too_large {
                uploads.push(upload);
            }
            continue;
        }
        let value = match field.text().await {
            Ok(value) => value,
            Err(e) => return overflow(e, form),
        };
        crate::control_chars::check_part(&name, &value)?;
        match name.as_str() {
            "title" => form.title = value,
            "body" => form.body = value,
            "category" => form.category = value,
            "priority" => form.priority = value,
            "requires_ack" => form.requires_ack = !value.is_empty(),
            "audience_department" => form.departments.push(value),
            "audience_role" => form.roles.push(value),
            "audience_unit" => form.units.push(value),
            "audience_person" => form.people.push(value),
            "on_hall_screen" => form.on_hall_screen = !value.is_empty(),
            "effective_at" => form.effective_at = value,
            "expires_at" => form.expires_at = value,
            "publish_at" => form.publish_at = value,
            "reviewer" => form.reviewer = value,
            "lead_override_reason" => form.lead_override_reason = value,
            "submission_key" => form.submission_key = value.chars().take(64).collect(),
            "seen" => form.seen = value,
            _ => {}
        }
    }
    Ok(Read::Complete(form, uploads))
}

fn overflow(e: MultipartError, form: Typed) -> Result<Read, AppError> {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Ok(Read::TooLarge(form))
    } else {
        Err(AppError::Malformed {
            detail: e.body_text(),
            field: None,
        })
    }
}

/// The form's state apart from its choices.
struct View {
    form: Typed,
    errors: FieldMessages,
    problem: Option<String>,
    problem_lines: Vec<String>,
    files_lost: bool,
    /// The message after a redirect.
    notice: Option<String>,
}

impl View {
    fn fresh(form: Typed) -> View {
        View {
            form,
            errors: FieldMessages::new(),
            problem: None,
            problem_lines: Vec::new(),
            files_lost: false,
            notice: None,
        }
    }
}

async fn page(
    services: &Services,
    ctx: &Ctx,
    staff: &Staff,
    target: Target,
    view: View,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let tenant = staff.actor.tenant_id;
    let tree = services.org_tree(tenant).await?;
    let (editing, unit_path, attached, title) = match target {
        Target::New => (None, own_unit(staff), Vec::new(), t.noticeform_new_title()),
        Target::Edit(id) => {
            let n = services.notices().notice(staff, id).await?;
            let path = tree
                .unit(UnitId(n.unit_id))
                .map(|u| UnitPath::from_stored(u.path.clone()));
            let attached = services
                .notices()
                .notice_attachments(staff, id)
                .await?
                .into_iter()
                .map(|a| Attached {
                    href: format!("/console/notices/attachments/{}", a.id),
                    id: a.id,
                    name: a.file_name,
                })
                .collect();
            (Some(id), path, attached, t.noticeform_edit_title())
        }
    };
    let reviewers = match &unit_path {
        Some(path) => {
            let reviewers = services
                .people_to_pick(staff, PickFor::NoticeReviewer(path))
                .await?;
            choices::people(&t, &reviewers, &[view.form.reviewer.as_str()])
        }
        None => Vec::new(),
    };
    let default_reviewer = match &unit_path {
        Some(path) => services
            .notices()
            .default_reviewer_for(staff, path)
            .await?
            .map(|(_, name)| t.fill(Key::noticeform_reviewer_default_named, &[("name", &name)])),
        None => None,
    };
    let picked: Vec<&str> = view.form.people.iter().map(String::as_str).collect();
    let people = choices::people(
        &t,
        &services
            .people_to_pick(staff, PickFor::NoticeAudience)
            .await?,
        &picked,
    );
    let action = match editing {
        Some(id) => format!("/console/notices/{id}/edit"),
        None => "/console/notices/new".to_owned(),
    };
    let html = render(&FormPage {
        page: Page::new(ctx, title).with_notice(view.notice),
        editing,
        action,
        categories: coded(
            NoticeCategory::ALL.iter().map(|c| (c.as_str(), c.label())),
            &t,
        ),
        priorities: coded(
            NoticePriority::ALL.iter().map(|p| (p.as_str(), p.label())),
            &t,
        ),
        departments: choices::departments(&tree),
        roles: choices::roles(&t),
        units: choices::units(&tree),
        people,
        reviewers,
        reviewer_empty: default_reviewer
            .clone()
            .unwrap_or_else(|| t.noticeform_reviewer_choose().to_owned()),
        reviewer_described: [
            default_reviewer.is_none().then_some("h-reviewer"),
            view.errors.has("reviewer").then_some("e-reviewer"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" "),
        default_reviewer,
        may_override: ConsolePowers::of(&staff.actor).override_notice_lead,
        attached,
        publish_hint: t.fill(
            Key::noticeform_publish_at_hint,
            &[(
                "tz",
                &ctx.institution
                    .timezone
                    .iana_name()
                    .unwrap_or("Asia/Shanghai"),
            )],
        ),
        attachment_hint: t.fill(
            Key::noticeform_attachments_hint,
            &[
                ("max", &ATTACHMENTS_MAX),
                ("mb", &(ATTACHMENT_BYTES_MAX / (1024 * 1024))),
            ],
        ),
        form: view.form,
        errors: view.errors,
        problem: view.problem,
        problem_lines: view.problem_lines,
        files_lost: view.files_lost,
    })?;
    Ok((status, html).into_response())
}

/// The unit a new notice belongs to: that of the author's first grant that lets them write
/// notices, as the service chooses it.
fn own_unit(staff: &Staff) -> Option<UnitPath> {
    staff
        .actor
        .grants
        .iter()
        .find(|g| g.role.permissions().contains(&Permission::WriteNotices))
        .map(|g| g.scope.clone())
}

fn coded<'a>(codes: impl Iterator<Item = (&'a str, Key)>, t: &Tr) -> Vec<Choice> {
    codes
        .map(|(value, label)| Choice {
            value: value.to_owned(),
            label: t.get(label).to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_read_where_the_institution_is() {
        let tz = domain::time::china();
        // 2026-11-23 09:30 in Beijing is 01:30 UTC.
        let at = minute("2026-11-23T09:30", &tz).unwrap();
        assert_eq!(at.rfc3339(), "2026-11-23T01:30:00Z");
        assert_eq!(minute("2026-11-23 09:30", &tz), Some(at));
        assert_eq!(minute("明天上午", &tz), None);
        assert_eq!(minute("2026-13-01T09:00", &tz), None);
        let from = start_of_day("2026-12-01", &tz).unwrap();
        let to = end_of_day("2026-12-01", &tz).unwrap();
        assert!(from < to);
        assert_eq!(
            date(to, &tz),
            "2026-12-01",
            "the expiry day reads back as typed"
        );
    }
}

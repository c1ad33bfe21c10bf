//! `/console/notices/{id}`: one notice as its reader, author, reviewer or the office sees
//! it — the text, its attachments and versions, the reader's own receipt with the "已知悉"
//! button, and a form for each thing the viewer may do to it now, with its timeline.
//!
//! Opening the page records the reading (with `?via=` telling how the reader came: the
//! console, or a link in an e-mail, text or robot post). Every action posts back here and
//! redirects to the page with a message; a refused one draws the page again with why.
//!
//! The body is plain text. It is shown as paragraphs (a blank line starts one, single line
//! breaks are kept) and lists (lines starting with "- " or "1. "), built from the text and
//! escaped like any other value: nobody's markup reaches the page.

use crate::AppState;
use crate::ctx::{Ctx, StaffCtx};
use crate::error::AppError;
use crate::form::{FieldMessages, Form, messages};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::ConsolePowers;
use domain::Timestamp;
use domain::notice::{NoticePriority, NoticeStatus};
use i18n::{Key, Tr};
use serde::Deserialize;
use services::notices::{
    AudienceGroup, NoticeAbilities, NoticeAudience, NoticeEventView, NoticeView, ReviewDecision,
    RobotPostState, RobotPostView, robot_kind_label,
};
use services::{ServiceError, Services, Staff};

#[derive(Template)]
#[template(path = "console/notices/item.html")]
struct ItemPage {
    page: Page,
    n: NoticeView,
    facts: Facts,
    body: Vec<Block>,
    attachments: Vec<AttachmentLink>,
    versions: Vec<VersionEntry>,
    own: Option<OwnState>,
    timeline: Vec<Entry>,
    /// Who it is for, for its author, reviewer and the office.
    audience: Option<AudienceSection>,
    /// How the notice went out to the group robots, for its author and the office.
    robot_posts: Vec<RobotLine>,
    can: NoticeAbilities,
    /// The review form offers the lead-time override to office directors.
    may_override: bool,
    /// Anything at all in the actions section.
    any_action: bool,
    form: ActionForm,
    errors: FieldMessages,
    /// Why the last action was refused, at the top of the page.
    problem: Option<String>,
    /// The refused action's field messages, in the summary under the problem.
    problem_lines: Vec<String>,
}
framed!(ItemPage);

/// What the page says about the notice, in words.
struct Facts {
    priority: &'static str,
    priority_class: &'static str,
    category: &'static str,
    status: &'static str,
    author: String,
    reviewer: String,
    effective: String,
    expires: String,
    publish_at: String,
    published: String,
    due: String,
    recipients: String,
    /// How far the notice got, for its author and the office: read and acknowledged counts.
    reading: Option<String>,
    version: String,
    /// Whether it is on the public hall screen, in words.
    hall_screen: &'static str,
    /// "Corrected twice; the latest correction: …".
    corrected: Option<String>,
    retracted: Option<String>,
}

/// Names shown before "show all".
const AUDIENCE_FIRST: usize = 10;

/// Who the notice is for: the groups as chosen, in words, and the people they come to.
struct AudienceSection {
    groups: Vec<String>,
    /// "将发给 4 人" / "已发给 4 人".
    count: String,
    /// Nobody would receive it: the author should look again before sending.
    nobody: bool,
    frozen: bool,
    /// Few enough to list everyone at once, with where they work.
    inline: bool,
    /// The first names, inline.
    first: Option<String>,
    /// Everyone, behind "show all", when there are more than the first.
    all: Vec<String>,
    show_all: String,
}

/// The reader's own receipt.
struct OwnState {
    state: &'static str,
    read: Option<String>,
    acknowledged: Option<String>,
    must_acknowledge: bool,
}

/// A paragraph or a list of the body.
pub(super) struct Block {
    /// `p`, `ul` or `ol`.
    pub(super) kind: &'static str,
    pub(super) lines: Vec<String>,
    /// The first number of an `ol`.
    pub(super) start: u32,
}

struct AttachmentLink {
    href: String,
    name: String,
    size: String,
}

struct VersionEntry {
    heading: String,
    title: String,
    body: Vec<Block>,
    note: Option<String>,
}

/// One group robot's announcement of the notice.
struct RobotLine {
    robot: String,
    kind: &'static str,
    state: &'static str,
    failed: bool,
    /// When it was sent, and whether it went in a digest with others.
    detail: Option<String>,
    /// The last failure's text (never the webhook or the secret).
    error: Option<String>,
}

struct Entry {
    label: String,
    who: String,
    when: String,
    body: Option<String>,
}

/// Every action form posts here; `action` says which.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ActionForm {
    action: String,
    /// The review's decision: `approve`, `request_changes` or `reject`.
    decision: String,
    comment: String,
    lead_override_reason: String,
    title: String,
    body: String,
    change_note: String,
    reason: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    done: Option<String>,
    /// How many people a reminder reached.
    n: Option<usize>,
    /// How the reader came: `console`, `email`, `sms` or `robot`.
    via: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let services = &state.services;
    let t = ctx.t();
    let mut view = services.notices().notice(&staff, id).await?;
    if view.own.is_some_and(|own| own.read_at.is_none()) {
        let via = q.via.as_deref().unwrap_or("console");
        services.notices().read_notice(&staff, id, via).await?;
        view = services.notices().notice(&staff, id).await?;
    }
    let notice = q.done.as_deref().and_then(|d| done_message(&t, d, q.n));
    let drawn = Drawn {
        form: ActionForm::default(),
        errors: FieldMessages::new(),
        problem: None,
        problem_lines: Vec::new(),
        notice,
        status: StatusCode::OK,
    };
    draw(services, &ctx, &staff, view, drawn).await
}

pub async fn act(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Result<Response, AppError> {
    let services = &state.services;
    let t = ctx.t();
    let outcome = perform(services, &staff, id, &form).await;
    let refused = match outcome {
        Ok(done) => {
            let to = match done {
                Done::Reminded(n) => format!("/console/notices/{id}?done=reminded&n={n}"),
                Done::Action(action) => format!("/console/notices/{id}?done={action}"),
            };
            return Ok(Redirect::to(&to).into_response());
        }
        Err(e) => e,
    };
    let mut drawn = Drawn {
        form,
        errors: FieldMessages::new(),
        problem: None,
        problem_lines: Vec::new(),
        notice: None,
        status: StatusCode::CONFLICT,
    };
    match refused {
        ServiceError::Invalid(invalid) => {
            drawn.errors = messages(&invalid, &t);
            drawn.problem = Some(t.err_invalid().to_owned());
            drawn.problem_lines = invalid.0.iter().map(|e| e.message(&t)).collect();
            drawn.status = StatusCode::UNPROCESSABLE_ENTITY;
        }
        ServiceError::RateLimited {
            retry_after_seconds,
        } => {
            let minutes = (retry_after_seconds + 59) / 60;
            drawn.problem = Some(t.fill(
                Key::notices_page_remind_wait,
                &[("minutes", &minutes.max(1))],
            ));
            drawn.status = StatusCode::TOO_MANY_REQUESTS;
        }
        e @ (ServiceError::Refused { .. } | ServiceError::Conflict | ServiceError::Forbidden) => {
            let info = AppError::from(e).info();
            drawn.problem = Some(info.message(&t));
            drawn.status = info.status;
        }
        e => return Err(e.into()),
    }
    // The page shows the notice as it is now; someone who may not see it gets the 404.
    let view = services.notices().notice(&staff, id).await?;
    draw(services, &ctx, &staff, view, drawn).await
}

/// What an action did, for the message after the redirect.
enum Done {
    Action(&'static str),
    Reminded(usize),
}

async fn perform(
    services: &Services,
    staff: &Staff,
    id: i64,
    form: &ActionForm,
) -> Result<Done, ServiceError> {
    let done = match form.action.as_str() {
        "acknowledge" => {
            services.notices().acknowledge_notice(staff, id).await?;
            "acknowledged"
        }
        "submit" => {
            services.notices().submit_notice(staff, id).await?;
            "submitted"
        }
        "withdraw" => {
            services.notices().withdraw_notice(staff, id).await?;
            "withdrawn"
        }
        "review" => {
            let (decision, done) = match form.decision.as_str() {
                "approve" => (ReviewDecision::Approve, "approved"),
                "request_changes" => (ReviewDecision::RequestChanges, "changes_requested"),
                "reject" => (ReviewDecision::Reject, "rejected"),
                _ => return Err(ServiceError::invalid("decision", Key::err_choice)),
            };
            services
                .notices()
                .review_notice(
                    staff,
                    id,
                    decision,
                    optional(&form.comment),
                    optional(&form.lead_override_reason),
                )
                .await?;
            done
        }
        "correct" => {
            services
                .notices()
                .correct_notice(staff, id, &form.title, &form.body, &form.change_note)
                .await?;
            "corrected"
        }
        "retract" => {
            services
                .notices()
                .retract_notice(staff, id, &form.reason)
                .await?;
            "retracted"
        }
        "remind" => {
            return Ok(Done::Reminded(
                services.notices().remind_unread(staff, id).await?,
            ));
        }
        _ => return Err(ServiceError::invalid("action", Key::err_choice)),
    };
    Ok(Done::Action(done))
}

/// A field left empty is no value at all.
fn optional(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

fn done_message(t: &Tr, done: &str, n: Option<usize>) -> Option<String> {
    let key = match done {
        "created" => Key::notices_page_done_created,
        "saved" => Key::notices_page_done_saved,
        "submitted" => Key::notices_page_done_submitted,
        "withdrawn" => Key::notices_page_done_withdrawn,
        "approved" => Key::notices_page_done_approved,
        "changes_requested" => Key::notices_page_done_changes_requested,
        "rejected" => Key::notices_page_done_rejected,
        "corrected" => Key::notices_page_done_corrected,
        "retracted" => Key::notices_page_done_retracted,
        "acknowledged" => Key::notices_page_done_acknowledged,
        "reminded" => {
            return Some(t.fill(Key::notices_page_done_reminded, &[("n", &n.unwrap_or(0))]));
        }
        _ => return None,
    };
    Some(t.get(key).to_owned())
}

/// How the page is to be drawn, apart from the notice.
struct Drawn {
    form: ActionForm,
    errors: FieldMessages,
    problem: Option<String>,
    problem_lines: Vec<String>,
    notice: Option<String>,
    status: StatusCode,
}

async fn draw(
    services: &Services,
    ctx: &Ctx,
    staff: &Staff,
    n: NoticeView,
    drawn: Drawn,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let tz = &ctx.institution.timezone;
    let attachments = services
        .notices()
        .notice_attachments(staff, n.id)
        .await?
        .into_iter()
        .map(|a| AttachmentLink {
            href: format!("/console/notices/attachments/{}", a.id),
            size: file_size(a.size),
            name: a.file_name,
        })
        .collect();
    let earlier = services.notices().notice_versions(staff, n.id).await?;
    let versions: Vec<VersionEntry> = earlier
        .iter()
        .map(|v| VersionEntry {
            heading: t.fill(
                Key::notices_page_version_replaced,
                &[
                    ("n", &v.version),
                    (
                        "at",
                        &v.replaced_at.map(|at| when(at, tz)).unwrap_or_default(),
                    ),
                ],
            ),
            title: v.title.clone(),
            body: blocks(&v.body),
            note: v.change_note.clone(),
        })
        .collect();
    let timeline = services
        .notices()
        .notice_events(staff, n.id)
        .await?
        .iter()
        .map(|e| entry(e, &t, tz))
        .collect();
    let robot_posts = services
        .notices()
        .notice_robot_posts(staff, n.id)
        .await?
        .into_iter()
        .map(|p| robot_line(p, &t, tz))
        .collect();
    let audience = if n.can.see_audience {
        let a = services.notices().notice_audience(staff, n.id).await?;
        Some(audience_section(a, &t))
    } else {
        None
    };
    let latest_note = earlier.first().and_then(|v| v.change_note.clone());
    let mut facts = facts(&n, latest_note, &t, tz);
    if n.can.see_receipts {
        let r = services
            .notices()
            .notice_receipts(staff, n.id, None, None)
            .await?;
        facts.reading = Some(t.fill(
            Key::notices_page_reading_counts,
            &[
                ("read", &r.read),
                ("total", &r.total),
                ("acknowledged", &r.acknowledged),
            ],
        ));
    }
    let own = n.own.map(|own| OwnState {
        state: t.get(own.state.label()),
        read: own
            .read_at
            .map(|at| t.fill(Key::notices_page_read_at, &[("at", &when(at, tz))])),
        acknowledged: own
            .acknowledged_at
            .map(|at| t.fill(Key::notices_page_acknowledged_at, &[("at", &when(at, tz))])),
        must_acknowledge: own.must_acknowledge,
    });
    let mut form = drawn.form;
    // A fresh correction starts from the text as it is.
    if form.action != "correct" {
        form.title = n.title.clone();
        form.body = n.body.clone();
    }
    let can = n.can;
    let any_action = can.edit
        || can.submit
        || can.withdraw
        || can.review
        || can.correct
        || can.retract
        || can.remind
        || can.see_receipts;
    let html = render(&ItemPage {
        page: Page::new(ctx, n.title.clone()).with_notice(drawn.notice),
        body: blocks(&n.body),
        attachments,
        versions,
        own,
        timeline,
        audience,
        robot_posts,
        can,
        may_override: ConsolePowers::of(&staff.actor).override_notice_lead,
        any_action,
        form,
        errors: drawn.errors,
        problem: drawn.problem,
        problem_lines: drawn.problem_lines,
        facts,
        n,
    })?;
    Ok((drawn.status, html).into_response())
}

fn audience_section(a: NoticeAudience, t: &Tr) -> AudienceSection {
    let groups = a
        .groups
        .iter()
        .map(|g| match g {
            AudienceGroup::Unit { unit } => t.fill(Key::noticeaud_unit, &[("unit", unit)]),
            AudienceGroup::Department { unit, department } => t.fill(
                Key::noticeaud_department,
                &[("unit", unit), ("department", department)],
            ),
            AudienceGroup::Role { unit, role } => t.fill(
                Key::noticeaud_role,
                &[("unit", unit), ("role", &t.get(role.label()))],
            ),
            AudienceGroup::Person { name, place } => person(t, name, place.as_deref()),
            AudienceGroup::Gone => t.noticeaud_gone().to_owned(),
        })
        .collect();
    let n = a.people.len();
    let count = t.fill(
        if a.frozen {
            Key::noticeaud_reached
        } else {
            Key::noticeaud_will_reach
        },
        &[("n", &n)],
    );
    let everyone: Vec<String> = a
        .people
        .iter()
        .map(|p| person(t, &p.name, p.place.as_deref()))
        .collect();
    let first = (n > 0).then(|| {
        let names: Vec<&str> = a
            .people
            .iter()
            .take(AUDIENCE_FIRST)
            .map(|p| p.name.as_str())
            .collect();
        let mut names = names.join("、");
        if n > AUDIENCE_FIRST {
            names.push('…');
        }
        t.fill(Key::noticeaud_first, &[("names", &names)])
    });
    AudienceSection {
        groups,
        count,
        nobody: n == 0 && !a.frozen,
        frozen: a.frozen,
        inline: n <= AUDIENCE_FIRST,
        first,
        show_all: t.fill(Key::noticeaud_show_all, &[("n", &n)]),
        all: everyone,
    }
}

/// "王芳（青山县文化馆 · 活动部）", or the bare name when nothing is known of their place.
fn person(t: &Tr, name: &str, place: Option<&str>) -> String {
    match place {
        Some(place) => t.fill(Key::noticeaud_person, &[("name", &name), ("place", &place)]),
        None => name.to_owned(),
    }
}

fn robot_line(p: RobotPostView, t: &Tr, tz: &jiff::tz::TimeZone) -> RobotLine {
    let kind = t.get(robot_kind_label(&p.kind));
    let sent = p.sent_at.map(|at| when(at, tz));
    let digest =
        (p.digest_of > 1).then(|| t.fill(Key::robots_digest_of, &[("others", &(p.digest_of - 1))]));
    let detail = match (sent, digest) {
        (Some(s), Some(d)) => Some(format!("{s} · {d}")),
        (s, d) => s.or(d),
    };
    RobotLine {
        robot: p.robot_name,
        kind,
        state: t.get(p.state.label()),
        failed: p.state == RobotPostState::Failed,
        detail,
        error: p.error,
    }
}

fn facts(n: &NoticeView, latest_note: Option<String>, t: &Tr, tz: &jiff::tz::TimeZone) -> Facts {
    let or_dash = |s: Option<String>| s.unwrap_or_else(|| "—".into());
    Facts {
        priority: t.get(n.priority.label()),
        priority_class: priority_class(n.priority),
        category: t.get(n.category.label()),
        status: t.get(n.status.label()),
        author: n.author_name.clone(),
        reviewer: n
            .reviewer_name
            .clone()
            .unwrap_or_else(|| t.noticeform_reviewer_default().to_owned()),
        effective: or_dash(n.effective_at.map(|at| date(at, tz))),
        expires: or_dash(n.expires_at.map(|at| date(at, tz))),
        publish_at: n
            .publish_at
            .map(|at| when(at, tz))
            .unwrap_or_else(|| t.notices_page_publish_on_approval().to_owned()),
        published: or_dash(n.published_at.map(|at| when(at, tz))),
        due: or_dash(n.due_at.map(|at| when(at, tz))),
        recipients: n.recipient_count.to_string(),
        reading: None,
        version: t.fill(Key::notices_page_version, &[("n", &n.edition)]),
        hall_screen: if n.on_hall_screen {
            t.notices_page_hall_screen_shown()
        } else {
            t.notices_page_hall_screen_hidden()
        },
        corrected: (n.correction_count > 0).then(|| {
            let mut text = t.fill(Key::notices_page_corrected, &[("n", &n.correction_count)]);
            if let Some(note) = latest_note {
                text.push_str(&t.fill(Key::notices_page_correction_note, &[("note", &note)]));
            }
            text
        }),
        retracted: (n.status == NoticeStatus::Retracted).then(|| {
            t.fill(
                Key::notices_page_retracted,
                &[
                    ("at", &or_dash(n.retracted_at.map(|at| when(at, tz)))),
                    ("reason", &n.retract_reason.clone().unwrap_or_default()),
                ],
            )
        }),
    }
}

fn entry(e: &NoticeEventView, t: &Tr, tz: &jiff::tz::TimeZone) -> Entry {
    let label = event_label(&e.action).map_or_else(|| e.action.clone(), |k| t.get(k).to_owned());
    let body = match e.action.as_str() {
        // The publishing entry carries how many people the audience came to.
        "published" => e
            .comment
            .as_deref()
            .map(|count| t.fill(Key::notices_page_ev_published_to, &[("n", &count)])),
        _ => e.comment.clone(),
    };
    Entry {
        label,
        who: e
            .actor
            .clone()
            .unwrap_or_else(|| t.notices_page_by_system().to_owned()),
        when: when(e.at, tz),
        body,
    }
}

fn event_label(action: &str) -> Option<Key> {
    Some(match action {
        "created" => Key::notices_page_ev_created,
        "submitted" => Key::notices_page_ev_submitted,
        "withdrawn" => Key::notices_page_ev_withdrawn,
        "approved" => Key::notices_page_ev_approved,
        "changes_requested" => Key::notices_page_ev_changes_requested,
        "rejected" => Key::notices_page_ev_rejected,
        "published" => Key::notices_page_ev_published,
        "corrected" => Key::notices_page_ev_corrected,
        "retracted" => Key::notices_page_ev_retracted,
        "escalated" => Key::notices_page_ev_escalated,
        "reminded_email" => Key::notices_page_ev_reminded_email,
        "reminded_sms" => Key::notices_page_ev_reminded_sms,
        _ => return None,
    })
}

/// A file to download, as it was uploaded, if the staff member may see its notice.
pub async fn attachment(
    State(state): State<AppState>,
    StaffCtx { staff, .. }: StaffCtx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let file = state
        .services
        .notices()
        .notice_attachment_file(&staff, id)
        .await?;
    let content_type = HeaderValue::from_str(&file.content_type)
        .ok()
        .filter(|_| is_media_type(&file.content_type))
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&content_disposition(&file.file_name))
        .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("private")),
        ],
        file.bytes,
    )
        .into_response())
}

/// `type/subtype` with optional parameters, as browsers send it: anything else is served as
/// plain bytes.
fn is_media_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default().trim();
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    matches!(essence.split_once('/'), Some((kind, sub)) if token(kind) && token(sub))
}

/// Always a download (never shown in place), with the name as uploaded: an ASCII stand-in
/// for old clients and the UTF-8 name (RFC 6266, RFC 5987) for the rest.
fn content_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// The badge class of a priority: urgent ones stand out, and always carry their word.
pub(super) fn priority_class(priority: NoticePriority) -> &'static str {
    match priority {
        NoticePriority::Urgent => "tag urgent",
        _ => "tag",
    }
}

/// A time to the minute where the institution is.
pub(super) fn when(at: Timestamp, tz: &jiff::tz::TimeZone) -> String {
    at.format_minutes(tz)
}

/// The day, where the institution is.
pub(super) fn date(at: Timestamp, tz: &jiff::tz::TimeZone) -> String {
    at.in_zone(tz).date().to_string()
}

fn file_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// The body as paragraphs and lists. A blank line ends a block; consecutive lines starting
/// with "- ", "* ", "• " or "· " make a list, with "1. ", "1、" or "1）" a numbered one;
/// other lines make paragraphs whose line breaks are kept.
pub(super) fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            open = false;
            continue;
        }
        let (kind, content, start) = if let Some(item) = bullet(line) {
            ("ul", item, 1)
        } else if let Some((number, item)) = numbered(line) {
            ("ol", item, number)
        } else {
            ("p", line, 1)
        };
        match out.last_mut() {
            Some(block) if open && block.kind == kind => block.lines.push(content.to_owned()),
            _ => out.push(Block {
                kind,
                lines: vec![content.to_owned()],
                start,
            }),
        }
        open = true;
    }
    out
}

fn bullet(line: &str) -> Option<&str> {
    let line = line.trim_start();
    ["- ", "* ", "• ", "· "]
        .iter()
        .find_map(|mark| line.strip_prefix(mark))
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// "1. text", "2、text", "3）text", "4) text": the number and the text. "1.5 万元" is not.
fn numbered(line: &str) -> Option<(u32, &str)> {
    let line = line.trim_start();
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let number = line[..digits].parse().ok()?;
    let rest = &line[digits..];
    let item = ["、", "）", ")", ". ", "．"]
        .iter()
        .find_map(|mark| rest.strip_prefix(mark))?
        .trim();
    (!item.is_empty()).then_some((number, item))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_becomes_paragraphs_and_lists() {
        let text = "各位同事：\n请注意以下事项。\n\n- 周五前交台账\n- 带上公章\n\n1. 九点签到\n2、十点开会\n1.5 万元的预算另议";
        let b = blocks(text);
        let kinds: Vec<&str> = b.iter().map(|b| b.kind).collect();
        assert_eq!(kinds, ["p", "ul", "ol", "p"]);
        assert_eq!(b[0].lines, ["各位同事：", "请注意以下事项。"]);
        assert_eq!(b[1].lines, ["周五前交台账", "带上公章"]);
        assert_eq!((b[2].start, b[2].lines.len()), (1, 2));
        assert_eq!(b[3].lines, ["1.5 万元的预算另议"]);
    }

    #[test]
    fn downloads_keep_their_chinese_names_safely() {
        assert_eq!(
            content_disposition("活动\"安排\".pdf"),
            "attachment; filename=\"______.pdf\"; filename*=UTF-8''%E6%B4%BB%E5%8A%A8%22%E5%AE%89%E6%8E%92%22.pdf"
        );
        assert!(is_media_type("application/pdf"));
        assert!(is_media_type("text/plain; charset=utf-8"));
        assert!(!is_media_type("text/html\r\nX-Evil: 1"));
        assert!(!is_media_type("nonsense"));
    }
}

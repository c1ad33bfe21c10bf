//! `/feedback/new`: a member of the public tells the institution what they need, suggest,
//! complain about, praise or ask — on a phone, often inside WeChat, without JavaScript.
//!
//! The form is `multipart/form-data` (it carries photos); its CSRF token is its first
//! field, where the CSRF middleware reads it — never the address, which people share.
//!
//! Success redirects to the receipt, `/feedback/sent` (POST, redirect, GET), so a reload or
//! the back button never sends the form again. The receipt is found by the submission key,
//! which an HttpOnly cookie of this browser holds (the address holds nothing secret); the
//! page is `no-store` so the private link does not linger in shared caches. The same form
//! sent twice (a double tap) carries the same `submission_key`, which the service turns into
//! the same item; and a form sent again after going back — a fresh page, so a fresh key —
//! with the same words as this browser's last item gets that item's receipt too.
//!
//! A form with mistakes lists them at the top, each naming its field and linking to it;
//! a small script (`static/form_errors.js`, only on such a page) moves focus to the list.
//!
//! Before taking an item in, the form asks whether others have raised something similar:
//! when published items are like the text, the form comes back with them above it (each
//! with its status, its supporters and a "me too") and everything typed kept, submission
//! key included, so "send mine anyway" still makes one item however often it is pressed.
//! A form with photos skips the question — browsers do not keep chosen files, so asking
//! would cost the person their photos — and so does a form sent again after it went
//! through (a refresh), which gets its receipt back rather than its own item as "similar".

use super::similar::{self, Similar};
use crate::AppState;
use crate::choices::Choice;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::form::{FieldMessages, messages};
use crate::page::{Page, framed, render, shortened};
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use domain::feedback::{Channel, FeedbackKind, MAX_TEXT};
use domain::{FieldError, Invalid};
use i18n::Key;
use serde::Deserialize;
use services::feedback::photos::{MAX_PHOTO_BYTES, MAX_PHOTOS, PhotoError};
use services::feedback::{Intake, PhotoUpload};
use services::{ServiceError, UnitNode};

/// The most a submission may weigh: three full-size photos and the text around them.
pub const BODY_LIMIT: usize = MAX_PHOTOS * MAX_PHOTO_BYTES + 1024 * 1024;
/// Remembers, in the browser that sent it, the key of the submission that went through
/// last: the receipt page finds the item by it. HttpOnly, and only sent to `/feedback`.
const SENT_COOKIE: &str = "cd_sent";
const SENT_PATH: &str = "/feedback/sent";
/// The form's fields in the order the page shows them, with where the summary's link to
/// each lands and the words that name it.
const FIELDS: [(&str, &str, Key); 9] = [
    ("kind", "f-kind-request", Key::fbnew_kind),
    ("text", "f-text", Key::fbnew_text),
    ("category", "f-category", Key::fbnew_category),
    ("unit", "f-unit", Key::fbnew_unit),
    ("photos", "f-photos", Key::fbnew_photos),
    ("mobile", "f-mobile", Key::member_mobile),
    ("email", "f-email", Key::user_email),
    ("contact_name", "f-contact_name", Key::fbnew_contact_name),
    ("display_name", "f-display_name", Key::fbnew_nickname),
];
/// How much of a similar item's text the form shows; its page has the rest.
const SIMILAR_EXCERPT: usize = 120;

#[derive(Template)]
#[template(path = "public/feedback_new.html")]
struct NewFeedbackPage {
    page: Page,
    form: Typed,
    errors: FieldMessages,
    /// Each mistake, naming its field, linking to it: the summary at the top.
    error_links: Vec<ErrorLink>,
    /// A problem with the whole submission (too many at once, too large).
    error: Option<String>,
    kinds: Vec<KindChoice>,
    categories: Vec<Choice>,
    places: Vec<PlaceGroup>,
    hints: Hints,
    /// "We will use your verified number 139****0077", for a signed-in member.
    verified: Option<String>,
    /// The institution takes feedback only from verified numbers and nobody is signed in.
    must_sign_in: bool,
    max_text: usize,
    /// Photos were chosen but the form came back: browsers do not keep chosen files.
    photos_lost: bool,
    /// Published items like the text: the form came back to offer them instead.
    similar: Vec<SimilarCard>,
    /// A member is signed in and may say "me too" at once.
    member: bool,
}
framed!(NewFeedbackPage);

/// One line of the error summary.
struct ErrorLink {
    /// The id of the field's input.
    anchor: &'static str,
    /// "内容：请填写此项".
    text: String,
}

/// A published item like the text, as the form offers it.
struct SimilarCard {
    tracking_no: String,
    status: String,
    status_code: &'static str,
    /// The text as the board shows it, shortened.
    text: String,
    /// "3 people have the same need", in words.
    support: String,
}

#[derive(Template)]
#[template(path = "public/feedback_sent.html")]
struct SentPage {
    page: Page,
    tracking_no: String,
    tracking_path: String,
    tracking_url: String,
    held: bool,
    member: bool,
    /// "The link was also sent to 139****0077", when it was.
    sent_to: Option<String>,
}
framed!(SentPage);

/// Texts with the limits filled in.
struct Hints {
    text: String,
    photos: String,
    /// The first option of the place select: the centre itself.
    centre: String,
}

struct KindChoice {
    value: &'static str,
    label: &'static str,
    hint: &'static str,
}

/// A station with its service points, as an `<optgroup>`.
struct PlaceGroup {
    label: String,
    options: Vec<Choice>,
}

/// What was typed, kept to fill the form again.
#[derive(Clone, Debug, Default)]
struct Typed {
    text: String,
    kind: String,
    category: String,
    unit: String,
    mobile: String,
    email: String,
    contact_name: String,
    /// `anonymous` or `nickname`.
    public_as: String,
    display_name: String,
    keep_location: bool,
    submission_key: String,
    /// The person has seen the similar items and sends theirs anyway.
    send_anyway: bool,
}

/// A file from the form, before it is checked.
struct Upload {
    name: String,
    bytes: Vec<u8>,
    too_large: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    unit: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let form = Typed {
        unit: q.unit,
        public_as: "anonymous".into(),
        submission_key: services::new_token(),
        ..Typed::default()
    };
    let view = FormView::ok(form);
    page(&state, &ctx, view, StatusCode::OK).await
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let multipart = multipart.map_err(|e| AppError::Malformed {
        detail: e.body_text(),
        field: None,
    })?;
    let (mut form, uploads) = match read(multipart).await? {
        Read::Complete(form, uploads) => (form, uploads),
        Read::TooLarge(form) => {
            let mut view = FormView::ok(form);
            view.photos_lost = true;
            view.errors = messages(
                &Invalid(vec![
                    FieldError::new("photos", Key::fbnew_photos_total_too_large)
                        .with("mb", BODY_LIMIT / (1024 * 1024)),
                ]),
                &t,
            );
            return page(&state, &ctx, view, StatusCode::PAYLOAD_TOO_LARGE).await;
        }
    };
    // Only keys as hard to guess as the ones the form hands out: a repeated key gives back
    // the first submission's receipt, secret link included.
    if form.submission_key.len() < 32 {
        form.submission_key = services::new_token();
    }
    let last_sent = jar.get(SENT_COOKIE).map(|c| c.value().to_owned());
    let resent = last_sent.as_deref() == Some(form.submission_key.as_str());
    if !resent
        && let Some(last) = last_sent.as_deref()
        && sent_already(&state, &ctx, last, &form).await?
    {
        return Ok(Redirect::to(SENT_PATH).into_response());
    }
    let photos_chosen = !uploads.is_empty();
    let (photos, mut problems) = check_photos(uploads, form.keep_location);
    let nickname = form.public_as == "nickname";
    if nickname && form.display_name.trim().is_empty() {
        problems.push(FieldError::new("display_name", Key::err_required));
    }
    if !problems.is_empty() {
        // Every mistake at once, not the page's first and the service's on the next try.
        if let Err(ServiceError::Invalid(more)) = state
            .services
            .feedback()
            .check_feedback(&ctx.institution, &intake(&form, nickname), ctx.member())
            .await
        {
            problems.extend(more.0);
        }
        let mut view = FormView::ok(form);
        view.photos_lost = photos_chosen;
        view.errors = messages(&Invalid(problems), &t);
        return page(&state, &ctx, view, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    if !photos_chosen && !form.send_anyway && !resent {
        let similar = similar_items(&state, &ctx, &form.text).await?;
        if !similar.is_empty() {
            let mut view = FormView::ok(form);
            view.similar = similar;
            return page(&state, &ctx, view, StatusCode::OK).await;
        }
    }
    let intake = intake(&form, nickname);
    let outcome = state
        .services
        .feedback()
        .submit_feedback(
            &ctx.institution,
            intake,
            photos,
            ctx.member(),
            ctx.ip.as_deref(),
            Channel::Web,
            ctx.lang,
        )
        .await;
    let key = form.submission_key.clone();
    let mut view = FormView::ok(form);
    view.photos_lost = photos_chosen;
    match outcome {
        Ok(_) => {
            let mut cookie = crate::ctx::cookie(SENT_COOKIE, key, &state.config, 0);
            cookie.set_path("/feedback");
            Ok((jar.add(cookie), Redirect::to(SENT_PATH)).into_response())
        }
        Err(ServiceError::Invalid(invalid)) => {
            view.errors = messages(&invalid, &t);
            page(&state, &ctx, view, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e @ (ServiceError::RateLimited { .. } | ServiceError::Refused { .. })) => {
            let info = AppError::from(e).info();
            view.error = Some(info.message(&t));
            page(&state, &ctx, view, info.status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The published items like `text` that the form offers before taking a new item in. The
/// offer is a courtesy: when it cannot be made (no text yet, too much text, nobody signed in
/// where the institution asks for it, too many lookups from this address, a failure) the
/// form goes on to the submission, which has its own checks and limits.
async fn similar_items(state: &AppState, ctx: &Ctx, text: &str) -> Result<Vec<Similar>, AppError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT {
        return Ok(Vec::new());
    }
    let services = &state.services;
    let setup = services
        .feedback()
        .feedback_setup(ctx.institution.id)
        .await?;
    if ctx.member().is_none() && !setup.settings.accept_unverified {
        return Ok(Vec::new());
    }
    if services
        .feedback()
        .spend_similar_lookup(&ctx.institution, ctx.ip.as_deref())
        .is_err()
    {
        return Ok(Vec::new());
    }
    match similar::on_board(services, &ctx.institution, text).await {
        Ok(found) => Ok(found),
        Err(e) => {
            tracing::warn!("similar items for the feedback form: {e}");
            Ok(Vec::new())
        }
    }
}

/// Whether this browser's last item (sent with the key `last`) said what `form` says: the
/// same form sent again after going back, which opened a fresh form with a fresh key.
async fn sent_already(
    state: &AppState,
    ctx: &Ctx,
    last: &str,
    form: &Typed,
) -> Result<bool, AppError> {
    let receipt = state
        .services
        .feedback()
        .receipt_for_key(&ctx.institution, last)
        .await?;
    Ok(receipt.is_some_and(|r| {
        r.kind == form.kind.trim() && r.text.trim() == form.text.trim() && !r.text.is_empty()
    }))
}

fn intake(form: &Typed, nickname: bool) -> Intake {
    let some = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
    Intake {
        text: form.text.clone(),
        kind: form.kind.clone(),
        category: some(&form.category),
        unit: some(&form.unit),
        contact_name: some(&form.contact_name),
        mobile: some(&form.mobile),
        email: some(&form.email),
        display_name: if nickname {
            some(&form.display_name)
        } else {
            None
        },
        submission_key: some(&form.submission_key),
    }
}

/// Cleans each photo (removing its location unless asked to keep it); a photo that is not
/// an acceptable image is an error on `photos` that names the file.
fn check_photos(uploads: Vec<Upload>, keep_location: bool) -> (Vec<PhotoUpload>, Vec<FieldError>) {
    let mut problems = Vec::new();
    if uploads.len() > MAX_PHOTOS {
        problems
            .push(FieldError::new("photos", Key::fbnew_photos_too_many).with("max", MAX_PHOTOS));
        return (Vec::new(), problems);
    }
    let mut clean = Vec::new();
    for upload in uploads {
        let checked = if upload.too_large {
            Err(PhotoError::TooLarge {
                max_bytes: MAX_PHOTO_BYTES,
            })
        } else {
            PhotoUpload::clean(&upload.bytes, keep_location)
        };
        match checked {
            Ok(photo) => clean.push(photo),
            Err(e) => {
                let key = match e {
                    PhotoError::TooLarge { .. } => Key::fbnew_photo_too_large,
                    PhotoError::NotAnImage => Key::fbnew_photo_not_image,
                    PhotoError::Damaged => Key::fbnew_photo_damaged,
                    PhotoError::BadDimensions { .. } => Key::fbnew_photo_dimensions,
                };
                problems.push(
                    FieldError::new("photos", key)
                        .with("name", &upload.name)
                        .with("mb", MAX_PHOTO_BYTES / (1024 * 1024)),
                );
            }
        }
    }
    (clean, problems)
}

enum Read {
    Complete(Typed, Vec<Upload>),
    /// The body passed the route's limit; what was typed before that is kept.
    TooLarge(Typed),
}

/// Reads the form's fields and files. A file over the per-photo limit is read to its end
/// (the route's body limit bounds that) but not kept, so the others still get checked.
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
        if name == "photos" {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            crate::control_chars::check_part(&name, &file_name)?;
            let mut upload = Upload {
                name: file_name,
                bytes: Vec::new(),
                too_large: false,
            };
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) if !upload.too_large => {
                        if upload.bytes.len() + chunk.len() > MAX_PHOTO_BYTES {
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
            "text" => form.text = value,
            "kind" => form.kind = value,
            "category" => form.category = value,
            "unit" => form.unit = value,
            "mobile" => form.mobile = value,
            "email" => form.email = value,
            "contact_name" => form.contact_name = value,
            "public_as" => form.public_as = value,
            "display_name" => form.display_name = value,
            "keep_location" => form.keep_location = !value.is_empty(),
            "submission_key" => form.submission_key = value.chars().take(64).collect(),
            "send_anyway" => form.send_anyway = !value.is_empty(),
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
struct FormView {
    form: Typed,
    errors: FieldMessages,
    error: Option<String>,
    photos_lost: bool,
    similar: Vec<Similar>,
}

impl FormView {
    fn ok(form: Typed) -> FormView {
        FormView {
            form,
            errors: FieldMessages::new(),
            error: None,
            photos_lost: false,
            similar: Vec::new(),
        }
    }
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    view: FormView,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let setup = state
        .services
        .feedback()
        .feedback_setup(ctx.institution.id)
        .await?;
    let units = state.services.public_units(&ctx.institution).await?;
    let member = ctx.member();
    let html = render(&NewFeedbackPage {
        page: Page::new(ctx, t.fbnew_title()),
        kinds: kinds(&t),
        categories: setup
            .categories
            .iter()
            .filter(|c| c.active)
            .map(|c| Choice {
                value: c.code.clone(),
                label: c.label(ctx.lang).to_owned(),
            })
            .collect(),
        hints: Hints {
            text: t.fill(Key::fbnew_text_hint, &[("max", &MAX_TEXT)]),
            photos: t.fill(
                Key::fbnew_photos_hint,
                &[
                    ("max", &MAX_PHOTOS),
                    ("mb", &(MAX_PHOTO_BYTES / (1024 * 1024))),
                ],
            ),
            centre: t.fill(
                Key::fbnew_unit_centre,
                &[("centre", &units.first().map_or("", |u| u.name.as_str()))],
            ),
        },
        places: places(&units),
        verified: member.map(|m| {
            let masked = m.masked_mobile();
            t.fill(Key::fbnew_contact_verified, &[("mobile", &masked)])
        }),
        must_sign_in: member.is_none() && !setup.settings.accept_unverified,
        max_text: MAX_TEXT,
        photos_lost: view.photos_lost,
        similar: view
            .similar
            .iter()
            .map(|s| SimilarCard {
                tracking_no: s.item.tracking_no.clone(),
                status: t.get(s.item.status.label()).to_owned(),
                status_code: s.item.status.as_str(),
                text: shortened(&s.item.text, SIMILAR_EXCERPT),
                support: t.fill(Key::public_support_count, &[("n", &s.item.support_count)]),
            })
            .collect(),
        member: member.is_some(),
        form: view.form,
        error_links: error_links(&view.errors, &t),
        errors: view.errors,
        error: view.error,
    })?;
    Ok((status, no_store(), html).into_response())
}

/// Each field with a mistake, in the order of the form, then any other (none expected).
fn error_links(errors: &FieldMessages, t: &i18n::Tr) -> Vec<ErrorLink> {
    FIELDS
        .iter()
        .filter_map(|(field, anchor, label)| {
            let message = errors.get(field)?;
            Some(ErrorLink {
                anchor,
                text: t.fill(
                    Key::fbnew_error_item,
                    &[("field", &t.get(*label)), ("message", message)],
                ),
            })
        })
        .collect()
}

/// `/feedback/sent`: the receipt of this browser's last submission, with its private link.
/// Nothing sent from here yet (or the item since erased): the form.
pub async fn show_sent(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let receipt = match jar.get(SENT_COOKIE) {
        Some(key) => {
            state
                .services
                .feedback()
                .receipt_for_key(&ctx.institution, key.value())
                .await?
        }
        None => None,
    };
    let Some(receipt) = receipt else {
        return Ok(Redirect::to("/feedback/new").into_response());
    };
    let t = ctx.t();
    let submitted = receipt.submitted;
    let public_url = state.services.settings().public_url.trim_end_matches('/');
    let sent_to = (!receipt.link_sent_to.is_empty()).then(|| {
        t.fill(
            Key::fbnew_sent_texted,
            &[("contact", &receipt.link_sent_to.join("、"))],
        )
    });
    let html = render(&SentPage {
        page: Page::new(&ctx, t.fbnew_sent_title()),
        tracking_url: format!("{public_url}{}", submitted.tracking_path),
        tracking_no: submitted.tracking_no,
        tracking_path: submitted.tracking_path,
        held: submitted.held,
        member: ctx.member().is_some(),
        sent_to,
    })?;
    Ok((no_store(), html).into_response())
}

fn no_store() -> [(header::HeaderName, &'static str); 1] {
    [(header::CACHE_CONTROL, "no-store")]
}

fn kinds(t: &i18n::Tr) -> Vec<KindChoice> {
    FeedbackKind::ALL
        .iter()
        .map(|k| KindChoice {
            value: k.as_str(),
            label: t.get(k.label()),
            hint: t.get(match k {
                FeedbackKind::Request => Key::fbnew_kind_request_hint,
                FeedbackKind::Suggestion => Key::fbnew_kind_suggestion_hint,
                FeedbackKind::Complaint => Key::fbnew_kind_complaint_hint,
                FeedbackKind::Praise => Key::fbnew_kind_praise_hint,
                FeedbackKind::Inquiry => Key::fbnew_kind_inquiry_hint,
            }),
        })
        .collect()
}

/// Stations with their service points, in tree order.
fn places(units: &[UnitNode]) -> Vec<PlaceGroup> {
    let mut groups: Vec<PlaceGroup> = Vec::new();
    for unit in units.iter().filter(|u| u.depth > 0) {
        let choice = Choice {
            value: unit.id.to_string(),
            label: unit.name.clone(),
        };
        match (unit.depth, groups.last_mut()) {
            (1, _) => groups.push(PlaceGroup {
                label: unit.name.clone(),
                options: vec![choice],
            }),
            (_, Some(group)) => group.options.push(choice),
            _ => {}
        }
    }
    groups
}

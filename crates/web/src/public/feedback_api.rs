//! `POST /feedback`: a member of the public (or an app on their behalf) submits feedback.

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::{ApiError, AppError};
use crate::form::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use domain::feedback::Channel;
use domain::{FieldError, Invalid};
use i18n::Key;
use serde::{Deserialize, Serialize};
use services::ServiceError;
use services::feedback::Intake;
use utoipa::ToSchema;

/// What a member of the public sends. Photos are not accepted here (use the web form);
/// a JSON body would carry them base64-inflated past any sensible size.
#[derive(Deserialize, ToSchema)]
pub struct FeedbackSubmission {
    /// At most 4000 characters.
    // The limits are the domain's (utoipa takes literals; `openapi::tests` checks them).
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub text: String,
    /// `request`, `suggestion`, `complaint`, `praise` or `inquiry`.
    #[schema(pattern = "^(request|suggestion|complaint|praise|inquiry)$")]
    pub kind: String,
    /// A category code; leave out to let the system suggest one.
    #[serde(default)]
    pub category: Option<String>,
    /// The unit (station or service point, `GET /units`) it concerns; leave out for the centre.
    #[serde(default)]
    pub unit: Option<i64>,
    #[serde(default)]
    #[schema(max_length = 40)]
    pub contact_name: Option<String>,
    /// Where to send news of the item; ignored when a member token is sent (their verified number is used).
    #[serde(default)]
    #[schema(pattern = r"^$|^(\+?86|0086)?[ -]?1[3-9][0-9]([ -]?[0-9]){8}$")]
    pub mobile: Option<String>,
    #[serde(default)]
    #[schema(
        max_length = 254,
        pattern = r"^$|^[^@\s<>]+@[^@\s<>.]+(\.[^@\s<>.]+)+$"
    )]
    pub email: Option<String>,
    /// The name shown in public; leave out to appear anonymous (staff still see the contact details).
    #[serde(default)]
    #[schema(max_length = 20)]
    pub display_name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct FeedbackReceipt {
    pub tracking_no: String,
    /// The private page where the submitter follows the item; keep it.
    pub tracking_path: String,
    /// The secret of that link, for `GET /feedback/{tracking_no}?secret=`.
    pub secret: String,
    pub status: String,
    /// Held for review before anything becomes public.
    pub held: bool,
    pub suggested_category: Option<String>,
    /// The `Idempotency-Key` was seen before: this is the item it made.
    pub repeated: bool,
}

#[utoipa::path(post, path = "/feedback", operation_id = "submit_feedback", tag = "feedback",
    request_body = FeedbackSubmission,
    params(("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 16, max_length = 64, pattern = r"^[ -~]*$",
        description = "Any unique string per submission: sending it again gives back the same item (200) instead of a second one")),
    security((), ("bearer" = [])),
    responses(
        (status = 201, description = "Received", body = FeedbackReceipt),
        (status = 200, description = "The same Idempotency-Key again: the first receipt", body = FeedbackReceipt),
        (status = 422, description = "Fields are wrong; each is named", body = ApiError),
        (status = 429, description = "Too many submissions from this address or contact", body = ApiError),
    ))]
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Json(req): Json<FeedbackSubmission>,
) -> Result<(StatusCode, axum::Json<FeedbackReceipt>), AppError> {
    let key = idempotency_key(&headers, &ctx)?;
    let intake = Intake {
        text: req.text,
        kind: req.kind,
        category: req.category,
        unit: req.unit.map(|u| u.to_string()),
        contact_name: req.contact_name,
        mobile: req.mobile,
        email: req.email,
        display_name: req.display_name,
        submission_key: key,
    };
    let submitted = state
        .services
        .feedback()
        .submit_feedback(
            &ctx.institution,
            intake,
            Vec::new(),
            ctx.member(),
            ctx.ip.as_deref(),
            Channel::Api,
            ctx.lang,
        )
        .await?;
    let status = if submitted.repeated {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let secret = submitted
        .tracking_path
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    Ok((
        status,
        axum::Json(FeedbackReceipt {
            tracking_no: submitted.tracking_no,
            tracking_path: submitted.tracking_path,
            secret,
            status: submitted.status.as_str().into(),
            held: submitted.held,
            suggested_category: submitted.suggested_category,
            repeated: submitted.repeated,
        }),
    ))
}

/// The shortest key accepted from an anonymous client: a repeated key gives back the first
/// item's receipt, secret link included, so a key must be as hard to guess as a UUID.
const MIN_KEY: usize = 16;
/// The longest: a UUID is 36; a longer key is refused, not cut, so two keys never meet.
const MAX_KEY: usize = 64;

/// The `Idempotency-Key` as a submission key: in a namespace of the API's own (it cannot
/// match a web form's), and a member's keys in one of their own.
fn idempotency_key(headers: &HeaderMap, ctx: &Ctx) -> Result<Option<String>, AppError> {
    let Some(key) = headers
        .get("idempotency-key")
        .map(|v| v.as_bytes().trim_ascii())
    else {
        return Ok(None);
    };
    let wrong = |e: FieldError| Err(ServiceError::Invalid(Invalid(vec![e])).into());
    if key.is_empty() {
        return Ok(None);
    }
    if !key.iter().all(|b| (b' '..=b'~').contains(b)) {
        return wrong(FieldError::new(
            "Idempotency-Key",
            Key::fbapi_idempotency_chars,
        ));
    }
    if key.len() > MAX_KEY {
        return wrong(
            FieldError::new("Idempotency-Key", Key::fbapi_idempotency_long).with("max", MAX_KEY),
        );
    }
    // Printable ASCII only, as just checked.
    let key = String::from_utf8_lossy(key);
    match ctx.member() {
        Some(member) => Ok(Some(format!("api:m{}:{key}", member.member.0))),
        None if key.len() < MIN_KEY => wrong(
            FieldError::new("Idempotency-Key", Key::fbapi_idempotency_short).with("min", MIN_KEY),
        ),
        None => Ok(Some(format!("api:{key}"))),
    }
}

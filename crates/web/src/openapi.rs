//! The OpenAPI document of the JSON API under `/api/v1`. Each feature serves its own
//! endpoints (`api()` beside `routes()` in its `mod.rs`); the document gathers the same
//! routers, so it is built from the handlers' annotations and cannot drift from what they do.
//!
//! Staff authenticate with `Authorization: Bearer <token>` from `POST /auth/login` (or,
//! from our own pages, the session cookie plus an `X-CSRF-Token` header).

use crate::AppState;
use axum::Router;
use axum::routing::get;
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;

/// Where the API is served; the document's paths are relative to it (its `servers`).
const PREFIX: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(title = "CultureDesk API", description = "The public feedback loop and the office's communication, for cultural institutions."),
    servers((url = "/api/v1")),
    components(schemas(crate::error::ApiError, crate::error::ApiFieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Staff sign-in"),
        (name = "members", description = "Members of the public"),
        (name = "organisation", description = "Units and departments"),
        (name = "audit", description = "The audit log"),
        (name = "inbox", description = "Staff work on feedback: the inbox, items, their workflow and notes"),
        (name = "feedback", description = "Feedback from the public: submitting it, following it, and the transparency board"),
        (name = "events", description = "Activities and training: the public calendar, an activity's dates and seats, a member's registrations"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// Every status an operation can answer, in the document (the error policy in
/// `crate::error`): handlers document their own successes and the errors particular to
/// them; what the shared layers answer is added here by rule, so no operation forgets one.
/// - 400: a body, query or path that does not parse (or carries control characters);
/// - 413: a body over the size limit, where there is a body;
/// - 401 and 403: no or a wrong session, or a cookie session without its CSRF header (every
///   operation looks at the caller, as pages and the API share sessions);
/// - 404: a path, or a field, naming something that is not there (or not the caller's to
///   see; `crate::error` says why a field that names nothing is a 404);
/// - 409: a write that lost a race;
/// - 422: a field that breaks a rule, named in `fields`;
/// - 429: a limit on how often something may be done.
fn document(mut doc: utoipa::openapi::OpenApi) -> serde_json::Value {
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            let has_body = operation.request_body.is_some();
            let has_path = operation.parameters.iter().flatten().any(|p| {
                matches!(p, utoipa::openapi::RefOr::T(p) if p.parameter_in == utoipa::openapi::path::ParameterIn::Path)
            });
            let has_input =
                has_body || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
            let statuses = [
                (
                    400,
                    "The request does not parse: a malformed body, query or path",
                    true,
                ),
                (401, "Not signed in, or the session ended", true),
                (
                    403,
                    "Not allowed to the caller, or a cookie session without its CSRF header",
                    true,
                ),
                (
                    404,
                    "Nothing there that the caller may see: the path, or a field naming something that does not exist (named in `fields`)",
                    has_path || has_input,
                ),
                (
                    409,
                    "Someone else changed it first; reload and try again",
                    has_body,
                ),
                (413, "The body is over the size limit", has_body),
                (422, "A field breaks a rule; `fields` names each", has_input),
                (
                    429,
                    "Too many requests; `Retry-After` says when to try again",
                    true,
                ),
            ];
            for (status, description, applies) in statuses {
                if applies {
                    operation
                        .responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| {
                            utoipa::openapi::ResponseBuilder::new()
                                .description(description)
                                .content(
                                    "application/json",
                                    utoipa::openapi::ContentBuilder::new()
                                        .schema(Some(utoipa::openapi::Ref::from_schema_name(
                                            "ApiError",
                                        )))
                                        .build(),
                                )
                                .build()
                                .into()
                        });
                }
            }
        }
    }
    let mut doc = serde_json::to_value(doc).unwrap_or_default();
    no_control_characters(&mut doc);
    no_unknown_fields(&mut doc);
    doc
}

/// The JSON extractor (`crate::form::Json`) refuses fields a request does not have; the
/// request bodies say so.
fn no_unknown_fields(doc: &mut serde_json::Value) {
    let mut bodies = Vec::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for operation in item.as_object().into_iter().flat_map(|o| o.values()) {
            let schema = &operation["requestBody"]["content"]["application/json"]["schema"]["$ref"];
            if let Some(name) = schema
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                bodies.push(name.to_owned());
            }
        }
    }
    // The schemas a body nests (a registration's companions) refuse unknown fields too.
    let mut i = 0;
    while i < bodies.len() {
        let mut nested = Vec::new();
        refs_in(&doc["components"]["schemas"][&bodies[i]], &mut nested);
        for name in nested {
            if !bodies.contains(&name) {
                bodies.push(name);
            }
        }
        i += 1;
    }
    for name in bodies {
        let schema = &mut doc["components"]["schemas"][&name];
        let composed = ["allOf", "oneOf", "anyOf"]
            .iter()
            .any(|k| schema.get(*k).is_some());
        // `unevaluatedProperties` sees through `allOf` (a flattened action and its version);
        // `additionalProperties` would refuse each part's fields in the other.
        let keyword = if composed {
            "unevaluatedProperties"
        } else {
            "additionalProperties"
        };
        schema[keyword] = false.into();
    }
}

/// The component schemas `schema` refers to, by name.
fn refs_in(schema: &serde_json::Value, out: &mut Vec<String>) {
    match schema {
        serde_json::Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(|r| r.as_str())
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                out.push(name.to_owned());
            }
            map.values().for_each(|v| refs_in(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

/// Control characters (but tab and line breaks) are refused at the edge
/// (`crate::control_chars`); every free string in the document says so, so a client
/// knows it before sending one.
fn no_control_characters(schema: &mut serde_json::Value) {
    const PATTERN: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";
    match schema {
        serde_json::Value::Object(map) => {
            let is_string = match map.get("type") {
                Some(serde_json::Value::String(t)) => t == "string",
                Some(serde_json::Value::Array(ts)) => ts.iter().any(|t| t == "string"),
                _ => false,
            };
            let free = ["enum", "format", "const"]
                .iter()
                .all(|k| !map.contains_key(*k));
            if is_string && free {
                if map.contains_key("pattern") {
                    // One `pattern` to a schema: the second joins through `allOf`.
                    map.insert("allOf".into(), serde_json::json!([{ "pattern": PATTERN }]));
                } else {
                    map.insert("pattern".into(), PATTERN.into());
                }
            }
            map.values_mut().for_each(no_control_characters);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(no_control_characters),
        _ => {}
    }
}

/// A feature's endpoints, served under `/api/v1`.
pub(crate) fn serve(api: OpenApiRouter<AppState>) -> Router<AppState> {
    Router::new().nest(PREFIX, api.into())
}

/// Every feature's endpoints in one router, for the document.
fn endpoints() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(crate::staff::api())
        .merge(crate::members::api())
        .merge(crate::feedback::api())
        .merge(crate::public::api())
        .merge(crate::events::api())
}

/// `GET /api/v1/openapi.json`: the document, built once at start.
pub(crate) fn routes() -> Router<AppState> {
    let (_, doc) = endpoints().split_for_parts();
    let doc = Arc::new(document(doc));
    Router::new().route(
        &format!("{PREFIX}/openapi.json"),
        get(move || {
            let doc = doc.clone();
            async move { axum::Json(doc.as_ref().clone()) }
        }),
    )
}

#[cfg(test)]
mod tests {
    use domain::feedback::{MAX_CONTACT_NAME, MAX_DISPLAY_NAME, MAX_TEXT};
    use domain::validate::MAX_EMAIL;
    use services::feedback::MAX_QUERY;

    /// utoipa takes only a literal for `max_length`, so the document repeats the number;
    /// this keeps every documented limit the one the services check.
    #[test]
    fn the_documented_limits_are_the_ones_checked() {
        let (_, doc) = super::endpoints().split_for_parts();
        let doc = serde_json::to_value(&doc).expect("the document is JSON");
        let schemas = &doc["components"]["schemas"];
        for (schema, field, limit) in [
            ("FeedbackSubmission", "text", MAX_TEXT),
            ("FeedbackSubmission", "contact_name", MAX_CONTACT_NAME),
            ("FeedbackSubmission", "display_name", MAX_DISPLAY_NAME),
            ("FeedbackSubmission", "email", MAX_EMAIL),
            ("NoteRequest", "note", MAX_TEXT),
        ] {
            let max = &schemas[schema]["properties"][field]["maxLength"];
            assert_eq!(max.as_u64(), Some(limit as u64), "{schema}.{field}");
        }
        for (path, param, limit) in [
            ("/feedback/similar", "text", MAX_TEXT),
            ("/feedback/search", "q", MAX_QUERY),
        ] {
            let max = doc["paths"][path]["get"]["parameters"]
                .as_array()
                .and_then(|ps| ps.iter().find(|p| p["name"] == param))
                .map(|p| p["schema"]["maxLength"].as_u64());
            assert_eq!(max, Some(Some(limit as u64)), "GET {path} {param}");
        }
    }
}

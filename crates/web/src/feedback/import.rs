//! `/console/feedback/import`: a spreadsheet of offline feedback in, all or nothing. A file
//! with any problem is refused with a table of them by row and column; a clean one is
//! imported and counted, with a link to the inbox. The upload is multipart; its CSRF
//! token is the form's first field, where the middleware reads it before the file.

use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::page::{Page, framed, render};
use crate::settings::tabs::{Tab, tabs};
use askama::Template;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::ConsolePowers;
use domain::FieldError;
use i18n::{Key, Tr};
use services::ServiceError;
use services::feedback::{
    IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, Imported, import_columns, import_problem_place,
    import_template_headers,
};

const PATH: &str = "/console/feedback/import";
/// The route's body limit: the largest file plus room for the form around it. A bigger
/// body is cut off by the server and reported as a file too large.
pub const BODY_LIMIT: usize = IMPORT_MAX_BYTES + 256 * 1024;

#[derive(Template)]
#[template(path = "console/feedback_import.html")]
struct ImportPage {
    page: Page,
    tabs: Vec<Tab>,
    /// Where the form goes (its CSRF token is its first field).
    action: String,
    file_hint: String,
    /// Header (Chinese, English) and what goes in the column.
    columns: Vec<(&'static str, &'static str, &'static str)>,
    problems: Vec<Problem>,
    done: Option<Done>,
}
framed!(ImportPage);

struct Problem {
    row: String,
    column: String,
    message: String,
}

struct Done {
    summary: String,
    details: Vec<String>,
}

pub async fn show(staff: StaffCtx) -> Result<Response, AppError> {
    require_intake(&staff)?;
    page(&staff, Vec::new(), None, StatusCode::OK)
}

pub async fn upload(
    State(state): State<AppState>,
    staff: StaffCtx,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    require_intake(&staff)?;
    let t = staff.ctx.t();
    let multipart = multipart.map_err(|e| AppError::Malformed {
        detail: e.body_text(),
        field: None,
    })?;
    let (name, bytes) = match read(multipart).await? {
        Some(file) => file,
        None => {
            let too_large = FieldError::new("file", Key::import_err_too_large)
                .with("max", IMPORT_MAX_BYTES / 1024 / 1024);
            return page(
                &staff,
                problems(&[too_large], &t),
                None,
                StatusCode::PAYLOAD_TOO_LARGE,
            );
        }
    };
    match state
        .services
        .feedback()
        .import_feedback(&staff.staff, &name, bytes)
        .await
    {
        Ok(imported) => page(
            &staff,
            Vec::new(),
            Some(done(&imported, &t)),
            StatusCode::OK,
        ),
        Err(ServiceError::Invalid(invalid)) => page(
            &staff,
            problems(&invalid.0, &t),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(e.into()),
    }
}

/// An empty spreadsheet with the column names, UTF-8 with the mark Chinese Excel needs.
pub async fn template(staff: StaffCtx) -> Result<Response, AppError> {
    require_intake(&staff)?;
    let table: export::Table<String> = export::Table {
        headers: import_template_headers()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        rows: Vec::new(),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"feedback-import.csv\"",
            ),
        ],
        export::csv(&table),
    )
        .into_response())
}

/// Only staff who take feedback in import it; the service checks again, row by row.
fn require_intake(staff: &StaffCtx) -> Result<(), AppError> {
    if ConsolePowers::of(&staff.staff.actor).enter_feedback {
        Ok(())
    } else {
        Err(ServiceError::Forbidden.into())
    }
}

/// The uploaded file's name and bytes (empty when none was chosen); `None` when the body
/// passed the route's limit.
async fn read(mut multipart: Multipart) -> Result<Option<(String, Vec<u8>)>, AppError> {
    let mut file = (String::new(), Vec::new());
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return too_large_or_malformed(e),
        };
        if field.name() != Some("file") {
            continue;
        }
        file.0 = field.file_name().unwrap_or_default().to_owned();
        crate::control_chars::check_part("file", &file.0)?;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => file.1.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(e) => return too_large_or_malformed(e),
            }
        }
    }
    Ok(Some(file))
}

fn too_large_or_malformed(e: MultipartError) -> Result<Option<(String, Vec<u8>)>, AppError> {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Ok(None)
    } else {
        Err(AppError::Malformed {
            detail: e.body_text(),
            field: None,
        })
    }
}

/// Each problem with its place: "第 7 行", "手机", "请输入正确的 11 位手机号码".
fn problems(errors: &[FieldError], t: &Tr) -> Vec<Problem> {
    errors
        .iter()
        .map(|e| {
            let (row, column) = import_problem_place(e);
            Problem {
                row: row.map_or_else(
                    || t.import_whole_file().to_owned(),
                    |r| t.fill(Key::import_row_label, &[("row", &r)]),
                ),
                column: column.unwrap_or_default(),
                message: e.message(t),
            }
        })
        .collect()
}

fn done(imported: &Imported, t: &Tr) -> Done {
    let first = imported.first_tracking_no.as_deref().unwrap_or_default();
    let last = imported.last_tracking_no.as_deref().unwrap_or_default();
    let mut details = Vec::new();
    if imported.routed > 0 {
        details.push(t.fill(Key::import_done_routed, &[("n", &imported.routed)]));
    }
    if imported.held > 0 {
        details.push(t.fill(Key::import_done_held, &[("n", &imported.held)]));
    }
    Done {
        summary: t.fill(
            Key::import_done,
            &[("n", &imported.count), ("first", &first), ("last", &last)],
        ),
        details,
    }
}

fn page(
    StaffCtx { ctx, staff }: &StaffCtx,
    problems: Vec<Problem>,
    done: Option<Done>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let html = render(&ImportPage {
        page: Page::new(ctx, t.import_title()),
        tabs: tabs(&t, staff, PATH),
        action: PATH.to_owned(),
        file_hint: t.fill(
            Key::import_file_hint,
            &[
                ("rows", &IMPORT_MAX_ROWS),
                ("mb", &(IMPORT_MAX_BYTES / 1024 / 1024)),
            ],
        ),
        columns: import_columns()
            .into_iter()
            .zip([
                t.import_col_kind(),
                t.import_col_category(),
                t.import_col_unit(),
                t.import_col_channel(),
                t.import_col_received(),
                t.import_col_text(),
                t.import_col_name(),
                t.import_col_mobile(),
                t.import_col_email(),
            ])
            .map(|((zh, en), meaning)| (zh, en, meaning))
            .collect(),
        problems,
        done,
    })?;
    Ok((status, html).into_response())
}

//! `/console/org`: the organisation tree, and growing it.

use crate::AppState;
use crate::choices::{self, Choice, PeopleGroup};
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::form::{FieldMessages, Form, messages};
use crate::page::{Done, Page, done_notice, framed, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{DepartmentId, UnitId, UserId};
use serde::Deserialize;
use services::{OrgTree, PickFor, ServiceError};

#[derive(Template)]
#[template(path = "console/org.html")]
struct OrgPage {
    page: Page,
    tree: OrgTree,
    form: OrgForm,
    errors: FieldMessages,
    /// For the forms that were not the one sent.
    no_errors: FieldMessages,
    units: Vec<Choice>,
    departments: Vec<Choice>,
    staff: Vec<PeopleGroup>,
    unit_kinds: Vec<Choice>,
    department_kinds: Vec<Choice>,
}
framed!(OrgPage);

impl OrgPage {
    fn kind_label(&self, kind: &domain::UnitKind) -> &'static str {
        self.t.get(kind.label())
    }
}

/// Which form was sent, and its fields; the other forms' fields stay empty.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct OrgForm {
    action: String,
    parent: String,
    unit: String,
    kind: String,
    name: String,
    department: String,
    head: String,
}

pub async fn show(
    state: State<AppState>,
    staff: StaffCtx,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let notice = done_notice(&staff.ctx.t(), done.done.as_deref());
    page(
        &state,
        &staff,
        OrgForm::default(),
        FieldMessages::new(),
        notice,
        StatusCode::OK,
    )
    .await
}

pub async fn act(
    state: State<AppState>,
    staff: StaffCtx,
    Form(form): Form<OrgForm>,
) -> Result<Response, AppError> {
    let services = &state.services;
    let who = &staff.staff;
    let outcome = match form.action.as_str() {
        "add_unit" => match pick("parent", &form.parent) {
            Ok(parent) => services
                .add_unit(who, UnitId(parent), &form.kind, &form.name)
                .await
                .map(drop),
            Err(e) => Err(e),
        },
        "add_department" => match pick("unit", &form.unit) {
            Ok(unit) => services
                .add_department(who, UnitId(unit), &form.kind, &form.name)
                .await
                .map(drop),
            Err(e) => Err(e),
        },
        "set_head" => match pick("department", &form.department) {
            Ok(d) => {
                let head = form.head.parse().ok().map(UserId);
                services
                    .set_department_head(who, DepartmentId(d), head)
                    .await
            }
            Err(e) => Err(e),
        },
        _ => {
            return Err(AppError::Malformed {
                detail: "action".into(),
                field: Some("action".into()),
            });
        }
    };
    match outcome {
        Ok(()) => Ok(Redirect::to("/console/org?done=saved").into_response()),
        Err(ServiceError::Invalid(invalid)) => {
            let errors = messages(&invalid, &staff.ctx.t());
            page(
                &state,
                &staff,
                form,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// An id chosen in a select.
fn pick(field: &str, value: &str) -> Result<i64, ServiceError> {
    value
        .parse()
        .map_err(|_| ServiceError::invalid(field, i18n::Key::err_choice))
}

async fn page(
    state: &AppState,
    StaffCtx { ctx, staff }: &StaffCtx,
    form: OrgForm,
    errors: FieldMessages,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let tree = state.services.org_tree(staff.actor.tenant_id).await?;
    // Only those who may change the tree are offered people to head its departments.
    let people = match state
        .services
        .people_to_pick(staff, PickFor::DepartmentHead)
        .await
    {
        Err(ServiceError::Forbidden) => Vec::new(),
        other => other?,
    };
    let html = render(&OrgPage {
        page: Page::new(ctx, t.org_title()).with_notice(notice),
        units: choices::units(&tree),
        departments: choices::departments(&tree),
        staff: choices::people(&t, &people, &[]),
        unit_kinds: choices::unit_kinds(&t),
        department_kinds: choices::department_kinds(&t),
        tree,
        form,
        errors,
        no_errors: FieldMessages::new(),
    })?;
    Ok((status, html).into_response())
}

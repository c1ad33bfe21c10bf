//! `/console/users`: the staff list, and adding a staff member.

use crate::AppState;
use crate::choices::{self, Choice};
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::form::{FieldMessages, Form, messages};
use crate::page::{Page, framed, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use i18n::Key;
use services::{NewStaff, ServiceError, StaffMember};

#[derive(Template)]
#[template(path = "console/users.html")]
struct UsersPage {
    page: Page,
    staff: Vec<StaffRow>,
    form: NewStaff,
    errors: FieldMessages,
    units: Vec<Choice>,
    departments: Vec<Choice>,
    roles: Vec<Choice>,
}
framed!(UsersPage);

struct StaffRow {
    id: String,
    name: String,
    username: String,
    roles: String,
    active: bool,
}

pub async fn show(state: State<AppState>, staff: StaffCtx) -> Result<Response, AppError> {
    page(
        &state,
        &staff,
        NewStaff::default(),
        FieldMessages::new(),
        None,
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    state: State<AppState>,
    staff: StaffCtx,
    Form(form): Form<NewStaff>,
) -> Result<Response, AppError> {
    let t = staff.ctx.t();
    match state
        .services
        .create_staff(&staff.staff, form.clone())
        .await
    {
        Ok((_, one_time)) => {
            let notice = t.fill(
                Key::user_created,
                &[("name", &form.display_name), ("password", &one_time)],
            );
            page(
                &state,
                &staff,
                NewStaff::default(),
                FieldMessages::new(),
                Some(notice),
                StatusCode::OK,
            )
            .await
        }
        Err(ServiceError::Invalid(invalid)) => {
            page(
                &state,
                &staff,
                form,
                messages(&invalid, &t),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn page(
    state: &AppState,
    StaffCtx { ctx, staff }: &StaffCtx,
    form: NewStaff,
    errors: FieldMessages,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let list = state.services.staff_list(staff).await?;
    let tree = state.services.org_tree(staff.actor.tenant_id).await?;
    let html = render(&UsersPage {
        page: Page::new(ctx, t.users_title()).with_notice(notice),
        staff: list.iter().map(|m| row(m, &t)).collect(),
        form,
        errors,
        units: choices::units(&tree),
        departments: choices::departments(&tree),
        roles: choices::roles(&t),
    })?;
    Ok((status, html).into_response())
}

fn row(m: &StaffMember, t: &i18n::Tr) -> StaffRow {
    StaffRow {
        id: m.id.to_string(),
        name: m.display_name.clone(),
        username: m.username.clone(),
        roles: m
            .grants
            .iter()
            .map(|g| format!("{}（{}）", t.get(g.role.label()), g.unit_name))
            .collect::<Vec<_>>()
            .join("、"),
        active: m.active,
    }
}

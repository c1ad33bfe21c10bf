//! `/console/users/{id}`: one staff member — roles, access, password reset.

use crate::AppState;
use crate::choices::{self, Choice};
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::form::{FieldMessages, Form, messages};
use crate::page::{Done, Page, done_notice, framed, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::UserId;
use i18n::Key;
use serde::Deserialize;
use services::{ServiceError, StaffMember};

#[derive(Template)]
#[template(path = "console/user.html")]
struct UserPage {
    page: Page,
    member: StaffMember,
    grants: Vec<(String, String, String)>,
    form: GrantForm,
    errors: FieldMessages,
    units: Vec<Choice>,
    departments: Vec<Choice>,
    roles: Vec<Choice>,
}
framed!(UserPage);

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct GrantForm {
    action: String,
    role: String,
    unit: String,
    department: Option<String>,
    grant: String,
}

pub async fn show(
    state: State<AppState>,
    staff: StaffCtx,
    Path(id): Path<i64>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let notice = done_notice(&staff.ctx.t(), done.done.as_deref());
    page(
        &state,
        &staff,
        UserId(id),
        GrantForm::default(),
        FieldMessages::new(),
        notice,
        StatusCode::OK,
    )
    .await
}

pub async fn act(
    state: State<AppState>,
    staff: StaffCtx,
    Path(id): Path<i64>,
    Form(form): Form<GrantForm>,
) -> Result<Response, AppError> {
    let user = UserId(id);
    let services = &state.services;
    let t = staff.ctx.t();
    let outcome = match form.action.as_str() {
        "grant_add" => {
            services
                .add_grant(
                    &staff.staff,
                    user,
                    &form.role,
                    &form.unit,
                    form.department.as_deref(),
                )
                .await
        }
        "grant_remove" => {
            let grant = form.grant.parse().map_err(|_| AppError::Malformed {
                detail: "grant".into(),
                field: Some("grant".into()),
            })?;
            services.remove_grant(&staff.staff, grant).await
        }
        "activate" => services.set_staff_active(&staff.staff, user, true).await,
        "deactivate" => services.set_staff_active(&staff.staff, user, false).await,
        "reset_password" => {
            let one_time = services.reset_staff_password(&staff.staff, user).await?;
            let member = services.staff_member(&staff.staff, user).await?;
            let notice = t.fill(
                Key::user_password_reset,
                &[("name", &member.display_name), ("password", &one_time)],
            );
            return page(
                &state,
                &staff,
                user,
                GrantForm::default(),
                FieldMessages::new(),
                Some(notice),
                StatusCode::OK,
            )
            .await;
        }
        _ => {
            return Err(AppError::Malformed {
                detail: "action".into(),
                field: Some("action".into()),
            });
        }
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/console/users/{id}?done=saved")).into_response()),
        Err(ServiceError::Invalid(invalid)) => {
            page(
                &state,
                &staff,
                user,
                form,
                messages(&invalid, &t),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(ServiceError::Refused { key, .. }) => {
            page(
                &state,
                &staff,
                user,
                form,
                FieldMessages::new(),
                Some(t.get(key).to_owned()),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn page(
    state: &AppState,
    StaffCtx { ctx, staff }: &StaffCtx,
    user: UserId,
    form: GrantForm,
    errors: FieldMessages,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = ctx.t();
    let member = state.services.staff_member(staff, user).await?;
    let tree = state.services.org_tree(staff.actor.tenant_id).await?;
    let grants = member
        .grants
        .iter()
        .map(|g| {
            let department = g
                .department
                .and_then(|d| tree.department(d))
                .map(|(_, d)| d.name.clone())
                .unwrap_or_default();
            (
                g.id.to_string(),
                t.get(g.role.label()).to_owned(),
                format!("{} {department}", g.unit_name),
            )
        })
        .collect();
    let html = render(&UserPage {
        page: Page::new(ctx, member.display_name.clone()).with_notice(notice),
        grants,
        member,
        form,
        errors,
        units: choices::units(&tree),
        departments: choices::departments(&tree),
        roles: choices::roles(&t),
    })?;
    Ok((status, html).into_response())
}

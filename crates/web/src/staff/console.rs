//! `/console`: the staff member's start page.

use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::page::{Done, Page, done_notice, framed, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;

#[derive(Template)]
#[template(path = "console/home.html")]
struct ConsolePage {
    page: Page,
    welcome: String,
    /// (role, where) as the staff member holds them.
    roles: Vec<(&'static str, String)>,
    /// Feedback at a glance, for staff who see feedback.
    feedback: Option<crate::feedback::Glance>,
}
framed!(ConsolePage);

pub async fn show(
    State(state): State<AppState>,
    StaffCtx { ctx, staff }: StaffCtx,
    Query(done): Query<Done>,
) -> Result<Html<String>, AppError> {
    let t = ctx.t();
    let tree = state.services.org_tree(staff.actor.tenant_id).await?;
    let roles = staff
        .actor
        .grants
        .iter()
        .map(|g| {
            let unit = tree
                .units
                .iter()
                .find(|u| u.path == g.scope.as_str())
                .map(|u| u.name.clone());
            let department = g
                .department
                .and_then(|d| tree.department(d))
                .map(|(_, d)| d.name.clone());
            let place = [unit, department]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            (t.get(g.role.label()), place)
        })
        .collect();
    let feedback = crate::feedback::glance(&state.services, &staff, &t).await?;
    render(&ConsolePage {
        page: Page::new(&ctx, t.console_title()).with_notice(done_notice(&t, done.done.as_deref())),
        welcome: t.fill(
            i18n::Key::console_welcome,
            &[("name", &staff.actor.display_name)],
        ),
        roles,
        feedback,
    })
}

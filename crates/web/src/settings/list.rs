//! The settings pages that keep a list with forms beside it: categories, routing rules,
//! deadlines, answer templates, sensitive words, and the group robots. Each opens with a
//! blank form (and "saved" after a change); each form names an `action`, which is done and
//! answered with a redirect to "saved", or with the page again showing what was typed and
//! why it was refused (422). A page says only what is its own — its path and title, its
//! form, what each action does, and how the page is drawn — as a [`ListPage`], and is routed
//! with [`page`].
//!
//! The calendar (a year to come back to, "n days pasted"), the dictionary (many words at
//! once, each refused on its own) and the feedback settings (one form, no list) answer
//! differently; they share only the tabs, `Done` and `answer`.

use super::tabs::{Done, Tab, answer, tabs};
use crate::AppState;
use crate::ctx::StaffCtx;
use crate::error::AppError;
use crate::form::{FieldMessages, Form};
use crate::page::Page;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use i18n::Key;
use serde::de::DeserializeOwned;
use services::Staff;

/// One list page of the settings.
pub(crate) trait ListPage: Send + Sync + 'static {
    /// Where the page is, and where a change comes back to.
    const PATH: &'static str;
    /// The page's title (the words of its tab).
    const TITLE: Key;
    /// The forms as sent (every form on the page posts the same fields, with its `action`);
    /// its `Default` is the blank form unless [`ListPage::blank`] says otherwise.
    type Form: DeserializeOwned + Default + Send + Sync + 'static;

    /// The form a fresh page opens with.
    fn blank() -> Self::Form {
        Self::Form::default()
    }

    /// Does what the form's `action` asks. A refused field is a `ServiceError::Invalid`,
    /// shown by the form; an action no form has is `unknown_action()`.
    fn change(
        state: &AppState,
        who: &Staff,
        form: &Self::Form,
    ) -> impl Future<Output = Result<(), AppError>> + Send;

    /// What the form shows again after a refusal: what was typed, unless something of it
    /// must not be echoed.
    fn typed_again(form: Self::Form) -> Self::Form {
        form
    }

    /// The page: the list as it is now, around the sheet.
    fn draw(
        state: &AppState,
        staff: &StaffCtx,
        sheet: Sheet<Self::Form>,
    ) -> impl Future<Output = Result<Html<String>, AppError>> + Send;
}

/// What every list page is drawn with: its frame (with the notice at its top), the tabs,
/// the form and its errors.
pub(crate) struct Sheet<F> {
    pub page: Page,
    pub tabs: Vec<Tab>,
    pub form: F,
    pub errors: FieldMessages,
}

/// The routes of a list page: the page for `GET`, a change for `POST`.
pub(crate) fn page<P: ListPage>() -> MethodRouter<AppState> {
    get(show::<P>).post(act::<P>)
}

/// `GET`: the page with a blank form, and "saved" after a change.
async fn show<P: ListPage>(
    State(state): State<AppState>,
    staff: StaffCtx,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let notice = done.notice(&staff.ctx.t());
    let blank = P::blank();
    respond::<P>(
        &state,
        &staff,
        blank,
        FieldMessages::new(),
        notice,
        StatusCode::OK,
    )
    .await
}

/// `POST`: one change, answered with "saved" or with the page again and the form's errors.
async fn act<P: ListPage>(
    State(state): State<AppState>,
    staff: StaffCtx,
    Form(form): Form<P::Form>,
) -> Result<Response, AppError> {
    let result = P::change(&state, &staff.staff, &form).await;
    let form = P::typed_again(form);
    answer(result, P::PATH, &staff.ctx.t(), |errors, status| {
        respond::<P>(&state, &staff, form, errors, None, status)
    })
    .await
}

async fn respond<P: ListPage>(
    state: &AppState,
    staff: &StaffCtx,
    form: P::Form,
    errors: FieldMessages,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = staff.ctx.t();
    let sheet = Sheet {
        page: Page::new(&staff.ctx, t.get(P::TITLE)).with_notice(notice),
        tabs: tabs(&t, &staff.staff, P::PATH),
        form,
        errors,
    };
    let html = P::draw(state, staff, sheet).await?;
    Ok((status, html).into_response())
}

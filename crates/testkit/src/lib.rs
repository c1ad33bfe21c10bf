//! Test support shared by every crate's tests.
//!
//! - [`TestDb`]: a fresh, migrated database on SQLite (a temporary file) or PostgreSQL (a
//!   schema of its own in the server named by `CULTUREDESK_TEST_DATABASE_URL`, by default
//!   the local one on 127.0.0.1:5432).
//! - [`on_both_engines!`]: writes each test once and runs it on both engines. Without a
//!   PostgreSQL server the PostgreSQL half is skipped with a notice — except under
//!   `CI=true`, where it fails: CI never silently skips.
//! - [`SmtpServer`]: a real SMTP server on 127.0.0.1 that keeps each mail and decodes its
//!   subject and text body; it can be told to fail the next deliveries with a given code.
//! - [`HttpRecorder`]: a real HTTP server on 127.0.0.1 that records each request and
//!   answers as told, standing in for SMS gateways and chat robots.
//! - [`Browser`]: a real headless Chromium behind ChromeDriver, on a phone (WeChat's user
//!   agent) or desktop [`Screen`], with a fresh profile per test; missing binaries skip
//!   with a notice, or fail under `CI=true`.
//! - [`photo`]: a tiny JPEG as phones send it, with and without a GPS location.
//! - [`multipart::Multipart`]: a `multipart/form-data` body written by hand.
//!
//! With the `scenario` feature (for the crates above `services`):
//! - [`scenario`]: an institution built through the services — stations, departments, staff
//!   of each role signed in — and what the public sends ([`scenario::App`], [`scenario::Org`]).
//! - [`http`]: a browser-like client's steps: CSRF tokens, the sign-in form, API tokens.

mod browser;
mod db;
mod http_recorder;
pub mod multipart;
pub mod photo;
mod smtp;

#[cfg(feature = "scenario")]
pub mod http;
#[cfg(feature = "scenario")]
pub mod scenario;

pub use browser::{Browser, Screen, WECHAT_USER_AGENT};
pub use db::{Fixture, TestDb, ci, require_or_skip};
pub use http_recorder::{HttpRecorder, ROBOT_OK, RecordedRequest};
pub use smtp::{ReceivedMail, SmtpServer};

/// Runs each story on SQLite and on PostgreSQL.
///
/// ```ignore
/// testkit::on_both_engines! {
///     a_unit_gets_its_path(Db),
/// }
///
/// async fn a_unit_gets_its_path(db: Db) { /* … */ }
/// ```
/// Each story is a plain `async fn` beside the list, where rustfmt formats it; the list
/// names it with its argument's type, which may be any [`Fixture`], set up from the fresh
/// database. Attributes (`#[ignore]`) go before a name in the list. The stories may also be
/// written inside the macro (`async fn name(arg: Type) { … }`), which rustfmt cannot reach.
#[macro_export]
macro_rules! on_both_engines {
    ($($(#[$meta:meta])* $name:ident($ty:ty)),+ $(,)?) => {$(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::TestDb::sqlite().await;
                super::$name(<$ty as $crate::Fixture>::setup(&db).await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::TestDb::postgres().await {
                    super::$name(<$ty as $crate::Fixture>::setup(&db).await).await;
                }
            }
        }
    )*};
    ($($(#[$meta:meta])* async fn $name:ident($arg:ident : $ty:ty) $body:block)*) => {$(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn story($arg: $ty) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::TestDb::sqlite().await;
                story(<$ty as $crate::Fixture>::setup(&db).await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::TestDb::postgres().await {
                    story(<$ty as $crate::Fixture>::setup(&db).await).await;
                }
            }
        }
    )*};
}

/// Runs each browser story once, on SQLite: a page looks the same whichever engine is
/// under it, and the engines' own differences are the HTTP and storage stories' to catch
/// (those run on both). Written like [`on_both_engines!`]'s list.
#[macro_export]
macro_rules! in_a_browser {
    ($($(#[$meta:meta])* $name:ident($ty:ty)),+ $(,)?) => {$(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::TestDb::sqlite().await;
                super::$name(<$ty as $crate::Fixture>::setup(&db).await).await;
            }
        }
    )*};
}

//! A running CultureDesk on a fresh database, with a clock the test controls and a real
//! HTTP server standing in for the SMS gateway.

#![allow(dead_code)]

use domain::ManualClock;
use services::{Gateways, Services, Settings};
use std::net::SocketAddr;
use std::sync::Arc;
use testkit::HttpRecorder;
use testkit::scenario::Org;

#[allow(unused_imports)]
pub use testkit::http::{csrf_field_after, location};
pub use testkit::scenario::{MONDAY_9AM, staff};

pub const ADMIN_PASSWORD: &str = "青山文化馆-管理员-2026";
/// The password everyone the stories take on chooses at their first sign-in.
pub const PASSWORD: &str = "青山文化馆-工作人员-2026";

pub struct TestApp {
    pub url: String,
    pub services: Services,
    pub clock: ManualClock,
    /// Receives every SMS the server sends.
    pub sms: HttpRecorder,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl testkit::Fixture for TestApp {
    async fn setup(db: &testkit::TestDb) -> TestApp {
        TestApp::start(db, web::WebConfig::default()).await
    }
}

/// The server as deployed behind one reverse proxy at an HTTPS address: the test client
/// stands where the proxy would, on the same machine.
pub struct BehindProxy(pub TestApp);

impl testkit::Fixture for BehindProxy {
    async fn setup(db: &testkit::TestDb) -> BehindProxy {
        let config = web::WebConfig {
            trusted_proxies: 1,
            public_url: "https://wenhua.example.cn".into(),
            // The test client speaks plain HTTP to the server, as the proxy would.
            secure_cookies: false,
        };
        BehindProxy(TestApp::start(db, config).await)
    }
}

impl std::ops::Deref for BehindProxy {
    type Target = TestApp;

    fn deref(&self) -> &TestApp {
        &self.0
    }
}

impl TestApp {
    pub async fn start(db: &testkit::TestDb, config: web::WebConfig) -> TestApp {
        notify::install_crypto_provider();
        let clock = ManualClock::new(MONDAY_9AM);
        let sms = HttpRecorder::start().await;
        let sms_config: notify::SmsConfig = serde_json::from_value(serde_json::json!({
            "gateway": "http",
            "url": sms.url("/sms/send"),
            "template": "{\"phone\":\"{mobile}\",\"content\":\"{text}\"}",
            "success_json_field": "errcode",
            "success_json_value": "0",
        }))
        .unwrap();
        let gateways = Gateways {
            sms: sms_config.build().unwrap(),
            email: Arc::new(notify::LogGateway::new(notify::Channel::Email)),
        };
        let services = Services::new(
            db.db.clone(),
            Arc::new(clock.clone()),
            gateways,
            Settings::default(),
        )
        .await
        .unwrap();
        // The first administrator, with a password the tests know.
        let (_, one_time) = services.ensure_first_admin().await.unwrap().unwrap();
        let admin = staff(&services, "admin", &one_time).await;
        services
            .change_password(&admin, &one_time, ADMIN_PASSWORD, ADMIN_PASSWORD)
            .await
            .unwrap();

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = web::app(services.clone(), config);
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        TestApp {
            url,
            services,
            clock,
            sms,
            server,
        }
    }
}

impl TestApp {
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// The institution as its administrator sees it; everyone taken on through it chooses
    /// [`PASSWORD`].
    pub async fn org(&self) -> Org {
        let admin = staff(&self.services, "admin", ADMIN_PASSWORD).await;
        Org::open(&self.services, admin, Some(PASSWORD)).await
    }

    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
    pub fn client(&self) -> reqwest::Client {
        testkit::http::client()
    }

    /// The CSRF token a page gives its forms.
    pub async fn csrf(&self, client: &reqwest::Client, path: &str) -> String {
        testkit::http::csrf(client, &self.at(path)).await
    }

    /// Signs `username` in through the login form; gives the redirect target.
    pub async fn sign_in(
        &self,
        client: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> String {
        testkit::http::sign_in(client, &self.url, username, password).await
    }

    /// Posts a form from `page`, with that page's CSRF token.
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let csrf = self.csrf(client, page).await;
        let mut form = vec![("_csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        client
            .post(self.at(action))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// A bearer token for the API.
    pub async fn api_token(&self, username: &str, password: &str) -> String {
        let answer = testkit::http::api_login(&self.url, username, password).await;
        answer["token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token for {username}: {answer}"))
            .to_owned()
    }

    /// Runs the background worker once, as the clock now stands.
    pub async fn run_worker(&self) -> usize {
        self.services.worker().run_due().await.unwrap()
    }
}

/// The test kits hand a multipart form's target around as `path?_csrf=token`; the page
/// itself sends the token as the form's first field, never in the address. Gives the path
/// and the token to put first in the body.
pub fn multipart_target(action: &str) -> (String, Option<String>) {
    match action.split_once("?_csrf=") {
        Some((path, token)) => (path.to_owned(), Some(token.to_owned())),
        None => (action.to_owned(), None),
    }
}

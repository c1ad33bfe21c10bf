//! A running CultureDesk on a fresh database, with a clock the test controls and a real
//! HTTP server standing in for the SMS gateway.

#![allow(dead_code)]

use domain::{ManualClock, Timestamp};
use services::{Gateways, Principal, Services, Settings, Staff};
use std::net::SocketAddr;
use std::sync::Arc;
use testkit::HttpRecorder;

/// 2026-11-23 09:00 in Beijing, a Monday.
pub const MONDAY_9AM: Timestamp = Timestamp(1_795_395_600_000);
pub const ADMIN_PASSWORD: &str = "青山文化馆-管理员-2026";

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
        let admin = services
            .login("admin", &one_time, None, None)
            .await
            .unwrap();
        let Some(services::Principal::Staff(staff)) =
            services.principal(&admin.token, None).await.unwrap()
        else {
            panic!("admin session");
        };
        services
            .change_password(&staff, &one_time, ADMIN_PASSWORD, ADMIN_PASSWORD)
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

    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// The CSRF token a page gives its forms.
    pub async fn csrf(&self, client: &reqwest::Client, path: &str) -> String {
        let html = client
            .get(self.at(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let marker = "name=\"csrf-token\" content=\"";
        let start = html.find(marker).expect("a csrf meta tag") + marker.len();
        html[start..].split('"').next().unwrap().to_owned()
    }

    /// Signs `username` in through the login form; gives the redirect target.
    pub async fn sign_in(
        &self,
        client: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> String {
        let csrf = self.csrf(client, "/login").await;
        let response = client
            .post(self.at("/login"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("username", username),
                ("password", password),
                ("next", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "sign-in of {username}");
        location(&response)
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
        let response = reqwest::Client::new()
            .post(self.at("/api/v1/auth/login"))
            .json(&serde_json::json!({ "username": username, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json::<serde_json::Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Runs the background worker once, as the clock now stands.
    pub async fn run_worker(&self) -> usize {
        self.services.worker().run_due().await.unwrap()
    }
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
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

/// The `_csrf` field of the form whose opening tag holds `marker`.
pub fn csrf_field_after(html: &str, marker: &str) -> Option<String> {
    let at = html.find(marker)?;
    let field = "name=\"_csrf\" value=\"";
    let start = at + html[at..].find(field)? + field.len();
    Some(html[start..].split('"').next()?.to_owned())
}

/// Signs in on the services and gives the staff member behind the session.
pub async fn staff(services: &Services, username: &str, password: &str) -> Staff {
    let login = services
        .login(username, password, Some("10.0.0.1"), None)
        .await
        .unwrap();
    match services
        .principal(&login.token, Some("10.0.0.1"))
        .await
        .unwrap()
    {
        Some(Principal::Staff(staff)) => *staff,
        other => panic!("expected staff, got {other:?}"),
    }
}

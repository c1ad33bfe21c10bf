//! For the public side's tests: an institution with two stations and their service points,
//! members signed in the way people sign in, multipart forms built by hand, and a phone
//! photo that knows where it was taken.

#![allow(dead_code)]

use crate::common::{TestApp, location};
use i18n::Lang;
use services::feedback::{Intake, Submitted};
use services::{Institution, Staff};
pub use testkit::multipart::Multipart;
#[allow(unused_imports)]
pub use testkit::photo::{JPEG_1X1, LATITUDE, contains, jpeg_with_gps};

pub struct Public {
    pub app: TestApp,
    pub institution: Institution,
    pub admin: Staff,
    /// 城关镇文化站 and 青石镇文化站.
    pub stations: [i64; 2],
    /// 东街农家书屋, under the first station.
    pub point: i64,
}

impl testkit::Fixture for Public {
    async fn setup(db: &testkit::TestDb) -> Public {
        let app = TestApp::setup(db).await;
        let org = app.org().await;
        let first = org.add_station("城关镇文化站").await;
        let second = org.add_station("青石镇文化站").await;
        let point = org.add_unit(first, "service_point", "东街农家书屋").await;
        Public {
            app,
            institution: org.institution,
            admin: org.admin,
            stations: [first.0, second.0],
            point: point.0,
        }
    }
}

impl Public {
    pub fn at(&self, path: &str) -> String {
        self.app.at(path)
    }

    /// Submits straight through the service, as the web form would.
    pub async fn submit(&self, text: &str, kind: &str, mobile: Option<&str>) -> Submitted {
        let intake = Intake {
            mobile: mobile.map(str::to_owned),
            ..testkit::scenario::intake(text, kind)
        };
        testkit::scenario::send(
            &self.app.services,
            &self.institution,
            intake,
            Vec::new(),
            None,
        )
        .await
    }

    /// A staff member does something to an item.
    pub async fn act(&self, id: i64, action: services::feedback::StaffAction) {
        self.app
            .services
            .feedback()
            .act_on_feedback(&self.admin, id, None, action)
            .await
            .unwrap();
    }

    /// The item's id, as staff see it in the inbox.
    pub async fn id_of(&self, tracking_no: &str) -> i64 {
        let inbox = self
            .app
            .services
            .feedback()
            .inbox(&self.admin, &services::feedback::InboxQuery::default())
            .await
            .unwrap();
        inbox
            .rows
            .iter()
            .find(|r| r.tracking_no == tracking_no)
            .map(|r| r.id)
            .expect("the item is in the inbox")
    }

    /// A member signed in through the service, for doing things the pages test elsewhere.
    pub async fn member(&self, mobile: &str) -> services::MemberSession {
        let s = &self.app.services;
        s.send_member_code(&self.institution, mobile, None, Lang::ZhCn)
            .await
            .unwrap();
        let code = self.code_for(mobile).await;
        s.verify_member_code(&self.institution, mobile, &code, None, None)
            .await
            .unwrap()
            .1
    }

    /// The texted code that `mobile` was sent last.
    pub async fn code_for(&self, mobile: &str) -> String {
        self.app.run_worker().await;
        let find = |requests: Vec<testkit::RecordedRequest>| {
            requests.into_iter().rev().find_map(|r| {
                let sms = r.json?;
                let content = sms["content"].as_str()?.to_owned();
                (sms["phone"] == mobile && content.contains("验证码")).then_some(content)
            })
        };
        let mut text = find(self.app.sms.requests());
        if text.is_none() {
            let seen = self.app.sms.requests().len();
            text = find(
                self.app
                    .sms
                    .wait_for(seen + 1, std::time::Duration::from_secs(5))
                    .await,
            );
        }
        let text = text.expect("a code was texted");
        text.chars().filter(char::is_ascii_digit).take(6).collect()
    }

    /// A browser-like client signed in as the member with `mobile`, through the pages.
    pub async fn member_client(&self, mobile: &str) -> reqwest::Client {
        let client = self.app.client();
        let sent = self
            .app
            .post_form(&client, "/me/login", "/me/login", &[("mobile", mobile)])
            .await;
        assert_eq!(sent.status(), 200, "code sent to {mobile}");
        let code = self.code_for(mobile).await;
        let verified = self
            .app
            .post_form(
                &client,
                "/me/login",
                "/me/verify",
                &[("mobile", mobile), ("code", &code)],
            )
            .await;
        assert_eq!(verified.status(), 303, "signed in as {mobile}");
        client
    }

    /// An API token for the member with `mobile`.
    pub async fn member_token(&self, mobile: &str) -> String {
        let api = reqwest::Client::new();
        let sent = api
            .post(self.at("/api/v1/members/codes"))
            .json(&serde_json::json!({ "mobile": mobile }))
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), 200);
        let code = self.code_for(mobile).await;
        let session: serde_json::Value = api
            .post(self.at("/api/v1/members/sessions"))
            .json(&serde_json::json!({ "mobile": mobile, "code": code }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        session["token"].as_str().unwrap().to_owned()
    }

    /// Opens the form as `client` and sends it with `fields` and `files`; gives the
    /// response. The CSRF token and submission key come from the form, as in a browser.
    pub async fn send_form(
        &self,
        client: &reqwest::Client,
        fields: &[(&str, &str)],
        files: &[(&str, &[u8])],
    ) -> reqwest::Response {
        let (action, key) = self.open_form(client).await;
        self.post_multipart(client, &action, &key, fields, files)
            .await
    }

    /// The form's action (with its CSRF token) and submission key.
    pub async fn open_form(&self, client: &reqwest::Client) -> (String, String) {
        let html = client
            .get(self.at("/feedback/new"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let action =
            attribute_after(&html, "id=\"feedback-form\"", "action").expect("the form's action");
        let token = crate::common::csrf_field_after(&html, "id=\"feedback-form\"")
            .expect("the form's CSRF field");
        let key = value_of(&html, "submission_key").expect("a submission key");
        (format!("{}?_csrf={token}", unescape(&action)), key)
    }

    pub async fn post_multipart(
        &self,
        client: &reqwest::Client,
        action: &str,
        key: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &[u8])],
    ) -> reqwest::Response {
        let (action, token) = crate::common::multipart_target(action);
        let mut body = Multipart::new();
        if let Some(token) = token {
            body = body.text("_csrf", &token);
        }
        body = body.text("submission_key", key);
        for (name, value) in fields {
            body = body.text(name, value);
        }
        for (file_name, bytes) in files {
            body = body.file("photos", file_name, "image/jpeg", bytes);
        }
        if files.is_empty() {
            body = body.no_file("photos");
        }
        let (content_type, bytes) = body.finish();
        let response = client
            .post(self.at(&action))
            .header("content-type", content_type)
            .body(bytes)
            .send()
            .await
            .unwrap();
        // A submission that went through is answered with its receipt's address (POST,
        // redirect, GET), which a browser opens at once.
        if response.status() == 303 && location(&response) == "/feedback/sent" {
            return client.get(self.at("/feedback/sent")).send().await.unwrap();
        }
        response
    }
}

/// The tracking number shown on a confirmation page.
pub fn tracking_no_in(html: &str) -> String {
    let marker = "id=\"tracking-no\">";
    let start = html.find(marker).expect("a tracking number") + marker.len();
    html[start..].split('<').next().unwrap().to_owned()
}

/// The private tracking path a confirmation page links to.
pub fn tracking_path_in(html: &str) -> String {
    let marker = "class=\"tracking-link\" href=\"";
    let start = html.find(marker).expect("a tracking link") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// The `value` of the input called `name`.
pub fn value_of(html: &str, name: &str) -> Option<String> {
    attribute_after(html, &format!("name=\"{name}\""), "value")
}

fn attribute_after(html: &str, marker: &str, attribute: &str) -> Option<String> {
    let at = html.find(marker)?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let needle = format!(" {attribute}=\"");
    let start = tag.find(&needle)? + needle.len();
    Some(tag[start..].split('"').next()?.to_owned())
}

/// The tracking numbers an HTML page links to on the board, in order.
pub fn board_links(html: &str) -> Vec<String> {
    html.split("<h3><a href=\"/board/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect()
}

/// The "next page" link of a board page.
pub fn next_link(html: &str) -> Option<String> {
    let marker = "rel=\"next\"";
    let at = html.find(marker)?;
    let tag_start = html[..at].rfind('<')?;
    let tag = &html[tag_start..at];
    let start = tag.find("href=\"")? + 6;
    Some(unescape(tag[start..].split('"').next()?))
}

/// An attribute's value as the browser reads it (askama writes `&` as `&#38;`).
pub fn unescape(html: &str) -> String {
    html.replace("&#38;", "&").replace("&amp;", "&")
}

pub fn location_of(response: &reqwest::Response) -> String {
    location(response)
}

//! For the public side's tests: an institution with two stations and their service points,
//! members signed in the way people sign in, multipart forms built by hand, and a phone
//! photo that knows where it was taken.

#![allow(dead_code)]

use crate::common::{ADMIN_PASSWORD, TestApp, location};
use domain::feedback::Channel;
use i18n::Lang;
use services::feedback::{Intake, Submitted};
use services::{Institution, Principal, Staff};

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
        let s = &app.services;
        let institution = s.institution_for_host(None).await.unwrap().unwrap();
        let login = s.login("admin", ADMIN_PASSWORD, None, None).await.unwrap();
        let Some(Principal::Staff(admin)) = s.principal(&login.token, None).await.unwrap() else {
            panic!("admin session");
        };
        let admin = *admin;
        let root = s.org_tree(institution.id).await.unwrap().units[0].id;
        let first = s
            .add_unit(&admin, root, "station", "城关镇文化站")
            .await
            .unwrap();
        let second = s
            .add_unit(&admin, root, "station", "青石镇文化站")
            .await
            .unwrap();
        let point = s
            .add_unit(&admin, first, "service_point", "东街农家书屋")
            .await
            .unwrap();
        Public {
            app,
            institution,
            admin,
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
            text: text.into(),
            kind: kind.into(),
            mobile: mobile.map(str::to_owned),
            ..Default::default()
        };
        self.app
            .services
            .feedback()
            .submit_feedback(
                &self.institution,
                intake,
                Vec::new(),
                None,
                None,
                Channel::Web,
                Lang::ZhCn,
            )
            .await
            .unwrap()
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
            body = body.file("photos", file_name, bytes);
        }
        if files.is_empty() {
            // What a browser sends for a file input left empty.
            body = body.file("photos", "", &[]);
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

/// A `multipart/form-data` body, written out by hand (the test client has no multipart
/// support of its own).
pub struct Multipart {
    boundary: String,
    body: Vec<u8>,
}

impl Multipart {
    pub fn new() -> Multipart {
        Multipart {
            boundary: "----culturedesk-test-boundary-7MA4YWxkTrZu0gW".into(),
            body: Vec::new(),
        }
    }

    pub fn text(mut self, name: &str, value: &str) -> Multipart {
        self.body.extend_from_slice(
            format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n",
                self.boundary
            )
            .as_bytes(),
        );
        self
    }

    pub fn file(mut self, name: &str, file_name: &str, bytes: &[u8]) -> Multipart {
        let content_type = if file_name.is_empty() {
            "application/octet-stream"
        } else {
            "image/jpeg"
        };
        self.body.extend_from_slice(
            format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n",
                self.boundary
            )
            .as_bytes(),
        );
        self.body.extend_from_slice(bytes);
        self.body.extend_from_slice(b"\r\n");
        self
    }

    pub fn finish(mut self) -> (String, Vec<u8>) {
        self.body
            .extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        (
            format!("multipart/form-data; boundary={}", self.boundary),
            self.body,
        )
    }
}

/// A 1x1 grey baseline JPEG, as written by libjpeg, with a JFIF APP0.
pub const JPEG_1X1: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xFF, 0xDB, 0x00, 0x43, 0x00, 0x10, 0x0B, 0x0C, 0x0E, 0x0C, 0x0A, 0x10,
    0x0E, 0x0D, 0x0E, 0x12, 0x11, 0x10, 0x13, 0x18, 0x28, 0x1A, 0x18, 0x16, 0x16, 0x18, 0x31, 0x23,
    0x25, 0x1D, 0x28, 0x3A, 0x33, 0x3D, 0x3C, 0x39, 0x33, 0x38, 0x37, 0x40, 0x48, 0x5C, 0x4E, 0x40,
    0x44, 0x57, 0x45, 0x37, 0x38, 0x50, 0x6D, 0x51, 0x57, 0x5F, 0x62, 0x67, 0x68, 0x67, 0x3E, 0x4D,
    0x71, 0x79, 0x70, 0x64, 0x78, 0x5C, 0x65, 0x67, 0x63, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x01,
    0x00, 0x01, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xC4, 0x00, 0x1F, 0x00, 0x00, 0x01, 0x05, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04,
    0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0xFF, 0xC4, 0x00, 0xB5, 0x10, 0x00, 0x02, 0x01, 0x03,
    0x03, 0x02, 0x04, 0x03, 0x05, 0x05, 0x04, 0x04, 0x00, 0x00, 0x01, 0x7D, 0x01, 0x02, 0x03, 0x00,
    0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32,
    0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72,
    0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x34, 0x35,
    0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55,
    0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75,
    0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94,
    0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2,
    0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9,
    0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6,
    0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFF, 0xDA,
    0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0xC8, 0xAF, 0xFF, 0xD9,
];

/// GPSLatitude 39/1 54/1 2712/100 as a phone stores it: the location itself.
pub const LATITUDE: &[u8] = &[
    0, 0, 0, 39, 0, 0, 0, 1, 0, 0, 0, 54, 0, 0, 0, 1, 0, 0, 0x0A, 0x98, 0, 0, 0, 100,
];

/// The JPEG above as a phone writes it: an Exif block after the JFIF header with the
/// orientation and a GPS directory holding the latitude.
pub fn jpeg_with_gps() -> Vec<u8> {
    let gps_ifd: u32 = 8 + 2 + 12 * 2 + 4;
    let gps_data: u32 = gps_ifd + 2 + 2 * 12 + 4;
    let mut tiff = b"MM\0\x2A\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&[0, 2]);
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]); // Orientation 6
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1]); // GPSInfo
    tiff.extend_from_slice(&gps_ifd.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(&[0, 2]);
    tiff.extend_from_slice(&[0x00, 0x01, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]); // GPSLatitudeRef
    tiff.extend_from_slice(&[0x00, 0x02, 0, 5, 0, 0, 0, 3]); // GPSLatitude
    tiff.extend_from_slice(&gps_data.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(LATITUDE);
    let payload = [b"Exif\0\0".as_slice(), &tiff].concat();
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    app1.extend_from_slice(&payload);
    [&JPEG_1X1[..20], &app1, &JPEG_1X1[20..]].concat()
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

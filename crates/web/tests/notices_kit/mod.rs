//! A staffroom for the notice page stories: the running app of `common`, with 活动部 (its
//! head 陈浩 and two staff, 王芳 who writes and 赵丽 who receives), the office director 周敏,
//! the office clerk 李静, and 唐莉, clerk of 城关镇文化站, who is outside all of it. Everyone
//! signs in with [`PASSWORD`].

#![allow(dead_code)]

use crate::common::{ADMIN_PASSWORD, TestApp, location};
use domain::UnitId;
use domain::notice::AudienceRule;
use services::notices::{NoticeDraft, NoticeListFilter, NoticeView, ReviewDecision};
use services::{NewStaff, Services, Staff};

pub const PASSWORD: &str = "青山文化馆-工作人员-2026";
pub const TITLE: &str = "关于十一月活动台账报送的通知";
pub const BODY: &str = "各位同事：\n请于周五前把本月活动台账交到办公室。\n\n- 活动照片\n- 签到表";

pub struct Staffroom {
    pub app: TestApp,
    pub root: UnitId,
    pub station: UnitId,
    /// 活动部.
    pub activity: i64,
    /// 周敏, office director over the centre.
    pub director: Staff,
    /// 李静, office clerk over the centre: the office's view, but no reviewing.
    pub clerk: Staff,
    /// 陈浩, head of 活动部: reviews its notices.
    pub head: Staff,
    /// 王芳, of 活动部: writes notices.
    pub wang: Staff,
    /// 赵丽, of 活动部: receives them.
    pub zhao: Staff,
    /// 唐莉, clerk of 城关镇文化站: sees nothing of 活动部's notices.
    pub tang: Staff,
}

impl testkit::Fixture for Staffroom {
    async fn setup(db: &testkit::TestDb) -> Staffroom {
        let app = TestApp::setup(db).await;
        let s = app.services.clone();
        let admin = staff(&s, "admin", ADMIN_PASSWORD).await;
        let institution = s.institution_for_host(None).await.unwrap().unwrap();
        let root = s.org_tree(institution.id).await.unwrap().units[0].id;
        let station = s
            .add_unit(&admin, root, "station", "城关镇文化站")
            .await
            .unwrap();
        let activity = s
            .add_department(&admin, root, "activity", "活动部")
            .await
            .unwrap();
        let mut people = Vec::new();
        for (username, name, role, unit, department) in [
            ("zhou.min", "周敏", "office_director", root, None),
            ("li.jing", "李静", "office_clerk", root, None),
            (
                "chen.hao",
                "陈浩",
                "department_head",
                root,
                Some(activity.0),
            ),
            (
                "wang.fang",
                "王芳",
                "department_staff",
                root,
                Some(activity.0),
            ),
            (
                "zhao.li",
                "赵丽",
                "department_staff",
                root,
                Some(activity.0),
            ),
            ("tang.li", "唐莉", "office_clerk", station, None),
        ] {
            let new = NewStaff {
                username: username.into(),
                display_name: name.into(),
                email: Some(format!("{username}@example.org")),
                role: role.into(),
                unit: unit.to_string(),
                department: department.map(|d: i64| d.to_string()),
                ..Default::default()
            };
            let (id, one_time) = s.create_staff(&admin, new).await.unwrap();
            if username == "chen.hao" {
                s.set_department_head(&admin, activity, Some(id))
                    .await
                    .unwrap();
            }
            let first = staff(&s, username, &one_time).await;
            s.change_password(&first, &one_time, PASSWORD, PASSWORD)
                .await
                .unwrap();
            people.push(staff(&s, username, PASSWORD).await);
        }
        let [director, clerk, head, wang, zhao, tang] = <[Staff; 6]>::try_from(people).unwrap();
        Staffroom {
            app,
            root,
            station,
            activity: activity.0,
            director,
            clerk,
            head,
            wang,
            zhao,
            tang,
        }
    }
}

pub use super::common::staff;

impl Staffroom {
    pub fn s(&self) -> &Services {
        &self.app.services
    }

    /// A browser-like client signed in as `username`.
    pub async fn signed_in(&self, username: &str) -> reqwest::Client {
        let client = self.app.client();
        self.app.sign_in(&client, username, PASSWORD).await;
        client
    }

    /// The page at `path` as `client` sees it: status and HTML.
    pub async fn page(&self, client: &reqwest::Client, path: &str) -> (u16, String) {
        let response = client.get(self.app.at(path)).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }

    /// The action of the notice form on `path` (new or edit), CSRF token included.
    pub async fn form_action(&self, client: &reqwest::Client, path: &str) -> String {
        let (status, page) = self.page(client, path).await;
        assert_eq!(status, 200, "{path}: {page}");
        let marker = "enctype=\"multipart/form-data\"";
        let form = page[..page.find(marker).expect("the notice form")]
            .rfind("action=\"")
            .expect("the form's action");
        let action = page[form + "action=\"".len()..].split('"').next().unwrap();
        let token = crate::common::csrf_field_after(&page[form..], "action=")
            .expect("the form's CSRF field");
        format!("{}?_csrf={token}", action.replace("&amp;", "&"))
    }

    /// Posts the notice form as a browser does: text fields, then files.
    pub async fn post_notice(
        &self,
        client: &reqwest::Client,
        action: &str,
        fields: &[(String, String)],
        files: &[(&str, &str, &[u8])],
    ) -> reqwest::Response {
        let (action, token) = crate::common::multipart_target(action);
        let mut body = Multipart::new();
        if let Some(token) = token {
            body = body.text("_csrf", &token);
        }
        for (name, value) in fields {
            body = body.text(name, value);
        }
        for (file_name, content_type, bytes) in files {
            body = body.file("attachment", file_name, content_type, bytes);
        }
        if files.is_empty() {
            // What a browser sends for a file input left empty.
            body = body.file("attachment", "", "application/octet-stream", &[]);
        }
        let (content_type, bytes) = body.finish();
        client
            .post(self.app.at(&action))
            .header("content-type", content_type)
            .body(bytes)
            .send()
            .await
            .unwrap()
    }

    /// The fields of a complete notice to 活动部, as the form sends them.
    pub fn fields(&self, key: &str) -> Vec<(String, String)> {
        vec![
            ("submission_key".into(), key.into()),
            ("title".into(), TITLE.into()),
            ("body".into(), BODY.into()),
            ("category".into(), "notice".into()),
            ("priority".into(), "routine".into()),
            ("requires_ack".into(), "yes".into()),
            ("audience_department".into(), self.activity.to_string()),
            ("effective_at".into(), String::new()),
            ("expires_at".into(), String::new()),
            ("publish_at".into(), String::new()),
            ("reviewer".into(), String::new()),
        ]
    }

    /// Posts an action form of the notice page with that page's CSRF token.
    pub async fn act(
        &self,
        client: &reqwest::Client,
        id: i64,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let path = format!("/console/notices/{id}");
        self.app.post_form(client, &path, &path, fields).await
    }

    /// Acts, expects the redirect back with its message, and gives the page it leads to.
    pub async fn act_ok(
        &self,
        client: &reqwest::Client,
        id: i64,
        fields: &[(&str, &str)],
    ) -> String {
        let response = self.act(client, id, fields).await;
        let status = response.status();
        let to = location(&response);
        assert_eq!(
            status,
            303,
            "{fields:?}: {}",
            response.text().await.unwrap()
        );
        assert!(
            to.starts_with(&format!("/console/notices/{id}?done=")),
            "{to}"
        );
        let (status, page) = self.page(client, &to).await;
        assert_eq!(status, 200);
        assert!(
            page.contains("class=\"notice\""),
            "a message after {fields:?}"
        );
        page
    }

    /// Wang's notice to 活动部 as a draft, through the services.
    pub async fn draft(&self) -> i64 {
        let draft = NoticeDraft {
            title: TITLE.into(),
            body: BODY.into(),
            category: "notice".into(),
            priority: "routine".into(),
            requires_ack: true,
            audience: vec![AudienceRule::Department {
                department: domain::DepartmentId(self.activity),
            }],
            ..Default::default()
        };
        self.s()
            .notices()
            .create_notice(&self.wang, &draft, None)
            .await
            .unwrap()
    }

    /// Wang's notice, sent for review and approved by the head: published now.
    pub async fn published(&self) -> i64 {
        let id = self.draft().await;
        self.s()
            .notices()
            .submit_notice(&self.wang, id)
            .await
            .unwrap();
        self.s()
            .notices()
            .review_notice(&self.head, id, ReviewDecision::Approve, None, None)
            .await
            .unwrap();
        id
    }

    pub async fn notice(&self, id: i64) -> NoticeView {
        self.s().notices().notice(&self.wang, id).await.unwrap()
    }

    /// Wang's own notices.
    pub async fn wangs_notices(&self) -> Vec<NoticeView> {
        self.s()
            .notices()
            .list(&self.wang, NoticeListFilter::Mine, 50)
            .await
            .unwrap()
    }
}

/// `fields` with `name` set to `value` (added when missing; every value replaced).
pub fn with(fields: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        fields.iter().filter(|(k, _)| k != name).cloned().collect();
    out.push((name.into(), value.into()));
    out
}

/// The notice id in a `/console/notices/{id}?done=…` redirect.
pub fn id_in(location: &str) -> i64 {
    location
        .trim_start_matches("/console/notices/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("no notice id in {location}"))
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
            boundary: "----culturedesk-notice-boundary-9QkZ2".into(),
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

    pub fn file(
        mut self,
        name: &str,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Multipart {
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

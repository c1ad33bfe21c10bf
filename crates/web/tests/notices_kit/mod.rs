//! A staffroom for the notice page stories: the running app of `common`, with 活动部 (its
//! head 陈浩 and two staff, 王芳 who writes and 赵丽 who receives), the office director 周敏,
//! the office clerk 李静, and 唐莉, clerk of 城关镇文化站, who is outside all of it. Everyone
//! signs in with [`PASSWORD`].

#![allow(dead_code)]

pub use crate::common::PASSWORD;
use crate::common::{TestApp, location};
use domain::UnitId;
use domain::notice::AudienceRule;
use services::notices::{NoticeDraft, NoticeListFilter, NoticeView};
use services::{Services, Staff};
use testkit::multipart::Multipart;
use testkit::scenario::{PersonExt, person, publish};
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
        let org = app.org().await;
        let root = org.root;
        let station = org.add_station("城关镇文化站").await;
        let activity = org.add_department(root, "活动部").await;
        let [director, clerk, head, wang, zhao, tang] = org
            .hire_all(
                [
                    person("zhou.min", "周敏", "office_director", root),
                    person("li.jing", "李静", "office_clerk", root),
                    person("chen.hao", "陈浩", "department_head", root).in_department(activity),
                    person("wang.fang", "王芳", "department_staff", root).in_department(activity),
                    person("zhao.li", "赵丽", "department_staff", root).in_department(activity),
                    person("tang.li", "唐莉", "office_clerk", station),
                ]
                .map(PersonExt::with_email),
            )
            .await;
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

#[allow(unused_imports)]
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
            body = body.no_file("attachment");
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
        self.s()
            .notices()
            .create_notice(&self.wang, &self.draft_of_wang(), None)
            .await
            .unwrap()
    }

    /// What Wang writes to 活动部.
    pub fn draft_of_wang(&self) -> NoticeDraft {
        NoticeDraft {
            title: TITLE.into(),
            body: BODY.into(),
            category: "notice".into(),
            priority: "routine".into(),
            requires_ack: true,
            audience: vec![AudienceRule::Department {
                department: domain::DepartmentId(self.activity),
            }],
            ..Default::default()
        }
    }

    /// Wang's notice, sent for review and approved by the head: published now.
    pub async fn published(&self) -> i64 {
        publish(self.s(), &self.wang, &self.head, &self.draft_of_wang()).await
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

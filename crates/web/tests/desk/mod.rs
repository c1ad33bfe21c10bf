//! A feedback office for the staff-side stories: the running app of `common`, with a
//! station, two departments, an office clerk, a member of each department and an
//! evaluator, all with a password the tests know.

#![allow(dead_code)]

pub use crate::common::PASSWORD;
use crate::common::{ADMIN_PASSWORD, TestApp, location};
use domain::UnitId;
use services::feedback::{Intake, PhotoUpload, Submitted};
use services::{Institution, Services, Staff};
use testkit::scenario::{PersonExt, person, send};
/// The submitter's mobile number in every story.
pub const MOBILE: &str = "13907312233";
pub const MOBILE_MASKED: &str = "139****2233";

pub struct Desk {
    pub app: TestApp,
    pub institution: Institution,
    pub root: UnitId,
    pub station: UnitId,
    /// 活动部 and 培训部.
    pub activity: i64,
    pub training: i64,
    /// The office clerk 李静, over the whole centre.
    pub clerk: Staff,
    /// 赵丽, of the activities department.
    pub worker: Staff,
    /// 王培, of the training department.
    pub trainer: Staff,
    /// 高评估, the third-party evaluator: reads, never acts, sees no personal data.
    pub evaluator: Staff,
}

impl testkit::Fixture for Desk {
    async fn setup(db: &testkit::TestDb) -> Desk {
        let app = TestApp::setup(db).await;
        let org = app.org().await;
        let root = org.root;
        let station = org.add_station("城关镇文化站").await;
        let activity = org.add_department_of(root, "activity", "活动部").await;
        let training = org.add_department_of(root, "training", "培训部").await;
        let [clerk, worker, trainer, evaluator] = org
            .hire_all([
                person("li.jing", "李静", "office_clerk", root),
                person("zhao.li", "赵丽", "department_staff", root).in_department(activity),
                person("wang.pei", "王培", "department_staff", root).in_department(training),
                person("eval.gao", "高评估", "evaluator", root),
            ])
            .await;
        Desk {
            app,
            institution: org.institution,
            root,
            station,
            activity: activity.0,
            training: training.0,
            clerk,
            worker,
            trainer,
            evaluator,
        }
    }
}

#[allow(unused_imports)]
pub use super::common::staff;

impl Desk {
    pub fn s(&self) -> &Services {
        &self.app.services
    }

    /// A member of the public sends feedback through the web form.
    pub async fn submit(&self, text: &str, kind: &str) -> Submitted {
        self.submit_with(text, kind, Vec::new()).await
    }

    pub async fn submit_with(&self, text: &str, kind: &str, photos: Vec<PhotoUpload>) -> Submitted {
        let intake = Intake {
            mobile: Some(MOBILE.into()),
            contact_name: Some("王秀英".into()),
            ..testkit::scenario::intake(text, kind)
        };
        send(self.s(), &self.institution, intake, photos, None).await
    }

    /// A browser-like client signed in as `username`.
    pub async fn signed_in(&self, username: &str) -> reqwest::Client {
        let client = self.app.client();
        let password = if username == "admin" {
            ADMIN_PASSWORD
        } else {
            PASSWORD
        };
        self.app.sign_in(&client, username, password).await;
        client
    }

    /// The page at `path` as `client` sees it: status and HTML.
    pub async fn page(&self, client: &reqwest::Client, path: &str) -> (u16, String) {
        let response = client.get(self.app.at(path)).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }

    /// Posts an action form of the item page, with the version the page shows now.
    pub async fn act(
        &self,
        client: &reqwest::Client,
        id: i64,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let path = format!("/console/feedback/{id}");
        let (_, page) = self.page(client, &path).await;
        let version = version_in(&page);
        let mut form = vec![("version", version.as_str())];
        form.extend_from_slice(fields);
        self.app.post_form(client, &path, &path, &form).await
    }

    /// Acts, expects the redirect back with its notice, and gives the page it leads to.
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
        let action = fields
            .iter()
            .find(|(k, _)| *k == "action")
            .map(|(_, v)| *v)
            .unwrap_or_default();
        assert_eq!(to, format!("/console/feedback/{id}?done={action}"));
        let (status, page) = self.page(client, &to).await;
        assert_eq!(status, 200);
        assert!(page.contains("class=\"notice\""), "a notice after {action}");
        page
    }
}

/// The item's version as the page's forms carry it; empty when the page has no forms.
pub fn version_in(page: &str) -> String {
    let marker = "name=\"version\" value=\"";
    match page.find(marker) {
        Some(start) => page[start + marker.len()..]
            .split('"')
            .next()
            .unwrap()
            .to_owned(),
        None => String::new(),
    }
}

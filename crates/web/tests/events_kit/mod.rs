//! A cultural centre for the events console stories: the running app of `common`, with
//! the office director 周敏 and the office clerk 李静 over the centre, 王芳 of its 活动部
//! (department staff: drafts and checks in, does not publish), and 唐莉, clerk of
//! 城关镇文化站, who sees none of the centre's own activities. Everyone signs in with
//! [`PASSWORD`]. Members of the public sign in through the texted code.

#![allow(dead_code)]

pub use crate::common::PASSWORD;
use crate::common::{TestApp, location};
use domain::UnitId;
use services::{MemberSession, Services, Staff};
use testkit::scenario::{PersonExt, person};

pub const TITLE: &str = "少儿书法公益课";
/// The date's times as the form takes them: Saturday after the fixture's Monday.
pub const STARTS: &str = "2026-11-28T14:00";
pub const ENDS: &str = "2026-11-28T16:00";

pub struct EventsDesk {
    pub app: TestApp,
    pub root: UnitId,
    pub station: UnitId,
    pub director: Staff,
    pub clerk: Staff,
    pub wang: Staff,
    pub tang: Staff,
}

impl testkit::Fixture for EventsDesk {
    async fn setup(db: &testkit::TestDb) -> EventsDesk {
        let app = TestApp::setup(db).await;
        let org = app.org().await;
        let root = org.root;
        let station = org.add_station("城关镇文化站").await;
        let activity = org.add_department(root, "活动部").await;
        let [director, clerk, wang, tang] = org
            .hire_all([
                person("zhou.min", "周敏", "office_director", root),
                person("li.jing", "李静", "office_clerk", root),
                person("wang.fang", "王芳", "department_staff", root).in_department(activity),
                person("tang.li", "唐莉", "office_clerk", station),
            ])
            .await;
        EventsDesk {
            app,
            root,
            station,
            director,
            clerk,
            wang,
            tang,
        }
    }
}

impl EventsDesk {
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

    /// Posts a form of the page `page` to `action`, with that page's CSRF token.
    pub async fn post(
        &self,
        client: &reqwest::Client,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.app.post_form(client, page, action, fields).await
    }

    /// The activity form's fields for a first-come class of the centre, as typed.
    pub fn activity_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("title", TITLE.into()),
            (
                "description",
                "毛笔字入门，适合 8 到 12 岁的孩子，笔墨由文化馆提供。".into(),
            ),
            ("category", "training".into()),
            ("unit", self.root.0.to_string()),
            ("venue", "文化馆二楼书画室".into()),
            ("address", "青山县人民路 8 号".into()),
            ("position", String::new()),
            ("audience", "children".into()),
            ("age_min", String::new()),
            ("age_max", String::new()),
            ("contact", "0838-1234567".into()),
            ("booking", "per_date".into()),
            ("allocation", "first_come".into()),
            ("opens_at", String::new()),
            ("priority_opens_at", String::new()),
            ("closes_at", String::new()),
            ("cancel_hours", "24".into()),
            ("companions_max", "1".into()),
            ("seen", String::new()),
        ]
    }

    /// The clerk (or whoever `client` is) drafts the activity through the form; its id.
    pub async fn draft_through_the_form(&self, client: &reqwest::Client) -> i64 {
        let fields = self.activity_fields();
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = self
            .post(
                client,
                "/console/events/new",
                "/console/events/new",
                &fields,
            )
            .await;
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        let to = location(&response);
        let id = to
            .strip_prefix("/console/events/")
            .and_then(|rest| rest.split('?').next())
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| panic!("no activity id in {to}"));
        assert_eq!(to, format!("/console/events/{id}?done=created"));
        id
    }

    /// Adds the Saturday date with `seats` through the activity page's form; its id.
    pub async fn add_date_through_the_form(
        &self,
        client: &reqwest::Client,
        activity: i64,
        seats: &str,
    ) -> i64 {
        let path = format!("/console/events/{activity}");
        let response = self
            .post(
                client,
                &path,
                &path,
                &[
                    ("action", "add_date"),
                    ("starts_at", STARTS),
                    ("ends_at", ENDS),
                    ("capacity", seats),
                    ("r1_audience", ""),
                    ("r2_audience", ""),
                ],
            )
            .await;
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        assert_eq!(location(&response), format!("{path}?done=date_added"));
        let a = self
            .s()
            .events()
            .staff_activity(&self.clerk, activity)
            .await
            .unwrap();
        a.dates.last().expect("the new date").id
    }

    /// The version of the activity as its page shows it.
    pub async fn version(&self, activity: i64) -> i64 {
        self.s()
            .events()
            .staff_activity(&self.clerk, activity)
            .await
            .unwrap()
            .version
    }

    /// A member of the public signed in with the code texted to `mobile`.
    pub async fn member(&self, mobile: &str) -> MemberSession {
        let s = self.s();
        let institution = s.institution_for_host(None).await.unwrap().unwrap();
        s.send_member_code(&institution, mobile, None, i18n::Lang::ZhCn)
            .await
            .unwrap();
        let code = self.code_for(mobile).await;
        s.verify_member_code(&institution, mobile, &code, None, None)
            .await
            .unwrap()
            .1
    }

    /// The texted code that `mobile` was sent last.
    async fn code_for(&self, mobile: &str) -> String {
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

    /// `member` registers as `name` with one companion for `date`; their check-in code.
    pub async fn register(&self, member: &MemberSession, date: i64, name: &str) -> String {
        let form = services::events::RegistrationForm {
            name: name.into(),
            birth_year: "1988".into(),
            companions: vec![services::events::CompanionForm {
                name: "王小明".into(),
                birth_year: "2016".into(),
            }],
            ..Default::default()
        };
        self.s()
            .events()
            .register(member, date, &form)
            .await
            .unwrap()
            .code
    }

    /// A clerk's activity with a date, published by the director, through the pages.
    pub async fn published(&self) -> (i64, i64) {
        let clerk = self.signed_in("li.jing").await;
        let id = self.draft_through_the_form(&clerk).await;
        let date = self.add_date_through_the_form(&clerk, id, "30").await;
        let director = self.signed_in("zhou.min").await;
        let path = format!("/console/events/{id}");
        let version = self.version(id).await.to_string();
        let response = self
            .post(
                &director,
                &path,
                &path,
                &[("action", "publish"), ("version", &version)],
            )
            .await;
        assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
        (id, date)
    }
}

//! An institution built through the services, as its administrator builds it: stations,
//! departments, and staff of each role, signed in; and what a member of the public sends.
//!
//! [`App`] is the usual fixture (log gateways, a [`ManualClock`] at [`MONDAY_9AM`]); an
//! [`Org`] works on any `Services` (the web tests' running server, with an SMS gateway of
//! their own) once its administrator is signed in.

use crate::{Fixture, TestDb};
use domain::feedback::Channel;
use domain::{DepartmentId, ManualClock, Timestamp, UnitId, UserId};
use i18n::Lang;
use services::feedback::{Intake, PhotoUpload, Submitted};
use services::notices::{NoticeDraft, ReviewDecision};
use services::{Gateways, Institution, NewStaff, Principal, Services, Settings, Staff};
use std::sync::Arc;

/// 2026-11-23 09:00 in Beijing, a Monday.
pub const MONDAY_9AM: Timestamp = Timestamp(1_795_395_600_000);

/// Development gateways: messages are written to the log (and, by the services, the outbox).
pub fn gateways() -> Gateways {
    Gateways {
        sms: Arc::new(notify::LogGateway::new(notify::Channel::Sms)),
        email: Arc::new(notify::LogGateway::new(notify::Channel::Email)),
    }
}

/// Services on `db` with the log [`gateways`] and the clock given.
pub async fn services_on(db: &TestDb, clock: &ManualClock) -> Services {
    services_on_db(db.db.clone(), clock).await
}

/// Services on a database already open: a second node, or the server after a restart.
pub async fn services_on_db(db: store::Db, clock: &ManualClock) -> Services {
    Services::new(db, Arc::new(clock.clone()), gateways(), Settings::default())
        .await
        .unwrap()
}

/// Signs in on the services (from 10.0.0.1) and gives the staff member behind the session.
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

/// Someone to take on, in `unit`, with no department and no way to reach them.
pub fn person(username: &str, name: &str, role: &str, unit: UnitId) -> NewStaff {
    NewStaff {
        username: username.into(),
        display_name: name.into(),
        role: role.into(),
        unit: unit.to_string(),
        ..Default::default()
    }
}

/// What a story adds to a [`person`].
pub trait PersonExt {
    /// A member of `department`.
    fn in_department(self, department: DepartmentId) -> Self;
    /// With an e-mail address, `username@example.org`.
    fn with_email(self) -> Self;
    /// With the mobile number `1390731nnnn`, one of their own for each `n`.
    fn with_mobile(self, n: usize) -> Self;
}

impl PersonExt for NewStaff {
    fn in_department(self, department: DepartmentId) -> Self {
        NewStaff {
            department: Some(department.0.to_string()),
            ..self
        }
    }

    fn with_email(self) -> Self {
        NewStaff {
            email: Some(format!("{}@example.org", self.username)),
            ..self
        }
    }

    fn with_mobile(self, n: usize) -> Self {
        NewStaff {
            mobile: Some(format!("1390731{n:04}")),
            ..self
        }
    }
}

/// A request from a member of the public: `text` of `kind`, nothing else filled in.
pub fn intake(text: &str, kind: &str) -> Intake {
    Intake {
        text: text.into(),
        kind: kind.into(),
        ..Default::default()
    }
}

/// A member of the public sends `intake` by the web form, not signed in, in Chinese, from
/// `ip` (if any); it must be taken.
pub async fn send(
    services: &Services,
    institution: &Institution,
    intake: Intake,
    photos: Vec<PhotoUpload>,
    ip: Option<&str>,
) -> Submitted {
    services
        .feedback()
        .submit_feedback(
            institution,
            intake,
            photos,
            None,
            ip,
            Channel::Web,
            Lang::ZhCn,
        )
        .await
        .unwrap()
}

/// `author` writes `draft`, sends it for review, and `reviewer` approves it: published
/// now (unless it names a later time). Gives its id.
pub async fn publish(
    services: &Services,
    author: &Staff,
    reviewer: &Staff,
    draft: &NoticeDraft,
) -> i64 {
    let notices = services.notices();
    let id = notices.create_notice(author, draft, None).await.unwrap();
    notices.submit_notice(author, id).await.unwrap();
    notices
        .review_notice(reviewer, id, ReviewDecision::Approve, None, None)
        .await
        .unwrap();
    id
}

/// An institution as its administrator sees it, on any `Services`.
pub struct Org {
    pub services: Services,
    pub institution: Institution,
    /// The administrator, signed in.
    pub admin: Staff,
    /// The centre: the institution's root unit.
    pub root: UnitId,
    /// The password each person taken on chooses at their first sign-in; `None`: they keep
    /// the one-time password they were given.
    pub password: Option<&'static str>,
}

impl Org {
    /// The default institution of `services`, its administrator signed in.
    pub async fn open(services: &Services, admin: Staff, password: Option<&'static str>) -> Org {
        let institution = services.institution_for_host(None).await.unwrap().unwrap();
        let root = services.org_tree(institution.id).await.unwrap().units[0].id;
        Org {
            services: services.clone(),
            institution,
            admin,
            root,
            password,
        }
    }

    /// A unit of `kind` under `parent`.
    pub async fn add_unit(&self, parent: UnitId, kind: &str, name: &str) -> UnitId {
        self.services
            .add_unit(&self.admin, parent, kind, name)
            .await
            .unwrap()
    }

    /// A station under the centre.
    pub async fn add_station(&self, name: &str) -> UnitId {
        self.add_unit(self.root, "station", name).await
    }

    /// An activities department of `unit`.
    pub async fn add_department(&self, unit: UnitId, name: &str) -> DepartmentId {
        self.add_department_of(unit, "activity", name).await
    }

    /// A department of `kind` (activity, training, …) of `unit`.
    pub async fn add_department_of(&self, unit: UnitId, kind: &str, name: &str) -> DepartmentId {
        self.services
            .add_department(&self.admin, unit, kind, name)
            .await
            .unwrap()
    }

    /// The administrator takes one person on; their id and first password.
    pub async fn create(&self, new: NewStaff) -> (UserId, String) {
        self.services.create_staff(&self.admin, new).await.unwrap()
    }

    /// The administrator takes one person on (a department head becomes the head of their
    /// department) and, if the scenario says so, they choose its password; their id.
    pub async fn enrol(&self, new: NewStaff) -> (UserId, String) {
        let (id, one_time) = self.create(new.clone()).await;
        if let (true, Some(department)) = (new.role == "department_head", &new.department) {
            let department = DepartmentId(department.parse().unwrap());
            self.services
                .set_department_head(&self.admin, department, Some(id))
                .await
                .unwrap();
        }
        let Some(password) = self.password else {
            return (id, one_time);
        };
        let first = staff(&self.services, &new.username, &one_time).await;
        self.services
            .change_password(&first, &one_time, password, password)
            .await
            .unwrap();
        (id, password.to_owned())
    }

    /// [`Org::enrol`], and they sign in.
    pub async fn hire(&self, new: NewStaff) -> Staff {
        let username = new.username.clone();
        let (_, password) = self.enrol(new).await;
        staff(&self.services, &username, &password).await
    }

    /// [`Org::hire`] for each; the staff come back in the order given.
    pub async fn hire_all<const N: usize>(&self, people: [NewStaff; N]) -> [Staff; N] {
        let mut signed_in = Vec::with_capacity(N);
        for new in people {
            signed_in.push(self.hire(new).await);
        }
        <[Staff; N]>::try_from(signed_in).unwrap_or_else(|_| unreachable!())
    }

    /// The usual centre: adds 城关镇文化站 and 活动部.
    pub async fn centre(&self) -> Centre {
        let station = self.add_station("城关镇文化站").await;
        let activity = self.add_department(self.root, "活动部").await;
        Centre {
            root: self.root,
            station,
            activity,
        }
    }

    /// A member of the public sends `intake` by the web form (see [`send`]).
    pub async fn send(&self, intake: Intake) -> Submitted {
        send(&self.services, &self.institution, intake, Vec::new(), None).await
    }

    /// A member of the public asks for something (`request`) about `unit`.
    pub async fn send_about(&self, unit: UnitId, text: &str) -> Submitted {
        self.send(Intake {
            unit: Some(unit.to_string()),
            ..intake(text, "request")
        })
        .await
    }
}

/// The usual centre of the stories: 城关镇文化站 under it and its 活动部, and the people
/// the stories take on there, by role.
pub struct Centre {
    pub root: UnitId,
    /// 城关镇文化站.
    pub station: UnitId,
    /// 活动部, of the centre.
    pub activity: DepartmentId,
}

impl Centre {
    /// 周主任, office director over the centre.
    pub fn director(&self) -> NewStaff {
        person("director", "周主任", "office_director", self.root)
    }

    /// 李文员, office clerk over the centre.
    pub fn clerk(&self) -> NewStaff {
        person("clerk", "李文员", "office_clerk", self.root)
    }

    /// 陈部长, head of 活动部.
    pub fn head(&self) -> NewStaff {
        person("head", "陈部长", "department_head", self.root).in_department(self.activity)
    }

    /// A member of staff of 活动部.
    pub fn member(&self, username: &str, name: &str) -> NewStaff {
        person(username, name, "department_staff", self.root).in_department(self.activity)
    }

    /// 唐莉, office clerk of 城关镇文化站: outside 活动部 and the centre's office.
    pub fn station_clerk(&self) -> NewStaff {
        person("tang", "唐莉", "office_clerk", self.station)
    }
}

/// A fresh institution with its first administrator (keeping the one-time password), on
/// the log gateways and a clock the test controls.
pub struct App {
    pub org: Org,
    pub clock: ManualClock,
    pub admin_password: String,
}

impl std::ops::Deref for App {
    type Target = Org;

    fn deref(&self) -> &Org {
        &self.org
    }
}

impl Fixture for App {
    async fn setup(db: &TestDb) -> App {
        let clock = ManualClock::new(MONDAY_9AM);
        let services = services_on(db, &clock).await;
        let (username, password) = services.ensure_first_admin().await.unwrap().unwrap();
        let admin = staff(&services, &username, &password).await;
        App {
            org: Org::open(&services, admin, None).await,
            clock,
            admin_password: password,
        }
    }
}

/// An empty deployment filled with the demo (`serve --demo`).
pub struct Demo {
    pub services: Services,
    pub accounts: services::DemoAccounts,
}

impl Fixture for Demo {
    async fn setup(db: &TestDb) -> Demo {
        let services = services_on(db, &ManualClock::new(MONDAY_9AM)).await;
        let accounts = services.seed_demo().await.unwrap();
        Demo { services, accounts }
    }
}

impl Demo {
    /// One of the demo staff, signed in with the demo's shared password.
    pub async fn staff(&self, username: &str) -> Staff {
        staff(&self.services, username, &self.accounts.password).await
    }
}

/// The fields a refusal names, each with its message key; panics on any other error, so
/// that a story states the error a user would see.
pub fn field_errors(e: services::ServiceError) -> Vec<(String, i18n::Key)> {
    match e {
        services::ServiceError::Invalid(invalid) => {
            invalid.0.into_iter().map(|f| (f.field, f.key)).collect()
        }
        other => panic!("expected field errors, got {other:?}"),
    }
}

/// The fields a refusal names (see [`field_errors`]).
pub fn fields(e: services::ServiceError) -> Vec<String> {
    field_errors(e)
        .into_iter()
        .map(|(field, _)| field)
        .collect()
}

/// The message key of a refusal that names no field; panics on any other error.
pub fn refusal(e: services::ServiceError) -> i18n::Key {
    match e {
        services::ServiceError::Refused { key, .. } => key,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

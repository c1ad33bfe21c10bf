//! A fresh institution with its first administrator, on a clock the test controls.

#![allow(dead_code)]

use domain::{DepartmentId, ManualClock, Timestamp, UnitId};
use services::{Gateways, Institution, NewStaff, Principal, Services, Settings, Staff};
use std::sync::Arc;

/// 2026-11-23 09:00 in Beijing, a Monday.
pub const MONDAY_9AM: Timestamp = Timestamp(1_795_395_600_000);

pub struct App {
    pub services: Services,
    pub clock: ManualClock,
    pub institution: Institution,
    pub admin: Staff,
    pub admin_password: String,
}

impl testkit::Fixture for App {
    async fn setup(db: &testkit::TestDb) -> App {
        let clock = ManualClock::new(MONDAY_9AM);
        let gateways = gateways();
        let services = Services::new(
            db.db.clone(),
            Arc::new(clock.clone()),
            gateways,
            Settings::default(),
        )
        .await
        .unwrap();
        let (username, password) = services.ensure_first_admin().await.unwrap().unwrap();
        let institution = services.institution_for_host(None).await.unwrap().unwrap();
        let admin = staff(&services, &username, &password).await;
        App {
            services,
            clock,
            institution,
            admin,
            admin_password: password,
        }
    }
}

impl App {
    /// The centre: the institution's root unit.
    pub async fn root(&self) -> UnitId {
        self.services
            .org_tree(self.institution.id)
            .await
            .unwrap()
            .units[0]
            .id
    }

    /// A station under the centre.
    pub async fn add_station(&self, name: &str) -> UnitId {
        let root = self.root().await;
        self.services
            .add_unit(&self.admin, root, "station", name)
            .await
            .unwrap()
    }

    /// An activities department of `unit`.
    pub async fn add_department(&self, unit: UnitId, name: &str) -> DepartmentId {
        self.services
            .add_department(&self.admin, unit, "activity", name)
            .await
            .unwrap()
    }

    /// The administrator takes each person on, makes each department head the head of their
    /// department, and each signs in; the staff come back in the order given.
    pub async fn hire_all<const N: usize>(&self, people: [NewStaff; N]) -> [Staff; N] {
        let mut signed_in = Vec::with_capacity(N);
        for new in people {
            signed_in.push(self.hire(new).await);
        }
        <[Staff; N]>::try_from(signed_in).unwrap_or_else(|_| unreachable!())
    }

    /// The administrator takes one person on (a department head becomes the head of their
    /// department) and they sign in.
    pub async fn hire(&self, new: NewStaff) -> Staff {
        let (id, password) = self.create(new.clone()).await;
        if let (true, Some(department)) = (new.role == "department_head", &new.department) {
            let department = DepartmentId(department.parse().unwrap());
            self.services
                .set_department_head(&self.admin, department, Some(id))
                .await
                .unwrap();
        }
        staff(&self.services, &new.username, &password).await
    }

    /// A member of the public sends `intake` by the web form, not signed in, in Chinese.
    pub async fn send(&self, intake: services::feedback::Intake) -> services::feedback::Submitted {
        self.services
            .feedback()
            .submit_feedback(
                &self.institution,
                intake,
                Vec::new(),
                None,
                None,
                domain::feedback::Channel::Web,
                i18n::Lang::ZhCn,
            )
            .await
            .unwrap()
    }

    /// The administrator takes one person on; their id and first password.
    pub async fn create(&self, new: NewStaff) -> (domain::UserId, String) {
        self.services.create_staff(&self.admin, new).await.unwrap()
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

/// What a story adds to a `person`.
pub trait PersonExt {
    /// A member of `department`.
    fn in_department(self, department: DepartmentId) -> Self;
    /// With an e-mail address, `username@example.org`.
    fn with_email(self) -> Self;
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
}

/// Development gateways: messages are written to the log (and, by the services, the outbox).
pub fn gateways() -> Gateways {
    Gateways {
        sms: Arc::new(notify::LogGateway::new(notify::Channel::Sms)),
        email: Arc::new(notify::LogGateway::new(notify::Channel::Email)),
    }
}

/// Signs in and gives the staff member behind the session.
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

/// An empty deployment filled with the demo (`serve --demo`).
pub struct Demo {
    pub services: Services,
    pub accounts: services::DemoAccounts,
}

impl testkit::Fixture for Demo {
    async fn setup(db: &testkit::TestDb) -> Demo {
        let services = Services::new(
            db.db.clone(),
            Arc::new(ManualClock::new(MONDAY_9AM)),
            gateways(),
            Settings::default(),
        )
        .await
        .unwrap();
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

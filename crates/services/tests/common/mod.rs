//! A fresh institution with its first administrator, on a clock the test controls.

#![allow(dead_code)]

use domain::{ManualClock, Timestamp};
use services::{Gateways, Institution, Principal, Services, Settings, Staff};
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

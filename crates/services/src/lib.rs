//! CultureDesk's application: the capabilities composed on one shared core.
//!
//! [`Services`] holds the [`Desk`] (people, organisation, sign-in, audit, outbox) and each
//! capability's facade: `services.feedback().…`, `services.notices().…`,
//! `services.events().…`. It dereferences
//! to the desk, so the core's methods are called on it directly. Each method checks who may
//! do it (on the server, for the action and the row), validates the input with errors that
//! name the field, does the work in one transaction, and writes the audit log in that same
//! transaction — so a failed request changes nothing. The web layer only translates HTTP
//! to these calls and back.
//!
//! Besides composing, this crate holds what spans capabilities: the demo institution
//! ([`demo`]), which each capability fills in its own module, and the one place where one
//! capability hands work to another: an activity's rating comment filed as feedback
//! (`ratings`).

pub mod demo;
mod ratings;

pub use ::events;
pub use ::feedback;
pub use ::notices;
pub use demo::DemoAccounts;
pub use desk::{
    Arg, AuditEntryView, AuditFilter, CodeSent, Desk, Gateways, Institution, LoginOutcome,
    MemberSession, NewStaff, OrgTree, Origin, PickFor, PickablePerson, Principal, ServiceError,
    ServiceResult, Staff, StaffMember, UnitNode, new_token,
};

use domain::Clock;
use events::Events;
use feedback::Feedback;
use jobs::Worker;
use notices::Notices;
use std::ops::Deref;
use std::sync::Arc;
use store::Db;

/// Settings the services need from the configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where the public reaches this server, for links in messages: `https://wh.example.org`.
    pub public_url: String,
    /// Unique per process; names this node's worker in the job table.
    pub node_name: String,
    /// An embeddings endpoint for similar items (`[embeddings]`); `None`: the built-in
    /// method alone.
    pub embeddings: Option<feedback::EmbeddingsEndpoint>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            public_url: "http://127.0.0.1:8080".into(),
            node_name: format!("node-{:08x}", rand::random::<u32>()),
            embeddings: None,
        }
    }
}

/// The application. Cheap to clone.
#[derive(Clone)]
pub struct Services {
    desk: Desk,
    feedback: Feedback,
    notices: Notices,
    events: Events,
    settings: Settings,
}

impl Deref for Services {
    type Target = Desk;
    fn deref(&self) -> &Desk {
        &self.desk
    }
}

impl Services {
    /// Connects the services to a migrated database.
    pub async fn new(
        db: Db,
        clock: Arc<dyn Clock>,
        gateways: Gateways,
        settings: Settings,
    ) -> ServiceResult<Services> {
        let core = desk::Settings {
            public_url: settings.public_url.clone(),
            node_name: settings.node_name.clone(),
        };
        let desk = Desk::new(db, clock, gateways, core).await?;
        let feedback = Feedback::new(desk.clone(), settings.embeddings.clone());
        let comments = Arc::new(ratings::CommentsToFeedback(feedback.clone()));
        Ok(Services {
            events: Events::new(desk.clone(), comments),
            feedback,
            notices: Notices::new(desk.clone())?,
            desk,
            settings,
        })
    }

    /// The settings the application was started with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The public feedback loop.
    pub fn feedback(&self) -> &Feedback {
        &self.feedback
    }

    /// Internal notices, the group robots and the staff suggestion box.
    pub fn notices(&self) -> &Notices {
        &self.notices
    }

    /// Events and training: activities, registration, check-in, ratings.
    pub fn events(&self) -> &Events {
        &self.events
    }

    /// The background worker with every handler and schedule of the application.
    pub fn worker(&self) -> Worker {
        let worker = self.desk.worker();
        let worker = self.feedback.add_work(worker);
        let worker = self.notices.add_work(worker);
        self.events.add_work(worker)
    }
}

//! CultureDesk's application services: everything staff, members of the public and the
//! system itself can do, as methods on [`Services`].
//!
//! Each method checks who may do it (on the server, for the action and the row), validates
//! the input with errors that name the field, does the work in one transaction, and writes
//! the audit log in that same transaction — so a failed request changes nothing.
//! The web layer only translates HTTP to these calls and back.

mod accounts;
mod audit;
mod auth;
mod error;
pub mod feedback;
mod members;
mod messages;
pub mod notices;
mod org;
mod rate_limit;
mod secrets;
mod tenancy;

pub mod demo;
mod demo_feedback;
mod demo_notices;

pub use accounts::{NewStaff, StaffMember};
pub use audit::AuditEntryView;
pub use auth::{LoginOutcome, Origin, Principal, Staff};
pub use demo::DemoAccounts;
pub use error::{Arg, ServiceError, ServiceResult};
pub use members::{CodeSent, MemberSession};
pub use org::{OrgTree, PickFor, PickablePerson, UnitNode};
pub use secrets::new_token;
pub use tenancy::Institution;

use domain::Clock;
use jobs::{Queue, Schedule, Worker};
use notify::Gateway;
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

/// The outgoing channels.
#[derive(Clone)]
pub struct Gateways {
    pub sms: Arc<dyn Gateway>,
    pub email: Arc<dyn Gateway>,
}

/// The application. Cheap to clone.
#[derive(Clone)]
pub struct Services(Arc<Inner>);

struct Inner {
    db: Db,
    clock: Arc<dyn Clock>,
    queue: Queue,
    gateways: Gateways,
    settings: Settings,
    keys: secrets::Keys,
    setups: feedback::SetupCache,
    institutions: tenancy::InstitutionCache,
    local_counts: rate_limit::LocalCounts,
    intake: feedback::IntakeWriter,
    tracking: feedback::TrackingNumbers,
    readers: feedback::Readers,
    live: notices::live::LiveNotices,
    /// Posts notices to the DingTalk and WeCom group robots.
    robots: notify::RobotGateway,
}

impl Services {
    /// Connects the services to a migrated database.
    pub async fn new(
        db: Db,
        clock: Arc<dyn Clock>,
        gateways: Gateways,
        settings: Settings,
    ) -> ServiceResult<Services> {
        let keys = secrets::Keys::load(&db, clock.now()).await?;
        let intake = feedback::IntakeWriter::start(db.clone());
        let robots = notify::RobotGateway::new(notices::robot_labels())
            .map_err(|e| ServiceError::Internal(format!("group robots: {e}")))?;
        Ok(Services(Arc::new(Inner {
            queue: Queue::new(clock.clone()),
            db,
            clock,
            gateways,
            settings,
            keys,
            setups: Default::default(),
            institutions: Default::default(),
            local_counts: Default::default(),
            intake,
            tracking: Default::default(),
            readers: Default::default(),
            live: Default::default(),
            robots,
        })))
    }

    pub fn db(&self) -> &Db {
        &self.0.db
    }

    pub fn now(&self) -> domain::Timestamp {
        self.0.clock.now()
    }

    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }

    /// This node's broadcast of notice changes, for live console sessions.
    pub fn live(&self) -> &notices::live::LiveNotices {
        &self.0.live
    }

    /// The key that signs CSRF tokens; the same on every node.
    pub fn csrf_key(&self) -> &[u8] {
        &self.0.keys.csrf
    }

    /// The background worker with every handler and schedule of the application.
    pub fn worker(&self) -> Worker {
        let worker = Worker::new(
            self.0.db.clone(),
            self.0.clock.clone(),
            self.0.queue.clone(),
            self.0.settings.node_name.clone(),
        )
        .handle(messages::SendMessage(self.clone()))
        .handle(tenancy::Housekeeping(self.clone()))
        .handle(feedback::Sweep(self.clone()))
        .handle(feedback::ComputeFigures(self.clone()))
        .handle(feedback::Retention(self.clone()))
        .handle(feedback::SearchFill(self.clone()))
        .handle(feedback::EmbeddingsFill(self.clone()))
        .handle(notices::FanOut(self.clone()))
        .handle(notices::DeliverySweep(self.clone()))
        .handle(notices::RobotSend(self.clone()))
        .every(Schedule {
            kind: tenancy::HOUSEKEEPING,
            every_ms: domain::time::HOUR_MS,
        })
        .every(Schedule {
            kind: feedback::SWEEP,
            every_ms: domain::time::MINUTE_MS,
        })
        .every(Schedule {
            kind: feedback::FIGURES,
            every_ms: 5 * domain::time::MINUTE_MS,
        })
        .every(Schedule {
            kind: feedback::RETENTION,
            every_ms: domain::time::DAY_MS,
        })
        .every(Schedule {
            kind: notices::DELIVERY_SWEEP,
            every_ms: domain::time::MINUTE_MS,
        })
        .every(Schedule {
            kind: feedback::SEARCH_FILL,
            every_ms: 5 * domain::time::MINUTE_MS,
        });
        // Older items' vectors, only where an endpoint is configured.
        match self.0.settings.embeddings {
            Some(_) => worker.every(Schedule {
                kind: feedback::EMBEDDINGS_FILL,
                every_ms: domain::time::MINUTE_MS,
            }),
            None => worker,
        }
    }
}

pub use store::audit::Filter as AuditFilter;

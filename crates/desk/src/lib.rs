//! The desk every capability sits at: CultureDesk's shared core.
//!
//! [`Desk`] holds what feedback, notices and every later capability share: the database,
//! the clock, the job queue, the outgoing channels, the secrets, and the methods for the
//! institution and its people — sign-in ([`auth`], [`members`]), staff accounts, the
//! organisation tree and its directory of heads ([`org`]), authorisation, the audit log,
//! rate limits, the review chain's actions ([`review`]), and the outbox that sends messages
//! exactly once ([`messages`]).
//!
//! A capability crate (`feedback`, `notices`, …) wraps a `Desk` in its own facade and
//! dereferences to it, so its methods read the desk's context as their own. The desk knows
//! no capability: what a capability must do when the core changes (a new institution, a
//! member's verified mobile, a change to the organisation) it learns through [`Hooks`].

pub mod accounts;
pub mod audit;
pub mod auth;
mod error;
pub mod members;
pub mod messages;
pub mod org;
pub mod rate_limit;
pub mod review;
pub mod secrets;
pub mod tenancy;

pub use accounts::{NewStaff, StaffMember};
pub use audit::AuditEntryView;
pub use auth::{LoginOutcome, Origin, Principal, Staff};
pub use error::{Arg, ServiceError, ServiceResult};
pub use members::{CodeSent, MemberSession};
pub use org::{OrgTree, PickFor, PickablePerson, UnitNode};
pub use review::Review;
pub use secrets::new_token;
pub use store::audit::Filter as AuditFilter;
pub use tenancy::Institution;

use domain::{Clock, MemberId, TenantId};
use jobs::{Queue, Schedule, Worker};
use notify::Gateway;
use std::sync::{Arc, RwLock, Weak};
use store::Db;

/// Settings the core needs from the configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where the public reaches this server, for links in messages: `https://wh.example.org`.
    pub public_url: String,
    /// Unique per process; names this node's worker in the job table.
    pub node_name: String,
}

/// The outgoing channels.
#[derive(Clone)]
pub struct Gateways {
    pub sms: Arc<dyn Gateway>,
    pub email: Arc<dyn Gateway>,
}

/// What a capability does when something happens in the core. Each call runs inside the
/// core's transaction where there is one, so a failed hook undoes the whole change.
#[async_trait::async_trait]
pub trait Hooks: Send + Sync {
    /// A new institution: write the capability's defaults.
    async fn institution_created(&self, tx: &store::Tx, tenant: TenantId) -> ServiceResult<()>;
    /// A member proved they hold `mobile`: take over what was sent with it before.
    async fn member_verified(
        &self,
        tx: &store::Tx,
        tenant: TenantId,
        mobile: &str,
        member: MemberId,
    ) -> ServiceResult<()>;
    /// The organisation (units, departments, heads) changed: forget what was read from it.
    fn organisation_changed(&self, tenant: TenantId);
}

/// The shared core. Cheap to clone.
#[derive(Clone)]
pub struct Desk(Arc<Inner>);

struct Inner {
    db: Db,
    clock: Arc<dyn Clock>,
    queue: Queue,
    gateways: Gateways,
    settings: Settings,
    keys: secrets::Keys,
    institutions: tenancy::InstitutionCache,
    local_counts: rate_limit::LocalCounts,
    /// Weak, because each capability holds the desk: a strong link back would keep both
    /// alive for ever.
    hooks: RwLock<Vec<Weak<dyn Hooks>>>,
}

impl Desk {
    /// Connects the core to a migrated database.
    pub async fn new(
        db: Db,
        clock: Arc<dyn Clock>,
        gateways: Gateways,
        settings: Settings,
    ) -> ServiceResult<Desk> {
        let keys = secrets::Keys::load(&db, clock.now()).await?;
        Ok(Desk(Arc::new(Inner {
            queue: Queue::new(clock.clone()),
            db,
            clock,
            gateways,
            settings,
            keys,
            institutions: Default::default(),
            local_counts: Default::default(),
            hooks: Default::default(),
        })))
    }

    /// Tells `hooks` of what happens in the core from now on.
    pub fn subscribe(&self, hooks: Weak<dyn Hooks>) {
        if let Ok(mut all) = self.0.hooks.write() {
            all.push(hooks);
        }
    }

    fn hooks(&self) -> Vec<Arc<dyn Hooks>> {
        match self.0.hooks.read() {
            Ok(all) => all.iter().filter_map(Weak::upgrade).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Tells every capability that the organisation of `tenant` changed.
    pub fn organisation_changed(&self, tenant: TenantId) {
        for hooks in self.hooks() {
            hooks.organisation_changed(tenant);
        }
    }

    pub fn db(&self) -> &Db {
        &self.0.db
    }

    pub fn now(&self) -> domain::Timestamp {
        self.0.clock.now()
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.0.clock
    }

    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }

    /// The in-process job queue; jobs are written in the caller's transaction.
    pub fn queue(&self) -> &Queue {
        &self.0.queue
    }

    pub fn gateways(&self) -> &Gateways {
        &self.0.gateways
    }

    /// The keys that sign tracking links and codes; the same on every node.
    pub fn keys(&self) -> &secrets::Keys {
        &self.0.keys
    }

    /// The key that signs CSRF tokens; the same on every node.
    pub fn csrf_key(&self) -> &[u8] {
        &self.0.keys.csrf
    }

    /// The background worker with the core's handlers and schedules; each capability adds
    /// its own.
    pub fn worker(&self) -> Worker {
        Worker::new(
            self.0.db.clone(),
            self.0.clock.clone(),
            self.0.queue.clone(),
            self.0.settings.node_name.clone(),
        )
        .handle(messages::SendMessage(self.clone()))
        .handle(tenancy::Housekeeping(self.clone()))
        .every(Schedule {
            kind: tenancy::HOUSEKEEPING,
            every_ms: domain::time::HOUR_MS,
        })
    }
}

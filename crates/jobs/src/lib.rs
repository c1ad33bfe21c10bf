//! CultureDesk's background worker.
//!
//! Jobs live in the database (`jobs` table), so they survive restarts and any server node
//! may run them. A [`Worker`] claims due jobs under a lease (a dead worker's jobs become
//! due again when the lease runs out), runs their [`Handler`], and retries failures with
//! exponential backoff. Handlers must be idempotent: a job may run more than once when a
//! worker dies between doing the work and recording it.
//!
//! Recurring work (deadline sweeps, clean-ups) is a [`Schedule`]: each period becomes one
//! job whose dedupe key names the period, so several nodes enqueueing it still run it once.
//!
//! Time comes from a [`domain::Clock`]; tests drive the worker with [`Worker::run_due`]
//! after moving a manual clock, never by sleeping.

mod queue;
mod worker;

pub use queue::{NewJob, Queue};
pub use worker::{Handler, Job, JobError, Schedule, Worker};

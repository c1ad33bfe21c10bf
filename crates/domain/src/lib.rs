//! CultureDesk's domain: the types and rules every other crate speaks in.
//!
//! Pure: no database, no network, no clock reads except through [`time::Clock`].

#[macro_use]
mod codes;

pub mod calendar;
pub mod deadlines;
pub mod event;
pub mod feedback;
pub mod ids;
pub mod notice;
pub mod org;
pub mod priority;
pub mod review;
pub mod roles;
pub mod throttle;
pub mod time;
pub mod validate;

pub use ids::*;
pub use org::{DepartmentKind, UnitKind, UnitPath};
pub use roles::{Actor, ConsolePowers, Grant, Permission, Role};
pub use time::{Clock, ManualClock, SystemClock, Timestamp};
pub use validate::{Checks, FieldError, Invalid};

//! Typed ids, so a user id cannot be passed where a unit id is meant.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    )*};
}

ids! {
    /// An institution (文化馆, library, museum, school) hosted in this deployment: the tenant.
    TenantId;
    /// A unit of the organisation tree: the centre, a station, a service point.
    UnitId;
    /// A department inside a unit (办公室, 活动部, …).
    DepartmentId;
    /// A staff account.
    UserId;
    /// A member of the public, known by a verified mobile number.
    MemberId;
    /// A background job.
    JobId;
}

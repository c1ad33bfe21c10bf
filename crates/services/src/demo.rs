//! The demo institution.

//! The lottery (摇号): a draw anyone can recompute, so nobody has to trust the centre.
//!
//! When a popular class has more applications than seats, the order in which applications
//! are served comes from a random seed the server cannot choose after the fact:
//!
//! 1. When applications open, the server draws a 32-byte seed and publishes only its
//!    [`commitment`]: `hex(sha256(hex(seed)))`.
//! 2. When applications close, the list of application numbers (`A0001`, …) with the
//!    seats each asks for is frozen and published.
//! 3. Then the seed is revealed. Anyone checks it against the commitment
//!    ([`verify_commitment`]) and recomputes the draw: each application's key is
//!    `hex(sha256(seed_hex + ":" + application_no))`; the [`draw_order`] sorts by key,
//!    ties by application number.
//! 4. [`allocate`] walks the drawn order: an application wins if all its seats are still
//!    free, else it joins the waiting list in drawn order; a later, smaller application
//!    can still win (the same "first that fits" rule as [`super::waiting::next_offer`]).
//!
//! Hex is always lower case. `docs/lottery.md` states the procedure for the public, and
//! `scripts/verify_lottery.py` recomputes it with nothing but Python's standard library.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// The seed's length in bytes.
pub const SEED_BYTES: usize = 32;

/// A draw that cannot be made from what was given.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LotteryError {
    #[error("the seed must be {} hex digits", SEED_BYTES * 2)]
    BadSeed,
    #[error("application {0} is listed twice")]
    Duplicate(String),
    #[error("application {0} has no number of seats")]
    NoSize(String),
}

/// An application and the seats it asks for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Application {
    pub number: String,
    pub seats: u32,
}

/// The outcome of a draw: winners and the waiting list, both in drawn order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub winners: Vec<Application>,
    pub waiting: Vec<Application>,
}

/// The seed as published: 64 lower-case hex digits.
pub fn seed_hex(seed: &[u8; SEED_BYTES]) -> String {
    hex::encode(seed)
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// What is published when applications open: `hex(sha256(hex(seed)))`.
pub fn commitment(seed: &[u8; SEED_BYTES]) -> String {
    sha256_hex(&seed_hex(seed))
}

/// The seed's hex in lower case, if it is one.
fn normalise_seed(seed_hex: &str) -> Result<String, LotteryError> {
    let s = seed_hex.trim().to_ascii_lowercase();
    if s.len() == SEED_BYTES * 2 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(s)
    } else {
        Err(LotteryError::BadSeed)
    }
}

/// Whether the revealed seed is the one committed to (hex in either case).
pub fn verify_commitment(seed_hex: &str, commitment: &str) -> bool {
    normalise_seed(seed_hex)
        .is_ok_and(|seed| sha256_hex(&seed).eq_ignore_ascii_case(commitment.trim()))
}

/// An application's key in the draw: `hex(sha256(seed_hex + ":" + application_no))`.
pub fn draw_key(seed_hex: &str, application_no: &str) -> Result<String, LotteryError> {
    let seed = normalise_seed(seed_hex)?;
    Ok(sha256_hex(&format!("{seed}:{application_no}")))
}

/// The frozen application numbers in drawn order: by key, ties by number.
pub fn draw_order<S: AsRef<str>>(
    seed_hex: &str,
    applications: &[S],
) -> Result<Vec<String>, LotteryError> {
    let seed = normalise_seed(seed_hex)?;
    let mut seen = HashSet::with_capacity(applications.len());
    let mut keyed = Vec::with_capacity(applications.len());
    for a in applications {
        let a = a.as_ref();
        if !seen.insert(a) {
            return Err(LotteryError::Duplicate(a.to_owned()));
        }
        keyed.push((sha256_hex(&format!("{seed}:{a}")), a));
    }
    keyed.sort_unstable();
    Ok(keyed.into_iter().map(|(_, a)| a.to_owned()).collect())
}

/// Walks the drawn `order`: an application wins while all its seats (from `sizes`) are
/// still free among `seats`; otherwise it waits, in drawn order.
pub fn allocate<S: AsRef<str>>(
    order: &[S],
    sizes: &HashMap<String, u32>,
    seats: u32,
) -> Result<Allocation, LotteryError> {
    let mut free = seats;
    let mut out = Allocation::default();
    for number in order {
        let number = number.as_ref();
        let wanted = *sizes
            .get(number)
            .ok_or_else(|| LotteryError::NoSize(number.to_owned()))?;
        let application = Application {
            number: number.to_owned(),
            seats: wanted,
        };
        if wanted <= free {
            free -= wanted;
            out.winners.push(application);
        } else {
            out.waiting.push(application);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;

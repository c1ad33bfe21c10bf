//! A date's capacity (名额) and its reserved pools, after pretix's quotas.
//!
//! A county centre often keeps some seats of a popular date for people it must reach:
//! residents of a township far from the centre, or older people who do not register
//! online in the first minute. A [`Reserve`] holds seats for an [`Audience`] until its
//! `released_at`; after that its unused seats join the general pool, so a reserve that
//! nobody from its audience wanted never leaves seats empty.
//!
//! Each person of a party takes one seat. A person who qualifies for a reserve uses the
//! reserve first, and the general pool only when the reserve is full, so the general pool
//! stays open for everyone else. A party is placed whole or not at all: a family is not
//! split between "registered" and "not registered".

use crate::{Timestamp, UnitId};
use serde::{Deserialize, Serialize};

/// Whom a reserve is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Audience {
    /// Residents of a township (the member's township unit); the whole party qualifies.
    Township { unit: UnitId },
    /// Each person of at least this age on the date.
    AgedAtLeast { years: u8 },
}

/// Seats held back for an audience until `released_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reserve {
    pub audience: Audience,
    pub seats: u32,
    pub released_at: Timestamp,
}

impl Reserve {
    pub fn is_released(&self, now: Timestamp) -> bool {
        now >= self.released_at
    }
}

/// A date's capacity: `total` seats, some of them held in reserves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "QuotaParts", into = "QuotaParts")]
pub struct Quota {
    total: u32,
    reserves: Vec<Reserve>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct QuotaParts {
    total: u32,
    reserves: Vec<Reserve>,
}

/// A quota whose reserves could not all be honoured.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuotaError {
    #[error("the reserves hold {reserved} seats but the date has only {total}")]
    ReservesExceedTotal { reserved: u64, total: u32 },
}

impl Quota {
    pub fn new(total: u32, reserves: Vec<Reserve>) -> Result<Quota, QuotaError> {
        let reserved: u64 = reserves.iter().map(|r| u64::from(r.seats)).sum();
        if reserved > u64::from(total) {
            return Err(QuotaError::ReservesExceedTotal { reserved, total });
        }
        Ok(Quota { total, reserves })
    }

    pub fn total(&self) -> u32 {
        self.total
    }

    pub fn reserves(&self) -> &[Reserve] {
        &self.reserves
    }

    /// Seats free in reserve `index` for its audience now: none once it is released.
    fn reserve_free(&self, index: usize, taken: &Taken, now: Timestamp) -> u32 {
        match self.reserves.get(index) {
            Some(r) if !r.is_released(now) => r.seats.saturating_sub(taken.in_reserve(index)),
            _ => 0,
        }
    }

    /// Seats anyone may take now: the free seats less those unreleased reserves still hold.
    pub fn general_free(&self, taken: &Taken, now: Timestamp) -> u32 {
        let held: u64 = (0..self.reserves.len())
            .map(|i| u64::from(self.reserve_free(i, taken, now)))
            .sum();
        let free = u64::from(self.total).saturating_sub(taken.sum());
        u32::try_from(free.saturating_sub(held)).unwrap_or(u32::MAX)
    }
}

impl TryFrom<QuotaParts> for Quota {
    type Error = QuotaError;
    fn try_from(parts: QuotaParts) -> Result<Quota, QuotaError> {
        Quota::new(parts.total, parts.reserves)
    }
}

impl From<Quota> for QuotaParts {
    fn from(q: Quota) -> QuotaParts {
        QuotaParts {
            total: q.total,
            reserves: q.reserves,
        }
    }
}

/// Seats already taken on a date, per pool: `reserves[i]` counts those charged to the
/// quota's reserve `i`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taken {
    pub general: u32,
    pub reserves: Vec<u32>,
}

impl Taken {
    fn in_reserve(&self, index: usize) -> u32 {
        self.reserves.get(index).copied().unwrap_or(0)
    }

    pub fn sum(&self) -> u64 {
        u64::from(self.general) + self.reserves.iter().map(|&n| u64::from(n)).sum::<u64>()
    }

    /// Adds a placement's charges.
    pub fn charge(&mut self, charges: &[Charge]) {
        for c in charges {
            match c.pool {
                Pool::General => self.general += c.seats,
                Pool::Reserve(i) => {
                    if self.reserves.len() <= i {
                        self.reserves.resize(i + 1, 0);
                    }
                    self.reserves[i] += c.seats;
                }
            }
        }
    }
}

/// Who wants seats: the member's township and the age on the date of every person coming,
/// the member included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    pub township: Option<UnitId>,
    pub ages: Vec<u8>,
}

impl Party {
    /// The party of people born in `birth_years` (the member first), with their ages in
    /// the year of the date starting at `starts_at`, as [`super::companion::age_at`] counts.
    pub fn at_date(township: Option<UnitId>, birth_years: &[i32], starts_at: Timestamp) -> Party {
        let ages = birth_years
            .iter()
            .map(|&y| {
                let age = super::companion::age_at(y, starts_at).clamp(0, i32::from(u8::MAX));
                u8::try_from(age).unwrap_or(u8::MAX)
            })
            .collect();
        Party { township, ages }
    }

    pub fn seats(&self) -> u32 {
        u32::try_from(self.ages.len()).unwrap_or(u32::MAX)
    }

    fn qualifies(&self, age: u8, audience: Audience) -> bool {
        match audience {
            Audience::Township { unit } => self.township == Some(unit),
            Audience::AgedAtLeast { years } => age >= years,
        }
    }
}

/// A pool seats are charged to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Pool {
    General,
    /// The quota's reserve at this index.
    Reserve(usize),
}

/// `seats` of a party charged to `pool`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Charge {
    pub pool: Pool,
    pub seats: u32,
}

/// Where a party goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Every seat placed; reserves first, in the quota's order, then the general pool.
    Placed(Vec<Charge>),
    /// Not every person could be seated, so nobody is.
    Full,
}

/// Places `party` on a date with `taken` seats already gone.
///
/// Each person is matched to a reserve they qualify for with a free seat, as many people
/// as possible (a maximum matching, so one person's choice never blocks another's only
/// reserve); the rest need the general pool. An empty party is placed nowhere.
pub fn place(quota: &Quota, taken: &Taken, party: &Party, now: Timestamp) -> Placement {
    let free: Vec<u32> = (0..quota.reserves.len())
        .map(|i| quota.reserve_free(i, taken, now))
        .collect();
    let matched = match_to_reserves(quota, party, &free);
    let in_reserves = matched.iter().filter(|m| m.is_some()).count();
    let general = party.ages.len() - in_reserves;
    // The total check matters only when reserves hold more than is free, as when a
    // release time is moved later after the general pool used the reserve's seats.
    let total_free = u64::from(quota.total).saturating_sub(taken.sum());
    if general as u64 > u64::from(quota.general_free(taken, now))
        || u64::from(party.seats()) > total_free
    {
        return Placement::Full;
    }
    Placement::Placed(charges(&matched, general))
}

/// For each person, the reserve they are seated in, if any.
fn match_to_reserves(quota: &Quota, party: &Party, free: &[u32]) -> Vec<Option<usize>> {
    let mut seat_of: Vec<Option<usize>> = vec![None; party.ages.len()];
    for person in 0..party.ages.len() {
        let mut visited = vec![false; free.len()];
        augment(quota, party, free, person, &mut seat_of, &mut visited);
    }
    seat_of
}

/// Kuhn's augmenting path over reserves with `free[r]` seats each.
fn augment(
    quota: &Quota,
    party: &Party,
    free: &[u32],
    person: usize,
    seat_of: &mut Vec<Option<usize>>,
    visited: &mut Vec<bool>,
) -> bool {
    for (r, reserve) in quota.reserves.iter().enumerate() {
        if visited[r] || free[r] == 0 || !party.qualifies(party.ages[person], reserve.audience) {
            continue;
        }
        visited[r] = true;
        let holders: Vec<usize> = (0..seat_of.len())
            .filter(|&p| seat_of[p] == Some(r))
            .collect();
        if (holders.len() as u64) < u64::from(free[r]) {
            seat_of[person] = Some(r);
            return true;
        }
        for holder in holders {
            if augment(quota, party, free, holder, seat_of, visited) {
                seat_of[person] = Some(r);
                return true;
            }
        }
    }
    false
}

fn charges(seat_of: &[Option<usize>], general: usize) -> Vec<Charge> {
    let mut per_reserve = std::collections::BTreeMap::<usize, u32>::new();
    for r in seat_of.iter().flatten() {
        *per_reserve.entry(*r).or_default() += 1;
    }
    let mut out: Vec<Charge> = per_reserve
        .into_iter()
        .map(|(r, seats)| Charge {
            pool: Pool::Reserve(r),
            seats,
        })
        .collect();
    if general > 0 {
        out.push(Charge {
            pool: Pool::General,
            seats: u32::try_from(general).unwrap_or(u32::MAX),
        });
    }
    out
}

#[cfg(test)]
mod tests;

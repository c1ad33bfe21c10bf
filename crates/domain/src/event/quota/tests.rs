use super::*;
use proptest::prelude::*;

const EAST: UnitId = UnitId(7);
const WEST: UnitId = UnitId(8);
const RELEASE: Timestamp = Timestamp(1_000_000);
const BEFORE: Timestamp = Timestamp(999_999);
const AFTER: Timestamp = Timestamp(1_000_000);

fn township(unit: UnitId, seats: u32) -> Reserve {
    Reserve {
        audience: Audience::Township { unit },
        seats,
        released_at: RELEASE,
    }
}

fn elders(seats: u32) -> Reserve {
    Reserve {
        audience: Audience::AgedAtLeast { years: 65 },
        seats,
        released_at: RELEASE,
    }
}

fn party(township: Option<UnitId>, ages: &[u8]) -> Party {
    Party {
        township,
        ages: ages.to_vec(),
    }
}

fn general(seats: u32) -> Charge {
    Charge {
        pool: Pool::General,
        seats,
    }
}

fn reserve(index: usize, seats: u32) -> Charge {
    Charge {
        pool: Pool::Reserve(index),
        seats,
    }
}

#[test]
fn a_party_counts_ages_in_the_year_of_the_date() {
    // 2026-06-01 12:00 China time.
    let june_2026 = Timestamp(1_780_286_400_000);
    assert_eq!(
        Party::at_date(Some(EAST), &[1956, 2016, 2030], june_2026),
        party(Some(EAST), &[70, 10, 0])
    );
}

#[test]
fn reserves_may_not_hold_more_than_the_total() {
    assert_eq!(
        Quota::new(10, vec![township(EAST, 6), elders(5)]),
        Err(QuotaError::ReservesExceedTotal {
            reserved: 11,
            total: 10
        })
    );
    assert!(Quota::new(10, vec![township(EAST, 5), elders(5)]).is_ok());
}

#[test]
fn before_release_outsiders_only_get_the_general_pool() {
    let quota = Quota::new(10, vec![township(EAST, 4)]).unwrap();
    let taken = Taken {
        general: 5,
        reserves: vec![0],
    };
    // 10 - 4 held - 5 taken = 1 general seat left.
    assert_eq!(quota.general_free(&taken, BEFORE), 1);
    assert_eq!(
        place(&quota, &taken, &party(Some(WEST), &[30]), BEFORE),
        Placement::Placed(vec![general(1)])
    );
    assert_eq!(
        place(&quota, &taken, &party(Some(WEST), &[30, 5]), BEFORE),
        Placement::Full
    );
    assert_eq!(
        place(&quota, &taken, &party(None, &[30, 5]), BEFORE),
        Placement::Full
    );
}

#[test]
fn residents_use_their_reserve_first() {
    let quota = Quota::new(10, vec![township(EAST, 4)]).unwrap();
    let taken = Taken::default();
    assert_eq!(
        place(&quota, &taken, &party(Some(EAST), &[30, 5]), BEFORE),
        Placement::Placed(vec![reserve(0, 2)])
    );
    // Reserve nearly full: one seat there, the rest from the general pool.
    let taken = Taken {
        general: 0,
        reserves: vec![3],
    };
    assert_eq!(
        place(&quota, &taken, &party(Some(EAST), &[30, 5, 3]), BEFORE),
        Placement::Placed(vec![reserve(0, 1), general(2)])
    );
}

#[test]
fn an_age_reserve_seats_only_the_old_enough_of_a_party() {
    let quota = Quota::new(4, vec![elders(2)]).unwrap();
    let taken = Taken {
        general: 1,
        reserves: vec![0],
    };
    // Grandmother 70 from the reserve, child 8 from the one general seat left.
    assert_eq!(
        place(&quota, &taken, &party(None, &[70, 8]), BEFORE),
        Placement::Placed(vec![reserve(0, 1), general(1)])
    );
    // Two children cannot both come: only one general seat.
    assert_eq!(
        place(&quota, &taken, &party(None, &[70, 8, 6]), BEFORE),
        Placement::Full
    );
}

#[test]
fn a_person_who_fits_two_reserves_leaves_the_only_one_for_another() {
    // Person 0 is an elder resident of EAST; person 1 is a resident child. The elder seat
    // must go to the elder, the township seat to the child, with no general seat at all.
    let quota = Quota::new(2, vec![township(EAST, 1), elders(1)]).unwrap();
    assert_eq!(
        place(
            &quota,
            &Taken::default(),
            &party(Some(EAST), &[70, 8]),
            BEFORE
        ),
        Placement::Placed(vec![reserve(0, 1), reserve(1, 1)])
    );
    assert_eq!(
        place(
            &quota,
            &Taken::default(),
            &party(Some(EAST), &[8, 70]),
            BEFORE
        ),
        Placement::Placed(vec![reserve(0, 1), reserve(1, 1)])
    );
}

#[test]
fn a_release_moved_later_never_oversells() {
    // Released at 1_000_000 and the general pool took every seat; then staff move the
    // release later. The reserve's seats are gone, whatever the reserve says.
    let quota = Quota::new(4, vec![township(EAST, 2)]).unwrap();
    let taken = Taken {
        general: 4,
        reserves: vec![0],
    };
    assert_eq!(
        place(&quota, &taken, &party(Some(EAST), &[30]), BEFORE),
        Placement::Full
    );
}

#[test]
fn after_release_unused_reserved_seats_are_anyones() {
    let quota = Quota::new(10, vec![township(EAST, 4)]).unwrap();
    let taken = Taken {
        general: 6,
        reserves: vec![1],
    };
    assert_eq!(quota.general_free(&taken, BEFORE), 0);
    assert_eq!(quota.general_free(&taken, AFTER), 3);
    assert_eq!(
        place(&quota, &taken, &party(Some(WEST), &[30, 5, 4]), AFTER),
        Placement::Placed(vec![general(3)])
    );
    assert_eq!(
        place(&quota, &taken, &party(Some(EAST), &[30, 5, 4, 2]), AFTER),
        Placement::Full
    );
}

// ---- properties over random quotas and arrivals ----

fn arb_quota() -> impl Strategy<Value = Quota> {
    let reserve = (
        prop_oneof![
            (7i64..=9).prop_map(|u| Audience::Township { unit: UnitId(u) }),
            (50u8..=80).prop_map(|years| Audience::AgedAtLeast { years }),
        ],
        0u32..6,
        0i64..100,
    )
        .prop_map(|(audience, seats, at)| Reserve {
            audience,
            seats,
            released_at: Timestamp(at),
        });
    (0u32..30, prop::collection::vec(reserve, 0..4)).prop_map(|(extra, reserves)| {
        let held: u32 = reserves.iter().map(|r| r.seats).sum();
        Quota::new(held + extra, reserves).unwrap()
    })
}

fn arb_arrival() -> impl Strategy<Value = (Party, Timestamp)> {
    (
        prop::option::of((7i64..=10).prop_map(UnitId)),
        prop::collection::vec(0u8..=90, 1..=5),
        0i64..120,
    )
        .prop_map(|(township, ages, at)| (Party { township, ages }, Timestamp(at)))
}

proptest! {
    #[test]
    fn never_more_seats_than_the_total_whatever_the_order(
        quota in arb_quota(),
        arrivals in prop::collection::vec(arb_arrival(), 0..40),
    ) {
        // Arrival times are not sorted: a release time moved later must not break this.
        let mut taken = Taken::default();
        for (party, at) in &arrivals {
            if let Placement::Placed(charges) = place(&quota, &taken, party, *at) {
                let seats: u32 = charges.iter().map(|c| c.seats).sum();
                prop_assert_eq!(seats, party.seats(), "placed whole");
                taken.charge(&charges);
            }
            prop_assert!(taken.sum() <= u64::from(quota.total()));
            for (i, r) in quota.reserves().iter().enumerate() {
                prop_assert!(taken.reserves.get(i).copied().unwrap_or(0) <= r.seats);
            }
        }
    }

    #[test]
    fn a_released_reserve_never_strands_seats(
        quota in arb_quota(),
        arrivals in prop::collection::vec(arb_arrival(), 0..40),
        late in arb_arrival(),
    ) {
        let mut taken = Taken::default();
        for (party, at) in &arrivals {
            if let Placement::Placed(charges) = place(&quota, &taken, party, *at) {
                taken.charge(&charges);
            }
        }
        // Once every reserve is released, anyone whose party fits the free seats is placed.
        let after_all = Timestamp(1_000);
        let free = u64::from(quota.total()) - taken.sum();
        let placed = matches!(place(&quota, &taken, &late.0, after_all), Placement::Placed(_));
        prop_assert_eq!(placed, u64::from(late.0.seats()) <= free);
    }

    #[test]
    fn qualifying_never_hurts(
        quota in arb_quota(),
        ages in prop::collection::vec(0u8..=90, 1..=5),
        general in 0u32..10,
        at in 0i64..120,
    ) {
        // Anyone an outsider's party fits, a resident party of the same ages fits too.
        let taken = Taken { general, reserves: vec![] };
        let outsider = Party { township: Some(UnitId(99)), ages: ages.clone() };
        let resident = Party { township: Some(UnitId(7)), ages };
        if matches!(place(&quota, &taken, &outsider, Timestamp(at)), Placement::Placed(_)) {
            prop_assert!(matches!(place(&quota, &taken, &resident, Timestamp(at)), Placement::Placed(_)));
        }
    }
}

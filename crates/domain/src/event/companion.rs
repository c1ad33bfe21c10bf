//! Companions (同行人): the children and relatives a member brings, and who may come.
//!
//! A member registers a party: themselves and up to [`MAX_COMPANIONS`] companions, each
//! known only by a name and a birth year (no ID card numbers: the centre does not need
//! them and should not hold them). The same companion typed twice (`张小明` and
//! `张小明 `, or `Tom` and `ｔｏｍ`) must count as one person, so duplicates are found by a
//! normalised [`CompanionKey`], not by the text as typed.
//!
//! Ages are counted the way age limits for children's classes are published
//! ("2016 年及以后出生"): the year of the date less the birth year.

use crate::Timestamp;
use crate::time::china;
use crate::validate::{Checks, FieldError};
use i18n::Key;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The most companions one registration may bring.
pub const MAX_COMPANIONS: usize = 4;
/// The longest companion name, in characters.
pub const MAX_NAME: usize = 20;
/// The earliest birth year accepted.
pub const EARLIEST_BIRTH_YEAR: i32 = 1900;

/// One person a member brings along.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Companion {
    pub name: String,
    pub birth_year: i32,
}

/// The identity of a companion under one member: the same key is the same person.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CompanionKey(pub String);

impl Companion {
    /// Name trimmed, inner whitespace collapsed to one space, full-width forms made
    /// half-width, case folded; then the birth year: `tom lee#2016`.
    pub fn key(&self) -> CompanionKey {
        CompanionKey(format!(
            "{}#{}",
            normalise_name(&self.name),
            self.birth_year
        ))
    }

    /// The age this companion reaches in the year of `date` (China time).
    pub fn age_at(&self, date: Timestamp) -> i32 {
        age_at(self.birth_year, date)
    }
}

/// The age someone born in `birth_year` reaches in the year of `date` (China time).
pub fn age_at(birth_year: i32, date: Timestamp) -> i32 {
    year_of(date) - birth_year
}

fn year_of(t: Timestamp) -> i32 {
    i32::from(t.in_zone(&china()).year())
}

/// A name as compared: full-width letters, digits and spaces made half-width, whitespace
/// trimmed and collapsed, lower case.
pub fn normalise_name(name: &str) -> String {
    let half: String = name.chars().map(half_width).collect();
    half.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Checks the companions of a registration form; fields are `companions`,
/// `companions[i].name` and `companions[i].birth_year`. Returns them with names trimmed
/// and collapsed.
pub fn check_companions(
    companions: &[Companion],
    now: Timestamp,
    checks: &mut Checks,
) -> Vec<Companion> {
    if companions.len() > MAX_COMPANIONS {
        checks.push(
            FieldError::new("companions", Key::event_err_too_many_companions)
                .with("max", MAX_COMPANIONS),
        );
    }
    let this_year = year_of(now);
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(companions.len());
    for (i, c) in companions.iter().enumerate() {
        let name_field = format!("companions[{i}].name");
        let name = checks.text(&name_field, &c.name, MAX_NAME);
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if !(EARLIEST_BIRTH_YEAR..=this_year).contains(&c.birth_year) {
            checks.push(
                FieldError::new(format!("companions[{i}].birth_year"), Key::err_range)
                    .with("min", EARLIEST_BIRTH_YEAR)
                    .with("max", this_year),
            );
        }
        let companion = Companion {
            name,
            birth_year: c.birth_year,
        };
        if !companion.name.is_empty() && !seen.insert(companion.key()) {
            checks.push(FieldError::new(name_field, Key::event_err_companion_twice));
        }
        out.push(companion);
    }
    out
}

/// An activity's age limits, each optional, inclusive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeRange {
    pub min: Option<u8>,
    pub max: Option<u8>,
}

/// Which person of a party.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Who {
    Member,
    /// The companion at this index of the registration.
    Companion {
        index: usize,
    },
}

/// One person of a party, as the age check needs them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attendee {
    pub who: Who,
    pub name: String,
    pub birth_year: i32,
}

/// A person of the party outside the activity's age range.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AgeRefusal {
    #[error("{name} is {age}, younger than {min}")]
    TooYoung {
        who: Who,
        name: String,
        age: i32,
        min: u8,
    },
    #[error("{name} is {age}, older than {max}")]
    TooOld {
        who: Who,
        name: String,
        age: i32,
        max: u8,
    },
}

impl AgeRange {
    /// Every person of the party outside the range on the date starting at `starts_at`.
    pub fn check(&self, party: &[Attendee], starts_at: Timestamp) -> Result<(), Vec<AgeRefusal>> {
        let refusals: Vec<AgeRefusal> = party
            .iter()
            .filter_map(|p| self.refusal(p, age_at(p.birth_year, starts_at)))
            .collect();
        if refusals.is_empty() {
            Ok(())
        } else {
            Err(refusals)
        }
    }

    fn refusal(&self, p: &Attendee, age: i32) -> Option<AgeRefusal> {
        let (who, name) = (p.who, p.name.clone());
        match (self.min, self.max) {
            (Some(min), _) if age < i32::from(min) => Some(AgeRefusal::TooYoung {
                who,
                name,
                age,
                min,
            }),
            (_, Some(max)) if age > i32::from(max) => Some(AgeRefusal::TooOld {
                who,
                name,
                age,
                max,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Invalid;
    use proptest::prelude::*;

    /// 2026-06-01 12:00 China time.
    const JUNE_2026: Timestamp = Timestamp(1_780_286_400_000);
    /// 2026-12-31 16:30 UTC, already 2027-01-01 00:30 in China.
    const NEW_YEAR_IN_CHINA: Timestamp = Timestamp(1_798_734_600_000);

    fn c(name: &str, birth_year: i32) -> Companion {
        Companion {
            name: name.into(),
            birth_year,
        }
    }

    fn fields(result: Result<(), Invalid>) -> Vec<(String, Key)> {
        match result {
            Ok(()) => Vec::new(),
            Err(Invalid(errors)) => errors.into_iter().map(|e| (e.field, e.key)).collect(),
        }
    }

    fn check(companions: &[Companion], now: Timestamp) -> Vec<(String, Key)> {
        let mut checks = Checks::new();
        check_companions(companions, now, &mut checks);
        fields(checks.finish())
    }

    #[test]
    fn the_same_person_typed_differently_has_one_key() {
        let key = c("Tom  Lee", 2016).key();
        for typed in [" tom lee ", "ＴＯＭ　ＬＥＥ", "TOM\tLEE", "Tom Lee"] {
            assert_eq!(c(typed, 2016).key(), key, "{typed:?}");
        }
        assert_eq!(c("张小明", 2016).key(), c(" 张小明　", 2016).key());
        assert_ne!(c("张小明", 2016).key(), c("张小明", 2017).key());
        assert_ne!(c("张小明", 2016).key(), c("张晓明", 2016).key());
        assert_eq!(c("ＡＢ１２", 2000).key().0, "ab12#2000");
    }

    #[test]
    fn companions_are_checked_field_by_field() {
        assert_eq!(
            check(&[c("张小明", 2016), c("李奶奶", 1950)], JUNE_2026),
            vec![]
        );
        assert_eq!(
            check(
                &[
                    c("  ", 2016),
                    c(&"名".repeat(21), 2016),
                    c("王", 1899),
                    c("赵", 2027)
                ],
                JUNE_2026
            ),
            vec![
                ("companions[0].name".into(), Key::err_required),
                ("companions[1].name".into(), Key::err_too_long),
                ("companions[2].birth_year".into(), Key::err_range),
                ("companions[3].birth_year".into(), Key::err_range),
            ]
        );
        // Twenty characters is fine; this year and 1900 are the limits.
        assert_eq!(
            check(&[c(&"名".repeat(20), 1900), c("婴", 2026)], JUNE_2026),
            vec![]
        );
        // In China it is already 2027.
        assert_eq!(check(&[c("婴", 2027)], NEW_YEAR_IN_CHINA), vec![]);
    }

    #[test]
    fn birth_year_error_names_the_range() {
        let mut checks = Checks::new();
        check_companions(&[c("王", 1800)], JUNE_2026, &mut checks);
        let Err(Invalid(errors)) = checks.finish() else {
            panic!("accepted 1800");
        };
        assert_eq!(
            errors[0].message(&i18n::Tr::new(i18n::Lang::En)),
            "Enter a number from 1900 to 2026"
        );
    }

    #[test]
    fn at_most_four_companions_and_nobody_twice() {
        let five: Vec<_> = (0..5).map(|i| c(&format!("孩子{i}"), 2015)).collect();
        assert_eq!(
            check(&five, JUNE_2026),
            vec![("companions".into(), Key::event_err_too_many_companions)]
        );
        assert_eq!(check(&five[..4], JUNE_2026), vec![]);
        assert_eq!(
            check(
                &[c("Tom", 2016), c("李", 2016), c("ｔｏｍ ", 2016)],
                JUNE_2026
            ),
            vec![("companions[2].name".into(), Key::event_err_companion_twice)]
        );
    }

    #[test]
    fn checked_names_are_trimmed_and_collapsed() {
        let mut checks = Checks::new();
        let out = check_companions(&[c("  Tom   Lee ", 2016)], JUNE_2026, &mut checks);
        assert_eq!(out[0].name, "Tom Lee");
    }

    #[test]
    fn age_is_the_year_of_the_date_less_the_birth_year() {
        assert_eq!(c("a", 2016).age_at(JUNE_2026), 10);
        assert_eq!(c("a", 2016).age_at(NEW_YEAR_IN_CHINA), 11);
    }

    fn attendee(who: Who, name: &str, birth_year: i32) -> Attendee {
        Attendee {
            who,
            name: name.into(),
            birth_year,
        }
    }

    #[test]
    fn an_age_range_names_each_person_outside_it() {
        let range = AgeRange {
            min: Some(6),
            max: Some(12),
        };
        let party = [
            attendee(Who::Member, "妈妈", 1990),
            attendee(Who::Companion { index: 0 }, "大宝", 2014),
            attendee(Who::Companion { index: 1 }, "二宝", 2021),
        ];
        assert_eq!(range.check(&party[1..2], JUNE_2026), Ok(()), "12 is within");
        assert_eq!(
            range.check(&party, JUNE_2026),
            Err(vec![
                AgeRefusal::TooOld {
                    who: Who::Member,
                    name: "妈妈".into(),
                    age: 36,
                    max: 12
                },
                AgeRefusal::TooYoung {
                    who: Who::Companion { index: 1 },
                    name: "二宝".into(),
                    age: 5,
                    min: 6
                },
            ])
        );
        assert_eq!(AgeRange::default().check(&party, JUNE_2026), Ok(()));
        let adults_only = AgeRange {
            min: Some(18),
            max: None,
        };
        assert_eq!(adults_only.check(&party, JUNE_2026).unwrap_err().len(), 2);
    }

    proptest! {
        #[test]
        fn key_ignores_spacing_width_and_case(name in "[a-zA-Z\u{4e00}-\u{4e10}]{1,4}( [a-zA-Z]{1,4})?", year in 1900i32..2026) {
            let spaced = format!("  {}  ", name.replace(' ', " \u{3000} ").to_uppercase());
            prop_assert_eq!(c(&spaced, year).key(), c(&name, year).key());
        }

        #[test]
        fn age_range_agrees_with_the_age(birth in 1900i32..=2026, min in prop::option::of(0u8..100), max in prop::option::of(0u8..100)) {
            let range = AgeRange { min, max };
            let age = 2026 - birth;
            let inside = min.is_none_or(|m| age >= i32::from(m)) && max.is_none_or(|m| age <= i32::from(m));
            let party = [attendee(Who::Member, "x", birth)];
            prop_assert_eq!(range.check(&party, JUNE_2026).is_ok(), inside);
        }
    }
}

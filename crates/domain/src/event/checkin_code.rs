//! The short check-in code (签到码): what a member shows or reads out at the door.
//!
//! Each registration holds a random 40-bit number; its code is those 40 bits as 8
//! characters of 5 bits each, grouped `ABCD-EFGH` so it can be read out in two breaths
//! and typed by a volunteer on a phone.
//!
//! The alphabet is Crockford's base 32: `0123456789ABCDEFGHJKMNPQRSTVWXYZ`. A code never
//! shows O, I or L (nor U), so every glyph that could be misread has one meaning: a round
//! one is the digit 0, an upright stroke is the digit 1. Leaving out 0 and 1 as well is not
//! possible: 31 symbols cannot carry 40 bits in 8 characters (31⁸ < 2⁴⁰).
//!
//! Reading a code back forgives what people type: any case, spaces and dashes anywhere,
//! full-width characters from a Chinese input method, and the look-alikes: `O` is read as
//! `0`, `I` and `L` as `1`. A `U` is refused rather than guessed at.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The 32 symbols, in value order.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a code, without the dash.
pub const CODE_LEN: usize = 8;
/// The number of bits a code carries.
pub const BITS: u32 = 40;

/// A registration's check-in number: below 2⁴⁰.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CheckinNumber(u64);

/// Text that is not a check-in code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("a check-in code has {CODE_LEN} characters, not {found}")]
    WrongLength { found: usize },
    #[error("{0:?} does not occur in check-in codes")]
    BadCharacter(char),
}

impl CheckinNumber {
    /// `None` unless `n` fits in 40 bits.
    pub fn new(n: u64) -> Option<CheckinNumber> {
        (n >> BITS == 0).then_some(CheckinNumber(n))
    }

    /// The number from random bits: the low 40 of them.
    pub fn from_random(bits: u64) -> CheckinNumber {
        CheckinNumber(bits & ((1 << BITS) - 1))
    }

    pub fn get(self) -> u64 {
        self.0
    }

    /// The code, `ABCD-EFGH`.
    pub fn code(self) -> String {
        let chars: Vec<char> = (0..CODE_LEN)
            .rev()
            .map(|i| ALPHABET[((self.0 >> (5 * i)) & 31) as usize] as char)
            .collect();
        let (first, second) = chars.split_at(CODE_LEN / 2);
        format!(
            "{}-{}",
            first.iter().collect::<String>(),
            second.iter().collect::<String>()
        )
    }

    /// The number from a code as typed.
    pub fn parse(typed: &str) -> Result<CheckinNumber, CodeError> {
        let mut values = Vec::with_capacity(CODE_LEN);
        for c in typed.chars().map(half_width) {
            if c.is_whitespace() || matches!(c, '-' | '‐' | '–' | '—' | '_') {
                continue;
            }
            values.push(value_of(c).ok_or(CodeError::BadCharacter(c))?);
        }
        if values.len() != CODE_LEN {
            return Err(CodeError::WrongLength {
                found: values.len(),
            });
        }
        Ok(CheckinNumber(
            values.iter().fold(0u64, |n, &v| (n << 5) | u64::from(v)),
        ))
    }
}

impl fmt::Display for CheckinNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// The value of a typed character, look-alikes folded.
fn value_of(c: char) -> Option<u8> {
    let folded = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    let byte = u8::try_from(folded).ok()?;
    ALPHABET
        .iter()
        .position(|&a| a == byte)
        .and_then(|p| u8::try_from(p).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_are_eight_characters_in_two_groups() {
        assert_eq!(CheckinNumber::new(0).unwrap().code(), "0000-0000");
        assert_eq!(CheckinNumber::new(31).unwrap().code(), "0000-000Z");
        assert_eq!(CheckinNumber::new(32).unwrap().code(), "0000-0010");
        assert_eq!(
            CheckinNumber::new((1 << 40) - 1).unwrap().code(),
            "ZZZZ-ZZZZ"
        );
        assert_eq!(CheckinNumber::new(1 << 40), None);
        assert_eq!(CheckinNumber::from_random(u64::MAX).get(), (1 << 40) - 1);
    }

    #[test]
    fn the_alphabet_has_no_letters_that_look_like_digits() {
        for c in [b'O', b'I', b'L', b'U'] {
            assert!(!ALPHABET.contains(&c), "{}", c as char);
        }
        let mut sorted = ALPHABET.to_vec();
        sorted.dedup();
        assert_eq!(sorted.len(), 32);
    }

    #[test]
    fn typed_codes_are_forgiven() {
        let n = CheckinNumber::parse("7KQ2-M9XD").unwrap();
        for typed in [
            "7kq2m9xd",
            " 7KQ2 M9XD ",
            "7-K-Q-2-M-9-X-D",
            "７ＫＱ２－Ｍ９ＸＤ",
            "7kq2　m9xd",
        ] {
            assert_eq!(CheckinNumber::parse(typed), Ok(n), "{typed:?}");
        }
        let zero_one = CheckinNumber::parse("0001-1100").unwrap();
        for typed in ["OOO1-11OO", "ooOl-IiOO", "000L-LI00"] {
            assert_eq!(CheckinNumber::parse(typed), Ok(zero_one), "{typed:?}");
        }
    }

    #[test]
    fn what_is_not_a_code_is_refused() {
        assert_eq!(
            CheckinNumber::parse("7KQ2-M9X"),
            Err(CodeError::WrongLength { found: 7 })
        );
        assert_eq!(
            CheckinNumber::parse("7KQ2-M9XDD"),
            Err(CodeError::WrongLength { found: 9 })
        );
        assert_eq!(
            CheckinNumber::parse("7KQ2-M9XU"),
            Err(CodeError::BadCharacter('U'))
        );
        assert_eq!(
            CheckinNumber::parse("7KQ2-M9X*"),
            Err(CodeError::BadCharacter('*'))
        );
        assert_eq!(
            CheckinNumber::parse("签到码12345678"),
            Err(CodeError::BadCharacter('签'))
        );
    }

    proptest! {
        #[test]
        fn every_number_survives_its_code(bits in any::<u64>(), lower in any::<bool>()) {
            let n = CheckinNumber::from_random(bits);
            let code = n.code();
            prop_assert_eq!(code.len(), 9);
            prop_assert!(!code.contains(['O', 'I', 'L', 'U']));
            let typed = if lower { code.to_lowercase().replace('-', " ") } else { code };
            prop_assert_eq!(CheckinNumber::parse(&typed), Ok(n));
        }
    }
}

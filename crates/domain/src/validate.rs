//! Validation of what people type, with errors that name the field.

use i18n::{Key, Tr};
use serde::Serialize;

/// One problem with one field of a request; the message comes from the catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name as the form or JSON body calls it (`mobile`, `rows[3].text`).
    pub field: String,
    pub key: Key,
    /// Values for the message's `{placeholders}`.
    pub args: Vec<(&'static str, String)>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, key: Key) -> Self {
        FieldError {
            field: field.into(),
            key,
            args: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }

    pub fn message(&self, t: &Tr) -> String {
        let args: Vec<(&str, &dyn std::fmt::Display)> = self
            .args
            .iter()
            .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
            .collect();
        t.fill(self.key, &args)
    }
}

/// A request that failed validation; nothing was changed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid input: {}", .0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>().join(", "))]
pub struct Invalid(pub Vec<FieldError>);

/// Collects field errors while checking a request, then fails once with all of them.
#[derive(Debug, Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    pub fn new() -> Self {
        Checks::default()
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// Trims `value`; records an error when it is empty or longer than `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.push(FieldError::new(field, Key::err_required));
        } else if value.chars().count() > max {
            self.push(FieldError::new(field, Key::err_too_long).with("max", max));
        }
        value.to_owned()
    }

    /// Like [`Checks::text`] but an empty value is `None`, not an error.
    pub fn optional_text(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?;
        if value.chars().count() > max {
            self.push(FieldError::new(field, Key::err_too_long).with("max", max));
        }
        Some(value.to_owned())
    }

    pub fn mobile(&mut self, field: &str, value: &str) -> Option<String> {
        let normalized = normalize_mobile(value);
        if normalized.is_none() {
            let key = if value.trim().is_empty() {
                Key::err_required
            } else {
                Key::err_mobile
            };
            self.push(FieldError::new(field, key));
        }
        normalized
    }

    pub fn email(&mut self, field: &str, value: &str) -> Option<String> {
        let value = value.trim();
        if is_plausible_email(value) {
            Some(value.to_ascii_lowercase())
        } else {
            self.push(FieldError::new(field, Key::err_email));
            None
        }
    }

    /// Records `key` against `field` when `value` is missing; passes the value on.
    pub fn present<T>(&mut self, field: &str, value: Option<T>, key: Key) -> Option<T> {
        if value.is_none() {
            self.push(FieldError::new(field, key));
        }
        value
    }

    /// Finishes checking and hands back a value checked with [`Checks::present`].
    pub fn finish_with<T>(self, value: Option<T>) -> Result<T, Invalid> {
        self.finish()?;
        // A missing value recorded an error above, so this is only reached with one.
        value.ok_or(Invalid(Vec::new()))
    }

    pub fn finish(self) -> Result<(), Invalid> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.0))
        }
    }
}

/// A mainland mobile number as 11 digits, from the ways people write it:
/// `138 1234 5678`, `138-1234-5678`, `+86 13812345678`, full-width digits.
pub fn normalize_mobile(input: &str) -> Option<String> {
    let digits: String = input
        .chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            ' ' | '-' | '－' | '(' | ')' | '+' | '　' => None,
            _ => Some('x'),
        })
        .collect();
    let digits = digits
        .strip_prefix("0086")
        .or_else(|| digits.strip_prefix("86").filter(|d| d.len() == 11))
        .unwrap_or(&digits);
    let bytes = digits.as_bytes();
    let ok = bytes.len() == 11
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1])
        && bytes.iter().all(u8::is_ascii_digit);
    ok.then(|| digits.to_owned())
}

/// The longest e-mail address, in bytes (RFC 5321's path limit less its brackets).
pub const MAX_EMAIL: usize = 254;

fn is_plausible_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && value.len() <= MAX_EMAIL
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>')
}

/// Staff passwords: long enough to resist guessing, not the login name, not a famous one.
pub fn check_password(field: &str, password: &str, username: &str, checks: &mut Checks) {
    const COMMON: [&str; 8] = [
        "1234567890",
        "12345678910",
        "password123",
        "qwertyuiop",
        "admin12345",
        "1qaz2wsx3edc",
        "a123456789",
        "0123456789",
    ];
    if password.chars().count() < 10 {
        checks.push(FieldError::new(field, Key::err_password_short).with("min", 10));
    } else if password.eq_ignore_ascii_case(username)
        || COMMON.contains(&password.to_ascii_lowercase().as_str())
    {
        checks.push(FieldError::new(field, Key::err_password_weak));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn mobiles_as_people_write_them() {
        for written in [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+86 13812345678",
            "0086 138 1234 5678",
            "１３８１２３４５６７８",
        ] {
            assert_eq!(
                normalize_mobile(written).as_deref(),
                Some("13812345678"),
                "{written}"
            );
        }
        for wrong in [
            "",
            "12812345678",
            "1381234567",
            "138123456789",
            "1381234567a",
            "0571-88881234",
        ] {
            assert_eq!(normalize_mobile(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn masks_the_middle_of_a_mobile() {}

    #[test]
    fn checks_name_every_bad_field() {
        let mut checks = Checks::new();
        checks.text("title", "  ", 10);
        checks.text("body", "一二三四五六七八九十十一", 10);
        checks.mobile("mobile", "123");
        let Invalid(errors) = checks.finish().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "body", "mobile"]);
        assert_eq!(
            errors[1].message(&Tr::new(i18n::Lang::ZhCn)),
            "不能超过 10 个字"
        );
    }

    proptest! {
        #[test]
        fn any_valid_mobile_survives_formatting(n in 3u8..=9, rest in 0u64..1_000_000_000) {
            let mobile = format!("1{n}{rest:09}");
            let spaced = format!("+86 {} {} {}", &mobile[..3], &mobile[3..7], &mobile[7..]);
            prop_assert_eq!(normalize_mobile(&spaced), Some(mobile));
        }
    }
}

//! Personal data in Chinese free text: finding it, and masking it for the public board.
//!
//! Everything is found on the [`fold`]ed text, so full-width digits, `（０５７１）` and
//! traditional characters are seen through, and reported as byte ranges of the original.
//! Detectors err towards masking: a false positive hides a few digits of harmless text, a false
//! negative publishes someone's phone number.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::normalize::{fold, fold_char};

mod address;
mod email;
mod names;
mod numbers;

pub use numbers::{luhn_valid, resident_id_valid};

/// What kind of personal data a [`Pii`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    Mobile,
    Landline,
    ResidentId,
    Email,
    BankCard,
    Address,
    Name,
}

impl PiiKind {
    /// Which kind wins when two findings of the same length overlap: the better-checked one.
    fn specificity(self) -> u8 {
        match self {
            PiiKind::ResidentId => 7,
            PiiKind::BankCard => 6,
            PiiKind::Mobile => 5,
            PiiKind::Landline => 4,
            PiiKind::Email => 3,
            PiiKind::Address => 2,
            PiiKind::Name => 1,
        }
    }
}

/// One piece of personal data in a text.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pii {
    pub kind: PiiKind,
    /// Byte range in the original text, on character boundaries.
    pub range: Range<usize>,
    /// Exactly `&original[range]`.
    pub text: String,
}

impl Pii {
    /// What the public board shows instead of [`Pii::text`].
    pub fn masked(&self) -> String {
        mask_one(self.kind, &self.text)
    }
}

/// A finding on the folded text, before it is mapped back.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Found {
    kind: PiiKind,
    range: Range<usize>,
}

/// All personal data in `text`, in order, not overlapping: where two findings overlap the longer
/// one is kept (on a tie the better-checked kind: resident id, bank card, mobile, landline,
/// e-mail, address, name).
pub fn detect(text: &str) -> Vec<Pii> {
    if text.is_empty() {
        return Vec::new();
    }
    let folded = fold(text);
    let mut found = scan(folded.as_str());
    resolve(&mut found);
    to_pii(text, &folded, found)
}

/// Every finding on the folded text `f`, overlapping ones included.
fn scan(f: &str) -> Vec<Found> {
    let mut found = Vec::new();
    numbers::scan(f, &mut found);
    email::scan(f, &mut found);
    address::scan(f, &mut found);
    names::scan(f, &mut found);
    let mobiles: Vec<usize> = found
        .iter()
        .filter(|x| x.kind == PiiKind::Mobile)
        .map(|x| x.range.start)
        .collect();
    found.extend(mobiles.into_iter().filter_map(|at| {
        names::before_mobile(f, at).map(|range| Found {
            kind: PiiKind::Name,
            range,
        })
    }));
    found
}

/// Findings on `folded` as ranges of the original `text`.
fn to_pii(text: &str, folded: &crate::Folded, found: Vec<Found>) -> Vec<Pii> {
    found
        .into_iter()
        .map(|x| {
            let range = folded.original_range(x.range);
            Pii {
                kind: x.kind,
                text: text[range.clone()].to_owned(),
                range,
            }
        })
        .collect()
}

/// `text` as the public board shows it: every [`detect`]ed item replaced by its
/// [`Pii::masked`] form, the rest untouched.
pub fn mask(text: &str) -> String {
    apply(text, &detect(text))
}

/// A name given as a name (a contact field, not found in free text), as the public sees it:
/// `王*`, `欧阳**` — the surname, compound or not, stays.
pub fn mask_name(name: &str) -> String {
    names::mask(name)
}

/// A mobile number given as a contact field, as the public and unprivileged staff see it:
/// `138****5678`, the same as a mobile found in free text.
pub fn mask_mobile(mobile: &str) -> String {
    mask_one(PiiKind::Mobile, mobile)
}

/// An e-mail address given as a contact field: `w***@example.com`, enough for its owner to
/// know it, not for others to read it; the same as one found in free text.
pub fn mask_email(email: &str) -> String {
    mask_one(PiiKind::Email, email)
}

/// The start of `text` for a list or a preview: at most `chars` characters, trimmed, with
/// `…` where it was cut, and its personal data masked. Masked first and cut after, never
/// the other way round: a number cut short at the end is no longer found, and would show
/// 17 of 18 id digits or 10 of 11 mobile digits unmasked.
pub fn excerpt(text: &str, chars: usize) -> String {
    let masked = mask(text.trim());
    let masked = masked.trim();
    match masked.char_indices().nth(chars) {
        Some((cut, _)) => format!("{}…", masked[..cut].trim_end()),
        None => masked.to_owned(),
    }
}

/// `text` with the given findings (in order, not overlapping, as [`detect`] returns them)
/// masked. Findings out of order or overlapping an earlier one are skipped.
pub fn apply(text: &str, found: &[Pii]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for p in found {
        if p.range.start < at || text.get(p.range.clone()).is_none() {
            continue;
        }
        out.push_str(&text[at..p.range.start]);
        out.push_str(&mask_one(p.kind, &text[p.range.clone()]));
        at = p.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Someone's personal data, as values to recognise wherever a text repeats them: the
/// submitter's (to mask in what staff write to them) or the institution's own public contact
/// details (never to mask). Numbers are compared by their digits (0731-1234567 is
/// 0731 1234567), words by their folded spelling, a part standing for the whole (人民路12号
/// for 青山县人民路12号).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Known {
    values: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Value {
    Digits(String),
    /// A name, an address or an e-mail address, folded.
    Words(PiiKind, String),
}

/// Digits shorter than this are not a phone number's tail: 12 in 12号 is no one's data.
const MIN_DIGITS: usize = 7;

impl Value {
    fn of(kind: PiiKind, text: &str) -> Option<Value> {
        let value = match kind {
            PiiKind::Mobile | PiiKind::Landline | PiiKind::ResidentId | PiiKind::BankCard => {
                Value::Digits(digits_of(text))
            }
            PiiKind::Email | PiiKind::Address | PiiKind::Name => Value::Words(kind, words_of(text)),
        };
        match &value {
            Value::Digits(d) if d.len() < MIN_DIGITS => None,
            Value::Words(_, w) if w.chars().count() < 2 => None,
            _ => Some(value),
        }
    }

    fn matches(&self, other: &Value) -> bool {
        match (self, other) {
            // With or without the area code or +86.
            (Value::Digits(a), Value::Digits(b)) => {
                a.ends_with(b.as_str()) || b.ends_with(a.as_str())
            }
            (Value::Words(_, a), Value::Words(_, b)) => {
                a.contains(b.as_str()) || b.contains(a.as_str())
            }
            _ => false,
        }
    }
}

fn digits_of(text: &str) -> String {
    text.chars()
        .map(fold_char)
        .filter(|c| c.is_ascii_digit() || *c == 'x')
        .collect()
}

fn words_of(text: &str) -> String {
    fold(text)
        .as_str()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

impl Known {
    pub fn new() -> Known {
        Known::default()
    }

    /// Everything [`detect`] finds in `text` (a submission, a reply).
    pub fn add_text(&mut self, text: &str) {
        for p in detect(text) {
            self.values.extend(Value::of(p.kind, &p.text));
        }
    }

    /// One value given on its own: a contact field (name, mobile, e-mail) or a line of the
    /// institution's contact details. What [`detect`] finds in it counts; a value in which it
    /// finds nothing (a bare name, an address without a house number) counts whole.
    pub fn add_value(&mut self, value: &str) {
        let value = value.trim();
        let found = detect(value);
        if found.is_empty() {
            let digits = digits_of(value);
            let kind = if digits.len() >= MIN_DIGITS && digits.len() * 2 >= value.chars().count() {
                PiiKind::Landline
            } else {
                PiiKind::Name
            };
            self.values.extend(Value::of(kind, value));
        } else {
            for p in found {
                self.values.extend(Value::of(p.kind, &p.text));
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn knows(&self, p: &Pii) -> bool {
        Value::of(p.kind, &p.text).is_some_and(|v| self.values.iter().any(|k| k.matches(&v)))
    }
}

/// `text` as the public sees it, the institution's own contact details (`institution`) left
/// whole: [`mask`] for what the public writes.
pub fn mask_keeping(text: &str, institution: &Known) -> String {
    let found: Vec<Pii> = detect(text)
        .into_iter()
        .filter(|p| !institution.knows(p))
        .collect();
    apply(text, &found)
}

/// What the institution writes to the public (an answer, a question, a reason), as the public
/// sees it. Staff write the institution's phone numbers, addresses and their own names for
/// people to use, so only what repeats the `submitter`'s personal data is masked — never what
/// is the `institution`'s own.
pub fn mask_reply(text: &str, submitter: &Known, institution: &Known) -> String {
    if text.is_empty() {
        return String::new();
    }
    let folded = fold(text);
    let f = folded.as_str();
    let mut found = scan(f);
    // Staff greet people by name without the cues the detectors look for (王秀英您好), so
    // the submitter's names and addresses are also looked for as they are.
    for value in &submitter.values {
        if let Value::Words(kind, word) = value {
            found.extend(f.match_indices(word.as_str()).map(|(at, w)| Found {
                kind: *kind,
                range: at..at + w.len(),
            }));
        }
    }
    resolve(&mut found);
    let found: Vec<Pii> = to_pii(text, &folded, found)
        .into_iter()
        .filter(|p| submitter.knows(p) && !institution.knows(p))
        .collect();
    apply(text, &found)
}

/// Keeps findings that do not overlap, preferring the longer, then the more specific.
fn resolve(found: &mut Vec<Found>) {
    found.sort_by(|a, b| {
        a.range
            .start
            .cmp(&b.range.start)
            .then(b.range.len().cmp(&a.range.len()))
            .then(b.kind.specificity().cmp(&a.kind.specificity()))
    });
    let mut kept: Vec<Found> = Vec::with_capacity(found.len());
    for f in found.drain(..) {
        match kept.last() {
            Some(last) if f.range.start < last.range.end => {
                // Sorted by start, so `f` can only collide with the last one kept; and that
                // one started no later and did not overlap the one before it, so neither does `f`.
                let better = f.range.len() > last.range.len()
                    || (f.range.len() == last.range.len()
                        && f.kind.specificity() > last.kind.specificity());
                if better {
                    kept.pop();
                    kept.push(f);
                }
            }
            _ => kept.push(f),
        }
    }
    *found = kept;
}

fn mask_one(kind: PiiKind, text: &str) -> String {
    let n = count_digits(text, kind == PiiKind::ResidentId);
    match kind {
        // Whatever precedes the last eleven digits is the country code (+86, 0086).
        PiiKind::Mobile => mask_digits(text, false, |i| {
            i < n.saturating_sub(8) || i >= n.saturating_sub(4)
        }),
        PiiKind::Landline => {
            let area = landline_area_len(text);
            mask_digits(text, false, |i| i < area || i >= n.saturating_sub(4))
        }
        PiiKind::ResidentId => mask_digits(text, true, |i| i < 4 || i >= n.saturating_sub(4)),
        PiiKind::BankCard => mask_digits(text, false, |i| i >= n.saturating_sub(4)),
        PiiKind::Address => address::mask(text),
        PiiKind::Email => email::mask(text),
        PiiKind::Name => names::mask(text),
    }
}

/// Digits as the maskers count them: ASCII or full-width, and with `x` the `X` that ends a
/// resident id.
fn is_digit(c: char, x: bool) -> bool {
    let f = fold_char(c);
    f.is_ascii_digit() || (x && f == 'x')
}

fn count_digits(text: &str, x: bool) -> usize {
    text.chars().filter(|&c| is_digit(c, x)).count()
}

/// Replaces the digits whose index (among digits) `keep` rejects with `*`; separators,
/// brackets and everything else stay as written.
fn mask_digits(text: &str, x: bool, keep: impl Fn(usize) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    for c in text.chars() {
        if is_digit(c, x) {
            out.push(if keep(i) { c } else { '*' });
            i += 1;
        } else {
            out.push(c);
        }
    }
    out
}

/// 010 and 02x are the only three-digit area codes; all others have four.
fn landline_area_len(text: &str) -> usize {
    let mut digits = text.chars().filter_map(|c| fold_char(c).to_digit(10));
    match (digits.next(), digits.next()) {
        (Some(0), Some(1 | 2)) => 3,
        _ => 4,
    }
}

#[cfg(test)]
mod tests;

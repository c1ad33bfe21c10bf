//! Mobiles, landlines, resident ids and bank cards: runs of digits that people group with
//! spaces, dashes and brackets.
//!
//! The folded text is cut into clusters: digit groups joined by short separators (`138 1234
//! 5678`, `(0571)8888-1234`). Within a cluster, consecutive groups are tried longest first as
//! each kind, with the groupings people actually use, so `13812345678 13987654321` is two
//! mobiles and `0571-88881234-123` is a landline with its extension left out; a group is never
//! split, so an 11-digit mobile inside a longer order number or a resident id is not one.
//! A number labelled as an order, booking, parcel or book number (`订单号`, `预约号`, `ISBN`)
//! is never reported, even where it would pass a card's Luhn check.
//! A resident id is found by its checksum, or without it where the writer labels it as one
//! (`身份证430521…`): a slip in typing an id still gives away most of it.

use super::{Found, PiiKind};

/// Joins digit groups of one number; at most three of them in a row (`138 - 1234`,
/// `139.0731.2233`).
const SEPARATORS: &[u8] = b" -().";
const MAX_SEPARATORS: usize = 3;
/// A number spans at most this many groups (`6222 0212 3456 7890 123` is five).
const MAX_GROUPS: usize = 5;
/// The longest thing looked for: a 19-digit card.
const MAX_DIGITS: usize = 19;

#[derive(Clone, Copy, Debug)]
struct Group {
    /// Byte range of the digits in the folded text.
    start: usize,
    end: usize,
    /// An `x` follows right after the digits.
    x: bool,
}

impl Group {
    fn len(&self) -> usize {
        self.end - self.start
    }
}

pub(super) fn scan(f: &str, out: &mut Vec<Found>) {
    let b = f.as_bytes();
    let mut groups = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        groups.clear();
        let mut j = i;
        loop {
            let start = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            // Possibly the check character of a resident id; only its checksum will tell.
            let x = b.get(j) == Some(&b'x');
            groups.push(Group { start, end: j, x });
            if x {
                break;
            }
            let mut k = j;
            while k < b.len() && k - j < MAX_SEPARATORS && SEPARATORS.contains(&b[k]) {
                k += 1;
            }
            if k > j && b.get(k).is_some_and(u8::is_ascii_digit) {
                j = k;
            } else {
                break;
            }
        }
        // What the writer labels as an id is one, whatever else its digits could pass for.
        if let Some(range) = labelled_resident_id(f, &groups) {
            out.push(Found {
                kind: PiiKind::ResidentId,
                range,
            });
            i = j;
            continue;
        }
        let before = out.len();
        evaluate(b, &groups, labelled_reference(&f[..i]), out);
        if out.len() == before
            && let Some(range) = local_landline(f, &groups)
        {
            out.push(Found {
                kind: PiiKind::Landline,
                range,
            });
        }
        i = j;
    }
}

/// Words right before a resident id.
const ID_LABELS: &[&str] = &[
    "身份证",
    "身份证号",
    "身份证号码",
    "证件号",
    "证件号码",
    "身份号码",
];

/// How far back in its sentence a label may stand from the id it names (`身份证我当时登记的是
/// 4305…`).
const LABEL_REACH_CHARS: usize = 20;

/// `身份证430721195603127826`, `身份证号我填的是4301…`: an id the writer labels as one, with a
/// plausible birth date but a check character that does not fit — a typing slip, still someone's
/// id, so still masked. Unlabelled, 18 digits in one run are one too where they start with a
/// province's code and hold a birth date no later than this decade: order and booking numbers
/// start with a year (`2026…`), which is no province.
fn labelled_resident_id(f: &str, groups: &[Group]) -> Option<std::ops::Range<usize>> {
    let first = groups.first()?;
    let clause = f[..first.start]
        .rsplit(['。', '!', '?', '\n', ';'])
        .next()
        .unwrap_or_default();
    let from = clause
        .char_indices()
        .rev()
        .nth(LABEL_REACH_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let labelled = ID_LABELS.iter().any(|w| clause[from..].contains(w));
    let b = f.as_bytes();
    let mut digits: Vec<u8> = groups
        .iter()
        .flat_map(|g| &b[g.start..g.end])
        .copied()
        .collect();
    let mut sizes: Vec<usize> = groups.iter().map(Group::len).collect();
    let last = groups.last()?;
    let x = last.x && digits.len() == 17;
    if x {
        digits.push(b'x');
        *sizes.last_mut()? += 1;
    }
    let shaped = digits.len() == 18 && id_grouping(&sizes) && resident_id_shape(&digits);
    let plausible =
        shaped && !labelled_reference(&f[..first.start]) && province_and_recent_birth(&digits);
    ((shaped && labelled) || plausible).then(|| first.start..last.end + usize::from(x))
}

/// Province codes of mainland resident ids (11 Beijing … 65 Xinjiang).
const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65,
];

fn province_and_recent_birth(d: &[u8]) -> bool {
    let province = (d[0] - b'0') * 10 + (d[1] - b'0');
    let year = d[6..10]
        .iter()
        .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'));
    PROVINCES.contains(&province) && (1900..=2029).contains(&year)
}

/// Words after which a number of seven or eight digits is a landline without its area code
/// (`电话2861 3307`, `座机：28613307`).
const PHONE_LABELS: &[&str] = &["电话", "座机", "固话", "宅电", "家里电话", "办公电话"];

/// `电话2861 3307`: a local number (seven or eight digits, not starting with 0, 1 or 9, in one
/// run or as 3–4 and 4) right after a [`PHONE_LABELS`] word.
fn local_landline(f: &str, groups: &[Group]) -> Option<std::ops::Range<usize>> {
    let grouped = match groups {
        [one] => (7..=8).contains(&one.len()),
        [a, b] => (3..=4).contains(&a.len()) && b.len() == 4,
        _ => false,
    };
    let (first, last) = (groups.first()?, groups.last()?);
    let lead = f.as_bytes()[first.start];
    let before = f[..first.start].trim_end_matches([' ', ':', '是', '为']);
    (grouped && (b'2'..=b'8').contains(&lead) && PHONE_LABELS.iter().any(|w| before.ends_with(w)))
        .then_some(first.start..last.end)
}

/// Labels of numbers that identify an order, a booking, a parcel or a book, not a person: what
/// follows them is never reported, even where it passes for a card or a mobile.
const REFERENCE_LABELS: &[&str] = &[
    "订单",
    "单号",
    "编号",
    "流水号",
    "预约号",
    "预约码",
    "票号",
    "书号",
    "isbn",
    "条码",
    "条形码",
    "快递",
    "运单",
    "取件码",
    "验证码",
    "工单",
    "受理号",
    "回执号",
    "凭证号",
    "交易号",
];

/// Whether the text right before a number (spaces, a colon, `#`, `是`, `为` allowed between)
/// ends with a [`REFERENCE_LABELS`] label.
fn labelled_reference(before: &str) -> bool {
    let gap: &[char] = &[' ', ':', '#', '\t'];
    let t = before.trim_end_matches(gap);
    let t = t
        .strip_suffix('是')
        .or_else(|| t.strip_suffix('为'))
        .map_or(t, |t| t.trim_end_matches(gap));
    REFERENCE_LABELS.iter().any(|w| t.ends_with(w))
}

/// Reports what the groups hold; with `reference`, nothing that starts at the first group, which
/// is the labelled order or booking number itself.
fn evaluate(b: &[u8], groups: &[Group], reference: bool, out: &mut Vec<Found>) {
    let mut a = 0;
    let mut free_from = 0;
    while a < groups.len() {
        let last = groups.len().min(a + MAX_GROUPS);
        let hit = (a..last)
            .rev()
            .find_map(|z| classify(b, &groups[a..=z]).map(|(kind, x)| (z, kind, x)));
        let Some((z, kind, with_x)) = hit else {
            a += 1;
            continue;
        };
        if reference && a == 0 {
            a = z + 1;
            free_from = a;
            continue;
        }
        let mut start = groups[a].start;
        if kind == PiiKind::Mobile {
            // A country code written as its own group: `+86 138…`, `0086-138…`, `(+86)138…`.
            let mut closed = false;
            if a > free_from
                && matches!(&b[groups[a - 1].start..groups[a - 1].end], b"86" | b"0086")
            {
                start = groups[a - 1].start;
                closed = b.get(groups[a - 1].end) == Some(&b')');
            }
            if start > 0 && b[start - 1] == b'+' {
                start -= 1;
                if closed && start > 0 && b[start - 1] == b'(' {
                    start -= 1;
                }
            }
        }
        // `(0571)8888…`: the bracket belongs to the number only when it closes after the area code.
        if kind == PiiKind::Landline
            && start > 0
            && b[start - 1] == b'('
            && b.get(groups[a].end) == Some(&b')')
        {
            start -= 1;
        }
        out.push(Found {
            kind,
            range: start..groups[z].end + usize::from(with_x),
        });
        a = z + 1;
        free_from = a;
    }
}

/// What the groups, read as one number, are, if anything, and whether a following `x` is
/// part of it.
fn classify(b: &[u8], groups: &[Group]) -> Option<(PiiKind, bool)> {
    let mut digits = [0u8; MAX_DIGITS];
    let mut sizes = [0usize; MAX_GROUPS];
    let mut n = 0;
    for (k, g) in groups.iter().enumerate() {
        if n + g.len() > MAX_DIGITS {
            return None;
        }
        digits[n..n + g.len()].copy_from_slice(&b[g.start..g.end]);
        n += g.len();
        sizes[k] = g.len();
    }
    let sizes = &mut sizes[..groups.len()];
    let x = groups.last().is_some_and(|g| g.x);
    if x && n == 17 {
        digits[17] = b'x';
        if let Some(last) = sizes.last_mut() {
            *last += 1;
        }
        if id_grouping(sizes) && resident_id_valid_bytes(&digits[..18]) {
            return Some((PiiKind::ResidentId, true));
        }
        if let Some(last) = sizes.last_mut() {
            *last -= 1;
        }
    }
    let d = &digits[..n];
    let sizes = &*sizes;
    if n == 18 && id_grouping(sizes) && resident_id_valid_bytes(d) {
        return Some((PiiKind::ResidentId, false));
    }
    if (16..=19).contains(&n)
        && card_grouping(sizes)
        && matches!(d[0], b'3'..=b'6' | b'9')
        && luhn_valid_bytes(d)
    {
        return Some((PiiKind::BankCard, false));
    }
    let plus = b.get(groups[0].start.wrapping_sub(1)) == Some(&b'+');
    let mobile = match (sizes, d) {
        ([11] | [3, 4, 4] | [3, 8] | [7, 4] | [4, 4, 3], _) => mobile_valid(d),
        // The country code glued on: `+8613812345678`, `008613812345678`.
        ([13], [b'8', b'6', rest @ ..]) => plus && mobile_valid(rest),
        ([15], [b'0', b'0', b'8', b'6', rest @ ..]) => mobile_valid(rest),
        _ => false,
    };
    if mobile {
        return Some((PiiKind::Mobile, false));
    }
    landline_valid(d, sizes).then_some((PiiKind::Landline, false))
}

fn mobile_valid(d: &[u8]) -> bool {
    d.len() == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1])
}

/// An area code (010, 02x, or four digits 0[3-9]xx) and a local number of 7–8 digits that does
/// not start with 0, either in one run or with the area code as its own group.
fn landline_valid(d: &[u8], sizes: &[usize]) -> bool {
    let area = match d {
        [b'0', b'1', b'0', ..] | [b'0', b'2', ..] => 3,
        [b'0', b'3'..=b'9', ..] => 4,
        _ => return false,
    };
    let local = d.len().saturating_sub(area);
    let local_ok = if area == 3 {
        local == 8
    } else {
        (7..=8).contains(&local)
    };
    local_ok
        && d[area] != b'0'
        && (sizes.len() == 1 || (sizes[0] == area && sizes[1..].iter().all(|&s| s >= 3)))
}

/// One run, area–birth date–sequence (`430602 19491001 0376`), or in fours like a card
/// (`4306 0219 4910 0103 76`).
fn id_grouping(sizes: &[usize]) -> bool {
    matches!(sizes, [18] | [6, 8, 4] | [6, 4, 4, 4] | [4, 4, 4, 4, 2])
}

/// One run, groups of four with a shorter tail (`6222 0212 3456 7890 123`), or the bank's
/// six-digit prefix apart (`622202 1234567890128`).
fn card_grouping(sizes: &[usize]) -> bool {
    match sizes {
        [_] | [6, 10..=13] => true,
        [init @ .., tail] => init.iter().all(|&s| s == 4) && (1..=4).contains(tail),
        [] => false,
    }
}

/// Whether `id` is an 18-character mainland resident id: 17 digits, whose birth date (year
/// 1900–2099, month 01–12, day 01–31) is plausible, and the check character (`0`–`9` or `X`)
/// that the weighted sum demands.
pub fn resident_id_valid(id: &str) -> bool {
    let b = id.as_bytes();
    if b.len() != 18 {
        return false;
    }
    let mut d = [0u8; 18];
    d.copy_from_slice(b);
    d[17] = d[17].to_ascii_lowercase();
    resident_id_valid_bytes(&d)
}

fn resident_id_valid_bytes(d: &[u8]) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10x98765432";
    if !resident_id_shape(d) {
        return false;
    }
    let sum: u32 = d[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(&c, w)| u32::from(c - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize] == d[17]
}

/// 17 digits with a plausible birth date (year 1900–2099, month 01–12, day 01–31) and a
/// digit or `x` last: a resident id but for its check character.
fn resident_id_shape(d: &[u8]) -> bool {
    if d.len() != 18 || !d[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    if !(d[17].is_ascii_digit() || d[17] == b'x') {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        d[r].iter()
            .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'))
    };
    let (year, month, day) = (num(6..10), num(10..12), num(12..14));
    (1900..=2099).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// Whether an all-digit string passes the Luhn check that bank card numbers carry.
pub fn luhn_valid(number: &str) -> bool {
    !number.is_empty()
        && number.bytes().all(|c| c.is_ascii_digit())
        && luhn_valid_bytes(number.as_bytes())
}

fn luhn_valid_bytes(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &c)| {
            let v = u32::from(c.wrapping_sub(b'0'));
            if i % 2 == 1 {
                let v = v * 2;
                if v > 9 { v - 9 } else { v }
            } else {
                v
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

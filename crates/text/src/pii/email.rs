//! E-mail addresses: ASCII `local@domain.tld`, found around each `@` (a full-width `＠` has
//! been folded to one). Chinese text runs straight into addresses (`邮箱abc@qq.com谢谢`), so the
//! address ends where the ASCII does.

use super::{Found, PiiKind};

const MAX_LOCAL: usize = 64;
const MAX_DOMAIN: usize = 253;

fn is_local(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_label(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

pub(super) fn scan(f: &str, out: &mut Vec<Found>) {
    let b = f.as_bytes();
    let mut from = 0;
    while let Some(at) = b[from..].iter().position(|&c| c == b'@').map(|p| p + from) {
        from = at + 1;
        let mut start = at;
        while start > 0 && at - start < MAX_LOCAL && is_local(b[start - 1]) {
            start -= 1;
        }
        while start < at && b[start] == b'.' {
            start += 1;
        }
        if start == at {
            continue;
        }
        let Some(end) = domain_end(b, at + 1) else {
            continue;
        };
        out.push(Found {
            kind: PiiKind::Email,
            range: start..end,
        });
        from = end;
    }
}

/// Where a domain of at least two labels starting at `from` ends, its last label alphabetic.
fn domain_end(b: &[u8], from: usize) -> Option<usize> {
    let mut end = from;
    while end < b.len() && end - from < MAX_DOMAIN && (is_label(b[end]) || b[end] == b'.') {
        end += 1;
    }
    // A sentence may end right after the address: `…abc@qq.com.`
    while end > from && matches!(b[end - 1], b'.' | b'-') {
        end -= 1;
    }
    let domain = &b[from..end];
    if domain.is_empty() || domain.starts_with(b".") || domain.windows(2).any(|w| w == b"..") {
        return None;
    }
    let tld = domain.rsplit(|&c| c == b'.').next()?;
    (tld.len() >= 2 && tld.len() < domain.len() && tld.iter().all(u8::is_ascii_alphabetic))
        .then_some(end)
}

/// `z***@example.com`: the first character of the local part, then a fixed run of stars so
/// the length does not show either.
pub(super) fn mask(text: &str) -> String {
    let at = text
        .char_indices()
        .find(|&(_, c)| c == '@' || c == '＠')
        .map_or(text.len(), |(i, _)| i);
    let first = text.chars().next().filter(|_| at > 0);
    let mut out = String::with_capacity(text.len());
    out.extend(first);
    out.push_str("***");
    out.push_str(&text[at..]);
    out
}

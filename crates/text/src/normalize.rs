//! Folding text into one canonical spelling so that matchers are not fooled by how it was typed.
//!
//! People (and spammers) write the same thing many ways: full-width `１３８` from a Chinese IME,
//! `ＷＷＷ`, traditional `貸款` for `贷款`, `贷 款`, `贷-款`, `贷😀款`. Matchers look at a folded
//! view and report what they find on the original text, so every view here keeps, for each of
//! its characters, the byte range of the original it came from.
//!
//! Two views:
//! - [`fold`]: one character out for one character in (full-width → ASCII, ideographic space →
//!   space, ASCII lower case, traditional → simplified). Layout survives, so detectors that
//!   care about separators (`138-1234-5678`) use it.
//! - [`skeleton`]: the folded text without whitespace, punctuation, symbols and emoji, for
//!   matching words that someone tried to break apart.

use std::ops::Range;

mod trad;

/// A view of a text together with the way back to the original's bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Folded {
    text: String,
    /// One entry per character of `text`, in order.
    spans: Vec<Span>,
    original_len: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    /// Where the character starts in the folded text.
    folded: usize,
    /// The bytes of the original it stands for.
    start: usize,
    end: usize,
}

impl Folded {
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The bytes of the original text that the folded bytes `folded` came from.
    ///
    /// Always a valid range on character boundaries of the original. A range that does not
    /// fall on character boundaries of the folded text is widened to the characters it touches;
    /// one past the end is clamped, so this never panics.
    pub fn original_range(&self, folded: Range<usize>) -> Range<usize> {
        let mut first = self.spans.partition_point(|s| s.folded < folded.start);
        // A range that starts inside a character belongs to that character.
        let inside = match self.spans.get(first) {
            Some(s) => s.folded > folded.start,
            None => folded.start < self.text.len(),
        };
        if inside && first > 0 {
            first -= 1;
        }
        let start = self.spans.get(first).map_or(self.original_len, |s| s.start);
        let past = self.spans.partition_point(|s| s.folded < folded.end);
        if past <= first {
            return start..start;
        }
        start..self.spans[past - 1].end.max(start)
    }

    /// Each folded character with the original bytes it stands for.
    pub fn chars(&self) -> impl Iterator<Item = (char, Range<usize>)> + '_ {
        self.text
            .chars()
            .zip(&self.spans)
            .map(|(c, s)| (c, s.start..s.end))
    }

    fn with_capacity(original: &str) -> Self {
        let chars = original.chars().count();
        Folded {
            text: String::with_capacity(original.len()),
            spans: Vec::with_capacity(chars),
            original_len: original.len(),
        }
    }

    fn push(&mut self, c: char, original: Range<usize>) {
        self.spans.push(Span {
            folded: self.text.len(),
            start: original.start,
            end: original.end,
        });
        self.text.push(c);
    }
}

/// Folds `text` character by character (see [`fold_char`]); the result has as many characters
/// as `text`.
pub fn fold(text: &str) -> Folded {
    let mut out = Folded::with_capacity(text);
    for (i, c) in text.char_indices() {
        out.push(fold_char(c), i..i + c.len_utf8());
    }
    out
}

/// The folded text with whitespace, punctuation, symbols and emoji removed, so `贷 款`, `贷-款`,
/// `贷．款`, `貸😀款` and `贷款` all become `贷款`.
pub fn skeleton(text: &str) -> Folded {
    skeleton_with_breaks(text, false)
}

/// What [`skeleton`] does, optionally keeping one [`BREAK`] for every sentence end.
///
/// Word matching must not join the last character of one sentence to the first of the next
/// (`…要去。死党…` is not `去死`), while evasions use the same punctuation inside a word; sentence
/// enders (`。！？；` and line breaks) are the least ambiguous line to draw.
pub(crate) fn skeleton_with_breaks(text: &str, keep_breaks: bool) -> Folded {
    let mut out = Folded::with_capacity(text);
    let mut last_was_break = true;
    for (i, c) in text.char_indices() {
        let f = fold_char(c);
        let range = i..i + c.len_utf8();
        if keep_breaks && is_sentence_end(f) {
            if !last_was_break {
                out.push(BREAK, range);
                last_was_break = true;
            }
        } else if !is_gap(f) {
            out.push(f, range);
            last_was_break = false;
        }
    }
    out
}

/// Stands for a sentence end in [`skeleton_with_breaks`]; never part of a folded word.
pub(crate) const BREAK: char = '\n';

fn is_sentence_end(c: char) -> bool {
    matches!(
        c,
        '。' | '｡' | '!' | '?' | ';' | '\n' | '\r' | '\u{2028}' | '\u{2029}'
    )
}

/// One character folded: full-width ASCII → ASCII, ideographic and no-break space → space,
/// dashes → `-`, ASCII lower case, common traditional characters → simplified.
pub fn fold_char(c: char) -> char {
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        c if c.is_ascii() => c,
        // Full-width forms sit exactly 0xFEE0 above their ASCII twins, so the subtraction
        // lands in 0x21..=0x7E and fits a byte.
        '\u{FF01}'..='\u{FF5E}' => ((c as u32 - 0xFEE0) as u8 as char).to_ascii_lowercase(),
        '\u{3000}' | '\u{00A0}' => ' ',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' => '-',
        c if c < '\u{4E00}' => c,
        c => trad_to_simp(c).unwrap_or(c),
    }
}

fn trad_to_simp(c: char) -> Option<char> {
    trad::TRAD_TO_SIMP
        .binary_search_by_key(&c, |&(t, _)| t)
        .ok()
        .map(|i| trad::TRAD_TO_SIMP[i].1)
}

/// Whether a folded character carries no meaning for word matching: whitespace, controls,
/// punctuation, symbols, emoji and their modifiers.
pub fn is_gap(c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_alphanumeric();
    }
    c.is_whitespace()
        || c.is_control()
        || matches!(c as u32,
            0x00A0..=0x00BF | 0x00D7 | 0x00F7
            // spacing modifiers and combining marks: accents stacked on a character to break it
            | 0x02B0..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
            // general punctuation (incl. zero-width joiners) through misc symbols and arrows
            | 0x2000..=0x2BFF
            | 0x2E00..=0x2E7F | 0x2FF0..=0x2FFF
            // CJK punctuation, keeping 々 〆 〇 (letters and a numeral) and the kana marks
            | 0x3000..=0x3004 | 0x3008..=0x3020 | 0x3030 | 0x303D..=0x303F | 0x30FB
            | 0x3200..=0x33FF
            | 0xFE00..=0xFE6F | 0xFEFF | 0xFF5F..=0xFF65 | 0xFFE0..=0xFFFF
            // emoji, pictographs, enclosed alphanumerics, tags and variation selectors
            | 0x1F000..=0x1FBFF | 0xE0000..=0xE01EF
        )
}

/// Han ideographs, the characters of Chinese words and names.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2EBEF | 0x30000..=0x323AF | 0xF900..=0xFAFF
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_folding_is_idempotent() {
        assert!(trad::TRAD_TO_SIMP.len() > 400);
        for pair in trad::TRAD_TO_SIMP.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{pair:?}");
        }
        for &(t, s) in trad::TRAD_TO_SIMP {
            assert_ne!(t, s);
            assert_eq!(fold_char(s), s, "{t}→{s} maps onto another key");
        }
    }

    #[test]
    fn folds_what_an_ime_and_a_traditional_keyboard_produce() {
        assert_eq!(fold("ＷＷＷ．ＡＢＣ．ｃｏｍ").as_str(), "www.abc.com");
        assert_eq!(fold("１３８　１２３４").as_str(), "138 1234");
        assert_eq!(fold("這個貸款來電話號碼").as_str(), "这个贷款来电话号码");
        assert_eq!(
            fold("文化館的燈壞了，廳裡很暗").as_str(),
            "文化馆的灯坏了,厅里很暗"
        );
        assert_eq!(fold("（０５７１）—８８８８").as_str(), "(0571)-8888");
        // Simplified text and words whose traditional form is also simplified stay put.
        assert_eq!(fold("著名书法家乾隆").as_str(), "著名书法家乾隆");
    }

    #[test]
    fn skeleton_drops_separators_emoji_and_marks() {
        for written in [
            "贷 款",
            "贷-款",
            "贷．款",
            "貸款",
            "贷😀款",
            "贷\u{200D}款",
            "贷\u{0301}款",
            "「贷」【款】",
            "贷·款",
            "贷～款",
            "贷…款",
            "贷👍🏻款",
        ] {
            assert_eq!(skeleton(written).as_str(), "贷款", "{written}");
        }
        assert_eq!(skeleton("ｄａｉ ｋｕａｎ！").as_str(), "daikuan");
        assert_eq!(skeleton("第〇期 々").as_str(), "第〇期々");
    }

    #[test]
    fn ranges_lead_back_to_the_original() {
        let text = "😀Ａ貸 款ｂ";
        let f = skeleton(text);
        assert_eq!(f.as_str(), "a贷款b");
        let found = f.as_str().find("贷款").unwrap_or(usize::MAX);
        let r = f.original_range(found..found + "贷款".len());
        assert_eq!(&text[r], "貸 款");
        assert_eq!(&text[f.original_range(0..1)], "Ａ");
        assert_eq!(f.original_range(100..200), text.len()..text.len());
        // Inside a character: widened to the whole character.
        assert_eq!(&text[f.original_range(2..3)], "貸");
        let folded = fold(text);
        let pairs: Vec<_> = folded.chars().map(|(c, r)| (c, &text[r])).collect();
        assert_eq!(pairs[2], ('贷', "貸"));
    }

    #[test]
    fn breaks_are_kept_once_per_sentence_end() {
        let f = skeleton_with_breaks("去。。死！ 好", true);
        assert_eq!(f.as_str(), "去\n死\n好");
        assert_eq!(skeleton_with_breaks("。去", true).as_str(), "去");
    }
}

//! Home addresses with house, building, unit or room numbers: `幸福小区3栋2单元501`,
//! `人民路88号5幢302室`, `锦绣花园12号楼1单元1102`, `李家村3组25号`, `长江路128号`.
//!
//! Every digit run is a possible start of a chain of numbered parts (`3栋` `2单元` `501`). What
//! comes right before it decides how much chain is needed to call it an address:
//! - a road (`…路`, `…街`): a house number is enough;
//! - a housing estate (`…小区`, `…花园`, `…苑`): one building, unit or room, or two parts;
//! - a village (`…村`): a group (`组`) or house number;
//! - nothing recognisable: two building/unit/room parts including a unit or a `栋`/`幢`, since
//!   the venue's own rooms (`3号楼201室`, `2楼活动室`, `3号厅`) look alike otherwise.
//!
//! Only Arabic digits are looked at; `文化馆二楼多功能厅` has none.

use super::{Found, PiiKind};
use crate::normalize::is_han;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Anchor {
    Road,
    Estate,
    Village,
}

/// Longer suffixes first where one ends another (`新村` before `村`).
const ANCHORS: &[(&str, Anchor)] = &[
    ("小区", Anchor::Estate),
    ("花园", Anchor::Estate),
    ("家园", Anchor::Estate),
    ("嘉园", Anchor::Estate),
    ("佳园", Anchor::Estate),
    ("公寓", Anchor::Estate),
    ("大厦", Anchor::Estate),
    ("新村", Anchor::Estate),
    ("社区", Anchor::Estate),
    ("宿舍", Anchor::Estate),
    ("公馆", Anchor::Estate),
    ("山庄", Anchor::Estate),
    ("别墅", Anchor::Estate),
    ("大院", Anchor::Estate),
    ("雅居", Anchor::Estate),
    ("新城", Anchor::Estate),
    // Beijing's and Shanghai's old estates: `和平里`, `幸福里`.
    ("里", Anchor::Estate),
    ("苑", Anchor::Estate),
    ("庭", Anchor::Estate),
    ("村", Anchor::Village),
    ("庄", Anchor::Village),
    ("屯", Anchor::Village),
    ("大道", Anchor::Road),
    ("胡同", Anchor::Road),
    ("路", Anchor::Road),
    ("街", Anchor::Road),
    ("巷", Anchor::Road),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    /// `栋`, `幢`: only residential estates number their buildings so.
    Block,
    /// `号楼`, `座`: residential or not.
    Building,
    Unit,
    Room,
    /// `号`, `号院`, `弄`, `户`.
    House,
    /// A village's `组`.
    Team,
    /// `层`, `楼`: a floor says little on its own.
    Floor,
    /// `3-2-501`.
    Dashed,
}

impl Part {
    fn strong(self) -> bool {
        matches!(
            self,
            Part::Block | Part::Building | Part::Unit | Part::Room | Part::Dashed
        )
    }
}

/// Longer markers first where one starts another (`号楼` before `号`).
const MARKERS: &[(&str, Part)] = &[
    ("号楼", Part::Building),
    ("号院", Part::House),
    ("单元", Part::Unit),
    ("栋", Part::Block),
    ("幢", Part::Block),
    ("座", Part::Building),
    ("室", Part::Room),
    ("号", Part::House),
    ("组", Part::Team),
    ("层", Part::Floor),
    ("楼", Part::Floor),
    ("户", Part::House),
    ("弄", Part::House),
    // Beijing's entrances, the unit of older blocks (`5号楼3门401`); never a chain's first part,
    // where `3门` is a gate.
    ("门", Part::Unit),
];

/// After `3号` these make it a venue's hall, line, window or seat, not a house.
const NOT_A_HOUSE: &[char] = &[
    '厅', '线', '窗', '柜', '台', '展', '位', '机', '场', '馆', '车', '床', '桌', '口', '箱',
];

/// After a bare number these make it a quantity or a time, not a room.
const NOT_A_ROOM: &[char] = &[
    '元', '块', '个', '人', '次', '分', '点', '年', '月', '日', '岁', '号', '天', '名', '位', '米',
    '平', '斤', '张', '本', '期', '届', '号',
];

/// Words that end the place name when reading backwards from the road or estate.
const NAME_STOPS: &[char] = &[
    '在', '住', '是', '于', '到', '址', '的', '我', '你', '他', '她', '们', '从', '去', '来', '回',
    '往', '与', '及', '为', '说', '叫', '号', '个', '这', '那', '就', '也', '都', '要', '请', '问',
    '近', '旁', '边', '对', '搬',
];
const MAX_NAME_CHARS: usize = 10;
const MAX_PARTS: usize = 8;

#[derive(Debug, Default)]
struct Chain {
    end: usize,
    parts: usize,
    strong: usize,
    first: Option<Part>,
    has_unit_or_block: bool,
}

pub(super) fn scan(f: &str, out: &mut Vec<Found>) {
    let b = f.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let anchor = anchor_before(f, i);
        let chain = parse_chain(f, i, anchor.is_some());
        let is_address = match anchor.map(|(a, _)| a) {
            Some(Anchor::Road) => matches!(
                chain.first,
                Some(Part::House | Part::Building | Part::Block | Part::Dashed)
            ),
            Some(Anchor::Estate) => chain.strong >= 1 || chain.parts >= 2,
            Some(Anchor::Village) => {
                matches!(chain.first, Some(Part::Team | Part::House)) || chain.strong >= 1
            }
            None => chain.strong >= 2 && chain.has_unit_or_block,
        };
        if is_address {
            let start = anchor.map_or(i, |(_, at)| name_start(f, at));
            out.push(Found {
                kind: PiiKind::Address,
                range: start..chain.end,
            });
            i = chain.end;
        } else {
            i += 1;
        }
    }
}

/// The kind of place named right before `at` (one space allowed) and where its suffix starts.
fn anchor_before(f: &str, at: usize) -> Option<(Anchor, usize)> {
    let before = f[..at].strip_suffix(' ').unwrap_or(&f[..at]);
    ANCHORS
        .iter()
        .find(|(suffix, _)| before.ends_with(suffix))
        .map(|&(suffix, anchor)| (anchor, before.len() - suffix.len()))
}

/// Reads back from the suffix over the place's name: Han characters or Latin letters, up to a
/// word that introduces it (`住在`, `地址：`) or ten characters.
fn name_start(f: &str, suffix_at: usize) -> usize {
    let mut start = suffix_at;
    for (n, (i, c)) in f[..suffix_at].char_indices().rev().enumerate() {
        if n >= MAX_NAME_CHARS || !(is_han(c) || c.is_ascii_alphabetic()) || NAME_STOPS.contains(&c)
        {
            break;
        }
        start = i;
    }
    start
}

/// The end of the digits at `from`, looking at no more than six: longer runs are never part
/// of an address and the callers reject them.
fn digits_end(b: &[u8], from: usize) -> usize {
    from + b[from..]
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_digit())
        .count()
}

fn parse_chain(f: &str, from: usize, anchored: bool) -> Chain {
    let b = f.as_bytes();
    let mut chain = Chain {
        end: from,
        ..Chain::default()
    };
    if anchored && let Some(end) = dashed(f, from) {
        chain.end = end;
        chain.parts = 1;
        chain.strong = 1;
        chain.first = Some(Part::Dashed);
        return chain;
    }
    let mut pos = from;
    let mut prev = None;
    while chain.parts < MAX_PARTS {
        let end = digits_end(b, pos);
        let n = end - pos;
        if n == 0 || n > 5 {
            break;
        }
        let rest = &f[end..];
        let marker = MARKERS.iter().find(|(m, _)| rest.starts_with(m));
        let part = match marker {
            Some(&("号", _)) if rest["号".len()..].starts_with(NOT_A_HOUSE) => break,
            Some(&("门", _)) if prev.is_none() => break,
            Some(&(m, part)) => {
                pos = end + m.len();
                part
            }
            None => {
                // A room number needs no marker once the building or unit is given: `3栋501`.
                let bare_room = matches!(
                    prev,
                    Some(Part::Block | Part::Building | Part::Unit | Part::Floor)
                ) && (3..=4).contains(&n)
                    && !rest.starts_with(NOT_A_ROOM)
                    && !rest.starts_with(|c: char| c.is_ascii_alphanumeric());
                if !bare_room {
                    break;
                }
                pos = end;
                Part::Room
            }
        };
        chain.parts += 1;
        chain.strong += usize::from(part.strong());
        chain.has_unit_or_block |= matches!(part, Part::Unit | Part::Block);
        chain.first.get_or_insert(part);
        chain.end = pos;
        prev = Some(part);
        if part == Part::Room {
            break;
        }
        if b.get(pos) == Some(&b' ') && b.get(pos + 1).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
    }
    chain
}

/// `3-2-501` or `12-1102` (optionally `室`): building–unit–room as estates write them; the
/// first number has at most three digits so `2024-03-05` is not one.
fn dashed(f: &str, from: usize) -> Option<usize> {
    let b = f.as_bytes();
    let mut sizes = [0usize; 3];
    let mut count = 0;
    let mut pos = from;
    loop {
        let end = digits_end(b, pos);
        let n = end - pos;
        if n == 0 || n > 5 || count == 3 {
            return None;
        }
        sizes[count] = n;
        count += 1;
        pos = end;
        if b.get(pos) == Some(&b'-') && b.get(pos + 1).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        } else {
            break;
        }
    }
    let ok = sizes[0] <= 3
        && match count {
            2 => (3..=4).contains(&sizes[1]),
            3 => true,
            _ => false,
        };
    if !ok {
        return None;
    }
    Some(if f[pos..].starts_with('室') {
        pos + '室'.len_utf8()
    } else {
        pos
    })
}

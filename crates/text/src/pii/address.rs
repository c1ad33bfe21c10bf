//! Home addresses with house, building, unit or room numbers: `幸福小区3栋2单元501`,
//! `人民路88号5幢302室`, `建设路12号院5号楼302`, `李家村3组25号`, `桃源村三组18号`,
//! `金桂园B栋1203`, `延安中路123弄4号302室`.
//!
//! Every number (Arabic digits, Chinese numerals `三组` `十八号`, or a letter before `栋` `座`)
//! is a possible start of a chain of numbered parts (`3栋` `2单元` `501`). What comes right
//! before it decides how much chain is needed to call it an address:
//! - a road (`…路`, `…街`, `…巷`): a house number is enough;
//! - a housing estate (`…小区`, `…花园`, `…苑`, `…府`): one building, unit or room, or two parts;
//! - a village (`…村`): a house number, a group with a house number (`3组25号`), or a group
//!   alone when the writer says they live there (`家住长岭村一组`);
//! - nothing recognisable: two building/unit/room parts including a unit or a `栋`/`幢`, since
//!   the venue's own rooms (`3号楼201室`, `2楼活动室`, `3号厅`) look alike otherwise.
//!
//! Without a unit or a room it is a place, not a home, when a place word follows
//! (`幸福小区3栋门口`, `3栋楼道`, `幸福路27号附近`) or a venue is said to be there
//! (`文化馆在人民路88号`, `新馆搬到了建设路66号`).
//!
//! The address starts where the place's name does: read backwards over the road's or
//! estate's name and the districts before it (`湖南省邵阳市双清区宝庆路…`), up to a word that
//! introduces it (`住在`, `家住`, `地址：`) or punctuation; it ends with the last number and
//! its marker (`501室`, `302`, `18号`).

use super::{Found, PiiKind};
use crate::normalize::{fold_char, is_han};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Anchor {
    Road,
    Estate,
    Village,
}

/// Longer suffixes first where one ends another (`新村` before `村`, `家属院` before `院`).
const ANCHORS: &[(&str, Anchor)] = &[
    ("小区", Anchor::Estate),
    ("家属院", Anchor::Estate),
    ("家属区", Anchor::Estate),
    ("家属楼", Anchor::Estate),
    ("宿舍楼", Anchor::Estate),
    ("宿舍", Anchor::Estate),
    ("公寓", Anchor::Estate),
    ("大厦", Anchor::Estate),
    ("大楼", Anchor::Estate),
    ("新村", Anchor::Estate),
    ("社区", Anchor::Estate),
    ("公馆", Anchor::Estate),
    ("山庄", Anchor::Estate),
    ("别墅", Anchor::Estate),
    ("大院", Anchor::Estate),
    ("新城", Anchor::Estate),
    // 花园, 家园, 嘉园, 桂园 …
    ("园", Anchor::Estate),
    // Beijing's and Shanghai's old estates: `和平里`, `幸福里`.
    ("里", Anchor::Estate),
    ("苑", Anchor::Estate),
    ("庭", Anchor::Estate),
    ("府", Anchor::Estate),
    ("居", Anchor::Estate),
    ("阁", Anchor::Estate),
    ("邸", Anchor::Estate),
    ("村", Anchor::Village),
    ("庄", Anchor::Village),
    ("屯", Anchor::Village),
    ("寨", Anchor::Village),
    ("坪", Anchor::Village),
    ("湾", Anchor::Village),
    // Hamlets in the south and the north: `杨家冲`, `十里铺`, `荷花塘`, `李家堡`.
    ("冲", Anchor::Village),
    ("垸", Anchor::Village),
    ("铺", Anchor::Village),
    ("塘", Anchor::Village),
    ("坝", Anchor::Village),
    ("岗", Anchor::Village),
    ("沟", Anchor::Village),
    ("营", Anchor::Village),
    ("堡", Anchor::Village),
    ("峪", Anchor::Village),
    ("洼", Anchor::Village),
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
    /// `期`, `区`: a phase or zone of an estate.
    Zone,
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
    ("#楼", Part::Building),
    ("#", Part::Building),
    ("号院", Part::House),
    ("单元", Part::Unit),
    ("栋", Part::Block),
    ("幢", Part::Block),
    ("座", Part::Building),
    ("室", Part::Room),
    ("房", Part::Room),
    ("号", Part::House),
    ("组", Part::Team),
    ("层", Part::Floor),
    ("楼", Part::Floor),
    ("户", Part::House),
    ("弄", Part::House),
    // An estate's phase and zone: `三期5栋`, `B区3栋`, `三区312号楼`.
    ("期", Part::Zone),
    ("区", Part::Zone),
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
    '平', '斤', '张', '本', '期', '届',
];

/// Chinese numerals as house, group and building numbers are written (`十八号`, `三组`).
fn is_chinese_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '零'
            | '〇'
            | '两'
            | '百'
    )
}

/// Words that end the place name when reading backwards from the road or estate.
const NAME_STOPS: &[char] = &[
    '在', '住', '是', '于', '到', '址', '的', '我', '你', '他', '她', '们', '从', '去', '来', '回',
    '往', '与', '及', '为', '说', '叫', '号', '个', '这', '那', '就', '也', '都', '要', '请', '问',
    '近', '旁', '边', '对', '搬', '了', '吧', '把', '给', '跟', '靠', '寄', '送', '被', '让', '已',
    '离', '找', '面', '壁',
];

/// Characters that end a district's, road's or village's name: reading backwards, each one
/// closes the part read so far (`宝庆` in `双清区宝庆路`), which bounds how far a guess goes.
const DIVISIONS: &str = "省市县区镇乡村道路街巷州旗";
/// The road's or estate's own name reads back at most this far without a division or a stop;
/// past it, only its last two characters are taken (`…十点多解放路` → `解放路`).
const FIRST_NAME_CHARS: usize = 6;
/// A district's or village's name before the road, at most.
const DIVISION_NAME_CHARS: usize = 5;
const MAX_NAME_CHARS: usize = 24;
const MAX_PARTS: usize = 8;

/// Words right before an address (after spaces and colons) that say someone lives there.
const HOME_WORDS: &[&str] = &[
    "住",
    "住在",
    "住址",
    "地址",
    "地址是",
    "地址为",
    "家在",
    "我家",
    "家是",
    "寄到",
    "送到",
    "寄往",
];

/// What may introduce a venue's own address (`文化馆在人民路88号`, `新馆搬到了建设路66号`).
const VENUE_VERBS: &[&str] = &[
    "地址是",
    "地址在",
    "地址",
    "位于",
    "搬到了",
    "搬到",
    "迁到",
    "设在",
    "在",
];
const VENUES: &[&str] = &[
    "馆",
    "站",
    "书屋",
    "中心",
    "剧院",
    "礼堂",
    "影院",
    "学校",
    "广场",
    "公园",
    "单位",
    "公司",
    "医院",
    "银行",
    "超市",
    "图书室",
    "文化室",
    "活动室",
    "大院",
    "村部",
];

/// Venues whose name may follow their own address (`解放路38号文化馆`); `馆` alone is not
/// one of them, as `公馆` is an estate.
const VENUES_AFTER: &[&str] = &[
    "文化馆",
    "图书馆",
    "博物馆",
    "美术馆",
    "体育馆",
    "文化站",
    "书屋",
    "中心",
    "剧院",
    "礼堂",
    "影院",
    "学校",
    "小学",
    "中学",
    "公园",
    "医院",
    "超市",
    "银行",
    "酒店",
    "饭店",
    "宾馆",
    "公司",
    "大厅",
    "门面",
    "店",
];
/// How far after an address a venue's name is looked for.
const VENUE_NAME_CHARS: usize = 8;

/// Words before a place where something happens.
const EVENT_PLACE_WORDS: &[&str] = &["地点", "活动地址", "集合地址", "集合", "场地", "举办地址"];

/// After a building or a house number these make it a place someone points at, not a home
/// (`幸福小区3栋门口`, `3栋楼道`, `27号附近`).
const PLACE_WORDS: &[&str] = &[
    "门口",
    "门前",
    "前面",
    "前边",
    "后面",
    "后边",
    "旁边",
    "边上",
    "对面",
    "附近",
    "楼下",
    "楼上",
    "楼道",
    "楼前",
    "楼后",
    "楼顶",
    "下面",
    "底下",
    "那边",
    "这边",
    "周边",
    "一带",
    "周围",
    "路口",
    "电梯",
    "广场",
    "空地",
    "东侧",
    "西侧",
    "南侧",
    "北侧",
    "拐角",
    "之间",
    "活动室",
    "会议室",
    "文化室",
    "门卫",
];

#[derive(Debug, Default)]
struct Chain {
    end: usize,
    parts: usize,
    strong: usize,
    first: Option<Part>,
    has_unit_or_block: bool,
    /// A unit, room or `3-2-501`: a home, whatever is said around it.
    has_home_part: bool,
}

/// What kind of number starts a part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Num {
    /// Arabic digits, and how many.
    Digits(usize),
    Chinese,
    /// `A座`, `B栋`.
    Letter,
}

pub(super) fn scan(f: &str, out: &mut Vec<Found>) {
    let mut last: Option<Found> = None;
    let mut prev: Option<char> = None;
    let mut resume = 0;
    for (at, c) in f.char_indices() {
        if at < resume || !starts_number(f, at, c, prev) {
            prev = Some(c);
            continue;
        }
        prev = Some(c);
        let Some(range) = address_at(f, at) else {
            continue;
        };
        resume = range.end;
        // `滨湖路99号丽景苑3栋1801`: the estate's name starts where the house number ends.
        match &mut last {
            Some(prev) if prev.range.end == range.start => prev.range.end = range.end,
            _ => {
                out.extend(last.take());
                last = Some(Found {
                    kind: PiiKind::Address,
                    range,
                });
            }
        }
    }
    out.extend(last);
}

/// Whether a number starts at `at`: the first digit of a run, the first Chinese numeral of a
/// run, or a lone letter right before `栋`, `幢` or `座`.
fn starts_number(f: &str, at: usize, c: char, prev: Option<char>) -> bool {
    if c.is_ascii_digit() {
        !prev.is_some_and(|p| p.is_ascii_digit())
    } else if is_chinese_numeral(c) {
        !prev.is_some_and(is_chinese_numeral)
    } else if c.is_ascii_alphabetic() {
        !prev.is_some_and(|p| p.is_ascii_alphanumeric())
            && f[at + 1..].starts_with(['栋', '幢', '座', '区'])
    } else {
        false
    }
}

/// The address whose first number starts at `at`, if the chain there and what surrounds it
/// make one.
fn address_at(f: &str, at: usize) -> Option<std::ops::Range<usize>> {
    // Most numbers in a message are followed by no marker at all (`一个`, `10点`): find that
    // out before looking for a place's name. Only `3-2-501` needs to know of one first.
    let loose = parse_chain(f, at, false);
    let dashed_ahead = {
        let b = f.as_bytes();
        let end = at + b[at..].iter().take_while(|c| c.is_ascii_digit()).count();
        end > at && b.get(end) == Some(&b'-')
    };
    if loose.parts == 0 && !dashed_ahead {
        return None;
    }
    let anchor = anchor_before(f, at);
    let chain = if anchor.is_some() && dashed_ahead {
        parse_chain(f, at, true)
    } else {
        loose
    };
    if chain.parts == 0 {
        return None;
    }
    let start = match anchor {
        Some((_, suffix_at)) => name_start(f, suffix_at),
        None => name_start(f, at),
    };
    let before = trim_gap(&f[..start]);
    let home = HOME_WORDS.iter().any(|w| before.ends_with(w));
    let is_address = match anchor.map(|(a, _)| a) {
        Some(Anchor::Road) => matches!(
            chain.first,
            Some(Part::House | Part::Building | Part::Block | Part::Dashed)
        ),
        // `家住幸福小区18号`, `家住同心社区5组`: a house or a group is a home where one lives.
        Some(Anchor::Estate) => chain.strong >= 1 || chain.parts >= 2 || home,
        Some(Anchor::Village) => match chain.first {
            Some(Part::House) => true,
            Some(Part::Team) => chain.parts >= 2 || home,
            _ => chain.strong >= 1,
        },
        // `家住杨家冲5组12号`: where the writer says they live, a group or a house number after
        // a name is enough, whatever the place is called.
        None => {
            (chain.strong >= 2 && chain.has_unit_or_block)
                || (home
                    && match chain.first {
                        Some(Part::House) => start < at,
                        // `我家住7组25号`
                        Some(Part::Team) => start < at || chain.parts >= 2,
                        _ => false,
                    })
        }
    };
    let rest = &f[chain.end..];
    let a_place = !chain.has_home_part
        && (place_follows(rest)
            || venue_before(before)
            || event_place(before)
            || (!home && venue_follows(rest)));
    (is_address && !a_place).then_some(start..chain.end)
}

fn trim_gap(s: &str) -> &str {
    s.trim_end_matches([' ', ':', '\t'])
}

fn place_follows(rest: &str) -> bool {
    let rest = rest.strip_prefix('的').unwrap_or(rest);
    PLACE_WORDS.iter().any(|w| rest.starts_with(w))
}

/// `解放路38号文化馆`: the address of the venue named right after it.
fn venue_follows(rest: &str) -> bool {
    let end = rest
        .char_indices()
        .take_while(|&(_, c)| is_han(c))
        .take(VENUE_NAME_CHARS)
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    VENUES_AFTER.iter().any(|v| rest[..end].contains(v))
}

/// Where something happens, not where someone lives: `活动地点：`, `集合地址：`.
fn event_place(before: &str) -> bool {
    EVENT_PLACE_WORDS.iter().any(|w| before.ends_with(w))
}

/// `文化馆在`, `新馆搬到了`, `书屋地址：`: a venue's address follows.
fn venue_before(before: &str) -> bool {
    VENUE_VERBS.iter().any(|verb| {
        before.strip_suffix(verb).is_some_and(|rest| {
            let rest = rest.strip_suffix('的').unwrap_or(rest);
            VENUES.iter().any(|v| rest.ends_with(v))
        })
    })
}

/// The kind of place named right before `at` (one space allowed) and where its suffix starts.
fn anchor_before(f: &str, at: usize) -> Option<(Anchor, usize)> {
    let before = f[..at].strip_suffix(' ').unwrap_or(&f[..at]);
    // `桃花村第三组`
    let before = before.strip_suffix('第').unwrap_or(before);
    ANCHORS
        .iter()
        .find(|(suffix, _)| before.ends_with(suffix))
        .map(|&(suffix, anchor)| (anchor, before.len() - suffix.len()))
}

/// Reads back from `to` over the place's name and the districts before it: Han characters or
/// Latin letters, up to a word that introduces it (`住在`, `地址：`), punctuation, or a name
/// too long to be one.
fn name_start(f: &str, to: usize) -> usize {
    // Everything read back to `read` is part of the name if what stops the reading is a stop
    // word; `settled` is as far as is certain when a part runs too long.
    let mut read = to;
    let mut settled = to;
    let mut in_part = 0;
    let mut first_part = true;
    for (total, (i, c)) in f[..to].char_indices().rev().enumerate() {
        if total >= MAX_NAME_CHARS
            || !(is_han(c) || c.is_ascii_alphabetic())
            || NAME_STOPS.contains(&c)
        {
            return read;
        }
        if DIVISIONS.contains(c) && in_part > 0 {
            settled = read;
            in_part = 0;
            first_part = false;
        }
        in_part += 1;
        let limit = if first_part {
            FIRST_NAME_CHARS
        } else {
            DIVISION_NAME_CHARS + 1
        };
        if in_part > limit {
            return if first_part {
                // Which of the characters belong to the name is a guess; most have two.
                f[..to].char_indices().rev().nth(1).map_or(to, |(j, _)| j)
            } else {
                settled
            };
        }
        read = i;
    }
    read
}

/// The number at `pos`: where it ends and what kind it is. Digit runs longer than five are
/// never part of an address.
fn number_at(f: &str, pos: usize) -> Option<(usize, Num)> {
    let b = f.as_bytes();
    let digits = b[pos..]
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if digits > 0 {
        return (digits <= 5).then_some((pos + digits, Num::Digits(digits)));
    }
    let chinese: usize = f[pos..]
        .chars()
        .take(5)
        .take_while(|&c| is_chinese_numeral(c))
        .map(char::len_utf8)
        .sum();
    if chinese > 0 {
        let n = f[pos..pos + chinese].chars().count();
        return (n <= 4).then_some((pos + chinese, Num::Chinese));
    }
    let c = *b.get(pos)?;
    (c.is_ascii_alphabetic() && f[pos + 1..].starts_with(['栋', '幢', '座', '区']))
        .then_some((pos + 1, Num::Letter))
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
        chain.has_home_part = true;
        return chain;
    }
    let mut pos = from;
    let mut prev = None;
    while chain.parts < MAX_PARTS {
        let Some((end, num)) = number_at(f, pos) else {
            break;
        };
        let rest = &f[end..];
        let marker = MARKERS.iter().find(|(m, _)| rest.starts_with(m));
        let part = match marker {
            Some(&("号", _)) if rest["号".len()..].starts_with(NOT_A_HOUSE) => break,
            Some(&("门", _)) if prev.is_none() => break,
            // `B栋`, `A座`, `B区`: a letter numbers only a building or a zone.
            _ if num == Num::Letter => match marker {
                Some(&(m @ ("栋" | "幢" | "座" | "区"), part)) => {
                    pos = end + m.len();
                    part
                }
                _ => break,
            },
            Some(&(m, part)) => {
                pos = end + m.len();
                part
            }
            None => {
                // A room number needs no marker once the building or unit is given: `3栋501`.
                let bare_room = matches!(
                    prev,
                    Some(Part::Block | Part::Building | Part::Unit | Part::Floor)
                ) && matches!(num, Num::Digits(3..=4))
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
        chain.has_home_part |= matches!(part, Part::Unit | Part::Room);
        chain.first.get_or_insert(part);
        chain.end = pos;
        prev = Some(part);
        if part == Part::Room {
            break;
        }
        if b.get(pos) == Some(&b' ')
            && f[pos + 1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || is_chinese_numeral(c))
        {
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
        let n = b[pos..]
            .iter()
            .take(6)
            .take_while(|c| c.is_ascii_digit())
            .count();
        if n == 0 || n > 5 || count == 3 {
            return None;
        }
        sizes[count] = n;
        count += 1;
        pos += n;
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

/// Characters after which a Chinese numeral or a letter is a number of the address (`三组`,
/// `十八号`, `B栋`), not part of a name (`三里屯`, `五一路`).
const MASKED_BEFORE: &str = "栋幢号单元室房组楼层弄座门户期区#";

/// Every number of the address hidden: digits, Chinese numerals before a marker (`*组**号`),
/// and a building's letter (`*栋`); the place's name stays.
pub(super) fn mask(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let folded: Vec<char> = chars.iter().map(|&c| fold_char(c)).collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = folded[i];
        if c.is_ascii_digit() {
            out.push('*');
            i += 1;
            continue;
        }
        let run = if is_chinese_numeral(c) {
            folded[i..]
                .iter()
                .take_while(|&&d| is_chinese_numeral(d))
                .count()
        } else if c.is_ascii_alphabetic()
            && !folded.get(i + 1).is_some_and(char::is_ascii_alphanumeric)
            && !(i > 0 && folded[i - 1].is_ascii_alphanumeric())
        {
            1
        } else {
            0
        };
        let numbered = run > 0
            && folded
                .get(i + run)
                .is_some_and(|&next| MASKED_BEFORE.contains(next));
        if numbered {
            out.extend(std::iter::repeat_n('*', run));
            i += run;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

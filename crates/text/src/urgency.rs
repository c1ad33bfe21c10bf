//! Whether an item cannot wait for the normal queue: a safety hazard, someone hurt, a blocked
//! fire exit, a child lost at an event, or an event today or tomorrow whose published
//! information is wrong.
//!
//! Transparent rules, not a learned score: staff must be able to see why an item jumped the
//! queue, and a rare flag (about 5% of items) is learnt badly from a few dozen examples. Each
//! rule asks for cue words from two or more groups close together (a thing and what is wrong
//! with it: 电线 + 冒火花, 安全出口 + 锁), so an ordinary complaint that names the thing (空调太冷,
//! 广场舞太吵, 建议标出安全出口) does not fire. Rules run on the [`fold`]ed text, so traditional
//! characters and full-width forms are seen through, and the evidence is the original text.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::normalize::{Folded, fold};

/// Why an item is urgent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UrgentReason {
    /// Something on the premises can hurt people: electricity, gas, a structure giving way.
    Hazard,
    /// Someone has been hurt or taken ill.
    Injury,
    /// A fire exit or escape route is blocked or locked.
    BlockedExit,
    /// A child is lost at an event.
    ChildLost,
    /// An old person who may not find their way is lost.
    PersonLost,
    /// An event today or tomorrow whose published time or place is wrong or contradictory.
    EventInfoWrong,
}

impl UrgentReason {
    /// The reason as the API and the database spell it.
    pub fn code(&self) -> &'static str {
        match self {
            UrgentReason::Hazard => "hazard",
            UrgentReason::Injury => "injury",
            UrgentReason::BlockedExit => "blocked_exit",
            UrgentReason::ChildLost => "child_lost",
            UrgentReason::PersonLost => "person_lost",
            UrgentReason::EventInfoWrong => "event_info_wrong",
        }
    }
}

/// An urgent item: the first rule that fired and what made it fire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Urgent {
    pub reason: UrgentReason,
    /// The substrings of the original text that matched the rule's cues, in text order.
    pub evidence: Vec<String>,
}

/// Cue groups. A rule is a list of groups that must all match within its reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cue {
    /// Electrical things.
    Electric,
    /// What makes electricity dangerous: sparks, smoke, water, bare wire.
    ElectricFault,
    /// Electricity that is dangerous by itself.
    Shock,
    Gas,
    GasSign,
    /// Gas danger named outright.
    GasAlone,
    Exit,
    Blocked,
    /// Parts of a building or stage that can fall or collapse.
    Structure,
    GivingWay,
    /// Holes people fall into.
    Opening,
    Uncovered,
    Lift,
    LiftFault,
    Hurt,
    ChildWord,
    Lost,
    Found,
    /// Someone shut in.
    Trapped,
    /// Trying to get out.
    Escape,
    /// What makes a loose or cracked part a danger rather than a repair: people under it, a
    /// call for haste.
    Danger,
    /// Harm that did not happen or is only feared (差点, 免得).
    Averted,
    /// A door that is not marked as an exit (`侧门`, `后门`): blocked, it is an exit only when
    /// the writer fears a fire.
    Door,
    /// Fear of a fire and of not getting out.
    FireRisk,
    /// An old person, or one whose memory fails.
    Elder,
    /// Someone threatening or fighting.
    Threat,
    /// Animals that bite or sting, found on the premises.
    Animal,
    /// A crowd pressing.
    Crowd,
    /// Lost, in words that cannot mean a thing out of sight (`看不见了` holds `不见了`).
    Wandered,
    /// The writer says no harm came of it (`幸好没事`).
    NoHarm,
    /// What is told happened a while ago (`上个月`, `上次`).
    Past,
    /// What is told is happening now (`刚才`, `现在`).
    Now,
    Soon,
    Published,
    Contradiction,
}

const CUES: &[(Cue, &[&str])] = &[
    (
        Cue::Electric,
        &[
            "灯线",
            "电暖气",
            "电炉",
            "烤火炉",
            "电线",
            "电闸",
            "配电箱",
            "电箱",
            "电表箱",
            "插座",
            "插线板",
            "插排",
            "插头",
            "电线杆",
            "线头",
            "铜丝",
            "变压器",
            "高压",
            "电源线",
            "灯管",
            "电暖器",
            "电路",
            "开关",
            "电缆",
            "线路",
            "电器",
            "电机",
            "配电柜",
            "电闸箱",
            "总闸",
            "充电器",
            "电动车",
            "电饭锅",
            "取暖器",
            "小太阳",
            "电热",
        ],
    ),
    (
        Cue::ElectricFault,
        &[
            "水管爆",
            "漫到",
            "淹了",
            "水漫",
            "噼里啪啦",
            "噼啪",
            "焦味",
            "耷拉",
            "摸到",
            "烫得",
            "冒火花",
            "火花",
            "冒烟",
            "烧焦",
            "烧黑",
            "焦糊",
            "露在外面",
            "露出来",
            "裸露",
            "皮破",
            "破皮",
            "漏水",
            "滴水",
            "进水",
            "都是水",
            "泡在水里",
            "淋湿",
            "垂下来",
            "掉下来",
            "咬破",
            "冒火",
            "起火",
            "着火",
            "垂到",
            "歪了",
            "围栏倒",
            "门也开着",
            "门开着",
            "短路",
            "跳闸冒烟",
            "烧起来",
            "烫手",
            "发烫",
            "烧坏",
            "有焦味",
            "电线外露",
            "漏电",
        ],
    ),
    (
        Cue::Shock,
        &[
            "点着了",
            "烧着了",
            "着起来了",
            "还在冒烟",
            "烧起来了",
            "漏电",
            "触电",
            "被电了",
            "电了一下",
            "被电到",
            "电到人",
            "电打了",
            "被电击",
            "触电了",
            "打火花",
            "电线起火",
            "着火了",
            "失火",
            "火灾",
            "冒黑烟",
            "浓烟",
        ],
    ),
    (
        Cue::Gas,
        &[
            "煤气",
            "燃气",
            "液化气",
            "天然气",
            "气罐",
            "热水器",
            "燃气管",
            "煤气管",
            "煤气罐",
            "燃气灶",
        ],
    ),
    (
        Cue::GasSign,
        &[
            "臭鸡蛋",
            "味道",
            "气味",
            "味儿",
            "闻到",
            "泄漏",
            "漏气",
            "头晕",
            "开裂",
            "老化",
            "臭味",
            "刺鼻",
            "漏了",
        ],
    ),
    (
        Cue::GasAlone,
        &[
            "煤气味",
            "燃气味",
            "液化气味",
            "一氧化碳",
            "煤气泄漏",
            "燃气泄漏",
        ],
    ),
    (
        Cue::Exit,
        &[
            "安全出口",
            "消防通道",
            "安全通道",
            "逃生通道",
            "疏散通道",
            "应急通道",
            "消防门",
            "消防栓",
            "消火栓",
            "逃生门",
            "紧急出口",
            "安全门",
            "疏散门",
            "防火门",
            "应急出口",
            "太平门",
            "逃生出口",
            "楼梯间",
        ],
    ),
    (
        Cue::Blocked,
        &[
            "锁起来",
            "铁链",
            "链子锁",
            "堵",
            "锁着",
            "锁上",
            "锁了",
            "锁住",
            "上锁",
            "钉死",
            "封死",
            "堆满",
            "堆了",
            "堆着",
            "占了",
            "挡住",
            "打不开",
            "出不去",
            "堵死",
            "堵住",
            "封住",
            "锁死",
            "焊死",
            "挡死",
            "堆放",
        ],
    ),
    (
        Cue::Structure,
        &[
            "音箱",
            "音响",
            "墙",
            "天花板",
            "吊顶",
            "栏杆",
            "护栏",
            "扶手",
            "玻璃",
            "看台",
            "舞台",
            "架子",
            "支架",
            "顶棚",
            "雨棚",
            "房梁",
            "椽子",
            "瓦",
            "柱子",
            "楼梯",
            "台阶",
            "吊扇",
            "镜子",
            "落地镜",
            "大屏",
            "吊杆",
            "铁杆",
            "围栏",
            "戏台",
            "挡土墙",
            "围墙",
            "展柜",
            "窗户",
            "阳台",
            "屋顶",
            "横梁",
            "广告牌",
            "灯架",
            "音响架",
            "脚手架",
            "大梁",
            "房顶",
            "吊灯",
            "灯箱",
            "招牌",
            "横幅架",
            "舞台架",
            "桁架",
            "天棚",
            "墙皮",
            "外墙",
            "瓷砖",
            "楼板",
            "地板",
            "护栏网",
            "树枝",
            "大树",
        ],
    ),
    (
        Cue::GivingWay,
        &[
            "碎了",
            "碎片",
            "鼓了",
            "鼓包",
            "会倒",
            "就晃",
            "一上去就晃",
            "塌",
            "垮",
            "掉下来",
            "掉下去",
            "砸",
            "倾斜",
            "往外倾",
            "往前倾",
            "歪了",
            "裂缝",
            "裂了",
            "断了",
            "松动",
            "松了",
            "脱开",
            "锈断",
            "在晃",
            "一直晃",
            "往外晃",
            "一推就晃",
            "晃来晃去",
            "随时要掉",
            "蛀空",
            "缺了一块",
            "翘起来",
            "往下掉",
            "掉了一块",
            "坍塌",
            "塌陷",
            "脱落",
            "摇摇欲坠",
            "要倒",
            "快倒了",
            "倒了",
            "裂开",
            "断裂",
            "掉落",
            "坠落",
        ],
    ),
    (
        Cue::Opening,
        &[
            "井盖",
            "井口",
            "排水沟",
            "水井",
            "下水道",
            "地洞",
            "窨井",
            "深坑",
            "大坑",
            "池塘",
            "水池",
        ],
    ),
    (
        Cue::Uncovered,
        &[
            "没有围栏",
            "没围栏",
            "没有栏杆",
            "搬走",
            "被偷",
            "没有了",
            "不见了",
            "挪开",
            "没盖",
            "没了",
            "断了",
            "往下陷",
            "掉下去",
            "踩进去",
            "踩空",
            "没有盖",
            "敞着",
            "没围",
            "没有护栏",
        ],
    ),
    (Cue::Lift, &["电梯"]),
    (
        Cue::LiftFault,
        &[
            "滑到",
            "溜到",
            "打不开",
            "坠到",
            "往下掉",
            "卡在",
            "卡住",
            "困在",
            "关在",
            "夹",
            "突然掉",
            "下坠",
            "困人",
            "关人",
            "突然停",
            "掉下来",
        ],
    ),
    (
        Cue::Hurt,
        &[
            "都是血",
            "满脸是血",
            "胸口疼",
            "胸口痛",
            "噎住",
            "喘不上气",
            "喘不过气",
            "口吐白沫",
            "休克",
            "拔不出来",
            "崴了脚",
            "崴脚",
            "崴到",
            "扭了脚",
            "走不了路",
            "中暑",
            "划了手",
            "划破",
            "口子很深",
            "咬出血",
            "烧伤",
            "晕了过去",
            "摔倒",
            "摔下来",
            "摔了一跤",
            "摔伤",
            "摔破",
            "跌倒",
            "绊倒",
            "滑倒",
            "骨折",
            "流血",
            "出血",
            "流了好多血",
            "磕破",
            "磕伤",
            "受伤",
            "扭伤",
            "砸到人",
            "砸伤",
            "晕倒",
            "昏倒",
            "晕过去",
            "叫不醒",
            "送医院",
            "送医",
            "打了120",
            "打120",
            "急救车",
            "救护车",
            "缝了",
            "划了一道口子",
            "被电了",
            "电了一下",
            "触电",
            "掉下去了",
            "推倒",
            "踩踏",
            "烫伤",
            "割伤",
            "撞伤",
            "撞破",
            "头破",
            "夹伤",
            "夹到手",
            "烫到",
            "抽搐",
            "昏迷",
            "不省人事",
            "呼吸困难",
            "心脏病",
            "犯病",
            "发病",
            "溺水",
            "落水",
            "掉进",
            "咬伤",
            "被狗咬",
            "蜇伤",
            "食物中毒",
            "上吐下泻",
            "被砸",
            "砸中",
            "挤倒",
            "踩伤",
            "受了伤",
            "送急诊",
            "叫了救护车",
            "住院了",
            "缝针",
        ],
    ),
    (
        Cue::ChildWord,
        &[
            "孩子",
            "小孩",
            "儿子",
            "女儿",
            "小朋友",
            "孙子",
            "孙女",
            "外孙",
            "男孩",
            "女孩",
            "娃",
            "崽",
            "宝宝",
            "小孩子",
            "孩子们",
            "学生",
        ],
    ),
    (
        Cue::Lost,
        &[
            "迷路",
            "人就没了",
            "人没了",
            "不见人影",
            "走丢",
            "走失",
            "走散",
            "找不到了",
            "找不着了",
            "不见了",
            "丢了",
            "挤散",
            "找不到人",
            "联系不上",
            "没找到",
            "不知道去哪了",
            "跑丢",
        ],
    ),
    (
        Cue::Found,
        &["找到了", "找回来了", "已经找到", "如果", "万一", "比如"],
    ),
    (
        Cue::Trapped,
        &[
            "被锁在",
            "锁在里面",
            "困在里面",
            "关在里面",
            "被困在",
            "被反锁",
        ],
    ),
    (
        Cue::Escape,
        &[
            "出不来",
            "喊了半天",
            "喊人",
            "出不去",
            "开门",
            "出来",
            "救命",
        ],
    ),
    (
        Cue::Danger,
        &[
            "还有演出",
            "还有活动",
            "要演出",
            "锋利",
            "伸手就能",
            "危险",
            "快来人",
            "赶紧",
            "赶快",
            "马上",
            "立即",
            "立刻",
            "尽快",
            "不堪设想",
            "出人命",
            "出事",
            "下面是",
            "下面就是",
            "下面全是",
            "下面还有",
            "下面坐",
            "砸到",
            "随时",
            "要塌",
            "警戒线",
            "围起来",
            "别让人",
            "快派人",
            "紧急",
            "锋利",
        ],
    ),
    (
        Cue::Averted,
        &["差点", "差一点", "免得", "以免", "容易", "防跌倒", "防止"],
    ),
    (
        Cue::Door,
        &["侧门", "后门", "大门", "铁门", "卷帘门", "边门"],
    ),
    (
        Cue::FireRisk,
        &["着火", "失火", "火灾", "逃生", "怎么跑", "跑不出", "疏散"],
    ),
    (
        Cue::NoHarm,
        &[
            "幸好没事",
            "还好没事",
            "没什么事",
            "没受伤",
            "没有受伤",
            "幸好没",
            "还好没",
        ],
    ),
    (
        Cue::Elder,
        &[
            "老人",
            "老奶奶",
            "老爷爷",
            "老太太",
            "老大爷",
            "老爷子",
            "痴呆",
            "糊涂",
        ],
    ),
    (
        Cue::Threat,
        &[
            "打起来了",
            "打成一团",
            "打架",
            "动手打人",
            "拿着刀",
            "持刀",
            "拿刀",
            "砍人",
            "耍酒疯",
        ],
    ),
    (
        Cue::Animal,
        &["一条蛇", "有蛇", "发现蛇", "马蜂窝", "野狗", "疯狗", "蜂窝"],
    ),
    (
        Cue::Wandered,
        &[
            "走丢",
            "走失",
            "人找不到",
            "人不见了",
            "迷路",
            "不认得路",
            "说不清家在哪",
            "联系不上",
        ],
    ),
    (Cue::Crowd, &["人挤人", "挤得", "被挤", "挤倒", "踩踏"]),
    (
        Cue::Past,
        &[
            "上个月",
            "上次",
            "上周",
            "去年",
            "前几天",
            "前阵子",
            "那次",
            "以前",
            "之前",
        ],
    ),
    (
        Cue::Now,
        &["刚才", "刚刚", "正在", "今天", "今晚", "赶紧", "快来"],
    ),
    (
        Cue::Soon,
        &[
            "今天",
            "今晚",
            "今早",
            "今日",
            "明天",
            "明早",
            "明晚",
            "明日",
            "明上午",
            "明下午",
            "今天晚上",
            "今天下午",
            "今天上午",
        ],
    ),
    (
        Cue::Published,
        &[
            "通知",
            "公众号",
            "海报",
            "短信",
            "推文",
            "推送",
            "宣传单",
            "门票",
            "群里",
            "广播",
            "电子屏",
            "预告",
            "小程序",
            "网上",
            "节目单",
            "顺序表",
            "报名表",
            "官网",
            "文化云",
            "喇叭",
            "公告",
            "日程",
            "时间表",
            "票上",
            "邀请函",
            "活动群",
            "微信群",
            "朋友圈",
            "网站",
        ],
    ),
    (
        Cue::Contradiction,
        &[
            "到底",
            "不一样",
            "不一致",
            "写错",
            "弄错",
            "搞错",
            "发错",
            "更正",
            "哪个对",
            "哪个是对的",
            "又说",
            "却说",
            "准信",
            "确认",
            "核实",
            "装修中",
            "封闭施工",
            "没听说",
            "不开门",
            "改期",
            "还在显示",
            "两个地方",
            "统一一下",
            "改过来",
            "要乱",
            "时间写错",
            "地点写错",
            "日期写错",
            "写反了",
            "对不上",
            "矛盾",
            "改了时间",
            "临时改",
            "没通知",
        ],
    ),
];

/// A rule: its reason, the cue groups that must all be present within `reach` characters (of
/// the folded text) of the first group's cue, groups that must be present anywhere, groups that
/// veto it anywhere, and groups that veto a first cue they stand right before (差点摔倒).
struct Rule {
    reason: UrgentReason,
    needs: &'static [Cue],
    reach: usize,
    anywhere: &'static [Cue],
    unless: &'static [Cue],
    unless_before: &'static [Cue],
}

/// How many characters before a cue a veto of [`Rule::unless_before`] may start.
const VETO_REACH: usize = 4;

/// In order of precedence: when two fire, the first is the reason given.
const RULES: &[Rule] = &[
    Rule {
        reason: UrgentReason::ChildLost,
        needs: &[Cue::ChildWord, Cue::Lost],
        reach: 40,
        anywhere: &[],
        unless: &[Cue::Found],
        unless_before: &[],
    },
    // Someone hurt now, or at a time the writer does not place in the past: a past injury
    // (`上个月…扭了脚`) is a reason to mend something, not to run.
    Rule {
        reason: UrgentReason::PersonLost,
        needs: &[Cue::Elder, Cue::Wandered],
        reach: 40,
        anywhere: &[],
        unless: &[Cue::Found],
        unless_before: &[],
    },
    Rule {
        reason: UrgentReason::Injury,
        needs: &[Cue::Hurt],
        reach: 0,
        anywhere: &[Cue::Now],
        unless: &[Cue::NoHarm],
        unless_before: &[Cue::Averted],
    },
    Rule {
        reason: UrgentReason::Injury,
        needs: &[Cue::Hurt],
        reach: 0,
        anywhere: &[],
        unless: &[Cue::NoHarm, Cue::Past],
        unless_before: &[Cue::Averted],
    },
    Rule {
        reason: UrgentReason::BlockedExit,
        needs: &[Cue::Trapped, Cue::Escape],
        reach: 20,
        anywhere: &[],
        unless: &[],
        unless_before: &[],
    },
    Rule {
        reason: UrgentReason::BlockedExit,
        needs: &[Cue::Exit, Cue::Blocked],
        reach: 20,
        anywhere: &[],
        unless: &[],
        unless_before: &[],
    },
    Rule {
        reason: UrgentReason::BlockedExit,
        needs: &[Cue::Door, Cue::Blocked],
        reach: 12,
        anywhere: &[Cue::FireRisk],
        unless: &[],
        unless_before: &[],
    },
    Rule {
        reason: UrgentReason::Hazard,
        needs: &[Cue::Threat],
        reach: 0,
        anywhere: &[],
        unless: &[Cue::Past],
        unless_before: &[],
    },
    Rule {
        reason: UrgentReason::Hazard,
        needs: &[Cue::Animal],
        reach: 0,
        anywhere: &[],
        unless: &[Cue::Past],
        unless_before: &[],
    },
    Rule {
        reason: UrgentReason::Hazard,
        needs: &[Cue::Crowd],
        reach: 0,
        anywhere: &[Cue::Danger],
        unless: &[Cue::Past],
        unless_before: &[],
    },
    Rule {
        reason: UrgentReason::Hazard,
        needs: &[Cue::Shock],
        reach: 0,
        anywhere: &[],
        unless: &[],
        unless_before: &[],
    },
    Rule {
        reason: UrgentReason::Hazard,
        needs: &[Cue::Electric, Cue::ElectricFault],
        reach: 24,
        anywhere: &[],
        unless: &[],
        unless_before: &[],
    },
    Rule {
        reason: UrgentReason::Hazard,
        needs: &[Cue::GasAlone],
        reach: 0,
        anywhere: &[],
        unless: &[],
        unless_before: &[],
    },
    Rule {
        reason: UrgentReason::Hazard,
        needs: &[Cue::Gas, Cue::GasSign],
        reach: 30,
        anywhere: &[],
        unless: &[],
        unless_before: &[],
    },
    Rule {
        reason: UrgentReason::Hazard,
        needs: &[Cue::Structure, Cue::GivingWay],
        reach: 14,
        anywhere: &[Cue::Danger],
        unless: &[],
        unless_before: &[],
    },
    Rule {
        reason: UrgentReason::Hazard,
        needs: &[Cue::Opening, Cue::Uncovered],
        reach: 16,
        anywhere: &[],
        unless: &[],
        unless_before: &[],
    },
    Rule {
        reason: UrgentReason::Hazard,
        needs: &[Cue::Lift, Cue::LiftFault],
        reach: 16,
        anywhere: &[],
        unless: &[],
        unless_before: &[],
    },
    Rule {
        reason: UrgentReason::EventInfoWrong,
        needs: &[Cue::Soon, Cue::Published, Cue::Contradiction],
        reach: usize::MAX,
        anywhere: &[],
        unless: &[],
        unless_before: &[],
    },
];

static MATCHER: LazyLock<(AhoCorasick, Vec<Cue>)> = LazyLock::new(|| {
    let mut words = Vec::new();
    let mut cues = Vec::new();
    for (cue, list) in CUES {
        for w in *list {
            words.push(*w);
            cues.push(*cue);
        }
    }
    // A few hundred short literals are far inside every limit the builder checks.
    let matcher = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(&words)
        .expect("urgency cues build");
    (matcher, cues)
});

/// One cue found: which group, where in the folded text (bytes), and its index in characters.
#[derive(Clone, Debug)]
struct Found {
    cue: Cue,
    bytes: Range<usize>,
    at: usize,
}

/// Whether `text` is urgent, and why; `None` for the ordinary queue.
pub fn urgency(text: &str) -> Option<Urgent> {
    let folded = fold(text);
    let found = cues(&folded);
    for rule in RULES {
        if rule
            .unless
            .iter()
            .any(|u| found.iter().any(|f| f.cue == *u))
        {
            continue;
        }
        let elsewhere: Option<Vec<&Found>> = rule
            .anywhere
            .iter()
            .map(|need| found.iter().find(|f| f.cue == *need))
            .collect();
        let Some(elsewhere) = elsewhere else {
            continue;
        };
        if let Some(mut matched) = fire(rule, &found) {
            matched.extend(elsewhere);
            let mut evidence: Vec<(usize, String)> = matched
                .iter()
                .map(|f| {
                    let range = folded.original_range(f.bytes.clone());
                    (range.start, text[range].to_owned())
                })
                .collect();
            evidence.sort();
            evidence.dedup_by(|a, b| a.1 == b.1);
            return Some(Urgent {
                reason: rule.reason,
                evidence: evidence.into_iter().map(|(_, s)| s).collect(),
            });
        }
    }
    None
}

fn cues(folded: &Folded) -> Vec<Found> {
    let f = folded.as_str();
    let (matcher, kinds) = &*MATCHER;
    // Character index of each byte offset, for distances that do not depend on UTF-8 widths.
    let mut char_at = vec![0usize; f.len() + 1];
    let mut n = 0;
    for (i, c) in f.char_indices() {
        for slot in &mut char_at[i..i + c.len_utf8()] {
            *slot = n;
        }
        n += 1;
    }
    char_at[f.len()] = n;
    let all: Vec<Found> = matcher
        .find_overlapping_iter(f)
        .map(|m| Found {
            cue: kinds[m.pattern().as_usize()],
            bytes: m.range(),
            at: char_at[m.start()],
        })
        .collect();
    // 冒火 inside 冒火花 is the same evidence: keep the longest of a group's matches.
    all.iter()
        .filter(|x| {
            !all.iter().any(|y| {
                y.cue == x.cue
                    && y.bytes.len() > x.bytes.len()
                    && y.bytes.start <= x.bytes.start
                    && x.bytes.end <= y.bytes.end
            })
        })
        .cloned()
        .collect()
}

/// The cues that make `rule` fire: one of each needed group, all within `reach` characters of
/// each other (the closest set is taken).
fn fire<'a>(rule: &Rule, found: &'a [Found]) -> Option<Vec<&'a Found>> {
    let (&first, rest) = rule.needs.split_first()?;
    let mut best: Option<(usize, Vec<&Found>)> = None;
    let vetoed = |anchor: &Found| {
        found.iter().any(|v| {
            rule.unless_before.contains(&v.cue)
                && v.at <= anchor.at
                && anchor.at - v.at <= VETO_REACH
        })
    };
    for anchor in found.iter().filter(|f| f.cue == first && !vetoed(f)) {
        let mut set = vec![anchor];
        let mut lo = anchor.at;
        let mut hi = anchor.at;
        let mut ok = true;
        for &need in rest {
            let near = found
                .iter()
                .filter(|f| f.cue == need)
                .min_by_key(|f| f.at.abs_diff(anchor.at));
            match near {
                Some(f) if f.at.abs_diff(anchor.at) <= rule.reach => {
                    lo = lo.min(f.at);
                    hi = hi.max(f.at);
                    set.push(f);
                }
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok && best.as_ref().is_none_or(|(span, _)| hi - lo < *span) {
            best = Some((hi - lo, set));
        }
    }
    best.map(|(_, set)| set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        assert_eq!(UrgentReason::BlockedExit.code(), "blocked_exit");
        assert_eq!(UrgentReason::EventInfoWrong.code(), "event_info_wrong");
    }

    #[test]
    fn evidence_is_the_original_spelling() {
        let u = urgency("後門的安全出口被雜物堵住了").expect("urgent");
        assert_eq!(u.reason, UrgentReason::BlockedExit);
        assert_eq!(u.evidence, vec!["安全出口".to_owned(), "堵住".to_owned()]);
    }
}

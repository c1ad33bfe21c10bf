//! Personal names, only where the context says one is there:
//! - after an introduction: `我叫`, `我是`, `本人`, `联系人`, `姓名`, `户名`, `收件人`,
//!   optionally followed by `：`, `是` or `叫` (`联系人是许诺`, `本人叫彭淑华`);
//! - at the end of the writer's description of themselves: `我是城关镇的王秀英，`,
//!   `我是退休教师孟繁荣`;
//! - after `叫` or `名字` said of a person: `孩子叫`, `我女儿叫`, `老人叫`, `有个叫…的`,
//!   `孩子名字叫`, `老人的名字是`, `…，叫刘欣怡`;
//! - right after a role or a relative: `家长：林芳`, `学员王小明`, `讲解员覃丽`, `我老伴王淑华`;
//! - after the part a person plays or whom to ask: `作者周小燕`, `新郎符海涛`, `失主欧阳婷`,
//!   `传承人舒德明的徒弟`, `寄件人是我，麻凤英`, `有事找杨国庆`;
//! - at a signature: `——李建国`, `-- 张伟`, `——城关镇居民 李建国`;
//! - before a title or a relation, when the full name is written: `李梅老师`, `刘建华馆长`,
//!   `王小明的家长`, `刘子轩妈妈`;
//! - as a whole clause before the sex in a form: `王秀英，女，68岁`;
//! - right before a mobile number: `王秀英 13907312233` (see [`before_mobile`]).
//!
//! A surname alone is never reported, with a title or without (`彭老师`, `姓孙的`, `王女士`,
//! `李先生`), nor a nickname (`小周`, `老黄`, `文文妈妈`): the README of the data counts those as
//! forms of address.
//!
//! Chinese has no spaces, so a name's end is guessed: it starts with a common surname, has one
//! or two more characters (after a compound surname too), and must be followed by the end,
//! a non-Han character, or a word that usually follows a name in a message (`电话`, `今年`,
//! `的妈妈`, `想`). Where both lengths fit, the one followed by the more telling word wins
//! (`李明住在` is `李明`, not `李明住`), and on a tie the longer, as most names have three
//! characters. Characters that never or rarely end a given name (`的`, `们`, `村`, `师`), forms
//! of address after a surname (`先生`, `大妈`), and a list of everyday words that start with a
//! surname (`马上`, `高中`, `顾客`, `周六`) rule guesses out.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::{Found, PiiKind};
use crate::normalize::{fold_char, is_han};

/// Common single-character surnames. Some are also everyday words (高, 方, 白, 金, 文 …); the
/// rules around them keep `我是高中生` and `语文老师` from being names.
const SURNAMES: &str = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈\
曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万\
段雷钱汤尹黎易常武乔贺赖龚文庞樊兰殷施陶洪翟颜倪严牛温季俞章鲁葛伍韦申尤毕聂焦柳邢骆岳齐梅莫庄辛管\
祝左涂谷祁舒耿詹苗凌费纪靳盛童欧甄项裴卫鲍霍翁甘包柏宁柯阮桂柴华冉房戚滕臧褚娄穆燕郎冀姬屠栾郁蒙喻\
窦迟卓艾蓝巩仲虞卞佟匡鞠岑胥蔺阳简饶付向关闫覃尚邝谌冷晏吉荣景官凤麦农池单宫封曲缪牟闵佘苟粟廉揭靖瞿钮阚栗巫邰邸逯亓蒲\
戈伏芦隋邬鄢湛漆寇逄糜丛雍衣\
麻符隆禹敖储扶晋植竺茹肖";

const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "慕容", "令狐", "司徒", "夏侯", "尉迟", "长孙",
    "公孙", "宇文", "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "闻人", "申屠",
];

/// The most frequent surnames: a title reading whose given name would be one of these (`任李`
/// in `班主任李老师`, `谢王` in `感谢王老师`) is a word ending in a surname before a bare one.
const TOP_SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾";

/// Never in a given name as people are named today; mostly function words.
const NEVER_GIVEN: &str = "的了是在这那也都就不你我他她它们说想要吗呢吧啊呀哦嗯个第某很太最末得着";

/// Rarely the last character of a name, often the end of a word that starts like one.
const NEVER_LAST: &str = "员者队组班届级年日号客子手区市县镇乡村省州路街爷奶妈爸叔姨哥姐弟妹嫂婶伯婆毑\
总工局长师傅士学众老小大店馆厅室院校方面边家人住和有会能对没里外上下前后去来过到戏站任记席理事计板练父书管干\
编导演辑夫娘监汉公姥";

/// What follows a surname in a form of address, not a given name: `李先生`, `王大妈`, `张护士`
/// (`王春生` and `李昊天` are names, so `生` and `天` cannot simply be ruled out as last
/// characters).
const ADDRESS_FORMS: &str = "先生 女士 老师 师傅 阿姨 大爷 大妈 大娘 大姐 大哥 叔叔 奶奶 爷爷 同志 同学 医生 \
护士 小姐 姐姐 哥哥 老人 大伯 大婶 婆婆 主任 馆长 站长 书记 老板 经理 老总 会计 大夫 专干 干事 主席";

/// Everyday words that begin with a surname and could sit where a name is expected (`我是马上
/// 要退休的人`, `孩子高兴`, `我是顾客，`); never reported as names.
const NOT_NAMES: &str = "马上 马路 高中 高一 高二 高三 高兴 高龄 高手 高考 高级 高楼 方便 \
方法 方向 方式 周末 周边 周围 周岁 常客 常常 常规 常务 金牌 金额 \
金色 文化 文艺 文盲 文明 文字 文件 文学 万一 白天 白领 白色 石匠 \
石头 林业 于是 黄牛 黄昏 黄色 武警 武术 华侨 华人 房东 房客 房子 \
房间 房租 包工头 包子 包装 毕业 毕竟 毕生 农业 卫生 卫星 龙舟 龙灯 龙套 雷锋 \
雷雨 钱包 汤圆 管理 管道 祝福 祝贺 舒服 舒适 温柔 温度 温馨 温暖 \
齐全 齐心 宁愿 宁静 施工 申请 甘心 尤其 毛病 毛笔 左右 左边 苗子 \
凌晨 费用 费心 纪念 纪律 盛情 盛大 项目 童年 童话 严重 严格 严肃 \
江湖 江南 江边 何必 何况 任何 任务 余下 杜绝 夏天 夏季 程序 许多 \
许久 许可 曾经 钟点 钟头 田里 田间 范围 熊孩子 陆续 康复 秦腔 顾客 \
顾问 黎明 易懂 乔迁 兰花 陶瓷 洪水 颜色 牛奶 季节 章程 焦急 焦点 \
柳树 骆驼 梅花 莫名 庄稼 辛苦 谷子 燕子 郁闷 迟到 卓越 蓝色 蓝天 \
阳光 阳台 柴火 桂花 谢谢 感谢 简单 简直 白痴 饶了 戴着 贺卡 段落 \
易拉罐 胡乱 胡同 孔子 宋体 史上 关于 关心 关注 关门 荣誉 景点 官方 \
农民 农村 连续 单独 宫殿 封面 曲子 吉祥 冷清 池塘 凤凰 麦子 向来 \
向上 陶艺 田径 向导 欧洲 司机 单位 周一 周二 周三 周四 周五 周六 \
周日 周天 单身 单亲 任课 曲艺 吉他 关系 麻烦 麻将 麻木 麻花 麻雀 麻辣 符合 符号 隆重 \
储存 储物 扶贫 扶手 晋级 植物 茹素 孙女 于本 于今 于上 于昨 于前 于近 申报 关注 包括";

/// Words that usually come right after a name, each with how much it tells: a field of a form
/// (`电话`, `今年`) or a relation (`的妈妈`) tells more than a verb (`想`, `在`).
const AFTER_NAME: &[(&str, u8)] = &[
    ("电话", 2),
    ("手机", 2),
    ("联系", 2),
    ("微信", 2),
    ("邮箱", 2),
    ("身份证", 2),
    ("家住", 2),
    ("住在", 2),
    ("住址", 2),
    ("现住", 2),
    ("今年", 2),
    ("现年", 2),
    ("来自", 2),
    ("年龄", 2),
    ("性别", 2),
    ("地址", 2),
    ("女士", 2),
    ("先生", 2),
    ("老师", 2),
    ("同志", 2),
    ("同学", 2),
    ("的妈妈", 2),
    ("的爸爸", 2),
    ("的家长", 2),
    ("的家属", 2),
    ("的家人", 2),
    ("的奶奶", 2),
    ("的爷爷", 2),
    ("的外婆", 2),
    ("的外公", 2),
    ("的姥姥", 2),
    ("的女儿", 2),
    ("的儿子", 2),
    ("的孙子", 2),
    ("的孙女", 2),
    ("的老伴", 2),
    ("的爱人", 2),
    ("的母亲", 2),
    ("的父亲", 2),
    ("的徒弟", 2),
    ("的学生", 2),
    ("院长", 2),
    ("校长", 2),
    ("馆长", 2),
    ("站长", 2),
    ("主任", 2),
    ("书记", 2),
    ("经理", 2),
    ("会长", 2),
    ("所长", 2),
    ("村长", 2),
    ("的邻居", 2),
    ("的同学", 2),
    ("妈妈", 2),
    ("爸爸", 2),
    ("家长", 2),
    ("奶奶", 2),
    ("爷爷", 2),
    ("外婆", 2),
    ("外公", 2),
    ("想", 1),
    ("要", 1),
    ("是", 1),
    ("在", 1),
    ("住", 1),
    ("和", 1),
    ("跟", 1),
    ("与", 1),
    ("请", 1),
    ("报", 1),
    ("反映", 1),
    ("投诉", 1),
    ("咨询", 1),
    ("问", 1),
    ("现在", 1),
    ("今天", 1),
    ("昨天", 1),
    ("上周", 1),
    ("去年", 1),
    ("从", 1),
    ("已", 1),
    ("刚", 1),
    ("也", 1),
    ("就", 1),
    ("一直", 1),
    ("经常", 1),
    ("每", 1),
    ("对", 1),
    ("给", 1),
    ("说", 1),
    ("有", 1),
    ("还", 1),
    ("很", 1),
    ("非常", 1),
    ("特别", 1),
    ("这", 1),
    ("因", 1),
    ("上", 1),
    ("我", 1),
    ("您", 1),
    ("特", 1),
    ("都", 1),
    ("又", 1),
    ("不", 1),
    ("没", 1),
    ("把", 1),
    ("被", 1),
    ("让", 1),
    ("帮", 1),
    ("带", 1),
    ("去", 1),
    ("来", 1),
    ("到", 1),
    ("当", 1),
    ("做", 1),
    ("讲", 1),
    ("教", 1),
    ("腿", 1),
    ("身体", 1),
    ("态度", 1),
    ("服务", 1),
    ("工作", 1),
    ("负责", 1),
    ("老是", 1),
    ("总是", 1),
    ("耐心", 1),
    ("热心", 1),
    ("认真", 1),
    ("主动", 1),
    ("之前", 1),
    ("以前", 1),
    ("前天", 1),
    ("上次", 1),
    ("上个月", 1),
    ("多次", 1),
    ("曾", 1),
    ("已经", 1),
    ("刚才", 1),
    ("目前", 1),
    ("前几天", 1),
    ("这次", 1),
    ("孩子", 1),
    ("女儿", 1),
    ("儿子", 1),
    ("家里", 1),
    ("老伴", 1),
    ("爱人", 1),
    ("推荐", 1),
    ("介绍", 1),
    ("告诉", 1),
    ("建议", 1),
    ("希望", 1),
    ("觉得", 1),
    ("认为", 1),
    ("发现", 1),
    ("看到", 1),
    ("听说", 1),
    ("参加", 1),
    ("喜欢", 1),
    ("需要", 1),
    ("申请", 1),
    ("提出", 1),
    ("打电话", 1),
    ("退休", 1),
    ("生病", 1),
    ("摔", 1),
    ("通知", 1),
    // `我妈龙秀英八十了`: an age in words.
    ("一", 1),
    ("二", 1),
    ("三", 1),
    ("四", 1),
    ("五", 1),
    ("六", 1),
    ("七", 1),
    ("八", 1),
    ("九", 1),
    ("十", 1),
];

/// How a name is introduced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cue {
    /// `我叫`, `联系人`: the name follows, maybe after `：`, `是` or `叫`.
    Intro,
    /// `我老伴`, `家父`, `我外公`, `闺女`: a family word right before the name. The writer names
    /// their own family, so the name may be followed by anything (`我老伴彭秀英瘫在床上`); the
    /// longer reading wins, as most names have three characters.
    Kin,
    /// `写成了`, `应为`: a name written wrong and right; only a whole word, quoted or followed by
    /// a break (`应为清中期` is not one).
    Correction,
    /// `叫`, `名叫`, `名字`: a name follows only if a person is being named.
    Called,
    /// `家长`, `学员`, `讲解员`, `老伴`: a role or a relative written right before the name.
    Role,
    /// `——` at the end of a message.
    Signature,
    /// `老师`, `馆长`, `的家长`: a full name may stand before it.
    Title,
    /// `家长`, `队长`: a name may stand before it or follow it (`王小明家长`, `家长林芳`).
    TitleOrRole,
    /// `，女，`, `，男，`: the name is the whole clause before it (`王秀英，女，68岁`).
    Sex,
    /// A name at the end of `我是…的`, `我是退休教师…`; never in the table.
    Described,
}

/// Where several cues start alike, the longer comes first (`联系人` before `联系`): the finder
/// takes the first listed of those that match at a position.
const CUES: &[(&str, Cue)] = &[
    ("我叫", Cue::Intro),
    ("我是", Cue::Intro),
    ("本人", Cue::Intro),
    ("联系人", Cue::Intro),
    ("联系方式", Cue::Intro),
    ("联系电话", Cue::Intro),
    ("联系", Cue::Intro),
    ("姓名", Cue::Intro),
    ("户名", Cue::Intro),
    ("报名人", Cue::Intro),
    ("申请人", Cue::Intro),
    ("投诉人", Cue::Intro),
    ("反映人", Cue::Intro),
    ("反馈人", Cue::Intro),
    ("举报人", Cue::Intro),
    ("建议人", Cue::Intro),
    ("留言人", Cue::Intro),
    ("签名", Cue::Intro),
    ("署名", Cue::Intro),
    ("签字", Cue::Intro),
    ("落款", Cue::Intro),
    ("收件人", Cue::Intro),
    ("收货人", Cue::Intro),
    ("负责人", Cue::Intro),
    ("经办人", Cue::Intro),
    ("监护人", Cue::Intro),
    ("寄件人", Cue::Intro),
    ("持卡人", Cue::Intro),
    ("借书人", Cue::Intro),
    ("填的", Cue::Intro),
    ("登记的", Cue::Intro),
    ("借阅人", Cue::Intro),
    ("领队", Cue::Intro),
    ("代表", Cue::Intro),
    ("叫我", Cue::Intro),
    // A name quoted for correction: `写成了“王淑芬”，应为“汪淑芬”`, `写成了罗凤英 我叫…`.
    ("写成了", Cue::Correction),
    ("写成", Cue::Correction),
    ("误写为", Cue::Correction),
    ("误写成", Cue::Correction),
    ("错写成", Cue::Correction),
    ("写为", Cue::Correction),
    ("应为", Cue::Correction),
    ("应该是", Cue::Correction),
    ("改为", Cue::Correction),
    ("改成", Cue::Correction),
    ("更正为", Cue::Correction),
    ("打成了", Cue::Correction),
    ("打成", Cue::Correction),
    ("印成了", Cue::Correction),
    ("印成", Cue::Correction),
    ("错成", Cue::Correction),
    ("录成了", Cue::Correction),
    ("登记成了", Cue::Correction),
    ("登记成", Cue::Correction),
    ("弄成了", Cue::Correction),
    ("误作", Cue::Correction),
    ("误为", Cue::Correction),
    ("正确的是", Cue::Correction),
    ("应改为", Cue::Correction),
    ("实为", Cue::Correction),
    ("其实是", Cue::Correction),
    ("失主", Cue::Role),
    ("读者", Cue::Role),
    // Longer first: `我妈妈蒋桂芝`, `我妈龙秀英`.
    ("我妈妈", Cue::Kin),
    ("我妈", Cue::Kin),
    ("我爸爸", Cue::Kin),
    ("我爸", Cue::Kin),
    ("文书", Cue::Role),
    ("会计", Cue::TitleOrRole),
    ("组长", Cue::TitleOrRole),
    ("作者", Cue::Role),
    ("新郎", Cue::Role),
    ("新娘", Cue::Role),
    ("传承人", Cue::Role),
    // `有事找杨国庆`, `来拿的时候找邓志强`: whom to ask, named in full.
    ("找", Cue::Role),
    ("名字", Cue::Called),
    ("名叫", Cue::Called),
    ("叫", Cue::Called),
    ("的家长", Cue::Title),
    ("的妈妈", Cue::Title),
    ("的爸爸", Cue::Title),
    ("的奶奶", Cue::Title),
    ("的爷爷", Cue::Title),
    ("的外婆", Cue::Title),
    ("的外公", Cue::Title),
    ("家长", Cue::TitleOrRole),
    ("妈妈", Cue::TitleOrRole),
    ("爸爸", Cue::TitleOrRole),
    (",男", Cue::Sex),
    (",女", Cue::Sex),
    ("学员", Cue::Role),
    ("学生", Cue::Role),
    ("村民", Cue::Role),
    ("市民", Cue::Role),
    ("居民", Cue::Role),
    ("孩子", Cue::Role),
    ("女儿", Cue::Kin),
    ("儿子", Cue::Kin),
    ("孙子", Cue::Kin),
    ("孙女", Cue::Kin),
    ("外孙女", Cue::Kin),
    ("外孙", Cue::Kin),
    ("外公", Cue::Kin),
    ("外婆", Cue::Kin),
    ("家父", Cue::Kin),
    ("家母", Cue::Kin),
    ("老娘", Cue::Kin),
    ("老倌子", Cue::Kin),
    ("老头子", Cue::Kin),
    ("闺女", Cue::Kin),
    ("大宝", Cue::Kin),
    ("二宝", Cue::Kin),
    ("老公", Cue::Kin),
    ("媳妇", Cue::Kin),
    ("女婿", Cue::Kin),
    ("公公", Cue::Kin),
    ("婆婆", Cue::Kin),
    ("老爷子", Cue::Kin),
    ("老太太", Cue::Kin),
    ("侄子", Cue::Kin),
    ("侄女", Cue::Kin),
    ("外甥女", Cue::Kin),
    ("外甥", Cue::Kin),
    ("孙儿", Cue::Kin),
    ("儿媳", Cue::Kin),
    ("岳父", Cue::Kin),
    ("岳母", Cue::Kin),
    ("丈母娘", Cue::Kin),
    ("老丈人", Cue::Kin),
    ("舅舅", Cue::Kin),
    ("姑姑", Cue::Kin),
    ("姨妈", Cue::Kin),
    ("小姨", Cue::Kin),
    ("大伯", Cue::Kin),
    ("堂哥", Cue::Kin),
    ("表哥", Cue::Kin),
    ("表姐", Cue::Kin),
    ("表妹", Cue::Kin),
    ("堂妹", Cue::Kin),
    ("我奶奶", Cue::Kin),
    ("我爷爷", Cue::Kin),
    ("我婆婆", Cue::Kin),
    ("老伴", Cue::Kin),
    ("爱人", Cue::Kin),
    ("母亲", Cue::Kin),
    ("父亲", Cue::Kin),
    ("丈夫", Cue::Kin),
    ("妻子", Cue::Kin),
    ("管理员", Cue::Role),
    ("讲解员", Cue::Role),
    ("辅导员", Cue::Role),
    ("网格员", Cue::Role),
    ("工作人员", Cue::Role),
    ("志愿者", Cue::Role),
    ("保安", Cue::Role),
    ("家属", Cue::Role),
    ("队员", Cue::Role),
    ("团员", Cue::Role),
    ("朋友", Cue::Role),
    ("同事", Cue::Role),
    ("邻居", Cue::Role),
    ("姐姐", Cue::Kin),
    ("妹妹", Cue::Kin),
    ("哥哥", Cue::Kin),
    ("弟弟", Cue::Kin),
    ("-", Cue::Signature),
    ("老师", Cue::Title),
    ("先生", Cue::Title),
    ("女士", Cue::Title),
    ("同志", Cue::Title),
    ("馆长", Cue::TitleOrRole),
    ("站长", Cue::TitleOrRole),
    ("主任", Cue::TitleOrRole),
    ("书记", Cue::TitleOrRole),
    ("支书", Cue::TitleOrRole),
    ("村长", Cue::TitleOrRole),
    ("会长", Cue::TitleOrRole),
    ("校长", Cue::TitleOrRole),
    ("院长", Cue::TitleOrRole),
    ("队长", Cue::TitleOrRole),
    ("团长", Cue::TitleOrRole),
    ("教练", Cue::TitleOrRole),
    ("师傅", Cue::Title),
    ("阿姨", Cue::Title),
    ("医生", Cue::Title),
    ("同学", Cue::Title),
    ("小朋友", Cue::Title),
    ("奶奶", Cue::TitleOrRole),
    ("爷爷", Cue::TitleOrRole),
    ("大爷", Cue::Title),
    ("大妈", Cue::Title),
    ("叔叔", Cue::Title),
    ("老人", Cue::Title),
];

/// The last character of a word for a person, before `叫` or `名字` (`孩子叫`, `我叫`, `老人叫`,
/// `一个叫`, `女儿名字叫`): a team or a thing may be called something too (`舞蹈队叫金凤凰`).
const PERSON_END: &str =
    "我他她子儿孙伴人爸妈公婆爷奶姥娘员师姨叔伯哥姐弟妹友学长生个位头太孩女上家娃";

/// Words between a cue and the name: `联系人是许诺`, `本人叫彭淑华`, `名字叫`.
const LINKS: &[&str] = &["名叫", "叫做", "是我,", "是", "叫", "为"];

/// Roles written between a signature's dash and the name: `——村民 韩磊`.
const SIGNATURE_ROLES: &[&str] = &["村民", "市民", "居民", "家长", "学员", "读者", "志愿者"];

/// Characters that commonly stand right before a name and are surnames themselves: in
/// `感谢李梅老师` the name is `李梅`, not `谢李梅`.
const BEFORE_NAME: &str = "谢向于";

/// Two-character words that end in a surname, so that `主任李老师` and `谢谢彭老师` do not
/// read as `任李` and `谢彭`.
const ENDS_IN_SURNAME: &[&str] = &[
    "感谢",
    "谢谢",
    "多谢",
    "主任",
    "责任",
    "信任",
    "担任",
    "现任",
    "前任",
    "班主任",
    "语文",
    "中文",
    "英文",
    "作文",
    "课文",
    "历史",
    "非常",
    "经常",
    "正常",
    "平常",
    "日常",
    "地方",
    "对方",
    "双方",
    "官方",
    "馆方",
    "校方",
    "提高",
    "很高",
    "明白",
    "课程",
    "工程",
    "由于",
    "对于",
    "关于",
    "至于",
    "业余",
    "其余",
    "儿童",
    "门卫",
    "保卫",
    "健康",
    "学费",
    "免费",
    "年纪",
    "中华",
    "舞龙",
    "太阳",
];

static CUE_FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(CUES.iter().map(|(w, _)| w))
        // A few dozen short literal patterns are far inside every limit the builder checks.
        .expect("name cues build")
});

static SURNAME_SET: LazyLock<HashSet<char>> = LazyLock::new(|| SURNAMES.chars().collect());
static NOT_NAME_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| NOT_NAMES.split_whitespace().collect());
static ADDRESS_FORM_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| ADDRESS_FORMS.split_whitespace().collect());

pub(super) fn scan(f: &str, out: &mut Vec<Found>) {
    for m in CUE_FINDER.find_iter(f) {
        let cue = CUES[m.pattern().as_usize()].1;
        let (before, after) = match cue {
            Cue::Intro if &f[m.range()] == "我是" => (None, described(f, m.end())),
            Cue::Intro => (None, after_cue(f, m.end(), cue)),
            Cue::Called if names_a_person(&f[..m.start()]) => (None, after_cue(f, m.end(), cue)),
            Cue::Called | Cue::Described => (None, None),
            Cue::Role | Cue::Kin => (None, after_cue(f, m.end(), cue)),
            Cue::Correction => (None, after_cue(f, m.end(), Cue::Signature)),
            Cue::Signature => (None, signature(f, m.end())),
            Cue::Sex => (clause_before(f, m.start()), None),
            Cue::Title => (before_title(f, m.start()), None),
            Cue::TitleOrRole => (before_title(f, m.start()), after_cue(f, m.end(), Cue::Role)),
        };
        for range in before.into_iter().chain(after) {
            out.push(Found {
                kind: PiiKind::Name,
                range,
            });
        }
    }
    // `联系人：柳溪乡老年协会 曾宪文，电话…`, `退休教师 王德明，`: who the writer is, a space, and
    // the name standing alone.
    for (at, _) in f.match_indices(' ') {
        let described = f[..at]
            .chars()
            .next_back()
            .is_some_and(|c| DESCRIPTION_END.contains(c) || c == '会');
        if described && let Some(range) = read_name(f, skip_gap(f, at), Cue::Signature) {
            out.push(Found {
                kind: PiiKind::Name,
                range,
            });
        }
    }
}

fn is_surname(c: char) -> bool {
    SURNAME_SET.contains(&c)
}

fn compound_at(s: &str) -> Option<&'static str> {
    COMPOUND_SURNAMES.iter().copied().find(|c| s.starts_with(c))
}

/// Whether the text before `叫` or `名字` ends with a word for a person (`的` skipped:
/// `老人的名字是`).
fn names_a_person(before: &str) -> bool {
    let before = before.strip_suffix('的').unwrap_or(before);
    // `孩子今年八岁，叫刘欣怡`: a clause of its own says who is called so.
    before
        .chars()
        .next_back()
        .is_some_and(|c| PERSON_END.contains(c) || matches!(c, ',' | ' '))
}

/// `王秀英 13907312233`, `联系张伟13907312233`: a full name written right before a mobile
/// number (spaces, a colon or a bracket between), read as before a title; never a surname
/// alone (`王女士13907312233`). Not before landlines, whose area code often follows the city
/// (`邵阳0739…`).
pub(super) fn before_mobile(f: &str, number_at: usize) -> Option<Range<usize>> {
    let before = f[..number_at].trim_end_matches([' ', ':', '(', '\t']);
    before_title(f, before.len())
}

/// `王秀英，女，68岁` → `王秀英`: the whole run of Han characters before the comma, if it is a
/// name and nothing else.
fn clause_before(f: &str, comma_at: usize) -> Option<Range<usize>> {
    // A name has at most four characters: a longer run is a sentence, and is not read.
    let mut start = None;
    for (i, c) in f[..comma_at].char_indices().rev().take(5) {
        if !is_han(c) {
            break;
        }
        start = Some(i);
    }
    let start = start?;
    if f[..start].chars().next_back().is_some_and(is_han) {
        return None;
    }
    let found = read_name(f, start, Cue::Signature)?;
    (found.end == comma_at).then_some(found)
}

/// Skips spaces and colons (at most three bytes of them) from `at`.
fn skip_gap(f: &str, at: usize) -> usize {
    at + f[at..]
        .bytes()
        .take(3)
        .take_while(|c| matches!(c, b' ' | b':' | b'\t'))
        .count()
}

/// `我叫张三，` → `张三`; `联系人是许诺` → `许诺`.
fn after_cue(f: &str, from: usize, cue: Cue) -> Option<Range<usize>> {
    let mut start = skip_gap(f, from);
    if matches!(cue, Cue::Intro | Cue::Called)
        && let Some(link) = LINKS.iter().find(|l| f[start..].starts_with(*l))
    {
        start = skip_gap(f, start + link.len());
    }
    // `名字“李建平”误写为`, `写成了‘张建囯’`: a quoted name ends at its closing quote.
    if let Some(quote) = f[start..]
        .chars()
        .next()
        .filter(|c| OPENING_QUOTES.contains(*c))
    {
        start += quote.len_utf8();
    }
    read_name(f, start, cue)
}

const OPENING_QUOTES: &str = "“‘\"'「『";

/// Characters that end a description of the writer right before their name: `我是城关镇的王秀英`,
/// `我是退休教师孟繁荣`, `我是书屋管理员蓝小燕`, `我是三年级学生付佳怡`.
const DESCRIPTION_END: &str = "的员师生者民长";
/// How far into `我是…` a description may run before the name.
const MAX_DESCRIPTION_CHARS: usize = 12;

/// After `我是`: the name right away (`我是李明，`), or at the end of the clause after a
/// description of the writer (`我是城关镇的王秀英，`), where it must be followed by the end, a
/// non-Han character or a telling word, not a mere verb.
fn described(f: &str, from: usize) -> Option<Range<usize>> {
    if let Some(found) = after_cue(f, from, Cue::Intro) {
        return Some(found);
    }
    let mut prev = None;
    for (i, c) in f[from..].char_indices().take(MAX_DESCRIPTION_CHARS) {
        if !is_han(c) {
            break;
        }
        if prev.is_some_and(|p| DESCRIPTION_END.contains(p))
            && let Some(found) = read_name(f, from + i, Cue::Described)
        {
            return Some(found);
        }
        prev = Some(c);
    }
    None
}

/// `——李建国`, `-- 张伟`, `——村民 韩磊`: a name after dashes, with nothing but the end or
/// a non-Han character after it.
fn signature(f: &str, from: usize) -> Option<Range<usize>> {
    // Only the first dash of a run starts a signature; the rest are skipped here.
    if f[..from - 1].ends_with(['-', '~']) {
        return None;
    }
    let mut at = from
        + f[from..]
            .bytes()
            .take_while(|c| matches!(c, b'-' | b'~'))
            .count();
    at = skip_gap(f, at);
    if let Some(role) = SIGNATURE_ROLES.iter().find(|r| f[at..].starts_with(*r)) {
        at = skip_gap(f, at + role.len());
    }
    if let Some(found) = read_name(f, at, Cue::Signature) {
        return Some(found);
    }
    // `——城关镇居民 李建国`: a description of the writer, then the name.
    let mut prev = None;
    for (i, c) in f[at..].char_indices().take(MAX_DESCRIPTION_CHARS) {
        if prev.is_some_and(|p| DESCRIPTION_END.contains(p) || p == ' ')
            && let Some(found) = read_name(f, at + i, Cue::Signature)
        {
            return Some(found);
        }
        if !(is_han(c) || c == ' ') {
            break;
        }
        prev = Some(c);
    }
    None
}

/// The name that starts at `start`, if one plausibly does: a surname, one or two given
/// characters, and a telling end.
fn read_name(f: &str, start: usize, cue: Cue) -> Option<Range<usize>> {
    let rest = &f[start..];
    let surname_len = match compound_at(rest) {
        Some(c) => c.len(),
        None => rest.chars().next().filter(|&c| is_surname(c))?.len_utf8(),
    };
    let mut given = [(0usize, ' '); 2];
    let mut available = 0;
    for (slot, found) in given.iter_mut().zip(rest[surname_len..].char_indices()) {
        *slot = found;
        available += 1;
    }
    let mut best: Option<(u8, usize)> = None;
    for n in (1..=available).rev() {
        let chosen = &given[..n];
        let plausible = chosen
            .iter()
            .all(|&(_, c)| is_han(c) && !NEVER_GIVEN.contains(c))
            && chosen.last().is_some_and(|&(_, c)| !NEVER_LAST.contains(c));
        if !plausible {
            continue;
        }
        let end = chosen
            .last()
            .map_or(surname_len, |&(i, c)| surname_len + i + c.len_utf8());
        let Some(score) = end_score(&rest[end..], cue) else {
            continue;
        };
        // After a family word anything may follow a full name, but a two-character reading
        // with nothing telling after it is more often a verb (`帮我爷爷申报了`).
        if cue == Cue::Kin && score == 0 && n == 1 {
            continue;
        }
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, end));
        }
    }
    let (_, end) = best?;
    let form_of_address = ADDRESS_FORM_SET.contains(&rest[surname_len..end]);
    (!form_of_address && !is_word_or_nickname(&rest[..end])).then_some(start..start + end)
}

/// Whether a guessed name is really an everyday word (`马上`, or `文化站` after `文化`) or a
/// doubled nickname (`文文`, `周周`).
fn is_word_or_nickname(name: &str) -> bool {
    let mut chars = name.chars();
    let (first, second) = (chars.next(), chars.next());
    let doubled = first.is_some() && first == second && chars.next().is_none();
    let prefix_len = name.char_indices().nth(2).map_or(name.len(), |(i, _)| i);
    doubled || NOT_NAME_SET.contains(name) || NOT_NAME_SET.contains(&name[..prefix_len])
}

/// How clearly `rest` starts after a name: 3 for the end or a non-Han character, 2 for a
/// telling word, 1 for a common verb; `None` where a name cannot end.
fn end_score(rest: &str, cue: Cue) -> Option<u8> {
    match rest.chars().next() {
        None => return Some(3),
        Some(c) if !is_han(c) => return Some(3),
        Some(_) if cue == Cue::Signature => return None,
        Some(_) => {}
    }
    let least = if cue == Cue::Described { 2 } else { 1 };
    // `有个叫李梅的讲解员`: after `叫` a `的` closes the name.
    if cue == Cue::Called && rest.starts_with('的') {
        return Some(2);
    }
    // `传承人符金凤的徒弟`: after a role too, though less surely (`我是龙山的` is a place).
    if cue == Cue::Role && rest.starts_with('的') {
        return Some(1);
    }
    let told = AFTER_NAME
        .iter()
        .filter(|(w, score)| *score >= least && rest.starts_with(w))
        .map(|&(_, score)| score)
        .max();
    if cue == Cue::Kin {
        return told.or(Some(0));
    }
    told
}

/// `，李明先生` → `李明`, `张三丰老师` → `张三丰`, `感谢李梅老师` → `李梅`; never a surname
/// alone (`王老师`, `欧阳老师`).
fn before_title(f: &str, title_at: usize) -> Option<Range<usize>> {
    // The up to five Han characters before the title, nearest first.
    let mut prev = [(0usize, ' '); 5];
    let mut n = 0;
    for (i, c) in f[..title_at].char_indices().rev().take(prev.len()) {
        if !is_han(c) {
            break;
        }
        prev[n] = (i, c);
        n += 1;
    }
    let text_of = |k: usize| &f[prev[k - 1].0..title_at];
    let given_ok = |k: usize| {
        prev[..k].iter().all(|&(_, c)| !NEVER_GIVEN.contains(c)) && !NEVER_LAST.contains(prev[0].1)
    };
    let chosen = if n >= 4 && compound_at(text_of(4)).is_some() && given_ok(2) {
        Some(4)
    } else if n >= 3 && compound_at(text_of(3)).is_some() && given_ok(1) {
        Some(3)
    } else {
        let three = n >= 3
            && is_surname(prev[2].1)
            && given_ok(2)
            && !(is_surname(prev[1].1) && BEFORE_NAME.contains(prev[2].1));
        let two = n >= 2
            && is_surname(prev[1].1)
            && given_ok(1)
            && !TOP_SURNAMES.contains(prev[0].1)
            && !ENDS_IN_SURNAME.iter().any(|w| f[..prev[0].0].ends_with(w));
        if three {
            Some(3)
        } else if two {
            Some(2)
        } else {
            None
        }
    };
    let k = chosen?;
    let name = text_of(k);
    let bare_compound = compound_at(name).is_some_and(|c| c.len() == name.len());
    (!bare_compound && !is_word_or_nickname(name)).then(|| prev[k - 1].0..title_at)
}

/// `张*`, `欧阳**`: the surname stays, every other character becomes a star.
pub(super) fn mask(text: &str) -> String {
    let folded: String = text.chars().take(2).map(fold_char).collect();
    let keep = if compound_at(&folded).is_some() { 2 } else { 1 };
    text.chars()
        .enumerate()
        .map(|(i, c)| if i < keep { c } else { '*' })
        .collect()
}

//! Issue 15: what the moderation holds on text written unlike the training examples — floods,
//! insults in disguise or in ordinary words, threats to come and make trouble — and what it
//! must leave alone. Every example here was written for this file.

use text::moderation::{Category, WordList};
use text::spam::{FLOOD, moderate};

fn verdict(text: &str) -> text::Verdict {
    moderate(&WordList::default_abuse_and_spam(), text)
}

/// The words staff are shown as the reason an item was held.
fn evidence(text: &str) -> Vec<String> {
    verdict(text).hits.into_iter().map(|h| h.word).collect()
}

#[test]
fn floods_are_held_as_spam_and_say_so() {
    for flood in [
        "嘻嘻嘻嘻嘻嘻嘻嘻嘻嘻嘻嘻",
        "🙏🙏🙏🙏🙏🙏🙏🙏🙏🙏",
        "88888888888888888888",
        "？？？？？？？？？？？？",
        "！！！！！！！！！！！！！",
        "qwertyqwertyqwerty",
        "jkl;jkl;jkljkl jkl;",
        "zxcvbnmzxcvbnm",
        "前排前排前排前排前排",
        "😂🤣😂🤣😂🤣😂🤣😂🤣",
    ] {
        let v = verdict(flood);
        assert!(v.spam && !v.abuse, "{flood}: {v:?}");
        assert!(v.hits.iter().any(|h| h.word == FLOOD
            && h.category == Category::Spam
            && h.range == (0..flood.len())));
    }
}

#[test]
fn a_message_with_a_burst_of_marks_is_not_a_flood() {
    for text in [
        "灯又坏了！！！！！！！！！",
        "谢谢老师😄😄😄😄😄😄😄😄",
        "哈哈哈哈哈哈哈哈 孩子们玩得太开心了",
        "wo xiang bao ming shu fa ban",
        "好好好好",
        "2027年元旦晚会几点开始？",
        "13907312233",
    ] {
        let v = verdict(text);
        assert!(!v.spam && !v.abuse, "{text}: {v:?}");
    }
}

#[test]
fn disguised_insults_are_held_as_abuse_with_the_words_shown() {
    for (text, word) in [
        ("前台那个人是不是sb 问啥都说不知道", "sb"),
        ("tmd 讲座通知又改了", "tmd"),
        ("cnm 网站一晚上打不开", "cnm"),
        ("你们那个售票的就是个shabi", "shabi"),
        ("写这通知的人是傻 币吧", "傻币"),
        ("值班那位是沙比吗，钥匙都找不到", "沙比"),
        ("窗口那位是饭桶吧，一下午办不完一张卡", "饭桶"),
        ("排课的是猪脑子吗，三个班排在同一间", "猪脑子"),
        ("办公室一屋子吃干饭的，电话都不接", "吃干饭的"),
        ("文化站 垃 圾 员工 全是摆设", "垃圾员工"),
        ("接电话的态度真是 垃 圾", "垃圾"),
        ("你们站里就是一群废物", "一群废物"),
        ("那个登记的是没脑子吧，表格丢了三回", "没脑子"),
        ("你给我滚，别在这装", "给我滚"),
    ] {
        let v = verdict(text);
        assert!(v.abuse, "{text}: {v:?}");
        assert!(
            evidence(text).iter().any(|w| w == word),
            "{text}: {:?}",
            evidence(text)
        );
    }
}

#[test]
fn threats_to_come_and_make_trouble_are_abuse() {
    for text in [
        "再不退钱我就叫上几个人到你们馆里去闹",
        "等着吧，下回我要你们好看",
        "哪天我气不过，把你们的招牌砸了",
        "說了不聽，明天我帶一幫親戚去館裡鬧",
        "管事的那个，你出门小心点",
    ] {
        let v = verdict(text);
        assert!(v.abuse, "{text}: {v:?}");
        assert!(!v.hits.is_empty(), "{text}: no evidence");
    }
}

#[test]
fn angry_but_civil_messages_and_everyday_words_are_not_held() {
    for text in [
        "气死我了，排了两个小时队还没轮到，请改进叫号",
        "我的天，这次花灯演出太精彩了",
        "垃圾桶满了一整天没人清",
        "手工课教废物利用，孩子做得很开心",
        "展厅门口的垃圾没人扫，请安排保洁",
        "孩子们到馆里闹着要看皮影，能加一场吗",
        "过年馆里真热闹，谢谢工作人员",
        "USB接口坏了，投影连不上",
        "灯罩掉下来砸到人了，赶紧修",
        "有人把你们宣传栏的玻璃砸了，快去看看",
        "这件事我会向上级部门反映，请给个说法",
    ] {
        let v = verdict(text);
        assert!(!v.abuse && !v.spam, "{text}: {v:?}");
    }
}

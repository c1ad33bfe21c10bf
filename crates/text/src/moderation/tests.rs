use super::*;

fn list(words: &[(&str, Category)]) -> WordList {
    WordList::new(words.iter().map(|&(w, c)| (w.to_owned(), c))).unwrap()
}

/// The original substrings that were hit.
fn hits(list: &WordList, text: &str) -> Vec<String> {
    list.find(text)
        .into_iter()
        .map(|h| text[h.range].to_owned())
        .collect()
}

#[test]
fn sees_through_spacing_punctuation_emoji_width_and_script() {
    let words = list(&[("贷款", Category::Spam), ("www", Category::Spam)]);
    for (text, hit) in [
        ("低息贷款，当天到账", "贷款"),
        ("低息贷 款", "贷 款"),
        ("贷-款", "贷-款"),
        ("贷．款", "贷．款"),
        ("貸款", "貸款"),
        ("贷😀款", "贷😀款"),
        ("贷\u{200B}款", "贷\u{200B}款"),
        ("【贷】【款】", "贷】【款"),
        ("上ＷＷＷ看看", "ＷＷＷ"),
        ("w w w", "w w w"),
    ] {
        assert_eq!(hits(&words, text), [hit], "{text}");
    }
    let found = words.find("办贷款");
    assert_eq!(found[0].word, "贷款");
    assert_eq!(found[0].category, Category::Spam);
    assert_eq!(found[0].range, 3..9);
}

#[test]
fn words_do_not_bridge_a_sentence_end() {
    let words = WordList::default_abuse_and_spam();
    assert_eq!(hits(&words, "我们要去。死党也来"), Vec::<String>::new());
    assert_eq!(hits(&words, "想贷！款项已结清"), Vec::<String>::new());
    assert_eq!(hits(&words, "想贷\n款"), Vec::<String>::new());
    assert_eq!(hits(&words, "你去 死吧"), ["去 死"]);
}

#[test]
fn latin_words_do_not_match_inside_latin_words() {
    let words = WordList::default_abuse_and_spam();
    assert_eq!(hits(&words, "参加VR体验"), Vec::<String>::new());
    assert_eq!(hits(&words, "参加vip活动"), Vec::<String>::new());
    assert_eq!(hits(&words, "有事加V：abc123"), ["加V"]);
    assert_eq!(hits(&words, "加ＶＸ"), ["加ＶＸ"]);
    assert_eq!(hits(&words, "加 v 详聊"), ["加 v"]);
}

#[test]
fn the_seed_list_spares_everyday_feedback() {
    let words = WordList::default_abuse_and_spam();
    assert!(words.len() > 40);
    for fine in [
        "垃圾桶满了没人倒",
        "早上的体操你们组织得很好",
        "棋牌室有人赌博，请管一管",
        "怎么加微信群报名",
        "书法班的老师很负责",
        "广场舞音乐太吵了",
        "我是第一次来文化馆",
    ] {
        assert_eq!(hits(&words, fine), Vec::<String>::new(), "{fine}");
    }
    assert_eq!(hits(&words, "你个王八蛋"), ["王八蛋"]);
    assert_eq!(
        hits(&words, "無抵押網貸，加薇信"),
        ["無抵押", "網貸", "加薇"]
    );
    assert_eq!(hits(&words, "代 开 发 票"), ["代 开 发 票"]);
}

#[test]
fn the_longest_word_wins() {
    let words = list(&[("代开", Category::Other), ("代开发票", Category::Spam)]);
    let found = words.find("专业代开发票");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].word, "代开发票");
}

#[test]
fn redacts_every_character_of_a_hit() {
    let words = WordList::default_abuse_and_spam();
    assert_eq!(words.redact("你这个傻逼"), "你这个**");
    assert_eq!(words.redact("贷😀款找我，滚蛋"), "***找我，**");
    assert_eq!(words.redact("一切正常"), "一切正常");
}

#[test]
fn odd_lists_are_fine() {
    let empty = list(&[]);
    assert!(empty.is_empty());
    assert_eq!(empty.find("贷款"), []);
    assert_eq!(empty.redact("贷款"), "贷款");
    // Words that are only punctuation vanish; duplicates after folding keep the first.
    let odd = list(&[
        ("！！", Category::Other),
        ("貸款", Category::Spam),
        ("贷款", Category::Abuse),
    ]);
    assert_eq!(odd.len(), 1);
    let found = odd.find("贷款");
    assert_eq!(
        (found[0].word.as_str(), found[0].category),
        ("貸款", Category::Spam)
    );
}

#[test]
fn hits_serialise_for_the_api() {
    let hit = Hit {
        word: "贷款".into(),
        category: Category::Spam,
        range: 0..6,
    };
    let json = serde_json::to_value(&hit).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"word": "贷款", "category": "spam", "range": {"start": 0, "end": 6}})
    );
    let back: Hit = serde_json::from_value(json).unwrap();
    assert_eq!(back, hit);
}

#[test]
fn spam_signals_count_handles_urls_and_runs() {
    let s =
        spam_signals("加微信：abc123 或 QQ 12345678，详情见 www.example.com 和 abc.cn/x！！！！！");
    assert_eq!(s.contact_handles, 2);
    assert_eq!(s.urls, 2);
    assert_eq!(s.longest_run, 5);
    assert!(s.latin_share > 0.2 && s.digit_share > 0.1, "{s:?}");

    let s = spam_signals("ＶＸ同号，薇信找我，http://t.cn/abc");
    assert_eq!(s.contact_handles, 2);
    assert_eq!(s.urls, 1);

    let s = spam_signals("怎么加微信群报名？邮箱 wang@qq.com");
    assert_eq!(s.contact_handles, 0);
    assert_eq!(s.urls, 0);

    let s = spam_signals("");
    assert_eq!(s, SpamSignals::default());
    let s = spam_signals("３号厅 3.5 米");
    assert_eq!((s.chars, s.urls), (7, 0));
    assert!((s.digit_share - 3.0 / 7.0).abs() < 1e-6);
}

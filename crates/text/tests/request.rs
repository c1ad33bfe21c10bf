//! What a message asks for: the lexicon, places, the kind of ask, and when two requests in
//! other words are the same. Texts written for these tests; none from the labelled sets.

use text::request::{Ask, Lexicon, LexiconError, same_request};
use text::similar::{DUPLICATE_AT, RELATED_AT, signature, similarity};

#[test]
fn the_built_in_lexicon_names_classes_devices_and_aspects_in_many_words() {
    let lexicon = Lexicon::builtin();
    for (text, name) in [
        ("想学打太极", "太极"),
        ("二十四式简化套路", "太极"),
        ("能不能放个饮水机", "饮水"),
        ("夏天放坝坝电影", "露天电影"),
    ] {
        let names = lexicon.names(&lexicon.read(text));
        assert!(names.contains(&name), "{text}: {names:?}");
    }
}

#[test]
fn places_are_read_by_their_suffix_and_compared_by_their_name() {
    let lexicon = Lexicon::builtin();
    let words = |t: &str| lexicon.key_words(t);
    assert_eq!(words("柳溪乡文化站")[0], ("柳溪乡".to_owned(), 0));
    // 我们村, 送戏下乡 and 乡里 name no place.
    for t in ["我们村的太极班", "送戏下乡演出", "乡里的太极班"] {
        assert!(words(t).iter().all(|(_, rank)| *rank != 0), "{t}");
    }
    let want = |place: &str| lexicon.read(&format!("{place}能不能晚上开个太极班，老人想学"));
    assert!(same_request(&want("柳溪乡"), &want("柳溪村")) >= DUPLICATE_AT);
    assert_eq!(same_request(&want("柳溪乡"), &want("白云镇")), 0.0);
}

#[test]
fn a_question_and_a_complaint_about_one_class_are_different_requests() {
    let lexicon = Lexicon::builtin();
    let question = lexicon.read("请问柳溪乡太极班晚上几点上课？");
    let complaint = lexicon.read("柳溪乡太极班晚上上课太吵，扰民");
    assert_eq!(question.ask(), Some(Ask::Question));
    assert_eq!(same_request(&question, &complaint), 0.0);
    // The item's type decides where the cue words say nothing.
    let plain = lexicon.read("柳溪乡太极班晚上");
    assert_eq!(
        plain.with_ask(Ask::of_kind("suggestion")).ask(),
        Some(Ask::Want)
    );
}

#[test]
fn one_shared_word_is_a_topic_not_a_request() {
    let a = signature("公众号上的获奖名单把我的名字写错了");
    let b = signature("公众号的活动通知每次都发得太晚");
    assert!(similarity(&a, &b) < RELATED_AT);
}

#[test]
fn an_institution_adds_its_own_names_and_concepts() {
    let local = "[subject]\n太极: 揉手\n花灯戏: 灯戏 唱灯\n";
    let lexicon = Lexicon::builtin().extended(local).expect("reads");
    assert!(lexicon.names(&lexicon.read("想学揉手")).contains(&"太极"));
    assert!(
        lexicon
            .names(&lexicon.read("村里想看唱灯"))
            .contains(&"花灯戏")
    );
    assert!(
        !Lexicon::builtin()
            .names(&Lexicon::builtin().read("想学揉手"))
            .contains(&"太极")
    );
    assert_eq!(
        Lexicon::parse("[subject]\n太极 推手\n").unwrap_err(),
        LexiconError::Malformed { line: 2 }
    );
    assert_eq!(
        Lexicon::parse("[venue]\n").unwrap_err(),
        LexiconError::Section {
            line: 1,
            section: "venue".to_owned()
        }
    );
}

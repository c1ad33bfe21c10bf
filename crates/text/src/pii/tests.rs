use super::*;

/// The (kind, text) pairs `detect` reports.
fn found(text: &str) -> Vec<(PiiKind, String)> {
    detect(text).into_iter().map(|p| (p.kind, p.text)).collect()
}

fn one(kind: PiiKind, text: &str) -> Vec<(PiiKind, String)> {
    vec![(kind, text.to_owned())]
}

#[track_caller]
fn assert_none(texts: &[&str]) {
    for text in texts {
        assert_eq!(found(text), [], "{text}");
    }
}

#[test]
fn mobiles_as_people_write_them() {
    use PiiKind::Mobile;
    for (text, number, masked) in [
        (
            "我的电话是13812345678，请回电",
            "13812345678",
            "我的电话是138****5678，请回电",
        ),
        (
            "电话138 1234 5678谢谢",
            "138 1234 5678",
            "电话138 **** 5678谢谢",
        ),
        (
            "手机：138-1234-5678",
            "138-1234-5678",
            "手机：138-****-5678",
        ),
        (
            "打+86 13812345678找我",
            "+86 13812345678",
            "打+86 138****5678找我",
        ),
        (
            "+86-138-1234-5678",
            "+86-138-1234-5678",
            "+86-138-****-5678",
        ),
        ("(+86)13812345678", "(+86)13812345678", "(+86)138****5678"),
        (
            "0086 138 1234 5678",
            "0086 138 1234 5678",
            "0086 138 **** 5678",
        ),
        ("+8613812345678", "+8613812345678", "+86138****5678"),
        (
            "电话：１３８１２３４５６７８。",
            "１３８１２３４５６７８",
            "电话：１３８****５６７８。",
        ),
        (
            "１３８－１２３４－５６７８",
            "１３８－１２３４－５６７８",
            "１３８－****－５６７８",
        ),
    ] {
        assert_eq!(found(text), one(Mobile, number), "{text}");
        assert_eq!(mask(text), masked, "{text}");
    }
    assert_eq!(
        found("两个号码13812345678 13987654321都行"),
        [
            (Mobile, "13812345678".to_owned()),
            (Mobile, "13987654321".to_owned())
        ]
    );
}

#[test]
fn mobiles_inside_longer_numbers_are_not_mobiles() {
    assert_none(&[
        "订单号202313812345678已付款",
        "编号 12381234567",
        "1381234567",
        "流水号138123456789",
        "10点到12点",
        "2024-03-05 10:30",
        "第5期",
    ]);
    // Inside a resident id only the id is reported.
    assert_eq!(
        found("身份证330106199003071236"),
        one(PiiKind::ResidentId, "330106199003071236")
    );
}

#[test]
fn landlines_with_and_without_brackets() {
    use PiiKind::Landline;
    for (text, number, masked) in [
        ("0571-88881234", "0571-88881234", "0571-****1234"),
        ("电话(0571)88881234", "(0571)88881234", "电话(0571)****1234"),
        (
            "电话（0571）88881234",
            "（0571）88881234",
            "电话（0571）****1234",
        ),
        ("0571 8888 1234", "0571 8888 1234", "0571 **** 1234"),
        ("北京010-12345678", "010-12345678", "北京010-****5678"),
        ("广州020-87654321", "020-87654321", "广州020-****4321"),
        ("0571-8888123", "0571-8888123", "0571-***8123"),
        (
            "办公室0571-88881234转123",
            "0571-88881234",
            "办公室0571-****1234转123",
        ),
        ("0571-88881234-123", "0571-88881234", "0571-****1234-123"),
        (
            "０５７１－８８８８１２３４",
            "０５７１－８８８８１２３４",
            "０５７１－****１２３４",
        ),
    ] {
        assert_eq!(found(text), one(Landline, number), "{text}");
        assert_eq!(mask(text), masked, "{text}");
    }
    assert_eq!(
        found("座机0571-88881234，手机13812345678"),
        [
            (Landline, "0571-88881234".to_owned()),
            (PiiKind::Mobile, "13812345678".to_owned())
        ]
    );
    // Not area codes, or local numbers starting with 0/1.
    assert_none(&["0111-88881234", "0571-08881234", "011-12345678", "0571-123"]);
}

#[test]
fn resident_ids_need_their_checksum_and_a_birth_date() {
    use PiiKind::ResidentId;
    for (text, id, masked) in [
        (
            "身份证号330106199003071236，",
            "330106199003071236",
            "身份证号3301**********1236，",
        ),
        (
            "身份证11010519491231002X",
            "11010519491231002X",
            "身份证1101**********002X",
        ),
        (
            "11010519491231002x",
            "11010519491231002x",
            "1101**********002x",
        ),
        (
            "编号2024 11010519491231002X号",
            "11010519491231002X",
            "编号2024 1101**********002X号",
        ),
        (
            "证件：３３０１０６１９９００３０７１２３６",
            "３３０１０６１９９００３０７１２３６",
            "证件：３３０１**********１２３６",
        ),
        (
            "330106 19900307 1236",
            "330106 19900307 1236",
            "3301** ******** 1236",
        ),
    ] {
        assert_eq!(found(text), one(ResidentId, id), "{text}");
        assert_eq!(mask(text), masked, "{text}");
    }
    assert!(resident_id_valid("11010519491231002X"));
    assert!(resident_id_valid("11010519491231002x"));
    for wrong in [
        "11010519491231002",
        "330106189003071236",
        "330106199013071236",
    ] {
        assert!(!resident_id_valid(wrong), "{wrong}");
        assert!(
            detect(wrong).iter().all(|p| p.kind != ResidentId),
            "{wrong}"
        );
    }
    // A slip in the check character still leaves someone's id: a province's code and a birth
    // date are enough to mask it (issue 15), though it is not a valid id.
    for slip in ["330106199003071237", "33010619900307123X"] {
        assert!(!resident_id_valid(slip), "{slip}");
        assert_eq!(found(slip), one(ResidentId, slip), "{slip}");
    }
}

#[test]
fn bank_cards_pass_luhn() {
    use PiiKind::BankCard;
    for (text, card, masked) in [
        (
            "卡号6222021234567890128",
            "6222021234567890128",
            "卡号***************0128",
        ),
        (
            "退款到6228 4800 1234 5671",
            "6228 4800 1234 5671",
            "退款到**** **** **** 5671",
        ),
        (
            "6230-5800-0012-3456-787",
            "6230-5800-0012-3456-787",
            "****-****-****-***6-787",
        ),
        ("4367421234567896", "4367421234567896", "************7896"),
    ] {
        assert_eq!(found(text), one(BankCard, card), "{text}");
        assert_eq!(mask(text), masked, "{text}");
    }
    assert!(luhn_valid("4367421234567896"));
    assert!(!luhn_valid("4367421234567897"));
    assert!(!luhn_valid(""));
    // Luhn fails, or a plausible order number starting with 1/2.
    assert_none(&[
        "4367421234567897",
        "2023100812345674",
        "6228 480 0123 45671",
    ]);
}

#[test]
fn emails_full_width_and_glued_to_chinese() {
    use PiiKind::Email;
    for (text, email, masked) in [
        (
            "邮箱zhangsan@163.com谢谢",
            "zhangsan@163.com",
            "邮箱z***@163.com谢谢",
        ),
        (
            "请发到Wang.Li@Example.COM.",
            "Wang.Li@Example.COM",
            "请发到W***@Example.COM.",
        ),
        (
            "ｚｈａｎｇ＠ｑｑ．ｃｏｍ",
            "ｚｈａｎｇ＠ｑｑ．ｃｏｍ",
            "ｚ***＠ｑｑ．ｃｏｍ",
        ),
        ("a@b.cn", "a@b.cn", "a***@b.cn"),
        ("13812345678@139.com", "13812345678@139.com", "1***@139.com"),
    ] {
        assert_eq!(found(text), one(Email, email), "{text}");
        assert_eq!(mask(text), masked, "{text}");
    }
    assert_none(&[
        "@文化馆 说得好",
        "a@b",
        "x@y.123",
        "邮箱@qq.com",
        "user@.com",
    ]);
}

#[test]
fn home_addresses_keep_the_place_and_hide_the_numbers() {
    use PiiKind::Address;
    for (text, address, masked) in [
        (
            "我家住幸福小区3栋2单元501，楼上漏水",
            "幸福小区3栋2单元501",
            "我家住幸福小区*栋*单元***，楼上漏水",
        ),
        (
            "人民路88号5幢302室",
            "人民路88号5幢302室",
            "人民路**号*幢***室",
        ),
        (
            "锦绣花园12号楼1单元1102",
            "锦绣花园12号楼1单元1102",
            "锦绣花园**号楼*单元****",
        ),
        ("XX村3组25号", "XX村3组25号", "XX村*组**号"),
        (
            "住在李家村3组25号。",
            "李家村3组25号",
            "住在李家村*组**号。",
        ),
        ("长江路128号", "长江路128号", "长江路***号"),
        (
            "地址：杭州市西湖区文三路88号",
            "杭州市西湖区文三路88号",
            "地址：杭州市西湖区文三路**号",
        ),
        ("幸福小区3-2-501", "幸福小区3-2-501", "幸福小区*-*-***"),
        ("我住3栋2单元501", "3栋2单元501", "我住*栋*单元***"),
        (
            "家住和平里小区5号楼3门401",
            "和平里小区5号楼3门401",
            "家住和平里小区*号楼*门***",
        ),
        (
            "我住在幸福里5-3-201",
            "幸福里5-3-201",
            "我住在幸福里*-*-***",
        ),
        ("阳光苑 5幢302", "阳光苑 5幢302", "阳光苑 *幢***"),
        (
            "锦绣花园１２号楼１单元１１０２",
            "锦绣花园１２号楼１单元１１０２",
            "锦绣花园**号楼*单元****",
        ),
    ] {
        assert_eq!(found(text), one(Address, address), "{text}");
        assert_eq!(mask(text), masked, "{text}");
    }
}

#[test]
fn venue_rooms_dates_and_times_are_not_addresses() {
    assert_none(&[
        "3号厅的灯坏了",
        "2楼活动室太吵",
        "第5期培训班",
        "10点开门",
        "3月5日的演出",
        "文化馆二楼多功能厅",
        "请到3号楼201室报名",
        "5号楼3层",
        "小区3号停水",
        "幸福小区2024-03-05停水",
        "302室",
        "排练在3楼",
        "共3栋楼",
        "请走3门进场",
        "一楼大厅的3号窗口",
        "座位5排12号",
    ]);
}

#[test]
fn names_given_in_context() {
    use PiiKind::Name;
    for (text, name, masked) in [
        ("我叫张三，电话是多少", "张三", "我叫张*，电话是多少"),
        ("我叫张三丰。", "张三丰", "我叫张**。"),
        ("我是李明，想反映一下", "李明", "我是李*，想反映一下"),
        ("我是李明 想问", "李明", "我是李* 想问"),
        ("本人王小红", "王小红", "本人王**"),
        ("本人王小红今年65岁", "王小红", "本人王**今年65岁"),
        ("联系人：刘伟", "刘伟", "联系人：刘*"),
        ("联系人 刘伟", "刘伟", "联系人 刘*"),
        ("姓名：陈静\n", "陈静", "姓名：陈*\n"),
        ("我叫欧阳娜娜。", "欧阳娜娜", "我叫欧阳**。"),
        ("我叫張三，", "張三", "我叫張*，"),
        ("感谢文化馆的李明老师", "李明", "感谢文化馆的李*老师"),
        ("张三丰老师讲得好", "张三丰", "张**老师讲得好"),
    ] {
        assert_eq!(found(text), one(Name, name), "{text}");
        assert_eq!(mask(text), masked, "{text}");
    }
    assert_eq!(
        found("我是李明，电话13812345678"),
        [
            (Name, "李明".to_owned()),
            (PiiKind::Mobile, "13812345678".to_owned())
        ]
    );
}

#[test]
fn words_that_only_look_like_names_after_a_trigger() {
    assert_none(&[
        "我是第一次来",
        "我是群众",
        "我叫不出名字",
        "我是老师",
        "我是高中生，",
        "我是周末来的",
        "我是江苏人，",
        "我是周边居民",
        "我是常客，",
        "我是金牌会员",
        "语文老师很好",
        "历史老师",
        "各位老师辛苦了",
        "舞蹈老师",
        "日本人",
        "我是张大爷，",
        // A surname with a title is a form of address, not a name (the data's README).
        "找王老师",
        "赵先生您好",
        "，欧阳老师",
        "感谢王老师",
        "我们班主任李老师",
    ]);
}

#[test]
fn everything_at_once_in_a_real_complaint() {
    let text = "我叫王小红，住锦绣花园12号楼1单元1102，电话：138-1234-5678，\
                邮箱 wxh@163.com。3号厅的空调10点以后就不制冷了😡";
    assert_eq!(
        mask(text),
        "我叫王**，住锦绣花园**号楼*单元****，电话：138-****-5678，\
         邮箱 w***@163.com。3号厅的空调10点以后就不制冷了😡"
    );
    for p in detect(text) {
        assert_eq!(&text[p.range.clone()], p.text);
    }
}

#[test]
fn overlaps_keep_the_longer_finding() {
    let mut list = vec![
        Found {
            kind: PiiKind::Name,
            range: 0..6,
        },
        Found {
            kind: PiiKind::Mobile,
            range: 3..14,
        },
        Found {
            kind: PiiKind::Landline,
            range: 20..30,
        },
        Found {
            kind: PiiKind::BankCard,
            range: 20..30,
        },
    ];
    resolve(&mut list);
    let kinds: Vec<_> = list.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [PiiKind::Mobile, PiiKind::BankCard]);
}

#[test]
fn apply_skips_findings_that_do_not_fit() {
    let text = "电话13812345678";
    let mut found = detect(text);
    found.push(found[0].clone());
    found.push(Pii {
        kind: PiiKind::Name,
        range: 1..2,
        text: String::new(),
    });
    assert_eq!(apply(text, &found), "电话138****5678");
}

#[test]
fn ranges_are_bytes_of_the_original_around_emoji_and_full_width() {
    let text = "😀电话１３８　１２３４　５６７８😀我叫張三🎉邮箱ｗａｎｇ＠ｑｑ．ｃｏｍ";
    let found = detect(text);
    let kinds: Vec<_> = found.iter().map(|p| p.kind).collect();
    assert_eq!(kinds, [PiiKind::Mobile, PiiKind::Name, PiiKind::Email]);
    assert_eq!(found[0].range, 10..49);
    assert_eq!(found[0].text, "１３８　１２３４　５６７８");
    assert_eq!(found[0].masked(), "１３８　****　５６７８");
    assert_eq!(found[1].text, "張三");
    assert_eq!(found[2].text, "ｗａｎｇ＠ｑｑ．ｃｏｍ");
    for p in &found {
        assert_eq!(&text[p.range.clone()], p.text);
    }
    assert_eq!(
        mask(text),
        "😀电话１３８　****　５６７８😀我叫張*🎉邮箱ｗ***＠ｑｑ．ｃｏｍ"
    );
}

/// The longest run of consecutive ASCII digits in `text`.
fn longest_digit_run(text: &str) -> usize {
    text.split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0)
}

#[test]
fn an_excerpt_masks_a_number_its_cut_goes_through() {
    let lead = "请联系我，".repeat(3);
    for number in ["110101199003074514", "13907312233"] {
        let text = format!("{lead}{number}，谢谢");
        let before = lead.chars().count();
        // Every cut from just inside the number to just after it.
        for cut in before + 1..=before + number.len() {
            let short = excerpt(&text, cut);
            assert!(longest_digit_run(&short) < 7, "cut at {cut}: {short}");
            assert!(short.ends_with('…'), "{short}");
        }
    }
    assert_eq!(excerpt("  短短一句  ", 80), "短短一句");
    assert_eq!(excerpt("我的电话13907312233", 80), "我的电话139****2233");
}

#[test]
fn a_reply_masks_only_what_repeats_the_submitters_data() {
    let mut submitter = Known::new();
    submitter.add_text("我叫王秀英，电话13907312233，住龙潭村3组12号");
    submitter.add_value("wang@example.com");
    let institution = Known::new();
    let reply =
        "王秀英您好：请致电本馆0731-1234567，或发邮件至wang@example.com；已短信通知13907312233。";
    let shown = mask_reply(reply, &submitter, &institution);
    assert!(shown.contains("0731-1234567"), "{shown}");
    assert!(
        shown.contains("139****2233") && !shown.contains("13907312233"),
        "{shown}"
    );
    assert!(
        !shown.contains("王秀英") && !shown.contains("wang@example.com"),
        "{shown}"
    );
}

#[test]
fn the_institutions_own_contacts_are_never_masked() {
    let mut submitter = Known::new();
    submitter.add_text("我打了0731-1234567没人接，我的手机13907312233");
    let mut institution = Known::new();
    institution.add_value("0731 1234567");
    let shown = mask_reply("请再拨0731-1234567", &submitter, &institution);
    assert_eq!(shown, "请再拨0731-1234567");
    assert_eq!(
        mask_keeping(
            "我打了0731-1234567没人接，我的手机13907312233",
            &institution
        ),
        "我打了0731-1234567没人接，我的手机139****2233"
    );
}

#[test]
fn a_contact_field_is_masked_as_the_same_thing_found_in_free_text() {
    assert_eq!(mask_mobile("13812345678"), "138****5678");
    assert_eq!(mask("电话13812345678"), "电话138****5678");
    assert_eq!(mask_email("wang@example.com"), "w***@example.com");
    assert_eq!(mask("邮箱 wang@example.com"), "邮箱 w***@example.com");
}

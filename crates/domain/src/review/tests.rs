use super::*;
use crate::{DepartmentId, Grant, TenantId, UnitId};
use proptest::prelude::*;

const AUTHOR: UserId = UserId(1);
const HEAD: UserId = UserId(2);
const DIRECTOR: UserId = UserId(3);
const DEPUTY: UserId = UserId(4);
const OUTSIDE_MEDIA: &str = "outside_media";

fn centre() -> UnitPath {
    UnitPath::root(UnitId(1))
}

fn station(id: i64) -> UnitPath {
    centre().child(UnitId(id))
}

fn actor(user: UserId, grants: Vec<Grant>) -> Actor {
    Actor {
        user_id: user,
        tenant_id: TenantId(1),
        display_name: format!("用户{user}"),
        grants,
        platform_admin: false,
    }
}

fn grant(role: Role, scope: UnitPath, department: Option<i64>) -> Grant {
    Grant {
        role,
        scope,
        department: department.map(DepartmentId),
    }
}

fn nobody_special(user: UserId) -> Actor {
    actor(user, Vec::new())
}

fn notice(unit: UnitPath, chosen: Option<UserId>) -> ItemFacts {
    ItemFacts {
        author: AUTHOR,
        unit,
        authors_department_head: None,
        chosen_reviewer: chosen,
        targets: Vec::new(),
    }
}

fn article(targets: &[&str]) -> ItemFacts {
    ItemFacts {
        author: AUTHOR,
        unit: centre(),
        authors_department_head: Some(HEAD),
        chosen_reviewer: None,
        targets: targets.iter().map(|t| t.to_string()).collect(),
    }
}

/// A publicity article's chain: the department head, the office director, and the deputy
/// director in charge only for outside media.
fn article_chain() -> Chain {
    Chain::new(vec![
        Step {
            name: "部门负责人审核".into(),
            who: vec![Reviewer::HeadOfAuthorsDepartment],
            when: Condition::Always,
        },
        Step {
            name: "办公室审核".into(),
            who: vec![Reviewer::RoleInUnit {
                role: Role::OfficeDirector,
                unit: centre(),
            }],
            when: Condition::Always,
        },
        Step {
            name: "分管领导审核".into(),
            who: vec![Reviewer::Person { user: DEPUTY }],
            when: Condition::TargetIncludes {
                target: OUTSIDE_MEDIA.into(),
            },
        },
    ])
    .expect("a valid chain")
}

fn director() -> Actor {
    actor(DIRECTOR, vec![grant(Role::OfficeDirector, centre(), None)])
}

fn approve() -> Decision {
    Decision::Approve { comment: None }
}

fn changes(comment: &str) -> Decision {
    Decision::RequestChanges {
        comment: comment.into(),
    }
}

fn current(progress: &Progress, chain: &Chain, item: &ItemFacts) -> Option<usize> {
    progress.current_step(chain, item).map(|(i, _)| i)
}

// ---- today's notice review as a one-step chain ----

#[test]
fn the_reviewer_named_on_a_notice_may_review_it_without_any_permission() {
    let chain = Chain::notice_review();
    let item = notice(station(2), Some(UserId(9)));
    let step = &chain.steps()[0];
    assert!(may_act(step, &nobody_special(UserId(9)), &item));
    assert!(!may_act(step, &nobody_special(UserId(8)), &item));
}

#[test]
fn a_notice_reviewer_over_the_unit_may_take_it_but_not_one_of_a_sibling_station() {
    let chain = Chain::notice_review();
    let item = notice(station(2), Some(UserId(9)));
    let step = &chain.steps()[0];
    let here = actor(
        UserId(5),
        vec![grant(Role::OfficeDirector, station(2), None)],
    );
    let sibling = actor(
        UserId(6),
        vec![grant(Role::OfficeDirector, station(3), None)],
    );
    let above = actor(UserId(7), vec![grant(Role::OfficeDirector, centre(), None)]);
    assert!(may_act(step, &here, &item));
    assert!(may_act(step, &above, &item));
    assert!(!may_act(step, &sibling, &item));
}

#[test]
fn a_department_head_reviews_a_notice_only_when_named() {
    // Actor::can leaves department grants out, and so does today's notice review.
    let chain = Chain::notice_review();
    let head = actor(
        UserId(5),
        vec![grant(Role::DepartmentHead, station(2), Some(4))],
    );
    let step = &chain.steps()[0];
    assert!(!may_act(step, &head, &notice(station(2), None)));
    assert!(may_act(step, &head, &notice(station(2), Some(UserId(5)))));
}

#[test]
fn the_author_of_a_notice_cannot_review_it_even_when_named_and_a_director() {
    let chain = Chain::notice_review();
    let author = actor(AUTHOR, vec![grant(Role::OfficeDirector, centre(), None)]);
    let item = notice(centre(), Some(AUTHOR));
    assert!(!may_act(&chain.steps()[0], &author, &item));
    assert_eq!(
        Progress::start().decide(&chain, &item, &author, &approve()),
        Err(ReviewError::SelfReview)
    );
}

#[test]
fn one_approval_approves_a_notice() {
    let chain = Chain::notice_review();
    let item = notice(centre(), None);
    let done = Progress::start()
        .decide(&chain, &item, &director(), &approve())
        .expect("the director may review");
    assert_eq!(done.stage(), Stage::Approved);
    assert_eq!(done.code(), "approved:0");
}

// ---- chains of several steps ----

#[test]
fn an_internal_article_skips_the_step_for_outside_media() {
    let chain = article_chain();
    let inside = article(&[]);
    let outside = article(&["hall_screen", OUTSIDE_MEDIA]);
    let steps =
        |item: &ItemFacts| -> Vec<usize> { chain.applicable_steps(item).map(|(i, _)| i).collect() };
    assert_eq!(steps(&inside), vec![0, 1]);
    assert_eq!(steps(&outside), vec![0, 1, 2]);

    let head = nobody_special(HEAD);
    let deputy = nobody_special(DEPUTY);
    let run = |item: &ItemFacts| {
        Progress::start()
            .decide(&chain, item, &head, &approve())
            .and_then(|p| p.decide(&chain, item, &director(), &approve()))
            .expect("head and director approve")
    };
    assert_eq!(run(&inside).stage(), Stage::Approved);
    let waiting = run(&outside);
    assert_eq!(current(&waiting, &chain, &outside), Some(2));
    let done = waiting
        .decide(&chain, &outside, &deputy, &approve())
        .expect("the deputy approves");
    assert_eq!(done.stage(), Stage::Approved);
}

#[test]
fn steps_are_taken_in_order_by_their_own_reviewers() {
    let chain = article_chain();
    let item = article(&[OUTSIDE_MEDIA]);
    let start = Progress::start();
    // The director cannot jump the department head's step, nor the deputy anyone's.
    assert_eq!(
        start.decide(&chain, &item, &director(), &approve()),
        Err(ReviewError::NotAReviewerHere {
            step: "部门负责人审核".into()
        })
    );
    assert!(
        start
            .decide(&chain, &item, &nobody_special(DEPUTY), &approve())
            .is_err()
    );
}

#[test]
fn resubmitting_returns_to_the_step_that_asked_and_earlier_approvals_stand() {
    let chain = article_chain();
    let item = article(&[OUTSIDE_MEDIA]);
    let asked = Progress::start()
        .decide(&chain, &item, &nobody_special(HEAD), &approve())
        .and_then(|p| p.decide(&chain, &item, &director(), &changes("标题太长")))
        .expect("head approves, director sends back");
    assert_eq!(asked.stage(), Stage::ChangesRequested { step: 1 });
    assert_eq!(asked.code(), "changes_requested@1:0");
    assert_eq!(current(&asked, &chain, &item), None, "with the author");

    let again = asked.resubmit(&chain, &item).expect("sent back");
    assert_eq!(again.stage(), Stage::InReview);
    assert_eq!(current(&again, &chain, &item), Some(1));
    assert_eq!(again.approved_steps().collect::<Vec<_>>(), vec![0]);
}

#[test]
fn a_change_that_makes_an_earlier_step_apply_restarts_there() {
    let chain = Chain::new(vec![
        Step {
            name: "分管领导审核".into(),
            who: vec![Reviewer::Person { user: DEPUTY }],
            when: Condition::TargetIncludes {
                target: OUTSIDE_MEDIA.into(),
            },
        },
        Step {
            name: "办公室审核".into(),
            who: vec![Reviewer::Person { user: DIRECTOR }],
            when: Condition::Always,
        },
    ])
    .expect("a valid chain");
    let internal = article(&[]);
    let asked = Progress::start()
        .decide(&chain, &internal, &director(), &changes("改投外宣"))
        .expect("sent back");
    let outside = article(&[OUTSIDE_MEDIA]);
    let again = asked.resubmit(&chain, &outside).expect("resubmitted");
    assert_eq!(current(&again, &chain, &outside), Some(0));
}

#[test]
fn dropping_the_target_of_the_step_that_asked_approves_what_remains() {
    let chain = article_chain();
    let outside = article(&[OUTSIDE_MEDIA]);
    let asked = Progress::start()
        .decide(&chain, &outside, &nobody_special(HEAD), &approve())
        .and_then(|p| p.decide(&chain, &outside, &director(), &approve()))
        .and_then(|p| {
            p.decide(
                &chain,
                &outside,
                &nobody_special(DEPUTY),
                &changes("不宜外宣"),
            )
        })
        .expect("sent back by the deputy");
    let again = asked.resubmit(&chain, &article(&[])).expect("resubmitted");
    assert_eq!(again.stage(), Stage::Approved);
}

#[test]
fn sending_back_or_rejecting_needs_a_comment() {
    let chain = Chain::notice_review();
    let item = notice(centre(), None);
    let start = Progress::start();
    for decision in [
        changes(" \n"),
        Decision::Reject {
            comment: String::new(),
        },
    ] {
        assert_eq!(
            start.decide(&chain, &item, &director(), &decision),
            Err(ReviewError::CommentRequired)
        );
    }
    let rejected = start
        .decide(
            &chain,
            &item,
            &director(),
            &Decision::Reject {
                comment: "重复通知".into(),
            },
        )
        .expect("rejected with a reason");
    assert_eq!(rejected.stage(), Stage::Rejected { step: 0 });
}

#[test]
fn decided_and_sent_back_items_wait_for_the_right_person() {
    let chain = Chain::notice_review();
    let item = notice(centre(), None);
    let me = director();
    let approved = Progress::start()
        .decide(&chain, &item, &me, &approve())
        .expect("approved");
    assert_eq!(
        approved.decide(&chain, &item, &me, &approve()),
        Err(ReviewError::AlreadyDecided)
    );
    assert_eq!(
        approved.resubmit(&chain, &item),
        Err(ReviewError::NotSentBack)
    );
    let asked = Progress::start()
        .decide(&chain, &item, &me, &changes("补充时间"))
        .expect("sent back");
    assert_eq!(
        asked.decide(&chain, &item, &me, &approve()),
        Err(ReviewError::WaitingForAuthor)
    );
    assert_eq!(
        Progress::start().resubmit(&chain, &item),
        Err(ReviewError::NotSentBack)
    );
}

#[test]
fn a_chain_needs_a_step_for_every_item_and_someone_on_each_step() {
    assert_eq!(Chain::new(Vec::new()), Err(ChainError::NoStepAlwaysApplies));
    let only_outside = Step {
        name: "分管领导审核".into(),
        who: vec![Reviewer::Person { user: DEPUTY }],
        when: Condition::TargetIncludes {
            target: OUTSIDE_MEDIA.into(),
        },
    };
    assert_eq!(
        Chain::new(vec![only_outside.clone()]),
        Err(ChainError::NoStepAlwaysApplies)
    );
    let empty = Step {
        name: "空".into(),
        who: Vec::new(),
        when: Condition::Always,
    };
    assert_eq!(
        Chain::new(vec![only_outside, empty]),
        Err(ChainError::NobodyMayAct { step: "空".into() })
    );
}

#[test]
fn progress_codes_are_read_back_and_nothing_else_is() {
    for code in [
        "in_review",
        "in_review:0,2",
        "changes_requested@1:0",
        "rejected@0",
        "approved:0,1,2",
        "approved",
    ] {
        let parsed = Progress::parse(code).unwrap_or_else(|| panic!("{code}"));
        assert_eq!(parsed.code(), code);
    }
    for bad in [
        "",
        "in_review@0",
        "approved@1:0",
        "changes_requested",
        "rejected@",
        "rejected@01",
        "rejected@-1",
        "in_review:",
        "in_review:1,0",
        "in_review:1,1",
        "changes_requested@1:1",
        "draft",
    ] {
        assert_eq!(Progress::parse(bad), None, "{bad}");
    }
}

// ---- properties over random chains, people and decisions ----

const PEOPLE: [UserId; 4] = [UserId(1), UserId(2), UserId(3), UserId(4)];
const TARGETS: [&str; 2] = [OUTSIDE_MEDIA, "hall_screen"];

fn units() -> Vec<UnitPath> {
    vec![centre(), station(2), station(3)]
}

fn arb_user() -> impl Strategy<Value = UserId> {
    proptest::sample::select(PEOPLE.to_vec())
}

fn arb_unit() -> impl Strategy<Value = UnitPath> {
    proptest::sample::select(units())
}

fn arb_reviewer() -> impl Strategy<Value = Reviewer> {
    prop_oneof![
        arb_user().prop_map(|user| Reviewer::Person { user }),
        Just(Reviewer::ChosenByAuthor),
        (proptest::sample::select(Role::ALL.to_vec()), arb_unit())
            .prop_map(|(role, unit)| Reviewer::RoleInUnit { role, unit }),
        proptest::sample::select(vec![
            Permission::ReviewNotices,
            Permission::WriteArticles,
            Permission::ManageNotices,
        ])
        .prop_map(|permission| Reviewer::PermissionOverItem { permission }),
        Just(Reviewer::HeadOfAuthorsDepartment),
    ]
}

fn arb_condition() -> impl Strategy<Value = Condition> {
    prop_oneof![
        Just(Condition::Always),
        proptest::sample::select(TARGETS.to_vec())
            .prop_map(|t| Condition::TargetIncludes { target: t.into() }),
    ]
}

fn arb_chain() -> impl Strategy<Value = Chain> {
    let step = (
        proptest::collection::vec(arb_reviewer(), 1..4),
        arb_condition(),
    );
    (
        proptest::collection::vec(step, 1..6),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(steps, always)| {
            let mut steps: Vec<Step> = steps
                .into_iter()
                .enumerate()
                .map(|(i, (who, when))| Step {
                    name: format!("第{i}步"),
                    who,
                    when,
                })
                .collect();
            let k = always.index(steps.len());
            steps[k].when = Condition::Always;
            Chain::new(steps).expect("a step always applies")
        })
}

fn arb_grant() -> impl Strategy<Value = Grant> {
    (
        proptest::sample::select(Role::ALL.to_vec()),
        arb_unit(),
        proptest::option::of(1i64..3),
    )
        .prop_map(|(role, scope, department)| grant(role, scope, department))
}

fn arb_item() -> impl Strategy<Value = ItemFacts> {
    (
        arb_user(),
        arb_unit(),
        proptest::option::of(arb_user()),
        proptest::option::of(arb_user()),
        proptest::sample::subsequence(TARGETS.to_vec(), 0..=2),
    )
        .prop_map(|(author, unit, head, chosen, targets)| ItemFacts {
            author,
            unit,
            authors_department_head: head,
            chosen_reviewer: chosen,
            targets: targets.into_iter().map(String::from).collect(),
        })
}

/// Everyone in [`PEOPLE`], each with random grants.
fn arb_staff() -> impl Strategy<Value = Vec<Actor>> {
    proptest::collection::vec(proptest::collection::vec(arb_grant(), 0..3), PEOPLE.len()).prop_map(
        |grants| {
            PEOPLE
                .iter()
                .zip(grants)
                .map(|(user, grants)| actor(*user, grants))
                .collect()
        },
    )
}

#[derive(Clone, Debug)]
enum Move {
    Decide { by: usize, decision: Decision },
    Resubmit,
}

fn arb_move() -> impl Strategy<Value = Move> {
    let decision = prop_oneof![
        Just(approve()),
        Just(changes("请修改")),
        Just(changes("")),
        Just(Decision::Reject {
            comment: "不予发布".into()
        }),
    ];
    prop_oneof![
        4 => (0..PEOPLE.len(), decision).prop_map(|(by, decision)| Move::Decide { by, decision }),
        1 => Just(Move::Resubmit),
    ]
}

/// The author is also made as strong as can be: an office director over the centre and
/// holder of every role there, the chosen reviewer and their own department's head — so
/// only the rule against self-review stands between them and their own item.
fn strongest_author(
    mut item: ItemFacts,
    staff: &mut [Actor],
    chosen: bool,
    head: bool,
) -> ItemFacts {
    if chosen {
        item.chosen_reviewer = Some(item.author);
    }
    if head {
        item.authors_department_head = Some(item.author);
    }
    if let Some(author) = staff.iter_mut().find(|a| a.user_id == item.author) {
        author
            .grants
            .extend(Role::ALL.iter().map(|r| grant(*r, centre(), None)));
    }
    item
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn nobody_ever_approves_their_own_item_at_any_step(
        chain in arb_chain(),
        item in arb_item(),
        mut staff in arb_staff(),
        chosen in any::<bool>(),
        head in any::<bool>(),
        moves in proptest::collection::vec(arb_move(), 1..30),
    ) {
        let item = strongest_author(item, &mut staff, chosen, head);
        let mut progress = Progress::start();
        // Who approved each step, to check at the end.
        let mut approvers: Vec<(usize, UserId)> = Vec::new();
        for m in moves {
            let next = match m {
                Move::Resubmit => progress.resubmit(&chain, &item),
                Move::Decide { by, decision } => {
                    let who = &staff[by];
                    let step = current(&progress, &chain, &item);
                    let next = progress.decide(&chain, &item, who, &decision);
                    if who.user_id == item.author && step.is_some() {
                        prop_assert_eq!(&next, &Err(ReviewError::SelfReview));
                    }
                    if let (Ok(_), Decision::Approve { .. }, Some(step)) = (&next, &decision, step) {
                        approvers.push((step, who.user_id));
                    }
                    next
                }
            };
            if let Ok(next) = next {
                let read_back = Progress::parse(&next.code());
                prop_assert_eq!(read_back.as_ref(), Some(&next));
                progress = next;
            }
        }
        for (step, who) in &approvers {
            prop_assert_ne!(*who, item.author, "step {} approved by its author", step);
            prop_assert!(progress.approved_steps().any(|s| s == *step));
        }
        if progress.stage() == Stage::Approved {
            for (i, _) in chain.applicable_steps(&item) {
                prop_assert!(approvers.iter().any(|(s, _)| *s == i), "step {} unapproved", i);
            }
        }
    }

    #[test]
    fn resubmitting_after_changes_restarts_at_the_step_that_asked(
        chain in arb_chain(),
        item in arb_item(),
        staff in arb_staff(),
        moves in proptest::collection::vec(arb_move(), 1..30),
    ) {
        let mut progress = Progress::start();
        for m in moves {
            let Move::Decide { by, decision } = m else {
                if let Ok(next) = progress.resubmit(&chain, &item) {
                    progress = next;
                }
                continue;
            };
            let Ok(next) = progress.decide(&chain, &item, &staff[by], &decision) else {
                continue;
            };
            if let Stage::ChangesRequested { step } = next.stage() {
                let before: Vec<usize> = progress.approved_steps().collect();
                let again = next.resubmit(&chain, &item);
                prop_assert!(again.is_ok());
                let again = again.unwrap();
                prop_assert_eq!(current(&again, &chain, &item), Some(step));
                prop_assert_eq!(again.approved_steps().collect::<Vec<_>>(), before);
            }
            progress = next;
        }
    }

    /// The one-step chain decides exactly as the notices' own rule did before they used it:
    /// not the author, and the named reviewer or a reviewer over the unit.
    #[test]
    fn the_notice_chain_lets_act_exactly_whom_notice_review_lets_today(
        item in arb_item(),
        staff in arb_staff(),
    ) {
        let chain = Chain::notice_review();
        for who in &staff {
            let today = item.author != who.user_id
                && (item.chosen_reviewer == Some(who.user_id)
                    || who.can(Permission::ReviewNotices, &item.unit));
            prop_assert_eq!(may_act(&chain.steps()[0], who, &item), today);
            let decided = Progress::start().decide(&chain, &item, who, &approve());
            prop_assert_eq!(decided.is_ok(), today);
        }
    }
}

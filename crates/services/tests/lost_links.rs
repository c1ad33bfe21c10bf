//! A member of the public who did not keep their tracking link gets their feedback back:
//! the link is texted at submission to a verified number (to others only when the
//! institution chose so), items sent with a number are theirs once the number signs in,
//! and the links can be texted again. On both engines.

use domain::feedback::Channel;
use i18n::Lang;
use services::feedback::{FeedbackSettings, Intake, Submitted};
use services::{MemberSession, ServiceError};
use testkit::scenario::App;

const MOBILE: &str = "13907310077";

async fn submit(
    app: &App,
    text: &str,
    mobile: Option<&str>,
    email: Option<&str>,
    member: Option<&MemberSession>,
) -> Submitted {
    let intake = Intake {
        text: text.into(),
        kind: "request".into(),
        mobile: mobile.map(str::to_owned),
        email: email.map(str::to_owned),
        ..Default::default()
    };
    app.services
        .feedback()
        .submit_feedback(
            &app.institution,
            intake,
            Vec::new(),
            member,
            None,
            Channel::Web,
            Lang::ZhCn,
        )
        .await
        .unwrap()
}

/// The texts and e-mails sent to `recipient`, newest first, after the worker ran.
async fn sent_to(app: &App, recipient: &str) -> Vec<String> {
    app.services.worker().run_due().await.unwrap();
    store::outbox::recent(app.services.db(), None, Some(recipient), 20)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect()
}

/// Signs `mobile` in with the code texted to it.
async fn sign_in(app: &App, mobile: &str) -> MemberSession {
    let s = &app.services;
    s.send_member_code(&app.institution, mobile, None, Lang::ZhCn)
        .await
        .unwrap();
    let texts = sent_to(app, mobile).await;
    let code: String = texts
        .iter()
        .find(|t| t.contains("验证码"))
        .expect("a code")
        .chars()
        .filter(char::is_ascii_digit)
        .take(6)
        .collect();
    s.verify_member_code(&app.institution, mobile, &code, None, None)
        .await
        .unwrap()
        .1
}

/// The absolute link, from the configured public address.
fn link(sent: &Submitted) -> String {
    format!("http://127.0.0.1:8080{}", sent.tracking_path)
}

testkit::on_both_engines! {
    a_number_left_on_the_form_finds_its_feedback_once_it_signs_in(App),
    the_link_is_texted_to_a_verified_number_and_to_others_only_when_the_institution_chose_so(App),
    lost_links_are_texted_again_to_the_verified_number_a_few_times_a_day(App),
}

async fn a_number_left_on_the_form_finds_its_feedback_once_it_signs_in(app: App) {
    let sent = submit(
        &app,
        "希望东街农家书屋周末晚上也开放",
        Some("139 0731 0077"),
        None,
        None,
    )
    .await;
    let someone_else = submit(&app, "广场舞音响太吵", Some("13800000001"), None, None).await;

    let member = sign_in(&app, MOBILE).await;
    let mine = app
        .services
        .feedback()
        .member_feedback(&member)
        .await
        .unwrap();
    assert_eq!(
        mine.iter()
            .map(|m| m.item.tracking_no.as_str())
            .collect::<Vec<_>>(),
        [sent.tracking_no.as_str()]
    );
    assert_eq!(
        mine[0].tracking_path, sent.tracking_path,
        "the same link as on the receipt: the old one keeps working"
    );
    assert!(
        !mine
            .iter()
            .any(|m| m.item.tracking_no == someone_else.tracking_no)
    );

    // Sent later without signing in, it is theirs at the next sign-in.
    let later = submit(&app, "农家书屋能否增加儿童绘本", Some(MOBILE), None, None).await;
    app.clock.advance_ms(2 * 60_000);
    let again = sign_in(&app, MOBILE).await;
    let mine = app
        .services
        .feedback()
        .member_feedback(&again)
        .await
        .unwrap();
    assert_eq!(mine.len(), 2);
    assert_eq!(mine[0].item.tracking_no, later.tracking_no);
}

async fn the_link_is_texted_to_a_verified_number_and_to_others_only_when_the_institution_chose_so(
    app: App,
) {
    let member = sign_in(&app, MOBILE).await;
    let signed_in = submit(&app, "希望增加周末书法班", None, None, Some(&member)).await;
    let texts = sent_to(&app, MOBILE).await;
    assert!(
        texts[0].contains(&signed_in.tracking_no) && texts[0].contains(&link(&signed_in)),
        "{texts:?}"
    );

    // An unverified number or address: nothing by default (a text costs money, and the
    // number may be someone else's) ...
    submit(
        &app,
        "希望增加周末舞蹈班",
        Some("13600000002"),
        Some("wang@example.com"),
        None,
    )
    .await;
    assert!(sent_to(&app, "13600000002").await.is_empty());
    assert!(sent_to(&app, "wang@example.com").await.is_empty());
    let receipt = app
        .services
        .feedback()
        .receipt_for_key(&app.institution, "no-such-key")
        .await
        .unwrap();
    assert!(receipt.is_none());

    // ... unless the institution chose to.
    let settings = FeedbackSettings {
        confirm_unverified: true,
        ..Default::default()
    };
    app.services
        .feedback()
        .update_feedback_settings(&app.admin, settings)
        .await
        .unwrap();
    let chosen = submit(
        &app,
        "希望增加周末合唱班",
        Some("13600000003"),
        Some("li@example.com"),
        None,
    )
    .await;
    let texts = sent_to(&app, "13600000003").await;
    assert_eq!(texts.len(), 1);
    assert!(texts[0].contains(&link(&chosen)), "{texts:?}");
    let mails = sent_to(&app, "li@example.com").await;
    assert!(
        mails.len() == 1 && mails[0].contains(&link(&chosen)),
        "{mails:?}"
    );
}

async fn lost_links_are_texted_again_to_the_verified_number_a_few_times_a_day(app: App) {
    let first = submit(
        &app,
        "希望东街农家书屋周末晚上也开放",
        Some(MOBILE),
        None,
        None,
    )
    .await;
    let second = submit(&app, "农家书屋能否增加儿童绘本", Some(MOBILE), None, None).await;
    let member = sign_in(&app, MOBILE).await;
    let s = &app.services;
    assert_eq!(
        s.feedback()
            .resend_tracking_links(&app.institution, &member, Lang::ZhCn)
            .await
            .unwrap()
            .as_deref(),
        Some("139****0077")
    );
    let text = &sent_to(&app, MOBILE).await[0];
    assert!(
        text.contains(&link(&first)) && text.contains(&link(&second)),
        "{text}"
    );
    s.feedback()
        .resend_tracking_links(&app.institution, &member, Lang::ZhCn)
        .await
        .unwrap();
    let third = s
        .feedback()
        .resend_tracking_links(&app.institution, &member, Lang::ZhCn)
        .await
        .unwrap_err();
    assert!(
        matches!(third, ServiceError::RateLimited { .. }),
        "{third:?}"
    );
    app.clock.advance_ms(domain::time::DAY_MS);
    assert!(
        s.feedback()
            .resend_tracking_links(&app.institution, &member, Lang::ZhCn)
            .await
            .is_ok(),
        "a new day"
    );

    // Nothing sent with a number: nothing to text.
    let nobody = sign_in(&app, "13500000004").await;
    assert_eq!(
        s.feedback()
            .resend_tracking_links(&app.institution, &nobody, Lang::ZhCn)
            .await
            .unwrap(),
        None
    );
}

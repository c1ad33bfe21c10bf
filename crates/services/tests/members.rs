//! Members of the public signing in with an SMS code, on both engines.

use i18n::{Key, Lang};
use services::ServiceError;
use testkit::scenario::App;

/// The code in the newest SMS to `mobile`, as the person would read it.
async fn texted_code(app: &App, mobile: &str) -> String {
    app.services.worker().run_due().await.unwrap();
    let sent = store::outbox::recent(app.services.db(), None, Some(mobile), 1)
        .await
        .unwrap();
    let body = &sent.first().expect("an SMS was sent").body;
    assert_eq!(sent[0].status, "sent");
    body.chars().filter(char::is_ascii_digit).take(6).collect()
}

fn code_error(e: ServiceError) -> Key {
    match e {
        ServiceError::Invalid(i) => {
            assert_eq!(i.0[0].field, "code");
            i.0[0].key
        }
        other => panic!("{other:?}"),
    }
}

testkit::on_both_engines! {
    a_member_signs_in_with_the_texted_code(App),
    a_code_expires_after_five_minutes(App),
    five_wrong_codes_use_the_code_up(App),
    codes_are_rationed_per_number_and_per_address(App),
}

async fn a_member_signs_in_with_the_texted_code(app: App) {
    let s = &app.services;
    let sent = s
        .send_member_code(
            &app.institution,
            "138 1234 5678",
            Some("1.2.3.4"),
            Lang::ZhCn,
        )
        .await
        .unwrap();
    assert_eq!(sent.sent_to, "138****5678");
    let code = texted_code(&app, "13812345678").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(
        code_error(
            s.verify_member_code(&app.institution, "13812345678", wrong, None, None)
                .await
                .unwrap_err()
        ),
        Key::err_code_wrong
    );
    let (token, member) = s
        .verify_member_code(&app.institution, "+86 138-1234-5678", &code, None, None)
        .await
        .unwrap();
    assert_eq!(member.mobile, "13812345678");
    assert!(
        matches!(s.principal(&token, None).await.unwrap(), Some(services::Principal::Member(m)) if m.member == member.member)
    );
    // A code works once.
    assert_eq!(
        code_error(
            s.verify_member_code(&app.institution, "13812345678", &code, None, None)
                .await
                .unwrap_err()
        ),
        Key::err_code_expired
    );
}

async fn a_code_expires_after_five_minutes(app: App) {
    let s = &app.services;
    s.send_member_code(&app.institution, "13900001111", None, Lang::ZhCn)
        .await
        .unwrap();
    let code = texted_code(&app, "13900001111").await;
    app.clock.advance_ms(5 * 60_000);
    assert_eq!(
        code_error(
            s.verify_member_code(&app.institution, "13900001111", &code, None, None)
                .await
                .unwrap_err()
        ),
        Key::err_code_expired
    );
}

async fn five_wrong_codes_use_the_code_up(app: App) {
    let s = &app.services;
    s.send_member_code(&app.institution, "13900002222", None, Lang::En)
        .await
        .unwrap();
    let code = texted_code(&app, "13900002222").await;
    let wrong = if code == "999999" { "888888" } else { "999999" };
    for attempt in 1..=5 {
        let key = code_error(
            s.verify_member_code(&app.institution, "13900002222", wrong, None, None)
                .await
                .unwrap_err(),
        );
        assert_eq!(
            key,
            if attempt < 5 {
                Key::err_code_wrong
            } else {
                Key::err_code_attempts
            }
        );
    }
    assert_eq!(
        code_error(
            s.verify_member_code(&app.institution, "13900002222", &code, None, None)
                .await
                .unwrap_err()
        ),
        Key::err_code_attempts
    );
}

async fn codes_are_rationed_per_number_and_per_address(app: App) {
    let s = &app.services;
    s.send_member_code(&app.institution, "13900003333", Some("5.6.7.8"), Lang::ZhCn)
        .await
        .unwrap();
    let again = s
        .send_member_code(&app.institution, "13900003333", Some("5.6.7.8"), Lang::ZhCn)
        .await
        .unwrap_err();
    assert!(
        matches!(again, ServiceError::RateLimited { .. }),
        "{again:?}"
    );
    // Two hundred requests an hour from one address, refused ones included: a high
    // ceiling, as a station's Wi-Fi puts many people behind one address.
    for i in 0..198 {
        s.send_member_code(
            &app.institution,
            &format!("1370000{i:04}"),
            Some("5.6.7.8"),
            Lang::ZhCn,
        )
        .await
        .unwrap();
    }
    let from_same_ip = s
        .send_member_code(&app.institution, "13600009999", Some("5.6.7.8"), Lang::ZhCn)
        .await
        .unwrap_err();
    assert!(matches!(from_same_ip, ServiceError::RateLimited { .. }));
    let bad = s
        .send_member_code(&app.institution, "12345", None, Lang::ZhCn)
        .await
        .unwrap_err();
    assert!(
        matches!(bad, ServiceError::Invalid(i) if i.0[0].field == "mobile" && i.0[0].key == Key::err_mobile)
    );
}

//! Sign-in throttles under parallel guesses, on both engines: guessing is slowed, the owner
//! is never locked out, and names that do not exist answer like real ones.

use i18n::{Key, Lang};
use services::{Origin, ServiceError, Services};
use testkit::scenario::App;

/// How each attempt of a batch was answered.
#[derive(Debug, Default, PartialEq, Eq)]
struct Tally {
    signed_in: usize,
    wrong: usize,
    throttled: usize,
}

/// `n` sign-ins at once, each on its own task.
async fn at_once(
    services: &Services,
    n: usize,
    attempt: impl Fn(usize) -> (String, String, String),
) -> Tally {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let s = services.clone();
            let (name, password, ip) = attempt(i);
            tokio::spawn(async move { s.login(&name, &password, Some(&ip), None).await })
        })
        .collect();
    let mut tally = Tally::default();
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => tally.signed_in += 1,
            Err(ServiceError::Refused {
                key: Key::login_failed,
                ..
            }) => tally.wrong += 1,
            Err(ServiceError::RateLimited {
                retry_after_seconds,
            }) => {
                assert!(retry_after_seconds >= 1);
                tally.throttled += 1
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    tally
}

fn guess(name: &str, ip: &str) -> impl Fn(usize) -> (String, String, String) {
    let (name, ip) = (name.to_owned(), ip.to_owned());
    move |i| (name.clone(), format!("guess-{i}"), ip.clone())
}

fn throttled(e: ServiceError) -> i64 {
    match e {
        ServiceError::RateLimited {
            retry_after_seconds,
        } => retry_after_seconds,
        other => panic!("expected a throttle, got {other:?}"),
    }
}

const DEVICE: &str = "the-directors-own-browser-0001";

testkit::on_both_engines! {
    fifty_parallel_guesses_check_three_passwords_and_lock_out_nobody(App),
    waits_double_with_each_guess_and_a_right_password_starts_again(App),
    a_made_up_name_is_throttled_exactly_like_a_real_one(App),
    guesses_spread_over_many_addresses_slow_the_name_but_not_its_owner(App),
    one_address_is_a_high_ceiling_decided_atomically(App),
    fifty_parallel_codes_are_compared_at_most_five_times(App),
}

async fn fifty_parallel_guesses_check_three_passwords_and_lock_out_nobody(app: App) {
    let s = &app.services;
    // The owner signed in once on their own browser.
    let here = Origin {
        ip: Some("10.1.1.1"),
        user_agent: None,
        device: Some(DEVICE),
    };
    assert_eq!(
        s.login_from("admin", &app.admin_password, here)
            .await
            .unwrap()
            .device,
        DEVICE
    );

    let tally = at_once(s, 50, guess("admin", "203.0.113.9")).await;
    assert_eq!(
        tally,
        Tally {
            signed_in: 0,
            wrong: 3,
            throttled: 47
        },
        "three passwords checked, no more"
    );
    // The right password from the guessing address waits too…
    let wait = throttled(
        s.login("admin", &app.admin_password, Some("203.0.113.9"), None)
            .await
            .unwrap_err(),
    );
    assert_eq!(wait, 2);
    // …but the owner's own browser is not held up by them,
    s.login_from(
        "admin",
        &app.admin_password,
        Origin {
            ip: Some("203.0.113.9"),
            ..here
        },
    )
    .await
    .unwrap();
    // nor is a new browser at another address, and after the wait the guessing address
    // is let through again.
    s.login("admin", &app.admin_password, Some("10.2.2.2"), None)
        .await
        .unwrap();
    app.clock.advance_ms(2_000);
    s.login("admin", &app.admin_password, Some("203.0.113.9"), None)
        .await
        .unwrap();
}

async fn waits_double_with_each_guess_and_a_right_password_starts_again(app: App) {
    let s = &app.services;
    let mut waits = Vec::new();
    for _ in 0..6 {
        loop {
            match s.login("admin", "wrong", Some("198.51.100.4"), None).await {
                Err(ServiceError::Refused {
                    key: Key::login_failed,
                    ..
                }) => break,
                Err(e) => {
                    let wait = throttled(e);
                    waits.push(wait);
                    app.clock.advance_ms(wait * 1000);
                }
                Ok(_) => panic!("a wrong password signed in"),
            }
        }
    }
    assert_eq!(waits, [2, 4, 8], "three at once, then 2, 4, 8 seconds");
    app.clock.advance_ms(16_000);
    s.login("admin", &app.admin_password, Some("198.51.100.4"), None)
        .await
        .unwrap();
    let wrong = s.login("admin", "wrong", Some("198.51.100.4"), None).await;
    assert!(
        matches!(
            wrong,
            Err(ServiceError::Refused {
                key: Key::login_failed,
                ..
            })
        ),
        "told the password is wrong, not made to wait: {wrong:?}"
    );
    assert!(
        s.login("admin", &app.admin_password, Some("198.51.100.4"), None)
            .await
            .is_ok(),
        "the count started again"
    );
}

async fn a_made_up_name_is_throttled_exactly_like_a_real_one(app: App) {
    let real = at_once(&app.services, 20, guess("admin", "192.0.2.1")).await;
    let made_up = at_once(&app.services, 20, guess("no.such.person", "192.0.2.2")).await;
    assert_eq!(real, made_up);
    assert_eq!(
        made_up,
        Tally {
            signed_in: 0,
            wrong: 3,
            throttled: 17
        }
    );
}

async fn guesses_spread_over_many_addresses_slow_the_name_but_not_its_owner(app: App) {
    let s = &app.services;
    let here = Origin {
        ip: Some("10.1.1.1"),
        user_agent: None,
        device: Some(DEVICE),
    };
    s.login_from("admin", &app.admin_password, here)
        .await
        .unwrap();
    let spread = at_once(s, 40, |i| {
        (
            "admin".into(),
            format!("guess-{i}"),
            format!("203.0.113.{i}"),
        )
    })
    .await;
    assert_eq!(
        spread,
        Tally {
            signed_in: 0,
            wrong: 10,
            throttled: 30
        },
        "ten at once for the name from anywhere"
    );
    assert!(matches!(
        s.login("admin", &app.admin_password, Some("10.9.9.9"), None)
            .await,
        Err(ServiceError::RateLimited { .. })
    ));
    s.login_from("admin", &app.admin_password, here)
        .await
        .unwrap();
}

async fn one_address_is_a_high_ceiling_decided_atomically(app: App) {
    let s = &app.services;
    let here = Origin {
        ip: Some("10.1.1.1"),
        user_agent: None,
        device: Some(DEVICE),
    };
    s.login_from("admin", &app.admin_password, here)
        .await
        .unwrap();
    // A station's Wi-Fi: a hundred and fifty names tried at once from one address.
    let spray = at_once(s, 150, |i| {
        (format!("guess{i}"), "x".into(), "203.0.113.7".into())
    })
    .await;
    assert_eq!(
        spray,
        Tally {
            signed_in: 0,
            wrong: 100,
            throttled: 50
        }
    );
    assert!(matches!(
        s.login("admin", &app.admin_password, Some("203.0.113.7"), None)
            .await,
        Err(ServiceError::RateLimited { .. })
    ));
    // The owner's own browser behind the same address still gets in; another address too.
    s.login_from(
        "admin",
        &app.admin_password,
        Origin {
            ip: Some("203.0.113.7"),
            ..here
        },
    )
    .await
    .unwrap();
    s.login("admin", &app.admin_password, Some("203.0.113.8"), None)
        .await
        .unwrap();
}

async fn fifty_parallel_codes_are_compared_at_most_five_times(app: App) {
    let s = &app.services;
    s.send_member_code(&app.institution, "13900004444", Some("1.2.3.4"), Lang::ZhCn)
        .await
        .unwrap();
    let sent = store::outbox::recent(s.db(), None, Some("13900004444"), 1)
        .await
        .unwrap();
    let code: u32 = sent[0]
        .body
        .chars()
        .filter(char::is_ascii_digit)
        .take(6)
        .collect::<String>()
        .parse()
        .unwrap();
    let tasks: Vec<_> = (1..=50)
        .map(|i| {
            let (s, institution) = (s.clone(), app.institution.clone());
            let wrong = format!("{:06}", (code + i) % 1_000_000);
            tokio::spawn(async move {
                s.verify_member_code(&institution, "13900004444", &wrong, None, None)
                    .await
            })
        })
        .collect();
    let mut keys = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Err(ServiceError::Invalid(i)) => keys.push(i.0[0].key),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        keys.iter().filter(|&&k| k == Key::err_code_wrong).count(),
        4,
        "five compared: four wrong, the fifth used the code up"
    );
    assert_eq!(
        keys.iter()
            .filter(|&&k| k == Key::err_code_attempts)
            .count(),
        46
    );
}

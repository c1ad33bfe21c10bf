//! The hall screen in real headless Chromium: it reloads itself by script, so the page a
//! browser builds has no `<meta http-equiv="refresh">` (which axe's meta-refresh rule
//! flags); the meta lives only inside `<noscript>`.

mod common;
mod notices_kit;

use notices_kit::Staffroom;
use testkit::{Browser, Screen};

testkit::in_a_browser! {
    the_hall_screen_reloads_by_script_without_a_meta_refresh(Staffroom),
}

async fn the_hall_screen_reloads_by_script_without_a_meta_refresh(r: Staffroom) {
    let Some(b) = Browser::start(Screen::Desktop).await else {
        return;
    };
    b.goto(&r.app.at("/board/notices")).await;
    let found = b
            .client()
            .execute(
                "return [document.querySelectorAll('meta[http-equiv=refresh]').length,
                         document.querySelectorAll('script[src^=\"/static/reload.js\"][data-seconds=\"60\"]').length]",
                vec![],
            )
            .await
            .unwrap();
    assert_eq!(
        found,
        serde_json::json!([0, 1]),
        "no meta refresh in the page, one reload script"
    );
    let script = r
        .app
        .client()
        .get(r.app.at("/static/reload.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        script.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert!(script.text().await.unwrap().contains("location.reload()"));
}

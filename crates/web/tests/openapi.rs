//! The OpenAPI document is generated from the handlers; this snapshot makes every change
//! to the API visible in review.

mod common;

use common::TestApp;
use testkit::Fixture;

#[tokio::test]
async fn the_openapi_document_matches_the_snapshot() {
    let db = testkit::TestDb::sqlite().await;
    let app = TestApp::setup(&db).await;
    let doc: serde_json::Value = reqwest::get(app.at("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/auth/login"]["post"].is_object());
    insta::assert_json_snapshot!("openapi", doc);
}

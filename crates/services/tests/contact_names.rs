//! The submitter's name as staff who may not see personal data read it: the surname stays,
//! a compound one (欧阳) whole — one masker, `text::pii::mask_name`, on both engines.

use services::Staff;
use services::feedback::Intake;
use testkit::scenario::{App, PersonExt, person};

struct Evaluating {
    app: App,
    evaluator: Staff,
}

impl testkit::Fixture for Evaluating {
    async fn setup(db: &testkit::TestDb) -> Evaluating {
        let app = App::setup(db).await;
        let root = app.root;
        let evaluator = app
            .hire(person("evaluator", "孙评估", "evaluator", root).with_email())
            .await;
        Evaluating { app, evaluator }
    }
}

impl Evaluating {
    /// The contact name the evaluator reads on an item sent by `name`.
    async fn name_seen(&self, name: &str) -> Option<String> {
        let s = &self.app.services;
        let intake = Intake {
            text: "图书室的灯坏了两盏，晚上看书太暗".into(),
            kind: "request".into(),
            contact_name: Some(name.into()),
            mobile: Some("13907312233".into()),
            ..Default::default()
        };
        let sent = self.app.send(intake).await;
        let (item, _) = s
            .feedback()
            .feedback_item(&self.evaluator, sent.id)
            .await
            .unwrap();
        assert!(
            item.personal_data.is_masked(),
            "an evaluator may not see personal data"
        );
        item.contact.name
    }
}

testkit::on_both_engines! {
    a_compound_surname_stays_whole_and_a_single_one_alone(Evaluating),
}

async fn a_compound_surname_stays_whole_and_a_single_one_alone(e: Evaluating) {
    assert_eq!(e.name_seen("欧阳秀英").await.as_deref(), Some("欧阳**"));
    assert_eq!(e.name_seen("王芳").await.as_deref(), Some("王*"));
}

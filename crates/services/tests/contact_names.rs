//! The submitter's name as staff who may not see personal data read it: the surname stays,
//! a compound one (欧阳) whole — one masker, `text::pii::mask_name`, on both engines.

mod common;

use common::{App, staff};
use domain::feedback::Channel;
use i18n::Lang;
use services::feedback::Intake;
use services::{NewStaff, Staff};

struct Evaluating {
    app: App,
    evaluator: Staff,
}

impl testkit::Fixture for Evaluating {
    async fn setup(db: &testkit::TestDb) -> Evaluating {
        let app = App::setup(db).await;
        let s = &app.services;
        let root = s.org_tree(app.institution.id).await.unwrap().units[0].id;
        let new = NewStaff {
            username: "evaluator".into(),
            display_name: "孙评估".into(),
            email: Some("evaluator@example.org".into()),
            role: "evaluator".into(),
            unit: root.to_string(),
            ..Default::default()
        };
        let (_, password) = s.create_staff(&app.admin, new).await.unwrap();
        let evaluator = staff(s, "evaluator", &password).await;
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
        let sent = s
            .submit_feedback(
                &self.app.institution,
                intake,
                Vec::new(),
                None,
                None,
                Channel::Web,
                Lang::ZhCn,
            )
            .await
            .unwrap();
        let (item, _) = s.feedback_item(&self.evaluator, sent.id).await.unwrap();
        assert!(
            item.personal_data.is_masked(),
            "an evaluator may not see personal data"
        );
        item.contact.name
    }
}

testkit::on_both_engines! {
    async fn a_compound_surname_stays_whole_and_a_single_one_alone(e: Evaluating) {
        assert_eq!(e.name_seen("欧阳秀英").await.as_deref(), Some("欧阳**"));
        assert_eq!(e.name_seen("王芳").await.as_deref(), Some("王*"));
    }
}

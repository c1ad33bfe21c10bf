//! The people every person picker offers, on both engines: each named with unit and
//! department, so the seventeen "办公室" people of nine offices are told apart.

use services::PickFor;
use std::collections::{BTreeSet, HashMap, HashSet};
use testkit::scenario::Demo;

const UNITS_IN_ORDER: [&str; 9] = [
    "青山县文化馆",
    "城关镇文化站",
    "青石镇文化站",
    "柳溪乡文化站",
    "白云镇文化站",
    "桃源乡文化站",
    "龙潭镇文化站",
    "清河镇文化站",
    "石门乡文化站",
];

testkit::on_both_engines! {
    the_audience_picker_names_each_office_person_with_their_unit(Demo),
    the_assignee_picker_offers_each_handler_in_each_of_their_departments(Demo),
}

async fn the_audience_picker_names_each_office_person_with_their_unit(d: Demo) {
    let director = d.staff("zhou.min").await;
    let people = d
        .services
        .people_to_pick(&director, PickFor::NoticeAudience)
        .await
        .unwrap();

    // Nine offices, each person in one named with unit and department.
    let office: Vec<_> = people
        .iter()
        .filter(|p| p.department.as_deref() == Some("办公室"))
        .collect();
    let offices: BTreeSet<&str> = office.iter().map(|p| p.unit.as_str()).collect();
    assert_eq!(offices.len(), 9, "{offices:?}");
    assert!(office.len() >= 17, "{} office people", office.len());
    let feng = people.iter().find(|p| p.name == "冯军").unwrap();
    assert_eq!(feng.label, "青石镇文化站 · 办公室 · 冯军");
    assert_eq!(feng.label_in_unit, "办公室 · 冯军");

    // Every label is one person's.
    let mut ids_by_label: HashMap<&str, HashSet<_>> = HashMap::new();
    for p in &people {
        ids_by_label
            .entry(p.label.as_str())
            .or_default()
            .insert(p.id);
    }
    assert!(
        ids_by_label.values().all(|ids| ids.len() == 1),
        "{ids_by_label:?}"
    );
    assert_eq!(ids_by_label.len(), people.len(), "one line per person");

    // The centre first, then the stations in their order.
    let mut units: Vec<&str> = people.iter().map(|p| p.unit.as_str()).collect();
    units.dedup();
    assert_eq!(units, UNITS_IN_ORDER);
}

async fn the_assignee_picker_offers_each_handler_in_each_of_their_departments(d: Demo) {
    let director = d.staff("zhou.min").await;
    let people = d
        .services
        .people_to_pick(&director, PickFor::FeedbackAssignee)
        .await
        .unwrap();
    assert!(
        people
            .iter()
            .all(|p| p.department_id.is_some() && !p.unit.is_empty())
    );
    let labels: HashSet<&str> = people.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels.len(), people.len(), "no two lines read the same");
    assert!(
        labels.contains("白云镇文化站 · 办公室 · 丁睿"),
        "{labels:?}"
    );
    let mut units: Vec<&str> = people.iter().map(|p| p.unit.as_str()).collect();
    units.dedup();
    assert_eq!(units, UNITS_IN_ORDER);

    // Someone who writes no notices is offered nobody to send one to.
    let evaluator = d.staff("eval.gao").await;
    let refused = d
        .services
        .people_to_pick(&evaluator, PickFor::NoticeAudience)
        .await;
    assert!(
        matches!(refused, Err(services::ServiceError::Forbidden)),
        "{refused:?}"
    );
}

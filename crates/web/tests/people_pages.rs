//! Every person picker over HTTP, on both engines: grouped by unit, each person named with
//! unit and department, with the (script-shown) filter box, and posting what the handlers
//! read.

mod common;
mod desk;

use desk::Desk;

testkit::on_both_engines! {
    the_assignee_and_department_head_pickers_name_unit_and_department(Desk),
}

async fn the_assignee_and_department_head_pickers_name_unit_and_department(d: Desk) {
    let sent = d.submit("希望城关镇文化站周末开放书法班", "request").await;
    let clerk = d.signed_in("li.jing").await;
    let page = d.act_ok(&clerk, sent.id, &[("action", "accept")]).await;
    let picker = &page[page
        .find("id=\"assign-assignee-filter\"")
        .expect("the filter box")..];
    let picker = &picker[..picker.find("</select>").unwrap()];
    assert!(
        picker.contains("<select id=\"assign-assignee\" name=\"assignee\">"),
        "{picker}"
    );
    assert!(
        picker.contains("<optgroup label=\"文化馆\" data-people-group>"),
        "{picker}"
    );
    assert!(
        picker.contains(">文化馆 · 活动部 · 赵丽</option>"),
        "{picker}"
    );
    assert!(
        picker.contains(">文化馆 · 培训部 · 王培</option>"),
        "{picker}"
    );
    assert!(
        page.contains("<p class=\"people-filter\" hidden>"),
        "the box waits for the script"
    );

    // The choice posts under the name the handler reads.
    let zhao = d.worker.actor.user_id.0.to_string();
    let activity = d.activity.to_string();
    let page = d
        .act_ok(
            &clerk,
            sent.id,
            &[
                ("action", "assign"),
                ("department", &activity),
                ("assignee", &zhao),
                ("reason", ""),
            ],
        )
        .await;
    assert!(page.contains("已转办"), "{page}");
    assert_eq!(
        d.s()
            .feedback()
            .feedback_item(&d.clerk, sent.id)
            .await
            .unwrap()
            .0
            .assignee,
        Some(d.worker.actor.user_id.0)
    );

    let admin = d.signed_in("admin").await;
    let (status, org) = d.page(&admin, "/console/org").await;
    assert_eq!(status, 200);
    let heads = &org[org
        .find("<select id=\"h-head\" name=\"head\">")
        .expect("the head picker")..];
    let heads = &heads[..heads.find("</select>").unwrap()];
    assert!(
        heads.contains("<optgroup label=\"文化馆\" data-people-group>"),
        "{heads}"
    );
    assert!(
        heads.contains(">文化馆 · 李静</option>")
            && heads.contains(">文化馆 · 活动部 · 赵丽</option>"),
        "{heads}"
    );
}

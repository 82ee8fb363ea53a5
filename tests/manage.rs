//! Tasks and goals edited by hand, and deleting history: checks, errors, and what stays.

#[path = "api/harness.rs"]
mod harness;

use companion::backend::TaskInput;
use harness::*;
use serde_json::json;

fn task(title: &str, at: &str) -> TaskInput {
    TaskInput {
        title: title.into(),
        scheduled_at: at.into(),
        duration_minutes: Some(30),
        notes: None,
        remind_before_minutes: None,
    }
}

#[tokio::test]
async fn tasks_by_hand() {
    let grant = fake_grant(200).await;
    let api = Api::start(&grant.url, Some(KEY)).await;
    let svc = &api.service;
    let t = svc.create_task(&task("Dentist", "2026-11-25T10:30")).unwrap();
    assert_eq!(t.scheduled_at, "2026-11-25T10:30:00+01:00", "local time is the user's timezone");
    let mut edit = task("Dentist (Dr. Ruiz)", "2026-11-26T11:00");
    edit.notes = Some("bring the card".into());
    let t = svc.update_task(&t.id, &edit).unwrap();
    assert_eq!((t.title.as_str(), t.notes.as_str()), ("Dentist (Dr. Ruiz)", "bring the card"));
    assert_eq!(t.scheduled_at, "2026-11-26T11:00:00+01:00");
    assert_eq!(t.remind_before_minutes, None, "the settings' lead unless the task has its own");
    edit.remind_before_minutes = Some(45);
    assert_eq!(svc.update_task(&t.id, &edit).unwrap().remind_before_minutes, Some(45));
    assert_eq!(svc.set_task_done(&t.id, true).unwrap().status, companion::store::TaskStatus::Done);
    assert!(svc.set_task_done(&t.id, false).unwrap().completed_at.is_none());

    for (bad, why) in [
        (task("  ", "2026-11-25T10:00"), "needs a title"),
        (task("X", "soon"), "time"),
        (TaskInput { duration_minutes: Some(0), ..task("X", "2026-11-25T10:00") }, "between 1 and 1440"),
        (
            TaskInput { remind_before_minutes: Some(-1), ..task("X", "2026-11-25T10:00") },
            "between 0 and 1440",
        ),
        (TaskInput { remind_before_minutes: Some(1441), ..task("X", "2026-11-25T10:00") }, "(not 1441)"),
    ] {
        let e = svc.create_task(&bad).unwrap_err();
        assert_eq!(e.status(), 422);
        assert!(e.to_string().contains(why), "{e}");
    }
    assert_eq!(svc.update_task("nope", &edit).unwrap_err().status(), 404);
    assert_eq!(svc.tasks().unwrap().len(), 1, "failures changed nothing");
    svc.delete_task(&t.id).unwrap();
    assert_eq!(svc.delete_task(&t.id).unwrap_err().status(), 404);
    assert!(svc.tasks().unwrap().is_empty());
}

#[tokio::test]
async fn goals_by_hand() {
    let grant = fake_grant(200).await;
    let api = Api::start(&grant.url, Some(KEY)).await;
    let svc = &api.service;
    let g = svc.create_goal("Run a 10k", "by March").unwrap();
    assert_eq!(g.status, "active");
    assert_eq!(svc.set_goal_status(&g.id, "done").unwrap().status, "done");
    assert_eq!(svc.set_goal_status(&g.id, "maybe").unwrap_err().status(), 422);
    assert_eq!(svc.create_goal(" ", "").unwrap_err().status(), 422);
    svc.delete_goal(&g.id).unwrap();
    assert!(svc.goals().unwrap().is_empty());
}

#[tokio::test]
async fn deleting_history_keeps_live_sessions_and_clears_search() {
    let grant = fake_grant(200).await;
    let api = Api::start(&grant.url, Some(KEY)).await;
    let (_, v) = api.create("ana").await;
    let old = v["session_id"].as_str().unwrap().to_string();
    let say = |id: &str, text: &str| json!({"session_id": id, "role": "user", "content": text});
    api.call("POST", "/api/v1/voice/messages", Some(say(&old, "secret plans for the weekend"))).await;
    api.close(&old).await;
    let (_, v) = api.create("ana").await;
    let live = v["session_id"].as_str().unwrap().to_string();
    api.call("POST", "/api/v1/voice/messages", Some(say(&live, "weekend shopping list"))).await;

    assert_eq!(api.service.delete_session(&live).unwrap_err().status(), 409, "a live session is not deleted");
    assert_eq!(api.service.search("weekend", 10, ("[", "]")).unwrap().len(), 2);
    assert_eq!(api.service.delete_all_sessions().unwrap(), 1);
    let hits = api.service.search("weekend", 10, ("[", "]")).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].conversation_id, live);
    assert_eq!(api.service.session_detail(&old).unwrap_err().status(), 404);
}

#[tokio::test]
async fn the_local_user_follows_the_settings() {
    let grant = fake_grant(200).await;
    let api = Api::start(&grant.url, Some(KEY)).await;
    let svc = &api.service;
    let t = svc.create_task(&task("Dentist", "2026-11-25T10:30")).unwrap();
    assert_eq!(t.scheduled_at, "2026-11-25T10:30:00+01:00");
    let mut s = svc.settings();
    s.user.timezone = "America/New_York".into();
    s.user.display_name = "Ana".into();
    svc.set_settings(s);
    let t = svc.create_task(&task("Gym", "2026-11-25T10:30")).unwrap();
    assert_eq!(t.scheduled_at, "2026-11-25T10:30:00-05:00", "a changed timezone is used at once");
    let (_, v) = api.create("local").await;
    let prompt = v["config"]["system_prompt"].as_str().unwrap();
    assert!(prompt.contains("America/New_York") && prompt.contains("Name: Ana"), "{prompt}");
}

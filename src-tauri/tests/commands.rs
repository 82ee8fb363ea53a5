//! The shell's commands through Tauri's mock runtime and real IPC: the UI's calls reach the
//! core, errors come back as sentences, and the key never comes back at all.

use flux_desktop::command_table as table;

#[allow(dead_code)]
#[path = "support/shell.rs"]
mod shell;

use companion::desktop::AppEvent;
use serde_json::{json, Value};
use shell::shell;

#[test]
fn the_key_is_saved_and_only_its_hint_comes_back() {
    let s = shell();
    let st = s.call("app_status", json!({})).unwrap();
    assert_eq!(st["has_key"], false);
    let err = s.call("set_api_key", json!({"name": "deepgram", "key": "not a key"})).unwrap_err();
    assert!(err.contains("does not look like a Deepgram API key"), "{err}");
    let key = "0123456789abcdef0123456789abcdefdead";
    let st = s.call("set_api_key", json!({"name": "deepgram", "key": key})).unwrap();
    assert_eq!((st["has_key"].clone(), st["key_hint"].clone()), (json!(true), json!("…dead")));
    assert_eq!(st["has_openai_key"], false);
    assert!(!st.to_string().contains(key));
    assert!(s.events.lock().unwrap().iter().any(|e| matches!(e, AppEvent::Status(x) if x.has_key)));
    let st = s.call("clear_api_key", json!({"name": "deepgram"})).unwrap();
    assert_eq!(st["has_key"], false);
}

#[test]
fn the_openai_key_is_its_own_entry_and_only_its_hint_comes_back() {
    let s = shell();
    let err =
        s.call("set_api_key", json!({"name": "openai", "key": "0123456789abcdef0123456789"})).unwrap_err();
    assert!(err.contains("does not look like an OpenAI API key"), "{err}");
    let key = "sk-proj-0123456789abcdef0123456789beef";
    let st = s.call("set_api_key", json!({"name": "openai", "key": key})).unwrap();
    assert_eq!((st["has_openai_key"].clone(), st["openai_key_hint"].clone()), (json!(true), json!("…beef")));
    assert_eq!((st["has_key"].clone(), st["can_talk"].clone()), (json!(false), json!(true)));
    assert!(!st.to_string().contains(key));
    assert!(
        s.call("set_api_key", json!({"name": "anthropic", "key": key})).is_err(),
        "unknown keys are refused"
    );
    let st = s.call("clear_api_key", json!({"name": "openai"})).unwrap();
    assert_eq!((st["has_openai_key"].clone(), st["can_talk"].clone()), (json!(false), json!(false)));
}

#[test]
fn talking_without_a_key_says_what_to_do() {
    let s = shell();
    let err = s.call("start_talk", json!({"mode": "hands_free"})).unwrap_err();
    assert!(err.contains("No Deepgram API key"), "{err}");
    let err = s.call("send_text", json!({"text": "hello"})).unwrap_err();
    assert!(err.contains("Start a conversation first"), "{err}");
    assert!(s.call("start_talk", json!({"mode": "shouting"})).is_err(), "unknown modes are refused");
}

#[test]
fn tasks_and_goals_round_trip() {
    let s = shell();
    let t = s
        .call("create_task", json!({"title": "Call mum", "scheduledAt": "2030-01-02T18:00", "durationMinutes": 20, "notes": null}))
        .unwrap();
    let id = t["id"].as_str().unwrap();
    assert_eq!(t["scheduled_at"], "2030-01-02T18:00:00+00:00");
    let t = s
        .call(
            "update_task",
            json!({"id": id, "title": "Call mum back", "scheduledAt": "2030-01-03T09:00", "durationMinutes": null, "notes": "about Sunday", "remindBeforeMinutes": 15}),
        )
        .unwrap();
    assert_eq!(t["title"], "Call mum back");
    assert_eq!(t["remind_before_minutes"], 15);
    assert_eq!(s.call("set_task_done", json!({"id": id, "done": true})).unwrap()["status"], "done");
    let err = s
        .call(
            "create_task",
            json!({"title": "", "scheduledAt": "2030-01-02T18:00", "durationMinutes": null, "notes": null}),
        )
        .unwrap_err();
    assert!(err.contains("needs a title"), "{err}");
    assert_eq!(s.call("list_tasks", json!({})).unwrap().as_array().unwrap().len(), 1);
    s.call("delete_task", json!({"id": id})).unwrap();
    assert_eq!(s.call("list_tasks", json!({})).unwrap(), json!([]));

    let g = s.call("create_goal", json!({"statement": "Learn Spanish", "timeline": "3 months"})).unwrap();
    let gid = g["id"].as_str().unwrap();
    assert_eq!(
        s.call("set_goal_status", json!({"id": gid, "status": "archived"})).unwrap()["status"],
        "archived"
    );
    assert!(s.call("set_goal_status", json!({"id": gid, "status": "someday"})).is_err());
}

#[test]
fn settings_are_validated_and_kept() {
    let s = shell();
    let mut settings = s.call("get_settings", json!({})).unwrap();
    assert_eq!(settings["agent"]["voice_model"], "aura-2-thalia-en");
    settings["user"]["timezone"] = json!("Mars/Olympus");
    let err = s.call("save_settings", json!({"settings": settings.clone()})).unwrap_err();
    assert!(err.contains("Mars/Olympus"), "{err}");
    settings["user"]["timezone"] = json!("Europe/Berlin");
    settings["user"]["display_name"] = json!("Ana");
    s.call("save_settings", json!({"settings": settings})).unwrap();
    assert_eq!(s.call("get_settings", json!({})).unwrap()["user"]["display_name"], "Ana");

    s.call("save_prompt", json!({"prompt": "You are Flux, terse."})).unwrap();
    assert_eq!(s.call("get_prompt", json!({})).unwrap(), "You are Flux, terse.");
    s.call("save_prompt", json!({"prompt": ""})).unwrap();
    assert!(s.call("get_prompt", json!({})).unwrap().as_str().unwrap().contains("Flux"));
}

#[test]
fn review_without_a_network() {
    let s = shell();
    assert_eq!(s.call("list_sessions", json!({"limit": 10})).unwrap(), json!([]));
    assert_eq!(s.call("search", json!({"query": "anything", "limit": 5})).unwrap(), json!([]));
    let err = s.call("session_detail", json!({"id": "nope"})).unwrap_err();
    assert_eq!(err, "Session nope not found");
    assert!(s.call("export_session", json!({"id": "nope", "format": "srt"})).is_err());
    assert_eq!(s.call("delete_all_sessions", json!({})).unwrap(), 0);
    let devices = s.call("list_devices", json!({})).unwrap();
    assert!(devices["inputs"].is_array() && devices["outputs"].is_array());
}

#[test]
fn sync_is_set_up_through_the_commands_and_the_token_never_comes_back() {
    std::env::remove_var("COMPANION_SYNC_URL");
    std::env::remove_var("COMPANION_SYNC_TOKEN");
    let s = shell();
    let st = s.call("sync_status", json!({})).unwrap();
    assert_eq!((st["state"].clone(), st["configured"].clone()), (json!("not_configured"), json!(false)));
    let err = s.call("sync_now", json!({})).unwrap_err();
    assert!(err.contains("not set up"), "{err}");
    let err = s
        .call(
            "set_sync_settings",
            json!({"url": "plane.example", "userId": "", "enabled": true, "mode": "auto"}),
        )
        .unwrap_err();
    assert!(err.contains("https://"), "{err}");

    let token = "sync-token-0123456789-beef";
    let st = s.call("save_sync_token", json!({"token": token})).unwrap();
    assert_eq!((st["has_sync_token"].clone(), st["sync_token_hint"].clone()), (json!(true), json!("…beef")));
    assert!(!st.to_string().contains(token));

    // Nothing listens on port 9: the plane is set up, and off until asked.
    let st = s
        .call(
            "set_sync_settings",
            json!({"url": "http://127.0.0.1:9", "userId": "ana", "enabled": false, "mode": "hosted"}),
        )
        .unwrap();
    assert_eq!((st["configured"].clone(), st["enabled"].clone()), (json!(true), json!(false)));
    let saved = s.call("get_settings", json!({})).unwrap();
    assert_eq!(saved["sync"]["user_id"], "ana");
    assert_eq!(saved["sync"]["mode"], "hosted");
    assert!(!saved.to_string().contains(token), "the token is not a setting");
    let err = s.call("sync_discard", json!({"id": 41})).unwrap_err();
    assert!(err.contains("no item 41"), "{err}");
    let st = s.call("clear_sync_token", json!({})).unwrap();
    assert_eq!(st["has_sync_token"], false);
    assert!(s.events.lock().unwrap().iter().any(|e| matches!(e, AppEvent::Sync(_))), "the status is pushed");
    let all = format!("{:?}", s.events.lock().unwrap());
    assert!(!all.contains(token));
}

/// Every command of the bindings table is registered and accepts exactly the table's argument
/// names: a wrong name would fail with "missing required key".
#[test]
fn every_command_in_the_table_accepts_its_arguments() {
    let s = shell();
    for (_, name, args, _) in table::COMMANDS {
        if *name == "start_talk" {
            continue; // covered above; it would try to open devices once a key exists
        }
        let mut body = serde_json::Map::new();
        for (arg, ty) in args.iter() {
            let v = match *ty {
                "boolean" => json!(false),
                "number" | "number | null" => json!(1),
                "TalkMode" => json!("hands_free"),
                "ExportFormat" => json!("md"),
                "GoalStatus" => json!("done"),
                "KeyName" => json!("openai"),
                "SyncMode" => json!("auto"),
                "Settings" => s.call("get_settings", json!({})).unwrap(),
                _ => json!("x"),
            };
            body.insert(arg.to_string(), v);
        }
        if let Err(e) = s.call(name, Value::Object(body)) {
            // Domain errors ("Session x not found") are fine here; plumbing errors are not.
            let plumbing =
                ["missing required key", "invalid args", "not allowed", &format!("command {name} not found")];
            assert!(!plumbing.iter().any(|p| e.contains(p)), "{name}: {e}");
        }
    }
}

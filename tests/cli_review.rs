//! The review commands on a real data dir: sessions list/show, search, export in every format,
//! tasks and goals, as tables and as `--json`.

#[path = "api/harness.rs"]
mod harness;

use harness::*;
use serde_json::{json, Value};
use std::process::Command;

fn companion(dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_companion"))
        .args(args)
        .env("COMPANION_DATA_DIR", dir)
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn json_of(dir: &std::path::Path, args: &[&str]) -> Value {
    let (ok, out, err) = companion(dir, args);
    assert!(ok, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?} is not JSON ({e}): {out}"))
}

#[tokio::test]
async fn review_a_finished_conversation() {
    let grant = fake_grant(200).await;
    let api = Api::start(&grant.url, Some(KEY)).await;
    let (_, v) = api.create("local").await;
    let id = v["session_id"].as_str().unwrap().to_string();
    let say = |role: &str, content: &str| json!({"session_id": id, "role": role, "content": content});
    api.call(
        "POST",
        "/api/v1/voice/messages",
        Some(say("user", "Remind me to practise Spanish verbs tomorrow at six")),
    )
    .await;
    api.clock.advance(chrono::Duration::seconds(4));
    api.call(
        "POST",
        "/api/v1/voice/messages",
        Some(say("assistant", "Done: <practise> Spanish verbs & more")),
    )
    .await;
    api.call(
        "POST",
        "/api/v1/voice/intents",
        Some(json!({"session_id": id, "function_call_id": "fc_9", "function_name": "create_task",
                    "input": {"title": "Practise Spanish verbs", "scheduled_at": "2026-11-24T18:00:00"}})),
    )
    .await;
    api.call(
        "POST",
        "/api/v1/voice/intents",
        Some(json!({"session_id": id, "function_call_id": "fc_10", "function_name": "submit_goal_intent",
                    "input": {"goal_statement": "Speak Spanish", "timeline": "by summer"}})),
    )
    .await;
    api.close(&id).await;
    let dir = api.dir.path();

    let list = json_of(dir, &["sessions", "list", "--json"]);
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["status"], "closed");
    assert_eq!(list[0]["message_count"], 2);
    assert_eq!(list[0]["first_words"], "Remind me to practise Spanish verbs tomorrow at six");
    let (ok, table, _) = companion(dir, &["sessions", "list"]);
    assert!(ok && table.starts_with("ID") && table.contains(&id));
    let line = table.lines().find(|l| l.contains(&id)).unwrap();
    assert!(line.contains("4 s") && line.contains("Remind me to practise Spanish verbs"), "{table}");

    let show = json_of(dir, &["sessions", "show", &id, "--json"]);
    assert_eq!(show["messages"].as_array().unwrap().len(), 2);
    assert_eq!(show["function_calls"][0]["name"], "create_task");
    assert_eq!(show["function_calls"][0]["status"], "executed");

    let hits = json_of(dir, &["search", "spanish verb", "--json"]);
    assert_eq!(hits.as_array().unwrap().len(), 2);
    assert!(hits[0]["snippet"].as_str().unwrap().contains("[Spanish]"), "{hits}");
    let hits = json_of(dir, &["search", "nothing-like-this", "--json"]);
    assert_eq!(hits, json!([]));
    let (ok, _, err) = companion(dir, &["search", " -*( "]);
    assert!(!ok && err.contains("\" -*( \" has no words to search for"), "{err}");

    let tasks = json_of(dir, &["tasks", "list", "--json"]);
    assert_eq!(tasks[0]["title"], "Practise Spanish verbs");
    assert_eq!(tasks[0]["scheduled_at"], "2026-11-24T18:00:00+01:00");
    let goals = json_of(dir, &["goals", "list", "--json"]);
    assert_eq!(goals[0]["statement"], "Speak Spanish");
    assert_eq!((goals[0]["milestones"].clone(), goals[0]["milestones_done"].clone()), (json!(0), json!(0)));
    let (ok, shown, _) = companion(dir, &["goals", "show", "spanish"]);
    assert!(ok && shown.contains("Speak Spanish") && shown.contains("No milestones yet"), "{shown}");
    let (ok, _, err) = companion(dir, &["goals", "show", "knitting"]);
    assert!(!ok && err.contains("No goal matches \"knitting\""), "{err}");
    let (ok, table, _) = companion(dir, &["tasks", "list"]);
    assert!(ok && table.contains("Practise Spanish verbs"));

    let (_, md, _) = companion(dir, &["export", &id, "--format", "md"]);
    assert!(md.contains("**You** (09:00:00): Remind me") && md.contains("`create_task` (executed)"), "{md}");
    let (_, srt, _) = companion(dir, &["export", &id, "--format", "srt"]);
    assert!(srt.starts_with("1\n00:00:00,000 --> 00:00:03,600\nYou: Remind me"), "{srt}");
    let (_, vtt, _) = companion(dir, &["export", &id, "--format", "vtt"]);
    assert!(vtt.starts_with("WEBVTT\n\n00:00:00.000 --> 00:00:03.600\n<v You>"), "{vtt}");
    assert!(vtt.contains("&lt;practise&gt; Spanish verbs &amp; more"), "{vtt}");
    let out = dir.join("export.json");
    let (ok, _, err) = companion(dir, &["export", &id, "--format", "json", "-o", out.to_str().unwrap()]);
    assert!(ok, "{err}");
    let exported: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(exported["id"], id.as_str());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains("temp-token") && !text.contains(KEY), "no secrets in exports");

    let (ok, _, err) = companion(dir, &["export", "no-such-id"]);
    assert!(!ok && err.contains("Session no-such-id not found"), "{err}");
}

#[tokio::test]
async fn a_conversation_without_words_still_open_reads_as_such() {
    let grant = fake_grant(200).await;
    let api = Api::start(&grant.url, Some(KEY)).await;
    let (_, v) = api.create("local").await;
    let id = v["session_id"].as_str().unwrap().to_string();
    let hello = json!({"session_id": id, "role": "assistant", "content": "Hello? Anyone there?"});
    api.call("POST", "/api/v1/voice/messages", Some(hello)).await;
    let dir = api.dir.path();
    let list = json_of(dir, &["sessions", "list", "--json"]);
    assert_eq!(list[0]["first_words"], Value::Null, "the assistant's words are not the user's");
    let (ok, table, _) = companion(dir, &["sessions", "list"]);
    let line = table.lines().find(|l| l.contains(&id)).unwrap();
    assert!(ok && line.contains("ongoing") && line.contains("(no words)"), "{table}");
}

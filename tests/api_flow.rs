//! The control plane's flow over a real socket: create (with a minted token), save messages, run intents,
//! read messages back in order, close. Plus token minting against the fake grant endpoint.

#[path = "api/harness.rs"]
mod harness;

use harness::*;
use serde_json::json;
use std::sync::atomic::Ordering;

#[tokio::test]
async fn full_seed_flow() {
    let grant = fake_grant(200).await;
    let api = Api::start(&grant.url, Some(KEY)).await;

    let (s, health) = api.call("GET", "/health", None).await;
    assert_eq!((s, health["status"].as_str()), (200, Some("ok")));

    let (s, created) = api.create("ana").await;
    assert_eq!(s, 200, "{created}");
    let id = created["session_id"].as_str().unwrap().to_string();
    assert_eq!(created["deepgram_token"], GRANT_TOKEN);
    let cfg = &created["config"];
    assert_eq!(cfg["voice_model"], "aura-2-thalia-en");
    assert_eq!(cfg["listen_model"], "nova-3");
    assert_eq!(cfg["llm_model"], "gpt-4o-mini");
    assert_eq!(cfg["greeting"], "Hey! What can I help you with today?");
    let prompt = cfg["system_prompt"].as_str().unwrap();
    assert!(prompt.contains("Europe/Madrid") && prompt.contains("Monday 2026-11-23 10:00"), "{prompt}");
    let names: Vec<&str> =
        cfg["functions"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    for n in ["submit_goal_intent", "create_task", "reschedule_task", "list_tasks", "complete_task"] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    assert_eq!(grant.calls.load(Ordering::SeqCst), 1);
    assert_eq!(grant.bodies.lock().unwrap()[0], json!({"ttl_seconds": 300}));

    for (role, content) in [("user", "I want to learn Spanish"), ("assistant", "Great goal! By when?")] {
        let (s, saved) = api
            .call(
                "POST",
                "/api/v1/voice/messages",
                Some(json!({"session_id": id, "role": role, "content": content})),
            )
            .await;
        assert_eq!((s, saved["status"].as_str()), (200, Some("saved")), "{saved}");
    }

    let intent = json!({"session_id": id, "function_call_id": "fc_1", "function_name": "submit_goal_intent",
                        "input": {"goal_statement": "Learn Spanish", "timeline": "3 months"}});
    let (s, r) = api.call("POST", "/api/v1/voice/intents", Some(intent.clone())).await;
    assert_eq!(s, 200);
    assert_eq!(r["function_call_id"], "fc_1");
    assert!(r["result"].as_str().unwrap().starts_with("Goal created: Learn Spanish"), "{r}");
    // The same call id again: same answer, no second goal.
    let (_, again) = api.call("POST", "/api/v1/voice/intents", Some(intent)).await;
    assert_eq!(again, r);
    assert_eq!(api.service.goals().unwrap().len(), 1);

    // Deepgram's arguments arrive as a JSON string; a refused intent still answers 200.
    let bad = json!({"session_id": id, "function_call_id": "fc_2", "function_name": "create_task",
                     "input": "{\"title\": \"Call mum\", \"scheduled_at\": \"someday\"}"});
    let (s, r) = api.call("POST", "/api/v1/voice/intents", Some(bad)).await;
    assert_eq!(s, 200);
    assert!(r["result"].as_str().unwrap().to_lowercase().contains("time"), "{r}");
    assert!(api.service.tasks().unwrap().is_empty());

    let (s, msgs) = api.call("GET", &format!("/api/v1/voice/sessions/{id}/messages"), None).await;
    assert_eq!(s, 200);
    let contents: Vec<&str> =
        msgs["messages"].as_array().unwrap().iter().map(|m| m["content"].as_str().unwrap()).collect();
    assert_eq!(contents, ["I want to learn Spanish", "Great goal! By when?"]);
    assert_eq!(msgs["messages"][0]["role"], "user");

    let (s, closed) = api.close(&id).await;
    assert_eq!(s, 200);
    assert_eq!(closed, json!({"session_id": id, "status": "closed", "message_count": 2}));

    // Nothing secret lands in the database.
    let db = std::fs::read(api.service.store().path()).unwrap();
    let db = String::from_utf8_lossy(&db);
    assert!(!db.contains(KEY) && !db.contains(GRANT_TOKEN));
}

#[tokio::test]
async fn deepgram_down_is_503_and_leaves_nothing_open() {
    let api = Api::start(&dead_url().await, Some(KEY)).await;
    let (s, v) = api.create("ana").await;
    assert_eq!(s, 503);
    assert!(detail(&v).contains("could not be reached"), "{v}");
    assert!(api.service.list_sessions(10).unwrap().is_empty());
}

#[tokio::test]
async fn refused_key_and_missing_key_are_503_with_a_reason() {
    let grant = fake_grant(401).await;
    let api = Api::start(&grant.url, Some(KEY)).await;
    let (s, v) = api.create("ana").await;
    assert_eq!(s, 503);
    assert!(detail(&v).contains("refused the API key"), "{v}");
    assert!(!detail(&v).contains(KEY));
    assert!(api.service.list_sessions(10).unwrap().is_empty());

    let grant = fake_grant(200).await;
    let api = Api::start(&grant.url, None).await;
    let (s, v) = api.create("ana").await;
    assert_eq!(s, 503);
    assert!(detail(&v).contains("DEEPGRAM_API_KEY"), "{v}");
    assert_eq!(grant.calls.load(Ordering::SeqCst), 0, "no key, no request");

    let grant = fake_grant(500).await;
    let api = Api::start(&grant.url, Some(KEY)).await;
    let (s, v) = api.create("ana").await;
    assert_eq!(s, 503, "{v}");
}

#[tokio::test]
async fn openapi_describes_every_route() {
    let grant = fake_grant(200).await;
    let api = Api::start(&grant.url, Some(KEY)).await;
    let (s, doc) = api.call("GET", "/openapi.json", None).await;
    assert_eq!(s, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    for p in [
        "/health",
        "/api/v1/voice/session",
        "/api/v1/voice/messages",
        "/api/v1/voice/sessions/{session_id}/messages",
        "/api/v1/voice/intents",
        "/api/v1/voice/session/{session_id}",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} not documented");
    }
}

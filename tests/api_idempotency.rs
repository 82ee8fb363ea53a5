//! `Idempotency-Key` on the three POST routes: a retry gets the recorded answer and writes
//! nothing; the same key on another request is 422, on a request still running 409; a session's
//! token is never stored; the hidden `--ignore-idempotency-key` switch turns it off per route.

#[path = "api/harness.rs"]
mod harness;
#[path = "api/idempotency_kit.rs"]
mod kit;

use companion::backend::idempotency::{IdempotencyKey, Keyed, Route};
use companion::backend::schemas::{IntentRequest, SaveMessageRequest};
use companion::store::calls;
use harness::*;
use kit::*;
use serde_json::json;
use std::sync::atomic::Ordering;

#[tokio::test]
async fn a_retried_message_gets_the_same_answer_and_is_stored_once() {
    let (api, _grant) = api_with(vec![]).await;
    let id = session(&api).await;
    let (s, first, replayed) = post(&api, MESSAGES, Some("k-1"), &message(&id, "hello")).await;
    assert_eq!((s, replayed), (200, false), "{first}");
    // The same request, its fields in another order and spaced differently.
    let same = format!(r#"{{ "content": "hello",  "role": "user", "session_id": "{id}" }}"#);
    let (s, again, replayed) = post(&api, MESSAGES, Some("k-1"), &same).await;
    assert_eq!((s, replayed), (200, true), "{again}");
    assert_eq!(again, first);
    assert_eq!(stored(&api, &id), ["hello"]);
}

#[tokio::test]
async fn a_used_key_on_a_different_request_is_422_and_stores_nothing() {
    let (api, _grant) = api_with(vec![]).await;
    let id = session(&api).await;
    assert_eq!(post(&api, MESSAGES, Some("k-1"), &message(&id, "hello")).await.0, 200);
    let (s, v, _) = post(&api, MESSAGES, Some("k-1"), &message(&id, "goodbye")).await;
    assert_eq!(s, 422);
    assert!(detail(&v).contains("already used for a different request"), "{v}");
    // The same key on another route is another request too.
    let intent = json!({"session_id": id, "function_call_id": "fc_1", "function_name": "submit_goal_intent",
                        "input": {"goal_statement": "Learn Spanish", "timeline": "3 months"}});
    let (s, v, _) = post(&api, INTENTS, Some("k-1"), &intent.to_string()).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(stored(&api, &id), ["hello"]);
    assert!(api.service.goals().unwrap().is_empty());
    assert!(api.service.store().read(|c| calls::calls_of_conversation(c, &id)).unwrap().is_empty());
}

#[tokio::test]
async fn concurrent_duplicates_never_write_twice() {
    let (api, _grant) = api_with(vec![]).await;
    let id = session(&api).await;
    let body = message(&id, "only once");
    let answers =
        futures_util::future::join_all((0..8).map(|_| post(&api, MESSAGES, Some("dup"), &body))).await;
    let mut ids = std::collections::HashSet::new();
    for (s, v, _) in &answers {
        match s {
            200 => {
                ids.insert(v["message_id"].as_str().unwrap().to_string());
            }
            409 => assert!(detail(v).contains("still being processed"), "{v}"),
            other => panic!("{other}: {v}"),
        }
    }
    assert_eq!(ids.len(), 1, "{answers:?}");
    assert_eq!(stored(&api, &id), ["only once"]);
    // Once the first is done, a retry is answered from the record.
    let (s, v, replayed) = post(&api, MESSAGES, Some("dup"), &body).await;
    assert_eq!((s, replayed), (200, true));
    assert!(ids.contains(v["message_id"].as_str().unwrap()));
}

#[tokio::test]
async fn a_replayed_session_keeps_its_id_gets_a_fresh_token_and_the_token_is_never_stored() {
    let (api, grant) = api_with(vec![]).await;
    let body = json!({"user_id": "ana"}).to_string();
    let (s, first, replayed) = post(&api, SESSION, Some("s-1"), &body).await;
    assert_eq!((s, replayed), (200, false), "{first}");
    assert_eq!(first["deepgram_token"], GRANT_TOKEN);
    // Without the key this would be refused (one open session per user); with it, it is the
    // first answer again, with a newly minted token.
    let (s, again, replayed) = post(&api, SESSION, Some("s-1"), &body).await;
    assert_eq!((s, replayed), (200, true), "{again}");
    assert_eq!(again["session_id"], first["session_id"]);
    assert_eq!(again["config"], first["config"]);
    assert_eq!(again["deepgram_token"], GRANT_TOKEN);
    assert_eq!(grant.calls.load(Ordering::SeqCst), 2, "the replay minted its own token");
    assert_eq!(api.service.list_sessions(10).unwrap().len(), 1);
    assert_eq!(api.create("ana").await.0, 429, "the negative control: no key, a new request");

    let path = api.service.store().path().to_path_buf();
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
    let text = String::from_utf8_lossy(&bytes);
    let sid = first["session_id"].as_str().unwrap();
    assert!(text.contains("POST /api/v1/voice/session"), "the answer was recorded");
    assert!(text.contains(sid));
    assert!(!text.contains(GRANT_TOKEN), "the Deepgram token reached the database");
    assert!(!text.contains(KEY));
}

/// The key is recorded in the write's own transaction: when it cannot be (another process
/// recorded it first), the write is rolled back with it, on each of the three routes.
#[tokio::test]
async fn a_key_that_cannot_be_recorded_rolls_back_its_write() {
    let (api, _grant) = api_with(vec![]).await;
    let keyed =
        |route| Keyed { key: IdempotencyKey::parse(b"taken").unwrap(), route, fingerprint: "f".into() };
    let svc = &api.service;
    let (id, _) = svc.open_conversation("ana", Some(&keyed(Route::Session))).unwrap();
    let err = svc.open_conversation("bob", Some(&keyed(Route::Session))).unwrap_err();
    assert_eq!(err.status(), 409, "{err}");
    assert_eq!(svc.list_sessions(10).unwrap().len(), 1);

    let msg = SaveMessageRequest { session_id: id.clone(), role: "user".into(), content: "hi".into() };
    assert_eq!(svc.save_message(&msg, Some(&keyed(Route::Messages))).unwrap_err().status(), 409);
    assert!(stored(&api, &id).is_empty());

    let call = IntentRequest {
        session_id: id.clone(),
        function_call_id: "fc_1".into(),
        function_name: "submit_goal_intent".into(),
        input: json!({"goal_statement": "Learn Spanish", "timeline": "3 months"}),
    };
    assert_eq!(svc.run_intent(&call, Some(&keyed(Route::Intents))).unwrap_err().status(), 409);
    assert!(svc.goals().unwrap().is_empty());
    assert!(svc.store().read(|c| calls::calls_of_conversation(c, &id)).unwrap().is_empty());
    // Without a key the same writes go through.
    svc.save_message(&msg, None).unwrap();
    svc.run_intent(&call, None).unwrap();
    assert_eq!((stored(&api, &id).len(), svc.goals().unwrap().len()), (1, 1));
}

#[tokio::test]
async fn without_a_key_identical_posts_are_two_messages() {
    let (api, _grant) = api_with(vec![]).await;
    let id = session(&api).await;
    let (s1, a, r1) = post(&api, MESSAGES, None, &message(&id, "twice")).await;
    let (s2, b, r2) = post(&api, MESSAGES, None, &message(&id, "twice")).await;
    assert_eq!((s1, s2, r1, r2), (200, 200, false, false));
    assert_ne!(a["message_id"], b["message_id"]);
    assert_eq!(stored(&api, &id), ["twice", "twice"]);
}

#[tokio::test]
async fn the_hidden_switch_ignores_keys_on_messages_only() {
    let (api, _grant) = api_with(vec![Route::Messages]).await;
    let id = session(&api).await;
    let (_, a, r1) = post(&api, MESSAGES, Some("m-1"), &message(&id, "twice")).await;
    let (_, b, r2) = post(&api, MESSAGES, Some("m-1"), &message(&id, "twice")).await;
    assert!(!r1 && !r2);
    assert_ne!(a["message_id"], b["message_id"]);
    // Even a key it could not accept is ignored, as a plane that knows nothing of the header.
    assert_eq!(post(&api, MESSAGES, Some(&"x".repeat(300)), &message(&id, "three")).await.0, 200);
    assert_eq!(stored(&api, &id), ["twice", "twice", "three"]);

    let intent = |call: &str| {
        json!({"session_id": id, "function_call_id": call, "function_name": "create_task",
               "input": {"title": "Call mum", "scheduled_at": "2026-11-24T18:00:00+01:00"}})
        .to_string()
    };
    let (s, first, replayed) = post(&api, INTENTS, Some("i-1"), &intent("fc_1")).await;
    assert_eq!((s, replayed), (200, false), "{first}");
    let (s, again, replayed) = post(&api, INTENTS, Some("i-1"), &intent("fc_1")).await;
    assert_eq!((s, replayed, &again), (200, true, &first));
    assert_eq!(post(&api, INTENTS, Some("i-1"), &intent("fc_2")).await.0, 422);
    assert_eq!(api.service.tasks().unwrap().len(), 1);
}

#[tokio::test]
async fn a_key_of_300_characters_is_422_and_writes_nothing() {
    let (api, _grant) = api_with(vec![]).await;
    let id = session(&api).await;
    let (s, v, _) = post(&api, MESSAGES, Some(&"k".repeat(300)), &message(&id, "hello")).await;
    assert_eq!(s, 422);
    assert!(detail(&v).contains("1 to 255 printable ASCII characters"), "{v}");
    assert_eq!(post(&api, MESSAGES, Some(&"k".repeat(255)), &message(&id, "hello")).await.0, 200);
    assert_eq!(stored(&api, &id), ["hello"]);
}

#[tokio::test]
async fn an_error_is_not_recorded_so_the_key_can_be_retried() {
    let (api, _grant) = api_with(vec![]).await;
    let id = session(&api).await;
    let bad = json!({"session_id": id, "role": "narrator", "content": "hello"}).to_string();
    assert_eq!(post(&api, MESSAGES, Some("k-1"), &bad).await.0, 422);
    let (s, v, replayed) = post(&api, MESSAGES, Some("k-1"), &message(&id, "hello")).await;
    assert_eq!((s, replayed), (200, false), "{v}");
    assert_eq!(stored(&api, &id), ["hello"]);
}

#[tokio::test]
async fn keys_are_kept_a_day_then_forgotten() {
    let (api, _grant) = api_with(vec![]).await;
    let id = session(&api).await;
    assert_eq!(post(&api, MESSAGES, Some("old"), &message(&id, "one")).await.0, 200);
    api.clock.advance(chrono::Duration::hours(23));
    assert_eq!(post(&api, MESSAGES, Some("old"), &message(&id, "two")).await.0, 422, "kept for 24 hours");
    api.clock.advance(chrono::Duration::hours(2));
    // Recording another key deletes the expired one; then the old key is free again.
    assert_eq!(post(&api, MESSAGES, Some("new"), &message(&id, "two")).await.0, 200);
    let (s, _, replayed) = post(&api, MESSAGES, Some("old"), &message(&id, "three")).await;
    assert_eq!((s, replayed), (200, false));
    assert_eq!(stored(&api, &id), ["one", "two", "three"]);
}

#[tokio::test]
async fn openapi_declares_the_key_on_the_three_posts() {
    let (api, _grant) = api_with(vec![]).await;
    let (_, doc) = api.call("GET", "/openapi.json", None).await;
    for p in [SESSION, MESSAGES, INTENTS] {
        let params = doc["paths"][p]["post"]["parameters"].as_array().unwrap_or_else(|| panic!("{p}"));
        let key = params.iter().find(|x| x["name"] == "Idempotency-Key").unwrap_or_else(|| panic!("{p}"));
        assert_eq!((key["in"].as_str(), key["required"].as_bool()), (Some("header"), Some(false)), "{p}");
        assert_eq!(key["schema"]["maxLength"], 255);
        assert!(doc["paths"][p]["post"]["responses"]["200"]["headers"]["Idempotent-Replayed"].is_object());
    }
}

#[tokio::test]
async fn companion_serve_takes_the_hidden_switch() {
    let bin = env!("CARGO_BIN_EXE_companion");
    let dir = tempfile::tempdir().unwrap();
    let help = std::process::Command::new(bin).args(["serve", "--help"]).output().unwrap();
    assert!(
        !String::from_utf8_lossy(&help.stdout).to_lowercase().contains("idempotency"),
        "the flag is hidden"
    );
    let wrong = std::process::Command::new(bin)
        .args(["serve", "--port", "0", "--ignore-idempotency-key", "goals"])
        .env("COMPANION_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(2), "{}", String::from_utf8_lossy(&wrong.stderr));

    let grant = fake_grant(200).await;
    let mut child = tokio::process::Command::new(bin)
        .args(["serve", "--port", "0", "--ignore-idempotency-key", "messages"])
        .env("COMPANION_DATA_DIR", dir.path())
        .env("COMPANION_API_TOKEN", API_TOKEN)
        .env("DEEPGRAM_API_KEY", KEY)
        .env("COMPANION_DEEPGRAM_API_URL", &grant.url)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines =
        tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(child.stdout.take().unwrap()));
    let first = tokio::time::timeout(std::time::Duration::from_secs(60), lines.next_line())
        .await
        .expect("serve did not start")
        .unwrap()
        .unwrap();
    let base = first.strip_prefix("Listening on ").unwrap_or_else(|| panic!("{first}")).to_string();
    let http = reqwest::Client::new();

    let (s, created, _) = post_to(&http, &base, SESSION, None, r#"{"user_id": "ana"}"#).await;
    assert_eq!(s, 200, "{created}");
    let id = created["session_id"].as_str().unwrap();
    let (_, a, r1) = post_to(&http, &base, MESSAGES, Some("m"), &message(id, "twice")).await;
    let (_, b, r2) = post_to(&http, &base, MESSAGES, Some("m"), &message(id, "twice")).await;
    assert!(!r1 && !r2);
    assert_ne!(a["message_id"], b["message_id"], "messages ignore the key");
    let intent = json!({"session_id": id, "function_call_id": "fc_1", "function_name": "submit_goal_intent",
                        "input": {"goal_statement": "Learn Spanish", "timeline": "3 months"}})
    .to_string();
    assert!(!post_to(&http, &base, INTENTS, Some("i"), &intent).await.2);
    assert!(post_to(&http, &base, INTENTS, Some("i"), &intent).await.2, "intents honour it");
    child.kill().await.unwrap();
}

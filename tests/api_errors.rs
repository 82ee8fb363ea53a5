//! Every refusal of the REST API: rate limits, unknown and closed sessions, invalid bodies,
//! authentication, DNS-rebinding guards. Bad input never gets a 500.

#[path = "api/harness.rs"]
mod harness;

use harness::*;
use serde_json::json;

async fn api() -> Api {
    let grant = fake_grant(200).await;
    Api::start(&grant.url, Some(KEY)).await
}

#[tokio::test]
async fn one_open_session_per_user() {
    let api = api().await;
    let (_, first) = api.create("ana").await;
    let id = first["session_id"].as_str().unwrap();
    let (s, v) = api.create("ana").await;
    assert_eq!(s, 429);
    assert!(detail(&v).contains(id) && detail(&v).contains("Close it"), "{v}");
    // Another user is not affected.
    assert_eq!(api.create("bob").await.0, 200);
    api.close(id).await;
    assert_eq!(api.create("ana").await.0, 200);
}

#[tokio::test]
async fn five_per_ten_minutes_then_twenty_per_day() {
    let api = api().await;
    for _ in 0..5 {
        let (s, v) = api.create("ana").await;
        assert_eq!(s, 200, "{v}");
        api.close(v["session_id"].as_str().unwrap()).await;
        api.clock.advance(chrono::Duration::seconds(30));
    }
    // 2.5 minutes after the first: the window frees in 7.5 minutes.
    let r = api
        .http
        .post(format!("{}/api/v1/voice/session", api.base))
        .bearer_auth(API_TOKEN)
        .json(&json!({"user_id": "ana"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers().get("retry-after").unwrap(), "450");
    let (s, v) = decode(r).await;
    assert_eq!(s, 429);
    assert_eq!(detail(&v), "Too many sessions: at most 5 per 10 minutes. Retry in 450 seconds.");

    api.clock.advance(chrono::Duration::seconds(450));
    let mut made = 5;
    loop {
        let (s, v) = api.create("ana").await;
        if s == 429 {
            assert!(detail(&v).contains("at most 20 per 24 hours"), "{v}");
            break;
        }
        assert_eq!(s, 200, "{v}");
        made += 1;
        api.close(v["session_id"].as_str().unwrap()).await;
        api.clock.advance(chrono::Duration::minutes(3));
    }
    assert_eq!(made, 20);
}

#[tokio::test]
async fn unknown_and_closed_sessions() {
    let api = api().await;
    let msg = |id: &str| json!({"session_id": id, "role": "user", "content": "hi"});
    let intent = |id: &str| json!({"session_id": id, "function_call_id": "c", "function_name": "list_tasks", "input": {}});
    for (m, p, b) in [
        ("POST", "/api/v1/voice/messages".to_string(), Some(msg("nope"))),
        ("POST", "/api/v1/voice/intents".to_string(), Some(intent("nope"))),
        ("GET", "/api/v1/voice/sessions/nope/messages".to_string(), None),
        ("DELETE", "/api/v1/voice/session/nope".to_string(), None),
    ] {
        let (s, v) = api.call(m, &p, b).await;
        assert_eq!((s, detail(&v)), (404, "Session nope not found"), "{m} {p}");
    }
    let (_, v) = api.create("ana").await;
    let id = v["session_id"].as_str().unwrap();
    api.close(id).await;
    assert_eq!(api.call("POST", "/api/v1/voice/messages", Some(msg(id))).await.0, 409);
    assert_eq!(api.call("POST", "/api/v1/voice/intents", Some(intent(id))).await.0, 409);
    let (s, v) = api.close(id).await;
    assert_eq!(s, 409);
    assert!(detail(&v).contains("closed"));
    // Reading a closed session's messages is fine.
    assert_eq!(api.call("GET", &format!("/api/v1/voice/sessions/{id}/messages"), None).await.0, 200);
}

#[tokio::test]
async fn invalid_bodies_are_422() {
    let api = api().await;
    let (_, v) = api.create("ana").await;
    let id = v["session_id"].as_str().unwrap().to_string();
    let cases = [
        ("/api/v1/voice/session", json!({"user_id": 42}), "invalid type"),
        ("/api/v1/voice/session", json!({}), "missing field `user_id`"),
        ("/api/v1/voice/session", json!({"user_id": "  "}), "must not be empty"),
        ("/api/v1/voice/messages", json!({"session_id": id, "role": "user"}), "missing field `content`"),
        (
            "/api/v1/voice/messages",
            json!({"session_id": id, "role": "user", "content": "  "}),
            "must not be empty",
        ),
        (
            "/api/v1/voice/messages",
            json!({"session_id": id, "role": "system", "content": "x"}),
            "role must be",
        ),
        (
            "/api/v1/voice/messages",
            json!({"session_id": id, "role": "user", "content": "x".repeat(40_000)}),
            "longer than",
        ),
        (
            "/api/v1/voice/intents",
            json!({"session_id": id, "function_call_id": "c", "function_name": "list_tasks", "input": 3}),
            "input must be an object",
        ),
        (
            "/api/v1/voice/intents",
            json!({"session_id": id, "function_call_id": "", "function_name": "x", "input": {}}),
            "must not be empty",
        ),
        ("/api/v1/voice/intents", json!([1, 2]), "invalid type"),
    ];
    for (path, body, want) in cases {
        let (s, v) = api.call("POST", path, Some(body.clone())).await;
        assert_eq!(s, 422, "{path} {body}: {v}");
        assert!(detail(&v).contains(want), "{path}: {v} should say {want:?}");
    }
    let raw = |body: Vec<u8>, ctype: Option<&str>| {
        let mut r =
            api.http.post(format!("{}/api/v1/voice/messages", api.base)).bearer_auth(API_TOKEN).body(body);
        if let Some(c) = ctype {
            r = r.header("content-type", c);
        }
        r.send()
    };
    let (s, v) = decode(raw(b"{not json".to_vec(), Some("application/json")).await.unwrap()).await;
    assert_eq!(s, 422, "{v}");
    let (s, v) =
        decode(raw(br#"{"session_id":"a","role":"user","content":"x"}"#.to_vec(), None).await.unwrap()).await;
    assert_eq!(s, 422, "{v}");
    assert!(detail(&v).contains("Content-Type"));
    let huge = format!(r#"{{"session_id":"{id}","role":"user","content":"{}"}}"#, "y".repeat(200_000));
    let (s, v) = decode(raw(huge.into_bytes(), Some("application/json")).await.unwrap()).await;
    assert_eq!(s, 422, "{v}");
    assert!(detail(&v).contains("larger than 64 KiB"));
    assert_eq!(api.service.session_detail(&id).unwrap().messages.len(), 0, "nothing stored");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let api = api().await;
    let (s, v) = api.call("GET", "/api/v1/nothing", None).await;
    assert_eq!((s, detail(&v)), (404, "Not Found"));
    let (s, v) = api.call("PUT", "/api/v1/voice/session", None).await;
    assert_eq!((s, detail(&v)), (405, "Method Not Allowed"));
    let (s, v) = api.call("GET", "/api/v1/voice/sessions/%FF%FE/messages", None).await;
    assert_eq!(s, 422, "{v}");
}

#[tokio::test]
async fn bearer_token_and_local_origin_are_required() {
    let api = api().await;
    let url = format!("{}/health", api.base);
    let (s, v) = decode(api.http.get(&url).send().await.unwrap()).await;
    assert_eq!(s, 401);
    assert!(detail(&v).contains("Missing bearer token"));
    let (s, _) = decode(api.http.get(&url).bearer_auth("wrong").send().await.unwrap()).await;
    assert_eq!(s, 401);
    let (s, v) = decode(
        api.http.get(&url).bearer_auth(API_TOKEN).header("host", "evil.example:80").send().await.unwrap(),
    )
    .await;
    assert_eq!(s, 403, "{v}");
    let (s, _) = decode(
        api.http
            .get(&url)
            .bearer_auth(API_TOKEN)
            .header("origin", "https://evil.example")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 403);
    for ok in ["http://localhost:1420", "tauri://localhost", "http://127.0.0.1:5173"] {
        let (s, _) =
            decode(api.http.get(&url).bearer_auth(API_TOKEN).header("origin", ok).send().await.unwrap())
                .await;
        assert_eq!(s, 200, "{ok}");
    }
}

#[tokio::test]
async fn crash_left_sessions_are_interrupted_by_the_next_host_only() {
    use companion::backend::host_lock::HostLock;
    let api = api().await;
    let (_, v) = api.create("ana").await;
    let id = v["session_id"].as_str().unwrap().to_string();
    let host = HostLock::try_acquire(api.dir.path()).unwrap().expect("first host gets the lock");
    assert!(HostLock::try_acquire(api.dir.path()).unwrap().is_none(), "a second host must not sweep");
    drop(host);
    let _next = HostLock::try_acquire(api.dir.path()).unwrap().expect("lock is free after the host ends");
    assert_eq!(api.service.sweep_interrupted().unwrap(), 1);
    let d = api.service.session_detail(&id).unwrap();
    assert_eq!(d.conversation.status.as_str(), "interrupted");
    assert!(d.conversation.end_reason.unwrap().contains("stopped"));
    assert_eq!(api.create("ana").await.0, 200, "an interrupted session does not block a new one");
}

#[test]
fn api_token_is_generated_once_with_owner_only_permissions() {
    use companion::backend::api_token;
    let dir = tempfile::tempdir().unwrap();
    if std::env::var_os(api_token::ENV).is_some() {
        return; // the variable wins by design; nothing to check about the file here
    }
    let a = api_token::load_or_create(dir.path()).unwrap();
    let b = api_token::load_or_create(dir.path()).unwrap();
    assert_eq!(a.expose(), b.expose());
    assert!(a.expose().len() >= 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(api_token::path_in(dir.path())).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

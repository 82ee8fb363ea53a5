//! Background delivery and what waits for the user: `companion serve` with sync on delivers as
//! words arrive and recovers from an outage by itself; the plane's session budget is never
//! exceeded, across restarts; a refused item waits alone until retried or discarded; a lost
//! session creation on a plane without idempotency is reported, not spun on.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::fault_proxy::{Fault, FaultPlan, FaultProxy};
use support::sync_kit::*;

const LOCAL_TOKEN: &str = "local-api-token-55aa";

async fn post(url: &str, path: &str, body: Value) -> Value {
    let resp = reqwest::Client::new()
        .post(format!("{url}{path}"))
        .header("authorization", format!("Bearer {LOCAL_TOKEN}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    resp.json().await.unwrap()
}

fn plane_messages(plane: &Plane) -> i64 {
    plane.db().query_row("SELECT count(*) FROM messages", [], |r| r.get(0)).unwrap()
}

async fn status(local: &std::path::Path) -> Value {
    let run = sync(local, "http://127.0.0.1:9", PLANE_TOKEN, &["--status", "--json"]).await;
    serde_json::from_str(&run.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_delivers_live_and_recovers_from_an_outage_without_a_new_write() {
    let plane = Plane::start(&[]).await;
    let proxy = FaultProxy::start(plane.addr).await;
    let local = tempfile::tempdir().unwrap();
    let settings =
        format!("limits:\n  sessions_per_10_minutes: 100\nsync:\n  enabled: true\n  url: {}\n", proxy.url());
    std::fs::write(local.path().join("settings.yaml"), settings).unwrap();
    let env = [
        ("COMPANION_API_TOKEN", LOCAL_TOKEN),
        ("COMPANION_SYNC_TOKEN", PLANE_TOKEN),
        ("DEEPGRAM_API_KEY", support::fake_grant::KEY),
        ("COMPANION_DEEPGRAM_API_URL", plane.grant.url.as_str()),
    ];
    let (url, _serve) = serve(local.path(), &[], &env).await;

    let created = post(&url, "/api/v1/voice/session", json!({"user_id": "local"})).await;
    let id = created["session_id"].as_str().unwrap().to_string();
    for i in 0..3 {
        post(
            &url,
            "/api/v1/voice/messages",
            json!({"session_id": id, "role": "user", "content": format!("live {i}")}),
        )
        .await;
        let took =
            wait_for("live delivery", Duration::from_secs(5), || plane_messages(&plane) == i + 1).await;
        assert!(took < Duration::from_secs(2), "delivered in {took:?}");
    }

    proxy.set_down(true);
    for i in 3..6 {
        post(
            &url,
            "/api/v1/voice/messages",
            json!({"session_id": id, "role": "assistant", "content": format!("while down {i}")}),
        )
        .await;
    }
    reqwest::Client::new()
        .delete(format!("{url}/api/v1/voice/session/{id}"))
        .header("authorization", format!("Bearer {LOCAL_TOKEN}"))
        .send()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(plane_messages(&plane), 3, "nothing gets through an outage");
    assert_eq!(status(local.path()).await["state"], "offline");

    // No new local write from here on: the worker's own retries must find the plane again.
    proxy.set_down(false);
    wait_for("recovery", Duration::from_secs(40), || outbox_len(local.path()) == 0).await;
    assert_plane_holds_exactly(local.path(), &plane);
    assert_eq!(status(local.path()).await["state"], "synced");
    plane.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_budget_is_never_exceeded_and_survives_restarts() {
    // The plane's contract limits: 5 per 10 minutes, 20 per day; this computer knows them.
    let plane = Plane::start_with(&[], "").await;
    let proxy = FaultProxy::start(plane.addr).await;
    let local = tempfile::tempdir().unwrap();
    std::fs::write(
        local.path().join("settings.yaml"),
        "limits:\n  sessions_per_10_minutes: 100\n  sessions_per_day: 100\n",
    )
    .unwrap();
    write_history(&open_local(local.path()), 7, 2);

    let run = sync(local.path(), &proxy.url(), PLANE_TOKEN, &["--max-seconds", "3"]).await;
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("at most 5 new sessions per 10 minutes"), "{}", run.stderr);
    let sessions =
        || -> i64 { plane.db().query_row("SELECT count(*) FROM conversations", [], |r| r.get(0)).unwrap() };
    assert_eq!(sessions(), 5);
    let st = status(local.path()).await;
    assert_eq!(st["state"], "rate_limited", "{st}");
    assert!(st["rate_limited_until"].is_string(), "{st}");
    assert_eq!(st["pending_sessions"], 2);

    // A new process remembers what was spent.
    let again = sync(local.path(), &proxy.url(), PLANE_TOKEN, &["--max-seconds", "2"]).await;
    assert_ne!(again.code, 0);
    assert_eq!(sessions(), 5);
    let refused = proxy.log().iter().filter(|e| e.upstream_status == Some(429)).count();
    assert_eq!(refused, 0, "the plane never had to refuse a creation: {:?}", proxy.log());
    plane.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_item_waits_alone_until_retried_or_discarded() {
    let plane = Plane::start(&[]).await;
    let proxy = FaultProxy::start(plane.addr).await;
    let local = local_dir();
    let service = open_local(local.path());
    write_history(&service, 1, 4);
    proxy.set_plan(
        FaultPlan::script(vec![Fault::Pass, Fault::Status { code: 422, retry_after: None }])
            .only("POST", "/api/v1/voice/messages"),
    );
    let run = sync(local.path(), &proxy.url(), PLANE_TOKEN, &["--max-seconds", "10"]).await;
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("wait for you"), "{}", run.stderr);
    let st = status(local.path()).await;
    assert_eq!(st["state"], "blocked", "{st}");
    let q = &st["quarantined"][0];
    assert!(q["reason"].as_str().unwrap().contains("422"), "{st}");
    assert_eq!(plane_messages(&plane), 1, "the rest of its conversation waits behind it");

    let id = q["id"].as_i64().unwrap().to_string();
    let retried = sync(local.path(), &proxy.url(), PLANE_TOKEN, &["--retry", &id]).await;
    assert_eq!(retried.code, 0, "{}", retried.stderr);
    assert_plane_holds_exactly(local.path(), &plane);

    // Discard: the plane never gets that one item; the rest goes.
    write_history(&service, 1, 4);
    proxy.set_plan(
        FaultPlan::script(vec![Fault::Status { code: 422, retry_after: None }])
            .only("POST", "/api/v1/voice/messages"),
    );
    let before = plane_messages(&plane);
    let run = sync(local.path(), &proxy.url(), PLANE_TOKEN, &["--max-seconds", "10"]).await;
    assert_ne!(run.code, 0);
    let id = status(local.path()).await["quarantined"][0]["id"].as_i64().unwrap().to_string();
    let dropped = sync(local.path(), &proxy.url(), PLANE_TOKEN, &["--discard", &id]).await;
    assert_eq!(dropped.code, 0, "{}", dropped.stderr);
    let rest = sync(local.path(), &proxy.url(), PLANE_TOKEN, &[]).await;
    assert_eq!(rest.code, 0, "{}", rest.stderr);
    assert_eq!(plane_messages(&plane), before + 3);
    assert_eq!(outbox_len(local.path()), 0);
    plane.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_creation_on_a_plane_without_keys_is_reported_not_spun_on() {
    let plane = Plane::start(&["--ignore-idempotency-key", "session"]).await;
    let proxy = FaultProxy::start(plane.addr).await;
    let local = local_dir();
    write_history(&open_local(local.path()), 1, 2);
    proxy.set_plan(FaultPlan::script(vec![Fault::LoseResponse]).only("POST", "/api/v1/voice/session"));
    let run = sync(local.path(), &proxy.url(), PLANE_TOKEN, &["--max-seconds", "6"]).await;
    assert_ne!(run.code, 0);
    let st = status(local.path()).await;
    assert!(st["orphan"].as_str().is_some_and(|o| o.contains("cannot name")), "{st}");
    let creations = proxy.log().iter().filter(|e| e.method == "POST" && e.path.ends_with("/session")).count();
    assert!(creations <= 4, "no retry storm against the open-session limit: {creations}");
    let open: i64 = plane
        .db()
        .query_row("SELECT count(*) FROM conversations WHERE status = 'open'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(open, 1, "the orphan the lost answer left");
    plane.stop().await;
}

//! `companion sync` against planes that cannot take the history: each says what is wrong in one
//! line, exits non-zero, keeps every item for later, and never prints the token.

mod support;

use support::fault_proxy::{unreachable_url, GarbageServer};
use support::sync_kit::*;

fn assert_clear_failure(run: &Done, wanted: &str) {
    assert_ne!(run.code, 0, "{}", run.stdout);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(all.to_lowercase().contains(wanted), "wanted {wanted:?} in:\n{all}");
    assert!(!all.contains(PLANE_TOKEN), "the token leaked: {all}");
    assert!(!all.contains("panicked"), "{all}");
}

fn history() -> (tempfile::TempDir, i64) {
    let local = local_dir();
    write_history(&open_local(local.path()), 2, 3);
    let owed = outbox_len(local.path());
    (local, owed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_plane_is_offline_and_loses_nothing() {
    let (local, owed) = history();
    let run = sync(local.path(), &unreachable_url(), PLANE_TOKEN, &["--max-seconds", "2"]).await;
    assert_clear_failure(&run, "cannot reach the hosted plane");
    assert_eq!(outbox_len(local.path()), owed);
    let status = sync(local.path(), &unreachable_url(), PLANE_TOKEN, &["--status", "--json"]).await;
    let st: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(st["state"], "offline", "{st}");
    assert_eq!(st["pending_sessions"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plane_answering_html_or_garbage_json_is_named_as_such() {
    for (ctype, body) in
        [("text/html", "<html><body>Welcome to nginx!</body></html>"), ("application/json", "{not json")]
    {
        let (local, owed) = history();
        let garbage = GarbageServer::start(200, ctype, body).await;
        let run = sync(local.path(), &garbage.url(), PLANE_TOKEN, &["--max-seconds", "2"]).await;
        assert_clear_failure(&run, "does not answer like a flux control plane");
        assert_eq!(outbox_len(local.path()), owed, "{ctype}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_url_path_is_named() {
    let plane = Plane::start(&[]).await;
    let (local, owed) = history();
    let run =
        sync(local.path(), &format!("{}/not/the/api", plane.url), PLANE_TOKEN, &["--max-seconds", "2"]).await;
    assert_clear_failure(&run, "does not answer like a flux control plane");
    assert_eq!(outbox_len(local.path()), owed);
    plane.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_needs_sign_in_then_resumes() {
    let plane = Plane::start(&[]).await;
    let (local, owed) = history();
    let run = sync(local.path(), &plane.url, "the-wrong-token-123", &["--max-seconds", "30"]).await;
    assert_clear_failure(&run, "refused the sync token");
    assert_eq!(outbox_len(local.path()), owed);
    let status = sync(local.path(), &plane.url, PLANE_TOKEN, &["--status", "--json"]).await;
    let st: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(
        (st["state"].as_str(), st["needs_sign_in"].as_bool()),
        (Some("needs_sign_in"), Some(true)),
        "{st}"
    );
    // One request, not a retry storm.
    let creations: i64 =
        plane.db().query_row("SELECT count(*) FROM conversations", [], |r| r.get(0)).unwrap();
    assert_eq!(creations, 0);

    let fixed = sync(local.path(), &plane.url, PLANE_TOKEN, &[]).await;
    assert_eq!(fixed.code, 0, "{}", fixed.stderr);
    assert_plane_holds_exactly(local.path(), &plane);
    let status = sync(local.path(), &plane.url, PLANE_TOKEN, &["--status", "--json"]).await;
    let st: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!((st["state"].as_str(), st["needs_sign_in"].as_bool()), (Some("synced"), Some(false)), "{st}");
    plane.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_plane_or_no_token_says_how_to_set_it_up() {
    let (local, _) = history();
    let mut cmd = sync_command(local.path(), "", "", &[]);
    cmd.env_remove("COMPANION_SYNC_URL").env_remove("COMPANION_SYNC_TOKEN");
    let out = cmd.output().await.unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("COMPANION_SYNC_URL"), "{err}");

    let plane = Plane::start(&[]).await;
    let mut cmd = sync_command(local.path(), &plane.url, "", &["--max-seconds", "5"]);
    cmd.env_remove("COMPANION_SYNC_TOKEN");
    let out = cmd.output().await.unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("COMPANION_SYNC_TOKEN"), "{err}");
    plane.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_never_reaches_the_data_dir() {
    let plane = Plane::start(&[]).await;
    let (local, _) = history();
    let run = sync(local.path(), &plane.url, PLANE_TOKEN, &[]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bad = sync(local.path(), &plane.url, "wrong-token-but-secret-too", &[]).await;
    assert_eq!(bad.code, 0, "nothing owed: nothing sent, {}", bad.stderr);
    for file in data_files(local.path()) {
        let bytes = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(PLANE_TOKEN), "{} holds the token", file.display());
    }
    plane.stop().await;
}

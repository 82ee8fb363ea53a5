//! Sync to a hosted plane (a second `companion serve`), through a fault-injecting proxy: the
//! plane ends up with exactly this computer's conversations, in order, each once, whatever the
//! network and `kill -9` do in between.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use companion::config::secret::Secret;
use companion::store::Store;
use companion::sync::{Budget, DrainEnd, FixedToken, Sync, SyncConfig};
use companion::time::Clock;
use support::fault_proxy::{Fault, FaultPlan, FaultProxy, Mix};
use support::sync_kit::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_reaches_the_plane_once_in_order() {
    let plane = Plane::start(&[]).await;
    let local = local_dir();
    let service = open_local(local.path());
    write_history(&service, 4, 6);
    assert!(outbox_len(local.path()) > 0);

    let run = sync(local.path(), &plane.url, PLANE_TOKEN, &[]).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("Synced"), "{}", run.stdout);
    assert_plane_holds_exactly(local.path(), &plane);

    // Nothing owed: a second run sends nothing and changes nothing.
    let before: i64 = plane.db().query_row("SELECT count(*) FROM messages", [], |r| r.get(0)).unwrap();
    let again = sync(local.path(), &plane.url, PLANE_TOKEN, &[]).await;
    assert_eq!(again.code, 0, "{}", again.stderr);
    let after: i64 = plane.db().query_row("SELECT count(*) FROM messages", [], |r| r.get(0)).unwrap();
    assert_eq!(before, after);

    // New words after a sync go too, in a new session.
    write_history(&service, 1, 3);
    let third = sync(local.path(), &plane.url, PLANE_TOKEN, &[]).await;
    assert_eq!(third.code, 0, "{}", third.stderr);
    assert_plane_holds_exactly(local.path(), &plane);

    let status = sync(local.path(), &plane.url, PLANE_TOKEN, &["--status", "--json"]).await;
    let st: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(st["state"], "synced", "{st}");
    assert_eq!(st["pending_items"], 0);
    assert!(st["last_success"].is_string());
    plane.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_is_reconciled_not_resent() {
    // The plane ignores Idempotency-Key on messages: only reading its copy can tell whether the
    // message whose answer was lost is there.
    let plane = Plane::start(IGNORE_MESSAGE_KEYS).await;
    let proxy = FaultProxy::start(plane.addr).await;
    let local = local_dir();
    let service = open_local(local.path());
    write_history(&service, 1, 4);

    // The second message commits on the plane, then its answer is lost; the third gets a 500
    // after the plane saved it.
    proxy.set_plan(
        FaultPlan::script(vec![Fault::Pass, Fault::LoseResponse, Fault::StatusAfterForward { code: 500 }])
            .only("POST", "/api/v1/voice/messages"),
    );
    let run = sync(local.path(), &proxy.url(), PLANE_TOKEN, &["--max-seconds", "60"]).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_plane_holds_exactly(local.path(), &plane);
    let reads = proxy.log().iter().filter(|e| e.method == "GET").count();
    assert!(reads >= 2, "each unknown outcome was settled by reading the plane's copy: {:?}", proxy.log());
    plane.stop().await;
}

/// The negative control of the test above: on the same plane and fault, a client that resends
/// blind stores the message twice. The fault is real; only reconciliation avoids the duplicate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resending_blind_after_a_lost_answer_doubles_the_message() {
    let plane = Plane::start(IGNORE_MESSAGE_KEYS).await;
    let proxy = FaultProxy::start(plane.addr).await;
    let http = reqwest::Client::new();
    let auth = format!("Bearer {PLANE_TOKEN}");
    let id = plane.create_session().await;
    proxy.set_plan(FaultPlan::script(vec![Fault::LoseResponse]).only("POST", "/api/v1/voice/messages"));
    let body = serde_json::json!({"session_id": id, "role": "user", "content": "hello"});
    for _ in 0..2 {
        let _ = http
            .post(format!("{}/api/v1/voice/messages", proxy.url()))
            .header("authorization", &auth)
            .header("idempotency-key", "same-key-every-time")
            .json(&body)
            .send()
            .await;
    }
    let n: i64 = plane
        .db()
        .query_row("SELECT count(*) FROM messages WHERE conversation_id = ?1", [&id], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 2, "a blind resend doubles the message on a plane that ignores the key");
    plane.stop().await;
}

/// A caller that gives up while a message is on the wire (its future dropped: a conversation
/// start that was cancelled, a drain cut short) cannot know whether the plane applied it. The
/// same sync then reads the plane's copy before sending that conversation anything more.
/// Without that, the message goes again and the plane, which ignores Idempotency-Key here,
/// stores it twice (`resending_blind_after_a_lost_answer_doubles_the_message`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_dropped_mid_request_is_reconciled_not_resent() {
    let plane = Plane::start(IGNORE_MESSAGE_KEYS).await;
    let proxy = FaultProxy::start(plane.addr).await;
    let local = local_dir();
    write_history(&open_local(local.path()), 1, 4);
    // The second message reaches the plane only after its sender has given up on it.
    let late = Duration::from_millis(1500);
    proxy.set_plan(
        FaultPlan::script(vec![Fault::Pass, Fault::Delay(late)]).only("POST", "/api/v1/voice/messages"),
    );
    let config = SyncConfig {
        url: proxy.url(),
        user_id: "local".into(),
        budget: Budget { per_10_minutes: 100, per_day: 100 },
    };
    let store = Arc::new(Store::open_in(local.path()).unwrap());
    let sync = Sync::new(store, &config, Arc::new(FixedToken(Secret::new(PLANE_TOKEN))), Clock::System);

    let cut = tokio::time::timeout(Duration::from_millis(700), sync.drain(None, &mut |_| {})).await;
    assert!(cut.is_err(), "the drain ended before the delayed message: {cut:?}");
    let answered =
        || proxy.log().iter().filter(|e| e.method == "POST" && e.upstream_status.is_some()).count();
    wait_for("the delayed message reaching the plane", Duration::from_secs(10), || answered() >= 3).await;

    let end = sync.drain(Some(Instant::now() + Duration::from_secs(30)), &mut |_| {}).await.unwrap();
    assert_eq!(end, DrainEnd::Done);
    assert_plane_holds_exactly(local.path(), &plane);
    plane.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_and_kill_9_lose_nothing_and_double_nothing() {
    let plane = Plane::start(IGNORE_MESSAGE_KEYS).await;
    let proxy = FaultProxy::start(plane.addr).await;
    let local = local_dir();
    let service = open_local(local.path());
    write_history(&service, 6, 10);
    let mix = Mix {
        reset_before: 8,
        lose_response: 8,
        status_500: 4,
        status_503: 4,
        status_429: 2,
        status_after_forward: 6,
        delay: 4,
        pass: 64,
        delay_for: Duration::from_millis(150),
    };
    for round in 0..5u64 {
        proxy.set_plan(FaultPlan::random(0x5eed + round, mix));
        let mut child = sync_command(local.path(), &proxy.url(), PLANE_TOKEN, &[]).spawn().unwrap();
        // Killed at a different moment each round: mid-request, mid-write, mid-backoff.
        tokio::time::sleep(Duration::from_millis(150 + 170 * round)).await;
        child.start_kill().unwrap();
        let _ = child.wait().await;
        // More words arrive between runs, as they do on a real machine.
        write_history(&service, 1, 3);
    }
    proxy.set_plan(FaultPlan::random(0xfeed, mix));
    let run = sync(local.path(), &proxy.url(), PLANE_TOKEN, &["--max-seconds", "200"]).await;
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(proxy.log().len() > 50, "the faults had traffic to act on");
    assert_plane_holds_exactly(local.path(), &plane);
    plane.stop().await;
}

/// The plane's own switch that makes it ignore `Idempotency-Key` on messages, as a plane that
/// does not implement the header would.
const IGNORE_MESSAGE_KEYS: &[&str] = &["--ignore-idempotency-key", "messages"];

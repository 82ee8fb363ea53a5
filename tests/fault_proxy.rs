//! The fault proxy itself, against a tiny plane that counts what reaches it: each fault does
//! to the client and to the plane exactly what it claims, keep-alive holds on both sides, a
//! seed replays, an outage refuses then heals, and bad traffic is refused without harm.

mod support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use support::fault_proxy::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const MESSAGES: &str = "/api/v1/voice/messages";

/// A stand-in plane: `POST /api/v1/voice/messages` commits and answers 201 `{"id": n}`;
/// `GET /api/v1/health` answers 200; `GET /stream` answers a chunked body.
struct Plane {
    addr: SocketAddr,
    commits: Arc<AtomicUsize>,
}

impl Plane {
    async fn start() -> Plane {
        let commits = Arc::new(AtomicUsize::new(0));
        let c = commits.clone();
        let app = Router::new()
            .route(
                MESSAGES,
                post(move |Json(_): Json<Value>| {
                    let id = c.fetch_add(1, Ordering::SeqCst) + 1;
                    async move { (StatusCode::CREATED, Json(json!({ "id": id }))) }
                }),
            )
            .route("/api/v1/health", get(|| async { Json(json!({"ok": true})) }))
            .route(
                "/stream",
                get(|| async {
                    let parts =
                        ["one,", "two,", "three"].map(|s| Ok::<_, std::io::Error>(bytes::Bytes::from(s)));
                    Body::from_stream(futures_util::stream::iter(parts))
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Plane { addr, commits }
    }

    fn commits(&self) -> usize {
        self.commits.load(Ordering::SeqCst)
    }
}

async fn setup(plan: FaultPlan) -> (Plane, FaultProxy, reqwest::Client) {
    let plane = Plane::start().await;
    let proxy = FaultProxy::start(plane.addr).await;
    proxy.set_plan(plan);
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    (plane, proxy, client)
}

async fn send(client: &reqwest::Client, base: &str) -> reqwest::Result<reqwest::Response> {
    client.post(format!("{base}{MESSAGES}")).json(&json!({"text": "hi"})).send().await
}

#[tokio::test]
async fn pass_relays_many_requests_over_one_kept_alive_connection() {
    let (plane, proxy, client) = setup(FaultPlan::pass()).await;
    for n in 1..=5 {
        let response = send(&client, &proxy.url()).await.unwrap();
        assert_eq!(response.status(), 201);
        assert_eq!(response.json::<Value>().await.unwrap(), json!({ "id": n }));
    }
    assert_eq!(plane.commits(), 5);
    assert_eq!((proxy.connections(), proxy.upstream_connections()), (1, 1), "{:?}", proxy.problems());
    assert!(proxy.log().iter().all(|e| e.fault == Fault::Pass && e.upstream_status == Some(201)));
    assert_eq!(proxy.count(FaultKind::Pass), 5);
}

#[tokio::test]
async fn chunked_answers_are_relayed_whole() {
    let (_plane, proxy, client) = setup(FaultPlan::pass()).await;
    let text = client.get(format!("{}/stream", proxy.url())).send().await.unwrap().text().await.unwrap();
    assert_eq!(text, "one,two,three");
    assert_eq!(send(&client, &proxy.url()).await.unwrap().status(), 201);
    assert_eq!(proxy.connections(), 1, "the chunked answer kept the connection");
}

#[tokio::test]
async fn reset_before_never_reaches_the_plane() {
    let (plane, proxy, client) = setup(FaultPlan::script(vec![Fault::ResetBefore])).await;
    assert!(send(&client, &proxy.url()).await.is_err());
    assert_eq!(plane.commits(), 0);
    assert_eq!(send(&client, &proxy.url()).await.unwrap().status(), 201, "the next request passes");
    assert_eq!(plane.commits(), 1);
    let log = proxy.log();
    assert_eq!((log[0].fault.clone(), log[0].upstream_status), (Fault::ResetBefore, None));
}

#[tokio::test]
async fn lose_response_commits_then_resets() {
    let (plane, proxy, client) = setup(FaultPlan::script(vec![Fault::LoseResponse])).await;
    assert!(send(&client, &proxy.url()).await.is_err());
    assert_eq!(plane.commits(), 1, "the plane committed although the client heard nothing");
    assert_eq!(proxy.log()[0].upstream_status, Some(201));
    assert_eq!(proxy.forwarded(), 1);
}

#[tokio::test]
async fn status_429_carries_retry_after_without_forwarding() {
    let plan = FaultPlan::script(vec![Fault::Status { code: 429, retry_after: Some(1) }]);
    let (plane, proxy, client) = setup(plan).await;
    let response = send(&client, &proxy.url()).await.unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "1");
    assert_eq!(response.json::<Value>().await.unwrap(), json!({"detail": "injected"}));
    assert_eq!(plane.commits(), 0);
    assert_eq!(send(&client, &proxy.url()).await.unwrap().status(), 201);
    assert_eq!(proxy.connections(), 1, "an injected status keeps the connection");
}

#[tokio::test]
async fn status_after_forward_answers_500_after_the_plane_committed() {
    let (plane, proxy, client) =
        setup(FaultPlan::script(vec![Fault::StatusAfterForward { code: 500 }])).await;
    let response = send(&client, &proxy.url()).await.unwrap();
    assert_eq!(response.status(), 500);
    assert_eq!(plane.commits(), 1);
    assert_eq!(proxy.log()[0].upstream_status, Some(201));
}

#[tokio::test]
async fn delay_holds_then_forwards() {
    let (plane, proxy, client) =
        setup(FaultPlan::script(vec![Fault::Delay(Duration::from_millis(300))])).await;
    let started = Instant::now();
    assert_eq!(send(&client, &proxy.url()).await.unwrap().status(), 201);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(plane.commits(), 1);
}

#[tokio::test]
async fn garbage_is_answered_literally_without_forwarding() {
    let plan = FaultPlan::script(vec![
        Fault::garbage(200, "text/html", "<html>Sign in to the Wi-Fi</html>"),
        Fault::garbage(200, "application/json", "{not json"),
    ]);
    let (plane, proxy, client) = setup(plan).await;
    let html = send(&client, &proxy.url()).await.unwrap();
    assert_eq!(
        (html.status().as_u16(), html.headers()["content-type"].to_str().unwrap()),
        (200, "text/html")
    );
    assert_eq!(html.text().await.unwrap(), "<html>Sign in to the Wi-Fi</html>");
    assert!(send(&client, &proxy.url()).await.unwrap().json::<Value>().await.is_err());
    assert_eq!(plane.commits(), 0);
    assert_eq!(proxy.count(FaultKind::Garbage), 2);
}

#[tokio::test]
async fn garbage_server_answers_everything_the_same_and_unreachable_refuses() {
    let garbage = GarbageServer::start(200, "text/html", "<html>portal</html>").await;
    let client = reqwest::Client::new();
    for path in ["/api/v1/health", MESSAGES] {
        let response = client.get(format!("{}{path}", garbage.url())).send().await.unwrap();
        assert_eq!(response.text().await.unwrap(), "<html>portal</html>");
    }
    assert_eq!(garbage.hits(), 2);
    let error = client.get(unreachable_url()).send().await.unwrap_err();
    assert!(error.is_connect(), "{error:?}");
}

#[tokio::test]
async fn a_seeded_random_plan_replays_exactly() {
    let mix = Mix {
        reset_before: 1,
        lose_response: 1,
        status_500: 1,
        status_503: 1,
        status_429: 1,
        status_after_forward: 1,
        delay: 1,
        pass: 2,
        delay_for: Duration::from_millis(5),
    };
    let mut runs = Vec::new();
    for _ in 0..2 {
        let (plane, proxy, client) = setup(FaultPlan::random(42, mix)).await;
        for _ in 0..30 {
            let _ = send(&client, &proxy.url()).await;
        }
        let faults = proxy.faults();
        assert_eq!(plane.commits(), faults.iter().filter(|f| f.forwards()).count());
        assert_eq!(plane.commits(), proxy.forwarded());
        runs.push(faults);
    }
    assert_eq!(runs[0], runs[1]);
    assert_eq!(runs[0], FaultPlan::random(42, mix).preview(30));
    assert_ne!(runs[0], FaultPlan::random(43, mix).preview(30), "another seed, other faults");
    assert!(runs[0].iter().map(Fault::kind).collect::<std::collections::BTreeSet<_>>().len() >= 5);
}

#[tokio::test]
async fn a_filtered_plan_faults_only_matching_requests() {
    let plan = FaultPlan::script(vec![Fault::ResetBefore, Fault::ResetBefore]).only("POST", MESSAGES);
    let (plane, proxy, client) = setup(plan).await;
    let health = client.get(format!("{}/api/v1/health", proxy.url())).send().await.unwrap();
    assert_eq!(health.status(), 200, "not matched: passes without using the script");
    assert!(send(&client, &proxy.url()).await.is_err());
    assert!(send(&client, &proxy.url()).await.is_err());
    assert_eq!(send(&client, &proxy.url()).await.unwrap().status(), 201);
    assert_eq!(plane.commits(), 1);
}

#[tokio::test]
async fn an_outage_resets_live_connections_refuses_new_ones_then_heals() {
    let (plane, proxy, client) =
        setup(FaultPlan::script(vec![Fault::Pass, Fault::Delay(Duration::from_millis(500))])).await;
    assert_eq!(send(&client, &proxy.url()).await.unwrap().status(), 201);
    // A request held by a delay is cut when the link goes down, before it reaches the plane.
    let held = tokio::spawn({
        let (client, url) = (client.clone(), proxy.url());
        async move { send(&client, &url).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    proxy.set_down(true);
    assert!(held.await.unwrap().is_err());
    assert!(send(&client, &proxy.url()).await.is_err());
    assert!(proxy.refused() >= 1);
    assert_eq!(plane.commits(), 1);
    proxy.set_down(false);
    assert_eq!(send(&client, &proxy.url()).await.unwrap().status(), 201);
    assert_eq!(plane.commits(), 2);
}

#[tokio::test]
async fn an_unreachable_plane_is_answered_502() {
    let addr = unreachable_url().trim_start_matches("http://").parse().unwrap();
    let proxy = FaultProxy::start(addr).await;
    let response = send(&reqwest::Client::new(), &proxy.url()).await.unwrap();
    assert_eq!(response.status(), 502);
    let entry = &proxy.log()[0];
    assert!(entry.upstream_status.is_none() && entry.error.is_some(), "{entry:?}");
}

async fn raw_exchange(addr: SocketAddr, request: &[u8]) -> String {
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    tcp.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut answer)).await.unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn bad_traffic_is_refused_without_harm() {
    let (plane, proxy, client) = setup(FaultPlan::pass()).await;
    assert_eq!(raw_exchange(proxy.addr(), b"garbage\r\n\r\n").await, "", "closed without an answer");
    let chunked = b"POST /x HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
    assert!(raw_exchange(proxy.addr(), chunked).await.starts_with("HTTP/1.1 501 "));
    assert_eq!(raw_exchange(proxy.addr(), b"GET / HTTP/1.1\r\ncontent-length: x\r\n\r\n").await, "");
    assert_eq!(plane.commits(), 0);
    assert_eq!(proxy.problems().len(), 3, "{:?}", proxy.problems());
    assert_eq!(send(&client, &proxy.url()).await.unwrap().status(), 201, "the proxy still works");
}

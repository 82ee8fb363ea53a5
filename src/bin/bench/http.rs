//! The REST API under load: 32 concurrent clients saving messages into their own sessions over
//! real sockets on 127.0.0.1. Twice: as fast as the server answers (closed loop: throughput),
//! then each client sending on a fixed schedule, 15,000 requests/s in all (open loop: latency at
//! that rate; a request sent late because the previous answer was slow is timed from its
//! scheduled moment, so the delay counts against it too).
//!
//! Closed-loop latency cannot be read as a goal on its own: 32 clients each waiting for its
//! answer keep 32 requests in flight, so the mean latency is 32 / throughput (Little's law).

use super::stats::percentiles;
use super::thread_cpu;
use companion::backend::{http, Service, ServiceParts};
use companion::config::catalog::Catalog;
use companion::config::secret::Secret;
use companion::config::Settings;
use companion::store::{conversations, users, Store};
use companion::time::Clock;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLIENTS: usize = 32;
const PER_CLIENT: usize = 1_000;
/// The open-loop rate, all clients together: the goal's 15,000 requests/s, or
/// `COMPANION_BENCH_HTTP_RATE` (to compare builds on a machine too slow to serve that rate).
fn rate() -> f64 {
    std::env::var("COMPANION_BENCH_HTTP_RATE").ok().and_then(|r| r.parse().ok()).unwrap_or(15_000.0)
}

pub fn run() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Arc::new(Store::open_in(dir.path())?);
    let clock = Clock::System;
    // Sessions are created directly: minting needs Deepgram, which is not what is measured here.
    store.write(|tx| {
        users::ensure_user(tx, "u", "", "UTC", clock.now())?;
        for i in 0..CLIENTS {
            conversations::insert_conversation(tx, &format!("s{i}"), "u", clock.now())?;
        }
        Ok::<_, companion::store::StoreError>(())
    })?;
    let service = Service::new(ServiceParts {
        store,
        settings: Settings::default(),
        catalog: Catalog::builtin(),
        prompt_template: String::new(),
        key: Arc::new(|| None),
        clock,
    });
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let token = Secret::new("bench").ok_or_else(|| anyhow::anyhow!("empty token"))?;
        tokio::spawn(http::serve(listener, service, token, std::future::pending()));
        let client = reqwest::Client::new();

        let (times, secs) = load(&client, &base, None).await?;
        let n = times.len();
        let (p50, p99) = percentiles(times);
        println!(
            "http: POST /api/v1/voice/messages, {CLIENTS} concurrent clients as fast as answered: {:.0} req/s, p50 {p50:.2} ms, p99 {p99:.2} ms (goal >= 15000 req/s)",
            n as f64 / secs
        );
        let rate = rate();
        let period = Duration::from_secs_f64(CLIENTS as f64 / rate);
        let cpu = thread_cpu::by_name();
        let (times, secs) = load(&client, &base, Some(period)).await?;
        let spent = thread_cpu::spent(&cpu, &thread_cpu::by_name());
        let n = times.len();
        let (p50, p99) = percentiles(times);
        println!(
            "http: POST /api/v1/voice/messages, {CLIENTS} clients sending {rate:.0} req/s in all on a schedule: {:.0} req/s done, p50 {p50:.2} ms, p99 {p99:.2} ms (goal p99 <= 2 ms)",
            n as f64 / secs
        );
        println!("http: CPU of that run by thread ({secs:.1} s; the clients share the server's runtime): {spent}");
        Ok::<_, anyhow::Error>(())
    })?;
    // The log file never shrinks, so its size is the most it held over both runs: it stays
    // small only if the checkpoint rounds keep starting it over.
    let log = std::fs::metadata(dir.path().join("companion.db-wal"))?.len();
    println!(
        "http: the write-ahead log peaked at {:.1} MB (the writer starts it over past 32 MB, and checkpoints by itself past 80 MB)",
        log as f64 / 1e6
    );
    Ok(())
}

/// Every client's latencies and the wall time. With a `period`, client `i` sends its k-th
/// request at `start + i * period / CLIENTS + k * period` (or as soon as its previous answer
/// came, if later), and the latency counts from that scheduled moment when it is late.
async fn load(
    client: &reqwest::Client,
    base: &str,
    period: Option<Duration>,
) -> anyhow::Result<(Vec<Duration>, f64)> {
    let start = Instant::now() + Duration::from_millis(20);
    let mut tasks = Vec::new();
    for i in 0..CLIENTS {
        let (client, url) = (client.clone(), format!("{base}/api/v1/voice/messages"));
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(PER_CLIENT);
            for m in 0..PER_CLIENT {
                let body = serde_json::json!({"session_id": format!("s{i}"), "role": "user", "content": format!("message {m} of client {i}")});
                let due = period.map(|p| start + p.mul_f64(i as f64 / CLIENTS as f64) + p * m as u32);
                let t = match due {
                    // Late (the previous answer came after this one was due): the wait counts.
                    Some(due) if Instant::now() >= due => due,
                    // Early: sent when the timer fires (its millisecond ticks are not the server's).
                    Some(due) => {
                        tokio::time::sleep_until(due.into()).await;
                        Instant::now()
                    }
                    None => Instant::now(),
                };
                let r = client.post(&url).bearer_auth("bench").json(&body).send().await?;
                anyhow::ensure!(r.status().is_success(), "HTTP {}", r.status());
                r.bytes().await?;
                times.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(times)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    Ok((all, start.elapsed().as_secs_f64()))
}

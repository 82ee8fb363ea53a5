//! The REST API under load: 32 concurrent clients saving messages into their own sessions over
//! real sockets on 127.0.0.1.

use super::stats::percentiles;
use companion::backend::{http, Service, ServiceParts};
use companion::config::catalog::Catalog;
use companion::config::secret::Secret;
use companion::config::Settings;
use companion::store::{conversations, users, Store};
use companion::time::Clock;
use std::sync::Arc;
use std::time::Instant;

const CLIENTS: usize = 32;
const PER_CLIENT: usize = 200;

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
        tokio::spawn(http::serve(listener, service, Secret::new("bench").unwrap_or_else(|| unreachable!()), std::future::pending()));
        let client = reqwest::Client::new();
        let mut tasks = Vec::new();
        let wall = Instant::now();
        for i in 0..CLIENTS {
            let (client, base) = (client.clone(), base.clone());
            tasks.push(tokio::spawn(async move {
                let mut times = Vec::with_capacity(PER_CLIENT);
                for m in 0..PER_CLIENT {
                    let body = serde_json::json!({"session_id": format!("s{i}"), "role": "user", "content": format!("message {m} of client {i}")});
                    let t = Instant::now();
                    let r = client.post(format!("{base}/api/v1/voice/messages")).bearer_auth("bench").json(&body).send().await?;
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
        let secs = wall.elapsed().as_secs_f64();
        let n = all.len();
        let (p50, p99) = percentiles(all);
        println!("http: POST /api/v1/voice/messages, {CLIENTS} concurrent clients: {:.0} req/s, p50 {p50:.2} ms, p99 {p99:.2} ms", n as f64 / secs);
        Ok::<_, anyhow::Error>(())
    })
}

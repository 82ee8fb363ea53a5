//! `companion-bench sync`: delivery to a hosted plane (issue F). A plane served in this process
//! (see `sync_plane`) receives, through `companion::sync` over real sockets on 127.0.0.1:
//! a backlog of 200 closed conversations of 500 messages (messages/s of `Sync::drain`, then a
//! count on the plane), the idle background worker's CPU, and 1,000 messages written one by one
//! at 50/s into an open conversation (local commit → committed on the plane, p50/p95/p99/max).

use super::corpus::{Rng, Vocabulary};
use super::stats::quantile_ms;
use super::sync_plane::{Plane, TOKEN};
use companion::backend::schemas::SaveMessageRequest;
use companion::backend::Service;
use companion::config::secret::Secret;
use companion::launch::{open_dir, Role};
use companion::store::conversations::{self, ConversationStatus};
use companion::store::{messages, outbox, users, Store, StoreError};
use companion::sync::{Budget, DrainEnd, FixedToken, Sync, SyncConfig};
use companion::time::Clock;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Conversations in the backlog (`COMPANION_BENCH_SYNC_SESSIONS` for a shorter run).
fn sessions() -> usize {
    std::env::var("COMPANION_BENCH_SYNC_SESSIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(200)
}
const PER_SESSION: usize = 500;
/// Conversations per local transaction while the backlog is written.
const PER_TX: usize = 20;
const USER: &str = "local";
const IDLE: Duration = Duration::from_secs(10);
const LIVE: usize = 1_000;
const LIVE_PERIOD: Duration = Duration::from_millis(20);

pub fn run() -> anyhow::Result<()> {
    println!("{}", machine());
    // The plane on its own runtime, as a separate server would be; the client as `companion
    // sync` runs it (one thread: the drain and its connection on this thread).
    let plane_rt = tokio::runtime::Builder::new_multi_thread().thread_name("plane").enable_all().build()?;
    let client_rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let plane = Plane::start(&plane_rt)?;

    let dir = tempfile::tempdir()?;
    let no_key: companion::backend::token::KeySource = Arc::new(|| None);
    let local = open_dir(dir.path(), no_key, Role::Reader)?.service;
    let store = local.shared_store();
    let sessions = sessions();
    let t = Instant::now();
    write_backlog(&store, sessions)?;
    let items = store.read(outbox::pending)?.items;
    println!(
        "sync: wrote the backlog ({sessions} closed conversations x {PER_SESSION} messages, {items} outbox items) in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // The client's budget raised like the plane's limits (the contract's 5 per 10 minutes would
    // hold 200 conversations back for hours); set here, so COMPANION_SYNC_URL cannot redirect it.
    let budget = Budget { per_10_minutes: 10_000, per_day: 10_000 };
    let config = SyncConfig { url: plane.url.clone(), user_id: USER.into(), budget };
    let token = Arc::new(FixedToken(Secret::new(TOKEN)));
    let sync = Sync::new(store.clone(), &config, token, Clock::System);

    backlog(&client_rt, &sync, &plane, sessions, items)?;
    // The background worker runs beside the app's own work, as `serve` and the desktop run it;
    // with its own client (a connection belongs to the runtime that opened it).
    drop(sync);
    let sync = Sync::new(store.clone(), &config, Arc::new(FixedToken(Secret::new(TOKEN))), Clock::System);
    let worker_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("worker")
        .enable_all()
        .build()?;
    let worker = sync.spawn(worker_rt.handle());
    idle_cpu();
    live(&local, &store, &plane)?;
    sync.stop();
    worker_rt.block_on(worker)?;
    Ok(())
}

fn backlog(
    rt: &tokio::runtime::Runtime,
    sync: &Sync,
    plane: &Plane,
    sessions: usize,
    items: i64,
) -> anyhow::Result<()> {
    let t = Instant::now();
    let (cpu, handling) = (cpu_seconds(), plane.arrivals.handling_ns.load(Ordering::Relaxed));
    let end = rt.block_on(sync.drain(None, &mut |_| {}))?;
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;
    let handling = (plane.arrivals.handling_ns.load(Ordering::Relaxed) - handling) as f64 / 1e9;
    anyhow::ensure!(end == DrainEnd::Done, "the backlog did not drain: {end:?}");
    let held = plane.holds()?;
    let want = (sessions * PER_SESSION) as i64;
    anyhow::ensure!(
        held.messages == want && held.closed == sessions as i64 && held.fewest == held.most,
        "the plane holds {} messages in {} closed sessions ({} to {} each); {want} in {sessions} were sent",
        held.messages,
        held.closed,
        held.fewest,
        held.most
    );
    println!(
        "sync: backlog of {want} messages in {sessions} sessions delivered in {secs:.1} s: {:.0} messages/s, {:.0} items/s, {:.3} ms per item (goal >= 2000 messages/s); the plane holds all {want}, {PER_SESSION} in each session",
        want as f64 / secs,
        items as f64 / secs,
        secs * 1000.0 / items as f64
    );
    println!(
        "sync: of that, the plane handling POST /messages (its idempotency record, its commit): {:.3} ms per message, {:.0} % of the time",
        handling * 1000.0 / want as f64,
        handling / secs * 100.0
    );
    println!(
        "sync: CPU while draining (client and plane, this process): {:.3} ms per item, {:.0} % of one core",
        cpu * 1000.0 / items as f64,
        cpu / secs * 100.0
    );
    Ok(())
}

/// The background worker with nothing owed: CPU of this whole process (the idle plane too).
fn idle_cpu() {
    std::thread::sleep(Duration::from_millis(500));
    let (cpu, wall) = (cpu_seconds(), Instant::now());
    std::thread::sleep(IDLE);
    let share = (cpu_seconds() - cpu) / wall.elapsed().as_secs_f64();
    println!(
        "sync: idle worker over {} s, nothing owed: process CPU {:.3} % of one core",
        IDLE.as_secs(),
        share * 100.0
    );
}

/// One message per local transaction at 50/s into an open conversation, each timed from its
/// local commit to its commit on the plane.
fn live(local: &Service, store: &Store, plane: &Plane) -> anyhow::Result<()> {
    let (conv, _) = local.open_conversation(USER, None)?;
    // The plane's session is created first (the worker sees the new conversation at once).
    wait_until(Duration::from_secs(10), || Ok(store.read(outbox::pending)?.items == 0))?;
    plane.arrivals.on.store(true, Ordering::Relaxed);
    let (vocab, mut rng) = (Vocabulary::new(), Rng::new(5));
    let mut committed = Vec::with_capacity(LIVE);
    let start = Instant::now();
    for i in 0..LIVE {
        let due = start + LIVE_PERIOD * i as u32;
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        let role = if i % 2 == 0 { "user" } else { "assistant" };
        let content = format!("live {i}: {}", vocab.sentence(&mut rng));
        let req = SaveMessageRequest { session_id: conv.clone(), role: role.into(), content };
        local.save_message(&req, None)?;
        committed.push((req.content, Instant::now()));
    }
    let arrived = || plane.arrivals.at.lock().unwrap_or_else(|p| p.into_inner()).len();
    wait_until(Duration::from_secs(30), || Ok(arrived() >= LIVE))?;
    let at = plane.arrivals.at.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let mut delays: Vec<Duration> = committed
        .iter()
        .filter_map(|(content, t)| at.get(content).map(|a| a.saturating_duration_since(*t)))
        .collect();
    anyhow::ensure!(delays.len() == LIVE, "{} of {LIVE} live messages reached the plane", delays.len());
    delays.sort();
    println!(
        "sync: live delivery of {LIVE} messages written at {:.0}/s (local commit -> committed on the plane): p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms (goal p99 <= 200 ms)",
        1.0 / LIVE_PERIOD.as_secs_f64(),
        quantile_ms(&delays, 0.50),
        quantile_ms(&delays, 0.95),
        quantile_ms(&delays, 0.99),
        quantile_ms(&delays, 1.0)
    );
    local.close_session(&conv)?;
    wait_until(Duration::from_secs(10), || Ok(store.read(outbox::pending)?.items == 0))?;
    Ok(())
}

/// Backlog written fast: a few large transactions through the store's own functions; the
/// outbox triggers fill the outbox as they do for every local write.
fn write_backlog(store: &Store, sessions: usize) -> anyhow::Result<()> {
    let clock = Clock::System;
    let start = clock.now() - chrono::Duration::days(30);
    let (vocab, mut rng) = (Vocabulary::new(), Rng::new(11));
    store.write(|tx| users::ensure_user(tx, USER, "", "UTC", start).map(|_| ()))?;
    for first in (0..sessions).step_by(PER_TX) {
        store.write(|tx| {
            for c in first..(first + PER_TX).min(sessions) {
                let cid = format!("backlog-{c:03}");
                let began = start + chrono::Duration::hours(c as i64);
                conversations::insert_conversation(tx, &cid, USER, began)?;
                for m in 0..PER_SESSION {
                    let role = if m % 2 == 0 { "user" } else { "assistant" };
                    let at = began + chrono::Duration::seconds(m as i64);
                    messages::append_message(
                        tx,
                        &format!("{cid}-{m}"),
                        &cid,
                        role,
                        &vocab.sentence(&mut rng),
                        at,
                    )?;
                }
                let ended = began + chrono::Duration::seconds(PER_SESSION as i64);
                conversations::end_conversation(tx, &cid, ConversationStatus::Closed, None, ended)?;
            }
            Ok::<_, StoreError>(())
        })?;
    }
    Ok(())
}

fn wait_until(max: Duration, mut done: impl FnMut() -> anyhow::Result<bool>) -> anyhow::Result<()> {
    let until = Instant::now() + max;
    while !done()? {
        anyhow::ensure!(Instant::now() < until, "the sync did not finish within {} s", max.as_secs());
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(())
}

/// (user + system) CPU seconds of this process, all threads.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct we hand it.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
        return f64::NAN;
    }
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    t(u.ru_utime) + t(u.ru_stime)
}

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name")).map(|l| l.to_string()))
        .and_then(|l| l.split_once(':').map(|(_, m)| m.trim().to_string()))
        .unwrap_or_else(|| "CPU model unknown".into());
    // Other work on the machine takes turns with the single delivery chain: its load is part of
    // the figures.
    let load =
        std::fs::read_to_string("/proc/loadavg").ok().and_then(|s| s.split(' ').next().map(str::to_string));
    format!(
        "sync: machine: {cores} cores ({cpu}), load average {} at start; plane and client in this process on 127.0.0.1, databases under {}",
        load.as_deref().unwrap_or("unknown"),
        std::env::temp_dir().display()
    )
}

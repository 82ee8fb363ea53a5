//! Drives the engine: steps while there is progress, waits for a local write (or a nudge, or a
//! watchdog tick, so a stalled queue restarts by itself) when there is none, and backs off with
//! jitter after a failure — forever, honouring the plane's Retry-After. Every outcome lands in
//! the store's sync state so the status tells the truth to any process.

use super::backoff::Backoff;
use super::client::{PlaneClient, TokenSource};
use super::engine::{Engine, Step};
use super::failures::{self, is_fatal, Flags};
use super::remaining::Remaining;
use super::status::{self, SyncStatus};
use super::{SyncConfig, SyncError};
use crate::backend::schemas::SessionCreated;
use crate::store::{outbox, Store};
use crate::time::Clock;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Mutex, Notify};

/// Even with no local write, the worker looks again this often (writes of other processes,
/// a Retry-After that ran out, a plane that came back).
const WATCHDOG: Duration = Duration::from_secs(2);

/// The sync of one data dir in this process. Cheap to clone.
#[derive(Clone)]
pub struct Sync {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<Store>,
    engine: Mutex<Engine>,
    clock: Clock,
    kick: Notify,
    stop: watch::Sender<bool>,
    changed: watch::Sender<u64>,
}

/// How a bounded run (`companion sync`) ended.
#[derive(Debug, Clone, PartialEq)]
pub enum DrainEnd {
    /// Nothing is owed.
    Done,
    /// Items remain that wait for the user (quarantined, lost sessions): `n` of them.
    Blocked(i64),
    /// The deadline passed with `n` items left; the last error if there was one.
    TimedOut(i64, Option<String>),
}

/// Delivered and owed items, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub delivered: u64,
    pub pending: i64,
}

impl Sync {
    pub fn new(store: Arc<Store>, config: &SyncConfig, token: Arc<dyn TokenSource>, clock: Clock) -> Self {
        let client = PlaneClient::new(&config.url, token);
        let engine = Engine::new(store.clone(), client, config.user_id.clone(), config.budget, clock.clone());
        Sync {
            inner: Arc::new(Inner {
                store,
                engine: Mutex::new(engine),
                clock,
                kick: Notify::new(),
                stop: watch::channel(false).0,
                changed: watch::channel(0).0,
            }),
        }
    }

    /// Try now: "Sync now", a new token, a network that came back. Cuts a backoff short.
    pub fn kick(&self) {
        self.inner.kick.notify_one();
    }

    pub fn stop(&self) {
        self.inner.stop.send_replace(true);
        self.inner.kick.notify_one();
    }

    /// Bumped after every step that changed something (for a status display).
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.inner.changed.subscribe()
    }

    pub fn status(&self, configured: bool, enabled: bool) -> Result<SyncStatus, SyncError> {
        Ok(status::read(&self.inner.store, configured, enabled, self.inner.clock.now())?)
    }

    /// Delivers in the background until `stop`.
    pub fn spawn(&self, rt: &tokio::runtime::Handle) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        rt.spawn(async move {
            this.run(None, &mut |_| {}).await;
        })
    }

    /// Delivers until nothing is owed, what is left waits for the user, or `deadline`.
    /// A refused token ends it at once (retrying cannot help).
    pub async fn drain(
        &self,
        deadline: Option<Instant>,
        progress: &mut (dyn FnMut(Progress) + Send),
    ) -> Result<DrainEnd, SyncError> {
        match self.run(Some(deadline), progress).await {
            RunEnd::Drain(end) => Ok(end),
            RunEnd::Fatal(e) => Err(e),
            RunEnd::Stopped => Ok(DrainEnd::TimedOut(self.pending()?, None)),
        }
    }

    /// Creates the plane's session for a conversation starting here (hosted mode). A live
    /// conversation goes before the backlog: the session the worker holds open for history is
    /// finished first (the plane allows one open session per user).
    pub async fn start_live(&self, key: &str) -> Result<SessionCreated, SyncError> {
        let mut engine = self.inner.engine.lock().await;
        let give_up = Instant::now() + Duration::from_secs(10);
        while engine.active()?.is_some() && Instant::now() < give_up {
            if engine.step().await? == Step::Idle {
                break;
            }
        }
        engine.create_live(key).await
    }

    fn pending(&self) -> Result<i64, SyncError> {
        Ok(self.inner.store.read(outbox::pending)?.items)
    }

    async fn run(
        &self,
        drain: Option<Option<Instant>>,
        progress: &mut (dyn FnMut(Progress) + Send),
    ) -> RunEnd {
        let end = self.steps(drain, progress).await;
        // Nothing is left being written behind the caller's back (a sync started next in this
        // process reads the store as it is).
        if let Err(e) = self.inner.engine.lock().await.settle().await {
            tracing::warn!("sync: {e}");
        }
        end
    }

    async fn steps(
        &self,
        drain: Option<Option<Instant>>,
        progress: &mut (dyn FnMut(Progress) + Send),
    ) -> RunEnd {
        let mut stop = self.inner.stop.subscribe();
        let mut writes = self.inner.store.subscribe();
        let mut backoff = Backoff::new();
        let mut flags = Flags::default();
        let mut delivered = 0u64;
        let mut last_error = None;
        let mut remaining = Remaining::default();
        // Whether a drain must read where delivery stands (that reads the whole outbox). Not
        // after a step that made progress: a drain can only end once a step finds nothing to do
        // (all delivered, or what is left waits for the user) or fails, or at its deadline.
        let mut check = true;
        loop {
            if *stop.borrow() {
                return RunEnd::Stopped;
            }
            if let Some(deadline) = drain {
                if check || deadline.is_some_and(|d| Instant::now() >= d) {
                    // What is counted as owed excludes the last delivered message.
                    if let Err(e) = self.inner.engine.lock().await.settle().await {
                        last_error = Some(e.to_string());
                    }
                    match self.drain_check(deadline, last_error.clone()) {
                        Ok(Some(end)) => return RunEnd::Drain(end),
                        Ok(None) => {}
                        Err(e) => return RunEnd::Fatal(e),
                    }
                }
            }
            let outcome = { self.inner.engine.lock().await.step().await };
            let idle = matches!(outcome, Ok(Step::Idle));
            check = !matches!(outcome, Ok(Step::Progress));
            let wait = match outcome {
                Ok(Step::Progress) => {
                    delivered += 1;
                    backoff.reset();
                    flags.clear(&self.inner.store);
                    self.inner.changed.send_modify(|n| *n += 1);
                    if drain.is_some() {
                        let pending = remaining.estimate(&self.inner.store, delivered);
                        progress(Progress { delivered, pending });
                    }
                    continue;
                }
                Ok(Step::Idle) => {
                    backoff.reset();
                    WATCHDOG
                }
                Err(e) => {
                    let wait = failures::failed(
                        &self.inner.store,
                        self.inner.clock.now(),
                        &e,
                        &mut flags,
                        &mut backoff,
                    );
                    self.inner.changed.send_modify(|n| *n += 1);
                    if drain.is_some() && is_fatal(&e) {
                        return RunEnd::Fatal(e);
                    }
                    last_error = Some(e.to_string());
                    wait
                }
            };
            // A bounded run never sleeps past its deadline (a budget wait can be minutes).
            let wait = match drain.flatten() {
                Some(deadline) => wait.min(deadline.saturating_duration_since(Instant::now())),
                None => wait,
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.inner.kick.notified() => {}
                _ = stop.changed() => {}
                // A local write ends an idle wait at once; it does not cut a backoff short (an
                // offline plane is not asked again for every word said).
                _ = writes.changed(), if idle => {}
            }
        }
    }

    fn drain_check(
        &self,
        deadline: Option<Instant>,
        last_error: Option<String>,
    ) -> Result<Option<DrainEnd>, SyncError> {
        let now = self.inner.clock.now();
        let st = status::read(&self.inner.store, true, true, now)?;
        if st.pending_items == 0 {
            return Ok(Some(DrainEnd::Done));
        }
        if st.state == super::SyncState::Blocked {
            return Ok(Some(DrainEnd::Blocked(st.pending_items)));
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(Some(DrainEnd::TimedOut(st.pending_items, last_error)));
        }
        Ok(None)
    }
}

enum RunEnd {
    Drain(DrainEnd),
    Fatal(SyncError),
    Stopped,
}

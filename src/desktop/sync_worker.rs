//! The desktop's delivery to the hosted plane, kept in step with the settings: the background
//! worker runs while `sync.enabled` and a plane URL are set (restarted when they change, stopped
//! when sync is turned off), a bounded one-off delivery serves "Sync now" while it is off, and
//! the status goes to the window whenever it may have changed, at most four times a second.

use super::{AppEvent, DesktopError, KeyStore, Notify};
use crate::backend::Service;
use crate::launch::{self, Background, SyncToken};
use crate::sync::{status, Sync, SyncConfig, SyncLock, SyncStatus};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::{Duration, Instant};
use tokio::runtime::Handle;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The window is told at most this often (a backlog delivered item by item would flood it).
const PUSH_EVERY: Duration = Duration::from_millis(250);
/// Writes by other processes (`companion sync`, `serve`) and a Retry-After running out change
/// the status without a write here; it is read again this often.
const RECHECK: Duration = Duration::from_secs(5);
/// How long "Sync now" delivers when background sync is off.
const DRAIN_FOR: Duration = Duration::from_secs(120);
/// How long a stopping worker may finish its request in flight.
const GRACE: Duration = Duration::from_secs(10);

/// Cheap to clone; the tasks it spawns hold it weakly, so they end with the app.
#[derive(Clone)]
pub(super) struct SyncCtl(Arc<Ctl>);

struct Ctl {
    service: Service,
    keys: Arc<dyn KeyStore>,
    data_dir: PathBuf,
    notify: Notify,
    rt: OnceLock<Handle>,
    /// Starts and stops go one at a time, in the order asked.
    run: tokio::sync::Mutex<Run>,
    /// The worker delivering now (background or one-off), for kicks that cannot wait for `run`.
    current: std::sync::Mutex<Option<Sync>>,
    /// Bumped when the status may have changed without a local write.
    nudge: watch::Sender<u64>,
    /// A one-off delivery is running: the status says what it does, not "off".
    draining: Arc<AtomicBool>,
}

#[derive(Default)]
struct Run {
    background: Option<(Background, SyncConfig)>,
    drain: Option<(Sync, JoinHandle<()>)>,
}

impl SyncCtl {
    pub fn new(service: Service, keys: Arc<dyn KeyStore>, data_dir: PathBuf, notify: Notify) -> Self {
        SyncCtl(Arc::new(Ctl {
            service,
            keys,
            data_dir,
            notify,
            rt: OnceLock::new(),
            run: tokio::sync::Mutex::new(Run::default()),
            current: std::sync::Mutex::new(None),
            nudge: watch::channel(0).0,
            draining: Arc::new(AtomicBool::new(false)),
        }))
    }

    /// Gives the sync its runtime: the status starts being pushed and, if sync is on, the
    /// worker starts. Later calls do nothing.
    pub fn attach(&self, rt: Handle) {
        if self.0.rt.set(rt.clone()).is_err() {
            return;
        }
        let (writes, nudges) = (self.0.service.store().subscribe(), self.0.nudge.subscribe());
        rt.spawn(push_status(Arc::downgrade(&self.0), writes, nudges));
        self.spawn_apply();
    }

    /// The attached runtime, else the one this is called from (tests, async callers).
    fn runtime(&self) -> Option<Handle> {
        self.0.rt.get().cloned().or_else(|| Handle::try_current().ok())
    }

    pub fn status(&self) -> Result<SyncStatus, DesktopError> {
        let settings = self.0.service.settings();
        let configured = SyncConfig::from_settings(&settings).is_some();
        let enabled = settings.sync.enabled;
        // While "Sync now" delivers with background sync off, the state tells how it goes.
        let delivering = enabled || self.0.draining.load(Ordering::Relaxed);
        let now = self.0.service.clock().now();
        let mut st = status::read(self.0.service.store(), configured, delivering, now)
            .map_err(|e| DesktopError::Io(e.to_string()))?;
        st.enabled = enabled;
        Ok(st)
    }

    /// The status may have changed without a local write.
    pub fn nudge(&self) {
        self.0.nudge.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Try now: a new token, a released item. Cuts the worker's wait short.
    pub fn kick(&self) {
        if let Some(sync) = self.0.current.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            sync.kick();
        }
        self.nudge();
    }

    /// Applies the settings in the background (for callers that cannot wait).
    pub fn spawn_apply(&self) {
        if let Some(rt) = self.runtime() {
            let this = self.clone();
            rt.spawn(async move { this.apply().await });
        }
    }

    /// Makes the running worker match the settings: started when `sync.enabled` and a URL are
    /// set, restarted when the plane, user or budget changed, stopped otherwise.
    pub async fn apply(&self) {
        let mut run = self.0.run.lock().await;
        let settings = self.0.service.settings();
        let wanted = SyncConfig::from_settings(&settings).filter(|_| settings.sync.enabled);
        if run.background.as_ref().map(|(_, c)| c) == wanted.as_ref() && wanted.is_some() {
            return;
        }
        if let Some((old, _)) = run.background.take() {
            self.set_current(None);
            old.shutdown(GRACE).await;
        }
        if let Some(config) = wanted {
            // The background worker does what a one-off delivery would, and needs its lock.
            if let Some((drain, task)) = run.drain.take() {
                stop(drain, task).await;
            }
            if let Some(rt) = self.runtime() {
                let token = Arc::new(SyncToken::keychain_first(self.0.keys.clone()));
                let store = self.0.service.shared_store();
                if let Some(bg) = launch::start_background(&self.0.data_dir, store, &settings, token, &rt) {
                    self.forward(&rt, bg.sync.subscribe());
                    self.set_current(Some(bg.sync.clone()));
                    run.background = Some((bg, config));
                }
            }
        }
        drop(run);
        self.nudge();
    }

    /// "Sync now": kick the worker, or, with background sync off, deliver for a while (what
    /// `companion sync` does) in the background.
    pub async fn sync_now(&self) -> Result<(), DesktopError> {
        let settings = self.0.service.settings();
        let config = SyncConfig::from_settings(&settings).ok_or_else(|| {
            DesktopError::Invalid(
                "Sync is not set up: enter the hosted plane's URL in Settings first.".into(),
            )
        })?;
        if settings.sync.enabled {
            self.apply().await;
        }
        let mut run = self.0.run.lock().await;
        if let Some((bg, _)) = &run.background {
            bg.sync.kick();
            return Ok(());
        }
        if let Some((drain, task)) = &run.drain {
            if !task.is_finished() {
                drain.kick();
                return Ok(());
            }
        }
        let rt = self.runtime().ok_or_else(|| DesktopError::Io("sync has no runtime to run on".into()))?;
        let lock = SyncLock::try_acquire(&self.0.data_dir)
            .map_err(|e| DesktopError::Io(format!("cannot take the sync lock: {e}")))?
            .ok_or_else(|| {
                DesktopError::Invalid(
                    "Another Flux process (companion sync, talk or serve) is delivering right now.".into(),
                )
            })?;
        let token = Arc::new(SyncToken::keychain_first(self.0.keys.clone()));
        let sync = Sync::new(self.0.service.shared_store(), &config, token, self.0.service.clock().clone());
        self.forward(&rt, sync.subscribe());
        self.set_current(Some(sync.clone()));
        self.0.draining.store(true, Ordering::Relaxed);
        let (this, worker) = (Arc::downgrade(&self.0), sync.clone());
        let task = rt.spawn(async move {
            let _lock = lock;
            let deadline = Some(Instant::now() + DRAIN_FOR);
            // What went wrong is in the store's sync state, which the status shows.
            if let Err(e) = worker.drain(deadline, &mut |_| {}).await {
                tracing::info!("sync now: {e}");
            }
            if let Some(ctl) = this.upgrade() {
                ctl.draining.store(false, Ordering::Relaxed);
                ctl.nudge.send_modify(|n| *n = n.wrapping_add(1));
            }
        });
        run.drain = Some((sync, task));
        Ok(())
    }

    /// The background worker, when one runs (hosted conversations go through it).
    pub fn background(&self) -> Option<Sync> {
        if !self.0.service.settings().sync.enabled || self.0.draining.load(Ordering::Relaxed) {
            return None;
        }
        self.0.current.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set_current(&self, sync: Option<Sync>) {
        *self.0.current.lock().unwrap_or_else(|p| p.into_inner()) = sync;
    }

    /// Every step of the worker that changed something reaches the status push.
    fn forward(&self, rt: &Handle, mut changes: watch::Receiver<u64>) {
        let ctl = Arc::downgrade(&self.0);
        rt.spawn(async move {
            while changes.changed().await.is_ok() {
                let Some(ctl) = ctl.upgrade() else { return };
                ctl.nudge.send_modify(|n| *n = n.wrapping_add(1));
            }
        });
    }
}

async fn stop(sync: Sync, task: JoinHandle<()>) {
    sync.stop();
    let mut task = task;
    if tokio::time::timeout(GRACE, &mut task).await.is_err() {
        task.abort();
        let _ = task.await;
    }
}

/// Sends the status to the window when it changed: after a local write, a worker step or a
/// nudge, and every few seconds, no more than four times a second and never twice the same.
async fn push_status(ctl: Weak<Ctl>, mut writes: watch::Receiver<u64>, mut nudges: watch::Receiver<u64>) {
    let mut last: Option<SyncStatus> = None;
    loop {
        {
            let Some(ctl) = ctl.upgrade() else { return };
            match SyncCtl(ctl.clone()).status() {
                Ok(st) if last.as_ref() != Some(&st) => {
                    (ctl.notify)(AppEvent::Sync(st.clone()));
                    last = Some(st);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!("sync status: {e}"),
            }
        }
        tokio::time::sleep(PUSH_EVERY).await;
        tokio::select! {
            r = writes.changed() => if r.is_err() { return },
            r = nudges.changed() => if r.is_err() { return },
            _ = tokio::time::sleep(RECHECK) => {}
        }
    }
}

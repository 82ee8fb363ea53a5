//! A fault-injecting HTTP/1.1 proxy for tests, placed between a client and the REST plane to
//! prove that nothing is lost and nothing doubled. Each request meets a fault from the current
//! `FaultPlan`: passed, reset before reaching the plane, answer lost after the plane committed,
//! an injected status with or without forwarding, a delay, or a literal garbage answer.
//! `set_down(true)` is a long outage. The proxy never panics on bad traffic: it logs the
//! problem (see `problems()`) and closes.
//!
//! Each client connection gets its own upstream connection, both kept alive. The proxy runs
//! on the caller's tokio runtime: a test that blocks its thread on a synchronous client must
//! use a multi-thread runtime (or `spawn_blocking`), or the proxy cannot run.

mod conn;
mod garbage;
mod http1;
mod plan;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

// Every test binary includes the kits; most use none of these.
#[allow(unused_imports)]
pub use garbage::{unreachable_url, GarbageServer};
#[allow(unused_imports)]
pub use plan::{Fault, FaultKind, FaultPlan, Mix};

/// One request the proxy handled, in the order the client got its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub method: String,
    pub path: String,
    pub fault: Fault,
    /// The plane's status when the request was forwarded and answered.
    pub upstream_status: Option<u16>,
    /// Why a forward failed (upstream unreachable, closed, malformed answer).
    pub error: Option<String>,
}

struct Shared {
    upstream: SocketAddr,
    plan: Mutex<FaultPlan>,
    log: Mutex<Vec<LogEntry>>,
    problems: Mutex<Vec<String>>,
    connections: AtomicUsize,
    upstream_connections: AtomicUsize,
    refused: AtomicUsize,
}

impl Shared {
    fn problem(&self, what: String) {
        self.problems.lock().unwrap().push(what);
    }
}

pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    /// Dropping it (with the proxy) ends every connection task.
    down: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// Listens on 127.0.0.1 (a free port) and relays to `upstream`; every request passes
    /// until `set_plan`.
    pub async fn start(upstream: SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind fault proxy");
        let addr = listener.local_addr().expect("fault proxy address");
        let shared = Arc::new(Shared {
            upstream,
            plan: Mutex::new(FaultPlan::pass()),
            log: Mutex::default(),
            problems: Mutex::default(),
            connections: AtomicUsize::new(0),
            upstream_connections: AtomicUsize::new(0),
            refused: AtomicUsize::new(0),
        });
        let (down, down_rx) = watch::channel(false);
        let task = tokio::spawn(accept(listener, shared.clone(), down_rx));
        FaultProxy { addr, shared, down, task }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Replaces the plan; requests already being handled keep the fault they drew.
    pub fn set_plan(&self, plan: FaultPlan) {
        *self.shared.plan.lock().unwrap() = plan;
    }

    /// `true`: every live connection is reset and new ones are accepted then reset at once
    /// (nothing reaches the plane). `false`: connections are relayed again.
    pub fn set_down(&self, down: bool) {
        self.down.send_replace(down);
    }

    pub fn log(&self) -> Vec<LogEntry> {
        self.shared.log.lock().unwrap().clone()
    }

    /// The fault each request met, in order.
    pub fn faults(&self) -> Vec<Fault> {
        self.log().into_iter().map(|e| e.fault).collect()
    }

    /// How many requests met each kind of fault.
    pub fn counts(&self) -> BTreeMap<FaultKind, usize> {
        let mut counts = BTreeMap::new();
        for entry in self.shared.log.lock().unwrap().iter() {
            *counts.entry(entry.fault.kind()).or_insert(0) += 1;
        }
        counts
    }

    pub fn count(&self, kind: FaultKind) -> usize {
        self.counts().get(&kind).copied().unwrap_or(0)
    }

    /// Requests the plane answered through this proxy (whatever the client then heard).
    pub fn forwarded(&self) -> usize {
        self.shared.log.lock().unwrap().iter().filter(|e| e.upstream_status.is_some()).count()
    }

    /// Client connections accepted and relayed (not those refused during an outage).
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Connections opened to the plane.
    pub fn upstream_connections(&self) -> usize {
        self.shared.upstream_connections.load(Ordering::SeqCst)
    }

    /// Client connections reset on arrival because the proxy was down.
    pub fn refused(&self) -> usize {
        self.shared.refused.load(Ordering::SeqCst)
    }

    /// Malformed traffic and failed forwards, for a test's failure message.
    pub fn problems(&self) -> Vec<String> {
        self.shared.problems.lock().unwrap().clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>, down: watch::Receiver<bool>) {
    loop {
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            Err(e) => {
                // Transient (e.g. out of file descriptors): note it and keep accepting.
                shared.problem(format!("accept: {e}"));
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        if *down.borrow() {
            shared.refused.fetch_add(1, Ordering::SeqCst);
            conn::reset(tcp);
            continue;
        }
        shared.connections.fetch_add(1, Ordering::SeqCst);
        tokio::spawn(conn::serve(tcp, shared.clone(), down.clone()));
    }
}

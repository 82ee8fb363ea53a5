//! Planes that are not there or not right: a server answering every request with one fixed
//! response (an HTML login page, a truncated JSON), and a URL nothing listens on.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};

use super::http1::{self, Error, Wire};

pub struct GarbageServer {
    addr: SocketAddr,
    hits: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl GarbageServer {
    /// Answers every request, on keep-alive connections, with `status`, `content_type` and `body`.
    pub async fn start(status: u16, content_type: &str, body: &str) -> GarbageServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind garbage server");
        let addr = listener.local_addr().expect("garbage server address");
        let hits = Arc::new(AtomicUsize::new(0));
        let (content_type, body, counter) = (content_type.to_string(), body.to_string(), hits.clone());
        let task = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (content_type, body, counter) = (content_type.clone(), body.clone(), counter.clone());
                tokio::spawn(async move { serve(tcp, status, &content_type, &body, &counter).await });
            }
        });
        GarbageServer { addr, hits, task }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests answered so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for GarbageServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(tcp: TcpStream, status: u16, content_type: &str, body: &str, hits: &AtomicUsize) {
    let mut wire = Wire::new(tcp);
    loop {
        let keep_alive = match wire.read_request().await {
            Ok(request) => request.keep_alive,
            // The body's end is unknown: answer, then close.
            Err(Error::ChunkedRequest { .. }) => false,
            Err(_) => return,
        };
        hits.fetch_add(1, Ordering::SeqCst);
        let reply = http1::response(status, content_type, &[], body.as_bytes(), !keep_alive);
        if wire.write(&reply).await.is_err() || !keep_alive {
            return;
        }
    }
}

/// An `http://127.0.0.1:PORT` URL where nothing listens: the port was free a moment ago and
/// its listener is gone, so connecting is refused.
pub fn unreachable_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let addr = listener.local_addr().expect("free port address");
    drop(listener);
    format!("http://{addr}")
}

//! One client connection: read a request, decide its fault, forward it (or not) on this
//! connection's own upstream connection, answer (or reset). Both sides are kept alive.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::watch;

use super::http1::{self, Error, Request, Response, Wire};
use super::{Fault, LogEntry, Shared};

enum End {
    Close,
    Reset,
}

pub(super) async fn serve(mut client: TcpStream, shared: Arc<Shared>, mut down: watch::Receiver<bool>) {
    let _ = client.set_nodelay(true);
    // The outage (or the proxy being dropped, which drops the sender) wins over whatever the
    // connection is doing, even mid-forward: a link going down does not wait for answers.
    let end = tokio::select! {
        end = relay(&mut client, &shared) => end,
        _ = down.wait_for(|down| *down) => End::Reset,
    };
    match end {
        End::Reset => reset(client),
        End::Close => {
            let _ = client.shutdown().await;
        }
    }
}

/// Closes with RST (SO_LINGER 0), as a crashed peer or a dropped NAT mapping would: the
/// client sees "connection reset", not a clean end of stream.
pub(super) fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}

async fn relay(client: &mut TcpStream, shared: &Shared) -> End {
    let mut client = Wire::new(client);
    let mut upstream: Option<Wire<TcpStream>> = None;
    loop {
        let request = match client.read_request().await {
            Ok(request) => request,
            Err(Error::Closed) => return End::Close,
            Err(Error::ChunkedRequest { method, path }) => {
                shared.problem(format!("{method} {path}: chunked request body, answered 501"));
                let reply = http1::json_detail(501, "chunked request bodies are not supported", &[], true);
                let _ = client.write(&reply).await;
                return End::Close;
            }
            Err(e) => {
                shared.problem(format!("client request: {e}"));
                return End::Close;
            }
        };
        let fault = shared.plan.lock().unwrap().next(&request.method, &request.path);
        let mut entry = LogEntry {
            method: request.method.clone(),
            path: request.path.clone(),
            fault: fault.clone(),
            upstream_status: None,
            error: None,
        };
        let mut answer = None;
        if fault.forwards() {
            if let Fault::Delay(pause) = &fault {
                tokio::time::sleep(*pause).await;
            }
            match forward(&mut upstream, shared, &request).await {
                Ok(response) => {
                    entry.upstream_status = Some(response.status);
                    answer = Some(response);
                }
                Err(e) => entry.error = Some(e),
            }
        }
        let reply = reply(&fault, answer, request.keep_alive);
        // Logged before the client hears anything, so a test that saw its answer sees the entry.
        shared.log.lock().unwrap().push(entry);
        let Some((bytes, keep_alive)) = reply else { return End::Reset };
        if client.write(&bytes).await.is_err() || !keep_alive {
            return End::Close;
        }
    }
}

/// The bytes to send the client and whether the connection stays open after them; `None`
/// resets the connection instead.
fn reply(fault: &Fault, answer: Option<Response>, keep: bool) -> Option<(Vec<u8>, bool)> {
    let close = !keep;
    match fault {
        Fault::ResetBefore | Fault::LoseResponse => None,
        Fault::Status { code, retry_after } => {
            let extra: Vec<_> = retry_after.iter().map(|s| ("retry-after", s.to_string())).collect();
            Some((http1::json_detail(*code, "injected", &extra, close), keep))
        }
        Fault::StatusAfterForward { code } => Some((http1::json_detail(*code, "injected", &[], close), keep)),
        Fault::Garbage { status, content_type, body } => {
            Some((http1::response(*status, content_type, &[], body.as_bytes(), close), keep))
        }
        Fault::Pass | Fault::Delay(_) => Some(match answer {
            Some(response) => (response.raw, keep && response.keep_alive),
            // What a reverse proxy answers when the plane cannot be reached or answered badly.
            None => (http1::json_detail(502, "upstream failed", &[], close), keep),
        }),
    }
}

/// Sends the request upstream once and reads the whole answer. A kept connection that the
/// upstream closed while idle is replaced before sending; after sending, nothing is retried,
/// so the proxy itself never doubles a request.
async fn forward(
    upstream: &mut Option<Wire<TcpStream>>,
    shared: &Shared,
    request: &Request,
) -> Result<Response, String> {
    if upstream.as_ref().is_some_and(|wire| wire.is_stale()) {
        *upstream = None;
    }
    let wire = if let Some(wire) = upstream.as_mut() {
        wire
    } else {
        let tcp = TcpStream::connect(shared.upstream).await.map_err(|e| format!("upstream connect: {e}"))?;
        let _ = tcp.set_nodelay(true);
        shared.upstream_connections.fetch_add(1, Ordering::SeqCst);
        upstream.insert(Wire::new(tcp))
    };
    let result = match wire.write(&request.raw).await {
        Ok(()) => wire.read_response(&request.method).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(response) => {
            if !response.keep_alive {
                *upstream = None;
            }
            Ok(response)
        }
        Err(e) => {
            *upstream = None;
            shared.problem(format!("{} {}: upstream {e}", request.method, request.path));
            Err(format!("upstream: {e}"))
        }
    }
}

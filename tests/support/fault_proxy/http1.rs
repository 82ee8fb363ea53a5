//! Just enough HTTP/1.1 framing to relay one message at a time: a head up to the blank line,
//! then a body by Content-Length, chunked (responses only) or until close. Messages are kept as
//! the raw bytes read, so what the proxy relays is byte for byte what its peer sent.

use std::fmt;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// Bounds that turn a runaway peer into a logged error instead of unbounded memory.
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 64 * 1024 * 1024;

pub(super) enum Error {
    /// The peer closed cleanly between messages: the normal end of a keep-alive connection.
    Closed,
    /// A request with a chunked body, which this proxy does not relay (it answers 501).
    ChunkedRequest {
        method: String,
        path: String,
    },
    Malformed(String),
    Io(std::io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Closed => write!(f, "closed"),
            Error::ChunkedRequest { method, path } => write!(f, "chunked request body: {method} {path}"),
            Error::Malformed(why) => write!(f, "malformed: {why}"),
            Error::Io(e) => write!(f, "io: {e}"),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

fn malformed(why: impl Into<String>) -> Error {
    Error::Malformed(why.into())
}

pub(super) struct Request {
    pub method: String,
    pub path: String,
    pub raw: Vec<u8>,
    pub keep_alive: bool,
}

pub(super) struct Response {
    pub status: u16,
    pub raw: Vec<u8>,
    /// False when the upstream asked to close or delimited the body by closing.
    pub keep_alive: bool,
}

struct Head {
    start: Vec<String>,
    headers: Vec<(String, String)>,
}

impl Head {
    fn parse(raw: &[u8]) -> Result<Head, Error> {
        let text = std::str::from_utf8(raw).map_err(|_| malformed("head is not UTF-8"))?;
        let mut lines = text.trim_end_matches("\r\n").split("\r\n");
        let start: Vec<String> = lines.next().unwrap_or("").splitn(3, ' ').map(str::to_string).collect();
        if start.len() < 2 {
            return Err(malformed(format!("start line {:?}", start.join(" "))));
        }
        let mut headers = Vec::new();
        for line in lines {
            let (name, value) = line.split_once(':').ok_or_else(|| malformed(format!("header {line:?}")))?;
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
        Ok(Head { start, headers })
    }

    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn has_token(&self, name: &str, token: &str) -> bool {
        self.values(name).flat_map(|v| v.split(',')).any(|t| t.trim().eq_ignore_ascii_case(token))
    }

    fn content_length(&self) -> Result<Option<usize>, Error> {
        let mut lengths = self.values("content-length").map(|v| v.parse::<usize>());
        let first = match lengths.next() {
            None => return Ok(None),
            Some(Ok(n)) => n,
            Some(Err(_)) => return Err(malformed("bad content-length")),
        };
        if lengths.any(|l| l.ok() != Some(first)) {
            return Err(malformed("conflicting content-length"));
        }
        if first > MAX_BODY {
            return Err(malformed(format!("body of {first} bytes")));
        }
        Ok(Some(first))
    }

    /// HTTP/1.1 keeps the connection unless told `close`; HTTP/1.0 only when told `keep-alive`.
    fn keep_alive(&self, version: &str) -> bool {
        if version == "HTTP/1.0" {
            self.has_token("connection", "keep-alive")
        } else {
            !self.has_token("connection", "close")
        }
    }
}

/// A byte stream with the bytes read past the current message kept for the next one.
pub(super) struct Wire<S> {
    pub io: S,
    buf: Vec<u8>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Wire<S> {
    pub fn new(io: S) -> Self {
        Wire { io, buf: Vec::new() }
    }

    pub async fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.io.write_all(bytes).await?;
        self.io.flush().await?;
        Ok(())
    }

    /// Reads more bytes into the buffer; false at end of stream.
    async fn fill(&mut self) -> Result<bool, Error> {
        let mut chunk = [0u8; 8192];
        let n = self.io.read(&mut chunk).await?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    }

    /// Everything up to and including the next `\r\n`, or `\r\n\r\n` for a head.
    async fn read_until(&mut self, end: &[u8], limit: usize) -> Result<Vec<u8>, Error> {
        loop {
            if let Some(i) = self.buf.windows(end.len()).position(|w| w == end) {
                return Ok(self.buf.drain(..i + end.len()).collect());
            }
            if self.buf.len() > limit {
                return Err(malformed("line or head too long"));
            }
            if !self.fill().await? {
                return Err(if self.buf.is_empty() { Error::Closed } else { malformed("closed mid-head") });
            }
        }
    }

    async fn read_exact(&mut self, n: usize) -> Result<Vec<u8>, Error> {
        while self.buf.len() < n {
            if !self.fill().await? {
                return Err(malformed("closed mid-body"));
            }
        }
        Ok(self.buf.drain(..n).collect())
    }

    pub async fn read_request(&mut self) -> Result<Request, Error> {
        let mut raw = self.read_until(b"\r\n\r\n", MAX_HEAD).await?;
        let head = Head::parse(&raw)?;
        let (method, path) = (head.start[0].clone(), head.start[1].clone());
        let version = head.start.get(2).map(String::as_str).unwrap_or("");
        if !version.starts_with("HTTP/1.") {
            return Err(malformed(format!("version {version:?}")));
        }
        if head.values("transfer-encoding").next().is_some() {
            return Err(Error::ChunkedRequest { method, path });
        }
        let length = head.content_length()?.unwrap_or(0);
        raw.extend(self.read_exact(length).await?);
        Ok(Request { method, path, raw, keep_alive: head.keep_alive(version) })
    }

    /// One response to a request made with `method`; interim 1xx answers are kept in front.
    pub async fn read_response(&mut self, method: &str) -> Result<Response, Error> {
        let mut raw = Vec::new();
        loop {
            let head_raw = match self.read_until(b"\r\n\r\n", MAX_HEAD).await {
                Err(Error::Closed) => return Err(malformed("closed before a response")),
                other => other?,
            };
            let head = Head::parse(&head_raw)?;
            raw.extend(head_raw);
            let version = head.start[0].clone();
            let status: u16 = head.start[1].parse().map_err(|_| malformed("bad status"))?;
            if (100..200).contains(&status) && status != 101 {
                continue;
            }
            let mut keep_alive = head.keep_alive(&version);
            let bodiless = method == "HEAD" || matches!(status, 101 | 204 | 304);
            if bodiless {
                // The head is the whole message.
            } else if head.has_token("transfer-encoding", "chunked") {
                self.read_chunked(&mut raw).await?;
            } else if let Some(length) = head.content_length()? {
                raw.extend(self.read_exact(length).await?);
            } else {
                raw.extend(self.read_to_close().await?);
                keep_alive = false;
            }
            return Ok(Response { status, raw, keep_alive });
        }
    }

    async fn read_chunked(&mut self, raw: &mut Vec<u8>) -> Result<(), Error> {
        let mut total = 0usize;
        loop {
            let line = self.read_until(b"\r\n", 1024).await.map_err(|_| malformed("bad chunk line"))?;
            let text = String::from_utf8_lossy(&line);
            let hex = text.split(';').next().unwrap_or("").trim();
            let size =
                usize::from_str_radix(hex, 16).map_err(|_| malformed(format!("chunk size {hex:?}")))?;
            raw.extend(line);
            if size == 0 {
                // Trailers, if any, end with an empty line.
                loop {
                    let trailer =
                        self.read_until(b"\r\n", MAX_HEAD).await.map_err(|_| malformed("bad trailer"))?;
                    let done = trailer == b"\r\n";
                    raw.extend(trailer);
                    if done {
                        return Ok(());
                    }
                }
            }
            total += size;
            if total > MAX_BODY {
                return Err(malformed("chunked body too large"));
            }
            let data = self.read_exact(size + 2).await?;
            if !data.ends_with(b"\r\n") {
                return Err(malformed("chunk without CRLF"));
            }
            raw.extend(data);
        }
    }

    async fn read_to_close(&mut self) -> Result<Vec<u8>, Error> {
        while self.fill().await? {
            if self.buf.len() > MAX_BODY {
                return Err(malformed("body until close too large"));
            }
        }
        Ok(std::mem::take(&mut self.buf))
    }
}

impl Wire<TcpStream> {
    /// True when a kept-alive upstream connection can no longer carry a request: the peer
    /// closed it, or sent bytes nobody asked for. Checked before sending, because a request
    /// must never be sent twice (once on a dead connection, once again on a fresh one).
    pub fn is_stale(&self) -> bool {
        if !self.buf.is_empty() {
            return true;
        }
        let mut probe = [0u8; 1];
        !matches!(self.io.try_read(&mut probe), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
    }
}

/// A complete response with a Content-Length body.
pub(super) fn response(
    status: u16,
    content_type: &str,
    extra: &[(&str, String)],
    body: &[u8],
    close: bool,
) -> Vec<u8> {
    let reason =
        axum::http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Unknown");
    let mut head = format!("HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\n");
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if close {
        head.push_str("connection: close\r\n");
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut raw = head.into_bytes();
    raw.extend_from_slice(body);
    raw
}

/// `{"detail": detail}` as a JSON response.
pub(super) fn json_detail(status: u16, detail: &str, extra: &[(&str, String)], close: bool) -> Vec<u8> {
    let body = serde_json::json!({ "detail": detail }).to_string();
    response(status, "application/json", extra, body.as_bytes(), close)
}

//! The control plane's REST API over the in-process `Service`, on 127.0.0.1 only. Every request needs the
//! bearer token; a foreign Host or Origin is refused, so a web page cannot reach the API through
//! DNS rebinding. Bad input always gets a JSON `{"detail"}` and never a 500.

use super::group_commit::{MessageQueue, Written};
use super::idempotency::{Claim, Route};
use super::replay::{answer_recorded, Begin, Keys};
use super::schemas::*;
use super::{openapi, ApiError, Service};
use crate::config::secret::{same_secret, Secret};
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use std::future::Future;
use std::sync::Arc;

/// Bodies above this are refused; the largest valid one (a 32 KiB message) fits with room.
pub const BODY_LIMIT: usize = 64 * 1024;

#[derive(Clone)]
struct AppState {
    service: Service,
    token: Arc<Secret>,
    keys: Keys,
    messages: MessageQueue,
}

/// How the server behaves beyond its contract; the default is the contract.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Routes that ignore `Idempotency-Key`, as a plane that does not implement it (for tests of
    /// clients that must reconcile instead).
    pub ignore_idempotency_key: Vec<Route>,
}

pub fn router(service: Service, token: Secret) -> Router {
    router_with(service, token, Options::default())
}

pub fn router_with(service: Service, token: Secret, options: Options) -> Router {
    let keys = Keys::new(options.ignore_idempotency_key);
    let messages = MessageQueue::start(service.clone());
    let state = AppState { service, token: Arc::new(token), keys, messages };
    Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(|| async { Json(openapi::document()) }))
        .route("/api/v1/voice/session", post(create_session))
        .route("/api/v1/voice/session/{session_id}", delete(close_session))
        .route("/api/v1/voice/messages", post(save_message))
        .route("/api/v1/voice/sessions/{session_id}/messages", get(list_messages))
        .route("/api/v1/voice/intents", post(run_intent))
        .fallback(|| async { ApiError::NotFound("Not Found".into()) })
        .method_not_allowed_fallback(|| async {
            (StatusCode::METHOD_NOT_ALLOWED, Json(serde_json::json!({"detail": "Method Not Allowed"})))
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    service: Service,
    token: Secret,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, service, token, Options::default(), shutdown).await
}

pub async fn serve_with(
    listener: tokio::net::TcpListener,
    service: Service,
    token: Secret,
    options: Options,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("TCP_NODELAY: {e}");
        }
    });
    axum::serve(listener, router_with(service, token, options)).with_graceful_shutdown(shutdown).await
}

async fn guard(State(st): State<AppState>, req: Request, next: Next) -> Response {
    if let Err(e) = check_origin(req.headers()) {
        return e.into_response();
    }
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match presented {
        Some(t) if same_secret(t.as_bytes(), st.token.expose().as_bytes()) => next.run(req).await,
        Some(_) => unauthorized("Invalid bearer token"),
        None => unauthorized("Missing bearer token: send Authorization: Bearer <token> (see the api_token file in the data dir)"),
    }
}

fn unauthorized(detail: &str) -> Response {
    let mut r = ApiError::Unauthorized(detail.into()).into_response();
    r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

fn is_local_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    matches!(name.to_ascii_lowercase().as_str(), "127.0.0.1" | "localhost" | "::1")
}

fn check_origin(h: &HeaderMap) -> Result<(), ApiError> {
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !is_local_host(host) {
        return Err(ApiError::Forbidden(
            "Host not allowed: this API only answers to 127.0.0.1 and localhost".into(),
        ));
    }
    if let Some(origin) = h.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let allowed = origin == "tauri://localhost"
            || ["http://", "https://"]
                .iter()
                .filter_map(|scheme| origin.strip_prefix(scheme))
                .any(|rest| rest == "tauri.localhost" || is_local_host(rest));
        if !allowed {
            return Err(ApiError::Forbidden("Origin not allowed".into()));
        }
    }
    Ok(())
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match status.as_u16() {
            // Deepgram being down is the user's weather, not our failure.
            503 => tracing::warn!("{self}"),
            s if s >= 500 => tracing::error!(status = s, "{self}"),
            _ => {}
        }
        let retry = match &self {
            ApiError::RateLimited { retry_after_secs, .. } => Some(*retry_after_secs),
            _ => None,
        };
        let mut r = (status, Json(self.body())).into_response();
        if let Some(secs) = retry {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        r
    }
}

/// Any body the JSON extractor refuses (syntax, types, missing fields, size, content type) is
/// the client's mistake: 422 with what was wrong.
fn body<T>(b: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    match b {
        Ok(Json(v)) => Ok(v),
        Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Err(ApiError::Invalid(format!("Request body is larger than {} KiB", BODY_LIMIT / 1024)))
        }
        Err(JsonRejection::MissingJsonContentType(_)) => {
            Err(ApiError::Invalid("Expected a JSON body with Content-Type: application/json".into()))
        }
        Err(r) => Err(ApiError::Invalid(r.body_text())),
    }
}

fn path(p: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    p.map(|Path(id)| id).map_err(|r| ApiError::Invalid(r.body_text()))
}

/// Store work runs on the blocking pool, so a slow disk never stalls the async workers.
pub(super) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|_| ApiError::Storage("internal task failed".into()))?
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        service: "flux-companion".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

async fn create_session(
    State(st): State<AppState>,
    headers: HeaderMap,
    b: Result<Json<CreateSessionRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let req = body(b)?;
    let claim = match st.keys.begin(&st.service, Route::Session, &headers, &req).await? {
        Begin::Answer(r) => return Ok(r),
        Begin::Run(claim) => claim,
    };
    let start = st.service.start_conversation(&req.user_id, claim.as_ref().map(Claim::keyed)).await?;
    Ok(Json(SessionCreated {
        session_id: start.session_id,
        deepgram_token: start.token.expose().to_string(),
        config: SessionConfig::from(&start.setup),
    })
    .into_response())
}

async fn save_message(
    State(st): State<AppState>,
    headers: HeaderMap,
    b: Result<Json<SaveMessageRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let req = body(b)?;
    let claim = st.keys.claim(Route::Messages, &headers, &req)?;
    match st.messages.save(req, claim).await? {
        Written::Saved(saved) => Ok(Json(saved).into_response()),
        Written::Recorded(keyed, rec) => answer_recorded(&st.service, &keyed, rec).await,
    }
}

async fn list_messages(
    State(st): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<SessionMessages>, ApiError> {
    let id = path(id)?;
    Ok(Json(blocking(move || st.service.messages(&id)).await?))
}

async fn run_intent(
    State(st): State<AppState>,
    headers: HeaderMap,
    b: Result<Json<IntentRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let req = body(b)?;
    let claim = match st.keys.begin(&st.service, Route::Intents, &headers, &req).await? {
        Begin::Answer(r) => return Ok(r),
        Begin::Run(claim) => claim,
    };
    let out = blocking(move || st.service.run_intent(&req, claim.as_ref().map(Claim::keyed))).await?;
    Ok(Json(out).into_response())
}

async fn close_session(
    State(st): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<SessionClosed>, ApiError> {
    let id = path(id)?;
    Ok(Json(blocking(move || st.service.close_session(&id)).await?))
}

#[cfg(test)]
mod tests {
    use super::is_local_host;

    #[test]
    fn local_hosts() {
        for h in ["127.0.0.1:8080", "localhost", "LOCALHOST:1", "[::1]:80", "127.0.0.1"] {
            assert!(is_local_host(h), "{h}");
        }
        for h in ["evil.com", "127.0.0.1.evil.com:80", "", "[::2]:80", "localhost.evil:80"] {
            assert!(!is_local_host(h), "{h}");
        }
    }
}

//! The OpenAPI 3.1 description of the REST API, served at `/openapi.json`. Written by hand: the
//! API is small and fixed by the hosted plane's contract. Every rule the server applies to a
//! request is declared here, so a client that follows the document is not refused for its
//! shape; the few the document cannot express are listed in the README (`tests/api_openapi.rs`
//! holds the two together, and `scripts/contract-test` fuzzes the server against it).

use super::http::BODY_LIMIT;
use super::idempotency::MAX_KEY_LEN;
use super::service::{MAX_MESSAGE_BYTES, MAX_USER_ID_CHARS};
use serde_json::{json, Value};

/// What Rust's `str::trim` strips and `char::is_whitespace` calls blank (Unicode White_Space),
/// spelled out: `\s` means a different set in each regex engine (ECMA-262 adds U+FEFF).
const WHITE_SPACE: &str = r"\x09-\x0D\x20\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
/// `char::is_control` (general category Cc).
const CONTROL: &str = r"\x00-\x1F\x7F-\x9F";

/// At least one character that is not white space (the server trims, then refuses "").
fn non_blank() -> String {
    format!("[^{WHITE_SPACE}]")
}

/// No control character anywhere, and one that is not white space.
fn printable_non_blank() -> String {
    format!("^[^{CONTROL}]*[^{CONTROL}{WHITE_SPACE}][^{CONTROL}]*$")
}

/// `Idempotency-Key` as the server reads it (`IdempotencyKey::parse`) after HTTP has dropped the
/// spaces and tabs around the value: bare printable ASCII that is not itself quoted, or a
/// structured-field string (`"…"` with `\"` and `\\` escapes) holding at least one character.
const KEY_PATTERN: &str = concat!(
    r#"^[ \t]*(?:[\x21\x23-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?"#,
    r#"|"(?:[\x20-\x7E]*[\x21\x23-\x7E])?"#,
    r#"|"(?:[\x20\x21\x23-\x5B\x5D-\x7E]|\\["\\])+")[ \t]*$"#
);

/// A request body: declared fields, unknown ones ignored (as the hosted FastAPI service does).
fn request(required: &[&str], props: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": props, "additionalProperties": true })
}

/// A response body: exactly these fields.
fn exact(required: &[&str], props: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": props, "additionalProperties": false })
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn json_content(schema: Value) -> Value {
    json!({ "application/json": { "schema": schema } })
}

fn error(status: u16) -> Value {
    let (description, headers) = match status {
        401 => ("Missing or wrong bearer token", json!({ "WWW-Authenticate": {
            "required": true, "schema": { "type": "string", "enum": ["Bearer"] } } })),
        403 => ("The request came through a Host or Origin that is not local", json!({})),
        404 => ("No session with this id", json!({})),
        409 => ("The session is closed or interrupted, or a request with the same Idempotency-Key is still running", json!({})),
        422 => ("The body, a path parameter or the Idempotency-Key is invalid (the detail names what), or the key was used for a different request", json!({})),
        429 => ("Rate limit on new sessions", json!({ "Retry-After": {
            "required": true, "description": "Seconds until a new session may be created",
            "schema": { "type": "integer", "minimum": 1 } } })),
        500 => ("Storage failed", json!({})),
        503 => ("Deepgram could not be reached, refused the key, or no key is set; no session was created", json!({})),
        507 => ("The disk is full; nothing was saved", json!({})),
        _ => ("Error", json!({})),
    };
    json!({ "description": description, "headers": headers, "content": json_content(schema_ref("Error")) })
}

fn op(id: &str, summary: &str, request: Option<&str>, ok: &str, errs: &[u16]) -> Value {
    let mut responses = serde_json::Map::new();
    responses.insert("200".into(), json!({ "description": "OK", "content": json_content(schema_ref(ok)) }));
    for &c in errs {
        responses.insert(c.to_string(), error(c));
    }
    let mut o = json!({ "operationId": id, "summary": summary, "responses": responses });
    if let Some(r) = request {
        o["requestBody"] = json!({ "required": true, "content": json_content(schema_ref(r)),
            "description": format!("At most {} KiB as sent", BODY_LIMIT / 1024) });
    }
    o
}

fn with_path_param(mut o: Value) -> Value {
    o["parameters"] = json!([{ "name": "session_id", "in": "path", "required": true,
        "description": "A session id as created; any other is 404", "schema": { "type": "string" } }]);
    o
}

/// A POST that honours `Idempotency-Key`: the optional header, and the mark on a replayed answer.
fn keyed(mut o: Value) -> Value {
    o["parameters"] = json!([{
        "name": "Idempotency-Key", "in": "header", "required": false,
        "description": "Makes a retry safe: the first 2xx answer is recorded with the key (kept at least 24 hours) and returned again for the same request, without a second write. The same key on a different request is 422; while the first is still running, 409. Printable ASCII, bare or as a quoted structured-field string.",
        "schema": { "type": "string", "minLength": 1, "maxLength": MAX_KEY_LEN, "pattern": KEY_PATTERN }
    }]);
    o["responses"]["200"]["headers"] = json!({ "Idempotent-Replayed": {
        "description": "\"true\" when this is the recorded answer to an earlier request with the same key",
        "schema": { "type": "string", "enum": ["true"] } } });
    o
}

/// How a created session's id flows into the other operations (used by clients and fuzzers).
fn session_links() -> Value {
    let id = "$response.body#/session_id";
    let body = |op: &str| json!({ "operationId": op, "requestBody": { "session_id": id } });
    let path = |op: &str| json!({ "operationId": op, "parameters": { "path.session_id": id } });
    json!({ "SaveMessage": body("saveMessage"), "RunIntent": body("runIntent"),
            "ListMessages": path("listMessages"), "CloseSession": path("closeSession") })
}

fn paths() -> Value {
    let mut create = keyed(op(
        "createSession",
        "Create a voice session and mint a Deepgram token",
        Some("CreateSessionRequest"),
        "SessionCreated",
        &[401, 403, 409, 422, 429, 500, 503, 507],
    ));
    create["responses"]["200"]["links"] = session_links();
    json!({
        "/health": { "get": op("health", "Liveness", None, "Health", &[401, 403]) },
        "/api/v1/voice/session": { "post": create },
        "/api/v1/voice/messages": { "post": keyed(op("saveMessage", "Save a transcript message",
            Some("SaveMessageRequest"), "MessageSaved", &[401, 403, 404, 409, 422, 500, 507])) },
        "/api/v1/voice/sessions/{session_id}/messages": { "get": with_path_param(op("listMessages",
            "Messages of a session in creation order", None, "SessionMessages", &[401, 403, 404, 422, 500])) },
        "/api/v1/voice/intents": { "post": keyed(op("runIntent", "Run a function call as a local intent",
            Some("IntentRequest"), "IntentResponse", &[401, 403, 404, 409, 422, 500, 507])) },
        "/api/v1/voice/session/{session_id}": { "delete": with_path_param(op("closeSession",
            "Close a session (its messages stay readable)", None, "SessionClosed", &[401, 403, 404, 409, 422, 500, 507])) }
    })
}

fn schemas() -> Value {
    let s = json!({ "type": "string" });
    let text = |description: &str| json!({ "type": "string", "minLength": 1, "pattern": non_blank(), "description": description });
    let role = json!({ "type": "string", "enum": ["user", "assistant"] });
    json!({
        "Error": exact(&["detail"], json!({ "detail": s })),
        "Health": exact(&["status", "service", "version"], json!({ "status": s, "service": s, "version": s })),
        "CreateSessionRequest": request(&["user_id"], json!({ "user_id": {
            "type": "string", "minLength": 1, "maxLength": MAX_USER_ID_CHARS, "pattern": printable_non_blank(),
            "description": "No control characters and not blank; surrounding spaces are dropped" } })),
        "SessionCreated": exact(&["session_id", "deepgram_token", "config"], json!({
            "session_id": s, "deepgram_token": s,
            "config": exact(&["system_prompt", "functions", "voice_model", "listen_model", "llm_model", "greeting"], json!({
                "system_prompt": s, "voice_model": s, "listen_model": s, "llm_model": s, "greeting": s,
                "functions": { "type": "array", "items": exact(&["name", "description", "parameters"], json!({
                    "name": s, "description": s, "parameters": { "type": "object" },
                    "defer_until_eot": { "type": "boolean" } })) }
            }))
        })),
        "SaveMessageRequest": request(&["session_id", "role", "content"], json!({
            "session_id": s, "role": role,
            "content": { "type": "string", "minLength": 1, "maxLength": MAX_MESSAGE_BYTES, "pattern": non_blank(),
                "description": format!("Not blank; at most {MAX_MESSAGE_BYTES} bytes as UTF-8 (characters for ASCII text)") } })),
        "MessageSaved": exact(&["message_id", "status"], json!({ "message_id": s, "status": { "type": "string", "enum": ["saved"] } })),
        "SessionMessages": exact(&["session_id", "messages"], json!({ "session_id": s,
            "messages": { "type": "array", "items": exact(&["id", "role", "content", "created_at"], json!({
                "id": s, "role": role, "content": s, "created_at": { "type": "string", "format": "date-time" } })) } })),
        "IntentRequest": request(&["session_id", "function_call_id", "function_name", "input"], json!({
            "session_id": s, "function_call_id": text("Not blank"),
            "function_name": text("Not blank; an unknown name is answered in `result`"),
            "input": { "description": "The arguments: an object, or a string holding one (as Deepgram sends them)",
                       "oneOf": [{ "type": "object" }, { "type": "string" }] } })),
        "IntentResponse": exact(&["function_call_id", "result"], json!({ "function_call_id": s, "result": s })),
        "SessionClosed": exact(&["session_id", "status", "message_count"], json!({
            "session_id": s, "status": { "type": "string", "enum": ["closed"] },
            "message_count": { "type": "integer", "minimum": 0 } }))
    })
}

pub fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Flux Companion control plane", "version": env!("CARGO_PKG_VERSION"),
                  "description": "Flux's voice session API, served locally on 127.0.0.1. Every error is JSON `{\"detail\": \"…\"}`." },
        "security": [{ "bearer": [] }],
        "paths": paths(),
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer",
                "description": "$COMPANION_API_TOKEN, else the api_token file in the data dir" } },
            "schemas": schemas()
        }
    })
}

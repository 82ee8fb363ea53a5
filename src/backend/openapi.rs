//! The OpenAPI 3.1 description of the REST API, served at `/openapi.json`. Written by hand: the
//! API is small and fixed by the hosted plane's contract, and a test checks that every route is described.

use serde_json::{json, Value};

fn obj(required: &[&str], props: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": props })
}

fn reply(schema: &str) -> Value {
    json!({ "description": "OK", "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
}

fn errors(codes: &[u16]) -> Value {
    let mut m = serde_json::Map::new();
    for c in codes {
        m.insert(
            c.to_string(),
            json!({ "description": "Error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }),
        );
    }
    Value::Object(m)
}

fn op(summary: &str, request: Option<&str>, ok: &str, errs: &[u16]) -> Value {
    let mut responses = errors(errs);
    responses["200"] = reply(ok);
    let mut o = json!({ "summary": summary, "responses": responses });
    if let Some(r) = request {
        o["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{r}") } } } });
    }
    o
}

fn with_path_param(mut o: Value) -> Value {
    o["parameters"] =
        json!([{ "name": "session_id", "in": "path", "required": true, "schema": { "type": "string" } }]);
    o
}

/// A POST that honours `Idempotency-Key`: the optional header, and the mark on a replayed answer.
fn keyed(mut o: Value) -> Value {
    o["parameters"] = json!([{
        "name": "Idempotency-Key", "in": "header", "required": false,
        "description": "Makes a retry safe: the first 2xx answer is recorded with the key (kept at least 24 hours) and returned again for the same request, without a second write. The same key on a different request is 422; while the first is still running, 409.",
        "schema": { "type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7E]+$" }
    }]);
    o["responses"]["200"]["headers"] = json!({ "Idempotent-Replayed": {
        "description": "\"true\" when this is the recorded answer to an earlier request with the same key",
        "schema": { "type": "string", "enum": ["true"] } } });
    o
}

pub fn document() -> Value {
    let s = json!({ "type": "string" });
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Flux Companion control plane", "version": env!("CARGO_PKG_VERSION"),
                  "description": "Flux's voice session API, served locally on 127.0.0.1." },
        "security": [{ "bearer": [] }],
        "paths": {
            "/health": { "get": op("Liveness", None, "Health", &[401, 403]) },
            "/api/v1/voice/session": { "post": keyed(op("Create a voice session and mint a Deepgram token", Some("CreateSessionRequest"), "SessionCreated", &[401, 403, 409, 422, 429, 503])) },
            "/api/v1/voice/messages": { "post": keyed(op("Save a transcript message", Some("SaveMessageRequest"), "MessageSaved", &[401, 403, 404, 409, 422])) },
            "/api/v1/voice/sessions/{session_id}/messages": { "get": with_path_param(op("Messages of a session in creation order", None, "SessionMessages", &[401, 403, 404])) },
            "/api/v1/voice/intents": { "post": keyed(op("Run a function call as a local intent", Some("IntentRequest"), "IntentResponse", &[401, 403, 404, 409, 422])) },
            "/api/v1/voice/session/{session_id}": { "delete": with_path_param(op("Close a session", None, "SessionClosed", &[401, 403, 404, 409])) }
        },
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "Error": obj(&["detail"], json!({ "detail": s })),
                "Health": obj(&["status", "service"], json!({ "status": s, "service": s, "version": s })),
                "CreateSessionRequest": obj(&["user_id"], json!({ "user_id": s })),
                "SessionCreated": obj(&["session_id", "deepgram_token", "config"], json!({
                    "session_id": s, "deepgram_token": s,
                    "config": obj(&["system_prompt", "functions", "voice_model", "listen_model", "llm_model", "greeting"], json!({
                        "system_prompt": s, "voice_model": s, "listen_model": s, "llm_model": s, "greeting": s,
                        "functions": { "type": "array", "items": obj(&["name", "description", "parameters"], json!({
                            "name": s, "description": s, "parameters": { "type": "object" } })) }
                    }))
                })),
                "SaveMessageRequest": obj(&["session_id", "role", "content"], json!({
                    "session_id": s, "role": { "type": "string", "enum": ["user", "assistant"] },
                    "content": { "type": "string", "minLength": 1, "maxLength": 32768 } })),
                "MessageSaved": obj(&["message_id", "status"], json!({ "message_id": s, "status": s })),
                "SessionMessages": obj(&["session_id", "messages"], json!({ "session_id": s,
                    "messages": { "type": "array", "items": obj(&["id", "role", "content", "created_at"], json!({
                        "id": s, "role": s, "content": s, "created_at": { "type": "string", "format": "date-time" } })) } })),
                "IntentRequest": obj(&["session_id", "function_call_id", "function_name", "input"], json!({
                    "session_id": s, "function_call_id": s, "function_name": s,
                    "input": { "oneOf": [{ "type": "object" }, { "type": "string" }] } })),
                "IntentResponse": obj(&["function_call_id", "result"], json!({ "function_call_id": s, "result": s })),
                "SessionClosed": obj(&["session_id", "status", "message_count"], json!({
                    "session_id": s, "status": s, "message_count": { "type": "integer" } }))
            }
        }
    })
}

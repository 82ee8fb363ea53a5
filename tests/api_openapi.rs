//! The OpenAPI document tells the truth: the constraints it declares are the server's own
//! (limits taken from the constants the server checks against), and its patterns accept exactly
//! the values the server accepts, on tricky and on random input. `scripts/contract-test` fuzzes
//! the running server against the same document.

#[path = "api/harness.rs"]
mod harness;

use companion::backend::http::BODY_LIMIT;
use companion::backend::idempotency::{IdempotencyKey, MAX_KEY_LEN};
use companion::backend::schemas::{IntentRequest, SaveMessageRequest};
use companion::backend::{ApiError, Service, MAX_MESSAGE_BYTES, MAX_USER_ID_CHARS};
use harness::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

/// A string schema's verdict, as a JSON Schema validator gives it (lengths in characters).
struct Rule {
    min: usize,
    max: Option<usize>,
    pattern: Option<regex::Regex>,
}

impl Rule {
    fn of(schema: &Value) -> Rule {
        assert_eq!(schema["type"], "string", "{schema}");
        Rule {
            min: schema["minLength"].as_u64().unwrap_or(0) as usize,
            max: schema["maxLength"].as_u64().map(|m| m as usize),
            pattern: schema["pattern"].as_str().map(|p| regex::Regex::new(p).expect("pattern compiles")),
        }
    }

    fn allows(&self, s: &str) -> bool {
        let n = s.chars().count();
        n >= self.min
            && self.max.is_none_or(|m| n <= m)
            && self.pattern.as_ref().is_none_or(|p| p.is_match(s))
    }
}

/// 422 is a refusal of the value; anything else (404 for the unknown session, 429) got past it.
fn accepted<T>(r: Result<T, ApiError>) -> bool {
    !matches!(r, Err(ApiError::Invalid(_)))
}

fn user_id_ok(svc: &Service, s: &str) -> bool {
    accepted(svc.open_conversation(s, None))
}

fn content_ok(svc: &Service, s: &str) -> bool {
    let req = SaveMessageRequest { session_id: "nope".into(), role: "user".into(), content: s.into() };
    accepted(svc.save_message(&req, None))
}

fn call_id_ok(svc: &Service, s: &str) -> bool {
    let req = IntentRequest {
        session_id: "nope".into(),
        function_call_id: s.into(),
        function_name: "list_tasks".into(),
        input: json!({}),
    };
    accepted(svc.run_intent(&req, None))
}

/// HTTP drops the spaces and tabs around a header value before the server reads it.
fn key_ok(raw: &str) -> bool {
    IdempotencyKey::parse(raw.trim_matches([' ', '\t']).as_bytes()).is_ok()
}

/// The tricky values: blanks of every kind, control characters, lengths at the limits.
fn corpus() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "a",
        " a ",
        "\u{3000}",
        "\u{feff}",
        "\u{85}",
        "a\u{85}",
        "\t",
        "a\tb",
        "\ta",
        "\u{0}",
        "a\u{7f}",
        "\u{a0}x\u{2029}",
        "\u{200b}",
        "\u{1c}",
        "é",
        "🦀",
        "\"",
        "\\",
        "ana",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for n in [127, 128, 129] {
        v.push("u".repeat(n));
        v.push("é".repeat(n));
        v.push(format!(" {} ", "u".repeat(n - 2)));
    }
    v
}

/// Strings drawn from the characters the rules are about.
fn tricky_text() -> impl Strategy<Value = String> {
    let chars = prop::sample::select(vec![
        'a', 'Z', '0', ' ', '\t', '\n', '\r', '\u{0}', '\u{1f}', '\u{7f}', '\u{85}', '\u{9f}', '\u{a0}',
        '\u{1680}', '\u{2007}', '\u{2028}', '\u{202f}', '\u{3000}', '\u{feff}', '"', '\\', 'é', '🦀',
    ]);
    prop::collection::vec(chars, 0..8).prop_map(|c| c.into_iter().collect())
}

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    &doc["components"]["schemas"][name]
}

#[tokio::test(flavor = "multi_thread")]
async fn the_document_declares_the_limits_the_server_checks() {
    let grant = fake_grant(200).await;
    let api = Api::start(&grant.url, Some(KEY)).await;
    let (s, doc) = api.call("GET", "/openapi.json", None).await;
    assert_eq!(s, 200);

    let user = &schema(&doc, "CreateSessionRequest")["properties"]["user_id"];
    assert_eq!(
        (user["minLength"].as_u64(), user["maxLength"].as_u64()),
        (Some(1), Some(MAX_USER_ID_CHARS as u64))
    );
    let msg = schema(&doc, "SaveMessageRequest");
    assert_eq!(msg["properties"]["content"]["maxLength"].as_u64(), Some(MAX_MESSAGE_BYTES as u64));
    assert_eq!(msg["properties"]["content"]["minLength"], 1);
    assert_eq!(msg["properties"]["role"]["enum"], json!(["user", "assistant"]));
    assert_eq!(msg["required"], json!(["session_id", "role", "content"]));
    let intent = schema(&doc, "IntentRequest");
    for f in ["function_call_id", "function_name"] {
        assert_eq!(intent["properties"][f]["minLength"], 1, "{f}");
        assert!(intent["properties"][f]["pattern"].is_string(), "{f} must say not blank");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"],
        json!({"type": "http", "scheme": "bearer",
        "description": "$COMPANION_API_TOKEN, else the api_token file in the data dir"})
    );
    assert_eq!(schema(&doc, "Error")["required"], json!(["detail"]));

    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let codes: Vec<&str> = responses.keys().map(String::as_str).collect();
            for c in ["200", "401", "403"] {
                assert!(codes.contains(&c), "{method} {path} lacks {c}");
            }
            if method != "get" || path.contains('{') {
                assert!(codes.contains(&"422"), "{method} {path} can refuse its input");
            }
            for (code, r) in responses.iter().filter(|(c, _)| *c != "200") {
                let schema = &r["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(schema, "#/components/schemas/Error", "{method} {path} {code}");
            }
            assert_eq!(responses["401"]["headers"]["WWW-Authenticate"]["required"], true);
            if let Some(body) = op.get("requestBody") {
                let text = body["description"].as_str().unwrap();
                assert!(text.contains(&format!("{} KiB", BODY_LIMIT / 1024)), "{method} {path}: {text}");
            }
            for p in op["parameters"].as_array().into_iter().flatten().filter(|p| p["in"] == "header") {
                assert_eq!(p["name"], "Idempotency-Key");
                assert_eq!(p["schema"]["maxLength"].as_u64(), Some(MAX_KEY_LEN as u64));
            }
        }
    }
    let create = &doc["paths"]["/api/v1/voice/session"]["post"]["responses"];
    assert_eq!(create["429"]["headers"]["Retry-After"]["required"], true, "429 is declared with its header");
    assert!(create["503"].is_object());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_patterns_accept_exactly_what_the_server_accepts() {
    let grant = fake_grant(200).await;
    let api = Api::start(&grant.url, Some(KEY)).await;
    let (_, doc) = api.call("GET", "/openapi.json", None).await;
    let user = Rule::of(&schema(&doc, "CreateSessionRequest")["properties"]["user_id"]);
    let content = Rule::of(&schema(&doc, "SaveMessageRequest")["properties"]["content"]);
    let call_id = Rule::of(&schema(&doc, "IntentRequest")["properties"]["function_call_id"]);
    let key_param = &doc["paths"]["/api/v1/voice/messages"]["post"]["parameters"][0];
    let key = Rule::of(&key_param["schema"]);
    let svc = api.service.clone();

    let check = |s: &str| {
        assert_eq!(user.allows(s), user_id_ok(&svc, s), "user_id {s:?}");
        assert_eq!(content.allows(s), content_ok(&svc, s), "content {s:?}");
        assert_eq!(call_id.allows(s), call_id_ok(&svc, s), "function_call_id {s:?}");
        assert_eq!(key.allows(s), key_ok(s), "Idempotency-Key {s:?}");
    };
    tokio::task::block_in_place(|| {
        for s in corpus() {
            check(&s);
        }
        let mut runner = TestRunner::new(Config { cases: 2000, ..Config::default() });
        runner
            .run(&tricky_text(), |s| {
                check(&s);
                Ok(())
            })
            .unwrap();
    });

    // Keys, where quoting and escapes matter.
    for k in ["\"\"", "\"a\"", "\"a\\\"b\"", "\"a\\nb\"", "\"a\"b\"", "\"a", "a\"", "\"", " \"x\" ", "\" \""]
    {
        assert_eq!(key.allows(k), key_ok(k), "Idempotency-Key {k:?}");
    }
    let keys = prop::collection::vec(prop::sample::select(vec!['a', ' ', '\t', '"', '\\', '~', 'é']), 0..10)
        .prop_map(|c| c.into_iter().collect::<String>());
    let mut runner = TestRunner::new(Config { cases: 4000, ..Config::default() });
    runner
        .run(&keys, |k| {
            prop_assert_eq!(key.allows(&k), key_ok(&k), "Idempotency-Key {:?}", k);
            Ok(())
        })
        .unwrap();
    for n in [MAX_KEY_LEN, MAX_KEY_LEN + 1] {
        let bare = "k".repeat(n);
        assert_eq!(key.allows(&bare), key_ok(&bare), "{n} characters");
    }
}

/// The deviations the README lists, as they are: the server may accept more than the document
/// allows, and refuses what it allows only past a byte limit the document cannot state.
#[tokio::test(flavor = "multi_thread")]
async fn the_listed_deviations_are_the_only_ones() {
    let grant = fake_grant(200).await;
    let api = Api::start(&grant.url, Some(KEY)).await;
    let (_, doc) = api.call("GET", "/openapi.json", None).await;
    let content = Rule::of(&schema(&doc, "SaveMessageRequest")["properties"]["content"]);
    let key = Rule::of(&doc["paths"]["/api/v1/voice/intents"]["post"]["parameters"][0]["schema"]);

    let ascii = "x".repeat(MAX_MESSAGE_BYTES);
    assert!(content.allows(&ascii) && content_ok(&api.service, &ascii));
    let wide = "é".repeat(MAX_MESSAGE_BYTES);
    assert!(content.allows(&wide), "maxLength counts characters");
    assert!(!content_ok(&api.service, &wide), "the server counts bytes");

    let quoted = format!("\"{}\"", "k".repeat(MAX_KEY_LEN));
    assert!(!key.allows(&quoted) && key_ok(&quoted), "a quoted key may be longer than maxLength");
}

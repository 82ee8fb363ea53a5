//! Property tests: whatever arrives (a frame from the agent, a function call's arguments, a REST
//! body, a settings or catalogue file) gets a clear error or a result: never a panic, never a
//! 5xx, never a half-written change.

#[path = "api/harness.rs"]
mod harness;

use chrono::{TimeZone, Utc};
use companion::agent::{AgentError, ServerMessage};
use companion::config::catalog::Catalog;
use companion::config::Settings;
use companion::intents::{self, Actor, IntentCall};
use companion::store::{goals, tasks, users, CallStatus, Store};
use companion::time::Clock;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Any JSON value, nested a few levels.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e12f64..1e12).prop_map(|f| json!(f)),
        ".{0,24}".prop_map(Value::String),
        // Strings that look like what the intents expect, so validation gets past the type checks.
        prop_oneof![
            Just("2030-01-02T09:00:00".to_string()),
            Just("tomorrow at 9".to_string()),
            Just("2030-13-45T99:99:99".to_string()),
            Just("Call mum".to_string()),
            Just(String::new()),
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(field_name(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Field names: the intents' own parameters half of the time, anything otherwise.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "title",
            "scheduled_at",
            "duration_minutes",
            "notes",
            "task",
            "new_time",
            "day",
            "from",
            "to",
            "goal_statement",
            "timeline",
        ])
        .prop_map(str::to_string),
        "[a-z_]{1,12}",
    ]
}

const KNOWN_TYPES: [&str; 6] =
    ["Welcome", "ConversationText", "FunctionCallRequest", "AgentStartedSpeaking", "Warning", "Error"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_text_frame_is_a_message_or_malformed(text in any::<String>()) {
        match ServerMessage::parse(&text) {
            Ok(_) | Err(AgentError::Malformed(_)) => {}
            Err(other) => prop_assert!(false, "{other:?}"),
        }
    }

    #[test]
    fn any_json_frame_is_tolerated(
        mut body in prop::collection::btree_map(field_name(), any_json(), 0..6),
        type_name in prop_oneof![prop::sample::select(KNOWN_TYPES.to_vec()).prop_map(str::to_string), "[A-Za-z]{1,16}"],
    ) {
        body.insert("type".into(), Value::String(type_name.clone()));
        let text = Value::Object(body.into_iter().collect()).to_string();
        match ServerMessage::parse(&text) {
            Ok(ServerMessage::Unknown { type_name: t, .. }) => prop_assert_eq!(t, type_name),
            Ok(_) => {}
            // A known type whose fields have the wrong types is malformed, and says which type.
            Err(AgentError::Malformed(why)) => {
                prop_assert!(KNOWN_TYPES.contains(&type_name.as_str()), "{type_name}: {why}");
                prop_assert!(why.starts_with(&type_name), "{why}");
            }
            Err(other) => prop_assert!(false, "{other:?}"),
        }
    }
}

struct Intents {
    _dir: tempfile::TempDir,
    store: Store,
    catalog: Catalog,
    user: companion::store::UserRow,
    clock: Clock,
}

fn intents_fixture() -> Intents {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    let clock = Clock::manual(Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap());
    let user = store.write(|tx| users::ensure_user(tx, "u1", "Ana", "Europe/Madrid", clock.now())).unwrap();
    Intents { _dir: dir, store, catalog: Catalog::builtin(), user, clock }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn any_arguments_to_any_intent_answer_and_never_half_write(
        name in prop::sample::select(vec!["submit_goal_intent", "create_task", "reschedule_task", "list_tasks", "complete_task", "no_such_intent"]),
        args in any_json(),
        seed_task in any::<bool>(),
    ) {
        let f = intents_fixture();
        let actor = Actor { user: &f.user, tz: Actor::tz_of(&f.user), clock: &f.clock };
        if seed_task {
            let seed = json!({"title": "Call mum", "scheduled_at": "2030-01-02T09:00:00"});
            let call = IntentCall { call_id: "seed", conversation_id: None, name: "create_task", arguments: &seed };
            intents::execute(&f.store, &f.catalog, &actor, &call).unwrap();
        }
        let before = (f.store.read(tasks::all_tasks).unwrap(), f.store.read(goals::list_goals).unwrap());
        let call = IntentCall { call_id: "fc-any", conversation_id: None, name, arguments: &args };
        let outcome = intents::execute(&f.store, &f.catalog, &actor, &call);
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) => return Err(TestCaseError::fail(format!("an internal error for {name} {args}: {e}"))),
        };
        prop_assert!(!outcome.result.trim().is_empty(), "something speakable");
        let after = (f.store.read(tasks::all_tasks).unwrap(), f.store.read(goals::list_goals).unwrap());
        if outcome.status == CallStatus::Failed {
            prop_assert_eq!(format!("{before:?}"), format!("{after:?}"), "a refused call changed nothing");
        }
    }
}

#[test]
fn any_rest_body_is_a_4xx_with_a_detail() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (api, _grant) = runtime.block_on(async {
        let grant = harness::fake_grant(200).await;
        (harness::Api::start(&grant.url, Some(harness::KEY)).await, grant)
    });
    let routes = ["/api/v1/voice/session", "/api/v1/voice/messages", "/api/v1/voice/intents"];
    let content_types = [
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "",
        "application/json; charset=utf-8",
    ];
    let mut runner =
        proptest::test_runner::TestRunner::new(ProptestConfig { cases: 96, ..ProptestConfig::default() });
    let bodies = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        any_json().prop_map(|v| v.to_string().into_bytes()),
        prop::collection::btree_map(field_name(), any_json(), 0..5).prop_map(|m| Value::Object(
            m.into_iter().collect()
        )
        .to_string()
        .into_bytes()),
    ];
    let strategy =
        (bodies, prop::sample::select(routes.to_vec()), prop::sample::select(content_types.to_vec()));
    runner
        .run(&strategy, |(body, route, content_type)| {
            let (status, value) = runtime.block_on(async {
                let mut req = api
                    .http
                    .post(format!("{}{route}", api.base))
                    .bearer_auth(harness::API_TOKEN)
                    .body(body.clone());
                if !content_type.is_empty() {
                    req = req.header("content-type", content_type);
                }
                let response = req.send().await.unwrap();
                let status = response.status().as_u16();
                let text = response.text().await.unwrap();
                (status, serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text)))
            });
            prop_assert!(
                status < 500,
                "{route} {content_type} {:?} → {status} {value}",
                String::from_utf8_lossy(&body)
            );
            if status >= 400 {
                prop_assert!(value["detail"].is_string() || value["detail"].is_array(), "{status} {value}");
            }
            Ok(())
        })
        .unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn a_bad_settings_file_is_named_with_its_line(text in settings_text()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.yaml");
        std::fs::write(&path, &text).unwrap();
        if let Err(e) = Settings::load(dir.path()) {
            let message = e.to_string();
            prop_assert!(message.contains(&path.display().to_string()), "{message}");
            if serde_yaml::from_str::<serde_yaml::Value>(&text).is_err() {
                prop_assert!(message.contains("line"), "a syntax error says where: {message}");
            }
        }
    }

    #[test]
    fn a_bad_catalogue_is_named_with_its_line(text in catalogue_text()) {
        if let Err(e) = Catalog::parse(&text) {
            let message = e.to_string();
            prop_assert!(message.contains("intents.yaml"), "{message}");
            if serde_yaml::from_str::<serde_yaml::Value>(&text).is_err() {
                prop_assert!(message.contains("line"), "a syntax error says where: {message}");
            }
        }
    }
}

/// Settings files: real keys with odd values, broken indentation, or noise.
fn settings_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("user:".to_string()),
        Just("agent:".to_string()),
        Just("audio:".to_string()),
        ("[a-z_]{1,12}", ".{0,12}").prop_map(|(k, v)| format!("  {k}: {v}")),
        ("[a-z_]{1,12}", ".{0,12}").prop_map(|(k, v)| format!("{k}: {v}")),
        Just("  timezone: Mars/Olympus".to_string()),
        Just("  input_sample_rate: -4".to_string()),
        Just("\t- [".to_string()),
        ".{0,20}",
    ];
    prop::collection::vec(line, 0..8).prop_map(|l| l.join("\n"))
}

fn catalogue_text() -> impl Strategy<Value = String> {
    let builtin = companion::config::catalog::DEFAULT_CATALOGUE.to_string();
    (prop::collection::vec(any::<prop::sample::Index>(), 1..4), prop::collection::vec(".{0,6}", 1..4))
        .prop_map(move |(cuts, noise)| {
            // The real catalogue with a few lines replaced by noise.
            let mut lines: Vec<String> = builtin.lines().map(str::to_string).collect();
            for (cut, n) in cuts.iter().zip(noise) {
                let i = cut.index(lines.len());
                lines[i] = n;
            }
            lines.join("\n")
        })
}

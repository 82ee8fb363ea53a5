use super::*;

fn setup() -> AgentSetup {
    AgentSetup {
        input_sample_rate: 16000,
        output_sample_rate: 24000,
        listen_model: "nova-3".into(),
        llm_provider: "open_ai".into(),
        llm_model: "gpt-4o-mini".into(),
        voice_model: "aura-2-thalia-en".into(),
        prompt: "Be brief.".into(),
        functions: vec![ThinkFunction {
            name: "add_task".into(),
            description: "Add a task".into(),
            parameters: serde_json::json!({"type":"object","properties":{"title":{"type":"string"}},"required":["title"]}),
            defer_until_eot: Some(true),
        }],
        greeting: Some("Hi!".into()),
        context: vec![],
    }
}

fn settings_json(setup: &AgentSetup) -> String {
    ClientMessage::Settings(Box::new(SettingsMessage::from_setup(setup).unwrap())).to_json().unwrap()
}

#[test]
fn settings_golden() {
    assert_eq!(
        settings_json(&setup()),
        r#"{"type":"Settings","audio":{"input":{"encoding":"linear16","sample_rate":16000},"output":{"encoding":"linear16","sample_rate":24000,"container":"none"}},"agent":{"listen":{"provider":{"type":"deepgram","version":"v1","model":"nova-3"}},"think":{"provider":{"type":"open_ai","model":"gpt-4o-mini"},"prompt":"Be brief.","functions":[{"name":"add_task","description":"Add a task","parameters":{"properties":{"title":{"type":"string"}},"required":["title"],"type":"object"},"defer_until_eot":true}]},"speak":{"provider":{"type":"deepgram","model":"aura-2-thalia-en"}},"greeting":"Hi!"}}"#
    );
}

#[test]
fn settings_omit_empty_and_absent_fields() {
    let mut s = setup();
    s.prompt = "  ".into();
    s.greeting = Some(String::new());
    s.functions = vec![ThinkFunction {
        name: "ping".into(),
        description: String::new(),
        parameters: serde_json::json!({}),
        defer_until_eot: None,
    }];
    s.context = vec![HistoryItem { role: "user".into(), content: "".into() }.into()];
    let json = settings_json(&s);
    assert_eq!(
        json,
        r#"{"type":"Settings","audio":{"input":{"encoding":"linear16","sample_rate":16000},"output":{"encoding":"linear16","sample_rate":24000,"container":"none"}},"agent":{"listen":{"provider":{"type":"deepgram","version":"v1","model":"nova-3"}},"think":{"provider":{"type":"open_ai","model":"gpt-4o-mini"},"functions":[{"name":"ping"}]},"speak":{"provider":{"type":"deepgram","model":"aura-2-thalia-en"}}}}"#
    );
    s.functions.clear();
    let json = settings_json(&s);
    for bad in ["null", "{}", "[]", "\"\""] {
        assert!(!json.contains(bad), "{bad} in {json}");
    }
}

#[test]
fn settings_carry_context_and_flux_version() {
    let mut s = setup();
    s.listen_model = "flux-general-en".into();
    s.context = vec![
        HistoryItem { role: "user".into(), content: "Hi".into() }.into(),
        HistoryItem { role: "assistant".into(), content: "Hello".into() }.into(),
    ];
    let value: serde_json::Value = serde_json::from_str(&settings_json(&s)).unwrap();
    assert_eq!(value["agent"]["listen"]["provider"]["version"], "v2");
    assert_eq!(
        value["agent"]["context"]["messages"],
        serde_json::json!([
            {"type":"History","role":"user","content":"Hi"},
            {"type":"History","role":"assistant","content":"Hello"}
        ])
    );
}

#[test]
fn settings_refuse_missing_models() {
    let mut s = setup();
    s.voice_model = " ".into();
    assert!(matches!(SettingsMessage::from_setup(&s), Err(AgentError::InvalidSetup(_))));
    let mut s = setup();
    s.input_sample_rate = 0;
    assert!(SettingsMessage::from_setup(&s).is_err());
}

#[test]
fn function_defs_round_trip_from_control_plane_json() {
    let defs: Vec<ThinkFunction> = serde_json::from_str(
        r#"[{"name":"a","description":"d","parameters":{"type":"object"}},{"name":"b","defer_until_eot":false}]"#,
    )
    .unwrap();
    assert_eq!(defs[1].parameters, serde_json::Value::Null);
    assert_eq!(
        serde_json::to_string(&defs).unwrap(),
        r#"[{"name":"a","description":"d","parameters":{"type":"object"}},{"name":"b","defer_until_eot":false}]"#
    );
}

#[test]
fn small_client_messages_golden() {
    let cases = [
        (ClientMessage::KeepAlive, r#"{"type":"KeepAlive"}"#),
        (
            ClientMessage::FunctionCallResponse {
                id: "fc_1".into(),
                name: "get_weather".into(),
                content: r#"{"temp_c":18}"#.into(),
            },
            r#"{"type":"FunctionCallResponse","id":"fc_1","name":"get_weather","content":"{\"temp_c\":18}"}"#,
        ),
        (
            ClientMessage::InjectUserMessage { content: "Book a table".into() },
            r#"{"type":"InjectUserMessage","content":"Book a table"}"#,
        ),
        (
            ClientMessage::InjectAgentMessage { message: "One moment".into(), behavior: None },
            r#"{"type":"InjectAgentMessage","message":"One moment"}"#,
        ),
        (
            ClientMessage::InjectAgentMessage {
                message: "One moment".into(),
                behavior: Some(InjectBehavior::Queue),
            },
            r#"{"type":"InjectAgentMessage","message":"One moment","behavior":"queue"}"#,
        ),
        (
            ClientMessage::UpdatePrompt { prompt: "Answer in French.".into() },
            r#"{"type":"UpdatePrompt","prompt":"Answer in French."}"#,
        ),
    ];
    for (message, golden) in cases {
        assert_eq!(message.to_json().unwrap(), golden);
    }
}

#[test]
fn empty_required_strings_are_refused() {
    let m = ClientMessage::FunctionCallResponse { id: "x".into(), name: "n".into(), content: "".into() };
    assert!(matches!(m.to_json(), Err(AgentError::EmptyField("content"))));
    let m = ClientMessage::InjectUserMessage { content: String::new() };
    assert!(matches!(m.to_json(), Err(AgentError::EmptyField("content"))));
}

#[test]
fn parses_documented_server_messages() {
    let p = |s: &str| ServerMessage::parse(s).unwrap();
    assert_eq!(
        p(r#"{ "type": "Welcome", "request_id": "fc553ec9" }"#),
        ServerMessage::Welcome { request_id: "fc553ec9".into() }
    );
    assert_eq!(p(r#"{"type":"SettingsApplied"}"#), ServerMessage::SettingsApplied);
    assert_eq!(
        p(r#"{"type":"ConversationText","role":"user","content":"Hi","languages":["en"]}"#),
        ServerMessage::ConversationText { role: "user".into(), content: "Hi".into() }
    );
    assert_eq!(p(r#"{"type":"UserStartedSpeaking"}"#), ServerMessage::UserStartedSpeaking);
    assert_eq!(p(r#"{"type":"AgentAudioDone"}"#), ServerMessage::AgentAudioDone);
    assert_eq!(
        p(r#"{"type":"AgentStartedSpeaking","total_latency":1.21,"tts_latency":0.18,"ttt_latency":0.74}"#),
        ServerMessage::AgentStartedSpeaking(AgentStartedLatency {
            total_latency: Some(1.21),
            tts_latency: Some(0.18),
            ttt_latency: Some(0.74),
        })
    );
    match p(r#"{"type":"LatencyReport","stt_latency":0.12,"total_latency":0.81,"new_figure":3}"#) {
        ServerMessage::LatencyReport(r) => {
            assert_eq!(r.stt_latency, Some(0.12));
            assert_eq!(r.total_latency, Some(0.81));
            assert_eq!(r.tts_latency, None);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(p(r#"{"type":"PromptUpdated"}"#), ServerMessage::Ack { kind: "PromptUpdated".into() });
    assert_eq!(
        p(r#"{"type":"Error","code":"UNPARSABLE_CLIENT_MESSAGE","description":"bad"}"#),
        ServerMessage::Error { code: "UNPARSABLE_CLIENT_MESSAGE".into(), description: "bad".into() }
    );
    assert_eq!(
        p(r#"{"type":"Warning","code":"PROMPT_TOO_LONG"}"#),
        ServerMessage::Warning { code: "PROMPT_TOO_LONG".into(), description: String::new() }
    );
    assert_eq!(
        p(r#"{"type":"FunctionCallCancelled","functions":[{"id":"fc_1","name":"charge"}]}"#),
        ServerMessage::FunctionCallCancelled {
            functions: vec![CancelledCall { id: "fc_1".into(), name: "charge".into() }]
        }
    );
    assert!(matches!(p(r#"{"type":"History","role":"user","content":"x"}"#), ServerMessage::History(_)));
}

#[test]
fn function_call_request_with_several_calls() {
    let text = r#"{"type":"FunctionCallRequest","functions":[
        {"id":"fc_1","name":"add_task","arguments":"{\"title\": \"milk\"}","client_side":true},
        {"id":"fc_2","name":"lookup","arguments":"{}","client_side":false,"thought_signature":"x"},
        {"id":"fc_3","name":"odd","arguments":{"a":1}}]}"#;
    let ServerMessage::FunctionCallRequest { functions } = ServerMessage::parse(text).unwrap() else {
        panic!("not a FunctionCallRequest");
    };
    assert_eq!(functions.len(), 3);
    assert_eq!(functions[0].arguments, r#"{"title": "milk"}"#);
    assert!(functions[0].is_client_side());
    assert!(!functions[1].is_client_side());
    assert_eq!(functions[2].arguments, r#"{"a":1}"#);
    assert!(functions[2].is_client_side());
}

#[test]
fn unknown_types_are_kept_not_rejected() {
    match ServerMessage::parse(r#"{"type":"BrandNewThing","x":1}"#).unwrap() {
        ServerMessage::Unknown { type_name, raw } => {
            assert_eq!(type_name, "BrandNewThing");
            assert_eq!(raw["x"], 1);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn malformed_frames_are_errors_not_panics() {
    for bad in [
        "not json",
        "{\"type\":",
        "[1,2]",
        r#"{"no_type":true}"#,
        r#"{"type":7}"#,
        r#"{"type":"ConversationText","role":5}"#,
        r#"{"type":"FunctionCallRequest","functions":"nope"}"#,
        "",
    ] {
        assert!(matches!(ServerMessage::parse(bad), Err(AgentError::Malformed(_))), "{bad}");
    }
}

#[test]
fn auth_debug_is_redacted() {
    let auth = Auth::Bearer("secret-token".into());
    assert!(!format!("{auth:?}").contains("secret"));
    let config = ConnectConfig::new("ws://x", Auth::Token("k3y".into()));
    assert!(!format!("{config:?}").contains("k3y"));
}

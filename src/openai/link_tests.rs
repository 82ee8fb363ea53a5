//! The link's protocol rules, driven with server events directly (no socket).

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use futures_util::FutureExt;
use serde_json::Value;
use tokio::sync::mpsc;

use super::connection::{Connection, Incoming, Outbound, Stats};
use super::link::OpenAiLink;
use super::pcm::PcmConverter;
use super::server::ServerEvent;
use crate::voice::{next_event, VoiceEvent, VoiceLink};

struct Rig {
    link: OpenAiLink,
    server: mpsc::UnboundedSender<Incoming>,
    sent: mpsc::UnboundedReceiver<Outbound>,
    _audio: mpsc::Receiver<Outbound>,
}

fn rig() -> Rig {
    let (control, sent) = mpsc::unbounded_channel();
    let (audio, audio_rx) = mpsc::channel(4);
    let (server, events) = mpsc::unbounded_channel();
    let tasks = [tokio::spawn(async {}), tokio::spawn(async {})];
    let conn = Connection {
        session_id: "sess_t".into(),
        control,
        audio,
        events,
        stats: Arc::new(Stats::default()),
        tasks,
    };
    let output = PcmConverter::new(24_000, 24_000).unwrap();
    Rig { link: OpenAiLink::new(conn, output, false), server, sent, _audio: audio_rx }
}

impl Rig {
    /// Feeds server events and returns what the link made of them.
    fn feed(&mut self, events: Vec<ServerEvent>) -> Vec<VoiceEvent> {
        for e in events {
            self.server.send(Incoming::Event(e)).unwrap();
        }
        let mut out = Vec::new();
        while let Some(Some(e)) = next_event(&mut self.link).now_or_never() {
            out.push(e);
        }
        out.into_iter().filter(|e| *e != VoiceEvent::Other).collect()
    }

    /// Types of the client events sent so far.
    fn sent(&mut self) -> Vec<Value> {
        let mut out = Vec::new();
        while let Ok(o) = self.sent.try_recv() {
            if let Outbound::Text(t) = o {
                out.push(serde_json::from_str(&t).unwrap());
            }
        }
        out
    }
}

fn kinds(v: &[Value]) -> Vec<&str> {
    v.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

fn created() -> ServerEvent {
    ServerEvent::ResponseCreated { id: "resp_1".into() }
}

fn done(status: &str) -> ServerEvent {
    ServerEvent::ResponseDone { id: "resp_1".into(), status: status.into(), error: None }
}

#[tokio::test]
async fn calls_are_answered_then_one_response_is_asked_for() {
    let mut r = rig();
    let events = r.feed(vec![
        created(),
        ServerEvent::CallItem { call_id: "c1".into(), name: "create_task".into() },
        ServerEvent::CallArguments { call_id: "c1".into(), name: None, arguments: "{}".into() },
        ServerEvent::CallArguments {
            call_id: "c2".into(),
            name: Some("list_tasks".into()),
            arguments: "{}".into(),
        },
        done("completed"),
    ]);
    let calls = match events.last() {
        Some(VoiceEvent::FunctionCalls(calls)) => calls.clone(),
        other => panic!("{other:?}"),
    };
    let names: Vec<&str> = calls.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["create_task", "list_tasks"], "the name falls back to the call item's");
    r.link.answer_call("c1", "create_task", "ok").unwrap();
    assert_eq!(kinds(&r.sent()), ["conversation.item.create"], "one call is still unanswered");
    r.link.answer_call("c2", "list_tasks", "none").unwrap();
    let sent = r.sent();
    assert_eq!(kinds(&sent), ["conversation.item.create", "response.create"]);
    assert_eq!(sent[0]["item"]["call_id"], "c2");
}

#[tokio::test]
async fn a_typed_turn_during_a_response_waits_for_it() {
    let mut r = rig();
    r.feed(vec![created()]);
    r.link.send_user_text("Hello").unwrap();
    assert_eq!(kinds(&r.sent()), ["conversation.item.create"]);
    r.feed(vec![done("completed")]);
    assert_eq!(kinds(&r.sent()), ["response.create"]);
    // A collision reported by the server is retried after the running response.
    let events = r.feed(vec![
        created(),
        ServerEvent::Error {
            code: "conversation_already_has_active_response".into(),
            message: "busy".into(),
        },
    ]);
    assert!(matches!(events.last(), Some(VoiceEvent::Warning { .. })), "{events:?}");
    r.feed(vec![done("completed")]);
    assert_eq!(kinds(&r.sent()), ["response.create"]);
}

fn audio(item: &str, ms: usize) -> ServerEvent {
    let pcm = vec![1u8; ms * 48];
    ServerEvent::AudioDelta {
        item_id: item.into(),
        delta: base64::engine::general_purpose::STANDARD.encode(pcm),
    }
}

#[tokio::test]
async fn barge_in_truncates_only_what_is_still_playing() {
    let mut r = rig();
    let events = r.feed(vec![created(), audio("item_a", 1000)]);
    assert!(matches!(events[1], VoiceEvent::AgentStartedSpeaking(_)), "{events:?}");
    assert!(matches!(&events[2], VoiceEvent::Audio(b) if b.len() == 48_000));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(r.feed(vec![ServerEvent::SpeechStarted]), vec![VoiceEvent::UserStartedSpeaking]);
    let sent = r.sent();
    assert_eq!(kinds(&sent), ["conversation.item.truncate"]);
    assert_eq!(sent[0]["item_id"], "item_a");
    let end = sent[0]["audio_end_ms"].as_u64().unwrap();
    assert!((50..1000).contains(&end), "{end}");
    // An item that has played to its end is left alone.
    r.feed(vec![done("cancelled"), created(), audio("item_b", 10)]);
    tokio::time::sleep(Duration::from_millis(30)).await;
    r.feed(vec![ServerEvent::SpeechStarted]);
    assert!(r.sent().is_empty());
}

#[tokio::test]
async fn errors_keep_their_codes_and_benign_ones_are_warnings() {
    let mut r = rig();
    let e = |code: &str, message: &str| ServerEvent::Error { code: code.into(), message: message.into() };
    let events = r.feed(vec![
        e("session_expired", "Your session hit the maximum duration of 60 minutes."),
        e("response_cancel_not_active", "Cancellation failed: no active response found"),
        e("invalid_request_error", "Audio content of 900ms is already shorter than 1000ms"),
        e("invalid_value", "Invalid value"),
        created(),
        ServerEvent::ResponseDone {
            id: "resp_1".into(),
            status: "failed".into(),
            error: Some(("rate_limit_exceeded".into(), "slow down".into())),
        },
    ]);
    let summary: Vec<String> = events
        .iter()
        .map(|e| match e {
            VoiceEvent::Warning { code, .. } => format!("warning {code}"),
            VoiceEvent::Error { code, .. } => format!("error {code}"),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        summary,
        [
            "warning session_expired",
            "warning response_cancel_not_active",
            "warning invalid_request_error",
            "error invalid_value",
            "AgentThinking",
            "error rate_limit_exceeded",
        ]
    );
    r.server.send(Incoming::Closed { code: Some(1001), reason: "bye".into() }).unwrap();
    assert_eq!(
        next_event(&mut r.link).await,
        Some(VoiceEvent::Closed { code: Some(1001), reason: "bye".into() })
    );
    assert_eq!(next_event(&mut r.link).await, None);
}

#[tokio::test]
async fn the_agent_transcript_waits_for_a_late_user_transcript() {
    let mut r = rig();
    let agent = |t: &str| ServerEvent::AgentTranscript { transcript: t.into() };
    let said = |t: &str| VoiceEvent::AgentTranscript { role: "assistant".into(), content: t.into() };
    let events = r.feed(vec![ServerEvent::Committed, created(), agent("It is sunny."), done("completed")]);
    assert!(!events.iter().any(|e| matches!(e, VoiceEvent::AgentTranscript { .. })), "{events:?}");
    let events = r.feed(vec![ServerEvent::UserTranscript { transcript: "Weather?".into() }]);
    assert_eq!(events, vec![VoiceEvent::UserTranscript("Weather?".into()), said("It is sunny.")]);
    // Without a transcription, the next turn releases what waited.
    let events = r.feed(vec![ServerEvent::Committed, agent("Okay."), ServerEvent::SpeechStarted]);
    assert_eq!(events, vec![said("Okay."), VoiceEvent::UserStartedSpeaking]);
}

//! The OpenAI Realtime side of `companion-bench agent --provider openai`: a minimal realtime
//! server (session.created, session.updated, then every 4 s a 2 s reply as base64 audio deltas
//! at real-time pace) and the provider pointed at it.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use companion::openai::{ConnectConfig, OpenAiProvider};
use companion::voice::CredentialSource;

pub async fn serve(listener: tokio::net::TcpListener) {
    let Ok((tcp, _)) = listener.accept().await else { return };
    let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else { return };
    let (mut sink, mut stream) = ws.split();
    let created =
        r#"{"type":"session.created","event_id":"event_1","session":{"type":"realtime","id":"sess_bench"}}"#;
    let _ = sink.send(Message::text(created)).await;
    while let Some(Ok(m)) = stream.next().await {
        if matches!(m, Message::Text(_)) {
            break;
        }
    }
    let _ = sink
        .send(Message::text(
            r#"{"type":"session.updated","event_id":"event_2","session":{"type":"realtime"}}"#,
        ))
        .await;
    let reader = tokio::spawn(async move { while let Some(Ok(_)) = stream.next().await {} });
    let chunk = base64::engine::general_purpose::STANDARD.encode(vec![0x10u8; 1920]); // 40 ms at 24 kHz
    let delta = format!(
        r#"{{"type":"response.output_audio.delta","event_id":"event_d","response_id":"resp_b","item_id":"item_b","output_index":0,"content_index":0,"delta":"{chunk}"}}"#
    );
    let mut tick = tokio::time::interval(Duration::from_millis(40));
    let mut n = 0u64;
    loop {
        tick.tick().await;
        let phase = n % 100; // 4 s cycle
        n += 1;
        let text = match phase {
            0 => r#"{"type":"response.created","event_id":"event_c","response":{"id":"resp_b","status":"in_progress"}}"#.to_string(),
            1..=50 => delta.clone(),
            51 => r#"{"type":"response.output_audio_transcript.done","event_id":"event_t","item_id":"item_b","transcript":"Sure."}"#.to_string(),
            52 => r#"{"type":"response.done","event_id":"event_e","response":{"id":"resp_b","status":"completed","output":[]}}"#.to_string(),
            _ => String::new(),
        };
        let sent = if text.is_empty() { Ok(()) } else { sink.send(Message::text(text)).await };
        if sent.is_err() || reader.is_finished() {
            return;
        }
    }
}

pub fn provider(addr: &str, credentials: Arc<dyn CredentialSource>) -> Arc<OpenAiProvider> {
    let mut config = ConnectConfig::new(format!("http://{addr}"), "gpt-realtime", "marin");
    config.record_write_latency = true;
    Arc::new(OpenAiProvider::new(config, credentials))
}

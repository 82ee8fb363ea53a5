//! The reading half of a fake-agent connection: strict validation of client messages, the
//! idle timeout, and an energy VAD over the received linear16 audio.

use std::sync::Arc;

use futures_util::StreamExt;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::conn::{error_msg, In, Out, Shared};
use super::{dbfs, validate};

pub(super) async fn read(
    mut stream: futures_util::stream::SplitStream<WebSocketStream<TcpStream>>,
    shared: Arc<Shared>,
    out: mpsc::UnboundedSender<Out>,
    tx: mpsc::UnboundedSender<In>,
) {
    let cfg = &shared.config;
    let fatal = |code: &str, description: &str| {
        shared.log.lock().unwrap().errors_sent.push(code.to_string());
        let _ = out.send(Out::Msg(error_msg(code, description)));
        let _ = out.send(Out::Close(CloseCode::Normal, String::new()));
    };
    let mut settings_seen = false;
    let mut rate = 16_000u32;
    let mut window: Vec<u8> = Vec::new();
    let (mut loud_run, mut quiet_run, mut speaking) = (0u32, 0u32, false);
    loop {
        let next = match tokio::time::timeout(cfg.idle_timeout, stream.next()).await {
            Err(_) => {
                fatal("CLIENT_MESSAGE_TIMEOUT", "We waited too long for a websocket message. Please ensure that you're sending binary messages containing user speech.");
                return;
            }
            Ok(None) | Ok(Some(Err(_))) => return,
            Ok(Some(Ok(m))) => m,
        };
        match next {
            Message::Text(t) => {
                let Ok(v) = serde_json::from_str::<Value>(&t) else {
                    fatal("UNPARSABLE_CLIENT_MESSAGE", "Text message received from client was not JSON.");
                    return;
                };
                if v.get("type").and_then(Value::as_str) == Some("Settings") {
                    shared.log.lock().unwrap().settings.push(v.clone());
                    if settings_seen {
                        fatal(
                            "SETTINGS_ALREADY_APPLIED",
                            "Settings were already applied on this connection.",
                        );
                        return;
                    }
                    if let Err(e) = validate::settings(&v) {
                        fatal("UNPARSABLE_CLIENT_MESSAGE", &format!("Error parsing client message. {e}"));
                        return;
                    }
                    settings_seen = true;
                    rate = v["audio"]["input"]["sample_rate"].as_u64().unwrap_or(16_000) as u32;
                    let _ = tx.send(In::Settings(v));
                    continue;
                }
                if let Err(e) = validate::message(&v) {
                    fatal("UNPARSABLE_CLIENT_MESSAGE", &format!("Error parsing client message. {e}"));
                    return;
                }
                {
                    let mut log = shared.log.lock().unwrap();
                    match v["type"].as_str() {
                        Some("KeepAlive") => log.keepalives += 1,
                        Some("FunctionCallResponse") => log.function_responses.push(v.clone()),
                        Some("InjectUserMessage") => {
                            log.injected.push(v["content"].as_str().unwrap_or("").into())
                        }
                        Some("UpdatePrompt") => {
                            log.prompt_updates.push(v["prompt"].as_str().unwrap_or("").into())
                        }
                        _ => {}
                    }
                }
                let _ = tx.send(In::Message(v));
            }
            Message::Binary(b) => {
                shared.log.lock().unwrap().audio_bytes_in += b.len() as u64;
                if !settings_seen {
                    continue;
                }
                window.extend_from_slice(&b);
                let per = (rate as usize / 50) * 2;
                while window.len() >= per {
                    let level = dbfs(&window[..per]);
                    window.drain(..per);
                    if level >= cfg.vad_threshold_dbfs {
                        quiet_run = 0;
                        loud_run += 1;
                        if !speaking && loud_run * 20 >= cfg.vad_onset_ms {
                            speaking = true;
                            shared.log.lock().unwrap().speech_starts += 1;
                            let _ = tx.send(In::SpeechStart);
                        }
                    } else {
                        loud_run = 0;
                        if speaking {
                            quiet_run += 1;
                            if quiet_run * 20 >= cfg.vad_hangover_ms {
                                speaking = false;
                                quiet_run = 0;
                                let _ = tx.send(In::SpeechEnd);
                            }
                        }
                    }
                }
            }
            Message::Close(frame) => {
                if frame.map(|f| f.code) == Some(CloseCode::Normal) {
                    shared.log.lock().unwrap().client_closed_normally += 1;
                }
                let _ = out.send(Out::Close(CloseCode::Normal, String::new()));
                // Drain until the peer is gone so the close handshake completes.
                while let Some(Ok(_)) = stream.next().await {}
                return;
            }
            _ => {}
        }
    }
}

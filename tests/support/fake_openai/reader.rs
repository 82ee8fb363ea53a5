//! The reading half of a fake realtime socket: strict validation of client events (an
//! invalid one gets an `error` event and changes nothing), and the server VAD over the
//! appended 24 kHz audio.

use std::sync::Arc;

use base64::Engine;
use futures_util::StreamExt;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::conn::{error_event, In, Out, Shared};
use super::{dbfs, validate};

/// 20 ms of 24 kHz PCM16.
const WINDOW: usize = 960;

pub(super) async fn read(
    mut stream: futures_util::stream::SplitStream<WebSocketStream<TcpStream>>,
    shared: Arc<Shared>,
    out: mpsc::UnboundedSender<Out>,
    tx: mpsc::UnboundedSender<In>,
) {
    let cfg = &shared.config;
    let reject = |code: &str, message: &str, param: Option<&str>, event_id: Option<&str>| {
        shared.log.lock().unwrap().errors_sent.push(code.to_string());
        let _ = out.send(Out::Msg(error_event(Some(code), message, param, event_id)));
    };
    let mut window: Vec<u8> = Vec::new();
    let (mut loud_run, mut quiet_run, mut speaking) = (0u32, 0u32, false);
    let (mut vad_on, mut silence_ms) = (true, 200u32);
    let mut total_ms = 0u64;
    while let Some(Ok(message)) = stream.next().await {
        let text = match message {
            Message::Text(t) => t,
            Message::Binary(_) => {
                reject(
                    "invalid_event",
                    "Binary frames are not supported; send JSON text events.",
                    None,
                    None,
                );
                continue;
            }
            Message::Close(_) => {
                shared.log.lock().unwrap().client_closed += 1;
                let _ = out.send(Out::Close(CloseCode::Normal, String::new()));
                while let Some(Ok(_)) = stream.next().await {}
                return;
            }
            _ => continue,
        };
        let Ok(v) = serde_json::from_str::<Value>(&text) else {
            reject("invalid_event", "We could not parse the JSON body of your event.", None, None);
            continue;
        };
        let event_id = v.get("event_id").and_then(Value::as_str);
        if v["type"] == "session.update" {
            shared.log.lock().unwrap().session_updates.push(v.clone());
        }
        if let Err(e) = validate::event(&v) {
            reject(e.code, &e.message, Some(&e.param), event_id);
            continue;
        }
        if v["type"] != "input_audio_buffer.append" {
            if v["type"] == "session.update" {
                let td = &v["session"]["audio"]["input"]["turn_detection"];
                if td.is_null() && v["session"]["audio"]["input"].get("turn_detection").is_some() {
                    vad_on = false;
                } else if let Some(ms) = td["silence_duration_ms"].as_u64() {
                    (vad_on, silence_ms) = (true, ms as u32);
                }
            }
            let _ = tx.send(In::Event(v));
            continue;
        }
        let pcm = base64::engine::general_purpose::STANDARD
            .decode(v["audio"].as_str().unwrap_or(""))
            .unwrap_or_default();
        {
            let mut log = shared.log.lock().unwrap();
            log.appends += 1;
            log.audio_bytes_in += pcm.len() as u64;
        }
        let _ = tx.send(In::Appended(pcm.len() as f64 / 48.0));
        window.extend_from_slice(&pcm);
        while window.len() >= WINDOW {
            let level = dbfs(&window[..WINDOW]);
            window.drain(..WINDOW);
            total_ms += 20;
            if !vad_on {
                continue;
            }
            if level >= cfg.vad_threshold_dbfs {
                quiet_run = 0;
                loud_run += 1;
                if !speaking && loud_run * 20 >= cfg.vad_onset_ms {
                    speaking = true;
                    shared.log.lock().unwrap().speech_starts += 1;
                    let start = total_ms.saturating_sub(u64::from(loud_run) * 20 + 300);
                    let _ = tx.send(In::SpeechStart(start));
                }
            } else {
                loud_run = 0;
                if speaking {
                    quiet_run += 1;
                    if quiet_run * 20 >= silence_ms {
                        speaking = false;
                        quiet_run = 0;
                        let _ = tx.send(In::SpeechEnd(total_ms));
                    }
                }
            }
        }
    }
}

//! The scripted steps of a fake realtime socket: user turns from the VAD, and responses
//! (speech or a function call) that only start when one is owed.

use base64::Engine;
use serde_json::{json, Value};
use tokio::time::{Duration, Instant};

use super::conn::{id, Conv, Gone, Trigger};
use super::Step;

impl Conv {
    pub(super) async fn step(&mut self, step: Step) -> Result<(), Gone> {
        match step {
            Step::UserTurn => {
                self.wait("the user to start speaking", |c| {
                    c.unconsumed_start.is_some() || c.announced.is_some()
                })
                .await?;
                let start = self.unconsumed_start.take().unwrap_or(0);
                let item = match self.announced.take() {
                    Some(item) => item,
                    None => self.announce(start),
                };
                self.wait("the user to stop speaking", |c| !c.speaking).await?;
                self.unconsumed_start = None;
                self.user_item = Some(item.clone());
                self.send(json!({"type": "input_audio_buffer.speech_stopped", "audio_end_ms": start + 1000, "item_id": item}));
                self.commit();
                if self.session["audio"]["input"]["turn_detection"]["create_response"] != json!(false) {
                    self.owed.push_back(Trigger::Vad);
                }
            }
            Step::UserText(t) => {
                let item = self.user_item.clone().unwrap_or_else(|| id("item"));
                self.send(
                    json!({"type": "conversation.item.input_audio_transcription.delta", "item_id": item,
                    "content_index": 0, "delta": t, "obfuscation": "aLxx0jTE"}),
                );
                self.send(
                    json!({"type": "conversation.item.input_audio_transcription.completed", "item_id": item,
                    "content_index": 0, "transcript": t,
                    "usage": {"type": "duration", "seconds": 1.2}}),
                );
            }
            Step::Typed => {
                self.wait("a typed user message", |c| !c.typed.is_empty()).await?;
                self.typed.pop_front();
            }
            Step::Reply { text, ms } => {
                self.wait("a response to be owed (server VAD or response.create)", |c| !c.owed.is_empty())
                    .await?;
                self.owed.pop_front();
                self.speak(&text, ms).await?;
            }
            Step::Call { call_id, name, args, await_output } => {
                self.wait("a response to be owed (server VAD or response.create)", |c| !c.owed.is_empty())
                    .await?;
                self.owed.pop_front();
                self.call(&call_id, &name, &args.to_string()).await?;
                if await_output {
                    let id = call_id.clone();
                    self.wait("a function_call_output", |c| c.outputs.contains(&id)).await?;
                }
            }
            Step::Json(v) => self.send(v),
            Step::Sleep(ms) => {
                let until = Instant::now() + Duration::from_millis(ms);
                while self.next(until).await?.is_some() {}
            }
            Step::Drop | Step::Error { .. } | Step::Expire => unreachable!("handled by run"),
        }
        Ok(())
    }

    /// `speech_started` for a new user item.
    fn announce(&mut self, start: u64) -> String {
        let item = id("item");
        self.send(
            json!({"type": "input_audio_buffer.speech_started", "audio_start_ms": start, "item_id": item}),
        );
        item
    }

    fn created(&mut self) -> String {
        let resp = id("resp");
        self.active = Some(resp.clone());
        self.cancel = false;
        self.send(json!({"type": "response.created", "response": {"object": "realtime.response", "id": resp,
            "status": "in_progress", "status_details": null, "output": [], "output_modalities": ["audio"],
            "usage": null, "metadata": null}}));
        resp
    }

    fn done(&mut self, resp: &str, status: &str, reason: Option<&str>, output: Vec<Value>) {
        let details = reason.map(|r| json!({"type": status, "reason": r}));
        self.send(json!({"type": "response.done", "response": {"object": "realtime.response", "id": resp,
            "status": status, "status_details": details, "output": output, "output_modalities": ["audio"],
            "usage": {"total_tokens": 120, "input_tokens": 100, "output_tokens": 20}, "metadata": null}}));
        self.active = None;
    }

    /// A response that is one function call, after a moment of "thinking".
    async fn call(&mut self, call_id: &str, name: &str, arguments: &str) -> Result<(), Gone> {
        let resp = self.created();
        let until = Instant::now() + Duration::from_millis(150);
        while self.next(until).await?.is_some() {}
        let item_id = id("item");
        let pending = json!({"id": item_id, "type": "function_call", "status": "in_progress", "name": name,
            "call_id": call_id, "arguments": ""});
        let ids = json!({"response_id": resp, "item_id": item_id, "output_index": 0, "call_id": call_id});
        self.send(json!({"type": "response.output_item.added", "response_id": resp, "output_index": 0, "item": pending}));
        self.send(
            json!({"type": "conversation.item.added", "previous_item_id": self.last_item, "item": pending}),
        );
        let (a, b) = arguments.split_at(arguments.len() / 2);
        for part in [a, b] {
            let mut d = ids.clone();
            d["type"] = json!("response.function_call_arguments.delta");
            d["delta"] = json!(part);
            self.send(d);
        }
        let mut d = ids.clone();
        d["type"] = json!("response.function_call_arguments.done");
        d["name"] = json!(name);
        d["arguments"] = json!(arguments);
        self.send(d);
        let item = json!({"id": item_id, "type": "function_call", "status": "completed", "name": name,
            "call_id": call_id, "arguments": arguments});
        self.send(
            json!({"type": "conversation.item.done", "previous_item_id": self.last_item, "item": item}),
        );
        self.send(json!({"type": "response.output_item.done", "response_id": resp, "output_index": 0, "item": item}));
        self.last_item = Some(item_id);
        self.calls.insert(call_id.to_string());
        self.done(&resp, "completed", None, vec![item]);
        Ok(())
    }

    /// An assistant message: `ms` of 24 kHz audio paced in real time, with its transcript;
    /// user speech (VAD) or `response.cancel` during it cancels the response.
    pub(super) async fn speak(&mut self, text: &str, ms: u32) -> Result<(), Gone> {
        let resp = self.created();
        let item_id = id("item");
        let pending = json!({"id": item_id, "type": "message", "status": "in_progress", "role": "assistant", "content": []});
        self.send(json!({"type": "response.output_item.added", "response_id": resp, "output_index": 0, "item": pending}));
        self.send(
            json!({"type": "conversation.item.added", "previous_item_id": self.last_item, "item": pending}),
        );
        self.last_item = Some(item_id.clone());
        let ids = json!({"response_id": resp, "item_id": item_id, "output_index": 0, "content_index": 0});
        let with = |kind: &str, extra: Value| {
            let mut v = ids.clone();
            v["type"] = json!(kind);
            if let (Some(v), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
                v.extend(extra.clone());
            }
            v
        };
        self.send(with("response.content_part.added", json!({"part": {"type": "audio", "transcript": ""}})));
        let total = ms as usize * 48;
        let words: Vec<&str> = text.split_inclusive(' ').collect();
        let (start, mut sent, mut said) = (Instant::now(), 0usize, 0usize);
        self.assistant_audio.insert(item_id.clone(), 0.0);
        self.audio_out = true;
        let mut cancelled = None;
        while sent < total {
            if let Some(at) = self.unconsumed_start.take() {
                let interrupt =
                    self.session["audio"]["input"]["turn_detection"]["interrupt_response"] != json!(false);
                self.announced = Some(self.announce(at));
                if interrupt {
                    let mut log = self.log();
                    log.barge_ins += 1;
                    log.audio_bytes_cut += (total - sent) as u64;
                    cancelled = Some("turn_detected");
                    break;
                }
            }
            if self.cancel {
                cancelled = Some("client_cancelled");
                break;
            }
            let n = 1999.min(total - sent);
            let n = n - n % 2;
            let pcm: Vec<u8> = (0..n / 2)
                .flat_map(|i| {
                    let t = (self.sample + i as u64) as f64 / 24_000.0;
                    ((6000.0 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()) as i16).to_le_bytes()
                })
                .collect();
            self.sample += (n / 2) as u64;
            let word_due = (sent * words.len()) / total.max(1);
            while said <= word_due && said < words.len() {
                self.send(with(
                    "response.output_audio_transcript.delta",
                    json!({"delta": words[said], "obfuscation": "z9A9"}),
                ));
                said += 1;
            }
            let delta = base64::engine::general_purpose::STANDARD.encode(&pcm);
            self.send(with("response.output_audio.delta", json!({"delta": delta})));
            self.log().audio_bytes_out += n as u64;
            sent += n;
            *self.assistant_audio.entry(item_id.clone()).or_default() = sent as f64 / 48.0;
            let due = start + Duration::from_secs_f64(sent as f64 / 48_000.0);
            while self.next(due).await?.is_some() {
                if self.unconsumed_start.is_some() || self.cancel {
                    break;
                }
            }
        }
        let heard: String = if cancelled.is_some() { words[..said].concat() } else { text.to_string() };
        let heard = heard.trim().to_string();
        self.send(with("response.output_audio.done", json!({})));
        self.send(with("response.output_audio_transcript.done", json!({"transcript": heard})));
        self.send(with(
            "response.content_part.done",
            json!({"part": {"type": "audio", "transcript": heard}}),
        ));
        let status = if cancelled.is_some() { "incomplete" } else { "completed" };
        let item = json!({"id": item_id, "type": "message", "status": status, "role": "assistant",
            "content": [{"type": "output_audio", "transcript": heard}]});
        self.send(json!({"type": "response.output_item.done", "response_id": resp, "output_index": 0, "item": item}));
        self.send(json!({"type": "conversation.item.done", "previous_item_id": null, "item": item}));
        self.send(json!({"type": "rate_limits.updated", "rate_limits": [{"name": "tokens", "limit": 40000, "remaining": 39000, "reset_seconds": 1.5}]}));
        match cancelled {
            Some(reason) => self.done(&resp, "cancelled", Some(reason), vec![item]),
            None => self.done(&resp, "completed", None, vec![item]),
        }
        Ok(())
    }
}

//! The protocol's bookkeeping for every valid client event on a fake realtime socket: the
//! session configuration, conversation items, the one active response, truncation, commits.

use serde_json::{json, Value};

use super::conn::{error_event, id, Conv, Out, Trigger};

fn merge(base: &mut Value, patch: &Value) {
    match (base.as_object_mut(), patch.as_object()) {
        (Some(b), Some(p)) => {
            for (k, v) in p {
                match b.get_mut(k) {
                    Some(slot) if slot.is_object() && v.is_object() => merge(slot, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        _ => *base = patch.clone(),
    }
}

impl Conv {
    pub(super) fn error(&self, code: Option<&str>, message: &str, event: &Value) {
        self.log().errors_sent.push(code.unwrap_or("null").to_string());
        let _ = self.out.send(Out::Msg(error_event(code, message, None, event["event_id"].as_str())));
    }

    pub(super) fn item_events(&mut self, item: Value) {
        let previous = self.last_item.replace(item["id"].as_str().unwrap_or("").to_string());
        self.send(json!({"type": "conversation.item.added", "previous_item_id": previous, "item": item}));
        self.send(json!({"type": "conversation.item.done", "previous_item_id": previous, "item": item}));
    }

    pub(super) fn apply(&mut self, v: &Value) {
        match v["type"].as_str().unwrap_or("") {
            "session.update" => {
                if self.audio_out && v["session"]["audio"]["output"].get("voice").is_some() {
                    return self.error(
                        Some("invalid_value"),
                        "Cannot update a conversation's voice if assistant audio is present.",
                        v,
                    );
                }
                merge(&mut self.session, &v["session"]);
                self.configured = true;
                self.send(json!({"type": "session.updated", "session": self.session.clone()}));
            }
            "conversation.item.create" => {
                let mut item = v["item"].clone();
                if item["type"] == "function_call_output" {
                    let call = item["call_id"].as_str().unwrap_or("").to_string();
                    if !self.calls.contains(&call) {
                        return self.error(
                            None,
                            &format!("Tool call ID '{call}' not found in conversation."),
                            v,
                        );
                    }
                    self.outputs.push(call);
                    self.log().function_outputs.push(item.clone());
                } else if item["type"] == "function_call" {
                    self.calls.insert(item["call_id"].as_str().unwrap_or("").to_string());
                } else if item["role"] == "user" {
                    let text = item["content"][0]["text"].as_str().unwrap_or("").to_string();
                    self.typed.push_back(text.clone());
                    self.log().typed.push(text);
                }
                let index = self.index;
                self.log().items.push((index, item.clone()));
                if item.get("id").is_none() {
                    item["id"] = json!(id("item"));
                }
                item["status"] = json!("completed");
                self.item_events(item);
            }
            "response.create" => {
                self.log().response_creates += 1;
                if let Some(active) =
                    self.active.clone().or_else(|| (!self.owed.is_empty()).then(|| "resp_pending".into()))
                {
                    return self.error(Some("conversation_already_has_active_response"), &format!(
                        "Conversation already has an active response in progress: {active}. Wait until the response is finished before creating a new one."), v);
                }
                let instructions = v["response"]["instructions"].as_str().map(str::to_string);
                self.owed.push_back(Trigger::Client { instructions });
            }
            "response.cancel" => match self.active {
                Some(_) => self.cancel = true,
                None => self.error(
                    Some("response_cancel_not_active"),
                    "Cancellation failed: no active response found",
                    v,
                ),
            },
            "conversation.item.truncate" => {
                let item = v["item_id"].as_str().unwrap_or("").to_string();
                let end = v["audio_end_ms"].as_u64().unwrap_or(0);
                self.log().truncates.push(v.clone());
                match self.assistant_audio.get(&item) {
                    None => self.error(None, "Only model output audio messages can be truncated", v),
                    Some(ms) if end as f64 > *ms => {
                        let message =
                            format!("Audio content of {}ms is already shorter than {end}ms", *ms as u64);
                        self.error(None, &message, v)
                    }
                    Some(_) => self.send(json!({"type": "conversation.item.truncated", "item_id": item,
                        "content_index": 0, "audio_end_ms": end})),
                }
            }
            "input_audio_buffer.commit" => {
                if self.buffered_ms < 100.0 {
                    let message = format!("Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has {:.2}ms of audio.", self.buffered_ms);
                    return self.error(Some("input_audio_buffer_commit_empty"), &message, v);
                }
                self.commit();
            }
            "input_audio_buffer.clear" => {
                self.buffered_ms = 0.0;
                self.send(json!({"type": "input_audio_buffer.cleared"}));
            }
            _ => {}
        }
    }

    /// The buffered user audio becomes a user item.
    pub fn commit(&mut self) {
        let item = self.user_item.take().unwrap_or_else(|| id("item"));
        self.buffered_ms = 0.0;
        self.send(json!({"type": "input_audio_buffer.committed", "previous_item_id": self.last_item, "item_id": item}));
        self.item_events(json!({"id": item, "type": "message", "status": "completed", "role": "user",
            "content": [{"type": "input_audio", "transcript": null}]}));
        self.user_item = Some(item);
    }
}

//! One connection of the fake agent: a reader (validation, VAD, idle timeout), a writer, and
//! the script executor.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::{FakeConfig, FakeLog, Step};

#[path = "agent_speech.rs"]
mod agent_speech;

pub(super) struct Shared {
    pub config: FakeConfig,
    pub log: Arc<Mutex<FakeLog>>,
    pub position: Mutex<usize>,
}

pub(super) enum Out {
    Msg(Message),
    /// Flush what is queued, then stop writing (the TCP connection is dropped after).
    Drop,
    Close(CloseCode, String),
}

#[derive(Debug)]
pub(super) enum In {
    Settings(Value),
    Message(Value),
    SpeechStart,
    SpeechEnd,
}

struct Gone;

const WAIT_LIMIT: Duration = Duration::from_secs(40);

pub(super) async fn serve(ws: WebSocketStream<TcpStream>, shared: Arc<Shared>) {
    let (mut sink, stream) = ws.split();
    let (out, mut out_rx) = mpsc::unbounded_channel::<Out>();
    let writer = tokio::spawn(async move {
        while let Some(o) = out_rx.recv().await {
            match o {
                Out::Msg(m) => {
                    if sink.send(m).await.is_err() {
                        return;
                    }
                }
                Out::Drop => {
                    let _ = sink.flush().await;
                    return;
                }
                Out::Close(code, reason) => {
                    let _ = sink.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
                    return;
                }
            }
        }
    });
    let (in_tx, rx) = mpsc::unbounded_channel();
    let reader = tokio::spawn(super::reader::read(stream, shared.clone(), out.clone(), in_tx));
    let _ = out.send(Out::Msg(text(json!({"type": "Welcome", "request_id": uuid()}))));
    let mut conv = Conv {
        shared: shared.clone(),
        out,
        rx,
        speaking: false,
        unconsumed_start: false,
        announced: false,
        injected: Vec::new(),
        sample: 0,
    };
    let dropped = conv.run().await;
    if dropped {
        let _ = conv.out.send(Out::Drop);
        let _ = writer.await;
        reader.abort();
    } else {
        // Let the close handshake finish, then make sure nothing lingers.
        let _ = tokio::time::timeout(Duration::from_secs(2), reader).await;
        writer.abort();
    }
}

fn uuid() -> String {
    format!(
        "fake-{:x}",
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    )
}

fn text(v: Value) -> Message {
    Message::text(v.to_string())
}

pub(super) fn error_msg(code: &str, description: &str) -> Message {
    text(json!({"type": "Error", "code": code, "description": description}))
}

struct Conv {
    shared: Arc<Shared>,
    out: mpsc::UnboundedSender<Out>,
    rx: mpsc::UnboundedReceiver<In>,
    speaking: bool,
    unconsumed_start: bool,
    announced: bool,
    injected: Vec<String>,
    sample: u64,
}

impl Conv {
    fn log(&self) -> std::sync::MutexGuard<'_, FakeLog> {
        self.shared.log.lock().unwrap()
    }

    fn send(&self, v: Value) {
        let _ = self.out.send(Out::Msg(text(v)));
    }

    /// Next event, updating the speech bookkeeping. `Err` when the connection is gone.
    async fn next(&mut self, until: Instant) -> Result<Option<In>, Gone> {
        let ev = match tokio::time::timeout_at(until, self.rx.recv()).await {
            Err(_) => return Ok(None),
            Ok(None) => return Err(Gone),
            Ok(Some(ev)) => ev,
        };
        match &ev {
            In::SpeechStart => {
                self.speaking = true;
                self.unconsumed_start = true;
            }
            In::SpeechEnd => self.speaking = false,
            In::Message(v) if v["type"] == "InjectUserMessage" => {
                self.injected.push(v["content"].as_str().unwrap_or("").to_string());
            }
            _ => {}
        }
        Ok(Some(ev))
    }

    /// Waits for the condition, or gives up after `WAIT_LIMIT` (noted as a problem).
    async fn wait(
        &mut self,
        what: &str,
        mut done: impl FnMut(&mut Conv, Option<&In>) -> bool,
    ) -> Result<(), Gone> {
        let limit = Instant::now() + WAIT_LIMIT;
        if done(self, None) {
            return Ok(());
        }
        loop {
            match self.next(limit).await? {
                None => {
                    self.log().problems.push(format!("timed out waiting for {what}"));
                    return Err(Gone);
                }
                Some(ev) => {
                    if done(self, Some(&ev)) {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Returns whether the connection was dropped (rather than closed).
    async fn run(&mut self) -> bool {
        let settings = match self.wait_settings().await {
            Ok(s) => s,
            Err(Gone) => return false,
        };
        self.send(json!({"type": "SettingsApplied"}));
        if let Some(greeting) = settings["agent"]["greeting"].as_str() {
            self.send(json!({"type": "ConversationText", "role": "assistant", "content": greeting}));
            let ms = self.shared.config.greeting_ms;
            if self.reply(ms).await.is_err() {
                return false;
            }
        }
        loop {
            let step = {
                let pos = self.shared.position.lock().unwrap();
                self.shared.config.script.get(*pos).cloned()
            };
            let Some(step) = step else { break };
            let shared = self.shared.clone();
            let advance = move || *shared.position.lock().unwrap() += 1;
            match step {
                Step::Drop => {
                    advance();
                    return true;
                }
                Step::Error { code, description } => {
                    advance();
                    self.log().errors_sent.push(code.clone());
                    let _ = self.out.send(Out::Msg(error_msg(&code, &description)));
                    let _ = self.out.send(Out::Close(CloseCode::Normal, String::new()));
                    return false;
                }
                other => {
                    if self.step(other).await.is_err() {
                        return false;
                    }
                    advance();
                }
            }
        }
        self.log().script_done = true;
        let far = Instant::now() + Duration::from_secs(3600);
        while let Ok(Some(_)) = self.next(far).await {}
        false
    }

    async fn wait_settings(&mut self) -> Result<Value, Gone> {
        let mut found = None;
        self.wait("Settings", |_, ev| {
            if let Some(In::Settings(v)) = ev {
                found = Some(v.clone());
            }
            found.is_some()
        })
        .await?;
        Ok(found.unwrap_or(Value::Null))
    }

    async fn step(&mut self, step: Step) -> Result<(), Gone> {
        match step {
            Step::UserTurn => {
                self.wait("the user to start speaking", |c, _| c.unconsumed_start).await?;
                if !self.announced {
                    self.send(json!({"type": "UserStartedSpeaking"}));
                }
                self.wait("the user to stop speaking", |c, _| !c.speaking).await?;
                self.unconsumed_start = false;
                self.announced = false;
            }
            Step::UserText(t) => self.send(json!({"type": "ConversationText", "role": "user", "content": t})),
            Step::AgentText(t) => {
                self.send(json!({"type": "ConversationText", "role": "assistant", "content": t}))
            }
            Step::Call { id, name, args, await_response } => {
                self.send(json!({"type": "FunctionCallRequest", "functions": [
                    {"id": id, "name": name, "arguments": args.to_string(), "client_side": true}]}));
                if await_response {
                    self.wait("a FunctionCallResponse", |_, ev| {
                        matches!(ev, Some(In::Message(v)) if v["type"] == "FunctionCallResponse" && v["id"] == id.as_str())
                    })
                    .await?;
                }
            }
            Step::Cancel { id, name } => {
                self.send(json!({"type": "FunctionCallCancelled", "functions": [{"id": id, "name": name}]}));
            }
            Step::Reply { ms } => self.reply(ms).await?,
            Step::Typed => {
                self.wait("an InjectUserMessage", |c, _| !c.injected.is_empty()).await?;
                let content = self.injected.remove(0);
                self.send(json!({"type": "ConversationText", "role": "user", "content": content}));
            }
            Step::Json(v) => self.send(v),
            Step::Raw(t) => {
                let _ = self.out.send(Out::Msg(Message::text(t)));
            }
            Step::Sleep(ms) => {
                let until = Instant::now() + Duration::from_millis(ms);
                while self.next(until).await?.is_some() {}
            }
            Step::Drop | Step::Error { .. } => unreachable!("handled by run"),
        }
        Ok(())
    }
}

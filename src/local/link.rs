//! A local conversation's link: the session's side of the listener and speaker threads. Both
//! run on their own threads because recognition and synthesis are CPU work that must not stall
//! the session's loop; nothing here waits.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{channel, sync_channel, Sender, SyncSender};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

use super::listener::{Heard, Listener};
use super::speaker::{SpeakJob, Speaker};
use crate::voice::{BoxFuture, Bytes, Instruction, LinkCounters, SendError, VoiceEvent, VoiceLink};

/// Frames waiting for the listener: 10 s of 20 ms frames. Recognition of a turn takes well under
/// a second, so this only fills if the machine is badly overloaded; then frames are dropped and
/// counted rather than the capture path waiting. Typed turns and call results are never dropped.
pub(super) const INBOX_FRAMES: usize = 500;

pub struct LocalLink {
    id: String,
    events: UnboundedReceiver<VoiceEvent>,
    inbox: Option<Sender<Heard>>,
    /// Frames handed to the listener and not yet taken.
    queued: Arc<AtomicUsize>,
    closed: bool,
    sent: AtomicU64,
    dropped: AtomicU64,
}

impl LocalLink {
    /// Starts the two threads. `greeting` is spoken first when given.
    pub(super) fn start(
        listener: impl FnOnce(
            tokio::sync::mpsc::UnboundedSender<VoiceEvent>,
            SyncSender<SpeakJob>,
            Arc<AtomicUsize>,
        ) -> Listener,
        speaker: impl FnOnce(tokio::sync::mpsc::UnboundedSender<VoiceEvent>) -> Speaker,
        greeting: Option<String>,
    ) -> std::io::Result<Self> {
        let (events_tx, events) = unbounded_channel();
        let (speak_tx, speak_rx) = sync_channel::<SpeakJob>(16);
        let (inbox_tx, inbox_rx) = channel::<Heard>();
        let queued = Arc::new(AtomicUsize::new(0));
        let speaker = speaker(events_tx.clone());
        let generation = speaker.generation.clone();
        std::thread::Builder::new().name("flux-speaker".into()).spawn(move || speaker.run(speak_rx))?;
        if let Some(text) = greeting {
            let generation = generation.load(Ordering::SeqCst);
            let _ = speak_tx.send(SpeakJob { text, generation, turn_ended: None, stt: None });
        }
        let listener = listener(events_tx.clone(), speak_tx, queued.clone());
        std::thread::Builder::new().name("flux-listener".into()).spawn(move || {
            listener.run(inbox_rx);
            // The listener only stops when the link is closed or its thread failed; either
            // way the session learns the link is gone.
            let _ =
                events_tx.send(VoiceEvent::Closed { code: None, reason: "the local voice stopped".into() });
        })?;
        Ok(LocalLink {
            id: format!("local-{}", uuid::Uuid::new_v4()),
            events,
            inbox: Some(inbox_tx),
            queued,
            closed: false,
            sent: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
        })
    }

    fn hand(&self, heard: Heard) -> Result<(), SendError> {
        let inbox = self.inbox.as_ref().ok_or(SendError::Closed)?;
        inbox.send(heard).map_err(|_| SendError::Closed)
    }
}

impl VoiceLink for LocalLink {
    fn request_id(&self) -> &str {
        &self.id
    }

    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Option<VoiceEvent>> {
        if self.closed {
            return Poll::Ready(None);
        }
        let polled = self.events.poll_recv(cx);
        if let Poll::Ready(Some(VoiceEvent::Closed { .. }) | None) = &polled {
            self.closed = true;
        }
        polled
    }

    fn send_audio(&self, pcm: Bytes, _ready_at: Instant) -> Result<(), SendError> {
        if self.queued.load(Ordering::SeqCst) >= INBOX_FRAMES {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return Err(SendError::Full);
        }
        self.queued.fetch_add(1, Ordering::SeqCst);
        self.hand(Heard::Audio(pcm))?;
        self.sent.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn send_user_text(&self, text: &str) -> Result<(), SendError> {
        if text.trim().is_empty() {
            return Err(SendError::Invalid("an empty message".into()));
        }
        self.hand(Heard::Typed(text.to_string()))
    }

    fn answer_call(&self, id: &str, _name: &str, content: &str) -> Result<(), SendError> {
        self.hand(Heard::Answer { id: id.to_string(), content: content.to_string() })
    }

    /// The local understanding follows no instructions, so it says the fixed reply.
    fn send_instruction(&self, instruction: &Instruction) -> Result<(), SendError> {
        self.hand(Heard::Reply(instruction.fixed_reply.clone()))
    }

    fn close(&mut self, _wait: Duration) -> BoxFuture<'_, ()> {
        // Dropping the inbox ends the listener, which drops the speaker's queue in turn.
        self.inbox = None;
        self.closed = true;
        Box::pin(async {})
    }

    fn counters(&self) -> LinkCounters {
        LinkCounters {
            frames_sent: self.sent.load(Ordering::Relaxed),
            keepalives_sent: 0,
            frames_dropped: self.dropped.load(Ordering::Relaxed),
        }
    }
}

/// A fresh barge-in counter for a link's listener and speaker.
pub(super) fn generation() -> Arc<AtomicU64> {
    Arc::new(AtomicU64::new(0))
}

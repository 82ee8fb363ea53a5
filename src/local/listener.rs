//! The listening side of a local conversation: captured frames → turn taking → speech
//! recognition → understanding → a function call for the session, or a reply to speak.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono_tz::Tz;
use tokio::sync::mpsc::UnboundedSender;

use super::endpoint::{Endpointer, TurnConfig, TurnEvent};
use super::engines::SpeechToText;
use super::speaker::SpeakJob;
use crate::audio::resample::MonoResampler;
use crate::time::Clock;
use crate::understand::{Reply, Understanding};
use crate::voice::{Bytes, FunctionCallRequest, VoiceEvent};

/// The rate speech recognition takes.
pub const STT_RATE: u32 = 16_000;
/// 20 ms at [`STT_RATE`].
const FRAME_16K: usize = 320;

/// Words after which a sentence is not over, whatever punctuation the recogniser guessed.
const CONTINUES: [&str; 16] =
    ["and", "to", "at", "the", "a", "on", "in", "for", "my", "of", "with", "um", "uh", "so", "but", "or"];

/// At most this many words that run nothing do not end a turn at an early pause.
const SHORT_WORDS: usize = 2;

/// What the words at an early pause say about the turn.
enum AtPause {
    /// A finished request: the turn ends here.
    Finished(String),
    /// The user may go on; these are the words so far.
    Unfinished(String),
    /// Recognition failed; the end of the turn tries again.
    Unheard,
}

/// What the link hands the listener.
pub enum Heard {
    Audio(Bytes),
    Typed(String),
    Answer {
        id: String,
        content: String,
    },
    /// A reply the app wants said now instead of whatever is being said (a safety notice).
    Reply(String),
}

pub struct Listener {
    pub stt: Arc<Mutex<Box<dyn SpeechToText>>>,
    pub understanding: Box<dyn Understanding>,
    pub input_rate: u32,
    pub turns: TurnConfig,
    pub tz: Tz,
    pub clock: Clock,
    pub generation: Arc<AtomicU64>,
    pub events: UnboundedSender<VoiceEvent>,
    pub speak: SyncSender<SpeakJob>,
    /// Frames the link queued and this side has not taken yet.
    pub queued: Arc<AtomicUsize>,
}

/// A function call the session has not answered yet, with what the reply's latency counts from.
struct Pending {
    id: String,
    turn_ended: Instant,
    stt: Option<Duration>,
}

impl Listener {
    /// Runs until the link goes away.
    pub fn run(mut self, inbox: Receiver<Heard>) {
        let mut endpointer = Endpointer::new(self.turns.clone());
        let mut resampler = match MonoResampler::new(self.input_rate, STT_RATE) {
            Ok(r) => r,
            Err(e) => {
                self.emit(VoiceEvent::Error { code: "input_rate".into(), description: e.to_string() });
                return;
            }
        };
        let (mut floats, mut resampled) = (Vec::new(), Vec::new());
        let mut pending: Option<Pending> = None;
        // The words heard at the last early pause of the current utterance.
        let mut heard_at_pause: Option<String> = None;
        while let Ok(heard) = inbox.recv() {
            match heard {
                Heard::Audio(pcm) => {
                    self.queued.fetch_sub(1, Ordering::SeqCst);
                    floats.clear();
                    floats.extend(
                        pcm.chunks_exact(2).map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0),
                    );
                    if resampler.process(&floats, &mut resampled).is_err() {
                        continue;
                    }
                    // The endpointer counts time in frames, so it gets exact 20 ms ones whatever
                    // sizes the resampler produces.
                    let mut start = 0;
                    while resampled.len() - start >= FRAME_16K {
                        let frame = &resampled[start..start + FRAME_16K];
                        start += FRAME_16K;
                        match endpointer.push(frame) {
                            None | Some(TurnEvent::Dropped) => {}
                            Some(TurnEvent::Speaking) => {
                                // Barge-in: whatever Flux is saying now is stale.
                                self.generation.fetch_add(1, Ordering::SeqCst);
                                self.emit(VoiceEvent::UserStartedSpeaking);
                            }
                            Some(TurnEvent::Paused(samples)) => {
                                let ended = Instant::now();
                                match self.at_pause(&samples) {
                                    AtPause::Finished(text) => {
                                        endpointer.end_turn();
                                        let stt = Some(ended.elapsed());
                                        self.emit(VoiceEvent::UserTranscript(text.clone()));
                                        pending = self.respond(&text, ended, stt);
                                    }
                                    // If the pause runs on to the end of the turn, nothing new
                                    // was said since: these words are the turn's.
                                    AtPause::Unfinished(text) => heard_at_pause = Some(text),
                                    AtPause::Unheard => heard_at_pause = None,
                                }
                            }
                            Some(TurnEvent::Ended(samples)) => {
                                if let Some(p) = self.heard_turn(&samples, heard_at_pause.take()) {
                                    pending = p;
                                }
                            }
                        }
                    }
                    resampled.drain(..start);
                }
                Heard::Typed(text) => {
                    self.generation.fetch_add(1, Ordering::SeqCst);
                    self.emit(VoiceEvent::UserTranscript(text.clone()));
                    pending = self.respond(&text, Instant::now(), None);
                }
                Heard::Answer { id, content } => match pending.take() {
                    Some(p) if p.id == id => self.say(content, Some(p.turn_ended), p.stt),
                    other => pending = other,
                },
                Heard::Reply(text) => {
                    // The reply already on its way answers words that called for this one.
                    self.generation.fetch_add(1, Ordering::SeqCst);
                    self.say(text, None, None);
                }
            }
        }
    }

    fn emit(&self, event: VoiceEvent) {
        let _ = self.events.send(event);
    }

    /// Transcribes an utterance (unless its words are known from its last pause) and answers
    /// it. `None` when nothing was understood as words (the pending call, if any, stays);
    /// `Some(p)` replaces it.
    fn heard_turn(&mut self, samples: &[f32], known: Option<String>) -> Option<Option<Pending>> {
        let ended = Instant::now();
        let text = match known {
            Some(text) => Ok(text),
            None => self.stt.lock().unwrap_or_else(|p| p.into_inner()).transcribe(samples),
        };
        let stt = ended.elapsed();
        let text = match text {
            Ok(t) => t.trim().to_string(),
            Err(e) => {
                tracing::warn!(error = %e, "speech recognition failed");
                self.emit(VoiceEvent::Error { code: "stt".into(), description: e.to_string() });
                return None;
            }
        };
        if !text.chars().any(char::is_alphanumeric) {
            tracing::debug!("an utterance with no words; ignored");
            return None;
        }
        self.emit(VoiceEvent::UserTranscript(text.clone()));
        Some(self.respond(&text, ended, Some(stt)))
    }

    /// Whether the words of a paused utterance already make a finished request: a whole sentence
    /// that the understanding would act on or answer without asking for a detail. Ending the
    /// turn there saves most of the end-of-turn pause; anything less waits for it, so "remind me
    /// to call the dentist … tomorrow at five" stays one turn.
    fn at_pause(&mut self, samples: &[f32]) -> AtPause {
        let Ok(text) = self.stt.lock().unwrap_or_else(|p| p.into_inner()).transcribe(samples) else {
            return AtPause::Unheard;
        };
        let text = text.trim().to_string();
        let last = text.trim_end_matches(['.', '?', '!']).rsplit(' ').next().unwrap_or("").to_lowercase();
        let closed = text.ends_with(['.', '?', '!']) && !CONTINUES.contains(&last.as_str());
        if !closed {
            return AtPause::Unfinished(text);
        }
        match self.understanding.preview(&text, self.clock.now(), self.tz) {
            Reply::Call { .. } => AtPause::Finished(text),
            // A word or two that runs nothing ("Wait.", "So.", "Okay.") is more often the start
            // of a longer turn than all of it: the whole pause decides.
            Reply::Say(_) if text.split_whitespace().count() > SHORT_WORDS => AtPause::Finished(text),
            // A missing detail is what a user is most likely still about to say.
            Reply::Say(_) | Reply::Ask(_) => AtPause::Unfinished(text),
        }
    }

    fn respond(&mut self, text: &str, turn_ended: Instant, stt: Option<Duration>) -> Option<Pending> {
        self.emit(VoiceEvent::AgentThinking);
        match self.understanding.turn(text, self.clock.now(), self.tz) {
            Reply::Call { name, arguments } => {
                let id = format!("local-{}", uuid::Uuid::new_v4());
                self.emit(VoiceEvent::FunctionCalls(vec![FunctionCallRequest {
                    id: id.clone(),
                    name,
                    arguments: arguments.to_string(),
                    client_side: true,
                }]));
                Some(Pending { id, turn_ended, stt })
            }
            Reply::Ask(text) | Reply::Say(text) => {
                self.say(text, Some(turn_ended), stt);
                None
            }
        }
    }

    fn say(&self, text: String, turn_ended: Option<Instant>, stt: Option<Duration>) {
        let generation = self.generation.load(Ordering::SeqCst);
        let _ = self.speak.send(SpeakJob { text, generation, turn_ended, stt });
    }
}

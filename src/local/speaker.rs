//! Flux's voice on this computer: replies are synthesised sentence by sentence and streamed as
//! they are ready, so the first words play while the rest is still being made. A barge-in
//! (a newer generation) stops a reply between sentences and between chunks.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use super::engines::TextToSpeech;
use super::pieces::speech_pieces;
use super::spoken::for_speech;
use crate::audio::resample::MonoResampler;
use crate::voice::{AgentStartedLatency, Bytes, LatencyReport, VoiceEvent};

/// Agent audio goes out in chunks of this length, so a flush drops little that was queued.
const CHUNK: Duration = Duration::from_millis(100);

/// One reply to speak.
#[derive(Debug, Clone)]
pub struct SpeakJob {
    pub text: String,
    /// The barge-in generation it belongs to; a newer one cancels it.
    pub generation: u64,
    /// When the user's turn ended (or the typed turn arrived); `None` for the greeting.
    pub turn_ended: Option<Instant>,
    /// Speech recognition time of the turn, for the latency report.
    pub stt: Option<Duration>,
}

pub struct Speaker {
    pub tts: Arc<Mutex<Box<dyn TextToSpeech>>>,
    pub output_rate: u32,
    pub generation: Arc<AtomicU64>,
    pub events: UnboundedSender<VoiceEvent>,
}

impl Speaker {
    /// Speaks jobs until the sender goes away.
    pub fn run(self, jobs: Receiver<SpeakJob>) {
        while let Ok(job) = jobs.recv() {
            self.speak(&job);
        }
    }

    fn current(&self, job: &SpeakJob) -> bool {
        self.generation.load(Ordering::SeqCst) == job.generation
    }

    fn emit(&self, event: VoiceEvent) {
        let _ = self.events.send(event);
    }

    fn speak(&self, job: &SpeakJob) {
        if !self.current(job) {
            return;
        }
        self.emit(VoiceEvent::AgentTranscript { role: "assistant".into(), content: job.text.clone() });
        let mut started = false;
        for sentence in speech_pieces(&job.text) {
            let t0 = Instant::now();
            let audio = {
                let mut tts = self.tts.lock().unwrap_or_else(|p| p.into_inner());
                let rate = tts.sample_rate();
                tts.synthesize(&for_speech(&sentence)).map(|samples| (samples, rate))
            };
            let (samples, rate) = match audio {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "speech synthesis failed");
                    self.emit(VoiceEvent::Error { code: "tts".into(), description: e.to_string() });
                    break;
                }
            };
            if !self.current(job) {
                return;
            }
            let pcm = match to_linear16(&samples, rate, self.output_rate) {
                Ok(pcm) => pcm,
                Err(e) => {
                    self.emit(VoiceEvent::Error { code: "tts".into(), description: e });
                    break;
                }
            };
            if !started {
                started = true;
                self.announce(job, t0.elapsed());
            }
            let chunk_bytes = (self.output_rate as usize * CHUNK.as_millis() as usize / 1000) * 2;
            for chunk in pcm.chunks(chunk_bytes.max(2)) {
                if !self.current(job) {
                    return;
                }
                self.emit(VoiceEvent::Audio(Bytes::copy_from_slice(chunk)));
            }
        }
        if self.current(job) {
            self.emit(VoiceEvent::AgentAudioDone);
        }
    }

    fn announce(&self, job: &SpeakJob, tts: Duration) {
        let total = job.turn_ended.map(|t| t.elapsed().as_secs_f64());
        let tts = Some(tts.as_secs_f64());
        self.emit(VoiceEvent::AgentStartedSpeaking(AgentStartedLatency {
            total_latency: total,
            tts_latency: tts,
            ttt_latency: None,
        }));
        if job.turn_ended.is_some() {
            self.emit(VoiceEvent::Latency(LatencyReport {
                stt_latency: job.stt.map(|d| d.as_secs_f64()),
                tts_latency: tts,
                total_latency: total,
                ..LatencyReport::default()
            }));
        }
    }
}

/// Mono f32 at `from` Hz → linear16 LE at `to` Hz.
pub fn to_linear16(samples: &[f32], from: u32, to: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(samples.len() * to as usize / from.max(1) as usize + 64);
    if from == to {
        out.extend_from_slice(samples);
    } else {
        let mut r = MonoResampler::new(from, to).map_err(|e| e.to_string())?;
        r.process(samples, &mut out).map_err(|e| e.to_string())?;
        r.finish(&mut out).map_err(|e| e.to_string())?;
    }
    Ok(out
        .iter()
        .flat_map(|s| ((s * 32767.0).round().clamp(-32768.0, 32767.0) as i16).to_le_bytes())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear16_at_the_output_rate() {
        let pcm = to_linear16(&vec![0.5; 22_050], 22_050, 24_000).unwrap();
        assert_eq!(pcm.len(), 24_000 * 2);
        let mid = i16::from_le_bytes([pcm[24_000], pcm[24_001]]);
        assert!((i32::from(mid) - 16_384).abs() < 200, "{mid}");
    }
}

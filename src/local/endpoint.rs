//! Turn taking for the local provider: where the user's utterance starts and ends, from the
//! level of each 20 ms frame against a tracked noise floor. A cloud agent does this on its side;
//! on this computer it decides when speech recognition runs, so its pause sets how long the
//! user waits after speaking.

use std::collections::VecDeque;
use std::time::Duration;

use crate::audio::level::{rms, to_dbfs};

/// The knobs of turn taking, in frames of the caller's size (20 ms in the app).
#[derive(Debug, Clone)]
pub struct TurnConfig {
    pub frame: Duration,
    /// Silence that ends a turn.
    pub end_pause: Duration,
    /// Silence after which the words so far are looked at: when they already make a finished
    /// request, the turn can end here instead of waiting for the whole pause.
    pub early_pause: Duration,
    /// Loud frames in a row that open an utterance.
    pub onset_frames: u32,
    /// Loud frames within an utterance before it counts as the user speaking (barge-in): a cough
    /// or a click must not cut Flux off.
    pub speech_frames: u32,
    /// Audio kept from before the onset, so the first syllable is not clipped.
    pub preroll: Duration,
    /// An utterance never grows past this; it is cut into a turn.
    pub max_utterance: Duration,
    /// A frame is loud when it is this far above the noise floor …
    pub margin_db: f32,
    /// … and above this absolute level.
    pub min_dbfs: f32,
}

impl Default for TurnConfig {
    fn default() -> Self {
        TurnConfig {
            frame: Duration::from_millis(20),
            // 600 ms is where a pause stops sounding like breath between words; shorter pauses
            // split "call the dentist … tomorrow" into two turns.
            end_pause: Duration::from_millis(600),
            early_pause: Duration::from_millis(240),
            onset_frames: 3,
            speech_frames: 10,
            preroll: Duration::from_millis(200),
            max_utterance: Duration::from_secs(20),
            margin_db: 12.0,
            min_dbfs: -48.0,
        }
    }
}

/// Frames whose quietest sets the noise floor (1.5 s of 20 ms frames).
const FLOOR_WINDOW: usize = 75;

/// What one frame changed.
#[derive(Debug, Clone, PartialEq)]
pub enum TurnEvent {
    /// The user is speaking (enough loud frames): stop Flux talking.
    Speaking,
    /// The user paused for `early_pause`; the utterance so far. The caller may end the turn
    /// here ([`Endpointer::end_turn`]) or let it run to the full pause.
    Paused(Vec<f32>),
    /// The turn ended; the utterance's samples, preroll included.
    Ended(Vec<f32>),
    /// An utterance that was too short to be speech (noise); nothing to transcribe.
    Dropped,
}

/// Frame-by-frame turn detector. Samples are kept at whatever rate the caller feeds.
pub struct Endpointer {
    config: TurnConfig,
    /// Levels of the last frames; their minimum is the noise floor.
    levels: VecDeque<f32>,
    preroll: VecDeque<Vec<f32>>,
    utterance: Option<Utterance>,
    loud_run: u32,
}

struct Utterance {
    samples: Vec<f32>,
    loud_frames: u32,
    quiet_run: u32,
    frames: u32,
    speaking: bool,
}

impl Endpointer {
    pub fn new(config: TurnConfig) -> Self {
        Endpointer { config, levels: VecDeque::new(), preroll: VecDeque::new(), utterance: None, loud_run: 0 }
    }

    fn frames_in(&self, d: Duration) -> u32 {
        (d.as_millis() / self.config.frame.as_millis().max(1)) as u32
    }

    pub fn in_utterance(&self) -> bool {
        self.utterance.is_some()
    }

    /// Feeds one frame; returns what it changed.
    pub fn push(&mut self, frame: &[f32]) -> Option<TurnEvent> {
        let early_pause = self.frames_in(self.config.early_pause);
        let end_pause = self.frames_in(self.config.end_pause);
        let max_frames = self.frames_in(self.config.max_utterance);
        let level = to_dbfs(rms(frame));
        let loud = level >= (self.floor_db() + self.config.margin_db).max(self.config.min_dbfs);
        self.levels.push_back(level);
        if self.levels.len() > FLOOR_WINDOW {
            self.levels.pop_front();
        }
        self.loud_run = if loud { self.loud_run + 1 } else { 0 };
        let Some(u) = self.utterance.as_mut() else {
            self.preroll.push_back(frame.to_vec());
            if self.preroll.len() as u32 > self.frames_in(self.config.preroll) + self.config.onset_frames {
                self.preroll.pop_front();
            }
            if self.loud_run >= self.config.onset_frames {
                let samples: Vec<f32> = self.preroll.drain(..).flatten().collect();
                let frames = self.loud_run;
                self.utterance =
                    Some(Utterance { samples, loud_frames: frames, quiet_run: 0, frames, speaking: false });
            }
            return None;
        };
        u.samples.extend_from_slice(frame);
        u.frames += 1;
        if loud {
            u.loud_frames += 1;
            u.quiet_run = 0;
        } else {
            u.quiet_run += 1;
        }
        if !u.speaking && u.loud_frames >= self.config.speech_frames {
            u.speaking = true;
            return Some(TurnEvent::Speaking);
        }
        if u.speaking && u.quiet_run == early_pause {
            return Some(TurnEvent::Paused(u.samples.clone()));
        }
        let too_long = u.frames >= max_frames;
        if u.quiet_run < end_pause && !too_long {
            return None;
        }
        let u = self.utterance.take()?;
        self.loud_run = 0;
        Some(if u.speaking { TurnEvent::Ended(u.samples) } else { TurnEvent::Dropped })
    }

    /// Ends the current utterance now (after a [`TurnEvent::Paused`] that made a finished
    /// request); the next loud frames start a new one.
    pub fn end_turn(&mut self) {
        self.utterance = None;
        self.loud_run = 0;
    }

    /// The quietest recent frame. Speech always has quiet gaps between words within 1.5 s, so
    /// the floor stays low while the user talks; steady noise (a fan) has none, so it becomes
    /// the floor and stops counting as speech. Until a few frames are known, a quiet room is
    /// assumed.
    fn floor_db(&self) -> f32 {
        if self.levels.len() < 5 {
            return -60.0;
        }
        self.levels.iter().copied().fold(f32::INFINITY, f32::min)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(amplitude: f32) -> Vec<f32> {
        (0..320).map(|i| if i % 2 == 0 { amplitude } else { -amplitude }).collect()
    }

    fn feed(ep: &mut Endpointer, amplitude: f32, n: usize) -> Vec<TurnEvent> {
        (0..n).filter_map(|_| ep.push(&frame(amplitude))).collect()
    }

    #[test]
    fn a_turn_ends_after_the_pause_with_its_preroll() {
        let mut ep = Endpointer::new(TurnConfig::default());
        assert!(feed(&mut ep, 0.0, 50).is_empty());
        let events = feed(&mut ep, 0.2, 25);
        assert_eq!(events, vec![TurnEvent::Speaking]);
        // 580 ms of quiet: still the same turn (a pause between words).
        let events = feed(&mut ep, 0.0, 29);
        assert!(
            matches!(&events[..], [TurnEvent::Paused(s)] if s.len() == (13 + 22 + 12) * 320),
            "{events:?}"
        );
        let events = feed(&mut ep, 0.0, 1);
        let TurnEvent::Ended(samples) = &events[0] else { panic!("{events:?}") };
        // 10 frames of preroll + 3 onset frames, then the rest of the speech and the pause.
        assert_eq!(samples.len(), (13 + 22 + 30) * 320);
        assert!(!ep.in_utterance());
    }

    #[test]
    fn a_finished_request_can_end_the_turn_at_the_early_pause() {
        let mut ep = Endpointer::new(TurnConfig::default());
        feed(&mut ep, 0.0, 20);
        feed(&mut ep, 0.2, 25);
        let events = feed(&mut ep, 0.0, 12);
        assert!(matches!(&events[..], [TurnEvent::Paused(_)]), "{events:?}");
        ep.end_turn();
        assert!(!ep.in_utterance());
        assert!(feed(&mut ep, 0.0, 40).is_empty(), "the ended turn does not end again");
    }

    #[test]
    fn a_short_noise_is_dropped_without_a_barge_in() {
        let mut ep = Endpointer::new(TurnConfig::default());
        feed(&mut ep, 0.0, 20);
        let mut events = feed(&mut ep, 0.3, 5);
        events.extend(feed(&mut ep, 0.0, 40));
        assert_eq!(events, vec![TurnEvent::Dropped]);
    }

    #[test]
    fn steady_noise_raises_the_floor_and_speech_still_stands_out() {
        let mut ep = Endpointer::new(TurnConfig::default());
        // A fan at about -30 dBFS: above the absolute minimum, so only the floor keeps it out.
        let events = feed(&mut ep, 0.03, 500);
        assert!(events.iter().all(|e| *e == TurnEvent::Dropped), "{events:?}");
        assert!(!ep.in_utterance());
        let events = feed(&mut ep, 0.3, 20);
        assert_eq!(events, vec![TurnEvent::Speaking]);
    }

    #[test]
    fn a_monologue_is_cut_at_the_maximum() {
        let config = TurnConfig { max_utterance: Duration::from_secs(2), ..TurnConfig::default() };
        let mut ep = Endpointer::new(config);
        // Syllables: 160 ms of sound, 40 ms of silence, never a pause long enough to end a turn.
        let events: Vec<TurnEvent> =
            (0..150).filter_map(|i| ep.push(&frame(if i % 10 < 8 { 0.2 } else { 0.0 }))).collect();
        assert_eq!(events.iter().filter(|e| matches!(e, TurnEvent::Ended(_))).count(), 1, "{events:?}");
    }
}

//! A tiny energy VAD over the captured frames. It only has to say when the user's speech ended
//! (the start of our own latency measurement); the service does the real turn detection.

use std::time::Instant;

/// Level of silence, used instead of -inf so levels stay finite in JSON.
pub const SILENCE_DBFS: f32 = -120.0;

/// RMS level of a linear16 LE frame in dBFS. A trailing odd byte is ignored.
pub fn frame_dbfs(pcm: &[u8]) -> f32 {
    let mut sum = 0.0f64;
    let mut n = 0usize;
    for pair in pcm.chunks_exact(2) {
        let s = f64::from(i16::from_le_bytes([pair[0], pair[1]])) / 32768.0;
        sum += s * s;
        n += 1;
    }
    if n == 0 || sum == 0.0 {
        return SILENCE_DBFS;
    }
    let db = 10.0 * (sum / n as f64).log10();
    (db as f32).max(SILENCE_DBFS)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VadEvent {
    /// Speech began; the instant is when the first loud frame was ready.
    SpeechStart(Instant),
    /// Speech ended; the instant is when the last loud frame was ready (not when the hangover
    /// ran out), so latency measured from it includes the service's endpointing delay.
    SpeechEnd(Instant),
}

/// Onset after `onset_frames` loud frames in a row; end after `hangover_frames` quiet ones.
#[derive(Debug, Clone)]
pub struct EnergyVad {
    threshold_dbfs: f32,
    onset_frames: u32,
    hangover_frames: u32,
    loud_run: u32,
    quiet_run: u32,
    first_loud_at: Option<Instant>,
    last_loud_at: Option<Instant>,
    in_speech: bool,
}

impl EnergyVad {
    pub fn new(threshold_dbfs: f32, onset_frames: u32, hangover_frames: u32) -> Self {
        EnergyVad {
            threshold_dbfs,
            onset_frames: onset_frames.max(1),
            hangover_frames: hangover_frames.max(1),
            loud_run: 0,
            quiet_run: 0,
            first_loud_at: None,
            last_loud_at: None,
            in_speech: false,
        }
    }

    /// Defaults for 20 ms frames: 60 ms onset, 400 ms hangover, -45 dBFS.
    pub fn for_20ms_frames() -> Self {
        Self::new(-45.0, 3, 20)
    }

    pub fn in_speech(&self) -> bool {
        self.in_speech
    }

    pub fn push(&mut self, dbfs: f32, ready_at: Instant) -> Option<VadEvent> {
        if dbfs >= self.threshold_dbfs {
            self.quiet_run = 0;
            if self.loud_run == 0 {
                self.first_loud_at = Some(ready_at);
            }
            self.loud_run = self.loud_run.saturating_add(1);
            self.last_loud_at = Some(ready_at);
            if !self.in_speech && self.loud_run >= self.onset_frames {
                self.in_speech = true;
                return self.first_loud_at.map(VadEvent::SpeechStart);
            }
            return None;
        }
        self.loud_run = 0;
        if !self.in_speech {
            return None;
        }
        self.quiet_run = self.quiet_run.saturating_add(1);
        if self.quiet_run >= self.hangover_frames {
            self.in_speech = false;
            self.quiet_run = 0;
            return self.last_loud_at.map(VadEvent::SpeechEnd);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn tone(amplitude: i16, samples: usize) -> Vec<u8> {
        (0..samples).flat_map(|i| (if i % 2 == 0 { amplitude } else { -amplitude }).to_le_bytes()).collect()
    }

    #[test]
    fn levels() {
        assert_eq!(frame_dbfs(&[]), SILENCE_DBFS);
        assert_eq!(frame_dbfs(&tone(0, 320)), SILENCE_DBFS);
        assert!((frame_dbfs(&tone(16384, 320)) + 6.02).abs() < 0.1);
        assert!((frame_dbfs(&[0, 64, 7]) + 6.02).abs() < 0.1, "odd byte ignored");
    }

    #[test]
    fn onset_and_hangover() {
        let mut vad = EnergyVad::new(-40.0, 2, 3);
        let t0 = Instant::now();
        let at = |i: u64| t0 + Duration::from_millis(20 * i);
        assert_eq!(vad.push(-80.0, at(0)), None);
        assert_eq!(vad.push(-10.0, at(1)), None);
        assert_eq!(vad.push(-10.0, at(2)), Some(VadEvent::SpeechStart(at(1))));
        assert_eq!(vad.push(-10.0, at(3)), None);
        assert_eq!(vad.push(-80.0, at(4)), None);
        assert_eq!(vad.push(-80.0, at(5)), None);
        assert_eq!(vad.push(-80.0, at(6)), Some(VadEvent::SpeechEnd(at(3))));
        assert!(!vad.in_speech());
        // A single loud click does not start speech.
        assert_eq!(vad.push(-10.0, at(7)), None);
        assert_eq!(vad.push(-80.0, at(8)), None);
        assert!(!vad.in_speech());
    }
}

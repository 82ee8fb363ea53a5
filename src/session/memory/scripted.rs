//! A frame source that plays a script of tones and silences in real time.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::session::traits::{Frame, FrameSource};
use crate::voice::Bytes;

/// A piece of scripted input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Segment {
    /// A square-ish tone at `amplitude` (0..32767), loud enough for any energy VAD.
    Tone {
        ms: u32,
        amplitude: i16,
    },
    Silence {
        ms: u32,
    },
}

/// Frames from a script, paced in real time. After the script: ends, or (with `hold`) goes
/// quiet without ending, like a muted microphone.
pub struct ScriptedSource {
    rate: u32,
    frames: VecDeque<Bytes>,
    hold: bool,
    next_at: Option<tokio::time::Instant>,
}

impl ScriptedSource {
    pub fn new(rate: u32, script: &[Segment], hold: bool) -> Self {
        let per_frame = (rate / 50) as usize;
        let mut frames = VecDeque::new();
        let mut n = 0usize;
        for seg in script {
            let (ms, amp) = match *seg {
                Segment::Tone { ms, amplitude } => (ms, amplitude),
                Segment::Silence { ms } => (ms, 0),
            };
            for _ in 0..(ms / 20) {
                let mut pcm = Vec::with_capacity(per_frame * 2);
                for _ in 0..per_frame {
                    // 400 Hz-ish square wave at 16 kHz; the rate only changes its pitch.
                    let s = if (n / 20).is_multiple_of(2) { amp } else { -amp };
                    pcm.extend_from_slice(&s.to_le_bytes());
                    n += 1;
                }
                frames.push_back(Bytes::from(pcm));
            }
        }
        ScriptedSource { rate, frames, hold, next_at: None }
    }
}

impl FrameSource for ScriptedSource {
    fn sample_rate(&self) -> u32 {
        self.rate
    }
    async fn next_frame(&mut self) -> Option<Frame> {
        let at = *self.next_at.get_or_insert_with(tokio::time::Instant::now);
        if self.frames.is_empty() {
            if self.hold {
                std::future::pending::<()>().await;
            }
            return None;
        }
        tokio::time::sleep_until(at + Duration::from_millis(20)).await;
        self.next_at = Some(at + Duration::from_millis(20));
        let pcm = self.frames.pop_front()?;
        Some(Frame { pcm, ready_at: Instant::now() })
    }
    fn dropped_frames(&self) -> u64 {
        0
    }
}

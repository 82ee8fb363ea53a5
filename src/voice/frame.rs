//! The unit of captured audio that flows from the capture path to a provider.

use std::time::{Duration, Instant};

use bytes::Bytes;

/// One frame of captured audio: mono linear16 little-endian at the stream's rate (20 ms).
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub pcm: Bytes,
    /// When the frame was complete and handed to the consumer's queue.
    pub ready_at: Instant,
}

impl Frame {
    /// Encodes samples as linear16 little-endian.
    pub fn from_samples(samples: &[i16], ready_at: Instant) -> Self {
        let mut out = Vec::with_capacity(samples.len() * 2);
        for s in samples {
            out.extend_from_slice(&s.to_le_bytes());
        }
        Frame { pcm: Bytes::from(out), ready_at }
    }

    pub fn samples(&self) -> impl Iterator<Item = i16> + '_ {
        self.pcm.chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]]))
    }

    pub fn len(&self) -> usize {
        self.pcm.len() / 2
    }

    pub fn is_empty(&self) -> bool {
        self.pcm.is_empty()
    }

    pub fn duration(&self, sample_rate: u32) -> Duration {
        Duration::from_secs_f64(self.len() as f64 / f64::from(sample_rate.max(1)))
    }
}

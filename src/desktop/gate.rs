//! Mute and push-to-talk: a gate between the microphone and the agent. Closed, the captured
//! frames are still drained (so nothing stale is sent when it opens) but not passed on; the
//! session then keeps the socket alive with KeepAlive.

use crate::session::{Frame, FrameSource};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TalkMode {
    /// The microphone is open while the conversation runs (unless muted).
    #[default]
    HandsFree,
    /// The microphone is open only while the shortcut or the button is held.
    PushToTalk,
}

#[derive(Clone, Default)]
pub struct Gate {
    inner: Arc<GateState>,
}

#[derive(Default)]
struct GateState {
    push_to_talk: AtomicBool,
    /// Shared with the capture path, which lifts half-duplex muting while it is set.
    held: Arc<AtomicBool>,
    muted: AtomicBool,
}

impl Gate {
    pub fn set_mode(&self, mode: TalkMode) {
        self.inner.push_to_talk.store(mode == TalkMode::PushToTalk, Ordering::Relaxed);
    }
    pub fn mode(&self) -> TalkMode {
        if self.inner.push_to_talk.load(Ordering::Relaxed) {
            TalkMode::PushToTalk
        } else {
            TalkMode::HandsFree
        }
    }
    pub fn set_muted(&self, muted: bool) {
        self.inner.muted.store(muted, Ordering::Relaxed);
    }
    pub fn muted(&self) -> bool {
        self.inner.muted.load(Ordering::Relaxed)
    }
    pub fn hold(&self, pressed: bool) {
        self.inner.held.store(pressed, Ordering::Relaxed);
    }
    /// The push-to-talk key state, for the capture path.
    pub fn held_flag(&self) -> Arc<AtomicBool> {
        self.inner.held.clone()
    }
    pub fn is_open(&self) -> bool {
        let s = &self.inner;
        !s.muted.load(Ordering::Relaxed)
            && (!s.push_to_talk.load(Ordering::Relaxed) || s.held.load(Ordering::Relaxed))
    }
}

pub struct Gated<S> {
    pub source: S,
    pub gate: Gate,
}

impl<S: FrameSource> FrameSource for Gated<S> {
    fn sample_rate(&self) -> u32 {
        self.source.sample_rate()
    }
    fn start(&mut self) {
        self.source.start();
    }
    async fn next_frame(&mut self) -> Option<Frame> {
        // Cancel-safe: nothing is held across the await but the inner source's own state.
        loop {
            let frame = self.source.next_frame().await?;
            if self.gate.is_open() {
                return Some(frame);
            }
        }
    }
    fn dropped_frames(&self) -> u64 {
        self.source.dropped_frames()
    }
    fn echo(&self) -> crate::session::EchoFigures {
        self.source.echo()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        let g = Gate::default();
        assert!(g.is_open());
        g.set_muted(true);
        assert!(!g.is_open());
        g.set_muted(false);
        g.set_mode(TalkMode::PushToTalk);
        assert!(!g.is_open());
        g.hold(true);
        assert!(g.is_open());
        g.set_muted(true);
        assert!(!g.is_open(), "mute wins over a held key");
    }
}

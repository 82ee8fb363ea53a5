//! The live conversation: ties the audio path, the agent connection and the control plane
//! together and reports what happens as a stream of [`SessionEvent`]s.

pub mod events;
pub mod traits;
pub mod vad;

pub use events::{SessionEnd, SessionEvent, SessionState, SessionStats, TurnMetrics};
pub use traits::{
    ControlError, ControlPlane, Frame, FrameSource, Playback, PlaybackStats, SessionConfig,
    SessionStart,
};

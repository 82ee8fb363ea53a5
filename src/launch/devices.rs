//! The audio path behind the session's capture and playback seams, and opening the devices a
//! conversation uses (from the settings, or overridden per run).

use std::path::PathBuf;
use std::time::Instant;

use super::LaunchError;
use crate::audio::EchoStats;
use crate::audio::{
    AudioEvent, CaptureOptions, CaptureStream, DeviceSel, EchoMode, EchoOptions, EchoReference, FrameSpec,
    Pace, Player, PlayerOptions, SinkSpec, SourceSpec, Speedup,
};
use crate::config::{EchoSetting, Settings};
use crate::session::{EchoFigures, Frame, FrameSource, Playback, PlaybackStats};

impl FrameSource for CaptureStream {
    fn sample_rate(&self) -> u32 {
        CaptureStream::sample_rate(self)
    }
    async fn next_frame(&mut self) -> Option<Frame> {
        CaptureStream::next_frame(self).await
    }
    fn dropped_frames(&self) -> u64 {
        CaptureStream::dropped_frames(self)
    }
    fn echo(&self) -> EchoFigures {
        echo_figures(&self.echo_stats())
    }
}

fn echo_figures(s: &EchoStats) -> EchoFigures {
    EchoFigures {
        reduction_db: s.erle_db().map(|d| d.round() as i32),
        delay_ms: s.delay_ms(),
        false_barge_ins_avoided: s.false_barge_ins_avoided.load(std::sync::atomic::Ordering::Relaxed),
    }
}

impl Playback for Player {
    fn sample_rate(&self) -> u32 {
        Player::sample_rate(self)
    }
    fn push_linear16(&mut self, bytes: &[u8]) {
        Player::push_linear16(self, bytes)
    }
    fn begin_reply(&mut self) {
        Player::begin_reply(self)
    }
    fn flush(&mut self) {
        Player::flush(self)
    }
    fn first_sample_played_at(&self) -> Option<Instant> {
        Player::first_sample_played_at(self)
    }
    fn is_drained(&self) -> bool {
        Player::is_drained(self)
    }
    fn stats(&self) -> PlaybackStats {
        PlaybackStats { underruns: Player::stats(self).underruns }
    }
}

/// A live microphone: frames captured while the session was connecting are stale by the time
/// the agent is ready (it would hear the user's words late, or out of turn), so they are
/// dropped at `start`.
pub struct MicCapture(pub CaptureStream);

impl FrameSource for MicCapture {
    fn sample_rate(&self) -> u32 {
        self.0.sample_rate()
    }
    fn start(&mut self) {
        use futures_util::FutureExt;
        let mut stale = 0u32;
        while let Some(Some(_)) = self.0.next_frame().now_or_never() {
            stale += 1;
        }
        tracing::debug!(stale, "dropped frames captured before the agent was ready");
    }
    async fn next_frame(&mut self) -> Option<Frame> {
        self.0.next_frame().await
    }
    fn dropped_frames(&self) -> u64 {
        self.0.dropped_frames()
    }
    fn echo(&self) -> EchoFigures {
        echo_figures(&self.0.echo_stats())
    }
}

/// A device as the settings name it (`default` or empty for the system default).
pub fn device_from_setting(name: &str) -> DeviceSel {
    DeviceSel::parse(Some(name))
}

/// The frames the provider gets: 20 ms at the settings' input rate.
pub fn frame_spec(settings: &Settings) -> FrameSpec {
    FrameSpec { sample_rate: settings.agent.input_sample_rate, frame_ms: 20 }
}

/// Where a conversation's audio comes from and goes to. `None` means the device in the settings.
#[derive(Debug, Clone, Default)]
pub struct DeviceChoice {
    /// Stream this WAV at real-time pace (times `pace`) instead of a microphone.
    pub input_wav: Option<PathBuf>,
    /// Write what would have been played to this WAV instead of speakers (at the same pace).
    pub output_wav: Option<PathBuf>,
    /// How many times faster than real time the WAV files run; a microphone and speakers
    /// always run in real time.
    pub pace: Speedup,
    pub input_device: Option<String>,
    pub output_device: Option<String>,
    /// Device failures and fallbacks are reported here while the streams run.
    pub events: Option<tokio::sync::mpsc::UnboundedSender<AudioEvent>>,
    /// Set while push-to-talk is held (lifts `half_duplex` muting).
    pub push_to_talk_held: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

/// The capture path's echo mode for the `audio.echo` setting.
pub fn echo_mode(setting: EchoSetting) -> EchoMode {
    match setting {
        EchoSetting::Cancel => EchoMode::Cancel,
        EchoSetting::HalfDuplex => EchoMode::HalfDuplex,
        EchoSetting::Off => EchoMode::Off,
    }
}

/// Highest output device rate the echo reference is sized for (the ring holds two seconds).
const MAX_OUTPUT_RATE: u32 = 192_000;

/// Opens the output, then the input, as `choice` and the settings say. With speakers and a
/// microphone, what the output plays is the input's echo reference; a WAV file on either side
/// cannot echo, so the echo stage is left out.
pub fn open_devices(
    settings: &Settings,
    choice: DeviceChoice,
) -> Result<(CaptureStream, Player), LaunchError> {
    let named =
        |flag: &Option<String>, setting: &str| device_from_setting(flag.as_deref().unwrap_or(setting));
    let sink = match &choice.output_wav {
        Some(path) => SinkSpec::Wav { path: path.clone(), sample_rate: None, speedup: choice.pace },
        None => SinkSpec::Speaker(named(&choice.output_device, &settings.audio.output_device)),
    };
    let acoustic = choice.input_wav.is_none() && choice.output_wav.is_none();
    let reference = acoustic.then(|| EchoReference::new(MAX_OUTPUT_RATE));
    let mut out = PlayerOptions::new(settings.agent.output_sample_rate, sink);
    out.events = choice.events.clone();
    out.reference = reference.clone();
    let player = Player::new(out).map_err(LaunchError::Output)?;
    let source = match &choice.input_wav {
        Some(path) => SourceSpec::Wav { path: path.clone(), pace: Pace::Times(choice.pace) },
        None => SourceSpec::Mic(named(&choice.input_device, &settings.audio.input_device)),
    };
    let mut inp = CaptureOptions::new(source, frame_spec(settings));
    inp.events = choice.events;
    let held = choice.push_to_talk_held;
    inp.echo =
        reference.map(|reference| EchoOptions { mode: echo_mode(settings.audio.echo), reference, held });
    let capture = CaptureStream::open(inp).map_err(LaunchError::Input)?;
    Ok((capture, player))
}

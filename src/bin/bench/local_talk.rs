//! The conversation part of `companion-bench local`: the product's own path (launch, session,
//! local provider, WAV in and out at real-time pace) over requests of the test set in Piper's
//! voice, with the session's own turn metrics.

use std::path::Path;

use anyhow::Context;
use tokio::sync::mpsc;

use super::local::{peak_rss_mb, resample, TZ};
use super::local_set::{Expect, CASES};
use companion::backend::token::env_key_source;
use companion::config::Settings;
use companion::launch::{self, DeviceChoice, ProviderKind, Role};
use companion::local::Engines;
use companion::session::{self, SessionOptions};

/// Seconds between the end of one request and the start of the next: room for the reply.
const GAP: f32 = 7.0;

/// (p50, p95) of end of speech → first reply audio played, in ms, and the peak RSS in MB.
pub fn conversation(
    data: &Path,
    models: &Path,
    turns: usize,
    engines: &Engines,
) -> anyhow::Result<(f64, f64, f64)> {
    let mut settings = Settings::default();
    settings.user.timezone = TZ.name().into();
    settings.save(data)?;
    let input = data.join("requests.wav");
    write_requests(&input, turns, engines)?;
    let opened = launch::open_dir(data, env_key_source(), Role::Host)?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let wired = launch::wire(
        ProviderKind::Local,
        &opened.service,
        &settings,
        rt.handle().clone(),
        launch::openai_env_key(),
        models.to_path_buf(),
    );
    let choice = DeviceChoice {
        input_wav: Some(input),
        output_wav: Some(data.join("replies.wav")),
        ..DeviceChoice::default()
    };
    let (capture, player) = launch::open_devices(&settings, choice)?;
    let mut options = SessionOptions::new(settings.user.id.clone());
    options.output_sample_rate = settings.agent.output_sample_rate;
    let (_cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (ev_tx, _ev_rx) = mpsc::unbounded_channel();
    let report = rt
        .block_on(session::run(
            wired.control,
            wired.provider,
            capture,
            Box::new(player),
            options,
            cmd_rx,
            ev_tx,
        ))
        .context("the conversation failed")?;
    let mut ms: Vec<f64> = report.turns.iter().filter_map(|t| t.speech_end_to_played_ms).collect();
    if ms.len() < turns {
        eprintln!("local: only {} of {turns} turns were answered", ms.len());
    }
    ms.sort_by(f64::total_cmp);
    let at =
        |q: f64| ms.get(((ms.len().max(1) - 1) as f64 * q).round() as usize).copied().unwrap_or(f64::NAN);
    Ok((at(0.5), at(0.95), peak_rss_mb()))
}

/// The test set's requests (those that do something), cycled, in Piper's voice at 48 kHz
/// stereo like a desktop microphone.
fn write_requests(path: &Path, turns: usize, engines: &Engines) -> anyhow::Result<()> {
    let texts: Vec<&str> = CASES
        .iter()
        .filter(|c| matches!(c.expect, Expect::Call(..)))
        .map(|c| c.text)
        .cycle()
        .take(turns)
        .collect();
    let mut mono = vec![0.0f32; 48_000];
    for text in texts {
        let (samples, rate) = {
            let mut tts = engines.tts.lock().unwrap_or_else(|p| p.into_inner());
            (tts.synthesize(text)?, tts.sample_rate())
        };
        mono.extend(resample(&samples, rate, 48_000)?);
        mono.extend(std::iter::repeat_n(0.0, (GAP * 48_000.0) as usize));
    }
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 48_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec)?;
    for s in mono {
        let v = (s * 32767.0).clamp(-32768.0, 32767.0) as i16;
        w.write_sample(v)?;
        w.write_sample(v)?;
    }
    w.finalize()?;
    Ok(())
}

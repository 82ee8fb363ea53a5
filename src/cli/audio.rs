//! `companion devices`, `companion record`, `companion play`: how a user checks their audio
//! setup. Record and play go through exactly the capture and playback paths a conversation uses
//! (ring, framer and resampler; player ring, output callback), so what works here works there.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use crate::audio::device::{self, AudioEvent};
use crate::audio::framer::f32_to_i16;
use crate::audio::level::to_dbfs;
use crate::audio::source::read_wav_mono;
use crate::audio::{
    CaptureOptions, CaptureStream, DeviceSel, Direction, FrameSpec, Player, PlayerOptions, SinkSpec,
    SourceSpec, Speedup,
};

#[derive(clap::Args)]
pub struct DevicesArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args)]
pub struct RecordArgs {
    /// How many seconds of audio to record.
    #[arg(long, default_value_t = 5.0)]
    pub seconds: f64,
    /// Input device name (see `companion devices`); "default" follows the system default.
    #[arg(long)]
    pub device: Option<String>,
    /// Sample rate of the recording, as the agent would receive it (8000–48000).
    #[arg(long, default_value_t = 16_000)]
    pub rate: u32,
    /// The WAV file to write (mono, 16-bit).
    pub out: PathBuf,
}

#[derive(clap::Args)]
pub struct PlayArgs {
    /// A WAV file (any common rate and channel count; played in mono).
    pub file: PathBuf,
    /// Output device name (see `companion devices`); "default" follows the system default.
    #[arg(long)]
    pub device: Option<String>,
    /// Instead of a device, write what would be heard to this WAV file (in real time).
    #[arg(long, conflicts_with = "device")]
    pub to_wav: Option<PathBuf>,
}

pub fn devices(args: DevicesArgs) -> anyhow::Result<ExitCode> {
    let inputs = device::list(Direction::Input).context("cannot list input devices")?;
    let outputs = device::list(Direction::Output).context("cannot list output devices")?;
    if args.json {
        let v = serde_json::json!({ "input": inputs, "output": outputs });
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    for (title, list) in [("Input devices", &inputs), ("Output devices", &outputs)] {
        println!("{title}:");
        if list.is_empty() {
            println!("  (none)");
        }
        for d in list {
            let cfg = match (d.sample_rate, d.channels, &d.sample_format) {
                (Some(r), Some(c), Some(f)) => format!("{r} Hz, {c} ch, {f}"),
                _ => "no default config".into(),
            };
            let mark = if d.is_default { "*" } else { " " };
            let id = d.id.as_deref().map_or(String::new(), |i| format!("[{i}] "));
            println!("{mark} {id}{}  ({cfg})", d.name);
        }
    }
    println!("(* = system default)");
    Ok(ExitCode::SUCCESS)
}

fn event_printer() -> (device::EventTx, std::thread::JoinHandle<()>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<AudioEvent>();
    let h = std::thread::spawn(move || {
        while let Some(ev) = rx.blocking_recv() {
            match ev {
                AudioEvent::Started { direction, device, sample_rate, channels } => {
                    eprintln!("{direction}: {device} ({sample_rate} Hz, {channels} ch)")
                }
                AudioEvent::FellBack { direction, from, to, reason } => {
                    eprintln!("{direction}: {from} failed ({reason}); now using {to}")
                }
                AudioEvent::Failed { direction, error } => eprintln!("{direction}: stopped: {error}"),
                AudioEvent::EchoHeard => eprintln!("{}", crate::audio::echo::ECHO_HEARD_NOTICE),
            }
        }
    });
    (Some(tx), h)
}

pub fn record(args: RecordArgs) -> anyhow::Result<ExitCode> {
    if !(args.seconds > 0.0 && args.seconds <= 24.0 * 3600.0) {
        bail!("--seconds must be positive (got {})", args.seconds);
    }
    let spec = FrameSpec { sample_rate: args.rate, frame_ms: 20 };
    let want_frames = (args.seconds * 1000.0 / f64::from(spec.frame_ms)).ceil() as u64;
    let (events, printer) = event_printer();
    let mut opts = CaptureOptions::new(SourceSpec::Mic(DeviceSel::parse(args.device.as_deref())), spec);
    opts.events = events;
    let mut stream = CaptureStream::open(opts).context("cannot open the microphone")?;
    let wav_spec = hound::WavSpec {
        channels: 1,
        sample_rate: args.rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&args.out, wav_spec)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let (mut frames, mut peak, mut started) = (0u64, 0i16, false);
    while frames < want_frames {
        let Some(f) = stream.blocking_next_frame() else {
            // Keep what was recorded: a valid, shorter file.
            w.finalize()?;
            let why = stream.error().unwrap_or_else(|| "the input ended".into());
            bail!("recording stopped after {frames} frames (kept in the file): {why}");
        };
        if !started {
            // Devices often take a second or two to deliver; say when audio really flows.
            eprintln!("recording started");
            started = true;
        }
        for s in f.samples() {
            w.write_sample(s)?;
            peak = peak.max(s.saturating_abs());
        }
        frames += 1;
    }
    w.finalize()?;
    let dropped = stream.dropped_frames();
    stream.close()?;
    let _ = printer.join();
    eprintln!(
        "recorded {:.2} s to {} ({} Hz mono), peak {:.1} dBFS, {} frames dropped",
        frames as f64 * f64::from(spec.frame_ms) / 1000.0,
        args.out.display(),
        args.rate,
        to_dbfs(f32::from(peak) / 32768.0),
        dropped
    );
    Ok(ExitCode::SUCCESS)
}

pub fn play(args: PlayArgs) -> anyhow::Result<ExitCode> {
    let (samples, rate) =
        read_wav_mono(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let sink = match args.to_wav {
        Some(path) => SinkSpec::Wav { path, sample_rate: None, speedup: Speedup::REAL_TIME },
        None => SinkSpec::Speaker(DeviceSel::parse(args.device.as_deref())),
    };
    let (events, printer) = event_printer();
    let mut opts = PlayerOptions::new(rate, sink);
    opts.events = events;
    let mut player = Player::new(opts).context("cannot open the output")?;
    let pushed_at = Instant::now();
    player.begin_reply();
    // 20 ms pieces, as the agent delivers speech (faster than real time).
    let piece = (rate as usize / 50).max(1);
    for chunk in samples.chunks(piece) {
        let bytes: Vec<u8> = chunk.iter().flat_map(|v| f32_to_i16(*v).to_le_bytes()).collect();
        player.push_linear16(&bytes);
    }
    let length = Duration::from_secs_f64(samples.len() as f64 / f64::from(rate));
    let drained = player.wait_drained(length + Duration::from_secs(15));
    let first = player.first_sample_played_at().map(|t| t.saturating_duration_since(pushed_at));
    let stats = player.stats();
    let closed = player.close();
    let _ = printer.join();
    if let Err(e) = closed {
        bail!("playback stopped: {e}");
    }
    if !drained {
        bail!("playback did not finish in time (is the output device running?)");
    }
    eprintln!(
        "played {:.2} s at {rate} Hz; first sample out after {}; {} underruns",
        length.as_secs_f64(),
        first.map_or("n/a".into(), |d| format!("{:.1} ms", d.as_secs_f64() * 1000.0)),
        stats.underruns
    );
    Ok(ExitCode::SUCCESS)
}

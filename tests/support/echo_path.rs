//! A synthetic speaker-to-microphone path for the echo tests, on a simulated clock.
//!
//! Flux's reply (espeak-ng, 24 kHz) is played through the real output callback body
//! (`on_output_at`, a 24 kHz device) with the echo reference attached; what it played is turned
//! into the echo with sox (48 kHz, attenuation, room reverb), delayed, mixed with the user's
//! speech and a little noise, and fed as 48 kHz stereo through the real input callback body
//! (`on_input_at`). Both callbacks run every 10 ms of the same simulated clock; the capture
//! side pops the ring with dates and runs the echo stage, exactly as the capture worker does.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use companion::audio::echo::{EchoMode, EchoStage, EchoStats};
use companion::audio::echo_ref::EchoReference;
use companion::audio::player::Player;
use companion::audio::playout::on_output_at;
use companion::audio::ring::{capture_ring, on_input_at, PopCount};

pub const MIC_RATE: usize = 48_000;
pub const OUT_RATE: usize = 24_000;
const TICK_NS: u64 = 10_000_000;

fn tool(name: &str, args: &[&str]) {
    let status = Command::new(name).args(args).status().unwrap_or_else(|e| {
        panic!("{name} is needed for the echo tests (apt-get install espeak-ng sox): {e}")
    });
    assert!(status.success(), "{name} {args:?} failed");
}

fn read_mono(path: &Path) -> Vec<f32> {
    let mut r = hound::WavReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let ch = r.spec().channels as usize;
    let all: Vec<f32> = r.samples::<i16>().map(|s| f32::from(s.unwrap()) / 32768.0).collect();
    all.chunks(ch).map(|c| c[0]).collect()
}

fn write_mono(path: &Path, rate: usize, x: &[f32]) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate as u32,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for v in x {
        w.write_sample((v * 32767.0).clamp(-32768.0, 32767.0) as i16).unwrap();
    }
    w.finalize().unwrap();
}

/// Speech from espeak-ng at `rate`, mono.
pub fn speech(dir: &Path, name: &str, voice: &str, text: &str, rate: usize) -> Vec<f32> {
    let raw = dir.join(format!("{name}-raw.wav"));
    let out = dir.join(format!("{name}.wav"));
    tool("espeak-ng", &["-v", voice, "-s", "160", "-w", raw.to_str().unwrap(), text]);
    // Repeatable (-R): sox's dither noise is then the same every run.
    tool(
        "sox",
        &["-R", raw.to_str().unwrap(), "-r", &rate.to_string(), "-c", "1", "-b", "16", out.to_str().unwrap()],
    );
    read_mono(&out)
}

pub const REPLY: &str = "Good morning. Here is your plan for today. At nine you have the team standup, \
    then a long block for the quarterly report. Lunch with Maria is at twelve thirty near the station. \
    In the afternoon, remember to call the dentist and to pick up the parcel before six. The weather \
    stays dry, with a light wind from the west and about eighteen degrees. Would you like me to move \
    the report to tomorrow, or shall I set a reminder for the dentist at two o'clock?";
pub const USER: &str =
    "Wait, stop. Move the report to Friday please, and remind me about the dentist at three.";

/// What one run is made of.
pub struct Scenario {
    pub mode: EchoMode,
    /// Echo delay (ms) before and after `change_at_s`.
    pub delay_ms: usize,
    pub change: Option<(usize, usize)>,
    /// The user's speech starts at this second.
    pub user_at_s: Option<usize>,
    /// Playback is flushed (barge-in) at this second and the reply resumes one second later.
    pub flush_at_s: Option<usize>,
    /// No echo at all: the user wears headphones.
    pub headphones: bool,
    /// Push-to-talk is held throughout.
    pub held: bool,
    /// The microphone's clock runs this many parts per million fast against the speaker's.
    pub drift_ppm: u32,
}

pub struct Outcome {
    /// The echo stage's output, the echo and the user's speech as the microphone got them.
    pub out: Vec<f32>,
    pub echo: Vec<f32>,
    pub user: Vec<f32>,
    pub stats: Arc<EchoStats>,
}

/// Plays `reply` on the simulated clock; returns what the device played (24 kHz).
fn play(
    reference: Option<&Arc<EchoReference>>,
    reply: &[f32],
    ticks: usize,
    flush_at_s: Option<usize>,
    mut each: impl FnMut(u64),
) -> Vec<f32> {
    let (mut player, mut st) = Player::manual(OUT_RATE as u32, OUT_RATE as u32).unwrap();
    if let Some(r) = reference {
        st.set_reference(r);
    }
    let bytes =
        |x: &[f32]| -> Vec<u8> { x.iter().flat_map(|v| ((v * 32767.0) as i16).to_le_bytes()).collect() };
    player.begin_reply();
    player.push_linear16(&bytes(reply));
    let per_tick = OUT_RATE / 100;
    let mut played = Vec::with_capacity(ticks * per_tick);
    let mut buf = vec![0.0f32; per_tick];
    for k in 0..ticks {
        if let Some(s) = flush_at_s {
            if k == s * 100 {
                player.flush();
            }
            if k == (s + 1) * 100 {
                player.begin_reply();
                player.push_linear16(&bytes(&reply[s * OUT_RATE..]));
            }
        }
        player.pump();
        let now = 1_000_000_000 + k as u64 * TICK_NS;
        on_output_at(&mut st, &mut buf, 1, now);
        played.extend_from_slice(&buf);
        each(now);
    }
    played
}

fn delayed(x: &[f32], d: usize, n: usize) -> Vec<f32> {
    (0..n).map(|i| if i >= d && i - d < x.len() { x[i - d] } else { 0.0 }).collect()
}

pub struct Voices {
    pub dir: tempfile::TempDir,
    pub reply: Vec<f32>,
    pub user: Vec<f32>,
}

pub fn voices() -> Voices {
    let dir = tempfile::tempdir().unwrap();
    let reply = speech(dir.path(), "reply", "en-us", REPLY, OUT_RATE);
    let user = speech(dir.path(), "user", "en-gb+f3", USER, MIC_RATE);
    Voices { dir, reply, user }
}

/// Runs `sc`; the simulation lasts as long as the reply plus two seconds.
pub fn run(v: &Voices, sc: &Scenario) -> Outcome {
    let ticks = v.reply.len() / (OUT_RATE / 100) + 200;
    let n = ticks * (MIC_RATE / 100);
    // Pass 1: what the speaker plays, turned into the echo by sox.
    let played = play(None, &v.reply, ticks, sc.flush_at_s, |_| {});
    let dir: PathBuf = v.dir.path().into();
    let (pw, ew) = (dir.join("played.wav"), dir.join("echo.wav"));
    write_mono(&pw, OUT_RATE, &played);
    // A fast microphone clock takes more samples per second of the same sound: the played sound
    // is resampled to 48 kHz plus the drift, and those samples are taken as 48 kHz.
    let mic_rate = (48_000.0 * (1.0 + f64::from(sc.drift_ppm) * 1e-6)).round().to_string();
    tool(
        "sox",
        &[
            "-R",
            pw.to_str().unwrap(),
            "-r",
            &mic_rate,
            ew.to_str().unwrap(),
            "vol",
            "0.4",
            "reverb",
            "40",
            "50",
            "30",
        ],
    );
    let room = read_mono(&ew);
    let ms = MIC_RATE / 1000;
    let mut echo = delayed(&room, sc.delay_ms * ms, n);
    if sc.headphones {
        echo.fill(0.0);
    }
    if let Some((at_s, d2)) = sc.change {
        let later = delayed(&room, d2 * ms, n);
        echo[at_s * MIC_RATE..].copy_from_slice(&later[at_s * MIC_RATE..]);
    }
    let user = match sc.user_at_s {
        Some(s) => delayed(&v.user, s * MIC_RATE, n),
        None => vec![0.0; n],
    };
    let mut seed = 0x2545_f491_u32;
    let mic: Vec<f32> = (0..n)
        .map(|i| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            echo[i] + user[i] + ((seed >> 8) as f32 / 16_777_216.0 - 0.5) * 6e-4
        })
        .collect();
    // Pass 2: the same playback with the reference attached, and the capture side in step.
    let reference = EchoReference::new(OUT_RATE as u32);
    let stats = Arc::new(EchoStats::default());
    let held = Arc::new(std::sync::atomic::AtomicBool::new(sc.held));
    let mut stage =
        EchoStage::new(sc.mode, reference.reader(), MIC_RATE as u32, stats.clone()).with_hold(Some(held));
    let (mut cst, mut cons) = capture_ring(2, MIC_RATE * 2, None);
    let per_tick = MIC_RATE / 100;
    let (mut stereo, mut buf, mut count) = (vec![0.0f32; per_tick * 2], vec![0.0f32; 4096], PopCount(0));
    let mut out = Vec::with_capacity(n);
    let mut k = 0;
    play(Some(&reference), &v.reply, ticks, sc.flush_at_s, |now| {
        for (i, s) in mic[k * per_tick..(k + 1) * per_tick].iter().enumerate() {
            stereo[2 * i] = *s;
            stereo[2 * i + 1] = *s;
        }
        k += 1;
        on_input_at(&mut cst, &stereo, now);
        loop {
            let (got, first) = cons.pop_dated(&mut buf, MIC_RATE as u32, &mut count);
            if got == 0 {
                break;
            }
            stage.process(&buf[..got], first, &mut |x: &[f32]| out.extend_from_slice(x));
        }
    });
    out.resize(n, 0.0);
    Outcome { out, echo, user, stats }
}

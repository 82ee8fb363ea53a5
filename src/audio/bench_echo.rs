//! `companion-bench audio`, echo part: the canceller's cost per 10 ms chunk, the delay it adds
//! to the microphone signal, and the CPU of the whole real-time audio path (playback with the
//! reference, capture with the echo stage) per echo mode.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::echo::{EchoMode, EchoStage, EchoStats};
use super::echo_ref::EchoReference;
use super::framer::{f32_to_i16, FrameSpec};
use super::source::Signal;
use super::{
    CaptureOptions, CaptureStream, EchoOptions, Pace, Player, PlayerOptions, SinkSpec, SourceSpec, Speedup,
};

const MIC: u32 = 48_000;
const REF: u32 = 24_000;

fn pct(mut v: Vec<f64>, p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// A speech-like test signal: noise whose loudness follows a 3 Hz syllable rhythm.
fn babble(rate: u32, secs: f32, seed: u32) -> Vec<f32> {
    let mut s = seed;
    (0..(rate as f32 * secs) as usize)
        .map(|i| {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let env = (i as f32 / rate as f32 * 3.0 * std::f32::consts::TAU).sin().max(0.0);
            ((s >> 8) as f32 / 16_777_216.0 - 0.5) * 0.5 * env
        })
        .collect()
}

pub(crate) fn run(out: &mut String) {
    canceller_cost(out);
    signal_delay(out);
    path_cpu(out);
}

/// One 10 ms chunk through the stage: the reference chunk (24 kHz) and the microphone chunk
/// (48 kHz, the reference's echo 120 ms later plus noise), `secs` seconds of them.
fn canceller_cost(out: &mut String) {
    let reference = EchoReference::new(REF);
    let Some(mut writer) = reference.writer(REF) else { return };
    let stats = Arc::new(EchoStats::default());
    let mut stage = EchoStage::new(EchoMode::Cancel, reference.reader(), MIC, stats);
    let far = babble(REF, 30.0, 7);
    let (rn, mn) = ((REF / 100) as usize, (MIC / 100) as usize);
    let mut mic = vec![0.0f32; mn];
    let mut t = Vec::with_capacity(far.len() / rn);
    for (k, chunk) in far.chunks_exact(rn).enumerate() {
        let now = 1_000_000_000 + k as u64 * 10_000_000;
        for s in chunk {
            writer.put(*s, now);
        }
        writer.flush(now);
        for (i, m) in mic.iter_mut().enumerate() {
            // 120 ms = 12 chunks back, at twice the rate.
            let j = (k * mn + i) / 2;
            *m = if j >= 12 * rn { far[j - 12 * rn] * 0.3 } else { 0.0 };
        }
        let t0 = Instant::now();
        stage.process(&mic, now - 9_979_167, &mut |_| {});
        t.push(t0.elapsed().as_secs_f64() * 1e6);
    }
    let (p50, p99) = (pct(t.clone(), 0.5), pct(t, 0.99));
    let _ = writeln!(
        out,
        "  echo canceller per 10 ms (48k mic, 24k reference): p50 {p50:.0} us, p99 {p99:.0} us = {:.2}% of one core (target <= 5%)",
        p50 / 100.0
    );
}

/// The microphone's delay through the canceller: a click with nothing playing.
fn signal_delay(out: &mut String) {
    let reference = EchoReference::new(REF);
    let Some(mut writer) = reference.writer(REF) else { return };
    let mut stage = EchoStage::new(EchoMode::Cancel, reference.reader(), MIC, Arc::new(EchoStats::default()));
    let mut input = babble(MIC, 2.0, 3);
    input.iter_mut().for_each(|v| *v *= 0.01);
    input[MIC as usize] = 0.9;
    let mut got = Vec::with_capacity(input.len());
    for (k, chunk) in input.chunks_exact((MIC / 100) as usize).enumerate() {
        let now = 1_000_000_000 + k as u64 * 10_000_000;
        for _ in 0..REF / 100 {
            writer.put(0.0, now);
        }
        writer.flush(now);
        stage.process(chunk, now, &mut |x| got.extend_from_slice(x));
    }
    let peak = got.iter().enumerate().max_by(|a, b| a.1.abs().total_cmp(&b.1.abs())).map_or(0, |p| p.0);
    let ms = (peak as f64 - f64::from(MIC)) * 1000.0 / f64::from(MIC);
    let _ = writeln!(
        out,
        "  echo canceller added capture latency (click in -> out): {ms:.1} ms (target <= 10 ms)"
    );
}

/// (user + system) CPU seconds of this process.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct we hand it.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
        return f64::NAN;
    }
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// Real-time playback of a reply (to a 48 kHz WAV sink, reference attached) while a 48 kHz
/// stereo source is captured through the echo stage: process CPU per mode.
fn path_cpu(out: &mut String) {
    let secs = 6;
    let dir = std::env::temp_dir();
    let reply: Vec<u8> =
        babble(REF, secs as f32, 11).iter().flat_map(|v| f32_to_i16(*v).to_le_bytes()).collect();
    let mut line = format!("  whole audio path CPU, {secs} s real time, playing and capturing:");
    for (name, mode) in [("cancel", Some(EchoMode::Cancel)), ("off", Some(EchoMode::Off)), ("none", None)] {
        let wav = dir.join(format!("companion-bench-echo-{}-{name}.wav", std::process::id()));
        let reference = EchoReference::new(MIC);
        let mut po = PlayerOptions::new(
            REF,
            SinkSpec::Wav { path: wav.clone(), sample_rate: Some(MIC), speedup: Speedup::REAL_TIME },
        );
        po.reference = Some(reference.clone());
        let Ok(mut player) = Player::new(po) else { return };
        let signal = Signal::tone(MIC, 300.0, 0.1, Duration::from_secs(secs));
        let mut co =
            CaptureOptions::new(SourceSpec::Signal { signal, pace: Pace::REAL_TIME }, FrameSpec::default());
        co.echo = mode.map(|mode| EchoOptions { mode, reference, held: None });
        let (c0, t0) = (cpu_seconds(), Instant::now());
        player.begin_reply();
        player.push_linear16(&reply);
        let frames = match CaptureStream::open(co) {
            Ok(mut s) => std::iter::from_fn(|| s.blocking_next_frame()).count(),
            Err(_) => 0,
        };
        let (cpu, wall) = (cpu_seconds() - c0, t0.elapsed().as_secs_f64());
        let _ = player.close();
        let _ = std::fs::remove_file(&wav);
        let _ = write!(line, " {name} {:.2}% of one core ({frames} frames);", cpu / wall * 100.0);
    }
    let _ = writeln!(out, "{line}");
}

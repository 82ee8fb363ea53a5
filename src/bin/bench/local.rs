//! `companion-bench local`: the voice on this computer. Accuracy on a spoken test set (four
//! voices, one with noise): word error rate, intent and slot accuracy, and wrong actions; speed:
//! model load, the real-time factors of recognition and synthesis, and, over a whole conversation
//! of `companion talk`, end of the user's speech → first reply audio played (p50/p95) with its
//! peak memory and CPU. `--turns N` sets the conversation's length (default 12). Build both
//! programs: `cargo build --release --features bench --bins`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::{TimeZone, Utc};
use chrono_tz::Tz;

use super::local_score::{score, word_errors};
use super::local_set::{Expect, CASES};
use super::local_talk;
use companion::audio::resample::MonoResampler;
use companion::local::{Engines, LocalProvider, TextToSpeech};
use companion::understand::{RuleUnderstanding, Understanding};

pub const TZ: Tz = chrono_tz::America::New_York;

/// A voice of the test set: how it says a sentence, as mono f32 at 16 kHz.
type Voice<'a> = (&'a str, Box<dyn Fn(&str) -> anyhow::Result<Vec<f32>> + 'a>);

pub fn run(turns: usize) -> anyhow::Result<String> {
    let mut out = String::new();
    let models = companion::local::models_dir(None)?;
    let data = tempfile::tempdir()?;
    let t = Instant::now();
    let provider = LocalProvider::new(models.clone(), TZ, companion::time::Clock::System);
    let engines = provider.engines()?;
    writeln!(out, "local: model load (Moonshine + Piper + runtime): {:.2} s", t.elapsed().as_secs_f64())?;
    let talk = local_talk::conversation(data.path(), &models, turns, &engines)?;
    let ms = &talk.latencies;
    let at =
        |q: f64| ms.get(((ms.len().max(1) - 1) as f64 * q).round() as usize).copied().unwrap_or(f64::NAN);
    writeln!(
        out,
        "local: end of speech -> first reply audio played over {} turns: p50 {:.0} ms, p95 {:.0} ms (goal 500 / 800)",
        ms.len(),
        at(0.5),
        at(0.95)
    )?;
    let each: Vec<String> = ms.iter().map(|m| format!("{m:.0}")).collect();
    writeln!(out, "local: each turn, fastest first (ms): {}", each.join(" "))?;
    writeln!(
        out,
        "local: companion talk over {:.0} s: peak RSS {:.0} MB (goal <= 400), CPU {:.1} % of one core",
        talk.seconds,
        talk.peak_rss_mb,
        talk.cpu_share * 100.0
    )?;
    out.push_str(&accuracy(&engines, data.path())?);
    out.push_str(&tts_speed(&engines)?);
    Ok(out)
}

fn tool(name: &str, args: &[&str]) -> anyhow::Result<()> {
    let status = Command::new(name).args(args).status().with_context(|| format!("{name} is needed"))?;
    if !status.success() {
        bail!("{name} {args:?} failed");
    }
    Ok(())
}

fn read_16k(path: &Path) -> anyhow::Result<Vec<f32>> {
    let mut r = hound::WavReader::open(path)?;
    let spec = r.spec();
    let all: Vec<f32> =
        r.samples::<i16>().map(|s| s.map(|v| f32::from(v) / 32768.0)).collect::<Result<_, _>>()?;
    let mono: Vec<f32> = all.chunks(usize::from(spec.channels)).map(|c| c[0]).collect();
    resample(&mono, spec.sample_rate, 16_000)
}

pub fn resample(samples: &[f32], from: u32, to: u32) -> anyhow::Result<Vec<f32>> {
    if from == to {
        return Ok(samples.to_vec());
    }
    let mut r = MonoResampler::new(from, to)?;
    let mut out = Vec::new();
    r.process(samples, &mut out)?;
    r.finish(&mut out)?;
    Ok(out)
}

/// espeak-ng at dictation pace (135 words a minute, 40 ms between words): at its default 175 the
/// robotic voice loses a third of its words to the recogniser, which measures espeak, not Flux.
fn espeak(dir: &Path, voice: &str, text: &str) -> anyhow::Result<Vec<f32>> {
    let wav = dir.join("espeak.wav");
    tool("espeak-ng", &["-v", voice, "-s", "135", "-g", "4", "-w", wav.to_str().unwrap_or_default(), text])?;
    read_16k(&wav)
}

fn piper(tts: &Mutex<Box<dyn TextToSpeech>>, text: &str) -> anyhow::Result<Vec<f32>> {
    let mut tts = tts.lock().unwrap_or_else(|p| p.into_inner());
    let rate = tts.sample_rate();
    let samples = tts.synthesize(text)?;
    resample(&samples, rate, 16_000)
}

/// Pink noise from sox, mixed in at `snr_db` below the speech's level.
fn with_noise(speech: Vec<f32>, noise: &[f32], snr_db: f32) -> Vec<f32> {
    let rms = |s: &[f32]| (s.iter().map(|v| v * v).sum::<f32>() / s.len().max(1) as f32).sqrt();
    let gain = rms(&speech) / rms(noise).max(1e-9) / 10f32.powf(snr_db / 20.0);
    speech.iter().enumerate().map(|(i, s)| s + noise[i % noise.len()] * gain).collect()
}

fn accuracy(engines: &Engines, dir: &Path) -> anyhow::Result<String> {
    let noise_wav = dir.join("noise.wav");
    // Repeatable mode: the same noise every run, so runs compare.
    tool(
        "sox",
        &[
            "-R",
            "-n",
            "-r",
            "16000",
            "-c",
            "1",
            "-b",
            "16",
            noise_wav.to_str().unwrap_or_default(),
            "synth",
            "20",
            "pinknoise",
        ],
    )?;
    let noise = read_16k(&noise_wav)?;
    let tts = engines.tts.clone();
    let voices: Vec<Voice> = vec![
        ("espeak-ng en-us", Box::new(|t| espeak(dir, "en-us", t))),
        ("espeak-ng en-us+f3", Box::new(|t| espeak(dir, "en-us+f3", t))),
        ("piper joe", Box::new(|t| piper(&tts, t))),
        ("piper joe + pink noise 15 dB SNR", Box::new(|t| Ok(with_noise(piper(&tts, t)?, &noise, 15.0)))),
    ];
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 15, 0, 0).single().context("a fixed now")?;
    let today = now.with_timezone(&TZ).date_naive();
    let mut out = String::new();
    let (mut all, mut right, mut wrong, mut edits, mut words) = (0, 0, 0, 0, 0);
    let (mut stt_time, mut audio_time) = (Duration::ZERO, 0.0);
    for (name, say) in &voices {
        let (mut n, mut ok_intent, mut ok_both, mut bad) = (0, 0, 0, 0);
        let (mut e, mut w) = (0, 0);
        for case in CASES {
            let audio = say(case.text)?;
            let t = Instant::now();
            let heard = engines.stt.lock().unwrap_or_else(|p| p.into_inner()).transcribe(&audio)?;
            stt_time += t.elapsed();
            audio_time += audio.len() as f64 / 16_000.0;
            let (ce, cw) = word_errors(case.text, &heard);
            (e, w) = (e + ce, w + cw);
            let reply = RuleUnderstanding::new().turn(&heard, now, TZ);
            let s = score(case, &reply, today);
            n += 1;
            ok_intent += usize::from(s.intent);
            ok_both += usize::from(s.intent && s.slots);
            bad += usize::from(s.wrong_action);
            if s.wrong_action || !(s.intent && s.slots) {
                let tag = if s.wrong_action { "WRONG ACTION" } else { "miss" };
                let expected = match case.expect {
                    Expect::Call(name, _) => name,
                    Expect::Ask => "ask",
                    Expect::Nothing => "nothing",
                };
                writeln!(
                    out,
                    "  [{name}] {tag}: said {:?}, heard {heard:?}, expected {expected}, got {reply:?}",
                    case.text
                )?;
            }
        }
        let pct = |k: usize| 100.0 * k as f64 / n.max(1) as f64;
        writeln!(out, "local accuracy [{name}]: {n} utterances, WER {:.1} %, intent {:.0} %, intent and slots {:.0} %, wrong actions {bad}",
            100.0 * e as f64 / w.max(1) as f64, pct(ok_intent), pct(ok_both))?;
        (all, right, wrong, edits, words) = (all + n, right + ok_both, wrong + bad, edits + e, words + w);
    }
    writeln!(out, "local accuracy [all]: {all} utterances, WER {:.1} %, intent and slots right {:.1} % (goal >= 85), wrong actions {wrong} (goal 0)",
        100.0 * edits as f64 / words.max(1) as f64, 100.0 * right as f64 / all.max(1) as f64)?;
    writeln!(
        out,
        "local: speech recognition real-time factor {:.3} ({:.1} s of audio)",
        stt_time.as_secs_f64() / audio_time,
        audio_time
    )?;
    Ok(out)
}

fn tts_speed(engines: &Engines) -> anyhow::Result<String> {
    const REPLIES: [&str; 5] = [
        "Task created: call the dentist on Sunday 29 November at 5 PM.",
        "Rescheduled buy milk to Friday 4 December at 9:30 AM.",
        "You have 2 tasks tomorrow: 9 AM yoga, 5 PM call the dentist.",
        "Goal created: learn Spanish, with a timeline of three months.",
        "When should I schedule call mom?",
    ];
    let mut tts = engines.tts.lock().unwrap_or_else(|p| p.into_inner());
    let (mut spent, mut audio) = (Duration::ZERO, 0.0);
    let mut first = Vec::new();
    for r in REPLIES {
        let t = Instant::now();
        let samples = tts.synthesize(r)?;
        first.push(t.elapsed());
        spent += t.elapsed();
        audio += samples.len() as f64 / f64::from(tts.sample_rate());
    }
    first.sort();
    Ok(format!(
        "local: speech synthesis real-time factor {:.3} ({audio:.1} s of audio; one reply takes {:.0}-{:.0} ms)\n",
        spent.as_secs_f64() / audio,
        first[0].as_secs_f64() * 1000.0,
        first[first.len() - 1].as_secs_f64() * 1000.0
    ))
}

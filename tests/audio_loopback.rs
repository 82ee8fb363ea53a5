//! The real cpal path on a real audio server, no sound card needed: a private PulseAudio (user
//! mode, its own runtime dir) with a null sink `spk` and a virtual source `mic` made from the
//! sink's monitor. `companion play` plays a known signal into `spk` while `companion record`
//! records `mic`; the recording must hold the signal at the right level and frequencies.
//! cpal talks ALSA; ALSA reaches PulseAudio through the `pulse` plugin (libasound2-plugins),
//! selected by an `.asoundrc` in the temporary HOME.
//!
//! If PulseAudio cannot start, the test fails when `CI` is set and is skipped (with the reason
//! on stderr) otherwise.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod support;

use companion::audio::level::{dominant_frequency, rms};
use companion::audio::source::{read_wav_mono, write_wav_i16, Signal};
use support::pulse::pulse_or_skip;

const BIN: &str = env!("CARGO_BIN_EXE_companion");

fn tone_file(dir: &Path) -> PathBuf {
    // 1.5 s of 440 Hz, then 1.5 s of 1000 Hz, at half scale, 24 kHz (the agent's output rate).
    let mut x = Signal::tone(24_000, 440.0, 0.5, Duration::from_millis(1500)).render();
    x.extend(Signal::tone(24_000, 1000.0, 0.5, Duration::from_millis(1500)).render());
    let pcm: Vec<i16> = x.iter().map(|v| companion::audio::framer::f32_to_i16(*v)).collect();
    let path = dir.join("tone.wav");
    write_wav_i16(&path, 24_000, &pcm).unwrap();
    path
}

#[test]
fn play_into_the_null_sink_comes_back_on_the_virtual_mic() {
    let Some(pulse) = pulse_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let tone = tone_file(dir.path());
    let rec = dir.path().join("rec.wav");

    let mut recorder = pulse
        .cmd(BIN)
        .args(["record", "--seconds", "8", "--rate", "16000"])
        .arg(&rec)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until audio really flows (PulseAudio may stall 1–2.5 s before the first callback).
    let (tx, rx) = mpsc::channel();
    let stderr = recorder.stderr.take().unwrap();
    let log = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("recording started") {
                let _ = tx.send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    if rx.recv_timeout(Duration::from_secs(15)).is_err() {
        let _ = recorder.kill();
        panic!("record never started:\n{}", log.join().unwrap());
    }

    let play = pulse.cmd(BIN).arg("play").arg(&tone).output().unwrap();
    let play_err = String::from_utf8_lossy(&play.stderr);
    assert!(play.status.success(), "play failed:\n{play_err}");
    assert!(play_err.contains("played 3.00 s"), "{play_err}");

    let status = recorder.wait().unwrap();
    let rec_log = log.join().unwrap();
    assert!(status.success(), "record failed:\n{rec_log}");

    let (x, rate) = read_wav_mono(&rec).unwrap();
    assert_eq!(rate, 16_000);
    assert_eq!(x.len(), 8 * 16_000, "8 s recorded");
    // 50 ms windows above -20 dBFS RMS hold the tone.
    let win = 800;
    let loud: Vec<usize> = (0..x.len() / win).filter(|&i| rms(&x[i * win..(i + 1) * win]) > 0.1).collect();
    assert!(!loud.is_empty(), "nothing came back (max rms {})", rms(&x));
    let (first, last) = (loud[0] * win, (loud[loud.len() - 1] + 1) * win);
    let heard = (last - first) as f64 / 16_000.0;
    assert!((2.9..=3.2).contains(&heard), "tone lasted {heard:.2} s, played 3 s");
    assert!(loud.len() as f64 * win as f64 / 16_000.0 > 2.9, "gaps in the tone: {} loud windows", loud.len());
    let a = &x[first + 3200..first + 20_000]; // inside the 440 Hz part
    let b = &x[last - 20_000..last - 3200]; // inside the 1000 Hz part
    assert_eq!(dominant_frequency(a, 16_000, 100.0, 4000.0, 10.0), 440.0);
    assert_eq!(dominant_frequency(b, 16_000, 100.0, 4000.0, 10.0), 1000.0);
    for part in [a, b] {
        let level = rms(part);
        assert!((level - 0.3536).abs() < 0.04, "level {level} (expected 0.354, -9 dBFS)");
    }
}

#[test]
fn an_unknown_device_is_a_clear_error() {
    let Some(pulse) = pulse_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = pulse
        .cmd(BIN)
        .args(["record", "--seconds", "1", "--device", "no such mic 77"])
        .arg(dir.path().join("x.wav"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("input device not found: \"no such mic 77\""), "{err}");
    let out = pulse.cmd(BIN).args(["devices", "--json"]).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let inputs = v["input"].as_array().unwrap();
    assert!(inputs.iter().any(|d| d["is_default"] == true), "{v}");
}

/// Waits for a child with a deadline; kills it and fails if it hangs.
fn wait_within(mut child: Child, limit: Duration, what: &str) -> (std::process::ExitStatus, String) {
    let t0 = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut err);
            }
            return (status, err);
        }
        if t0.elapsed() > limit {
            let _ = child.kill();
            panic!("{what} hung for {limit:?} after the audio server died");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_audio_server_dying_ends_record_and_play_with_a_clear_error() {
    let Some(mut pulse) = pulse_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("long.wav");
    let pcm = vec![3000i16; 24_000 * 30];
    write_wav_i16(&long, 24_000, &pcm).unwrap();
    let mut recorder = pulse
        .cmd(BIN)
        .args(["record", "--seconds", "30"])
        .arg(dir.path().join("rec.wav"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let player = pulse.cmd(BIN).arg("play").arg(&long).stderr(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(recorder.stderr.take().unwrap()).lines();
    assert!(
        lines.any(|l| l.map(|l| l.contains("recording started")).unwrap_or(false)),
        "record never started"
    );
    std::thread::sleep(Duration::from_millis(500));
    pulse.kill();
    // Stall detection (2–3 s), then a bounded number of reopen attempts (under 2 s).
    let (status, _) = wait_within(recorder, Duration::from_secs(20), "record");
    assert!(!status.success(), "record must fail when its device is gone");
    let (status, err) = wait_within(player, Duration::from_secs(20), "play");
    assert!(!status.success());
    assert!(err.contains("playback stopped"), "{err}");
}

//! Playback tests without hardware: the test plays the device, calling the real callback body.

use std::time::Duration;

use super::level::{dominant_frequency, rms};
use super::player::Player;
use super::playout::{on_output, PlaybackCallbackState};
use super::source::Signal;

fn le_bytes(x: &[f32]) -> Vec<u8> {
    x.iter().flat_map(|v| super::framer::f32_to_i16(*v).to_le_bytes()).collect()
}

fn tone(rate: u32, freq: f32, ms: u64) -> Vec<f32> {
    Signal::tone(rate, freq, 0.5, Duration::from_millis(ms)).render()
}

/// Runs `n` callbacks of `len` mono samples; returns everything written.
fn play(st: &mut PlaybackCallbackState, n: usize, len: usize) -> Vec<f32> {
    let mut out = Vec::new();
    let mut buf = vec![0.0f32; len];
    for _ in 0..n {
        on_output(st, &mut buf, 1);
        out.extend_from_slice(&buf);
    }
    out
}

#[test]
fn same_rate_audio_comes_out_unchanged_and_drains() {
    let (mut p, mut st) = Player::manual(16_000, 16_000).unwrap();
    assert!(p.is_drained());
    let x = tone(16_000, 440.0, 100);
    p.begin_reply();
    p.push_linear16(&le_bytes(&x));
    assert!(!p.is_drained());
    assert!(p.first_sample_played_at().is_none());
    let out = play(&mut st, 12, 160);
    assert!(p.first_sample_played_at().is_some());
    assert!(p.is_drained());
    for (a, b) in x.iter().zip(&out) {
        assert!((a - b).abs() < 1e-4);
    }
    assert!(out[1600..].iter().all(|v| *v == 0.0));
    assert_eq!(p.stats().underruns, 0);
}

#[test]
fn a_chunk_may_split_a_sample_anywhere() {
    let x = tone(16_000, 440.0, 20);
    let bytes = le_bytes(&x);
    let (mut p, mut st) = Player::manual(16_000, 16_000).unwrap();
    p.push_linear16(&bytes);
    let whole = play(&mut st, 3, 160);
    for cut in [1usize, 3, 17, 319, 321, bytes.len() - 1] {
        let (mut p, mut st) = Player::manual(16_000, 16_000).unwrap();
        p.push_linear16(&bytes[..cut]);
        p.push_linear16(&[]);
        p.push_linear16(&bytes[cut..]);
        assert_eq!(play(&mut st, 3, 160), whole, "cut at {cut}");
    }
    // Byte by byte.
    let (mut p, mut st) = Player::manual(16_000, 16_000).unwrap();
    for b in &bytes {
        p.push_linear16(std::slice::from_ref(b));
    }
    assert_eq!(play(&mut st, 3, 160), whole);
}

#[test]
fn flush_silences_the_next_callback_and_later_audio_still_plays() {
    let (mut p, mut st) = Player::manual(24_000, 48_000).unwrap();
    p.begin_reply();
    p.push_linear16(&le_bytes(&tone(24_000, 1000.0, 3000))); // more than the ring holds
    let before = play(&mut st, 2, 480);
    assert!(rms(&before[240..]) > 0.2);
    p.flush();
    assert!(p.is_drained(), "a flushed player has nothing left to play");
    let after = play(&mut st, 5, 480);
    assert!(after.iter().all(|v| *v == 0.0), "silent from the next callback on");
    p.pump();
    assert!(play(&mut st, 5, 480).iter().all(|v| *v == 0.0), "backlog dropped too");
    // A new reply after the barge-in plays normally and reports its own first sample.
    p.begin_reply();
    assert!(p.first_sample_played_at().is_none());
    p.push_linear16(&le_bytes(&tone(24_000, 1000.0, 100)));
    let next = play(&mut st, 12, 480);
    assert!(rms(&next[480..4000]) > 0.3);
    assert!(p.first_sample_played_at().is_some());
    assert!(p.is_drained());
    assert_eq!(p.stats().underruns, 0);
}

#[test]
fn a_gap_inside_a_reply_counts_one_underrun_and_plays_silence() {
    let (mut p, mut st) = Player::manual(16_000, 16_000).unwrap();
    p.begin_reply();
    p.push_linear16(&le_bytes(&vec![0.5; 80]));
    let out = play(&mut st, 1, 160);
    assert!(out[..80].iter().all(|v| (*v - 0.5).abs() < 1e-3));
    assert!(out[80..].iter().all(|v| *v == 0.0));
    assert_eq!(p.stats().underruns, 0, "not yet: the reply may be over");
    p.push_linear16(&le_bytes(&vec![0.5; 160]));
    play(&mut st, 2, 160);
    assert_eq!(p.stats().underruns, 1);
    // The pause between two replies is not an underrun.
    p.begin_reply();
    p.push_linear16(&le_bytes(&vec![0.5; 160]));
    play(&mut st, 2, 160);
    assert_eq!(p.stats().underruns, 1);
}

#[test]
fn resampled_playback_keeps_pitch_and_level_and_drains_after_the_tail() {
    let (mut p, mut st) = Player::manual(24_000, 44_100).unwrap();
    p.begin_reply();
    p.push_linear16(&le_bytes(&tone(24_000, 1000.0, 500)));
    let mut out = Vec::new();
    let mut callbacks = 0;
    while !p.is_drained() && callbacks < 200 {
        out.extend(play(&mut st, 1, 441));
        callbacks += 1;
    }
    assert!(p.is_drained());
    // 0.5 s of audio at 44.1 kHz is 50 callbacks; the filter tail adds at most one or two.
    assert!((50..=52).contains(&callbacks), "{callbacks} callbacks");
    let mid = &out[4410..17640];
    assert_eq!(dominant_frequency(mid, 44_100, 200.0, 4000.0, 10.0), 1000.0);
    assert!((rms(mid) - 0.3536).abs() < 0.01, "rms {}", rms(mid));
}

#[test]
fn first_sample_time_waits_for_audio_not_for_begin_reply() {
    let (mut p, mut st) = Player::manual(16_000, 48_000).unwrap();
    p.begin_reply();
    play(&mut st, 5, 480);
    assert!(p.first_sample_played_at().is_none(), "silence is not the reply");
    let pushed = std::time::Instant::now();
    p.push_linear16(&le_bytes(&vec![0.25; 320]));
    // The resampler's delay (a few output samples) can carry the first sample into the next
    // callback; the reported time is when it really came out.
    play(&mut st, 2, 480);
    let at = p.first_sample_played_at().expect("played");
    assert!(at >= pushed);
}

#[test]
fn a_wav_sink_records_what_was_heard_in_real_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.wav");
    let opts = super::PlayerOptions::new(
        24_000,
        super::SinkSpec::Wav {
            path: path.clone(),
            sample_rate: Some(48_000),
            speedup: super::Speedup::REAL_TIME,
        },
    );
    let mut p = Player::new(opts).unwrap();
    let t0 = std::time::Instant::now();
    p.begin_reply();
    p.push_linear16(&le_bytes(&tone(24_000, 440.0, 300)));
    assert!(p.wait_drained(Duration::from_secs(5)));
    let took = t0.elapsed();
    assert!(took >= Duration::from_millis(280), "paced, took {took:?}");
    assert!(p.first_sample_played_at().is_some());
    p.close().unwrap();
    let (rec, rate) = super::source::read_wav_mono(&path).unwrap();
    assert_eq!(rate, 48_000);
    let start = rec.iter().position(|v| v.abs() > 0.05).expect("tone in file");
    let body = &rec[start + 1000..start + 13_000];
    assert_eq!(dominant_frequency(body, 48_000, 100.0, 2000.0, 10.0), 440.0);
    assert!((rms(body) - 0.3536).abs() < 0.01);
}

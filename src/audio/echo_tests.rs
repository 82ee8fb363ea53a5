//! The echo stage on odd device rates and without a reference: it never panics, and what goes
//! in comes out, sample for sample. A new canceller mutes the first of Flux's playback.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use super::echo::{EchoMode, EchoStage, EchoStats, WARMUP};
use super::echo_ref::EchoReference;

fn run(mode: EchoMode, mic_rate: u32, ref_rate: Option<u32>) -> usize {
    let reference = EchoReference::new(192_000);
    let mut writer = ref_rate.and_then(|r| reference.writer(r));
    let mut stage = EchoStage::new(mode, reference.reader(), mic_rate, Arc::new(EchoStats::default()));
    let mut out = 0usize;
    let block = vec![0.1f32; 333];
    for k in 0..40u64 {
        let now = 1_000_000_000 + k * 7_000_000;
        if let (Some(w), Some(r)) = (writer.as_mut(), ref_rate) {
            for i in 0..r / 140 {
                w.put((i as f32 * 0.05).sin() * 0.3, now);
            }
            w.flush(now);
        }
        stage.process(&block, now, &mut |x| out += x.len());
    }
    stage.finish(&mut |x| out += x.len());
    out
}

#[test]
fn odd_rates_and_missing_references_pass_everything_through() {
    for mode in [EchoMode::Cancel, EchoMode::HalfDuplex, EchoMode::Off] {
        for mic in [8_000, 11_025, 22_050, 44_100, 48_000, 96_000, 192_000] {
            for reference in [None, Some(8_000), Some(22_050), Some(24_000), Some(44_100), Some(192_000)] {
                assert_eq!(run(mode, mic, reference), 40 * 333, "{mode:?} mic {mic} reference {reference:?}");
            }
        }
    }
}

#[test]
fn a_new_microphone_rate_keeps_the_samples_flowing() {
    let reference = EchoReference::new(48_000);
    let mut stage =
        EchoStage::new(EchoMode::Cancel, reference.reader(), 48_000, Arc::new(EchoStats::default()));
    let mut out = 0usize;
    stage.process(&[0.0; 700], 1_000_000_000, &mut |x| out += x.len());
    stage.set_mic_rate(44_100, &mut |x| out += x.len());
    stage.process(&[0.0; 900], 1_100_000_000, &mut |x| out += x.len());
    stage.finish(&mut |x| out += x.len());
    assert_eq!(out, 1_600);
}

/// RMS (dBFS) of `x`, silence as -120.
fn level_db(x: &[f32]) -> f32 {
    let p = x.iter().map(|v| v * v).sum::<f32>() / x.len().max(1) as f32;
    10.0 * p.max(1e-12).log10()
}

/// Three seconds of Flux playing a 300 Hz tone while the microphone hears a 1 kHz one that the
/// canceller cannot explain by the playback (as before it has found the echo path); the level
/// of each 100 ms of the stage's output.
fn unexplained_sound(warmup: Option<Duration>, held: bool) -> Vec<f32> {
    let reference = EchoReference::new(48_000);
    let mut writer = reference.writer(48_000).unwrap();
    let hold = Some(Arc::new(AtomicBool::new(held)));
    let mut stage =
        EchoStage::new(EchoMode::Cancel, reference.reader(), 48_000, Arc::new(EchoStats::default()))
            .with_hold(hold);
    if let Some(w) = warmup {
        stage = stage.with_warmup(w);
    }
    let mut out = Vec::new();
    let mut mic = [0.0f32; 480];
    for k in 0..300u64 {
        let now = 1_000_000_000 + k * 10_000_000;
        for i in 0..480u64 {
            let t = (k * 480 + i) as f32 / 48_000.0;
            writer.put((t * 300.0 * std::f32::consts::TAU).sin() * 0.3, now);
            mic[i as usize] = (t * 1_000.0 * std::f32::consts::TAU).sin() * 0.1;
        }
        writer.flush(now);
        stage.process(&mic, now, &mut |x| out.extend_from_slice(x));
    }
    out.chunks(4_800).map(level_db).collect()
}

#[test]
fn a_new_canceller_mutes_flux_playing_until_it_has_had_time_to_find_the_echo() {
    let levels = unexplained_sound(None, false);
    let warm = (WARMUP.as_millis() / 100) as usize;
    assert!(levels[..warm].iter().all(|l| *l < -100.0), "heard during the warm-up: {levels:?}");
    // AEC3 itself then holds back sound it cannot explain for a while, and lets it through.
    assert!(levels[25..].iter().all(|l| *l > -30.0), "still held back after the warm-up: {levels:?}");
    // Negative control: without the warm-up, the first 100 ms get through AEC3 nearly whole.
    let levels = unexplained_sound(Some(Duration::ZERO), false);
    assert!(levels[0] > -40.0, "{levels:?}");
    // Holding push-to-talk lifts the muting.
    let levels = unexplained_sound(None, true);
    assert!(levels[0] > -40.0, "{levels:?}");
}

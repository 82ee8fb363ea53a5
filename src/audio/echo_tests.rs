//! The echo stage on odd device rates and without a reference: it never panics, and what goes
//! in comes out, sample for sample.

use std::sync::Arc;

use super::echo::{EchoMode, EchoStage, EchoStats};
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

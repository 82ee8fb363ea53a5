//! Capture tests without hardware: generated and WAV sources through the ring and framer.

use std::time::{Duration, Instant};

use super::framer::{i16_to_f32, Frame, FrameSpec};
use super::level::{dominant_frequency, rms};
use super::source::{read_wav_mono, write_wav_i16, Pace, Signal};
use super::{CaptureOptions, CaptureStream, DeviceSel, SourceSpec};

fn collect(s: &mut CaptureStream) -> Vec<Frame> {
    std::iter::from_fn(|| s.blocking_next_frame()).collect()
}

fn samples(frames: &[Frame]) -> Vec<f32> {
    frames.iter().flat_map(|f| f.samples().map(i16_to_f32).collect::<Vec<_>>()).collect()
}

fn signal_opts(signal: Signal, pace: Pace, rate: u32) -> CaptureOptions {
    CaptureOptions::new(SourceSpec::Signal { signal, pace }, FrameSpec { sample_rate: rate, frame_ms: 20 })
}

#[test]
fn a_stereo_48k_signal_becomes_20ms_mono_frames_at_16k() {
    let sig = Signal {
        sample_rate: 48_000,
        channels: 2,
        tones: vec![(1000.0, 0.25)],
        duration: Some(Duration::from_secs(1)),
    };
    let mut s = CaptureStream::open(signal_opts(sig, Pace::Fast, 16_000)).unwrap();
    assert_eq!(s.sample_rate(), 16_000);
    let frames = collect(&mut s);
    assert_eq!(frames.len(), 50);
    assert!(frames.iter().all(|f| f.pcm.len() == 640));
    let x = samples(&frames);
    let mid = &x[1600..14_400];
    assert_eq!(dominant_frequency(mid, 16_000, 100.0, 7900.0, 10.0), 1000.0);
    assert!((rms(mid) - 0.25 / 2f32.sqrt()).abs() < 0.003);
    assert!(frames.windows(2).all(|w| w[0].ready_at <= w[1].ready_at));
    assert_eq!(s.dropped_frames(), 0);
    assert!(s.level().snapshot().peak > 0.2, "level meter fed");
    s.close().unwrap();
}

#[test]
fn wav_source_and_sink_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.wav");
    // 44.1 kHz stereo 16-bit, 440 Hz left and right: a common consumer format.
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 44_100,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&input, spec).unwrap();
    for v in Signal::tone(44_100, 440.0, 0.5, Duration::from_millis(500)).render() {
        let s = super::framer::f32_to_i16(v);
        w.write_sample(s).unwrap();
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();

    let opts = CaptureOptions::new(SourceSpec::Wav { path: input, pace: Pace::Fast }, FrameSpec::default());
    let mut s = CaptureStream::open(opts).unwrap();
    let frames = collect(&mut s);
    assert_eq!(frames.len(), 25);
    let out = dir.path().join("out.wav");
    let pcm: Vec<i16> = frames.iter().flat_map(|f| f.samples().collect::<Vec<_>>()).collect();
    write_wav_i16(&out, 16_000, &pcm).unwrap();
    let (back, rate) = read_wav_mono(&out).unwrap();
    assert_eq!(rate, 16_000);
    assert_eq!(back.len(), 8000);
    let mid = &back[1000..7000];
    assert_eq!(dominant_frequency(mid, 16_000, 100.0, 2000.0, 10.0), 440.0);
    assert!((rms(mid) - 0.3536).abs() < 0.005);
}

#[test]
fn real_time_pacing_takes_real_time() {
    let sig = Signal::tone(16_000, 300.0, 0.1, Duration::from_millis(200));
    let t0 = Instant::now();
    let mut s = CaptureStream::open(signal_opts(sig, Pace::REAL_TIME, 16_000)).unwrap();
    assert_eq!(collect(&mut s).len(), 10);
    assert!(t0.elapsed() >= Duration::from_millis(180), "{:?}", t0.elapsed());
}

#[test]
fn a_slow_consumer_loses_frames_and_they_are_counted() {
    let sig = Signal::tone(16_000, 300.0, 0.1, Duration::from_millis(300));
    let mut opts = signal_opts(sig, Pace::REAL_TIME, 16_000);
    opts.queue_frames = 2;
    let mut s = CaptureStream::open(opts).unwrap();
    std::thread::sleep(Duration::from_millis(400));
    let got = collect(&mut s).len() as u64;
    assert_eq!(got, 2);
    assert_eq!(s.dropped_frames(), 13);
}

#[tokio::test]
async fn next_frame_is_cancel_safe() {
    let sig = Signal::tone(16_000, 300.0, 0.1, Duration::from_millis(300));
    let mut s = CaptureStream::open(signal_opts(sig, Pace::REAL_TIME, 16_000)).unwrap();
    let mut n = 0;
    let mut cancelled = 0;
    loop {
        // A timeout shorter than the frame period cancels most calls mid-wait.
        match tokio::time::timeout(Duration::from_millis(3), s.next_frame()).await {
            Ok(Some(_)) => n += 1,
            Ok(None) => break,
            Err(_) => cancelled += 1,
        }
    }
    assert_eq!(n, 15, "no frame lost to a cancelled wait");
    assert!(cancelled > 10);
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.wav");
    std::fs::write(&junk, b"RIFF nonsense").unwrap();
    for path in [junk, dir.path().join("missing.wav")] {
        let opts = CaptureOptions::new(SourceSpec::Wav { path, pace: Pace::Fast }, FrameSpec::default());
        assert!(CaptureStream::open(opts).is_err());
    }
    let bad_rate = signal_opts(Signal::tone(16_000, 1.0, 0.1, Duration::ZERO), Pace::Fast, 96_000);
    assert!(CaptureStream::open(bad_rate).is_err());
    let mic = CaptureOptions::new(
        SourceSpec::Mic(DeviceSel::Named("no such microphone 5e2a".into())),
        FrameSpec::default(),
    );
    let err = CaptureStream::open(mic).err().expect("no such device");
    assert!(!err.to_string().is_empty());
}

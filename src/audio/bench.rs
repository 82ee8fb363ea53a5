//! `companion-bench audio`: callback cost, framing cost, ring-to-frame latency, WAV throughput and
//! flush-to-silence time (the echo canceller's figures: `bench_echo`). Everything runs without a
//! sound card: the callbacks are driven by a thread imitating the device, through the real code.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::capture::CaptureLink;
use super::framer::{f32_to_i16, FrameSpec, Framer};
use super::level::LevelMeter;
use super::player::Player;
use super::playout::on_output;
use super::pump::Pump;
use super::ring::{capture_ring, on_input, CaptureShared};
use super::source::Signal;
use super::{CaptureOptions, CaptureStream, Pace, SourceSpec};

fn pct(mut v: Vec<f64>, p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Runs every audio benchmark and returns the report.
pub fn run() -> String {
    let mut out = String::from("audio\n");
    input_callback(&mut out);
    framer_cost(&mut out);
    ring_to_frame_latency(&mut out);
    wav_throughput(&mut out);
    output_callback_and_flush(&mut out);
    super::bench_echo::run(&mut out);
    out
}

/// 10 ms stereo f32 at 48 kHz per callback, the common desktop case.
fn input_callback(out: &mut String) {
    let (mut st, mut cons) = capture_ring(2, 48_000, None);
    let block: Vec<f32> = (0..960).map(|i| (i as f32 * 0.01).sin() * 0.3).collect();
    let mut sink = vec![0.0f32; 480];
    let mut t = Vec::with_capacity(20_000);
    for _ in 0..20_000 {
        let t0 = Instant::now();
        on_input(&mut st, &block);
        t.push(us(t0.elapsed()));
        cons.pop(&mut sink);
    }
    let _ = writeln!(
        out,
        "  input callback (480 frames stereo f32 @48k): p50 {:.2} us, p99 {:.2} us",
        pct(t.clone(), 0.5),
        pct(t, 0.99)
    );
}

/// One 20 ms frame: 960 mono samples at 48 kHz in, 320 at 16 kHz out.
fn framer_cost(out: &mut String) {
    let mut f = Framer::new(48_000, FrameSpec::default()).expect("valid spec");
    let x = Signal::tone(48_000, 1000.0, 0.3, Duration::from_millis(20)).render();
    let mut t = Vec::with_capacity(10_000);
    let mut n = 0usize;
    for _ in 0..10_000 {
        let t0 = Instant::now();
        let _ = f.push(&x, &mut |fr: &[i16]| n += fr.len());
        t.push(us(t0.elapsed()));
    }
    let _ = writeln!(
        out,
        "  framer+resampler per 20 ms frame (48k -> 16k): p50 {:.2} us, p99 {:.2} us",
        pct(t.clone(), 0.5),
        pct(t, 0.99)
    );
}

/// A thread plays the input callback every 10 ms (48 kHz stereo) and unparks the capture worker,
/// which runs the real `Pump`; measured: last push into the ring -> frame handed to the queue.
fn ring_to_frame_latency(out: &mut String) {
    let link = Arc::new(CaptureLink {
        shared: Arc::new(CaptureShared::default()),
        queue_dropped: AtomicU64::new(0),
        native_rate: AtomicU64::new(48_000),
        stop: AtomicBool::new(false),
        error: Mutex::new(None),
        meter: LevelMeter::default(),
        echo: Arc::default(),
    });
    let (tx, mut rx) = mpsc::channel(1024);
    let lat = Arc::new(Mutex::new(Vec::new()));
    let (link2, lat2) = (link.clone(), lat.clone());
    let (cons_tx, cons_rx) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        let mut cons = cons_rx.recv().expect("ring");
        let framer = Framer::new(48_000, FrameSpec::default()).expect("valid spec");
        let mut pump = Pump::new(framer, link2.meter.clone(), tx, false);
        let mut seen = 0usize;
        while !link2.stop.load(Ordering::Acquire) {
            std::thread::park_timeout(Duration::from_millis(20));
            let _ = pump.drain(&mut cons, &link2);
            while let Ok(f) = rx.try_recv() {
                let pushed = super::clock::from_ns(link2.shared.last_push_ns.load(Ordering::Acquire));
                if let Some(p) = pushed {
                    seen += 1;
                    if seen > 5 {
                        let v = f.ready_at.saturating_duration_since(p);
                        lat2.lock().unwrap_or_else(|e| e.into_inner()).push(us(v));
                    }
                }
            }
        }
    });
    let (mut st, cons) =
        super::ring::capture_ring_with(link.shared.clone(), 2, 96_000, Some(worker.thread().clone()));
    let _ = cons_tx.send(cons);
    let block: Vec<f32> = (0..960).map(|i| (i as f32 * 0.02).sin() * 0.3).collect();
    let mut next = Instant::now();
    for _ in 0..400 {
        on_input(&mut st, &block);
        next += Duration::from_millis(10);
        if let Some(w) = next.checked_duration_since(Instant::now()) {
            std::thread::sleep(w);
        }
    }
    link.stop.store(true, Ordering::Release);
    worker.thread().unpark();
    let _ = worker.join();
    let v = lat.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let _ = writeln!(
        out,
        "  ring entry -> frame ready ({} frames, real-time 10 ms callbacks): p50 {:.0} us, p99 {:.0} us, max {:.0} us (target p99 <= 2000 us)",
        v.len(),
        pct(v.clone(), 0.5),
        pct(v.clone(), 0.99),
        pct(v, 1.0)
    );
}

/// A 60 s 48 kHz stereo 16-bit WAV through the whole capture path (ring, down-mix, framer,
/// resampler to 16 kHz, frame queue), as fast as the consumer takes frames.
fn wav_throughput(out: &mut String) {
    let path = std::env::temp_dir().join(format!("companion-bench-{}.wav", std::process::id()));
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 48_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let written = (|| -> Result<(), hound::Error> {
        let mut w = hound::WavWriter::create(&path, spec)?;
        for v in Signal::tone(48_000, 440.0, 0.3, Duration::from_secs(60)).render() {
            let s = f32_to_i16(v);
            w.write_sample(s)?;
            w.write_sample(s)?;
        }
        w.finalize()
    })();
    if let Err(e) = written {
        let _ = writeln!(out, "  60 s WAV: cannot write the fixture: {e}");
        return;
    }
    let opts =
        CaptureOptions::new(SourceSpec::Wav { path: path.clone(), pace: Pace::Fast }, FrameSpec::default());
    let t0 = Instant::now();
    let frames = match CaptureStream::open(opts) {
        Ok(mut s) => std::iter::from_fn(|| s.blocking_next_frame()).count(),
        Err(e) => {
            let _ = writeln!(out, "  60 s WAV: {e}");
            return;
        }
    };
    let took = t0.elapsed();
    let _ = std::fs::remove_file(&path);
    let _ = writeln!(
        out,
        "  60 s WAV (48k stereo -> 16k frames): {frames} frames in {:.1} ms = {:.0}x real time (target >= 500x)",
        took.as_secs_f64() * 1000.0,
        60.0 / took.as_secs_f64()
    );
}

/// Output callback cost (24 kHz agent audio to a 48 kHz stereo device, 10 ms callbacks) and
/// flush-to-silence: callbacks until silence, plus wall time on a real-time WAV sink.
fn output_callback_and_flush(out: &mut String) {
    let Ok((mut p, mut st)) = Player::manual(24_000, 48_000) else {
        return;
    };
    let bytes: Vec<u8> = Signal::tone(24_000, 440.0, 0.3, Duration::from_secs(1))
        .render()
        .iter()
        .flat_map(|v| f32_to_i16(*v).to_le_bytes())
        .collect();
    let mut buf = vec![0.0f32; 960];
    let mut t = Vec::new();
    let mut flush_cb = Vec::new();
    let mut silent_after = Vec::new();
    for _ in 0..50 {
        p.begin_reply();
        p.push_linear16(&bytes);
        for _ in 0..20 {
            let t0 = Instant::now();
            on_output(&mut st, &mut buf, 2);
            t.push(us(t0.elapsed()));
        }
        p.flush();
        let t0 = Instant::now();
        on_output(&mut st, &mut buf, 2);
        flush_cb.push(us(t0.elapsed()));
        let mut n = 1;
        while buf.iter().any(|v| *v != 0.0) && n < 10 {
            on_output(&mut st, &mut buf, 2);
            n += 1;
        }
        silent_after.push(n as f64);
    }
    let _ = writeln!(
        out,
        "  output callback (480 frames stereo @48k from 24k): p50 {:.2} us, p99 {:.2} us",
        pct(t.clone(), 0.5),
        pct(t, 0.99)
    );
    let _ = writeln!(
        out,
        "  flush -> silence: silent from callback #{} after flush (max), flush-handling callback p99 {:.2} us",
        pct(silent_after, 1.0),
        pct(flush_cb, 0.99)
    );
    flush_wall_time(out);
}

/// On a real-time WAV sink (10 ms callbacks): wall time from `flush()` to the first callback
/// that has applied it, i.e. from which on the output is silent (at most one period).
fn flush_wall_time(out: &mut String) {
    let path = std::env::temp_dir().join(format!("companion-bench-flush-{}.wav", std::process::id()));
    let sink = super::SinkSpec::Wav {
        path: path.clone(),
        sample_rate: Some(48_000),
        speedup: super::Speedup::REAL_TIME,
    };
    let Ok(mut p) = Player::new(super::PlayerOptions::new(24_000, sink)) else {
        return;
    };
    let bytes = vec![0x10u8; 48_000];
    let shared = p.shared_for_bench();
    let mut v = Vec::new();
    for _ in 0..30 {
        p.push_linear16(&bytes);
        std::thread::sleep(Duration::from_millis(23));
        let t0 = Instant::now();
        p.flush();
        let gen = shared.flush_gen.load(Ordering::Acquire);
        while shared.flush_applied.load(Ordering::Acquire) != gen && t0.elapsed() < Duration::from_secs(1) {
            std::hint::spin_loop();
        }
        v.push(us(t0.elapsed()));
    }
    let _ = p.close();
    let _ = std::fs::remove_file(&path);
    let _ = writeln!(
        out,
        "  flush -> next callback on a 10 ms sink: p50 {:.0} us, p99 {:.0} us (bound: one period)",
        pct(v.clone(), 0.5),
        pct(v, 0.99)
    );
}

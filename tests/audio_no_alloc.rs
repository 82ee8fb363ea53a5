//! Proves the real-time callback bodies never touch the allocator. This binary runs under
//! `assert_no_alloc`'s global allocator, which aborts the process if anything allocates inside
//! `assert_no_alloc(|| ..)` (debug builds; the crate turns itself off in release builds, so the
//! negative control below only runs with debug assertions).

use std::time::Duration;

use assert_no_alloc::{assert_no_alloc, AllocDisabler};
use companion::audio::echo_ref::EchoReference;
use companion::audio::player::Player;
use companion::audio::playout::on_output;
use companion::audio::ring::{capture_ring, on_input, SCRATCH_FRAMES};

#[global_allocator]
static A: AllocDisabler = AllocDisabler;

fn le_tone(rate: u32, ms: u32) -> Vec<u8> {
    (0..rate * ms / 1000)
        .flat_map(|i| {
            let v = (i as f32 * 0.07).sin() * 12_000.0;
            (v as i16).to_le_bytes()
        })
        .collect()
}

#[test]
fn the_capture_callback_does_not_allocate() {
    let waiter = std::thread::spawn(|| std::thread::park_timeout(Duration::from_secs(2)));
    let (mut st, mut cons) = capture_ring(2, 48_000, Some(waiter.thread().clone()));
    let stereo_i16 = vec![1234i16; 960];
    let mono_f32 = vec![0.25f32; 480];
    let huge = vec![0.1f32; (SCRATCH_FRAMES * 2 + 5) * 2];
    let mut out = vec![0.0f32; 48_000];
    assert_no_alloc(|| {
        for _ in 0..100 {
            on_input(&mut st, &stereo_i16);
        }
        on_input(&mut st, &huge); // longer than the scratch buffer, and overflows the ring
        on_input(&mut st, &mono_f32);
    });
    assert!(st.shared().dropped.load(std::sync::atomic::Ordering::Relaxed) > 0);
    assert_eq!(cons.pop(&mut out), 48_000);
    let _ = waiter.join();
}

#[test]
fn the_playback_callback_does_not_allocate() {
    for (rate, device_rate, channels) in
        [(24_000, 48_000, 2), (24_000, 44_100, 2), (16_000, 16_000, 1), (22_050, 48_000, 6)]
    {
        let (mut p, mut st) = Player::manual(rate, device_rate).unwrap();
        let mut buf_f32 = vec![0.0f32; 1024 * channels];
        let mut buf_i16 = vec![0i16; 333 * channels];
        p.begin_reply();
        p.push_linear16(&le_tone(rate, 300));
        assert_no_alloc(|| {
            // First callbacks included: nothing may be initialised lazily on the audio thread.
            for _ in 0..5 {
                on_output(&mut st, &mut buf_f32, channels);
                on_output(&mut st, &mut buf_i16, channels);
            }
        });
        p.flush();
        p.begin_reply();
        p.push_linear16(&le_tone(rate, 100));
        assert_no_alloc(|| {
            // Flush handling, underrun (the ring runs dry), first-sample and drain marks.
            for _ in 0..20 {
                on_output(&mut st, &mut buf_f32, channels);
            }
        });
        assert!(p.first_sample_played_at().is_some(), "{rate}->{device_rate}");
        assert!(p.is_drained(), "{rate}->{device_rate}");
    }
}

#[test]
fn the_playback_callback_feeding_the_echo_reference_does_not_allocate() {
    for (rate, device_rate, channels, frames) in [(24_000, 48_000, 2, 480), (24_000, 24_000, 1, 5_000)] {
        // A small reference nobody reads: it fills up, and later samples are dropped and counted.
        let reference = EchoReference::new(8_000);
        let mut reader = reference.reader().unwrap();
        let (mut p, mut st) = Player::manual(rate, device_rate).unwrap();
        st.set_reference(&reference);
        let mut buf = vec![0.0f32; frames * channels];
        p.begin_reply();
        p.push_linear16(&le_tone(rate, 500));
        assert_no_alloc(|| {
            for _ in 0..20 {
                on_output(&mut st, &mut buf, channels);
            }
        });
        p.flush();
        assert_no_alloc(|| {
            for _ in 0..20 {
                on_output(&mut st, &mut buf, channels);
            }
        });
        assert!(reference.dropped.load(std::sync::atomic::Ordering::Relaxed) > 0, "{frames}");
        let mut got = vec![0.0f32; 20_000];
        assert_eq!(reader.pop(&mut got), 16_000, "the reference holds two seconds at 8 kHz");
        assert!(got.iter().any(|v| v.abs() > 0.1), "the reference holds what was played");
    }
}

/// Run in a child process by `the_guard_is_armed`: allocates inside the guard and must abort.
#[test]
fn negative_control_child() {
    if std::env::var_os("NO_ALLOC_NEGATIVE_CONTROL").is_some() {
        let v = assert_no_alloc(|| vec![1u8; 64]);
        std::hint::black_box(v);
    }
}

#[test]
fn the_guard_is_armed() {
    if !cfg!(debug_assertions) {
        eprintln!("assert_no_alloc is disabled in release builds; run this test in debug");
        return;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["negative_control_child", "--exact", "--test-threads=1"])
        .env("NO_ALLOC_NEGATIVE_CONTROL", "1")
        .output()
        .unwrap();
    assert!(!out.status.success(), "allocating inside assert_no_alloc did not abort");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("memory allocation of 64 bytes failed"), "{stderr}");
}

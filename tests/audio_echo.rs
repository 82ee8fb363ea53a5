//! Echo cancellation on a synthetic echo path (see `support/echo_path.rs`): espeak-ng speech
//! played at 24 kHz, heard back at 48 kHz stereo through sox's attenuation and room reverb after
//! 30–300 ms, on a simulated clock, so every run is the same.

#[path = "support/echo_path.rs"]
mod echo_path;

use companion::audio::echo::EchoMode;
use echo_path::{run, voices, Outcome, Scenario, MIC_RATE};

fn power(x: &[f32]) -> f64 {
    x.iter().map(|v| f64::from(*v) * f64::from(*v)).sum::<f64>() / x.len().max(1) as f64
}

fn db(ratio: f64) -> f64 {
    10.0 * ratio.max(1e-30).log10()
}

/// Echo reduction (dB) from `from_s` to the end: the echo's power over what is left of it.
fn erle(o: &Outcome, from_s: usize) -> f64 {
    let a = from_s * MIC_RATE;
    db(power(&o.echo[a..]) / power(&o.out[a..]))
}

fn echo_only(mode: EchoMode, delay_ms: usize) -> Scenario {
    Scenario {
        mode,
        delay_ms,
        change: None,
        user_at_s: None,
        flush_at_s: None,
        headphones: false,
        held: false,
        drift_ppm: 0,
    }
}

/// Normalised correlation of `x` with `y` delayed by `lag` samples.
fn corr_at(x: &[f32], y: &[f32], lag: usize) -> f64 {
    let (x, y) = (&x[lag..], &y[..y.len() - lag]);
    let xy: f64 = x.iter().zip(y).map(|(p, q)| f64::from(*p) * f64::from(*q)).sum();
    xy / (power(x) * power(y)).sqrt() / x.len() as f64
}

/// Level (dB) and correlation of the output with the clean user speech where the user talks,
/// at the best lag up to 20 ms (the canceller's own latency), found on the first second.
fn user_passes(o: &Outcome, at_s: usize) -> (f64, f64) {
    let a = at_s * MIC_RATE;
    let b = o.user.iter().rposition(|v| v.abs() > 1e-4).unwrap_or(a) + 1;
    let level = db(power(&o.out[a..b]) / power(&o.user[a..b]));
    let probe = (a + MIC_RATE).min(b);
    let (x, y) = (&o.out[a..probe], &o.user[a..probe]);
    let scores: Vec<f64> = (0..MIC_RATE / 50).map(|lag| corr_at(x, y, lag)).collect();
    let lag = (0..scores.len()).max_by(|p, q| scores[*p].total_cmp(&scores[*q])).unwrap_or(0);
    (level, corr_at(&o.out[a..b], &o.user[a..b], lag))
}

#[test]
fn echo_is_cancelled_whatever_the_delay() {
    let v = voices();
    for delay in [30, 120, 300] {
        let o = run(&v, &echo_only(EchoMode::Cancel, delay));
        let e = erle(&o, 2);
        eprintln!("delay {delay} ms: ERLE {e:.1} dB, estimated delay {:?} ms", o.stats.delay_ms());
        assert!(e >= 25.0, "delay {delay} ms: ERLE {e:.1} dB");
    }
}

#[test]
fn drifting_clocks_and_a_long_delay_are_followed() {
    let v = voices();
    // Two free-running device clocks 300 ppm apart: the delay drifts by 9 ms over 30 s.
    let o = run(&v, &Scenario { drift_ppm: 300, ..echo_only(EchoMode::Cancel, 60) });
    let e = erle(&o, 2);
    eprintln!("drift 300 ppm: ERLE {e:.1} dB");
    assert!(e >= 25.0, "drift: ERLE {e:.1} dB");
    let o = run(&v, &echo_only(EchoMode::Cancel, 480));
    let e = erle(&o, 2);
    eprintln!("delay 480 ms: ERLE {e:.1} dB, estimated {:?} ms", o.stats.delay_ms());
    assert!(e >= 25.0, "delay 480 ms: ERLE {e:.1} dB");
}

#[test]
fn negative_control_without_cancellation_the_echo_stays_and_is_detected() {
    let v = voices();
    let o = run(&v, &echo_only(EchoMode::Off, 120));
    let e = erle(&o, 2);
    eprintln!("off: ERLE {e:.1} dB");
    assert!(e.abs() < 1.0, "off changed the microphone: {e:.1} dB");
    assert!(e < 25.0, "the ERLE check would pass without cancellation");
    assert!(o.stats.echo_heard.load(std::sync::atomic::Ordering::Relaxed), "the echo was not detected");
}

#[test]
fn with_headphones_flux_is_not_said_to_hear_itself() {
    let v = voices();
    for mode in [EchoMode::Cancel, EchoMode::Off] {
        let sc = Scenario { user_at_s: Some(3), headphones: true, ..echo_only(mode, 120) };
        let o = run(&v, &sc);
        let (level, corr) = user_passes(&o, 3);
        eprintln!(
            "headphones, {mode:?}: user level {level:+.1} dB, correlation {corr:.3}, heard {:?}",
            o.stats.echo_heard
        );
        assert!(!o.stats.echo_heard.load(std::sync::atomic::Ordering::Relaxed), "{mode:?}: echo reported");
        assert!(level.abs() <= 3.0 && corr >= 0.8, "{mode:?}: level {level:+.1} dB, correlation {corr:.3}");
    }
}

#[test]
fn the_user_comes_through_while_flux_speaks() {
    let v = voices();
    let sc = Scenario { user_at_s: Some(10), ..echo_only(EchoMode::Cancel, 120) };
    let o = run(&v, &sc);
    let (level, corr) = user_passes(&o, 10);
    eprintln!("double talk: level {level:+.1} dB, correlation {corr:.3}");
    assert!(level.abs() <= 3.0, "level {level:+.1} dB");
    assert!(corr >= 0.8, "correlation {corr:.3}");
}

#[test]
fn a_delay_change_is_followed_within_two_seconds() {
    let v = voices();
    let o = run(&v, &Scenario { change: Some((12, 180)), ..echo_only(EchoMode::Cancel, 60) });
    let (before, after) = (erle(&o, 2), erle(&o, 14));
    eprintln!("delay 60 -> 180 ms at 12 s: ERLE {before:.1} dB overall, {after:.1} dB from 14 s");
    assert!(after >= 25.0, "ERLE {after:.1} dB two seconds after the change");
}

#[test]
fn a_flushed_reply_leaves_no_stale_reference() {
    let v = voices();
    let o = run(&v, &Scenario { flush_at_s: Some(8), ..echo_only(EchoMode::Cancel, 120) });
    let e = erle(&o, 2);
    eprintln!("flush at 8 s, resumed at 9 s: ERLE {e:.1} dB");
    assert!(e >= 25.0, "ERLE {e:.1} dB");
}

#[test]
fn half_duplex_mutes_the_microphone_while_flux_speaks() {
    let v = voices();
    let o = run(&v, &echo_only(EchoMode::HalfDuplex, 120));
    let e = erle(&o, 1);
    eprintln!("half duplex: ERLE {e:.1} dB");
    assert!(e >= 40.0, "ERLE {e:.1} dB");
    assert!(o.stats.gated_chunks.load(std::sync::atomic::Ordering::Relaxed) > 0);
    // Holding push-to-talk lifts the muting: the user can interrupt.
    let o = run(&v, &Scenario { held: true, user_at_s: Some(10), ..echo_only(EchoMode::HalfDuplex, 120) });
    let (level, corr) = user_passes(&o, 10);
    eprintln!("half duplex, push-to-talk held: user level {level:+.1} dB");
    assert!(level > -6.0 && corr > 0.5, "level {level:+.1} dB, correlation {corr:.3}");
}

use std::time::Duration;

/// p50 and p99 in milliseconds.
pub fn percentiles(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    (quantile_ms(&samples, 0.50), quantile_ms(&samples, 0.99))
}

/// The `q` quantile (nearest rank) of sorted samples, in milliseconds.
pub fn quantile_ms(sorted: &[Duration], q: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted.get(i).map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
}

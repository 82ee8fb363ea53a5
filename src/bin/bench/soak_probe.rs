//! What the soak reads about the `companion talk` process and its data dir.

use std::path::Path;

/// Kilobytes as megabytes.
pub(super) fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// VmRSS in kB and the number of open file descriptors of `pid`; `None` once it is gone.
pub(super) fn sample(pid: u32) -> Option<(u64, usize)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())?;
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count();
    Some((rss, fds))
}

/// The bytes of every file under `dir`, in kB (0 for what cannot be read: the store may be
/// swapping a file at that moment).
pub(super) fn dir_kb(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let bytes: u64 = entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_kb(&e.path()) * 1024,
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum();
    bytes / 1024
}

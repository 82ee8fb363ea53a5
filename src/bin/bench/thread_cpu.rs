//! CPU time per thread of this process, by thread name (Linux `/proc/self/task`), so a benchmark
//! can say where the time of a run went: the HTTP workers, the message writer, the checkpointer.

use std::collections::BTreeMap;

/// Clock ticks per second of `/proc`'s utime and stime (USER_HZ, 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

/// User + system CPU seconds of each thread name, summed over threads of the same name.
pub fn by_name() -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return out };
    for task in tasks.flatten() {
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default().trim().to_string();
        let Ok(stat) = std::fs::read_to_string(path.join("stat")) else { continue };
        // The name in `stat` may hold spaces: the fields counted are after its closing ')'.
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else { continue };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // After the name: state is the 1st, utime the 12th, stime the 13th.
        let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        *out.entry(name).or_insert(0.0) += (ticks(11) + ticks(12)) as f64 / TICKS_PER_SECOND;
    }
    out
}

/// What each thread name used between two readings, busiest first, as "name 1.23 s".
pub fn spent(before: &BTreeMap<String, f64>, after: &BTreeMap<String, f64>) -> String {
    let mut used: Vec<(&String, f64)> = after
        .iter()
        .map(|(n, s)| (n, s - before.get(n).copied().unwrap_or(0.0)))
        .filter(|(_, s)| *s > 0.0)
        .collect();
    used.sort_by(|a, b| b.1.total_cmp(&a.1));
    used.iter().map(|(n, s)| format!("{n} {s:.2} s")).collect::<Vec<_>>().join(", ")
}

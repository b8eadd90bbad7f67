//! The process's peak resident memory, for the benchmarks that report it.

/// Peak RSS in KB (VmHWM from /proc/self/status), when the system reports it.
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

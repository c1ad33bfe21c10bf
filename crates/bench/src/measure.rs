//! Latency statistics and memory readings.

use std::time::{Duration, Instant};

/// Times `runs` calls of `f`; gives (median, p99) in milliseconds.
pub async fn latency<F, Fut>(runs: usize, mut f: F) -> anyhow::Result<(f64, f64)>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs {
        let started = Instant::now();
        f(i).await?;
        times.push(started.elapsed());
    }
    Ok(percentiles(&mut times))
}

pub fn percentiles(times: &mut [Duration]) -> (f64, f64) {
    let [p50, p99] = quantiles_ms(times, [0.5, 0.99]);
    (p50, p99)
}

/// The `qs` quantiles of `times`, in milliseconds (0 for none).
pub fn quantiles_ms<const N: usize>(times: &mut [Duration], qs: [f64; N]) -> [f64; N] {
    times.sort_unstable();
    qs.map(|q| {
        let i = ((times.len() as f64 - 1.0) * q).round() as usize;
        times.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    })
}

/// The process's peak resident memory so far, in MiB (Linux).
pub fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

//! One small worker pool for the stages that split their work: parsing a
//! large spec in pieces, and emitting and formatting the parts of the output.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The number of cores, the default number of workers.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs `work` on every job, on one worker per core, and returns the results
/// in job order; `None` if a worker panicked and results are missing.
pub fn map<J: Sync, R: Send>(jobs: &[J], work: impl Fn(&J) -> R + Sync) -> Option<Vec<R>> {
    map_with(cores(), jobs, work)
}

/// Like [`map`], on `workers` workers.
pub fn map_with<J: Sync, R: Send>(
    workers: usize,
    jobs: &[J],
    work: impl Fn(&J) -> R + Sync,
) -> Option<Vec<R>> {
    let workers = workers.max(1).min(jobs.len().max(1));
    if workers == 1 {
        // As with workers, a panic means results are missing.
        return std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| jobs.iter().map(&work).collect()))
            .ok();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(index) else { break out };
                        out.push((index, work(job)));
                    }
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    if done.len() != jobs.len() {
        return None;
    }
    done.sort_by_key(|(index, _)| *index);
    Some(done.into_iter().map(|(_, result)| result).collect())
}

//! Claims about many Lambda instances, tested from several OS processes: each `swarm`
//! worker (src/bin/swarm.rs) runs one `Job` with its own SDK clients.

use std::io::Write;
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

use crate::{Answer, Call};

/// Work for one `swarm` process.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Job {
    /// Send these requests, `concurrency` at a time.
    Calls { calls: Vec<Call>, concurrency: usize },
    /// Run `count` admitter ticks for one concert, `concurrency` at a time, each after a
    /// random pause of up to `spread_ms` (overlapping now and then, as a retried or late
    /// admitter run would, rather than all at once); each answer's body lists the places
    /// that tick let in.
    Ticks { concert: String, count: usize, concurrency: usize, spread_ms: u64 },
}

/// Run each job in its own OS process (an independent "Lambda instance") at the same
/// time; `env` adds variables to the workers' environment.
pub fn swarm(bin: &str, jobs: Vec<Job>, env: &[(&str, &str)]) -> Vec<Vec<Answer>> {
    let children: Vec<_> = jobs
        .into_iter()
        .map(|job| {
            let mut child = Command::new(bin)
                .envs(env.iter().copied())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("spawn swarm worker");
            let input = serde_json::to_vec(&job).unwrap();
            child.stdin.take().unwrap().write_all(&input).unwrap();
            child
        })
        .collect();
    children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().expect("swarm worker");
            assert!(out.status.success(), "swarm worker failed");
            serde_json::from_slice(&out.stdout).expect("swarm output")
        })
        .collect()
}

/// Split `items` into `parts` nearly equal chunks.
pub fn split<T: Clone>(items: &[T], parts: usize) -> Vec<Vec<T>> {
    let size = items.len().div_ceil(parts.max(1)).max(1);
    items.chunks(size).map(<[T]>::to_vec).collect()
}

//! CPU sets for the load generator (`--server-cpus`, `--generator-cpus`): the server under test
//! and the generator each get their own cores, so neither waits for the other's work (the CPU
//! time each reports is its own either way). On a 2-core machine that is one core each; on a
//! larger one the server keeps the two cores the goals are stated for and the generator gets
//! the rest (at 50 × 20 clients it needs several).
//!
//! A process inherits the CPUs of the thread that starts it, so [`with_cpus`] moves the calling
//! thread onto the server's CPUs just for the spawn and back afterwards.

use rustix::thread::{CpuSet, sched_getaffinity, sched_setaffinity};
use std::fmt;
use std::str::FromStr;

/// CPUs in the kernel's list syntax: `0`, `0-1`, `2-15`, `0,2-3`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CpuList(Vec<usize>);

/// Why a CPU list does not parse.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CpuListError {
    #[error("empty CPU list: give CPUs like 0, 0-1 or 2-15")]
    Empty,
    #[error("'{0}' is not a CPU number or range (like 3 or 2-15)")]
    NotANumber(String),
    #[error("the range {0}-{1} runs backwards")]
    Backwards(usize, usize),
    #[error("CPU {0} is beyond what the kernel's CPU sets hold ({1})")]
    TooLarge(usize, usize),
}

impl CpuList {
    fn set(&self) -> CpuSet {
        let mut set = CpuSet::new();
        for &cpu in &self.0 {
            set.set(cpu);
        }
        set
    }
}

impl FromStr for CpuList {
    type Err = CpuListError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let number = |t: &str| {
            t.trim()
                .parse::<usize>()
                .map_err(|_| CpuListError::NotANumber(t.trim().to_owned()))
        };
        let mut cpus = Vec::new();
        for part in s.split(',').filter(|p| !p.trim().is_empty()) {
            let (first, last) = match part.split_once('-') {
                Some((a, b)) => (number(a)?, number(b)?),
                None => {
                    let n = number(part)?;
                    (n, n)
                }
            };
            if last < first {
                return Err(CpuListError::Backwards(first, last));
            }
            if last >= CpuSet::MAX_CPU {
                return Err(CpuListError::TooLarge(last, CpuSet::MAX_CPU));
            }
            cpus.extend(first..=last);
        }
        if cpus.is_empty() {
            return Err(CpuListError::Empty);
        }
        Ok(CpuList(cpus))
    }
}

impl fmt::Display for CpuList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(usize::to_string).collect();
        f.write_str(&parts.join(","))
    }
}

/// Keep the calling thread — and every thread and process it starts from now on — on `cpus`.
/// Call it before building an async runtime to put all of its workers there.
pub fn pin_this_thread(cpus: &CpuList) -> std::io::Result<()> {
    Ok(sched_setaffinity(None, &cpus.set())?)
}

/// Run `f` with the calling thread on `cpus` (when given), then put the thread back on the CPUs
/// it had. A process `f` starts stays on `cpus`.
pub fn with_cpus<T>(cpus: Option<&CpuList>, f: impl FnOnce() -> T) -> std::io::Result<T> {
    let Some(cpus) = cpus else { return Ok(f()) };
    let before = sched_getaffinity(None)?;
    sched_setaffinity(None, &cpus.set())?;
    let out = f();
    sched_setaffinity(None, &before)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(s: &str) -> Result<Vec<usize>, CpuListError> {
        s.parse::<CpuList>().map(|l| l.0)
    }

    #[test]
    fn cpu_lists_parse_like_the_kernels() {
        assert_eq!(list("0"), Ok(vec![0]));
        assert_eq!(list("0-1"), Ok(vec![0, 1]));
        assert_eq!(list("2-5"), Ok(vec![2, 3, 4, 5]));
        assert_eq!(list("0, 2-3"), Ok(vec![0, 2, 3]));
        assert_eq!(list(""), Err(CpuListError::Empty));
        assert_eq!(list(" , "), Err(CpuListError::Empty));
        assert_eq!(list("3-1"), Err(CpuListError::Backwards(3, 1)));
        assert_eq!(list("a"), Err(CpuListError::NotANumber("a".into())));
        assert_eq!(list("1-"), Err(CpuListError::NotANumber(String::new())));
        assert!(matches!(
            list("100000"),
            Err(CpuListError::TooLarge(100_000, _))
        ));
        assert_eq!(
            "0,2-3".parse::<CpuList>().map(|l| l.to_string()),
            Ok("0,2,3".to_owned())
        );
    }

    /// What the kernel says a process may run on (`Cpus_allowed_list` in /proc).
    fn allowed(pid: u32) -> String {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
            .unwrap_or_default()
            .trim()
            .to_owned()
    }

    #[test]
    fn a_process_started_inside_stays_on_those_cpus_and_the_thread_goes_back() {
        let before = sched_getaffinity(None).expect("this thread's CPUs");
        let Some(first) = (0..CpuSet::MAX_CPU).find(|&c| before.is_set(c)) else {
            panic!("this thread may run on no CPU");
        };
        let one = CpuList(vec![first]);
        let mut child = with_cpus(Some(&one), || {
            std::process::Command::new("sleep").arg("10").spawn()
        })
        .expect("CPUs set")
        .expect("sleep started");
        let seen = allowed(child.id());
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(seen, first.to_string());
        assert_eq!(sched_getaffinity(None).expect("CPUs again"), before);
        // Without a list nothing changes.
        assert_eq!(with_cpus(None, || 7).expect("no change"), 7);
        assert_eq!(sched_getaffinity(None).expect("CPUs again"), before);
    }
}

//! The fuzz harnesses in CI (issue 6): every committed corpus input and every crasher ever
//! found is replayed, then a short proptest run feeds each harness random bytes and mutated
//! seeds. The long runs are `cargo xtask fuzz` (cargo-fuzz, libFuzzer); both call the same
//! functions in `samtal_shared::fuzzing`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use samtal_shared::fuzzing::{TARGETS, Target, seeds};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Files of one target in the committed corpus and in the crasher regressions.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in [
        root().join("fuzz/corpus").join(target),
        root().join("tests/fuzz-regressions").join(target),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

fn target(name: &str) -> Target {
    TARGETS.iter().find(|(n, _)| *n == name).unwrap().1
}

#[test]
fn committed_corpus_and_crashers_replay_cleanly() {
    let mut total = 0;
    for (name, run) in TARGETS {
        let files = inputs(name);
        assert!(
            files.len() >= seeds(name).len(),
            "the corpus of `{name}` is missing: run `cargo xtask fuzz`"
        );
        for (path, bytes) in files {
            let result = std::panic::catch_unwind(|| run(&bytes));
            assert!(result.is_ok(), "{name}: {} fails", path.display());
            total += 1;
        }
        for seed in seeds(name) {
            run(&seed);
        }
    }
    println!("replayed {total} inputs");
}

/// A seed with a few random byte edits (flip, truncate, insert).
fn mutated(name: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let all = seeds(name);
    (
        0..all.len(),
        prop::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..8),
    )
        .prop_map(move |(i, edits)| {
            let mut s = all[i].clone();
            for (at, byte, how) in edits {
                if s.is_empty() {
                    s.push(byte);
                    continue;
                }
                let at = at % s.len();
                match how {
                    0 => s[at] ^= byte | 1,
                    1 => s.truncate(at),
                    _ => s.insert(at, byte),
                }
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn protocol_random(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        target("protocol")(&bytes);
    }

    #[test]
    fn protocol_mutated(bytes in mutated("protocol")) {
        target("protocol")(&bytes);
    }

    #[test]
    fn server_mutated(bytes in mutated("server")) {
        target("server")(&bytes);
    }

    #[test]
    fn load_mutated(bytes in mutated("load")) {
        target("load")(&bytes);
    }

    #[test]
    fn splice_random(old in ".{0,40}", new in ".{0,40}", caret in any::<u32>(), enc in 0u8..3) {
        let input = samtal_shared::fuzzing::join_frames(&[
            old.as_bytes(),
            new.as_bytes(),
            &[enc, (caret >> 16) as u8, (caret >> 8) as u8, caret as u8],
        ]);
        target("splice")(&input);
    }
}

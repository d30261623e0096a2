//! Writes the valid starting inputs of every fuzz target into `<dir>/<target>/` (file names are
//! content hashes, as libFuzzer names them). Used by `cargo xtask fuzz`.

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

fn main() -> Result<()> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .context("usage: fuzz-seeds <corpus dir>")?,
    );
    for (name, _) in samtal_shared::fuzzing::TARGETS {
        let target = dir.join(name);
        std::fs::create_dir_all(&target)?;
        for seed in samtal_shared::fuzzing::seeds(name) {
            let hash = Sha256::digest(&seed);
            let file: String = hash.iter().take(20).map(|b| format!("{b:02x}")).collect();
            std::fs::write(target.join(file), &seed)?;
        }
    }
    Ok(())
}

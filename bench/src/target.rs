//! The servers the load generator drives, side by side with the same clients.

use std::fmt;

/// A sync server under load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Samtal's own server (the release `samtal-server`).
    Samtal,
    /// The automerge-repo reference sync server in Node (`tests/js/sync-server.mjs`).
    Js,
    /// A minimal server on the `samod` crate, the Rust automerge-repo (`bench/samod-server`).
    Samod,
}

impl Target {
    pub fn name(self) -> &'static str {
        match self {
            Self::Samtal => "samtal",
            Self::Js => "js",
            Self::Samod => "samod",
        }
    }

    /// What an acknowledged edit means on disk: the tables state it beside the numbers, since
    /// Samtal does strictly more work per edit than the other two.
    pub fn durability(self) -> &'static str {
        match self {
            Self::Samtal => "commits to SQLite (fsync) before it answers",
            Self::Js => "writes files without fsync, answers before the write ends",
            Self::Samod => "writes files without fsync, answers before the write ends",
        }
    }

    /// `--target`: one name, a comma-separated list, `both` (Samtal and JS, as before samod
    /// joined) or `all`. Samtal, when listed, runs first: the ratios are against it.
    pub fn parse_list(s: &str) -> Result<Targets, String> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim) {
            let add: &[Target] = match part {
                "samtal" => &[Self::Samtal],
                "js" => &[Self::Js],
                "samod" => &[Self::Samod],
                "both" => &[Self::Samtal, Self::Js],
                "all" => &[Self::Samtal, Self::Js, Self::Samod],
                other => {
                    return Err(format!(
                        "unknown target {other:?}: samtal, js, samod, both or all"
                    ));
                }
            };
            for t in add {
                if !out.contains(t) {
                    out.push(*t);
                }
            }
        }
        out.sort_by_key(|t| *t != Self::Samtal);
        Ok(Targets(out))
    }
}

/// The servers of one run, in the order they run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Targets(pub Vec<Target>);

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

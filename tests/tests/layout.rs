//! The shape of the source tree (ARCHITECTURE.md): no file over 800 lines, no import circles
//! between the modules of a crate (top-level modules, and the files of each folder module), no
//! client page that imports another page, and `client → shared ← server` only. Read from the
//! files themselves, so a change that breaks the layout fails here.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 800;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under `dir`, relative to it, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.strip_prefix(dir).unwrap().to_path_buf(), text));
            }
        }
    }
    out.sort();
    out
}

/// The module path of a file: `doc/mod.rs` → `[doc]`, `doc/group.rs` → `[doc, group]`.
fn module_of(file: &Path) -> Vec<String> {
    let mut parts: Vec<String> = file
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code of a file without comments and without its `#[cfg(test)]` part (tests may reach
/// anywhere).
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a file names: `crate::a::b` and `super::a` (with the `use` groups opened:
/// `use crate::a::{b, c::d}` names `a::b` and `a::c::d`), as module paths from the crate root.
fn references(module: &[String], text: &str) -> Vec<Vec<String>> {
    let code = code(text);
    let mut out = Vec::new();
    for (prefix, base) in [("crate::", Vec::new()), ("super::", parent(module))] {
        let mut rest = code.as_str();
        while let Some(i) = rest.find(prefix) {
            let before = rest[..i].chars().last();
            rest = &rest[i + prefix.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            for path in expand(rest) {
                let mut full = base.clone();
                full.extend(path);
                out.push(full);
            }
        }
    }
    out
}

/// The module `super` names from a file's module.
fn parent(module: &[String]) -> Vec<String> {
    module[..module.len().saturating_sub(1)].to_vec()
}

/// The paths at the start of `s`: `a::b::c` or `a::{b, c::d}` (one level of braces is enough
/// here), each as its segments.
fn expand(s: &str) -> Vec<Vec<String>> {
    let ident = |s: &str| -> usize {
        s.find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(s.len())
    };
    let mut head = Vec::new();
    let mut s = s;
    loop {
        if let Some(inner) = s.strip_prefix('{') {
            let end = inner.find('}').unwrap_or(inner.len());
            return inner[..end]
                .split(',')
                .map(|part| {
                    let mut p = head.clone();
                    p.extend(
                        part.trim()
                            .split("::")
                            .map(|x| x.trim().to_owned())
                            .filter(|x| !x.is_empty() && x != "self"),
                    );
                    p
                })
                .collect();
        }
        let n = ident(s);
        if n == 0 {
            return vec![head];
        }
        head.push(s[..n].to_owned());
        s = &s[n..];
        match s.strip_prefix("::") {
            Some(r) => s = r,
            None => return vec![head],
        }
    }
}

/// The longest prefix of `path` that is a module of the crate.
fn resolve(modules: &BTreeSet<Vec<String>>, path: &[String]) -> Vec<String> {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| modules.contains(p))
        .unwrap_or_default()
}

/// Edges between the nodes `node_of` gives (None: not a node), from every file's references.
fn graph(
    src: &Path,
    node_of: impl Fn(&[String]) -> Option<String>,
) -> BTreeMap<String, BTreeSet<String>> {
    let files = sources(src);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|(f, _)| module_of(f)).collect();
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, text) in &files {
        let module = module_of(file);
        if module.iter().any(|m| m == "tests") {
            continue; // tests may reach anywhere
        }
        let Some(from) = node_of(&module) else {
            continue;
        };
        g.entry(from.clone()).or_default();
        for r in references(&module, text) {
            let target = resolve(&modules, &r);
            if let Some(to) = node_of(&target)
                && to != from
            {
                g.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    g
}

fn circles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<(String, String)> {
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(x) = stack.pop() {
            for y in g.get(&x).into_iter().flatten() {
                if y == to {
                    return true;
                }
                if seen.insert(y.clone()) {
                    stack.push(y.clone());
                }
            }
        }
        false
    };
    let mut out = Vec::new();
    for (a, bs) in g {
        for b in bs {
            if a < b && reaches(b, a) {
                out.push((a.clone(), b.clone()));
            }
        }
    }
    out
}

const CRATES: [&str; 3] = ["shared/src", "server/src", "client/src"];

#[test]
fn no_source_file_is_over_800_lines() {
    let mut long = Vec::new();
    for dir in CRATES
        .iter()
        .chain(&["xtask/src", "tests/src", "bench/src"])
    {
        for (file, text) in sources(&root().join(dir)) {
            let n = text.lines().count();
            if n > MAX_LINES {
                long.push(format!("{dir}/{} ({n} lines)", file.display()));
            }
        }
    }
    assert!(long.is_empty(), "files over {MAX_LINES} lines: {long:?}");
}

#[test]
fn no_import_circles_between_top_level_modules() {
    for dir in CRATES {
        let g = graph(&root().join(dir), |m| m.first().cloned());
        assert!(g.len() > 3, "{dir}: the scan found the modules");
        let found = circles(&g);
        assert!(
            found.is_empty(),
            "{dir}: modules import each other: {found:?}"
        );
    }
}

#[test]
fn no_import_circles_inside_folder_modules() {
    for dir in CRATES {
        let src = root().join(dir);
        let folders: BTreeSet<Vec<String>> = sources(&src)
            .iter()
            .filter(|(f, _)| f.ends_with("mod.rs"))
            .map(|(f, _)| module_of(f))
            .collect();
        for folder in folders {
            // The folder's own files (its facade, mod.rs, and its tests left out).
            let g = graph(&src, |m| {
                (m.len() == folder.len() + 1
                    && m.starts_with(&folder)
                    && m[folder.len()] != "tests")
                    .then(|| m[folder.len()].clone())
            });
            let found = circles(&g);
            assert!(
                found.is_empty(),
                "{dir}/{}: files import each other: {found:?}",
                folder.join("/")
            );
        }
    }
}

#[test]
fn no_client_page_imports_another_page() {
    let g = graph(&root().join("client/src"), |m| {
        (m.len() >= 2 && m[0] == "pages").then(|| m[1].clone())
    });
    assert!(g.contains_key("group") && g.contains_key("facilitator"));
    let crossing: Vec<_> = g.iter().filter(|(_, to)| !to.is_empty()).collect();
    assert!(crossing.is_empty(), "pages import pages: {crossing:?}");
    // And nothing below the pages reaches up into them.
    let up = graph(&root().join("client/src"), |m| m.first().cloned());
    let below = [
        "panels", "widgets", "live_bar", "create", "model", "engine", "store",
    ];
    for below in below {
        assert!(
            !up.get(below).is_some_and(|to| to.contains("pages")),
            "{below} imports a page"
        );
    }
}

#[test]
fn dependencies_point_one_way() {
    let manifest = |c: &str| std::fs::read_to_string(root().join(c).join("Cargo.toml")).unwrap();
    assert!(
        !manifest("shared").contains("samtal-server")
            && !manifest("shared").contains("samtal-client")
    );
    assert!(!manifest("server").contains("samtal-client"));
    assert!(!manifest("client").contains("samtal-server"));
}

/// The scanner itself: it finds a circle when there is one.
#[test]
fn the_scan_sees_a_circle() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    std::fs::write(dir.path().join("lib.rs"), "mod a;\nmod b;\n").unwrap();
    std::fs::write(
        dir.path().join("a/mod.rs"),
        "mod x;\nmod y;\nuse crate::b::Thing;\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a/x.rs"), "use super::y::{One, two};\n").unwrap();
    std::fs::write(dir.path().join("a/y.rs"), "fn f() { super::x::g(); }\n").unwrap();
    std::fs::write(dir.path().join("b.rs"), "use crate::a::{x::G, y};\n").unwrap();
    let top = graph(dir.path(), |m| m.first().cloned());
    assert_eq!(circles(&top), [("a".to_owned(), "b".to_owned())]);
    let inside = graph(dir.path(), |m| {
        (m.len() == 2 && m[0] == "a").then(|| m[1].clone())
    });
    assert_eq!(circles(&inside), [("x".to_owned(), "y".to_owned())]);
}

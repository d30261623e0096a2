use super::*;
use std::collections::BTreeSet;

fn placeholders(s: &str) -> BTreeSet<String> {
    s.split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

#[test]
fn every_key_exists_in_both_languages_with_the_same_placeholders() {
    let (sv, en) = (SV.entries(), EN.entries());
    assert_eq!(sv.len(), en.len());
    for ((k, s), (k2, e)) in sv.iter().zip(&en) {
        assert_eq!(k, k2);
        assert!(!s.trim().is_empty(), "Swedish text missing for {k}");
        assert!(!e.trim().is_empty(), "English text missing for {k}");
        assert_eq!(
            placeholders(s),
            placeholders(e),
            "placeholders differ for {k}"
        );
    }
    // Each language is actually translated (a few words are the same in both, like
    // "Material" and "Facilitator").
    let same = sv.iter().zip(&en).filter(|((_, s), (_, e))| s == e).count();
    assert!(same * 10 < sv.len(), "{same} strings are not translated");
}

#[test]
fn fill_replaces_named_placeholders() {
    assert_eq!(fill("{n} av {m}", &[("n", "1"), ("m", "3")]), "1 av 3");
}

#[test]
fn fill_never_reads_a_value_for_placeholders_and_keeps_unknown_braces() {
    assert_eq!(
        fill(
            "{title}: {link}",
            &[("title", "{link}"), ("link", "https://x")]
        ),
        "{link}: https://x"
    );
    assert_eq!(fill("{okänd} och {", &[("n", "1")]), "{okänd} och {");
    assert_eq!(fill("å{n}ö", &[("n", "ä")]), "åäö");
}

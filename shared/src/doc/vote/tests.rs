//! Dot-voting: the tally, the limits, two tabs of one browser.

use super::*;
use crate::demo;
use crate::doc::{read_group, set_ballot};
use automerge::AutoCommit;

fn vote(dots: usize) -> Vote {
    Vote {
        id: "v1".into(),
        title: "Vad tar ni med er?".into(),
        dots,
        items: ["a", "b", "c"]
            .iter()
            .map(|id| VoteItem {
                id: (*id).into(),
                group: format!("Grupp {id}"),
                text: format!("Svar {id}"),
            })
            .collect(),
        open: true,
        result: None,
    }
}

fn dots(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

fn group() -> AutoCommit {
    demo::fixture("w").unwrap().groups.remove(0).1
}

#[test]
fn the_tally_counts_each_ballot_up_to_the_votes_dots_on_its_items_only() {
    let mut d = group();
    set_ballot(&mut d, "v1", "dev1", &dots("a a b")).unwrap();
    set_ballot(&mut d, "v1", "dev2", &dots("b")).unwrap();
    // Over the vote's 3 (but within the server's 10): only the first three count.
    set_ballot(&mut d, "v1", "dev3", &dots("c c c c c c")).unwrap();
    // Another vote's ballot and a dot on no item count for nothing.
    set_ballot(&mut d, "v0", "dev1", &dots("a a a")).unwrap();
    set_ballot(&mut d, "v1", "dev4", &dots("zzz")).unwrap();
    let notes = read_group(&d).unwrap();
    let v = vote(3);
    let tally: Vec<(&str, usize)> = v
        .tally(std::slice::from_ref(&notes))
        .into_iter()
        .map(|(i, n)| (i.id.as_str(), n))
        .collect();
    assert_eq!(tally, vec![("c", 3), ("a", 2), ("b", 2)]);
    // Closing freezes it: later ballots change nothing.
    let closed = v.closed(&[notes]);
    assert!(!closed.open);
    set_ballot(&mut d, "v1", "dev5", &dots("b b b")).unwrap();
    let later = read_group(&d).unwrap();
    assert_eq!(closed.tally(&[later])[0].1, 3);
    assert_eq!(closed.tally(&[])[0].0.id, "c");
}

#[test]
fn two_offline_tabs_of_one_browser_never_add_up_past_the_dots() {
    let mut base = group();
    let (mut tab1, mut tab2) = (base.fork(), base.fork());
    set_ballot(&mut tab1, "v1", "dev1", &dots("a a a")).unwrap();
    set_ballot(&mut tab2, "v1", "dev1", &dots("b b b")).unwrap();
    tab1.commit();
    tab2.commit();
    let mut merged = tab1.fork();
    merged.merge(&mut tab2).unwrap();
    let mut other_way = tab2.fork();
    other_way.merge(&mut tab1).unwrap();
    let v = vote(3);
    for d in [&merged, &other_way] {
        let total: usize = v
            .tally(&[read_group(d).unwrap()])
            .iter()
            .map(|(_, n)| n)
            .sum();
        assert_eq!(total, 3, "one device, three dots");
    }
    // And every replica agrees on which tab's dots they are.
    assert_eq!(
        read_group(&merged).unwrap().ballots,
        read_group(&other_way).unwrap().ballots
    );
}

#[test]
fn limits_on_votes_and_ballots() {
    assert!(set_ballot(&mut group(), "v1", "dev1", &dots("a a a a a a a a a a a")).is_err());
    assert!(set_ballot(&mut group(), "v1", "no:colon", &dots("a")).is_err());
    assert_eq!(parse_ballot("a b"), Some(dots("a b")));
    assert_eq!(parse_ballot(""), Some(vec![]));
    assert_eq!(parse_ballot("a <b>"), None);
    assert!(is_ballot_key("ballot:v1:dev1"));
    assert!(!is_ballot_key("ballot:v1"));
    assert!(!is_ballot_key("answers"));
    let v = vote(3);
    assert_eq!(Vote::parse(&v.as_stored()), Some(v.clone()));
    assert_eq!(Vote::parse(""), None);
    assert_eq!(Vote::parse(&vote(0).as_stored()), None);
    assert_eq!(Vote::parse(&vote(MAX_DOTS + 1).as_stored()), None);
    let mut many = vote(3);
    many.items = (0..=MAX_VOTE_ITEMS)
        .map(|i| VoteItem {
            id: format!("i{i}"),
            group: String::new(),
            text: String::new(),
        })
        .collect();
    assert_eq!(Vote::parse(&many.as_stored()), None);
    assert_eq!(Vote::parse("{not json"), None);
}

#[test]
fn a_group_document_s_ballots_count_up_to_the_cap_and_the_same_ones_everywhere() {
    let mut d = group();
    for i in 0..MAX_BALLOTS + 10 {
        set_ballot(&mut d, "v1", &format!("dev{i:03}"), &dots("a")).unwrap();
    }
    let v = vote(3);
    let notes = read_group(&d).unwrap();
    let total: usize = v.tally(&[notes]).iter().map(|(_, n)| n).sum();
    assert_eq!(total, MAX_BALLOTS);
}

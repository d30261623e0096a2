use super::*;
use proptest::prelude::*;

const ENCODINGS: [TextEncoding; 3] = [
    TextEncoding::UnicodeCodePoint,
    TextEncoding::Utf8CodeUnit,
    TextEncoding::Utf16CodeUnit,
];

#[test]
fn typing_is_one_small_splice() {
    let s = diff(
        "Hej värld",
        "Hej stora värld",
        TextEncoding::UnicodeCodePoint,
    );
    assert_eq!(
        s,
        Some(Splice {
            pos: 4,
            delete: 0,
            insert: "stora ".into()
        })
    );
    assert_eq!(diff("abc", "abc", TextEncoding::Utf8CodeUnit), None);
}

#[test]
fn repeated_letters_do_not_overlap() {
    // "aa" -> "aaa": prefix "aa", nothing left to overlap.
    let s = diff("aa", "aaa", TextEncoding::Utf8CodeUnit).unwrap();
    assert_eq!((s.pos, s.delete, s.insert.as_str()), (2, 0, "a"));
}

#[test]
fn utf16_counts_surrogate_pairs() {
    let s = diff("😀a", "😀ba", TextEncoding::Utf16CodeUnit).unwrap();
    assert_eq!(s.pos, 2);
    assert_eq!(s.transform(3, TextEncoding::Utf16CodeUnit), 4);
}

#[test]
fn caret_follows_remote_edits() {
    let enc = TextEncoding::UnicodeCodePoint;
    let remote = Splice {
        pos: 0,
        delete: 0,
        insert: "Ny rad\n".into(),
    };
    // Caret at 5 in "hello": after an insertion before it, it moves right by 7.
    assert_eq!(remote.transform(5, enc), 12);
    let after = Splice {
        pos: 10,
        delete: 2,
        insert: "x".into(),
    };
    assert_eq!(after.transform(5, enc), 5);
    assert_eq!(after.transform(11, enc), 11);
    assert_eq!(after.transform(20, enc), 19);
}

#[test]
fn an_edit_on_a_stale_screen_keeps_the_remote_text() {
    let enc = TextEncoding::Utf16CodeUnit;
    // The screen shows "Från flik ett." and the user types " E" at the end, while the
    // document already holds a remote "Först: " at the start.
    let seen = "Från flik ett.";
    let typed = diff(seen, "Från flik ett. E", enc).unwrap();
    let remote = diff(seen, "Först: Från flik ett.", enc).unwrap();
    let got = typed
        .rebase(&remote, enc)
        .apply("Först: Från flik ett.", enc);
    assert_eq!(got.as_deref(), Some("Först: Från flik ett. E"));
    // A deletion across text that was replaced remotely keeps what is still there.
    let cut = diff("abcdef", "af", enc).unwrap();
    let remote = diff("abcdef", "abXYef", enc).unwrap();
    let got = cut.rebase(&remote, enc).apply("abXYef", enc);
    assert_eq!(got.as_deref(), Some("af"));
}

proptest! {
    /// Typing at one place while a remote edit lands at another, disjoint place: the
    /// rebased edit gives exactly both edits, whatever the screen showed.
    #[test]
    fn rebased_typing_keeps_both_edits(
        // Inserted letters never occur in the text, so each diff is the one splice typed.
        text in "[a-m ]{0,30}",
        a in 0usize..31, b in 0usize..31,
        mine in "[n-zåäö😀]{1,5}", theirs in "[n-zåäö😀]{1,5}",
    ) {
        let chars: Vec<char> = text.chars().collect();
        let (a, b) = (a.min(chars.len()), b.min(chars.len()));
        prop_assume!(a != b);
        let at = |i: usize, ins: &str, base: &[char]| -> String {
            let mut s: String = base[..i].iter().collect();
            s.push_str(ins);
            s.extend(&base[i..]);
            s
        };
        let enc = TextEncoding::UnicodeCodePoint;
        let typed = diff(&text, &at(a, &mine, &chars), enc).unwrap();
        let remote = diff(&text, &at(b, &theirs, &chars), enc).unwrap();
        let doc = at(b, &theirs, &chars);
        let got = typed.rebase(&remote, enc).apply(&doc, enc).unwrap();
        // Both insertions are there, and everything of the original text.
        prop_assert_eq!(got.chars().count(), chars.len() + mine.chars().count() + theirs.chars().count());
        prop_assert!(got.contains(theirs.as_str()));
        let expected = if a < b {
            let first = at(a, &mine, &chars);
            let shifted: Vec<char> = first.chars().collect();
            at(b + mine.chars().count(), &theirs, &shifted)
        } else {
            let first: Vec<char> = doc.chars().collect();
            at(a + theirs.chars().count(), &mine, &first)
        };
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn diff_then_apply_gives_new_text(old in "\\PC{0,40}", new in "\\PC{0,40}") {
        for enc in ENCODINGS {
            let got = match diff(&old, &new, enc) {
                None => old.clone(),
                Some(s) => s.apply(&old, enc).unwrap(),
            };
            prop_assert_eq!(&got, &new);
        }
    }
}

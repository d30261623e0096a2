use super::*;

#[test]
fn tokens_are_distinct_and_well_formed() {
    let (a, ha) = new_token().unwrap();
    let (b, _) = new_token().unwrap();
    assert_ne!(a, b);
    assert!(looks_like_token(&a));
    assert_eq!(hash_token(&a), ha);
    assert!(!looks_like_token("../etc/passwd"));
    assert!(constant_time_eq(b"x", b"x"));
    assert!(!constant_time_eq(b"x", b"y"));
}

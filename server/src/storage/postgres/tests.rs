use super::*;

#[test]
fn notifications_parse_and_our_own_are_skipped() {
    let doc = DocumentId::from_bytes([3; 16]);
    let chunk = format!("other chunk {doc} 42");
    assert_eq!(parse(&chunk, "me"), Some(Changed::Doc { doc, chunk: 42 }));
    assert_eq!(parse(&format!("me chunk {doc} 42"), "me"), None);
    assert_eq!(
        parse("other rotate w1 group:g1", "me"),
        Some(Changed::LinkRevoked {
            workshop_id: "w1".into(),
            target: "group:g1".into()
        })
    );
    assert_eq!(
        parse("other erase w1", "me"),
        Some(Changed::Erased {
            workshop_id: "w1".into()
        })
    );
    assert_eq!(parse("me erase w1", "me"), None);
    assert_eq!(parse("other explode w1", "me"), None);
    assert_eq!(parse("garbage", "me"), None);
}

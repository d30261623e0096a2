use super::*;

#[test]
fn wrap_round_trips_only_with_the_right_token() {
    let secret = [7u8; SECRET_LEN];
    let w = wrap(&secret, "facilitator-token");
    assert_eq!(unwrap(&w, "facilitator-token"), Some(secret));
    assert_ne!(unwrap(&w, "another-token"), Some(secret));
    assert_eq!(unwrap(&w[..5], "facilitator-token"), None);
}

#[test]
fn derived_tokens_differ_by_target_and_generation() {
    let s = [1u8; SECRET_LEN];
    let g1 = derive(&s, &LinkTarget::Group("g1".into()), 0).0;
    assert_eq!(g1, derive(&s, &LinkTarget::Group("g1".into()), 0).0);
    assert_ne!(g1, derive(&s, &LinkTarget::Group("g1".into()), 1).0);
    assert_ne!(g1, derive(&s, &LinkTarget::Group("g2".into()), 0).0);
    assert_ne!(
        g1,
        derive(&[2u8; SECRET_LEN], &LinkTarget::Group("g1".into()), 0).0
    );
    assert!(crate::auth::looks_like_token(&g1));
    for t in ["facilitator", "catch_up", "group:g-1"] {
        assert_eq!(LinkTarget::parse(t).map(|l| l.key()).as_deref(), Some(t));
    }
    assert_eq!(LinkTarget::parse("group:"), None);
}

#[test]
fn qr_codes_are_svg() {
    let url = qr_data_url("http://localhost:8080/g/abc").unwrap();
    let svg = STANDARD
        .decode(url.trim_start_matches("data:image/svg+xml;base64,"))
        .unwrap();
    assert!(String::from_utf8(svg).unwrap().contains("<svg"));
}

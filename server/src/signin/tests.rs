use super::Identity;
use super::rules::Rules;
use super::seal::{Purpose, SealKey};

fn who(email: Option<&str>, claims: serde_json::Value) -> Identity {
    Identity {
        subject: "s".into(),
        name: "N".into(),
        email: email.map(str::to_owned),
        claims: claims.as_object().cloned().unwrap_or_default(),
    }
}

#[test]
fn rules_parse_every_form_and_refuse_nonsense() {
    let rules = Rules::parse(" @Kommun.se, anna@annat.se ,groups=samtal, * ").unwrap();
    assert_eq!(
        rules,
        Rules::parse("@kommun.se,anna@annat.se,groups=samtal,*").unwrap()
    );
    assert!(Rules::parse("").unwrap().is_empty());
    assert!(Rules::parse(" , ").unwrap().is_empty());
    for bad in ["kommun.se", "@", "=x", "groups=", "@a@b"] {
        assert!(Rules::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(
        Rules::parse("tid=abc").unwrap(),
        Rules::parse("tid = abc").unwrap()
    );
}

#[test]
fn a_rule_admits_only_what_it_names() {
    let nobody = Rules::parse("").unwrap();
    let anna = who(
        Some("anna@kommun.se"),
        serde_json::json!({"groups": ["samtal", "x"], "tid": "t1", "staff": true}),
    );
    assert!(!nobody.admits(&anna));
    assert!(Rules::parse("*").unwrap().admits(&anna));
    assert!(Rules::parse("@kommun.se").unwrap().admits(&anna));
    assert!(
        !Rules::parse("@mun.se").unwrap().admits(&anna),
        "a suffix is not the domain"
    );
    assert!(Rules::parse("anna@kommun.se").unwrap().admits(&anna));
    assert!(!Rules::parse("bo@kommun.se").unwrap().admits(&anna));
    assert!(Rules::parse("groups=samtal").unwrap().admits(&anna));
    assert!(!Rules::parse("groups=sam").unwrap().admits(&anna));
    assert!(Rules::parse("tid=t1").unwrap().admits(&anna));
    assert!(Rules::parse("staff=true").unwrap().admits(&anna));
    assert!(!Rules::parse("missing=x").unwrap().admits(&anna));
    // No verified address: the e-mail rules never match.
    let unverified = who(None, serde_json::json!({}));
    assert!(
        !Rules::parse("@kommun.se,anna@kommun.se")
            .unwrap()
            .admits(&unverified)
    );
}

#[test]
fn a_sealed_value_opens_only_with_its_key_purpose_and_context() {
    let key = SealKey::from_hex(&"ab".repeat(32)).unwrap();
    let other = SealKey::from_hex(&"cd".repeat(32)).unwrap();
    let sealed = key
        .seal(Purpose::FacilitatorToken, b"w1", b"secret-token")
        .unwrap();
    assert!(!sealed.windows(12).any(|w| w == b"secret-token"));
    assert_eq!(
        key.open(Purpose::FacilitatorToken, b"w1", &sealed)
            .as_deref(),
        Some(&b"secret-token"[..])
    );
    assert_eq!(key.open(Purpose::FacilitatorToken, b"w2", &sealed), None);
    assert_eq!(key.open(Purpose::PendingSignIn, b"w1", &sealed), None);
    assert_eq!(other.open(Purpose::FacilitatorToken, b"w1", &sealed), None);
    let mut changed = sealed.clone();
    let last = changed.len() - 1;
    changed[last] ^= 1;
    assert_eq!(key.open(Purpose::FacilitatorToken, b"w1", &changed), None);
    assert_eq!(
        key.open(Purpose::FacilitatorToken, b"w1", &sealed[..10]),
        None
    );
    // A fresh nonce each time.
    assert_ne!(
        sealed,
        key.seal(Purpose::FacilitatorToken, b"w1", b"secret-token")
            .unwrap()
    );
}

#[test]
fn the_key_file_is_made_once_private_and_read_back() {
    let dir = std::env::temp_dir().join(format!("samtal-seal-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("secret.key");
    assert!(
        SealKey::load(&path, false).is_err(),
        "not made unless asked"
    );
    let made = SealKey::load(&path, true).unwrap();
    let sealed = made.seal(Purpose::PendingSignIn, b"", b"x").unwrap();
    let again = SealKey::load(&path, true).unwrap();
    assert_eq!(
        again.open(Purpose::PendingSignIn, b"", &sealed).as_deref(),
        Some(&b"x"[..])
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
    std::fs::write(&path, "not hex").unwrap();
    assert!(SealKey::load(&path, true).is_err());
    assert!(SealKey::from_hex(&"zz".repeat(32)).is_none());
    assert!(SealKey::from_hex("abcd").is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

use super::*;

#[test]
fn csp_allows_the_inline_loader_by_hash_only() {
    let html = "<head><script type=\"module\">import init from '/a.js';</script>\
                <script src=\"/x.js\"></script></head>";
    let csp = content_security_policy(Some(html));
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(csp.matches("'sha256-").count(), 1, "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(content_security_policy(None).contains("script-src 'self' 'wasm-unsafe-eval';"));
}

#[test]
fn tokens_are_redacted() {
    assert_eq!(redact("/g/abcdef"), "/g/…");
    assert_eq!(redact("/api/sync/abc"), "/api/sync/…");
    assert_eq!(redact("/api/session/abc"), "/api/session/…");
    assert_eq!(redact("/index.html"), "/index.html");
}

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
    let token = "Zr4_kq-9XbLm2NpQwEaT0w";
    assert_eq!(redact(&format!("/g/{token}")), "/g/…");
    assert_eq!(redact(&format!("/api/sync/{token}")), "/api/sync/…");
    assert_eq!(redact(&format!("/api/session/{token}")), "/api/session/…");
    assert_eq!(
        redact(&format!("/api/links/{token}/rotate")),
        "/api/links/…/rotate"
    );
    // A mistyped or cut-off token, on a route nobody listed.
    assert_eq!(redact("/api/newroute/Zr4_kq-9X"), "/api/newroute/…");
    assert_eq!(redact("/index.html"), "/index.html");
    assert_eq!(
        redact("/samtal-client-82dc53362a07dbe3_bg.wasm"),
        "/samtal-client-82dc53362a07dbe3_bg.wasm"
    );
}

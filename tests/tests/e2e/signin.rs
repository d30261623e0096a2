//! Issue 28: facilitators sign in through a real OpenID Connect provider (node-oidc-provider on
//! loopback, `tests/js/oidc-provider.mjs`), its own login form driven over HTTP with a cookie
//! jar: create a workshop signed in, sign out (revoked on the server), sign in again from a
//! fresh client and open it from "Mina workshops"; and the refusals. Needs `npm ci` in
//! tests/js, so `cargo xtask test` runs it with the other `--ignored` tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_server::settings::Settings;
use samtal_shared::account::{CSRF_HEADER, Me, MyWorkshop, Opened};
use samtal_shared::session::{SessionInfo, WorkshopLinks};
use samtal_tests::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

/// The provider, running until dropped.
struct Idp {
    _child: tokio::process::Child,
    issuer: String,
}

async fn idp(tamper: &str) -> Idp {
    let mut child = tokio::process::Command::new("node")
        .arg("oidc-provider.mjs")
        .args((!tamper.is_empty()).then_some(tamper))
        .current_dir(js_dir())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs");
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(20), out.next_line())
        .await
        .expect("the provider starts")
        .unwrap()
        .unwrap();
    let issuer = line
        .strip_prefix("ISSUER ")
        .expect("ISSUER line")
        .to_owned();
    // Keep reading what it prints (a closed pipe would stop it).
    tokio::spawn(async move { while let Ok(Some(_)) = out.next_line().await {} });
    Idp {
        _child: child,
        issuer,
    }
}

async fn server(dir: &tempfile::TempDir, issuer: &str) -> TestServer {
    let mut s = Settings::for_tests(dir.path().join("data"));
    s.oidc_issuer = Some(issuer.to_owned());
    s.oidc_client_id = Some("samtal".into());
    s.oidc_client_secret = Some("test-secret".into());
    s.oidc_allowed = "groups=samtal-facilitators, @kommun.se".into();
    s.oidc_admins = "anna@kommun.se".into();
    TestServer::start_with(s).await.unwrap()
}

/// An HTTP client that keeps cookies per port and follows redirects by hand (so each hop is
/// seen), the way a browser would; loopback only.
struct Browser {
    agent: ureq::Agent,
    jar: BTreeMap<(u16, String), String>,
}

struct Page {
    status: u16,
    url: String,
    body: String,
}

fn port_of(url: &str) -> u16 {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|host| host.rsplit(':').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or(80)
}

/// The server publishes itself as `localhost`; this client talks to 127.0.0.1.
fn loopback(url: &str) -> String {
    url.replace("://localhost:", "://127.0.0.1:")
}

impl Browser {
    fn new() -> Self {
        Self {
            agent: ureq::Agent::config_builder()
                .max_redirects(0)
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(20)))
                .build()
                .new_agent(),
            jar: BTreeMap::new(),
        }
    }

    fn cookie(&self, port: u16, name: &str) -> Option<String> {
        self.jar.get(&(port, name.to_owned())).cloned()
    }

    fn cookie_header(&self, port: u16) -> String {
        self.jar
            .iter()
            .filter(|((p, _), _)| *p == port)
            .map(|((_, n), v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// One request; `Set-Cookie` lands in the jar. Returns status, `Location`, body.
    fn send(
        &mut self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, String)>,
    ) -> (u16, Option<String>, String) {
        let url = loopback(url);
        let port = port_of(&url);
        let mut req = ureq::http::Request::builder().method(method).uri(&url);
        let cookies = self.cookie_header(port);
        if !cookies.is_empty() {
            req = req.header("cookie", cookies);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let (ct, body) = body.unwrap_or(("text/plain", String::new()));
        let req = req
            .header("content-type", ct)
            .body(body)
            .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        let mut resp = self.agent.run(req).unwrap();
        for c in resp.headers().get_all("set-cookie") {
            let c = c.to_str().unwrap();
            let pair = c.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let gone = value.is_empty() || c.to_ascii_lowercase().contains("max-age=0");
            if gone {
                self.jar.remove(&(port, name.to_owned()));
            } else {
                self.jar.insert((port, name.to_owned()), value.to_owned());
            }
        }
        let location = resp
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        let status = resp.status().as_u16();
        let body = resp.body_mut().read_to_string().unwrap_or_default();
        (status, location, body)
    }

    /// GET, following redirects (relative ones against the current origin).
    fn follow(&mut self, url: &str) -> Page {
        let mut url = url.to_owned();
        for _ in 0..12 {
            let (status, location, body) = self.send("GET", &url, &[], None);
            match location {
                Some(next) if (300..400).contains(&status) => {
                    url = if next.starts_with("http") {
                        next
                    } else {
                        let origin: String = url.split('/').take(3).collect::<Vec<_>>().join("/");
                        format!("{origin}{next}")
                    };
                }
                _ => return Page { status, url, body },
            }
        }
        panic!("too many redirects from {url}");
    }

    /// Sign in as `user` through the provider's login form; the page it ends on.
    fn sign_in(&mut self, server: &str, user: &str) -> Page {
        let form = self.follow(&format!("{server}/auth/login"));
        assert_eq!(form.status, 200, "{}", form.body);
        let action = form
            .body
            .split("action=\"")
            .nth(1)
            .and_then(|a| a.split('"').next())
            .expect("the provider's login form")
            .replace("&amp;", "&");
        let origin: String = form.url.split('/').take(3).collect::<Vec<_>>().join("/");
        let action = if action.starts_with("http") {
            action
        } else {
            format!("{origin}{action}")
        };
        let body = format!("prompt=login&login={user}&password=anything");
        let (status, location, text) = self.send(
            "POST",
            &action,
            &[],
            Some(("application/x-www-form-urlencoded", body)),
        );
        assert!((300..400).contains(&status), "{status} {text}");
        let next = location.unwrap();
        let next = if next.starts_with("http") {
            next
        } else {
            format!("{origin}{next}")
        };
        self.follow(&next)
    }

    fn json<T: serde::de::DeserializeOwned>(&mut self, url: &str) -> (u16, Option<T>) {
        let (status, _, body) = self.send("GET", url, &[], None);
        (status, serde_json::from_str(&body).ok())
    }

    fn me(&mut self, server: &str) -> Me {
        self.json(&format!("{server}/api/me")).1.unwrap()
    }

    /// A state-changing request with the session's CSRF token (as the app sends it).
    fn post(&mut self, url: &str, csrf: &str, json: Option<String>) -> (u16, String) {
        let (status, _, body) = self.send(
            "POST",
            url,
            &[(CSRF_HEADER, csrf), ("sec-fetch-site", "same-origin")],
            json.map(|j| ("application/json", j)),
        );
        (status, body)
    }
}

fn spec_json() -> String {
    serde_json::to_string(&demo_spec()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs node and tests/js's npm packages (oidc-provider); run by `cargo xtask test`"]
async fn a_facilitator_signs_in_creates_signs_out_and_finds_her_workshop_from_another_computer() {
    let provider = idp("").await;
    let dir = tempfile::tempdir().unwrap();
    let server = server(&dir, &provider.issuer).await;
    let base = server.http();
    let port = server.addr.port();
    tokio::task::spawn_blocking(move || {
        let mut anna = Browser::new();
        assert_eq!(
            anna.me(&base),
            Me {
                sign_in: true,
                account: None
            }
        );
        let landed = anna.sign_in(&base, "anna");
        assert!(
            landed.url.ends_with("/mina"),
            "{} {}",
            landed.url,
            landed.body
        );
        assert!(
            anna.cookie(port, "samtal-signin").is_none(),
            "the pending sign-in is cleared"
        );
        let session = anna
            .cookie(port, "samtal-session")
            .expect("a session cookie");
        let me = anna.me(&base).account.expect("signed in");
        assert_eq!(
            (me.name.as_str(), me.email.as_deref()),
            ("Anna Andersson", Some("anna@kommun.se"))
        );
        assert!(me.may_create && me.admin);

        // Created signed in: she owns it.
        let (status, body) = anna.post(
            &format!("{base}/api/workshops"),
            &me.csrf,
            Some(spec_json()),
        );
        assert_eq!(status, 201, "{body}");
        let links: WorkshopLinks = serde_json::from_str(&body).unwrap();
        let (_, mine) = anna.json::<Vec<MyWorkshop>>(&format!("{base}/api/me/workshops"));
        assert_eq!(
            mine.unwrap()
                .iter()
                .map(|w| &w.workshop_id)
                .collect::<Vec<_>>(),
            [&links.workshop_id]
        );

        // Signed out: the same cookie, replayed, no longer works (revoked on the server).
        let (status, _) = anna.post(&format!("{base}/auth/logout"), &me.csrf, None);
        assert_eq!(status, 204);
        assert!(anna.cookie(port, "samtal-session").is_none());
        assert_eq!(anna.me(&base).account, None);
        let mut replay = Browser::new();
        replay.jar.insert((port, "samtal-session".into()), session);
        assert_eq!(replay.me(&base).account, None);
        let (status, _) = replay.json::<serde_json::Value>(&format!("{base}/api/me/workshops"));
        assert_eq!(status, 401);

        // Another computer: sign in, find it, open it — the facilitator link again.
        let mut elsewhere = Browser::new();
        elsewhere.sign_in(&base, "anna");
        let me = elsewhere.me(&base).account.unwrap();
        let (_, mine) = elsewhere.json::<Vec<MyWorkshop>>(&format!("{base}/api/me/workshops"));
        let mine = mine.unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].title, links.title);
        assert_eq!(mine[0].owners, ["Anna Andersson <anna@kommun.se>"]);
        let (status, body) = elsewhere.post(
            &format!("{base}/api/me/workshops/{}/open", links.workshop_id),
            &me.csrf,
            None,
        );
        assert_eq!(status, 200, "{body}");
        let opened: Opened = serde_json::from_str(&body).unwrap();
        assert_eq!(opened.facilitator, links.facilitator);
        let (_, info) = elsewhere.json::<SessionInfo>(&format!(
            "{base}/api/session/{}",
            token_of(&opened.facilitator)
        ));
        assert_eq!(info.unwrap().workshop_id, links.workshop_id);

        // A co-facilitator by e-mail: Bo finds it once he signs in.
        let (status, _) = elsewhere.post(
            &format!("{base}/api/me/workshops/{}/owners", links.workshop_id),
            &me.csrf,
            Some(r#"{"email":" Bo@Annat.se "}"#.into()),
        );
        assert_eq!(status, 204);
        let mut bo = Browser::new();
        bo.sign_in(&base, "bo");
        let (_, his) = bo.json::<Vec<MyWorkshop>>(&format!("{base}/api/me/workshops"));
        let his = his.unwrap();
        assert_eq!(his.len(), 1);
        assert_eq!(
            his[0].owners,
            ["Anna Andersson <anna@kommun.se>", "bo@annat.se"],
            "both see who owns it"
        );

        // Erased with its link: gone from both lists, and Anna's account — her last
        // workshop — with it (her session too); Bo's own sign-in stays.
        let (status, _, _) = elsewhere.send(
            "DELETE",
            &format!("{base}/api/workshop/{}", token_of(&opened.facilitator)),
            &[],
            None,
        );
        assert_eq!(status, 204);
        assert_eq!(elsewhere.me(&base).account, None);
        let (_, his) = bo.json::<Vec<MyWorkshop>>(&format!("{base}/api/me/workshops"));
        assert_eq!(his.unwrap(), vec![]);
        assert!(bo.me(&base).account.is_some());
    })
    .await
    .unwrap();
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs node and tests/js's npm packages (oidc-provider); run by `cargo xtask test`"]
async fn sign_in_refuses_what_it_must() {
    let provider = idp("").await;
    let dir = tempfile::tempdir().unwrap();
    let server = server(&dir, &provider.issuer).await;
    let base = server.http();
    let port = server.addr.port();
    tokio::task::spawn_blocking(move || {
        // Anna's workshop, for the others to try.
        let mut anna = Browser::new();
        anna.sign_in(&base, "anna");
        let csrf = anna.me(&base).account.unwrap().csrf;
        let (_, body) = anna.post(&format!("{base}/api/workshops"), &csrf, Some(spec_json()));
        let links: WorkshopLinks = serde_json::from_str(&body).unwrap();

        // A cross-site request with her cookie: without the CSRF header, or sent by another
        // site, refused; nothing created.
        let (status, _, _) = anna.send(
            "POST",
            &format!("{base}/api/workshops"),
            &[],
            Some(("application/json", spec_json())),
        );
        assert_eq!(status, 403);
        let (status, _, _) = anna.send(
            "POST",
            &format!("{base}/api/workshops"),
            &[(CSRF_HEADER, &csrf), ("sec-fetch-site", "cross-site")],
            Some(("application/json", spec_json())),
        );
        assert_eq!(status, 403);
        let (status, _) = anna.post(
            &format!("{base}/api/workshops"),
            "wrong-token",
            Some(spec_json()),
        );
        assert_eq!(status, 403);
        let (_, mine) = anna.json::<Vec<MyWorkshop>>(&format!("{base}/api/me/workshops"));
        assert_eq!(mine.unwrap().len(), 1);

        // Bo is outside SAMTAL_OIDC_ALLOWED: signed in, but he may not create, and he can
        // neither list nor open Anna's workshop.
        let mut bo = Browser::new();
        bo.sign_in(&base, "bo");
        let me = bo.me(&base).account.unwrap();
        assert!(!me.may_create && !me.admin);
        let (status, body) = bo.post(
            &format!("{base}/api/workshops"),
            &me.csrf,
            Some(spec_json()),
        );
        assert_eq!(status, 403, "{body}");
        assert!(body.contains("may_not_create"), "{body}");
        let (_, his) = bo.json::<Vec<MyWorkshop>>(&format!("{base}/api/me/workshops"));
        assert_eq!(his.unwrap(), vec![]);
        let (status, _) = bo.post(
            &format!("{base}/api/me/workshops/{}/open", links.workshop_id),
            &me.csrf,
            None,
        );
        assert_eq!(status, 404);
        let (status, _) = bo.post(
            &format!("{base}/api/me/workshops/{}/owners", links.workshop_id),
            &me.csrf,
            Some(r#"{"email":"bo@annat.se"}"#.into()),
        );
        assert_eq!(status, 404, "he cannot make himself an owner");

        // Carl's address is in the allowed domain but not verified: the domain does not count.
        let mut carl = Browser::new();
        carl.sign_in(&base, "carl");
        let me = carl.me(&base).account.unwrap();
        assert_eq!(me.email, None);
        assert!(!me.may_create);

        // A forged state, and a callback with no sign-in under way in this browser.
        let mut eve = Browser::new();
        let (status, _, _) = eve.send("GET", &format!("{base}/auth/login"), &[], None);
        assert_eq!(status, 303);
        assert!(eve.cookie(port, "samtal-signin").is_some());
        let (status, _, body) = eve.send(
            "GET",
            &format!("{base}/auth/callback?code=x&state=forged"),
            &[],
            None,
        );
        assert_eq!(status, 400, "{body}");
        assert!(body.contains("sign_in_failed"));
        let (status, _, _) = Browser::new().send(
            "GET",
            &format!("{base}/auth/callback?code=x&state=y"),
            &[],
            None,
        );
        assert_eq!(status, 400);
        assert_eq!(eve.me(&base).account, None);

        // A browser that navigated there gets "Mina workshops" with the reason, not JSON, and
        // its pending sign-in is gone.
        let mut dan = Browser::new();
        dan.send("GET", &format!("{base}/auth/login"), &[], None);
        assert!(dan.cookie(port, "samtal-signin").is_some());
        let (status, location, _) = dan.send(
            "GET",
            &format!("{base}/auth/callback?code=x&state=forged"),
            &[("accept", "text/html,application/xhtml+xml")],
            None,
        );
        assert_eq!(status, 303);
        assert_eq!(location.as_deref(), Some("/mina?fel=sign_in_failed"));
        assert_eq!(dan.cookie(port, "samtal-signin"), None);
        assert_eq!(dan.me(&base).account, None);
    })
    .await
    .unwrap();
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs node and tests/js's npm packages (oidc-provider); run by `cargo xtask test`"]
async fn a_tampered_expired_or_misaddressed_id_token_is_refused() {
    for (tamper, why) in [
        ("signature", "signature"),
        ("audience", "audience"),
        ("expired", "expired"),
        ("issuer", "issuer"),
        ("nonce", "nonce"),
    ] {
        let provider = idp(tamper).await;
        let dir = tempfile::tempdir().unwrap();
        let server = server(&dir, &provider.issuer).await;
        let base = server.http();
        let issuer = provider.issuer.clone();
        let (page, me, fetches) = tokio::task::spawn_blocking(move || {
            let mut anna = Browser::new();
            let page = anna.sign_in(&base, "anna");
            let (_, fetched) =
                anna.json::<serde_json::Value>(&format!("{issuer}/test/jwks-fetches"));
            let fetches = fetched.and_then(|f| f["fetches"].as_u64());
            (page, anna.me(&base), fetches)
        })
        .await
        .unwrap();
        // The keys are fetched again only when the signature failed (a rotated key may cure
        // that); any other refusal is final.
        let again = u64::from(tamper == "signature");
        assert_eq!(fetches, Some(1 + again), "{tamper}: key fetches");
        assert_eq!(page.status, 400, "{tamper}: {}", page.body);
        assert!(
            page.body.contains("sign_in_failed"),
            "{tamper}: {}",
            page.body
        );
        assert_eq!(me.account, None, "{tamper}");
        assert!(
            page.body.to_lowercase().contains(why),
            "{tamper}: {}",
            page.body
        );
        server.stop().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs node and tests/js's npm packages (oidc-provider); run by `cargo xtask test`"]
async fn an_operator_sees_every_workshop_and_erases_one_and_no_one_else_can() {
    use samtal_shared::account::AdminOverview;
    let provider = idp("").await;
    let dir = tempfile::tempdir().unwrap();
    let server = server(&dir, &provider.issuer).await;
    // One workshop made with the admin path (no owner), one by Anna.
    let unowned = server.create_workshop(&demo_spec()).await.unwrap();
    let base = server.http();
    tokio::task::spawn_blocking(move || {
        let mut anna = Browser::new();
        anna.sign_in(&base, "anna");
        let csrf = anna.me(&base).account.unwrap().csrf;
        let (_, body) = anna.post(&format!("{base}/api/workshops"), &csrf, Some(spec_json()));
        let hers: WorkshopLinks = serde_json::from_str(&body).unwrap();

        let (status, overview) = anna.json::<AdminOverview>(&format!("{base}/api/admin/workshops"));
        assert_eq!(status, 200);
        let overview = overview.unwrap();
        assert_eq!(
            (overview.retention_days, overview.max_workshops),
            (90, 1000)
        );
        assert_eq!(overview.workshops.len(), 2);
        let row = |id: &str| {
            overview
                .workshops
                .iter()
                .find(|w| w.workshop_id == id)
                .unwrap()
                .clone()
        };
        assert_eq!(
            row(&hers.workshop_id).owners,
            vec!["Anna Andersson <anna@kommun.se>".to_owned()]
        );
        assert_eq!(row(&unowned.workshop_id).owners, Vec::<String>::new());
        assert!(row(&unowned.workshop_id).documents > 0);
        // Never notes or links.
        let raw = anna
            .send("GET", &format!("{base}/api/admin/workshops"), &[], None)
            .2;
        assert!(
            !raw.contains(&token_of(&hers.facilitator)) && !raw.contains("/g/"),
            "{raw}"
        );

        // Bo is no operator; nobody signed out is either.
        let mut bo = Browser::new();
        bo.sign_in(&base, "bo");
        let bo_csrf = bo.me(&base).account.unwrap().csrf;
        let (status, _, body) = bo.send("GET", &format!("{base}/api/admin/workshops"), &[], None);
        assert_eq!(status, 403);
        assert!(body.contains("not_operator"), "{body}");
        let (status, _, _) = bo.send(
            "DELETE",
            &format!("{base}/api/admin/workshops/{}", unowned.workshop_id),
            &[(CSRF_HEADER, &bo_csrf), ("sec-fetch-site", "same-origin")],
            None,
        );
        assert_eq!(status, 403);
        let (status, _, _) =
            Browser::new().send("GET", &format!("{base}/api/admin/workshops"), &[], None);
        assert_eq!(status, 401);

        // Anna erases the unowned one: with the CSRF header only.
        let url = format!("{base}/api/admin/workshops/{}", unowned.workshop_id);
        let (status, _, _) = anna.send("DELETE", &url, &[], None);
        assert_eq!(status, 403);
        let (status, _, _) = anna.send(
            "DELETE",
            &url,
            &[(CSRF_HEADER, &csrf), ("sec-fetch-site", "same-origin")],
            None,
        );
        assert_eq!(status, 204);
        let (status, _, _) = anna.send(
            "DELETE",
            &url,
            &[(CSRF_HEADER, &csrf), ("sec-fetch-site", "same-origin")],
            None,
        );
        assert_eq!(status, 404);
        let (_, overview) = anna.json::<AdminOverview>(&format!("{base}/api/admin/workshops"));
        assert_eq!(overview.unwrap().workshops.len(), 1);
        let (status, _, _) = anna.send(
            "GET",
            &format!("{base}/api/session/{}", token_of(&unowned.facilitator)),
            &[],
            None,
        );
        assert_eq!(status, 404, "its links are gone");
    })
    .await
    .unwrap();
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs chromium, node, tests/js's npm packages and the built client; run by `cargo xtask test`"]
async fn in_a_browser_she_signs_in_creates_signs_out_and_opens_it_from_a_phone() {
    let provider = idp("").await;
    let dir = tempfile::tempdir().unwrap();
    let mut s = Settings::for_tests(dir.path().join("data"));
    s.static_dir = Some(dist());
    s.oidc_issuer = Some(provider.issuer.clone());
    s.oidc_client_id = Some("samtal".into());
    s.oidc_client_secret = Some("test-secret".into());
    s.oidc_allowed = "groups=samtal-facilitators".into();
    s.oidc_admins = "anna@kommun.se".into();
    let server = TestServer::start_with(s).await.unwrap();
    let unowned = server.create_workshop(&demo_spec()).await.unwrap();
    let shots = std::env::var("SAMTAL_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| dir.path().join("shots"));
    std::fs::create_dir_all(&shots).unwrap();
    let out = tokio::time::timeout(
        Duration::from_secs(260),
        tokio::process::Command::new("node")
            .args([
                "signin.mjs",
                &server.addr.port().to_string(),
                shots.to_str().unwrap(),
                &unowned.title,
            ])
            .current_dir(js_dir())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("the browser test ends in time")
    .unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success() && log.contains("SIGNIN-OK"), "{log}");
    server.stop().await.unwrap();
}

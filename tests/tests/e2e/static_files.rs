//! The built client is sent compressed: a real server over a static folder with the brotli and
//! gzip copies `cargo xtask build-client` writes, asked by an HTTP client the way browsers ask.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_server::settings::Settings;
use samtal_tests::TestServer;

/// One GET: status, `Content-Encoding`, `Vary` and the body as sent.
fn get(url: &str, accept: Option<&str>) -> (u16, Option<String>, Option<String>, Vec<u8>) {
    let mut req = ureq::get(url);
    if let Some(a) = accept {
        req = req.header("Accept-Encoding", a);
    }
    let mut resp = req.call().unwrap();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (encoding, vary) = (header("content-encoding"), header("vary"));
    let body = resp.body_mut().read_to_vec().unwrap();
    (resp.status().as_u16(), encoding, vary, body)
}

/// A server over a static folder holding `files` (name, bytes; folders made as needed). The
/// folders live as long as the returned guards.
async fn serve_folder(
    files: &[(&str, &[u8])],
) -> (tempfile::TempDir, tempfile::TempDir, TestServer) {
    let data = tempfile::tempdir().unwrap();
    let dist = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let path = dist.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let mut settings = Settings::for_tests(data.path().to_path_buf());
    settings.static_dir = Some(dist.path().to_path_buf());
    let server = TestServer::start_with(settings).await.unwrap();
    (data, dist, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsers_get_the_smallest_copy_they_accept() {
    // The copies' contents are told apart by the bytes (the server does not decode them).
    let files = [
        ("index.html", b"<html>page</html>".as_slice()),
        ("index.html.br", b"BR-PAGE"),
        ("index.html.gz", b"GZ-PAGE"),
        ("app.wasm", b"RAW-WASM-RAW-WASM"),
        ("app.wasm.br", b"BR-WASM"),
        ("app.wasm.gz", b"GZ-WASM"),
        ("sw.js", b"self.x = 1;"),
    ];
    let (_data, _dist, server) = serve_folder(&files).await;
    let base = server.http();
    tokio::task::spawn_blocking(move || {
        let wasm = format!("{base}/app.wasm");
        // What Chromium sends: brotli wins.
        let (status, enc, vary, body) = get(&wasm, Some("gzip, deflate, br, zstd"));
        assert_eq!(status, 200);
        assert_eq!(enc.as_deref(), Some("br"));
        assert_eq!(body, b"BR-WASM");
        assert!(
            vary.is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
            "caches must keep the copies apart"
        );
        // A client without brotli gets gzip; one that accepts nothing gets the file itself.
        let (_, enc, _, body) = get(&wasm, Some("gzip"));
        assert_eq!(
            (enc.as_deref(), body.as_slice()),
            (Some("gzip"), b"GZ-WASM".as_slice())
        );
        let (_, enc, _, body) = get(&wasm, Some("identity"));
        assert_eq!(
            (enc, body.as_slice()),
            (None, b"RAW-WASM-RAW-WASM".as_slice())
        );
        // A file without copies is sent as it is, whatever the client accepts.
        let (_, enc, _, body) = get(&format!("{base}/sw.js"), Some("br, gzip"));
        assert_eq!((enc, body.as_slice()), (None, b"self.x = 1;".as_slice()));
        // The app shell for a link (the SPA fallback) comes compressed too; with no group
        // page built, a group link gets the whole app.
        for link in ["g", "f"] {
            let (status, enc, _, body) = get(&format!("{base}/{link}/some-token"), Some("br"));
            assert_eq!(status, 200);
            assert_eq!(
                (enc.as_deref(), body.as_slice()),
                (Some("br"), b"BR-PAGE".as_slice())
            );
        }
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_link_gets_the_group_page_alone_where_it_was_built() {
    let files = [
        ("index.html", b"<html>every page</html>".as_slice()),
        ("group/index.html", b"<html>the group page</html>"),
        ("group/index.html.br", b"BR-GROUP-PAGE"),
        ("group/app.wasm", b"GROUP-WASM"),
    ];
    let (_data, _dist, server) = serve_folder(&files).await;
    let base = server.http();
    tokio::task::spawn_blocking(move || {
        let (status, enc, vary, body) = get(&format!("{base}/g/some-token"), Some("identity"));
        assert_eq!((status, enc), (200, None));
        assert_eq!(body, b"<html>the group page</html>");
        assert!(vary.is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")));
        let (_, enc, _, body) = get(&format!("{base}/g/some-token"), Some("br"));
        assert_eq!(
            (enc.as_deref(), body.as_slice()),
            (Some("br"), b"BR-GROUP-PAGE".as_slice())
        );
        // Its files are under /group/; every other page is the whole app.
        assert_eq!(
            get(&format!("{base}/group/app.wasm"), None).3,
            b"GROUP-WASM"
        );
        for page in ["/f/some-token", "/c/some-token", "/", "/integritet"] {
            let (status, _, _, body) = get(&format!("{base}{page}"), Some("identity"));
            assert_eq!(
                (status, body.as_slice()),
                (200, b"<html>every page</html>".as_slice()),
                "{page}"
            );
        }
    })
    .await
    .unwrap();
}

/// The repository's built client, which a server built without `SAMTAL_STATIC` serves (a
/// release build holds it; this debug build reads it where the release build would embed it).
fn repo_dist() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist")
}

/// No folder set: the app from the binary, compressed as the browser accepts and with an ETag;
/// or, when none was built in, every page says how to build it while the API works.
async fn without_a_folder(expect_built: Option<bool>) {
    let built = repo_dist().join("index.html").is_file();
    if let Some(expected) = expect_built {
        assert_eq!(built, expected, "run `cargo xtask build-client` first");
    }
    let data = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_tests(data.path().to_path_buf());
    settings.static_dir = None;
    let server = TestServer::start_with(settings).await.unwrap();
    let (status, kind, body) = server.get_bytes("/g/some-token").await.unwrap();
    assert_eq!(server.get_bytes("/healthz").await.unwrap().0, 200);
    if !built {
        assert_eq!(status, 503);
        assert!(kind.starts_with("text/plain"), "{kind}");
        let text = String::from_utf8(body).unwrap();
        assert!(text.contains("cargo xtask build-client"), "{text}");
        server.stop().await.unwrap();
        return;
    }
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/html"), "{kind}");
    // The group page alone, which `cargo xtask build-client` builds beside the whole app.
    let group = repo_dist().join("group/index.html");
    let shell = if group.is_file() {
        group
    } else {
        repo_dist().join("index.html")
    };
    assert_eq!(body, std::fs::read(shell).unwrap());
    let (_, _, body) = server.get_bytes("/f/some-token").await.unwrap();
    assert_eq!(body, std::fs::read(repo_dist().join("index.html")).unwrap());
    let wasm = std::fs::read_dir(repo_dist())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with(".wasm"))
        .unwrap();
    let base = server.http();
    tokio::task::spawn_blocking(move || {
        let url = format!("{base}/{wasm}");
        let (status, enc, vary, body) = get(&url, Some("gzip, deflate, br, zstd"));
        assert_eq!((status, enc.as_deref()), (200, Some("br")));
        assert!(vary.is_some_and(|v| v.contains("accept-encoding")));
        assert_eq!(
            body,
            std::fs::read(repo_dist().join(format!("{wasm}.br"))).unwrap()
        );
        let (_, enc, _, body) = get(&url, Some("identity"));
        assert_eq!(enc, None);
        assert_eq!(body, std::fs::read(repo_dist().join(&wasm)).unwrap());
        // Asked again with its ETag: nothing to send.
        let first = ureq::get(&url)
            .header("Accept-Encoding", "br")
            .call()
            .unwrap();
        let etag = first
            .headers()
            .get("etag")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let again = ureq::get(&url)
            .header("Accept-Encoding", "br")
            .header("If-None-Match", &etag)
            .call()
            .unwrap();
        assert_eq!(again.status().as_u16(), 304);
    })
    .await
    .unwrap();
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_folder_the_app_comes_from_the_binary_or_a_page_says_how_to_build_it() {
    without_a_folder(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built client (dist/): run by `cargo xtask test` after it builds it"]
async fn the_built_app_is_served_from_the_binary() {
    without_a_folder(Some(true)).await;
}

//! The HTTP API's contract, `docs/openapi.json`: the server serves exactly the committed
//! document, and every operation in it answers as it says — for each kind of link and for a
//! made-up one — with a documented status, the documented content type, and a JSON
//! `ErrorBody` for every error. (Schemathesis checks the bodies against the schemas in CI:
//! `cargo xtask schemathesis`.)

// Helpers below are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_shared::session::{ErrorBody, ErrorCode};
use samtal_tests::{TIMEOUT, TestServer, demo_spec, token_of};
use serde_json::Value;

const COMMITTED: &str = include_str!("../../../docs/openapi.json");

/// One request: status, content type (without parameters), body.
async fn call(
    server: &TestServer,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, String, Vec<u8>) {
    let url = format!("{}{path}", server.http());
    let method = method.to_owned();
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(TIMEOUT))
            .build()
            .into();
        let mut resp = match (method.as_str(), body) {
            ("GET", _) => agent.get(&url).call(),
            ("DELETE", _) => agent.delete(&url).call(),
            ("POST", Some(b)) => agent.post(&url).send_json(b),
            ("POST", None) => agent.post(&url).send_empty(),
            (m, _) => panic!("no such method in the test: {m}"),
        }
        .unwrap();
        let kind = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .unwrap_or_default()
            .to_owned();
        (
            resp.status().as_u16(),
            kind,
            resp.body_mut().read_to_vec().unwrap(),
        )
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_document_is_the_committed_one() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&dir.path().join("data")).await.unwrap();
    let (status, kind, served) = call(&server, "GET", "/api/openapi.json", None).await;
    assert_eq!((status, kind.as_str()), (200, "application/json"));
    let served = String::from_utf8(served).unwrap();
    assert!(
        served == COMMITTED,
        "docs/openapi.json is not what the server serves: \
         run `cargo run -p samtal-server -- openapi > docs/openapi.json` and commit it"
    );
    let doc: Value = serde_json::from_str(&served).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    server.stop().await.unwrap();
}

/// The documented answer for `status`, or a failure naming the operation.
fn documented<'a>(op: &'a Value, status: u16, what: &str) -> &'a Value {
    op["responses"]
        .get(status.to_string())
        .unwrap_or_else(|| panic!("{what}: {status} is not documented"))
}

/// Check one answer against its operation: a documented status and content type; an error is
/// an `ErrorBody`; JSON is JSON.
fn check(op: &Value, what: &str, (status, kind, body): &(u16, String, Vec<u8>)) {
    let answer = documented(op, *status, what);
    let content = &answer["content"];
    if content.is_null() {
        assert!(
            body.is_empty(),
            "{what}: {status} has a body, none documented"
        );
        return;
    }
    assert!(
        content.get(kind.as_str()).is_some(),
        "{what}: {status} came as {kind:?}, documented {content}"
    );
    if *status >= 400 {
        let e: ErrorBody = serde_json::from_slice(body)
            .unwrap_or_else(|e| panic!("{what}: {status} is not an ErrorBody: {e}"));
        assert!(!e.error.is_empty(), "{what}: an error says what went wrong");
    } else if kind == "application/json" {
        serde_json::from_slice::<Value>(body)
            .unwrap_or_else(|e| panic!("{what}: {status} is not JSON: {e}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_answers_as_documented() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&dir.path().join("data")).await.unwrap();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let facilitator = token_of(&links.facilitator);
    let tokens = [
        facilitator.clone(),
        token_of(&links.groups[0].link),
        token_of(&links.catch_up),
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned(),
        "not%20a%20link".to_owned(),
        "%FF%FE".to_owned(),
    ];
    let doc: Value = serde_json::from_str(COMMITTED).unwrap();
    let mut answers = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let method = method.to_uppercase();
            // Erasing is last (below); it would take the workshop from the other calls.
            if method == "DELETE" {
                continue;
            }
            let body = op["requestBody"].is_object().then(|| match path.as_str() {
                "/api/workshops" => serde_json::to_value(demo_spec()).unwrap(),
                // A target that is no link: refused, nothing replaced.
                _ => serde_json::json!({ "target": "nobody" }),
            });
            for token in &tokens {
                let files = ["plenary.md", "package.json", "nothing.txt"];
                let files: &[&str] = if path.contains("{file}") {
                    &files
                } else {
                    &[""]
                };
                for file in files {
                    let url = path
                        .replace("{token}", token)
                        .replace("{id}", token)
                        .replace("{file}", file);
                    let what = format!("{method} {url}");
                    let answer = call(&server, &method, &url, body.clone()).await;
                    check(op, &what, &answer);
                    answers += 1;
                }
                if !path.contains("{token}") && !path.contains("{id}") {
                    break;
                }
            }
        }
    }
    assert!(answers > 50, "every operation was called ({answers} calls)");

    // Errors an extractor finds are JSON too.
    let bad_round = format!("/api/plenary/{facilitator}?round=many");
    let (status, _, body) = call(&server, "GET", &bad_round, None).await;
    let e: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert_eq!((status, e.code), (400, ErrorCode::BadRequest));
    let (status, _, body) = call(&server, "GET", &format!("/api/sync/{facilitator}"), None).await;
    let e: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (status, e.code),
        (400, ErrorCode::BadRequest),
        "{}",
        e.error
    );

    // Erase with a group link (refused), then the facilitator's (done), then again (gone).
    let erase = &doc["paths"]["/api/workshop/{token}"]["delete"];
    let group = token_of(&links.groups[0].link);
    let expect = [(group, 403), (facilitator.clone(), 204), (facilitator, 404)];
    for (token, want) in expect {
        let url = format!("/api/workshop/{token}");
        let answer = call(&server, "DELETE", &url, None).await;
        check(erase, &format!("DELETE {url}"), &answer);
        assert_eq!(answer.0, want, "DELETE {url}");
    }
    server.stop().await.unwrap();
}

//! What the clients of each group open: a Samtal workshop made through the API (each group's
//! link and document, and the pages a browser benchmark opens), or new documents for the
//! automerge-repo servers, which learn them from each group's first client.

use anyhow::{Context, Result};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ReadDoc, Value};
use samtal_shared::DocumentId;
use samtal_shared::doc::{GroupSpec, PACKAGE_SCHEMA, Package, QuestionSpec, WorkshopSpec};
use samtal_shared::session::SessionInfo;

/// Where one group's clients connect and what they open.
#[derive(Clone)]
pub struct GroupTarget {
    /// The group's number in the workshop (from 0).
    pub index: usize,
    pub url: String,
    pub doc: DocumentId,
    /// For the automerge-repo servers: the document the first client brings.
    pub initial: Option<Vec<u8>>,
}

fn http_json<T: serde::de::DeserializeOwned>(
    method: &str,
    url: &str,
    body: Option<serde_json::Value>,
) -> Result<T> {
    let mut resp = match (method, body) {
        ("POST", Some(b)) => ureq::post(url).send_json(b)?,
        _ => ureq::get(url).call()?,
    };
    Ok(resp.body_mut().read_json()?)
}

/// The links a browser opens: the facilitator's and the catch-up tokens.
pub struct PageLinks {
    pub facilitator: String,
    pub catch_up: String,
}

fn token(link: &str) -> String {
    link.rsplit('/').next().unwrap_or_default().to_owned()
}

/// One workshop with `groups` groups; each group's link and document, and the page links.
pub async fn samtal_groups(port: u16, groups: usize) -> Result<(Vec<GroupTarget>, PageLinks)> {
    let spec = WorkshopSpec {
        setup: Package {
            schema: PACKAGE_SCHEMA.into(),
            title: "Last".into(),
            materials: vec![],
            areas: vec!["A".into()],
            questions: vec![QuestionSpec {
                text: "Vad tar ni med er?".into(),
                ..QuestionSpec::default()
            }],
            reflection_fields: vec![],
            cases: vec![],
            groups: (1..=groups)
                .map(|i| GroupSpec {
                    name: format!("Grupp {i}"),
                    area: "A".into(),
                })
                .collect(),
        },
        date: samtal_server::clock::today(),
        access_days: None,
    };
    let base = format!("http://127.0.0.1:{port}");
    let links: serde_json::Value = tokio::task::spawn_blocking({
        let url = format!("{base}/api/workshops");
        move || http_json("POST", &url, Some(serde_json::to_value(spec)?))
    })
    .await??;
    let mut out = Vec::new();
    for (index, g) in links["groups"]
        .as_array()
        .context("no groups")?
        .iter()
        .enumerate()
    {
        let token = token(g["link"].as_str().context("no link")?);
        let url = format!("{base}/api/session/{token}");
        let info: SessionInfo =
            tokio::task::spawn_blocking(move || http_json("GET", &url, None)).await??;
        out.push(GroupTarget {
            index,
            url: format!("ws://127.0.0.1:{port}/api/sync/{token}"),
            doc: info.own_group_doc().context("not a group link")?,
            initial: None,
        });
    }
    let page = |key: &str| links[key].as_str().map(token).context("no page link");
    let pages = PageLinks {
        facilitator: page("facilitator")?,
        catch_up: page("catch_up")?,
    };
    Ok((out, pages))
}

/// New documents for the automerge-repo servers (JS, samod), shaped like a group document's
/// answer field.
pub fn repo_groups(port: u16, groups: usize) -> Result<Vec<GroupTarget>> {
    let mut out = Vec::new();
    for i in 0..groups {
        let mut d = AutoCommit::new();
        let answers = d.put_object(automerge::ROOT, "answers", ObjType::Map)?;
        d.put_object(&answers, "q1", ObjType::Text)?;
        let mut id = [0u8; 16];
        id[..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        id[8..].copy_from_slice(&u64::from(std::process::id()).to_le_bytes());
        out.push(GroupTarget {
            index: i,
            url: format!("ws://127.0.0.1:{port}"),
            doc: DocumentId::from_bytes(id),
            initial: Some(d.save()),
        });
    }
    Ok(out)
}

pub fn answer_text(d: &AutoCommit) -> Option<automerge::ObjId> {
    let (_, answers) = d.get(automerge::ROOT, "answers").ok()??;
    match d.get(&answers, "q1").ok()?? {
        (Value::Object(ObjType::Text), id) => Some(id),
        _ => None,
    }
}

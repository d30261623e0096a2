//! Creating workshops: documents from `shared`, capability tokens, one storage transaction.

use crate::AppState;
use crate::auth;
use crate::error::AppError;
use crate::storage::{Capability, DocRecord, NewWorkshopRecord};
use automerge::AutoCommit;
use samtal_shared::DocumentId;
use samtal_shared::docs::{self, WorkshopSpec};
use samtal_shared::roles::{DocKind, Role};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The links of a new workshop. Tokens exist only here: the server keeps their hashes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkshopLinks {
    pub workshop_id: String,
    pub title: String,
    pub facilitator: String,
    pub catch_up: String,
    pub groups: Vec<GroupLink>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupLink {
    pub group_id: String,
    pub name: String,
    pub link: String,
}

impl WorkshopLinks {
    /// Human-readable list for the terminal.
    pub fn render(&self) -> String {
        let mut out = format!(
            "Workshop «{}»\n  Facilitator: {}\n  I efterhand (catch-up): {}\n",
            self.title, self.facilitator, self.catch_up
        );
        for g in &self.groups {
            out.push_str(&format!("  Grupp {}: {}\n", g.name, g.link));
        }
        out
    }
}

fn random_id() -> Result<[u8; 16], AppError> {
    auth::random_16().map_err(|e| AppError::Internal(format!("randomness: {e}")))
}

/// Build and store a workshop; returns its links.
pub async fn create(state: &Arc<AppState>, spec: WorkshopSpec) -> Result<WorkshopLinks, AppError> {
    spec.validate()
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let storage = Arc::clone(&state.storage);
    let count = tokio::task::spawn_blocking(move || storage.workshop_count())
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    if count >= state.settings.max_workshops {
        return Err(AppError::TooManyWorkshops);
    }
    let workshop_id = DocumentId::from_bytes(random_id()?).to_string();
    // Document ids need randomness inside a closure; collect them up front.
    let needed = spec.groups.len() + 2;
    let mut ids = (0..needed)
        .map(|_| random_id().map(DocumentId::from_bytes))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter();
    let mut fallback = 0u8;
    let new = docs::build_workshop(&spec, &workshop_id, || {
        ids.next().unwrap_or_else(|| {
            fallback = fallback.wrapping_add(1);
            DocumentId::from_bytes([fallback; 16])
        })
    })
    .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let access_until = docs::read_workshop(&new.workshop)
        .map(|w| w.access_until)
        .map_err(|e| AppError::Internal(e.to_string()))?;

    let mut docs_out: Vec<(DocRecord, Vec<u8>)> = Vec::new();
    let mut save = |doc_id: DocumentId, kind: DocKind, mut doc: AutoCommit| {
        docs_out.push((
            DocRecord {
                doc_id,
                workshop_id: workshop_id.clone(),
                kind,
            },
            doc.save(),
        ));
    };
    save(new.workshop_doc_id, DocKind::Workshop, new.workshop);
    save(new.plenary_doc_id, DocKind::Plenary, new.plenary);
    let mut capabilities = Vec::new();
    let mut token_for = |role: Role, expires_at: Option<String>| -> Result<String, AppError> {
        let (token, hash) =
            auth::new_token().map_err(|e| AppError::Internal(format!("randomness: {e}")))?;
        capabilities.push((
            hash,
            Capability {
                workshop_id: workshop_id.clone(),
                role,
                expires_at,
            },
        ));
        Ok(token)
    };
    let base = &state.base_url;
    let facilitator = format!("{base}/f/{}", token_for(Role::Facilitator, None)?);
    let catch_up = format!("{base}/c/{}", token_for(Role::CatchUp, Some(access_until))?);
    let mut groups = Vec::new();
    for (g, doc) in new.groups {
        let token = token_for(
            Role::Group {
                group_id: g.id.clone(),
            },
            None,
        )?;
        groups.push(GroupLink {
            group_id: g.id.clone(),
            name: g.name.clone(),
            link: format!("{base}/g/{token}"),
        });
        save(g.doc_id, DocKind::Group { group_id: g.id }, doc);
    }
    let record = NewWorkshopRecord {
        workshop_id: workshop_id.clone(),
        title: spec.title.clone(),
        docs: docs_out,
        capabilities,
    };
    let storage = Arc::clone(&state.storage);
    tokio::task::spawn_blocking(move || storage.create_workshop(&record))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    tracing::info!(workshop = %workshop_id, groups = groups.len(), "workshop created");
    Ok(WorkshopLinks {
        workshop_id,
        title: spec.title,
        facilitator,
        catch_up,
        groups,
    })
}

const DEMO_LINKS_FILE: &str = "demo-links.txt";

/// Create the demo workshop on first start; afterwards return the links saved then.
///
/// The demo's links are kept in `SAMTAL_DATA/demo-links.txt` (mode 0600) so that
/// `cargo xtask serve` can print them on every start. Real workshops' tokens are never stored.
pub async fn ensure_demo(state: &Arc<AppState>) -> anyhow::Result<String> {
    let path = state.settings.data.join(DEMO_LINKS_FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        return Ok(text);
    }
    let today = docs::format_date(i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs()
            / 86_400,
    )?);
    let links = create(state, samtal_shared::demo::spec(&today))
        .await
        .map_err(|e| anyhow::anyhow!("creating the demo workshop: {e}"))?;
    let text = links.render();
    std::fs::write(&path, &text)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(text)
}

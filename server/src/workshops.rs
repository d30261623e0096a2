//! Creating workshops: documents from `shared`, capability tokens, one storage transaction.

use crate::auth;
use crate::error::AppError;
use crate::hub::WorkshopChanged;
use crate::links::{self, LinkTarget};
use crate::storage::accounts::Owner;
use crate::storage::{Capability, DocRecord, NewOwnerRecord, NewWorkshopRecord};
use crate::{AppState, blocking};
use automerge::AutoCommit;
use samtal_shared::DocumentId;
use samtal_shared::doc::{self, Workshop, WorkshopSpec};
use samtal_shared::roles::{DocKind, Role};
pub use samtal_shared::session::{GroupLink, WorkshopLinks};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::mpsc;

fn random_id() -> Result<[u8; 16], AppError> {
    auth::random_16().map_err(|e| AppError::Internal(format!("randomness: {e}")))
}

fn random_secret() -> Result<[u8; links::SECRET_LEN], AppError> {
    let mut s = [0u8; links::SECRET_LEN];
    getrandom::fill(&mut s).map_err(|e| AppError::Internal(format!("randomness: {e}")))?;
    Ok(s)
}

fn link(state: &AppState, kind: char, token: &str) -> String {
    format!("{}/{kind}/{token}", state.base_url)
}

fn qr(url: &str) -> String {
    links::qr_data_url(url).unwrap_or_default()
}

fn group_link(state: &AppState, g: &doc::Group, token: &str) -> GroupLink {
    let url = link(state, 'g', token);
    GroupLink {
        group_id: g.id.clone(),
        name: g.name.clone(),
        area: g.area.clone(),
        qr: qr(&url),
        link: url,
        round: g.round,
    }
}

/// Build and store a workshop, with its first owner when a signed-in facilitator creates it
/// (her facilitator link sealed for "Mina workshops" in the same transaction); returns its
/// links.
pub async fn create(
    state: &Arc<AppState>,
    spec: WorkshopSpec,
    owner: Option<Owner>,
) -> Result<WorkshopLinks, AppError> {
    spec.validate().map_err(AppError::from_schema)?;
    let count = blocking(state, |s| s.workshop_count()).await?;
    if count >= state.settings.max_workshops {
        return Err(AppError::TooManyWorkshops);
    }
    let workshop_id = DocumentId::from_bytes(random_id()?).to_string();
    // The workshop and plenary documents get random ids (group ids are derived).
    let mut ids = [
        DocumentId::from_bytes(random_id()?),
        DocumentId::from_bytes(random_id()?),
    ]
    .into_iter();
    let mut fallback = 0u8;
    let now = i64::try_from(crate::clock::now_secs()).unwrap_or(0);
    let new = doc::build_workshop_at(
        &spec,
        &workshop_id,
        || {
            ids.next().unwrap_or_else(|| {
                fallback = fallback.wrapping_add(1);
                DocumentId::from_bytes([fallback; 16])
            })
        },
        now,
    )
    .map_err(AppError::from_schema)?;
    let workshop =
        doc::read_workshop(&new.workshop).map_err(|e| AppError::Internal(e.to_string()))?;

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
    save(
        doc::questions_doc_id(&workshop_id),
        DocKind::Questions,
        doc::new_questions_doc(&workshop_id).map_err(AppError::from_schema)?,
    );
    for (g, doc) in new.groups {
        save(g.doc_id, DocKind::Group { group_id: g.id }, doc);
    }

    let (facilitator_token, facilitator_hash) =
        auth::new_token().map_err(|e| AppError::Internal(format!("randomness: {e}")))?;
    let secret = random_secret()?;
    let cap = |role: Role| Capability {
        workshop_id: workshop_id.clone(),
        role,
        expires_at: None,
    };
    let mut capabilities = vec![(facilitator_hash, cap(Role::Facilitator))];
    let (catch_up_token, h) = links::derive(&secret, &LinkTarget::CatchUp, 0);
    capabilities.push((h, cap(Role::CatchUp)));
    let mut groups = Vec::new();
    for g in &workshop.groups {
        let target = LinkTarget::Group(g.id.clone());
        let (token, h) = links::derive(&secret, &target, 0);
        capabilities.push((h, cap(target.role())));
        groups.push(group_link(state, g, &token));
    }
    let owner = match owner {
        Some(owner) => {
            let signin = crate::accounts::signin(state)?;
            let sealed_token =
                crate::accounts::seal_token(&signin, &workshop_id, &facilitator_token)?;
            Some(NewOwnerRecord {
                owner,
                sealed_token,
            })
        }
        None => None,
    };
    let record = NewWorkshopRecord {
        workshop_id: workshop_id.clone(),
        title: spec.setup.title.clone(),
        access_until: workshop.access_until.clone(),
        link_secret: links::wrap(&secret, &facilitator_token),
        docs: docs_out,
        capabilities,
        owner,
    };
    blocking(state, move |s| s.create_workshop(&record)).await?;
    tracing::info!(workshop = %workshop_id, groups = groups.len(), "workshop created");
    let catch_up = link(state, 'c', &catch_up_token);
    Ok(WorkshopLinks {
        workshop_id,
        title: spec.setup.title,
        facilitator: link(state, 'f', &facilitator_token),
        catch_up_qr: qr(&catch_up),
        catch_up,
        access_until: workshop.access_until,
        groups,
    })
}

/// The workshop document's id.
pub async fn workshop_doc_id(
    state: &Arc<AppState>,
    workshop_id: &str,
) -> Result<DocumentId, AppError> {
    let id = workshop_id.to_owned();
    blocking(state, move |s| s.workshop_docs(&id))
        .await?
        .into_iter()
        .find(|d| d.kind == DocKind::Workshop)
        .map(|d| d.doc_id)
        .ok_or(AppError::InvalidLink)
}

/// The workshop document, read through its actor.
pub async fn read_workshop(state: &Arc<AppState>, workshop_id: &str) -> Result<Workshop, AppError> {
    read_workshop_doc(state, workshop_doc_id(state, workshop_id).await?).await
}

/// A workshop document whose id the caller already has.
pub async fn read_workshop_doc(
    state: &Arc<AppState>,
    doc: DocumentId,
) -> Result<Workshop, AppError> {
    state
        .hub
        .read(doc, |d| doc::read_workshop(d).map_err(|e| e.to_string()))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::Internal)
}

/// The link secret, unwrapped with the facilitator's token (created for workshops from before
/// link secrets existed).
async fn link_secret(
    state: &Arc<AppState>,
    workshop_id: &str,
    facilitator_token: &str,
) -> Result<[u8; links::SECRET_LEN], AppError> {
    let id = workshop_id.to_owned();
    let row = blocking(state, move |s| s.workshop(&id))
        .await?
        .ok_or(AppError::InvalidLink)?;
    if let Some(secret) = row
        .link_secret
        .as_deref()
        .and_then(|w| links::unwrap(w, facilitator_token))
    {
        return Ok(secret);
    }
    let secret = random_secret()?;
    let wrapped = links::wrap(&secret, facilitator_token);
    let id = workshop_id.to_owned();
    blocking(state, move |s| s.set_link_secret(&id, &wrapped)).await?;
    Ok(secret)
}

/// Every link of a workshop, for its facilitator (whose token is `facilitator_token`).
pub async fn links_for(
    state: &Arc<AppState>,
    facilitator_token: &str,
    workshop_id: &str,
) -> Result<WorkshopLinks, AppError> {
    let secret = link_secret(state, workshop_id, facilitator_token).await?;
    let workshop = read_workshop(state, workshop_id).await?;
    let mut targets = vec![LinkTarget::CatchUp];
    targets.extend(
        workshop
            .groups
            .iter()
            .map(|g| LinkTarget::Group(g.id.clone())),
    );
    let id = workshop_id.to_owned();
    let tokens = blocking(state, move |s| {
        let mut out = Vec::new();
        for target in targets {
            let generation = s.link_generation(&id, &target.key())?;
            let (token, hash) = links::derive(&secret, &target, generation);
            let cap = Capability {
                workshop_id: id.clone(),
                role: target.role(),
                expires_at: None,
            };
            s.ensure_capability(&hash, &cap)?;
            out.push(token);
        }
        Ok(out)
    })
    .await?;
    let mut tokens = tokens.into_iter();
    let catch_up = link(state, 'c', &tokens.next().unwrap_or_default());
    let groups = workshop
        .groups
        .iter()
        .zip(tokens)
        .map(|(g, token)| group_link(state, g, &token))
        .collect();
    Ok(WorkshopLinks {
        workshop_id: workshop_id.to_owned(),
        title: workshop.title,
        facilitator: link(state, 'f', facilitator_token),
        catch_up_qr: qr(&catch_up),
        catch_up,
        access_until: workshop.access_until,
        groups,
    })
}

/// Replace one link: the old one stops working at once and its connections are closed.
/// Returns the links afterwards (with the new facilitator link if that was rotated).
pub async fn rotate(
    state: &Arc<AppState>,
    facilitator_token: &str,
    workshop_id: &str,
    target: LinkTarget,
) -> Result<WorkshopLinks, AppError> {
    let secret = link_secret(state, workshop_id, facilitator_token).await?;
    let id = workshop_id.to_owned();
    let key = target.key();
    let current = if target == LinkTarget::Facilitator {
        let (token, hash) =
            auth::new_token().map_err(|e| AppError::Internal(format!("randomness: {e}")))?;
        let wrapped = links::wrap(&secret, &token);
        blocking(state, move |s| s.replace_facilitator(&id, &hash, &wrapped)).await?;
        crate::accounts::reseal(state, workshop_id, &token).await?;
        token
    } else {
        let k = key.clone();
        blocking(state, move |s| s.rotate_link(&id, &k)).await?;
        facilitator_token.to_owned()
    };
    state.live.close(workshop_id, Some(&key), ROTATED);
    tracing::info!(workshop = %workshop_id, target = %key, "link rotated");
    links_for(state, &current, workshop_id).await
}

/// Why a rotated link's connections close.
pub const ROTATED: &str =
    "this link was replaced by a new one; ask the facilitator for the new link";
/// Why an erased workshop's connections close.
pub const ERASED: &str = samtal_shared::session::ERASED_REASON;

/// Delete a workshop with everything in it and disconnect everyone.
pub async fn erase(state: &Arc<AppState>, workshop_id: &str) -> Result<(), AppError> {
    let id = workshop_id.to_owned();
    let owners = blocking(state, move |s| s.owners(&id)).await?;
    let id = workshop_id.to_owned();
    let docs = blocking(state, move |s| s.erase_workshop(&id)).await?;
    crate::accounts::forget_lone_owners(state, owners).await?;
    let reason = ERASED;
    for doc in docs {
        state.hub.close(doc, reason).await;
    }
    state.live.close(workshop_id, None, reason);
    state.live.forget(workshop_id);
    state.phases.forget(workshop_id);
    tracing::info!(workshop = %workshop_id, "workshop erased");
    Ok(())
}

/// Erase every workshop closed more than the retention period before `today`.
pub async fn purge_expired(state: &Arc<AppState>, today: &str) -> Result<usize, AppError> {
    let days =
        doc::parse_date(today).ok_or_else(|| AppError::Internal(format!("bad date {today}")))?;
    let cutoff = doc::format_date(days - i64::from(state.settings.retention_days));
    let ids = blocking(state, move |s| s.closed_before(&cutoff)).await?;
    for id in &ids {
        erase(state, id).await?;
    }
    Ok(ids.len())
}

/// Background task: purge expired workshops (and, with sign-in, accounts that keep nothing
/// here) at start and then every hour.
pub async fn retention(state: Arc<AppState>) {
    let mut shutdown = state.shutdown.clone();
    loop {
        match purge_expired(&state, &crate::clock::today()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(workshops = n, "retention: erased closed workshops"),
            Err(e) => tracing::warn!(error = %e, "retention check failed"),
        }
        if state.signin.is_some() {
            match crate::accounts::forget_idle(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(accounts = n, "retention: forgot idle accounts"),
                Err(e) => tracing::warn!(error = %e, "forgetting idle accounts failed"),
            }
        }
        tokio::select! {
            () = tokio::time::sleep(std::time::Duration::from_secs(3600)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// What in a workshop decides the other documents' structure.
fn structure_of(w: &Workshop) -> String {
    let mut s = String::new();
    for q in &w.questions {
        s.push_str(&format!("q{}:{:?};", q.id, q.area));
    }
    for c in &w.cases {
        s.push_str(&format!("c{}:{};", c.id, c.area));
        for f in &c.fields {
            s.push_str(&format!("c{}f{};", c.id, f.id));
        }
    }
    for f in &w.reflection_fields {
        s.push_str(&format!("f{};", f.id));
    }
    for g in &w.groups {
        s.push_str(&format!("g{}:{}:{};", g.id, g.area, g.doc_id));
    }
    s
}

/// Give a workshop made before the question box (issue 25) its box, the first time one of
/// its links opens: `docs` are its documents as stored, with the box added.
pub async fn ensure_question_box(
    state: &Arc<AppState>,
    workshop_id: &str,
    docs: &mut Vec<DocRecord>,
) -> Result<(), AppError> {
    if docs.iter().any(|d| d.kind == DocKind::Questions) {
        return Ok(());
    }
    let rec = DocRecord {
        doc_id: doc::questions_doc_id(workshop_id),
        workshop_id: workshop_id.to_owned(),
        kind: DocKind::Questions,
    };
    let bytes = doc::new_questions_doc(workshop_id)
        .map_err(|e| AppError::Internal(e.to_string()))?
        .save();
    let stored = rec.clone();
    // Two instances may race here: the second finds the box there and adds nothing.
    if blocking(state, move |s| s.add_doc(&stored, &bytes)).await? {
        tracing::info!(workshop = %workshop_id, "question box created");
    }
    docs.push(rec);
    Ok(())
}

/// Background task: when a workshop document changes, mirror its phase and access window,
/// create documents for new groups and Text fields for new questions and cases. The server is
/// the only creator of Text objects in group and plenary documents (see ARCHITECTURE.md).
pub async fn reconcile(
    state: Arc<AppState>,
    mut changes: mpsc::UnboundedReceiver<WorkshopChanged>,
) {
    let mut done: HashMap<String, String> = HashMap::new();
    let mut batch = Vec::new();
    while changes.recv_many(&mut batch, 64).await > 0 {
        // Only the newest state of each workshop matters.
        let mut latest: HashMap<String, Workshop> = HashMap::new();
        for c in batch.drain(..) {
            // The stored record says which workshop this is; a document whose header names
            // another is not mirrored anywhere (writers cannot change the header, so this
            // means a document from before that rule, or a bug).
            if c.workshop.workshop_id != c.workshop_id {
                tracing::warn!(workshop = %c.workshop_id, header = %c.workshop.workshop_id, "workshop document's header names another workshop; ignored");
                continue;
            }
            latest.insert(c.workshop_id, c.workshop);
        }
        for (id, w) in latest {
            let sig = structure_of(&w);
            let structural = done.get(&id) != Some(&sig);
            match reconcile_one(&state, &w, structural).await {
                Ok(()) => {
                    done.insert(id, sig);
                }
                Err(e) => tracing::warn!(workshop = %id, error = %e, "reconcile failed"),
            }
        }
    }
}

async fn reconcile_one(
    state: &Arc<AppState>,
    w: &Workshop,
    structural: bool,
) -> Result<(), AppError> {
    // Before storage: the connections of this instance refuse a closed workshop's group
    // writes from now on.
    state.phases.set(&w.workshop_id, w.phase);
    let id = w.workshop_id.clone();
    let (title, phase, until, today) = (
        w.title.clone(),
        w.phase.as_str(),
        w.access_until.clone(),
        crate::clock::today(),
    );
    let ended = today > until;
    blocking(state, move |s| {
        s.update_workshop_meta(&id, &title, phase, &until, &today)
    })
    .await?;
    if ended {
        // The window was moved into the past: open catch-up connections close now.
        state.live.close(
            &w.workshop_id,
            Some(links::CATCH_UP_KEY),
            crate::live::CATCH_UP_ENDED,
        );
    }
    if !structural {
        return Ok(());
    }
    let shared = Arc::new(w.clone());
    let wid = w.workshop_id.clone();
    let stored = blocking(state, move |s| s.workshop_docs(&wid)).await?;
    for g in &w.groups {
        let kind = DocKind::Group {
            group_id: g.id.clone(),
        };
        // A group's document is the derived one, or one storage already holds for that group
        // (workshops created before ids were derived).
        let known = stored
            .iter()
            .any(|d| d.doc_id == g.doc_id && d.kind == kind);
        if !samtal_shared::ids::is_item_id(&g.id) {
            tracing::warn!(workshop = %w.workshop_id, "a group id that is not a valid id; ignored");
            continue;
        }
        if !known && g.doc_id != doc::group_doc_id(&w.workshop_id, &g.id) {
            tracing::warn!(workshop = %w.workshop_id, group = %g.id, "group document id is not the derived one; ignored");
            continue;
        }
        if !known {
            let doc = doc::new_group_doc(&w.workshop_id, &g.id)
                .map_err(|e| AppError::Internal(e.to_string()))?
                .save();
            let rec = DocRecord {
                doc_id: g.doc_id,
                workshop_id: w.workshop_id.clone(),
                kind,
            };
            if blocking(state, move |s| s.add_doc(&rec, &doc)).await? {
                tracing::info!(workshop = %w.workshop_id, group = %g.id, "group document created");
            }
        }
        let (wk, group) = (Arc::clone(&shared), g.clone());
        let saved = state
            .hub
            .apply(g.doc_id, move |d| {
                doc::ensure_group_structure(d, &wk, &group).unwrap_or(false)
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        if !saved {
            return Err(AppError::Internal("group structure not saved".into()));
        }
    }
    let plenary = stored
        .iter()
        .find(|d| d.kind == DocKind::Plenary && d.doc_id == w.plenary_doc_id);
    if let Some(p) = plenary {
        let wk = Arc::clone(&shared);
        state
            .hub
            .apply(p.doc_id, move |d| {
                doc::ensure_plenary_structure(d, &wk).unwrap_or(false)
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
    }
    Ok(())
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
    let today = doc::format_date(i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs()
            / 86_400,
    )?);
    let links = create(state, samtal_shared::demo::spec(&today)?, None)
        .await
        .map_err(|e| anyhow::anyhow!("creating the demo workshop: {e}"))?;
    let text = links.render();
    // Created with mode 0600 (not chmod'ed after): the links are never readable by others.
    let mut file = std::fs::OpenOptions::new();
    file.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        file.mode(0o600);
    }
    std::io::Write::write_all(&mut file.open(&path)?, text.as_bytes())?;
    Ok(text)
}

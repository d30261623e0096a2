//! The client's sync engine glue: the shared `ClientRepo`, a WebSocket with reconnect backoff,
//! typing-burst commits and the local copy. It only moves bytes; the protocol is in `shared`.

use crate::pace::Pace;
use crate::reads::Reads;
use crate::store;
use automerge::AutoCommit;
use gloo_timers::callback::Timeout;
use samtal_shared::DocumentId;
use samtal_shared::PeerId;
use samtal_shared::doc::{self, GroupNotes, SchemaError, TextRef, Workshop};
use samtal_shared::roles::{DocKind, Role};
use samtal_shared::session::{ERASED_REASON, SessionInfo};
use samtal_shared::stamp::{self as signing};
use samtal_shared::sync::{ClientRepo, ConnError, SyncError};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, MessageEvent, WebSocket};

mod window;

/// A burst ends after this much quiet…
const BURST_IDLE_MS: u32 = 300;
/// …or this long after it began, whichever is first.
const BURST_MAX_MS: f64 = 1000.0;
const BACKOFF_MIN_MS: f64 = 1000.0;
/// How long after the workshop reads open again a held-back document is sent.
const RELEASE_AFTER_MS: u32 = 2000;
const BACKOFF_MAX_MS: f64 = 30_000.0;
/// A socket the server has not answered the join on by then is given up and tried again: a
/// network that accepts connections and never answers (conference Wi-Fi) must not leave it
/// connecting for ever. A join is one round trip; this is generous for a weak phone network.
const JOIN_TIMEOUT_MS: u32 = 10_000;

/// What the status line shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Local {
    Saved,
    Pending,
    StorageFull,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Net {
    Connecting,
    Offline,
    Syncing,
    Synced,
    Refused,
    /// Connected and synced, but the workshop closed before what was written here reached
    /// the server: it is held back until she reopens.
    HeldBack,
    /// The server erased the workshop: the local copies are deleted, nothing reconnects.
    Erased,
}

pub struct Engine {
    pub info: SessionInfo,
    pub repo: ClientRepo,
    token: String,
    pub local: Local,
    pub net: Net,
    pub last_error: Option<String>,
    ws: Option<WebSocket>,
    /// The current socket's handlers (replaced with each socket).
    socket_handlers: Vec<Closure<dyn FnMut(JsValue)>>,
    /// Window listeners (`online`, `storage`, …) for the engine's whole life.
    listeners: window::Listeners,
    attempts: u32,
    burst_started: Option<f64>,
    burst_timer: Option<Timeout>,
    reconnect_timer: Option<Timeout>,
    join_timer: Option<Timeout>,
    /// Sends the acknowledgements `ClientRepo::outgoing_at` held back, when they are due.
    ack_timer: Option<Timeout>,
    /// Sends what a closed workshop held back, once it reads open (see `release_if_reopened`).
    release_timer: Option<Timeout>,
    unsaved: Vec<DocumentId>,
    /// Documents the server changed whose copy here is written at `save_timer` (see
    /// [`Engine::save_soon`]).
    to_save: BTreeSet<DocumentId>,
    save_timer: Option<Timeout>,
    /// When each document was last written here (ms).
    saved_at: HashMap<DocumentId, f64>,
    /// A session refresh is under way (new groups appeared in the workshop).
    refreshing: bool,
    /// Something stored on this computer could not be read and was ignored.
    pub corrupt: bool,
    /// Local data was cleared: save and send nothing more.
    stopped: bool,
    rerender: Rc<dyn Fn()>,
    me: Weak<RefCell<Engine>>,
    /// What pages read from the documents, kept until a document changes.
    reads: Reads,
    /// Renders for what the server sent: at most one per `RENDER_GAP_MS`.
    render_pace: Pace,
}

pub type Shared = Rc<RefCell<Engine>>;

/// How long what the server sent may wait before it is written here (see `save_soon`).
const SAVE_DELAY_MS: u32 = 5_000;

/// The shortest time between two renders for what the server sent (see `notify_soon`).
const RENDER_GAP_MS: u32 = 100;

fn now() -> f64 {
    js_sys::Date::now()
}

/// How this device signs its changes right now: its label, and the time in seconds.
pub fn stamp() -> signing::Stamp {
    signing::Stamp {
        device: store::device_label(),
        time: (now() / 1000.0) as i64,
    }
}

pub use crate::store::random_id;

impl Engine {
    /// A group document's notes (read again only when it changed; see [`Reads`]).
    pub fn group_notes(&self, id: &DocumentId) -> Option<GroupNotes> {
        self.reads.group_notes(&self.repo, id)
    }

    /// The workshop document (read again only when it changed).
    pub fn workshop(&self) -> Option<Workshop> {
        self.reads.workshop(&self.repo, &self.info.workshop_doc)
    }

    /// Open the documents from the local copy and start connecting.
    pub fn start(token: String, info: SessionInfo, rerender: Rc<dyn Fn()>) -> Shared {
        let mut repo = ClientRepo::new(PeerId::new(format!("samtal-web-{}", random_id())));
        let mut corrupt = false;
        for (id, _) in &info.docs {
            let (doc, bad) = store::load_doc(id);
            corrupt |= bad;
            repo.add_doc(*id, doc);
        }
        let engine = Rc::new_cyclic(|me| {
            RefCell::new(Engine {
                info,
                repo,
                token,
                local: Local::Saved,
                net: Net::Connecting,
                last_error: None,
                ws: None,
                socket_handlers: Vec::new(),
                listeners: window::Listeners::default(),
                attempts: 0,
                burst_started: None,
                burst_timer: None,
                reconnect_timer: None,
                join_timer: None,
                ack_timer: None,
                release_timer: None,
                unsaved: Vec::new(),
                to_save: BTreeSet::new(),
                save_timer: None,
                saved_at: HashMap::new(),
                refreshing: false,
                corrupt,
                stopped: false,
                rerender,
                me: me.clone(),
                reads: Reads::default(),
                render_pace: Pace::new(RENDER_GAP_MS),
            })
        });
        engine.borrow_mut().connect();
        window::listen_to_window(&engine);
        engine
    }

    /// Render for what the server sent: at once, or — frames arriving faster than one per
    /// [`RENDER_GAP_MS`], as with 50 groups typing — once at the end of the gap for all of them.
    fn notify_soon(&mut self) {
        let me = self.me.clone();
        let now_or_later = self.render_pace.now_or_later(now(), move || {
            if let Some(e) = me.upgrade() {
                let mut e = e.borrow_mut();
                e.render_pace.ran(now());
                e.notify();
            }
        });
        if now_or_later {
            self.notify();
        }
    }

    /// Ask yew to render again, after the current borrow is released.
    fn notify(&self) {
        let f = Rc::clone(&self.rerender);
        wasm_bindgen_futures::spawn_local(async move { f() });
    }

    fn ws_url(&self) -> Option<String> {
        let loc = web_sys::window()?.location();
        let scheme = if loc.protocol().ok()? == "https:" {
            "wss"
        } else {
            "ws"
        };
        Some(format!(
            "{scheme}://{}/api/sync/{}",
            loc.host().ok()?,
            self.token
        ))
    }

    /// Close the current socket, if any, after detaching its handlers: their closures are
    /// dropped when the next socket opens, and a late event must not reach them.
    fn drop_socket(&mut self) {
        if let Some(ws) = self.ws.take() {
            ws.set_onopen(None);
            ws.set_onmessage(None);
            ws.set_onclose(None);
            let _ = ws.close();
        }
    }

    fn connect(&mut self) {
        self.reconnect_timer = None;
        if self.stopped {
            return;
        }
        self.drop_socket();
        let Some(url) = self.ws_url() else { return };
        let ws = match WebSocket::new(&url) {
            Ok(ws) => ws,
            Err(_) => return self.schedule_reconnect(),
        };
        ws.set_binary_type(BinaryType::Arraybuffer);
        self.net = Net::Connecting;
        let me = self.me.clone();
        let on_open = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let Some(e) = me.upgrade() {
                let mut e = e.borrow_mut();
                let join = e.repo.join_frame();
                e.send(&join);
            }
        });
        let me = self.me.clone();
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |ev: JsValue| {
            let Some(e) = me.upgrade() else { return };
            let Ok(ev) = ev.dyn_into::<MessageEvent>() else {
                return;
            };
            let Ok(buf) = ev.data().dyn_into::<js_sys::ArrayBuffer>() else {
                return;
            };
            let bytes = js_sys::Uint8Array::new(&buf).to_vec();
            e.borrow_mut().on_frame(&bytes);
        });
        let me = self.me.clone();
        let on_close = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let Some(e) = me.upgrade() {
                e.borrow_mut().on_close();
            }
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        // The previous socket's handlers were detached (or it closed): drop them now.
        self.socket_handlers = vec![on_open, on_message, on_close];
        self.ws = Some(ws);
        let me = self.me.clone();
        self.join_timer = Some(Timeout::new(JOIN_TIMEOUT_MS, move || {
            if let Some(e) = me.upgrade() {
                let mut e = e.borrow_mut();
                e.join_timer = None;
                if e.ws.is_some() && !e.repo.is_connected() {
                    e.drop_socket();
                    e.on_close();
                }
            }
        }));
        self.notify();
    }

    fn send(&mut self, frame: &[u8]) {
        if let Some(ws) = &self.ws
            && ws.send_with_u8_array(frame).is_err()
        {
            self.on_close();
        }
    }

    /// Send what the documents have for the server. Typing under way is signed and committed
    /// first: generating a message commits an open transaction, unsigned (the held-back
    /// acknowledgements' timer and the group refresh call this in the middle of a burst).
    fn flush(&mut self) {
        self.commit_pending();
        let now_ms = now() as u64;
        for frame in self.repo.outgoing_at(now_ms) {
            self.send(&frame);
        }
        self.ack_timer = self.repo.ack_due().map(|due| {
            let me = self.me.clone();
            let wait = u32::try_from(due.saturating_sub(now_ms)).unwrap_or(u32::MAX);
            Timeout::new(wait, move || {
                if let Some(e) = me.upgrade() {
                    let mut e = e.borrow_mut();
                    e.ack_timer = None;
                    e.flush();
                }
            })
        });
        self.update_net();
    }

    fn update_net(&mut self) {
        if self.net == Net::Refused {
            return;
        }
        if self.repo.is_connected() {
            self.net = if self.repo.all_synced() {
                Net::Synced
            } else if self.repo.synced_but_held_back() {
                Net::HeldBack
            } else {
                Net::Syncing
            };
        }
    }

    /// Sign and commit whatever is typed but not yet committed (a burst under way), before
    /// anything else touches the documents — Automerge would otherwise commit it unsigned.
    /// Always true, to chain in conditions.
    fn commit_pending(&mut self) -> bool {
        if self.burst_started.is_some() {
            let stamp = stamp();
            for id in self.repo.typed_into() {
                if let Some(d) = self.repo.doc_mut(&id) {
                    signing::commit(d, &stamp);
                }
            }
        }
        true
    }

    fn on_frame(&mut self, bytes: &[u8]) {
        let mut paced = false;
        self.commit_pending();
        match self.repo.receive(bytes) {
            Ok(ev) => {
                if ev.connected {
                    self.attempts = 0;
                    self.net = Net::Syncing;
                    self.last_error = None;
                }
                paced = !ev.connected; // only changes: their render may wait (`notify_soon`)
                // Written now or soon; on (re)connect too (a group added while offline).
                let workshop_news = ev.changed.contains(&self.info.workshop_doc);
                let workshop_changed = ev.connected || workshop_news;
                for id in ev.changed {
                    self.save_soon(id);
                }
                // (Only news from the server counts: the copy here may be older than the close.)
                if workshop_news {
                    self.release_if_reopened();
                }
                self.flush();
                if workshop_changed {
                    self.ensure_group_docs();
                }
            }
            Err(err) if err.to_string().contains(ERASED_REASON) => self.erased(),
            Err(ConnError::Remote(why)) if why == SyncError::Closed.to_string() => {
                self.workshop_closed();
            }
            Err(err) => {
                web_sys::console::warn_1(&format!("samtal: the server refused: {err}").into());
                self.last_error = Some(err.to_string());
                self.net = Net::Refused;
                self.drop_socket();
                self.repo.disconnected();
                self.schedule_reconnect();
            }
        }
        if paced {
            self.notify_soon();
        } else {
            self.notify();
        }
    }

    /// The server takes no more notes: the workshop was closed (perhaps while this room was
    /// offline). What the group's documents hold stays here and on screen, nothing of them is
    /// sent until the facilitator reopens, and the connection comes back at once for the rest.
    fn workshop_closed(&mut self) {
        let groups: Vec<DocumentId> = self
            .info
            .docs
            .iter()
            .filter(|(_, kind)| matches!(kind, DocKind::Group { .. }))
            .map(|(id, _)| *id)
            .collect();
        for id in groups {
            self.repo.hold_back(id);
        }
        self.drop_socket();
        self.repo.disconnected();
        self.net = Net::Offline;
        self.attempts = 0;
        self.schedule_reconnect();
        // Refused although the copy here says open: it reopened a moment before the server
        // had taken that in, or the copy is older than the close. Look again shortly.
        self.release_if_reopened();
    }

    fn workshop_open(&self) -> bool {
        self.workshop()
            .is_some_and(|w| w.phase != doc::Phase::Closed)
    }

    /// The workshop says it is open: send what was held back, after [`RELEASE_AFTER_MS`] (the
    /// server takes a reopening in within a second, and the copy here may be older than the
    /// server's, which the connection brings meanwhile).
    fn release_if_reopened(&mut self) {
        if !self.holds_back() || !self.workshop_open() || self.release_timer.is_some() {
            return;
        }
        let me = self.me.clone();
        self.release_timer = Some(Timeout::new(RELEASE_AFTER_MS, move || {
            let Some(e) = me.upgrade() else { return };
            let mut e = e.borrow_mut();
            e.release_timer = None;
            if !e.workshop_open() {
                return;
            }
            if !e.repo.is_connected() {
                // Sent on the next connection, once it has said how things stand.
                return e.release_if_reopened();
            }
            let ids: Vec<DocumentId> = e.repo.doc_ids().copied().collect();
            for id in ids {
                e.repo.release(&id);
            }
            e.flush();
            e.notify();
        }));
    }

    /// Something written here is held back because the workshop is closed.
    pub fn holds_back(&self) -> bool {
        self.repo.doc_ids().any(|id| self.repo.is_held_back(id))
    }

    /// The workshop is gone from the server: so are its copies here (documents, cached
    /// session, last-seen marks), and nothing reconnects.
    fn erased(&mut self) {
        self.stop();
        self.repo.disconnected();
        let ids: Vec<DocumentId> = self.repo.doc_ids().copied().collect();
        store::forget(&self.token, &ids);
        self.net = Net::Erased;
    }

    /// The browser went offline: the status says so now, not when the socket times out.
    fn went_offline(&mut self) {
        if matches!(self.net, Net::Refused | Net::Erased) {
            return;
        }
        if let Some(ws) = &self.ws {
            let _ = ws.close();
        }
        self.net = Net::Offline;
        self.notify();
    }

    fn on_close(&mut self) {
        self.ws = None;
        self.repo.disconnected();
        if !matches!(self.net, Net::Refused | Net::Erased) {
            self.net = Net::Offline;
        }
        self.schedule_reconnect();
        self.notify();
    }

    fn schedule_reconnect(&mut self) {
        if self.reconnect_timer.is_some() {
            return;
        }
        let base = (BACKOFF_MIN_MS * 2f64.powi(self.attempts.min(10) as i32)).min(BACKOFF_MAX_MS);
        let delay = base * (0.5 + js_sys::Math::random());
        self.attempts += 1;
        let me = self.me.clone();
        self.reconnect_timer = Some(Timeout::new(delay as u32, move || {
            if let Some(e) = me.upgrade() {
                let mut e = e.borrow_mut();
                e.reconnect_timer = None;
                if e.net == Net::Refused {
                    e.net = Net::Offline;
                }
                e.connect();
            }
        }));
    }

    /// What the server sent is written here at once, or — the document written less than
    /// [`SAVE_DELAY_MS`] ago — once at the end of that time (50 groups' documents written
    /// whole on every change kept her browser busy). The server has it anyway; what is typed
    /// here is written at once ([`Engine::save`]).
    fn save_soon(&mut self, id: DocumentId) {
        let quiet = self
            .saved_at
            .get(&id)
            .is_none_or(|at| now() - at >= f64::from(SAVE_DELAY_MS));
        if quiet {
            self.save(id);
            return;
        }
        self.to_save.insert(id);
        if self.save_timer.is_some() || self.stopped {
            return;
        }
        let me = self.me.clone();
        self.save_timer = Some(Timeout::new(SAVE_DELAY_MS, move || {
            if let Some(e) = me.upgrade() {
                e.borrow_mut().save_pending();
            }
        }));
    }

    /// Write what [`Engine::save_soon`] is holding back, now.
    fn save_pending(&mut self) {
        self.save_timer = None;
        if self.to_save.is_empty() {
            return;
        }
        for id in std::mem::take(&mut self.to_save) {
            self.save(id);
        }
        // Another tab's changes merged on the way are sent on.
        self.flush();
    }

    fn save(&mut self, id: DocumentId) {
        if self.stopped {
            return;
        }
        self.to_save.remove(&id);
        self.saved_at.insert(id, now());
        let (ok, merged) = self
            .repo
            .doc_mut(&id)
            .map_or((false, false), |doc| store::save_doc(&id, doc));
        if merged {
            // Another tab's changes came in: show them; `flush` by the caller sends them.
            self.notify();
        }
        if ok {
            self.unsaved.retain(|u| *u != id);
        } else if !self.unsaved.contains(&id) {
            self.unsaved.push(id);
        }
        // Retry earlier failures too: space may have been freed.
        let retry: Vec<DocumentId> = self.unsaved.clone();
        for u in retry {
            if u != id
                && self
                    .repo
                    .doc_mut(&u)
                    .is_some_and(|doc| store::save_doc(&u, doc).0)
            {
                self.unsaved.retain(|x| *x != u);
            }
        }
        self.local = if self.unsaved.is_empty() {
            Local::Saved
        } else {
            Local::StorageFull
        };
    }

    /// The textarea for `field` went from `seen` to `typed`: splice that edit into the
    /// document, over any remote edit the screen has not shown yet. The change is committed
    /// when the typing burst ends.
    pub fn edit(&mut self, doc: DocumentId, field: &TextRef, seen: &str, typed: &str) {
        let Some(d) = self.repo.doc_mut(&doc) else {
            return;
        };
        match doc::type_into(d, field, seen, typed) {
            Ok(Some(_)) => {}
            Ok(None) => return,
            Err(e) => {
                self.last_error = Some(crate::i18n::strings().schema_error(&e).to_owned());
                return;
            }
        }
        if self.local != Local::StorageFull {
            self.local = Local::Pending;
        }
        let started = *self.burst_started.get_or_insert_with(now);
        if now() - started >= BURST_MAX_MS {
            self.end_burst(doc);
            return;
        }
        let me = self.me.clone();
        self.burst_timer = Some(Timeout::new(BURST_IDLE_MS, move || {
            if let Some(e) = me.upgrade() {
                e.borrow_mut().end_burst(doc);
            }
        }));
        self.notify();
    }

    /// Make a structural change (setup edits, follow-ups, highlights): applied, committed,
    /// saved and sent at once. Returns the reason when the change is not allowed.
    pub fn change(
        &mut self,
        doc: DocumentId,
        f: impl FnOnce(&mut AutoCommit) -> Result<(), SchemaError>,
    ) -> Result<(), String> {
        self.change_signed(doc, f, false)
    }

    /// [`Self::change`] with no trace of who made it: no device label, and a one-off Automerge
    /// actor, so the change cannot be tied to this device's other changes (a ballot).
    pub fn change_anonymously(
        &mut self,
        doc: DocumentId,
        f: impl FnOnce(&mut AutoCommit) -> Result<(), SchemaError>,
    ) -> Result<(), String> {
        self.change_signed(doc, f, true)
    }

    fn change_signed(
        &mut self,
        doc: DocumentId,
        f: impl FnOnce(&mut AutoCommit) -> Result<(), SchemaError>,
        anonymous: bool,
    ) -> Result<(), String> {
        // Typing under way is committed first, so a refused change rolls back only itself.
        self.commit_pending();
        let Some(d) = self.repo.doc_mut(&doc) else {
            return Err(crate::i18n::strings().change_failed.to_owned());
        };
        let (actor, mut signed) = (d.get_actor().clone(), stamp());
        if anonymous {
            d.set_actor(automerge::ActorId::random());
            signed.device = None;
        }
        let applied = f(d);
        if applied.is_ok() {
            signing::commit(d, &signed);
        } else {
            d.rollback();
        }
        if anonymous {
            d.set_actor(actor);
        }
        if let Err(e) = applied {
            return Err(crate::i18n::strings().schema_error(&e).to_owned());
        }
        self.save(doc);
        self.flush();
        if doc == self.info.workshop_doc {
            self.ensure_group_docs();
        }
        self.notify();
        Ok(())
    }

    /// True while anything typed here is not yet confirmed by the server (or not saved here).
    pub fn has_unsynced(&mut self) -> bool {
        self.burst_started.is_some() || !self.unsaved.is_empty() || !self.repo.all_synced()
    }

    /// Stop saving and syncing (local data is being cleared).
    pub fn stop(&mut self) {
        self.stopped = true;
        self.burst_timer = None;
        self.save_timer = None;
        self.to_save.clear();
        self.reconnect_timer = None;
        self.join_timer = None;
        self.drop_socket();
    }

    /// Stopped for good (erased, or local data cleared): nothing reconnects or is saved.
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// The workshop lists a group whose document this engine does not have.
    fn missing_group_docs(&self) -> bool {
        self.workshop()
            .is_some_and(|w| w.groups.iter().any(|g| self.repo.doc(&g.doc_id).is_none()))
    }

    /// Facilitator and catch-up links read every group: when the workshop lists a group this
    /// engine does not have yet, ask the server for the session again and open its document.
    fn ensure_group_docs(&mut self) {
        if matches!(self.info.role, Role::Group { .. }) || self.refreshing {
            return;
        }
        if !self.missing_group_docs() {
            return;
        }
        self.refreshing = true;
        let me = self.me.clone();
        let token = self.token.clone();
        wasm_bindgen_futures::spawn_local(async move {
            // The server creates a new group's document right after the workshop change is
            // saved; give it a moment, then look.
            for delay in [300, 1000, 3000] {
                gloo_timers::future::TimeoutFuture::new(delay).await;
                let Ok(info) =
                    crate::api::get_json::<SessionInfo>(&format!("/api/session/{token}")).await
                else {
                    continue;
                };
                let Some(e) = me.upgrade() else { return };
                let mut e = e.borrow_mut();
                store::save_session(&token, &info);
                for (id, _) in &info.docs {
                    if e.repo.doc(id).is_none() {
                        e.repo.add_doc(*id, store::load_doc(id).0);
                    }
                }
                e.info = info;
                e.flush();
                e.notify();
                if !e.missing_group_docs() {
                    break;
                }
            }
            if let Some(e) = me.upgrade() {
                e.borrow_mut().refreshing = false;
            }
        });
    }

    fn end_burst(&mut self, doc: DocumentId) {
        self.burst_timer = None;
        self.burst_started = None;
        if let Some(d) = self.repo.doc_mut(&doc) {
            signing::commit(d, &stamp());
        }
        self.save(doc);
        self.flush();
        self.notify();
    }
}

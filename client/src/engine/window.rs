//! The engine's window events, for its whole life: the network coming and going, leaving the
//! page, and another tab on this computer saving a document.

use super::Shared;
use crate::store;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

pub(super) fn listen_to_window(engine: &Shared) {
    let weak = Rc::downgrade(engine);
    listen(engine, "online", move |_| {
        if let Some(e) = weak.upgrade()
            && let Ok(mut e) = e.try_borrow_mut()
            && e.ws.is_none()
        {
            e.attempts = 0;
            e.connect();
        }
    });
    // The browser knows it lost the network before the socket does: say so at once, and
    // drop the socket (it reconnects on `online`).
    let weak = Rc::downgrade(engine);
    listen(engine, "offline", move |_| {
        if let Some(e) = weak.upgrade()
            && let Ok(mut e) = e.try_borrow_mut()
        {
            e.went_offline();
        }
    });
    // Leaving with changes the server has not confirmed asks first (the browser's own
    // question; the copy here stays either way).
    let weak = Rc::downgrade(engine);
    listen(engine, "beforeunload", move |ev: JsValue| {
        let Ok(ev) = ev.dyn_into::<web_sys::BeforeUnloadEvent>() else {
            return;
        };
        if let Some(e) = weak.upgrade()
            && let Ok(mut e) = e.try_borrow_mut()
            && !e.stopped
            && e.has_unsynced()
        {
            ev.prevent_default();
            ev.set_return_value("");
        }
    });
    // Another tab on this computer saved a document we have: merge it.
    let weak = Rc::downgrade(engine);
    listen(engine, "storage", move |ev: JsValue| {
        let Ok(ev) = ev.dyn_into::<web_sys::StorageEvent>() else {
            return;
        };
        let (Some(key), Some(value)) = (ev.key(), ev.new_value()) else {
            return;
        };
        let Some(id) = store::doc_of_key(&key) else {
            return;
        };
        // Values are JSON strings (gloo-storage's format).
        let Ok(value) = serde_json::from_str::<String>(&value) else {
            return;
        };
        if let Some(e) = weak.upgrade()
            && let Ok(mut e) = e.try_borrow_mut()
            && !e.stopped
            && e.commit_pending()
            && let Some(doc) = e.repo.doc_mut(&id)
            && store::merge_stored(&id, doc, &value)
        {
            e.flush();
            e.notify();
        }
    });
    // The page going away (a closed tab, a phone switching apps: often the last event a
    // mobile browser sends): what the server sent and is still waiting for its write (see
    // `Engine::save_soon`) is written now, so the next visit — offline, too — opens with it.
    for event in ["pagehide", "visibilitychange"] {
        let weak = Rc::downgrade(engine);
        listen(engine, event, move |_| {
            let hidden = web_sys::window()
                .and_then(|w| w.document())
                .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Hidden);
            if hidden
                && let Some(e) = weak.upgrade()
                && let Ok(mut e) = e.try_borrow_mut()
            {
                e.save_pending();
            }
        });
    }
}

/// The engine's window listeners. They go with the engine: an engine replaced by another (the
/// cached session was not the server's) must leave no handler behind that calls into it.
#[derive(Default)]
pub(super) struct Listeners(Vec<(&'static str, Handler)>);

type Handler = Closure<dyn FnMut(JsValue)>;

impl Drop for Listeners {
    fn drop(&mut self) {
        let Some(w) = web_sys::window() else { return };
        for (event, closure) in &self.0 {
            let _ = w.remove_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        }
    }
}

/// Call `f` on a window event for the engine's whole life.
fn listen(engine: &Shared, event: &'static str, f: impl FnMut(JsValue) + 'static) {
    let closure = Handler::new(f);
    if let Some(w) = web_sys::window() {
        let _ = w.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    }
    engine.borrow_mut().listeners.0.push((event, closure));
}

//! Samtal's browser client. Routes: `/g/{token}` group, `/f/{token}` facilitator,
//! `/c/{token}` catch-up (read-only), `/` landing with "create a workshop".
//!
//! Built twice (`cargo xtask build-client`): with the default feature `full`, every page; without
//! it, the group page alone — the smaller bundle the server sends for `/g/…`, what a phone on
//! a weak network downloads. The pages it leaves out are never linked into it; the code below
//! them is, unused, hence the lint.
#![cfg_attr(not(feature = "full"), allow(dead_code, unused_imports))]

mod api;
mod create;
mod engine;
mod i18n;
mod live_bar;
mod model;
mod pace;
mod pages;
mod panels;
mod reads;
mod store;
mod widgets;

use engine::{Engine, Net, Shared};
use samtal_shared::roles::Role;
use samtal_shared::session::{ErrorBody, SessionInfo};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
enum Route {
    Landing,
    Accessibility,
    Privacy,
    /// "Mina workshops" (servers with sign-in).
    Account,
    /// The operators' page (servers with sign-in).
    Admin,
    Link {
        kind: char,
        token: String,
    },
}

fn route() -> Route {
    let path = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    let mut parts = path.trim_matches('/').splitn(2, '/');
    match (parts.next(), parts.next()) {
        (Some(k @ ("g" | "f" | "c")), Some(token)) if !token.is_empty() => Route::Link {
            kind: k.chars().next().unwrap_or('g'),
            token: token.to_owned(),
        },
        (Some("tillganglighet"), None) => Route::Accessibility,
        (Some("integritet"), None) => Route::Privacy,
        (Some("mina"), None) => Route::Account,
        (Some("drift"), None) => Route::Admin,
        _ => Route::Landing,
    }
}

/// What loading a link ended in.
#[derive(Clone)]
enum Load {
    Loading,
    Ready(EngineRef),
    Failed(String),
}

/// `Rc<RefCell<Engine>>` compared by identity, for yew props.
#[derive(Clone)]
pub struct EngineRef(pub Shared);

impl PartialEq for EngineRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The session of a link, or the status (0: no answer) and what the server said.
async fn fetch_session(token: &str) -> Result<SessionInfo, (u16, Option<ErrorBody>)> {
    let no_answer = |_| (0u16, None);
    let window = web_sys::window().ok_or((0u16, None))?;
    let resp = wasm_bindgen_futures::JsFuture::from(
        window.fetch_with_str(&format!("/api/session/{token}")),
    )
    .await
    .map_err(no_answer)?;
    let resp: web_sys::Response = resp.dyn_into().map_err(no_answer)?;
    let text = wasm_bindgen_futures::JsFuture::from(resp.text().map_err(no_answer)?)
        .await
        .map_err(no_answer)?
        .as_string()
        .unwrap_or_default();
    if !resp.ok() {
        return Err((resp.status(), serde_json::from_str(&text).ok()));
    }
    serde_json::from_str(&text).map_err(|_| (0u16, None))
}

/// Why a link does not open, for the page: which workshop closed and whom to ask.
fn closed_message(t: &i18n::Strings, body: Option<&ErrorBody>) -> String {
    match body
        .and_then(|b| b.closed.as_ref())
        .filter(|c| !c.title.is_empty())
    {
        Some(c) => format!(
            "{} {}",
            i18n::fill(t.expired_named, &[("title", &c.title), ("until", &c.until)]),
            t.expired_ask
        ),
        None => format!("{} {}", t.expired_link, t.expired_ask),
    }
}

#[function_component(App)]
fn app() -> Html {
    let route = use_memo((), |_| route());
    let load = use_state(|| Load::Loading);
    let tick = use_state(|| 0u64);
    let t = i18n::strings();

    {
        let load = load.clone();
        let tick = tick.clone();
        let route = (*route).clone();
        use_effect_with((), move |_| {
            if let Route::Link { token, .. } = route {
                wasm_bindgen_futures::spawn_local(async move {
                    let counter = Rc::new(std::cell::Cell::new(0u64));
                    let start = |info: SessionInfo| {
                        let (tick, counter) = (tick.clone(), counter.clone());
                        let rerender: Rc<dyn Fn()> = Rc::new(move || {
                            counter.set(counter.get() + 1);
                            tick.set(counter.get());
                        });
                        let engine = EngineRef(Engine::start(token.clone(), info, rerender));
                        load.set(Load::Ready(engine.clone()));
                        engine
                    };
                    // A link opened here before starts from its copy at once — a phone on a
                    // slow network is editable before the server answers — and the server's
                    // answer, when it comes, replaces it where it differs.
                    let cached = store::load_session(&token);
                    let running = cached.clone().map(&start);
                    let stop = |running: Option<EngineRef>| {
                        if let Some(e) = running
                            && let Ok(mut e) = e.0.try_borrow_mut()
                        {
                            e.stop();
                        }
                    };
                    match fetch_session(&token).await {
                        Ok(info) => {
                            store::save_session(&token, &info);
                            if cached.as_ref() != Some(&info) {
                                stop(running);
                                start(info);
                            }
                        }
                        // Gone for good: an expired catch-up link (410), or a catch-up link
                        // the server no longer knows (erased, replaced) — its copies here go
                        // too. A writer's copies stay on 404: a replaced link may hold notes
                        // not yet sent, which the new link will send.
                        Err((status @ (404 | 410), body)) => {
                            stop(running);
                            if let Some(cached) = cached
                                && (status == 410 || cached.role == Role::CatchUp)
                            {
                                let ids: Vec<_> = cached.docs.iter().map(|(id, _)| *id).collect();
                                store::forget(&token, &ids);
                            }
                            let t = i18n::strings();
                            let msg = if status == 410 {
                                closed_message(t, body.as_ref())
                            } else {
                                t.invalid_link.to_owned()
                            };
                            load.set(Load::Failed(msg));
                        }
                        // Offline (or server trouble): the copy from the last visit, if any.
                        Err(_) if running.is_some() => {}
                        Err(_) => load.set(Load::Failed(
                            i18n::strings().no_server_first_time.to_owned(),
                        )),
                    }
                });
            }
            || ()
        });
    }

    // A new deploy: offer a reload, never force one (someone may be typing).
    let update = use_state(|| false);
    {
        let update = update.clone();
        use_effect_with((), move |_| {
            let check = move || {
                let update = update.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    if new_version_deployed().await {
                        update.set(true);
                    }
                });
            };
            let first = gloo_timers::callback::Timeout::new(3_000, check.clone());
            let every = gloo_timers::callback::Interval::new(300_000, check.clone());
            let online = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(check);
            if let Some(w) = web_sys::window() {
                let _ =
                    w.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
            }
            move || {
                drop((first, every));
                if let Some(w) = web_sys::window() {
                    let _ = w.remove_event_listener_with_callback(
                        "online",
                        online.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    let clear = {
        let load = load.clone();
        Callback::from(move |_| {
            let t = i18n::strings();
            let engine = match &*load {
                Load::Ready(e) => Some(e.0.clone()),
                _ => None,
            };
            let unsynced = engine.as_ref().is_some_and(|e| {
                e.try_borrow_mut()
                    .map(|mut e| e.has_unsynced())
                    .unwrap_or(true)
            });
            let question = if unsynced {
                t.clear_unsynced
            } else {
                t.clear_confirm
            };
            let Some(w) = web_sys::window() else { return };
            if !w.confirm_with_message(question).unwrap_or(false) {
                return;
            }
            if let Some(e) = &engine
                && let Ok(mut e) = e.try_borrow_mut()
            {
                e.stop();
            }
            store::clear_all();
            let _ = w.location().replace("/");
        })
    };
    let toggle = Callback::from(|_| {
        i18n::toggle_language();
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    let body = match (&*route, &*load) {
        #[cfg(feature = "full")]
        (Route::Landing, _) => html! { <pages::landing::Landing /> },
        #[cfg(feature = "full")]
        (Route::Account, _) => html! { <pages::account::Account /> },
        #[cfg(feature = "full")]
        (Route::Admin, _) => html! { <pages::admin::Admin /> },
        (Route::Accessibility, _) => text_page(t.a11y_title, t.a11y_body),
        (Route::Privacy, _) => text_page(t.privacy_title, t.privacy_body),
        (Route::Link { .. }, Load::Loading) => {
            html! { <main id="main"><p>{ t.loading }</p></main> }
        }
        (Route::Link { .. }, Load::Failed(msg)) => html! {
            <main id="main"><p class="error" role="alert">{ msg.clone() }</p></main>
        },
        // Erased on the server: its copies here are gone too; nothing of it is shown.
        (Route::Link { .. }, Load::Ready(engine)) if engine.0.borrow().net == Net::Erased => {
            html! {
                <main id="main"><p class="error" role="alert">{ t.erased }</p></main>
            }
        }
        (Route::Link { kind, .. }, Load::Ready(engine)) => match kind {
            'g' => html! { <pages::group::GroupView engine={engine.clone()} tick={*tick} /> },
            #[cfg(feature = "full")]
            'f' => {
                html! { <pages::facilitator::FacilitatorView engine={engine.clone()} tick={*tick} /> }
            }
            #[cfg(feature = "full")]
            _ => html! { <pages::catch_up::CatchUpView engine={engine.clone()} tick={*tick} /> },
            // The group build is only ever sent for `/g/…`.
            #[cfg(not(feature = "full"))]
            _ => to_start(t),
        },
        #[cfg(not(feature = "full"))]
        (Route::Landing | Route::Account | Route::Admin, _) => to_start(t),
    };
    html! {
        <>
            <a class="skip" href="#main">{ t.skip_to_content }</a>
            if *update {
                <div class="banner" role="status">
                    { t.update_available }
                    <button onclick={Callback::from(|_| { if let Some(w) = web_sys::window() { let _ = w.location().reload(); } })}>{ t.update_reload }</button>
                </div>
            }
            { body }
            <footer>
                <button class="link" onclick={toggle}>{ t.language_switch }</button>
                <button class="link" id="clear-local" onclick={clear}>{ t.clear_local }</button>
                <a href="/tillganglighet">{ t.a11y_link }</a>
                <a href="/integritet">{ t.privacy_link }</a>
            </footer>
        </>
    }
}

/// A link to the whole app, for a page the group build does not have.
#[cfg(not(feature = "full"))]
fn to_start(t: &i18n::Strings) -> Html {
    html! { <main id="main"><p><a href="/">{ t.back_to_start }</a></p></main> }
}

/// A page of plain text (the accessibility statement, the privacy page).
fn text_page(title: &'static str, body: &'static str) -> Html {
    let t = i18n::strings();
    html! {
        <main id="main" class="text-page">
            <h1>{ title }</h1>
            { for body.split("\n\n").map(|p| html! { <p>{ p }</p> }) }
            <p><a href="/">{ t.back_to_start }</a></p>
        </main>
    }
}

fn register_service_worker() {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().service_worker().register("/sw.js");
    }
}

/// The wasm bundle this page runs, as named in the page trunk built.
fn current_bundle() -> Option<String> {
    web_sys::window()?
        .document()?
        .query_selector("link[rel=preload][href$='_bg.wasm']")
        .ok()??
        .get_attribute("href")
}

/// True when the server now serves a page naming another wasm bundle.
async fn new_version_deployed() -> bool {
    let Some(current) = current_bundle() else {
        return false;
    };
    let Some(window) = web_sys::window() else {
        return false;
    };
    let init = web_sys::RequestInit::new();
    // `no-store` also tells our service worker to let the request through to the network.
    init.set_cache(web_sys::RequestCache::NoStore);
    // This page's own address: the server sends the group build for `/g/…`, the whole app
    // for the rest, and each compares with its own kind.
    let here = window
        .location()
        .pathname()
        .unwrap_or_else(|_| "/".to_owned());
    let Ok(resp) =
        wasm_bindgen_futures::JsFuture::from(window.fetch_with_str_and_init(&here, &init)).await
    else {
        return false;
    };
    let Ok(resp) = resp.dyn_into::<web_sys::Response>() else {
        return false;
    };
    if !resp.ok() {
        return false;
    }
    let Ok(text) = resp.text() else { return false };
    let html = wasm_bindgen_futures::JsFuture::from(text)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .unwrap_or_default();
    html.split('"')
        .find(|part| part.starts_with('/') && part.ends_with("_bg.wasm"))
        .is_some_and(|served| served != current)
}

/// After a panic the page would freeze; show what happened and how to go on instead.
fn show_crash() {
    let t = i18n::strings();
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else { return };
    let Ok(div) = doc.create_element("div") else {
        return;
    };
    div.set_class_name("crash");
    let _ = div.set_attribute("role", "alert");
    if let Ok(p) = doc.create_element("p") {
        p.set_text_content(Some(t.crashed));
        let _ = div.append_child(&p);
    }
    if let Ok(a) = doc.create_element("a") {
        a.set_text_content(Some(t.reload));
        let _ = a.set_attribute("href", "");
        let _ = a.set_attribute("class", "button");
        let _ = div.append_child(&a);
    }
    let _ = body.append_child(&div);
}

fn main() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_crash();
    }));
    // Self-test of the crash page (used by the browser tests): `#samtal-selftest-panic`.
    if web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .is_some_and(|h| h == "#samtal-selftest-panic")
    {
        #[allow(clippy::panic)]
        {
            panic!("self-test of the crash page");
        }
    }
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", i18n::lang_code());
    }
    store::apply_text_size();
    register_service_worker();
    yew::Renderer::<App>::new().render();
}

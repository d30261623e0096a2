//! Samtal's browser client. Routes: `/g/{token}` group, `/f/{token}` facilitator,
//! `/c/{token}` catch-up (read-only), `/` landing with "create a workshop".

mod api;
mod engine;
mod facilitator;
mod i18n;
mod landing;
mod plenary_ui;
mod store;
mod views;

use engine::{Engine, Shared};
use samtal_shared::session::SessionInfo;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
enum Route {
    Landing,
    Link { kind: char, token: String },
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
        _ => Route::Landing,
    }
}

/// What loading a link ended in.
#[derive(Clone)]
enum Load {
    Loading,
    Ready(EngineRef),
    Failed(&'static str),
}

/// `Rc<RefCell<Engine>>` compared by identity, for yew props.
#[derive(Clone)]
pub struct EngineRef(pub Shared);

impl PartialEq for EngineRef {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

async fn fetch_session(token: &str) -> Result<SessionInfo, u16> {
    let window = web_sys::window().ok_or(0u16)?;
    let resp = wasm_bindgen_futures::JsFuture::from(
        window.fetch_with_str(&format!("/api/session/{token}")),
    )
    .await
    .map_err(|_| 0u16)?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| 0u16)?;
    if !resp.ok() {
        return Err(resp.status());
    }
    let text = wasm_bindgen_futures::JsFuture::from(resp.text().map_err(|_| 0u16)?)
        .await
        .map_err(|_| 0u16)?;
    serde_json::from_str(&text.as_string().unwrap_or_default()).map_err(|_| 0u16)
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
                    let info = match fetch_session(&token).await {
                        Ok(info) => {
                            store::save_session(&token, &info);
                            Some(info)
                        }
                        Err(404) => return load.set(Load::Failed(i18n::strings().invalid_link)),
                        Err(410) => return load.set(Load::Failed(i18n::strings().expired_link)),
                        // Offline (or server trouble): use the copy from the last visit.
                        Err(_) => store::load_session(&token),
                    };
                    let Some(info) = info else {
                        return load.set(Load::Failed(i18n::strings().no_server_first_time));
                    };
                    let counter = Rc::new(std::cell::Cell::new(0u64));
                    let rerender: Rc<dyn Fn()> = Rc::new(move || {
                        counter.set(counter.get() + 1);
                        tick.set(counter.get());
                    });
                    load.set(Load::Ready(EngineRef(Engine::start(token, info, rerender))));
                });
            }
            || ()
        });
    }

    let toggle = Callback::from(|_| {
        i18n::toggle_language();
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    let body = match (&*route, &*load) {
        (Route::Landing, _) => html! { <landing::Landing /> },
        (Route::Link { .. }, Load::Loading) => {
            html! { <main id="main"><p>{ t.loading }</p></main> }
        }
        (Route::Link { .. }, Load::Failed(msg)) => html! {
            <main id="main"><p class="error" role="alert">{ *msg }</p></main>
        },
        (Route::Link { kind, .. }, Load::Ready(engine)) => match kind {
            'g' => html! { <views::GroupView engine={engine.clone()} tick={*tick} /> },
            'f' => html! { <facilitator::FacilitatorView engine={engine.clone()} tick={*tick} /> },
            _ => html! { <plenary_ui::CatchUpView engine={engine.clone()} tick={*tick} /> },
        },
    };
    html! {
        <>
            <a class="skip" href="#main">{ t.skip_to_content }</a>
            { body }
            <footer>
                <button class="link" onclick={toggle}>{ t.language_switch }</button>
            </footer>
        </>
    }
}

fn register_service_worker() {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().service_worker().register("/sw.js");
    }
}

fn main() {
    console_error_panic_hook::set_once();
    register_service_worker();
    yew::Renderer::<App>::new().render();
}

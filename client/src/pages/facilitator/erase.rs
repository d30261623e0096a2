//! Erasing a workshop: everything, on the server and on this computer.

use crate::i18n::{self, fill};
use crate::{EngineRef, api, store};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(super) struct EraseProps {
    pub(super) engine: EngineRef,
    pub(super) title: String,
    pub(super) on_erased: Callback<()>,
}

#[function_component(EraseBox)]
pub(super) fn erase_box(props: &EraseProps) -> Html {
    let t = i18n::strings();
    let failed = use_state(|| false);
    let onclick = {
        let engine = props.engine.clone();
        let title = props.title.clone();
        let on_erased = props.on_erased.clone();
        let failed = failed.clone();
        Callback::from(move |_| {
            let ok = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message(&fill(t.erase_confirm, &[("title", &title)]))
                        .ok()
                })
                .unwrap_or(false);
            if !ok {
                return;
            }
            let (token, ids) = {
                let e = engine.0.borrow();
                (
                    e.token().to_owned(),
                    e.info.docs.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
                )
            };
            let on_erased = on_erased.clone();
            let failed = failed.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::delete(&format!("/api/workshop/{token}")).await {
                    Ok(()) => {
                        // Nothing of it stays on this computer either.
                        store::forget(&token, &ids);
                        on_erased.emit(());
                    }
                    Err(_) => failed.set(true),
                }
            });
        })
    };
    html! {
        <section class="danger">
            <h2>{ t.erase_title }</h2>
            <p>{ t.erase_text }</p>
            if *failed { <p class="error" role="alert">{ t.erase_failed }</p> }
            <button class="danger" {onclick}>{ t.erase_button }</button>
        </section>
    }
}

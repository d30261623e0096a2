//! Using the setup again: download it as a course package, or make a copy (a new workshop with
//! the same setup, a new date, no notes, new links).

use crate::api;
use crate::create::create_and_open;
use crate::i18n::{self};
use crate::widgets::{bind_text, date_ok, today};
use samtal_shared::doc::{Package, WorkshopSpec};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(super) struct ReuseProps {
    pub(super) token: String,
}

#[function_component(ReuseBox)]
pub(super) fn reuse_box(props: &ReuseProps) -> Html {
    let t = i18n::strings();
    let date = use_state(today);
    let admin = use_state(String::new);
    let error = use_state(|| Option::<String>::None);
    let busy = use_state(|| false);
    let url = format!("/api/export/{}/package.json", props.token);
    let onsubmit = {
        let (date, admin, error, busy, url) = (
            date.clone(),
            admin.clone(),
            error.clone(),
            busy.clone(),
            url.clone(),
        );
        Callback::from(move |ev: SubmitEvent| {
            ev.prevent_default();
            if !date_ok(&date) {
                return;
            }
            let (date, admin, error, busy, url) = (
                (*date).clone(),
                (*admin).clone(),
                error.clone(),
                busy.clone(),
                url.clone(),
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                // The copy is made from what the server holds: the same package a download gets.
                match api::get_json::<Package>(&url).await {
                    Ok(setup) => {
                        let spec = WorkshopSpec {
                            setup,
                            date,
                            access_days: None,
                        };
                        create_and_open(spec, admin, error, busy);
                    }
                    Err(e) => {
                        busy.set(false);
                        error.set(Some(e.describe(i18n::strings())));
                    }
                }
            });
        })
    };
    html! {
        <section class="reuse" aria-labelledby="reuse-h">
            <h2 id="reuse-h">{ t.reuse_title }</h2>
            <p><a class="button" href={url} download="">{ t.save_package }</a></p>
            <p class="hint">{ t.save_package_hint }</p>
            <h3>{ t.copy_workshop }</h3>
            <p>{ t.copy_intro }</p>
            <form class="create" {onsubmit}>
                <label for="copy-date">{ t.field_date }</label>
                <input id="copy-date" type="date" required=true value={(*date).clone()} oninput={bind_text(&date)} />
                <label for="copy-admin">{ t.field_admin }</label>
                <input id="copy-admin" type="password" autocomplete="off" value={(*admin).clone()} oninput={bind_text(&admin)} />
                if let Some(e) = &*error { <p class="error" role="alert">{ format!("{} {e}", t.create_failed) }</p> }
                <button type="submit" disabled={*busy}>{ t.copy_button }</button>
            </form>
        </section>
    }
}

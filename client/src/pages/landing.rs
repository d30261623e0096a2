//! The landing page: what Samtal is, and a form to create a workshop (then on to the
//! facilitator's setup).

use crate::widgets::value_of;
use crate::{api, i18n};
use samtal_shared::doc::{GroupSpec, WorkshopSpec};
use samtal_shared::session::WorkshopLinks;
use yew::prelude::*;

fn today() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

#[function_component(Landing)]
pub fn landing() -> Html {
    let t = i18n::strings();
    let title = use_state(String::new);
    let date = use_state(today);
    let groups = use_state(String::new);
    let admin = use_state(String::new);
    let error = use_state(|| Option::<String>::None);
    let busy = use_state(|| false);
    let bind = |s: &UseStateHandle<String>| {
        let s = s.clone();
        Callback::from(move |ev: Event| s.set(value_of(&ev)))
    };
    let onsubmit = {
        let (title, date, groups, admin, error, busy) = (
            title.clone(),
            date.clone(),
            groups.clone(),
            admin.clone(),
            error.clone(),
            busy.clone(),
        );
        Callback::from(move |ev: SubmitEvent| {
            ev.prevent_default();
            let names: Vec<String> = groups
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect();
            let spec = WorkshopSpec {
                title: title.trim().to_owned(),
                date: (*date).clone(),
                materials: Vec::new(),
                areas: names.clone(),
                questions: Vec::new(),
                reflection_fields: Vec::new(),
                cases: Vec::new(),
                groups: names
                    .iter()
                    .map(|n| GroupSpec {
                        name: n.clone(),
                        area: n.clone(),
                    })
                    .collect(),
                access_days: None,
            };
            let (error, busy, admin) = (error.clone(), busy.clone(), (*admin).clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::post_json::<WorkshopLinks>("/api/workshops", &spec, Some(&admin)).await {
                    Ok(links) => {
                        let path = links.facilitator.split("/f/").nth(1).unwrap_or_default();
                        if let Some(w) = web_sys::window() {
                            let _ = w.location().assign(&format!("/f/{path}"));
                        }
                    }
                    Err(e) => {
                        busy.set(false);
                        error.set(Some(e.text(i18n::strings()).to_owned()));
                    }
                }
            });
        })
    };
    html! {
        <main id="main" class="landing">
            <h1>{ t.landing_title }</h1>
            <p>{ t.landing_text }</p>
            <section>
                <h2>{ t.create_title }</h2>
                <p>{ t.create_intro }</p>
                <form class="create" {onsubmit}>
                    <label for="new-title">{ t.field_title }</label>
                    <input id="new-title" required=true value={(*title).clone()} onchange={bind(&title)} />
                    <label for="new-date">{ t.field_date }</label>
                    <input id="new-date" type="date" required=true value={(*date).clone()} onchange={bind(&date)} />
                    <label for="new-groups">{ t.field_groups }</label>
                    <textarea id="new-groups" rows="4" required=true aria-describedby="new-groups-hint"
                        value={(*groups).clone()} onchange={bind(&groups)} />
                    <p class="hint" id="new-groups-hint">{ t.field_groups_hint }</p>
                    <label for="new-admin">{ t.field_admin }</label>
                    <input id="new-admin" type="password" autocomplete="off" value={(*admin).clone()} onchange={bind(&admin)} />
                    if let Some(e) = &*error { <p class="error" role="alert">{ format!("{} {e}", t.create_failed) }</p> }
                    <button class="primary" type="submit" disabled={*busy}>{ t.create_button }</button>
                </form>
            </section>
        </main>
    }
}

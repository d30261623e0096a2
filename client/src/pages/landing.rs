//! The landing page: what Samtal is, the workshops this computer opened as facilitator, and a
//! form to create a workshop — empty or from a course package file (then on to the setup).

use crate::create::{create_and_open, package_refusal};
use crate::i18n;
use crate::store::{self, MyWorkshop};
use crate::widgets::{bind_text, date_ok, today};
use samtal_shared::doc::{GroupSpec, PACKAGE_SCHEMA, Package, WorkshopSpec};
use samtal_shared::i18n::{Strings, fill};
use samtal_shared::package;
use wasm_bindgen::JsCast;
use yew::prelude::*;

fn mine_list(t: &Strings, mine: &UseStateHandle<Vec<MyWorkshop>>) -> Html {
    if mine.is_empty() {
        return html! {};
    }
    html! {
        <section class="mine">
            <h2>{ t.mine_title }</h2>
            <ul>
            { for mine.iter().map(|m| {
                let forget = {
                    let (mine, token) = (mine.clone(), m.token.clone());
                    Callback::from(move |_: MouseEvent| {
                        store::forget_workshop(&token);
                        mine.set(store::my_workshops());
                    })
                };
                html! {
                    <li key={m.token.clone()}>
                        <a href={format!("/f/{}", m.token)}>{ m.title.clone() }</a>
                        <span class="muted">{ format!(" {} · {}", m.date, t.phase(m.phase)) }</span>
                        <button class="link" onclick={forget}
                            aria-label={fill(t.mine_forget_label, &[("title", &m.title)])}>{ t.mine_forget }</button>
                    </li>
                }
            }) }
            </ul>
            <p class="hint">{ t.mine_hint }</p>
        </section>
    }
}

/// Read the chosen package file into `package` (or the reason into `error`).
fn read_file(
    ev: Event,
    package: UseStateHandle<Option<Package>>,
    title: UseStateHandle<String>,
    error: UseStateHandle<Option<String>>,
) {
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        package.set(None);
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let t = i18n::strings();
        let text = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        match package::read_package(text.as_bytes()) {
            Ok(p) => {
                title.set(p.title.clone());
                error.set(None);
                package.set(Some(p));
            }
            Err(e) => {
                package.set(None);
                error.set(Some(format!(
                    "{} {}",
                    t.package_refused,
                    package_refusal(t, &e)
                )));
            }
        }
    });
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
    let package = use_state(|| Option::<Package>::None);
    let mine = use_state(store::my_workshops);
    // Servers with sign-in: who is signed in (her session then creates the workshop).
    let me = use_state(|| Option::<samtal_shared::account::Me>::None);
    {
        let me = me.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(m) = crate::api::me().await {
                    me.set(Some(m));
                }
            });
            || ()
        });
    }
    let signed_in = me.as_ref().and_then(|m| m.account.as_ref()).is_some();
    let onfile = {
        let (package, title, error) = (package.clone(), title.clone(), error.clone());
        Callback::from(move |ev: Event| {
            read_file(ev, package.clone(), title.clone(), error.clone())
        })
    };
    let onsubmit = {
        let (title, date, groups, admin, error, busy, package) = (
            title.clone(),
            date.clone(),
            groups.clone(),
            admin.clone(),
            error.clone(),
            busy.clone(),
            package.clone(),
        );
        Callback::from(move |ev: SubmitEvent| {
            ev.prevent_default();
            if !date_ok(&date) {
                return;
            }
            let setup = match &*package {
                Some(p) => Package {
                    title: title.trim().to_owned(),
                    ..p.clone()
                },
                None => {
                    let names: Vec<String> = groups
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned)
                        .collect();
                    Package {
                        schema: PACKAGE_SCHEMA.to_owned(),
                        title: title.trim().to_owned(),
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
                    }
                }
            };
            let spec = WorkshopSpec {
                setup,
                date: (*date).clone(),
                access_days: None,
            };
            create_and_open(spec, (*admin).clone(), error.clone(), busy.clone());
        })
    };
    let clear_package = {
        let package = package.clone();
        Callback::from(move |_: MouseEvent| package.set(None))
    };
    html! {
        <main id="main" class="landing">
            <h1>{ t.landing_title }</h1>
            <p>{ t.landing_text }</p>
            if let Some(m) = me.as_ref().filter(|m| m.sign_in) {
                <p class="account-line">
                    if let Some(a) = &m.account {
                        { fill(t.signed_in_as, &[("name", &a.name)]) }{ " · " }
                        <a href="/mina">{ t.account_link }</a>
                    } else {
                        <a href="/mina">{ t.account_link }</a>{ " · " }
                        <a href="/auth/login">{ t.sign_in }</a>
                    }
                </p>
            }
            { mine_list(t, &mine) }
            <section>
                <h2>{ t.create_title }</h2>
                <p>{ t.create_intro }</p>
                <form class="create" {onsubmit}>
                    <label for="new-package">{ t.package_file }</label>
                    <input id="new-package" type="file" accept=".json,application/json"
                        aria-describedby="new-package-hint" onchange={onfile} />
                    <p class="hint" id="new-package-hint">{ t.package_file_hint }</p>
                    if let Some(p) = &*package {
                        <p class="package-loaded" role="status">
                            { fill(t.package_loaded, &[
                                ("title", &p.title),
                                ("questions", &p.questions.len().to_string()),
                                ("cases", &p.cases.len().to_string()),
                                ("groups", &p.groups.len().to_string()),
                            ]) }
                            { " " }<button type="button" class="link" onclick={clear_package}>{ t.package_remove }</button>
                        </p>
                    }
                    <label for="new-title">{ t.field_title }</label>
                    <input id="new-title" required=true value={(*title).clone()} oninput={bind_text(&title)} />
                    <label for="new-date">{ t.field_date }</label>
                    <input id="new-date" type="date" required=true value={(*date).clone()} oninput={bind_text(&date)} />
                    if package.is_none() {
                        <label for="new-groups">{ t.field_groups }</label>
                        <textarea id="new-groups" rows="4" required=true aria-describedby="new-groups-hint"
                            value={(*groups).clone()} oninput={bind_text(&groups)} />
                        <p class="hint" id="new-groups-hint">{ t.field_groups_hint }</p>
                    }
                    if !signed_in {
                        <label for="new-admin">{ t.field_admin }</label>
                        <input id="new-admin" type="password" autocomplete="off" value={(*admin).clone()} oninput={bind_text(&admin)} />
                    }
                    if let Some(e) = &*error { <p class="error" role="alert">{ format!("{} {e}", t.create_failed) }</p> }
                    <button class="primary" type="submit" disabled={*busy}>{ t.create_button }</button>
                </form>
            </section>
        </main>
    }
}

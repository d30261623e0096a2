//! The operators' page (`/drift`; signed in and in `SAMTAL_OIDC_ADMINS`): every workshop on
//! the server — title, owners, created, phase, size, last change; never notes or links — the
//! retention settings, and erasing a workshop.

use crate::widgets::{confirm, phase_name};
use crate::{api, i18n};
use samtal_shared::account::{AdminOverview, AdminWorkshop};
use samtal_shared::i18n::{Strings, fill};
use yew::prelude::*;

#[derive(Clone, PartialEq)]
enum State {
    Loading,
    Ready(AdminOverview),
    Failed(String),
}

async fn load() -> State {
    let t = i18n::strings();
    // The CSRF token for erasing comes with the account.
    let _ = api::me().await;
    match api::get_json::<AdminOverview>("/api/admin/workshops").await {
        Ok(o) => State::Ready(o),
        Err(e) => State::Failed(e.text(t).to_owned()),
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        0..1_024 => format!("{bytes} B"),
        1_024..1_048_576 => format!("{} KiB", bytes / 1_024),
        _ => format!("{:.1} MiB", bytes as f64 / 1_048_576.0),
    }
}

fn when(unix: Option<i64>) -> String {
    unix.map_or_else(
        || "–".to_owned(),
        |secs| {
            let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(secs as f64 * 1000.0));
            let iso = date.to_iso_string().as_string().unwrap_or_default();
            iso.get(..16).unwrap_or_default().replace('T', " ")
        },
    )
}

fn row(
    t: &Strings,
    w: &AdminWorkshop,
    state: &UseStateHandle<State>,
    note: &UseStateHandle<Option<String>>,
) -> Html {
    let erase = {
        let (id, title, state, note) = (
            w.workshop_id.clone(),
            w.title.clone(),
            state.clone(),
            note.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let t = i18n::strings();
            if !confirm(&fill(t.admin_erase_confirm, &[("title", &title)])) {
                return;
            }
            let (id, title, state, note) = (id.clone(), title.clone(), state.clone(), note.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::delete(&format!("/api/admin/workshops/{id}")).await {
                    Ok(()) => {
                        state.set(load().await);
                        note.set(Some(fill(t.admin_erased, &[("title", &title)])));
                    }
                    Err(e) => note.set(Some(e.text(t).to_owned())),
                }
            });
        })
    };
    let owners = if w.owners.is_empty() {
        t.admin_no_owner.to_owned()
    } else {
        w.owners.join(", ")
    };
    html! {
        <tr key={w.workshop_id.clone()}>
            <th scope="row" class="wide">{ w.title.clone() }</th>
            <td class="wide">{ owners }</td>
            <td>{ w.created_at.get(..10).unwrap_or_default().to_owned() }</td>
            <td>{ phase_name(t, &w.phase) }</td>
            <td>{ size(w.bytes) }</td>
            <td>{ when(w.last_write) }</td>
            <td>
                <button class="danger" onclick={erase}
                    aria-label={fill(t.admin_erase_label, &[("title", &w.title)])}>{ t.admin_erase }</button>
            </td>
        </tr>
    }
}

#[function_component(Admin)]
pub fn admin() -> Html {
    let t = i18n::strings();
    let state = use_state(|| State::Loading);
    let note = use_state(|| Option::<String>::None);
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move { state.set(load().await) });
            || ()
        });
    }
    let body = match &*state {
        State::Loading => html! { <p>{ t.loading }</p> },
        State::Failed(why) => html! {
            <>
                <p class="error" role="alert">{ why.clone() }</p>
                <p><a href="/mina">{ t.account_link }</a></p>
            </>
        },
        State::Ready(o) => html! {
            <>
                <p>{ t.admin_intro }</p>
                <p class="hint">{ fill(t.admin_retention, &[
                    ("days", &o.retention_days.to_string()),
                    ("max", &o.max_workshops.to_string()),
                ]) }</p>
                if let Some(n) = &*note { <p class="ok" role="status">{ n.clone() }</p> }
                <div class="table-wrap">
                    <table class="admin-table">
                        <caption>{ fill(t.admin_count, &[("n", &o.workshops.len().to_string())]) }</caption>
                        <thead><tr>
                            <th scope="col">{ t.admin_col_title }</th>
                            <th scope="col">{ t.admin_col_owners }</th>
                            <th scope="col">{ t.admin_col_created }</th>
                            <th scope="col">{ t.admin_col_phase }</th>
                            <th scope="col">{ t.admin_col_size }</th>
                            <th scope="col">{ t.admin_col_last }</th>
                            <th scope="col"><span class="sr-only">{ t.admin_erase }</span></th>
                        </tr></thead>
                        <tbody>
                            { for o.workshops.iter().map(|w| row(t, w, &state, &note)) }
                        </tbody>
                    </table>
                </div>
                <p><a href="/mina">{ t.account_link }</a></p>
            </>
        },
    };
    html! {
        <main id="main" class="account admin">
            <h1>{ t.admin_title }</h1>
            { body }
        </main>
    }
}

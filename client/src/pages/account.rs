//! "Mina workshops" (`/mina`, servers with sign-in): sign in and out, every workshop she owns
//! from any computer — opened through the server, which issues her facilitator link again —
//! and sharing one with a co-facilitator by e-mail address.

use crate::widgets::{bind_text, phase_name};
use crate::{api, i18n};
use samtal_shared::account::{Me, MyWorkshop, NewOwner, Opened};
use samtal_shared::i18n::fill;
use samtal_shared::session::ErrorCode;
use yew::prelude::*;

/// Why the server sent her here (`/mina?fel=sign_in_failed` after a refused sign-in), in her
/// language; an unknown code says nothing.
fn failure() -> Option<&'static str> {
    let search = web_sys::window()?.location().search().ok()?;
    let code = search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("fel="))?;
    let code: ErrorCode =
        serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()?;
    Some(i18n::strings().error(code, None))
}

/// What the page knows so far.
#[derive(Clone, PartialEq)]
enum State {
    Loading,
    Ready(Me, Vec<MyWorkshop>),
    Failed(String),
}

async fn load() -> State {
    let t = i18n::strings();
    let me = match api::me().await {
        Ok(me) => me,
        Err(e) => return State::Failed(e.text(t).to_owned()),
    };
    if me.account.is_none() {
        return State::Ready(me, Vec::new());
    }
    match api::get_json("/api/me/workshops").await {
        Ok(list) => State::Ready(me, list),
        Err(e) => State::Failed(e.text(t).to_owned()),
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    workshop: MyWorkshop,
}

/// One workshop: open it, or share it.
#[function_component(Row)]
fn row(props: &RowProps) -> Html {
    let t = i18n::strings();
    let w = &props.workshop;
    let email = use_state(String::new);
    let note = use_state(|| Option::<(bool, String)>::None);
    // Everyone who owns it; an address she shares it with is added here at once.
    let owners = use_state(|| w.owners.clone());
    let open = {
        let (id, note) = (w.workshop_id.clone(), note.clone());
        Callback::from(move |_: MouseEvent| {
            let (id, note) = (id.clone(), note.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::post_for::<Opened>(&format!("/api/me/workshops/{id}/open")).await {
                    Ok(o) => {
                        if let Some(win) = web_sys::window() {
                            let _ = win.location().assign(&o.facilitator);
                        }
                    }
                    Err(e) => note.set(Some((false, e.text(i18n::strings()).to_owned()))),
                }
            });
        })
    };
    let share = {
        let (id, email, note, owners) = (
            w.workshop_id.clone(),
            email.clone(),
            note.clone(),
            owners.clone(),
        );
        Callback::from(move |ev: SubmitEvent| {
            ev.prevent_default();
            let (id, address, note, owners) =
                (id.clone(), (*email).clone(), note.clone(), owners.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let t = i18n::strings();
                let body = NewOwner {
                    email: address.clone(),
                };
                match api::post_unit(&format!("/api/me/workshops/{id}/owners"), Some(&body)).await {
                    Ok(()) => {
                        let address = address.trim().to_ascii_lowercase();
                        // An owner's label is the address, or "Name <address>".
                        let listed =
                            |o: &String| *o == address || o.ends_with(&format!("<{address}>"));
                        if !owners.iter().any(listed) {
                            let mut more = (*owners).clone();
                            more.push(address.clone());
                            owners.set(more);
                        }
                        note.set(Some((true, fill(t.account_shared, &[("email", &address)]))));
                    }
                    Err(e) => note.set(Some((false, e.text(t).to_owned()))),
                }
            });
        })
    };
    let field = format!("share-{}", w.workshop_id);
    let date = w.created_at.split(' ').next().unwrap_or_default();
    html! {
        <li class="owned">
            <h3>{ w.title.clone() }</h3>
            <p class="muted">
                { format!("{} · {}", fill(t.account_created, &[("date", date)]), phase_name(t, &w.phase)) }
            </p>
            <p class="owners">{ fill(t.account_owners, &[("owners", &owners.join(", "))]) }</p>
            <button class="primary" onclick={open}
                aria-label={fill(t.account_open_label, &[("title", &w.title)])}>{ t.account_open }</button>
            <form class="share" onsubmit={share}>
                <label for={field.clone()}>{ fill(t.account_share_label, &[("title", &w.title)]) }</label>
                <input id={field} type="email" required=true autocomplete="off"
                    value={(*email).clone()}
                    oninput={bind_text(&email)} />
                <button type="submit">{ t.account_share }</button>
            </form>
            if let Some((ok, text)) = &*note {
                <p class={if *ok { "ok" } else { "error" }} role={if *ok { "status" } else { "alert" }}>{ text.clone() }</p>
            }
        </li>
    }
}

#[function_component(Account)]
pub fn account() -> Html {
    let t = i18n::strings();
    let state = use_state(|| State::Loading);
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move { state.set(load().await) });
            || ()
        });
    }
    let sign_out = Callback::from(|_: MouseEvent| {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = api::post_unit("/auth/logout", None::<&()>).await;
            api::set_csrf(None);
            if let Some(w) = web_sys::window() {
                let _ = w.location().assign("/mina");
            }
        });
    });
    let body = match &*state {
        State::Loading => html! { <p>{ t.loading }</p> },
        State::Failed(why) => html! { <p class="error" role="alert">{ why.clone() }</p> },
        State::Ready(me, _) if !me.sign_in => html! { <p>{ t.account_off }</p> },
        State::Ready(Me { account: None, .. }, _) => html! {
            <>
                <p>{ t.account_intro }</p>
                <a class="button primary" href="/auth/login">{ t.sign_in }</a>
            </>
        },
        State::Ready(
            Me {
                account: Some(a), ..
            },
            list,
        ) => html! {
            <>
                <p class="signed-in">
                    { fill(t.signed_in_as, &[("name", &a.name)]) }{ " " }
                    <button class="link" onclick={sign_out}>{ t.sign_out }</button>
                </p>
                if !a.may_create { <p class="hint">{ t.account_may_not_create }</p> }
                if a.admin { <p><a href="/drift">{ t.admin_link }</a></p> }
                if list.is_empty() {
                    <p>{ t.account_empty }</p>
                } else {
                    <ul class="owned-list">
                        { for list.iter().map(|w| html! { <Row key={w.workshop_id.clone()} workshop={w.clone()} /> }) }
                    </ul>
                }
                <p><a href="/">{ t.back_to_start }</a></p>
            </>
        },
    };
    html! {
        <main id="main" class="account">
            <h1>{ t.account_title }</h1>
            if let Some(why) = failure() { <p class="error" role="alert">{ why }</p> }
            { body }
        </main>
    }
}

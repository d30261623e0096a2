//! Links: QR codes, e-mail text, replacing a link.

use crate::EngineRef;
use crate::api::{self, ApiError};
use crate::i18n::{self, Strings, fill};
use crate::widgets::copy_button;
use samtal_shared::export::round_name;
use samtal_shared::mail::{self, Mail};
use samtal_shared::session::{GroupLink, WorkshopLinks};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(super) struct LinksProps {
    pub(super) engine: EngineRef,
}

#[function_component(LinksTab)]
pub(super) fn links_tab(props: &LinksProps) -> Html {
    let t = i18n::strings();
    let links = use_state(|| Option::<Result<WorkshopLinks, ApiError>>::None);
    let message = use_state(|| Option::<&'static str>::None);
    let token = props.engine.0.borrow().token().to_owned();
    let workshop = {
        let e = props.engine.0.borrow();
        e.workshop()
    };
    // Fetched again when a group (a new round's) is added: the server makes its link a moment
    // after it has the change, so a list that lacks it is asked for again (a few times).
    let groups = workshop.as_ref().map_or(0, |w| w.groups.len());
    {
        let links = links.clone();
        let token = token.clone();
        use_effect_with(groups, move |&groups| {
            wasm_bindgen_futures::spawn_local(async move {
                for _ in 0..10 {
                    let got: Result<WorkshopLinks, ApiError> =
                        api::get_json(&format!("/api/links/{token}")).await;
                    let short = got.as_ref().is_ok_and(|l| l.groups.len() < groups);
                    links.set(Some(got));
                    if !short {
                        break;
                    }
                    gloo_timers::future::TimeoutFuture::new(700).await;
                }
            });
            || ()
        });
    }
    let rotate = |target: String| {
        let links = links.clone();
        let message = message.clone();
        let token = token.clone();
        Callback::from(move |_| {
            let ok = web_sys::window()
                .and_then(|w| w.confirm_with_message(t.rotate_confirm).ok())
                .unwrap_or(false);
            if !ok {
                return;
            }
            let (links, message, token, target) = (
                links.clone(),
                message.clone(),
                token.clone(),
                target.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let body = serde_json::json!({ "target": target });
                let res: Result<WorkshopLinks, ApiError> =
                    api::post_json(&format!("/api/links/{token}/rotate"), &body, None).await;
                if let (Ok(l), "facilitator") = (&res, target.as_str()) {
                    // This page's own link changed: move to the new one.
                    if let Some(w) = web_sys::window() {
                        let path = l.facilitator.split("/f/").nth(1).unwrap_or_default();
                        let _ = w.location().replace(&format!("/f/{path}"));
                    }
                }
                message.set(res.is_ok().then_some(t.rotated));
                links.set(Some(res));
            });
        })
    };
    let body = match &*links {
        None => html! { <p>{ t.loading }</p> },
        Some(Err(_)) => html! { <p class="error">{ t.links_need_network }</p> },
        Some(Ok(l)) => {
            let w = workshop.as_ref();
            let mut rounds: Vec<u32> = l.groups.iter().map(|g| g.round).collect();
            rounds.sort_unstable();
            rounds.dedup();
            let several = rounds.len() > 1;
            let group_card = |g: &GroupLink| {
                let mail = w.map(|w| mail::group_leader(t, w, &g.name, &g.link));
                html! {
                    <div class="card link-card">
                        <h3>{ g.name.clone() }</h3>
                        <img class="qr" src={g.qr.clone()} alt={fill(t.qr_alt, &[("name", &g.name)])} width="240" height="240" />
                        <label>{ t.group_link }<input readonly=true value={g.link.clone()} /></label>
                        <div class="actions">
                            { copy_button(t, g.link.clone()) }
                            <button onclick={rotate(format!("group:{}", g.group_id))}>{ t.rotate }</button>
                        </div>
                        { mail.map(|m| mail_box(t, t.email_heading, &m)).unwrap_or_default() }
                    </div>
                }
            };
            let sheet = format!(
                "/api/links/{token}/qr-sheet.html?lang={}",
                i18n::lang_code()
            );
            html! {
                <>
                <p class="actions">
                    <a class="button" id="qr-sheet" href={sheet} target="_blank" rel="noopener">{ t.qr_sheet }</a>
                    <span class="hint">{ t.qr_sheet_hint }</span>
                </p>
                if several {
                    // Newest round first: those are the links to hand out now.
                    { for rounds.iter().rev().map(|&r| html! {
                        <section class="round-links">
                            <h2>{ round_name(t, r) }</h2>
                            <div class="cards">
                                { for l.groups.iter().filter(|g| g.round == r).map(group_card) }
                            </div>
                        </section>
                    }) }
                }
                <div class="cards">
                if !several {
                    { for l.groups.iter().map(group_card) }
                }
                    <div class="card link-card">
                        <h3>{ t.catch_up_link }</h3>
                        <img class="qr" src={l.catch_up_qr.clone()} alt={fill(t.qr_alt, &[("name", t.catch_up_link)])} width="240" height="240" />
                        <label>{ fill(t.open_until, &[("date", &l.access_until)]) }<input readonly=true value={l.catch_up.clone()} /></label>
                        <div class="actions">
                            { copy_button(t, l.catch_up.clone()) }
                            <button onclick={rotate("catch_up".into())}>{ t.rotate }</button>
                        </div>
                        { w.map(|w| mail_box(t, t.email_catch_up_heading, &mail::catch_up(t, w, &l.catch_up))).unwrap_or_default() }
                    </div>
                </div>
                <section>
                    <h3>{ t.facilitator_link }</h3>
                    <div class="row">
                        <input class="grow" readonly=true value={l.facilitator.clone()} aria-label={t.facilitator_link} />
                        { copy_button(t, l.facilitator.clone()) }
                        <button onclick={rotate("facilitator".into())}>{ t.rotate }</button>
                    </div>
                </section>
                </>
            }
        }
    };
    html! {
        <section>
            <p>{ t.links_intro }</p>
            if let Some(m) = *message { <p role="status">{ m }</p> }
            { body }
        </section>
    }
}

/// An e-mail to send: folded away until wanted; its text to copy, or opened in her e-mail
/// program with the subject filled in.
fn mail_box(t: &Strings, heading: &'static str, m: &Mail) -> Html {
    let text = format!("{}\n\n{}", m.subject, m.body);
    html! {
        <details class="mail">
            <summary>{ heading }</summary>
            <textarea readonly=true rows="12" value={text.clone()} aria-label={heading} />
            <div class="actions">
                { copy_button(t, text) }
                <a class="button" href={m.mailto()}>{ t.email_open }</a>
            </div>
        </details>
    }
}

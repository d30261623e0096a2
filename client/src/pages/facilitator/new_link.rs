//! Right after creating a workshop: her link first, with Copy and "e-mail it to me", and the
//! reminder that the link is the only key. Shown until she says she saved it.

use crate::i18n::{self, fill};
use crate::store;
use crate::widgets::copy_button;
use samtal_shared::doc::Workshop;
use samtal_shared::mail::Mail;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(super) struct NewLinkProps {
    pub(super) token: String,
    pub(super) workshop: Workshop,
}

#[function_component(NewLink)]
pub(super) fn new_link(props: &NewLinkProps) -> Html {
    let t = i18n::strings();
    let shown = use_state(|| store::is_new(&props.token));
    if !*shown {
        return html! {};
    }
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let link = format!("{origin}/f/{}", props.token);
    let w = &props.workshop;
    let mail = Mail {
        subject: fill(t.new_link_mail_subject, &[("title", &w.title)]),
        body: fill(
            t.new_link_mail_body,
            &[("title", &w.title), ("date", &w.date), ("link", &link)],
        ),
    };
    let done = {
        let (shown, token) = (shown.clone(), props.token.clone());
        Callback::from(move |_: MouseEvent| {
            store::link_saved(&token);
            shown.set(false);
        })
    };
    html! {
        <section class="new-link" aria-labelledby="new-link-h">
            <h2 id="new-link-h">{ t.new_link_title }</h2>
            <p>{ t.new_link_text }</p>
            <p class="link-line"><code id="new-link-url">{ link.clone() }</code></p>
            <div class="row">
                { copy_button(t, link.clone()) }
                <a class="button" href={mail.mailto()}>{ t.new_link_mail }</a>
                <button class="primary" onclick={done}>{ t.new_link_done }</button>
            </div>
        </section>
    }
}

//! "Klistra in frågor och fall": pasted text from Word or a PDF, proposed as questions and
//! cases (`shared::paste`), added only when the trainer confirms.

use crate::EngineRef;
use crate::engine::random_id;
use crate::i18n::{self, fill};
use crate::widgets::value_of;
use samtal_shared::paste::{self, Proposal};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(super) struct PasteProps {
    pub(super) engine: EngineRef,
    pub(super) areas: Vec<String>,
}

/// `template` with the proposal's `{questions}` and `{cases}` counted.
fn counted(template: &str, p: &Proposal) -> String {
    let (q, c) = (p.questions.len().to_string(), p.cases.len().to_string());
    fill(template, &[("questions", &q), ("cases", &c)])
}

#[function_component(PasteBox)]
pub(super) fn paste_box(props: &PasteProps) -> Html {
    let t = i18n::strings();
    let open = use_state(|| false);
    let text = use_state(String::new);
    let proposal = use_state(|| Option::<Proposal>::None);
    let area = use_state(|| props.areas.first().cloned().unwrap_or_default());
    let message = use_state(|| Option::<String>::None);
    if !*open {
        let shown = (*message).clone();
        let (open, message) = (open.clone(), message.clone());
        return html! {
            <div class="paste">
                <button id="paste-open" onclick={Callback::from(move |_| { message.set(None); open.set(true); })}>{ t.paste_open }</button>
                if let Some(m) = shown { <p role="status">{ m }</p> }
            </div>
        };
    }
    let propose = {
        let (text, proposal) = (text.clone(), proposal.clone());
        Callback::from(move |_: MouseEvent| proposal.set(Some(paste::propose(&text))))
    };
    let close = {
        let (open, text, proposal) = (open.clone(), text.clone(), proposal.clone());
        Callback::from(move |_: MouseEvent| {
            open.set(false);
            text.set(String::new());
            proposal.set(None);
        })
    };
    let confirm = {
        let (engine, open, text, proposal, area, message) = (
            props.engine.clone(),
            open.clone(),
            text.clone(),
            proposal.clone(),
            area.clone(),
            message.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let Some(p) = (*proposal).clone() else {
                return;
            };
            let doc = engine.0.borrow().info.workshop_doc;
            let res = engine
                .0
                .borrow_mut()
                .change(doc, |d| paste::add_to_workshop(d, &p, &area, random_id));
            match res {
                Ok(()) => {
                    message.set(Some(counted(i18n::strings().paste_added, &p)));
                    open.set(false);
                    text.set(String::new());
                    proposal.set(None);
                }
                Err(e) => message.set(Some(e)),
            }
        })
    };
    html! {
        <section class="paste dialog" aria-labelledby="paste-h">
            <h3 id="paste-h">{ t.paste_open }</h3>
            <p>{ t.paste_intro }</p>
            <label for="paste-text">{ t.paste_label }</label>
            <textarea id="paste-text" rows="10" value={(*text).clone()}
                oninput={{ let text = text.clone(); Callback::from(move |ev: InputEvent| text.set(value_of(&ev))) }} />
            <div class="row">
                <button id="paste-propose" onclick={propose}>{ t.paste_propose }</button>
                <button class="link" onclick={close}>{ t.cancel }</button>
            </div>
            if let Some(p) = &*proposal {
                <div class="proposal" role="status">
                    if p.questions.is_empty() && p.cases.is_empty() {
                        <p>{ t.paste_nothing }</p>
                    } else {
                        <p>{ counted(t.paste_found, p) }</p>
                        <ol class="proposed-questions">
                            { for p.questions.iter().map(|q| html! { <li>{ q.clone() }</li> }) }
                        </ol>
                        { for p.cases.iter().map(|c| html! {
                            <article class="case proposed-case"><h4>{ c.title.clone() }</h4><p>{ c.body.clone() }</p></article>
                        }) }
                        if !p.cases.is_empty() {
                            <label for="paste-area">{ t.paste_case_area }
                                <select id="paste-area" onchange={{ let area = area.clone(); Callback::from(move |ev: Event| area.set(value_of(&ev))) }}>
                                    { for props.areas.iter().map(|a| html! { <option value={a.clone()} selected={*area == *a}>{ a.clone() }</option> }) }
                                </select>
                            </label>
                        }
                    }
                    if !p.left_out.is_empty() {
                        <p class="muted">{ t.paste_left_out }</p>
                        <ul class="left-out">{ for p.left_out.iter().map(|l| html! { <li>{ l.clone() }</li> }) }</ul>
                    }
                    if !(p.questions.is_empty() && p.cases.is_empty()) {
                        <button id="paste-confirm" class="primary" onclick={confirm}>{ t.paste_confirm }</button>
                    }
                </div>
            }
        </section>
    }
}

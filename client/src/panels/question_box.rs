//! The question box on the group and catch-up pages: a question or a challenge for the
//! follow-up meeting, sent without a name (a one-off Automerge actor, no device label). It is
//! kept on this device until the server has it, so it can be written offline.

use crate::EngineRef;
use crate::i18n::{self, fill};
use crate::store;
use crate::widgets::value_of;
use samtal_shared::doc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct QuestionBoxProps {
    pub engine: EngineRef,
    /// Bumped on every engine change so the panel re-renders.
    pub tick: u64,
}

#[function_component(QuestionBox)]
pub fn question_box(props: &QuestionBoxProps) -> Html {
    let t = i18n::strings();
    let draft = use_state(String::new);
    let error = use_state(|| None::<&'static str>);
    let (workshop_id, box_id) = {
        let e = props.engine.0.borrow();
        let id = e.info.workshop_id.clone();
        let box_id = doc::questions_doc_id(&id);
        (id, box_id)
    };
    let mine = use_state({
        let id = workshop_id.clone();
        move || store::asked(&id)
    });
    let (questions, arrived) = {
        let mut e = props.engine.0.borrow_mut();
        let read = e
            .repo
            .doc(&box_id)
            .and_then(|d| doc::read_questions(d).ok())
            .unwrap_or_default();
        let arrived = e.repo.is_synced(&box_id);
        (read.questions, arrived)
    };
    let oninput = {
        let (draft, error) = (draft.clone(), error.clone());
        Callback::from(move |ev: InputEvent| {
            draft.set(value_of(&ev));
            error.set(None);
        })
    };
    let onsubmit = {
        let (engine, draft, error, mine) = (
            props.engine.clone(),
            draft.clone(),
            error.clone(),
            mine.clone(),
        );
        Callback::from(move |ev: SubmitEvent| {
            ev.prevent_default();
            let text = (*draft).clone();
            if let Err(why) = doc::question_ok(&text) {
                error.set(Some(i18n::strings().invalid(why)));
                return;
            }
            let id = store::random_id();
            let at = (js_sys::Date::now() / 1000.0) as i64;
            let sent = engine
                .0
                .borrow_mut()
                .change_anonymously(box_id, |d| doc::add_question(d, &id, &text, at));
            match sent {
                Ok(()) => {
                    store::remember_asked(&workshop_id, &id);
                    let mut ids = (*mine).clone();
                    ids.push(id);
                    mine.set(ids);
                    draft.set(String::new());
                }
                Err(_) => error.set(Some(i18n::strings().change_failed)),
            }
        })
    };
    let count = questions.len();
    let count_text = if count == 1 {
        t.qbox_count_one.to_owned()
    } else {
        fill(t.qbox_count, &[("n", &count.to_string())])
    };
    let sent: Vec<&doc::Submitted> = questions.iter().filter(|q| mine.contains(&q.id)).collect();
    html! {
        <section class="question-box" aria-labelledby="qbox-heading">
            <h2 id="qbox-heading">{ t.qbox_title }</h2>
            <p>{ t.qbox_intro }</p>
            <form onsubmit={onsubmit}>
                <label for="qbox-text">{ t.qbox_label }</label>
                <textarea id="qbox-text" rows="3" maxlength={doc::MAX_QUESTION.to_string()}
                    value={(*draft).clone()} {oninput}
                    aria-describedby={error.is_some().then_some("qbox-error")} />
                if let Some(e) = *error {
                    <p id="qbox-error" class="error" role="alert">{ e }</p>
                }
                <button type="submit" class="primary">{ t.qbox_send }</button>
            </form>
            <p class="muted">{ count_text }</p>
            if !sent.is_empty() {
                <h3>{ t.qbox_mine }</h3>
                <ul class="qbox-mine">
                    { for sent.iter().map(|q| html! { <li key={q.id.clone()}>{ q.text.clone() }</li> }) }
                </ul>
                <p role="status" class={classes!("pill", if arrived { "ok" } else { "offline" })}>
                    { if arrived { t.qbox_sent } else { t.qbox_waiting } }
                </p>
            }
        </section>
    }
}

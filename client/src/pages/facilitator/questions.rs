//! The question box as the facilitator sorts it, in the Uppföljning tab: the follow-up
//! meeting's agenda in her order, the new questions, and those set aside (never removed).

use crate::EngineRef;
use crate::i18n::Strings;
use crate::store;
use crate::widgets::value_of;
use samtal_shared::doc::{self, Sorting, Submitted};
use yew::prelude::*;

/// The sorter: `workshop_id` names the box (its id is derived).
pub fn question_sorter(t: &Strings, engine: &EngineRef, workshop_id: &str) -> Html {
    let box_id = doc::questions_doc_id(workshop_id);
    let read = engine
        .0
        .borrow()
        .repo
        .doc(&box_id)
        .and_then(|d| doc::read_questions(d).ok())
        .unwrap_or_default();
    let sort = {
        let engine = engine.clone();
        Callback::from(move |s: Sorting| {
            let _ = engine
                .0
                .borrow_mut()
                .change(box_id, |d| doc::sort_questions(d, &s));
        })
    };
    // Her own item goes straight onto the agenda.
    let add_own = {
        let engine = engine.clone();
        Callback::from(move |text: String| {
            if doc::question_ok(&text).is_err() {
                return;
            }
            let id = store::random_id();
            let at = (js_sys::Date::now() / 1000.0) as i64;
            let _ = engine.0.borrow_mut().change(box_id, |d| {
                doc::add_question(d, &id, &text, at)?;
                doc::sort_questions(d, &Sorting::ToAgenda(id.clone()))
            });
        })
    };
    let agenda = read.on_agenda();
    let last = agenda.len().saturating_sub(1);
    let unsorted = read.unsorted();
    let aside = read.aside();
    html! {
        <section class="question-sorter" aria-labelledby="qs-heading">
            <h3 id="qs-heading">{ t.qbox_title }</h3>
            <p class="hint">{ t.qbox_facilitator_intro }</p>
            <h4>{ t.qbox_agenda }</h4>
            if agenda.is_empty() {
                <p class="muted">{ t.qbox_agenda_empty }</p>
            } else {
                <ol class="qs-list">
                    { for agenda.iter().enumerate().map(|(i, q)| item(q, html! {
                        <>
                        <button onclick={emit(&sort, Sorting::Move { id: q.id.clone(), earlier: true })}
                            disabled={i == 0} aria-describedby={text_id(q)}>{ t.qbox_earlier }</button>
                        <button onclick={emit(&sort, Sorting::Move { id: q.id.clone(), earlier: false })}
                            disabled={i == last} aria-describedby={text_id(q)}>{ t.qbox_later }</button>
                        <button onclick={emit(&sort, Sorting::SetAside(q.id.clone()))}
                            aria-describedby={text_id(q)}>{ t.qbox_set_aside }</button>
                        </>
                    })) }
                </ol>
            }
            <OwnItem on_add={add_own} />
            <h4>{ t.qbox_unsorted }</h4>
            if unsorted.is_empty() {
                <p class="muted">{ t.qbox_unsorted_empty }</p>
            } else {
                <ul class="qs-list">
                    { for unsorted.iter().map(|q| item(q, html! {
                        <>
                        <button class="primary" onclick={emit(&sort, Sorting::ToAgenda(q.id.clone()))}
                            aria-describedby={text_id(q)}>{ t.qbox_to_agenda }</button>
                        <button onclick={emit(&sort, Sorting::SetAside(q.id.clone()))}
                            aria-describedby={text_id(q)}>{ t.qbox_set_aside }</button>
                        </>
                    })) }
                </ul>
            }
            if !aside.is_empty() {
                <details>
                    <summary>{ format!("{} ({})", t.qbox_aside, aside.len()) }</summary>
                    <ul class="qs-list">
                        { for aside.iter().map(|q| item(q, html! {
                            <button onclick={emit(&sort, Sorting::Unsort(q.id.clone()))}
                                aria-describedby={text_id(q)}>{ t.qbox_back }</button>
                        })) }
                    </ul>
                </details>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct OwnItemProps {
    on_add: Callback<String>,
}

/// "Lägg till en egen punkt": a line of her own; "Lägg till" (or Enter) adds it and empties
/// the field.
#[function_component(OwnItem)]
fn own_item(props: &OwnItemProps) -> Html {
    let t = crate::i18n::strings();
    let text = use_state(String::new);
    let onsubmit = {
        let (text, on_add) = (text.clone(), props.on_add.clone());
        Callback::from(move |ev: SubmitEvent| {
            ev.prevent_default();
            if doc::question_ok(&text).is_ok() {
                on_add.emit((*text).clone());
                text.set(String::new());
            }
        })
    };
    let oninput = {
        let text = text.clone();
        Callback::from(move |ev: InputEvent| text.set(value_of(&ev)))
    };
    html! {
        <form class="row add-row" {onsubmit}>
            <label class="grow" for="qs-own">{ t.qbox_own_label }
                <input id="qs-own" value={(*text).clone()} {oninput} />
            </label>
            <button type="submit">{ t.qbox_add }</button>
        </form>
    }
}

fn text_id(q: &Submitted) -> String {
    format!("qs-{}", q.id)
}

fn emit(to: &Callback<Sorting>, s: Sorting) -> Callback<MouseEvent> {
    let to = to.clone();
    Callback::from(move |_| to.emit(s.clone()))
}

/// One question with its buttons.
fn item(q: &Submitted, buttons: Html) -> Html {
    html! {
        <li key={q.id.clone()} class="qs-item">
            <p id={text_id(q)} class="qs-text">{ q.text.clone() }</p>
            <div class="row">{ buttons }</div>
        </li>
    }
}

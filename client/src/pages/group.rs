//! The group's page (`/g/…`): questions, cases, notes, "lift to plenary".

use crate::i18n;
use crate::live_bar::LiveBar;
use crate::panels::question_box::QuestionBox;
use crate::panels::vote::Ballot;
use crate::widgets::{
    DeviceLabel, TextField, TextSize, ViewProps, link_list, materials, status_of,
};
use samtal_shared::doc::{self, TextRef};
use yew::prelude::*;

#[function_component(GroupView)]
pub fn group_view(props: &ViewProps) -> Html {
    let t = i18n::strings();
    let (status, workshop) = status_of(&props.engine, t);
    let e = props.engine.0.borrow();
    let group_doc = e.info.own_group_doc();
    let holds_back = e.holds_back();
    let notes = group_doc
        .and_then(|id| e.repo.doc(&id))
        .and_then(|d| doc::read_group(d).ok());
    drop(e);
    let (Some(w), Some(doc), Some(notes)) = (workshop, group_doc, notes) else {
        return html! { <main id="main">{ status }<p>{ t.loading }</p></main> };
    };
    let Some(group) = w.groups.iter().find(|g| g.doc_id == doc).cloned() else {
        return html! { <main id="main">{ status }<p>{ t.loading }</p></main> };
    };
    // Closed: the notes are final (the server takes no more); shown, not editable.
    let closed = w.phase == doc::Phase::Closed;
    let field = |r: TextRef, label: String, id: String, hint: bool| {
        let Some(value) = notes.text(&r).map(str::to_owned) else {
            // The server has not created this field yet (added while we were offline).
            return html! {
                <div class="field"><p class="label">{ label }</p><p class="muted">{ t.waiting_for_server }</p></div>
            };
        };
        let lifted = notes.is_highlighted(&r);
        let toggle = {
            let engine = props.engine.clone();
            let r = r.clone();
            Callback::from(move |_| {
                let _ = engine
                    .0
                    .borrow_mut()
                    .change(doc, |d| doc::set_highlight(d, &r, !lifted));
            })
        };
        html! {
            <>
            <TextField engine={props.engine.clone()} doc={doc} field={r} {label} {id} {value} {hint} readonly={closed} />
            <button class={classes!("lift", lifted.then_some("on"))} aria-pressed={lifted.to_string()} onclick={toggle} disabled={closed}>
                { if lifted { format!("★ {}", t.lifted) } else { format!("☆ {}", t.lift) } }
            </button>
            </>
        }
    };
    html! {
        <>
        <header class="top">
            <div>
                <p class="eyebrow">{ format!("{} · {}", w.title, w.date) }</p>
                <h1>{ format!("{}: {}", t.group, group.name) }</h1>
                if w.rounds().len() > 1 {
                    <p class="origin">{ where_from(t, &group) }</p>
                }
            </div>
            <div class="top-tools">{ status }<TextSize /></div>
        </header>
        <main id="main" class="room">
            <LiveBar phase={w.phase} timer={w.timer} message={w.message.clone()} />
            if holds_back {
                <p class="held-back" role="alert">{ t.held_back }</p>
            }
            <Ballot engine={props.engine.clone()} tick={props.tick} />
            { materials(t, &w) }
            <section>
                <h2>{ t.questions }</h2>
                { for w.questions_for(&group.area).enumerate().map(|(i, q)| html! {
                    <article class="question">
                        <h3>{ format!("{}. {}", i + 1, q.text) }</h3>
                        { field(TextRef::Answer { question_id: q.id.clone() }, t.your_answer.to_owned(), format!("a-{}", q.id), false) }
                    </article>
                }) }
            </section>
            if w.cases_for(&group.area).next().is_some() {
                <section>
                    <h2>{ t.cases }</h2>
                    { for w.cases_for(&group.area).map(|c| html! {
                        <article class="case">
                            <h3>{ c.title.clone() }</h3>
                            <p class="case-body">{ c.body.clone() }</p>
                            { link_list(&c.links, "case-links") }
                            { for w.fields_for(c).iter().map(|f| field(
                                TextRef::Reflection { case_id: c.id.clone(), field_id: f.id.clone() },
                                f.label.clone(),
                                format!("r-{}-{}", c.id, f.id),
                                true,
                            )) }
                        </article>
                    }) }
                </section>
            }
            <QuestionBox engine={props.engine.clone()} tick={props.tick} />
            <DeviceLabel />
        </main>
        </>
    }
}

/// "Omgång 2 · blandad: Barn och unga, Vuxna" under the name, on a day of several rounds.
fn where_from(t: &crate::i18n::Strings, g: &doc::Group) -> String {
    let round = samtal_shared::export::round_name(t, g.round);
    if g.is_mixed() {
        let mixed = crate::i18n::fill(t.mixed_from, &[("areas", &g.mix.join(", "))]);
        format!("{round} · {mixed}")
    } else if g.area.is_empty() {
        round
    } else {
        format!("{round} · {}", g.area)
    }
}

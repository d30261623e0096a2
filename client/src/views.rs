//! The views: a group's questions, cases and notes; the read-only overview of all groups.

use crate::EngineRef;
use crate::engine::{Local, Net};
use crate::i18n::{self, Strings};
use crate::store::ENCODING;
use samtal_shared::DocumentId;
use samtal_shared::docs::{self, GroupNotes, TextRef, Workshop};
use samtal_shared::roles::DocKind;
use samtal_shared::text;
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ViewProps {
    pub engine: EngineRef,
    /// Bumped on every engine change so the view re-renders.
    pub tick: u64,
}

fn status_line(t: &Strings, local: Local, net: Net, error: Option<&str>) -> Html {
    let local_text = match local {
        Local::Saved => t.saved_here,
        Local::Pending => t.saving,
        Local::StorageFull => t.storage_full,
    };
    let (net_text, class) = match net {
        Net::Synced => (t.synced, "ok"),
        Net::Syncing => (t.not_synced_yet, "busy"),
        Net::Connecting => (t.connecting, "busy"),
        Net::Offline => (t.offline, "offline"),
        Net::Refused => (t.server_problem, "problem"),
    };
    let local_class = if local == Local::StorageFull {
        "problem"
    } else {
        "ok"
    };
    html! {
        <div class="status" role="status" aria-live="polite">
            <span class={classes!("pill", local_class)}>{ local_text }</span>
            <span class={classes!("pill", class)}>{ net_text }</span>
            if let (Net::Refused, Some(e)) = (net, error) { <span class="detail">{ e.to_owned() }</span> }
        </div>
    }
}

/// The status line and the workshop document, which every view starts from.
fn status_and_workshop(engine: &EngineRef, t: &Strings) -> (Html, Option<Workshop>) {
    let e = engine.0.borrow();
    let status = status_line(t, e.local, e.net, e.last_error.as_deref());
    let workshop = e
        .repo
        .doc(&e.info.workshop_doc)
        .and_then(|d| docs::read_workshop(d).ok());
    (status, workshop)
}

#[function_component(GroupView)]
pub fn group_view(props: &ViewProps) -> Html {
    let t = i18n::strings();
    let (status, workshop) = status_and_workshop(&props.engine, t);
    let e = props.engine.0.borrow();
    let group_doc = e.info.own_group_doc();
    let notes = group_doc
        .and_then(|id| e.repo.doc(&id))
        .and_then(|d| docs::read_group(d).ok());
    drop(e);
    let (Some(w), Some(doc), Some(notes)) = (workshop, group_doc, notes) else {
        return html! { <main id="main">{ status }<p>{ t.loading }</p></main> };
    };
    let Some(group) = w.groups.iter().find(|g| g.doc_id == doc).cloned() else {
        return html! { <main id="main">{ status }<p>{ t.loading }</p></main> };
    };
    let field = |r: TextRef, label: String, id: String, hint: bool| {
        let value = notes.text(&r).unwrap_or_default().to_owned();
        html! {
            <TextField engine={props.engine.clone()} doc={doc} field={r} {label} {id} {value} {hint} />
        }
    };
    html! {
        <>
        <header class="top">
            <div>
                <p class="eyebrow">{ format!("{} · {}", w.title, w.date) }</p>
                <h1>{ format!("{}: {}", t.group, group.name) }</h1>
            </div>
            { status }
        </header>
        <main id="main">
            if !w.materials.is_empty() {
                <section class="materials">
                    <h2>{ t.material }</h2>
                    <ul>{ for w.materials.iter().map(|m| html! {
                        <li><a href={m.url.clone()} rel="noopener noreferrer" target="_blank">{ m.title.clone() }</a></li>
                    }) }</ul>
                </section>
            }
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
                            { for w.reflection_fields.iter().map(|f| field(
                                TextRef::Reflection { case_id: c.id.clone(), field_id: f.id.clone() },
                                f.label.clone(),
                                format!("r-{}-{}", c.id, f.id),
                                true,
                            )) }
                        </article>
                    }) }
                </section>
            }
        </main>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    pub engine: EngineRef,
    pub doc: DocumentId,
    pub field: TextRef,
    pub label: String,
    pub id: String,
    pub value: String,
    pub hint: bool,
}

/// A textarea bound to one Automerge Text. The DOM keeps its own value while the user types;
/// remote changes are spliced in with the caret and selection moved along.
#[function_component(TextField)]
pub fn text_field(props: &TextFieldProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.value.clone(), move |value| {
            if let Some(el) = node.cast::<HtmlTextAreaElement>() {
                let current = el.value();
                if current != *value {
                    let focused = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.active_element())
                        .is_some_and(|a| a == *el.unchecked_ref::<web_sys::Element>());
                    let sel = (
                        el.selection_start().ok().flatten(),
                        el.selection_end().ok().flatten(),
                    );
                    el.set_value(value);
                    if let (true, (Some(s), Some(e)), Some(splice)) =
                        (focused, sel, text::diff(&current, value, ENCODING))
                    {
                        let s = splice.transform(s as usize, ENCODING) as u32;
                        let e = splice.transform(e as usize, ENCODING) as u32;
                        let _ = el.set_selection_range(s, e);
                    }
                }
            }
            || ()
        });
    }
    let oninput = {
        let engine = props.engine.clone();
        let field = props.field.clone();
        let doc = props.doc;
        Callback::from(move |ev: InputEvent| {
            if let Some(el) = ev.target_dyn_into::<HtmlTextAreaElement>() {
                engine.0.borrow_mut().edit(doc, &field, &el.value());
            }
        })
    };
    let hint_id = format!("{}-hint", props.id);
    let t = i18n::strings();
    html! {
        <div class="field">
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            <textarea id={props.id.clone()} ref={node} rows="4" {oninput}
                aria-describedby={props.hint.then(|| hint_id.clone())} />
            if props.hint { <p class="hint" id={hint_id}>{ t.no_names_hint }</p> }
        </div>
    }
}

/// Read-only overview of every group's notes (facilitator and catch-up links).
#[function_component(Overview)]
pub fn overview(props: &ViewProps) -> Html {
    let t = i18n::strings();
    let (status, workshop) = status_and_workshop(&props.engine, t);
    let e = props.engine.0.borrow();
    let groups: Vec<(String, GroupNotes)> = e
        .info
        .docs
        .iter()
        .filter_map(|(id, kind)| match kind {
            DocKind::Group { group_id } => {
                Some((group_id.clone(), docs::read_group(e.repo.doc(id)?).ok()?))
            }
            _ => None,
        })
        .collect();
    drop(e);
    let Some(w) = workshop else {
        return html! { <main id="main">{ status }<p>{ t.loading }</p></main> };
    };
    html! {
        <>
        <header class="top">
            <div>
                <p class="eyebrow">{ w.date.clone() }</p>
                <h1>{ w.title.clone() }</h1>
            </div>
            { status }
        </header>
        <main id="main">
            <h2>{ t.overview }</h2>
            <p>{ t.overview_hint }</p>
            { for w.questions.iter().enumerate().map(|(i, q)| html! {
                <article class="question">
                    <h3>{ format!("{}. {}", i + 1, q.text) }</h3>
                    <div class="answers">
                    { for groups.iter().map(|(gid, notes)| {
                        let name = w.group(gid).map(|g| g.name.clone()).unwrap_or_default();
                        let text = notes.answers.get(&q.id).cloned().unwrap_or_default();
                        html! {
                            <div class="answer">
                                <h4>{ name }</h4>
                                if text.is_empty() { <p class="muted">{ t.no_notes_yet }</p> } else { <p class="notes">{ text }</p> }
                            </div>
                        }
                    }) }
                    </div>
                </article>
            }) }
        </main>
        </>
    }
}

//! The group's view (questions, cases, notes, "lift to plenary"), the text field bound to an
//! Automerge Text, the status line and small helpers the other views share.

use crate::EngineRef;
use crate::engine::{Local, Net};
use crate::i18n::{self, Strings};
use crate::store::ENCODING;
use samtal_shared::DocumentId;
use samtal_shared::doc::{self, TextRef, Workshop};
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

/// One honest state: saving / saved here and sending / synced (the server's heads cover all
/// of ours, so it is on the server's disk) / offline, saved here / a problem and what to do.
fn status_line(t: &Strings, local: Local, net: Net, error: Option<&str>, corrupt: bool) -> Html {
    let (text, class, detail) = match (local, net) {
        (Local::StorageFull, _) => (t.storage_full, "problem", None),
        (_, Net::Erased) => (t.erased, "problem", None),
        (_, Net::Refused) => (t.server_problem, "problem", error),
        (Local::Pending, _) => (t.saving, "busy", None),
        (_, Net::Synced) => (t.synced, "ok", None),
        (_, Net::Offline) => (t.offline, "offline", None),
        (_, Net::Connecting) => (t.saved_here, "ok", None),
        (_, Net::Syncing) => (t.saved_sending, "busy", None),
    };
    html! {
        <div class="status" role="status" aria-live="polite">
            <span class={classes!("pill", class)}>{ text }</span>
            if let Some(e) = detail { <span class="detail">{ e.to_owned() }</span> }
            if corrupt { <span class="pill problem">{ t.corrupt_data }</span> }
        </div>
    }
}

/// The status line and the workshop document, which every view starts from.
pub fn status_of(engine: &EngineRef, t: &Strings) -> (Html, Option<Workshop>) {
    let e = engine.0.borrow();
    let status = status_line(t, e.local, e.net, e.last_error.as_deref(), e.corrupt);
    let workshop = e
        .repo
        .doc(&e.info.workshop_doc)
        .and_then(|d| doc::read_workshop(d).ok());
    (status, workshop)
}

/// The lecture material links (only http(s) links become clickable).
pub fn materials(t: &Strings, w: &Workshop) -> Html {
    if w.materials.is_empty() {
        return html! {};
    }
    html! {
        <section class="materials">
            <h2>{ t.material }</h2>
            <ul>{ for w.materials.iter().map(|m| {
                let title = if m.title.trim().is_empty() { m.url.clone() } else { m.title.clone() };
                match samtal_shared::export::safe_url(&m.url) {
                    Some(url) => html! {
                        <li><a href={url} rel="noopener noreferrer" target="_blank">{ title }</a></li>
                    },
                    None => html! { <li>{ title }</li> },
                }
            }) }</ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct InputProps {
    pub id: String,
    pub label: String,
    /// The value in the document.
    pub value: String,
    #[prop_or("text")]
    pub kind: &'static str,
    /// Called with the new value when the user leaves a changed field (or presses Enter).
    pub onchange: Callback<String>,
    #[prop_or_default]
    pub class: Classes,
}

fn is_focused(el: &web_sys::Element) -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .is_some_and(|a| a == *el)
}

/// A one-line input bound to a document value. Uncontrolled: a remote change is written into
/// the field only while nobody is typing in it, so a sync arriving mid-typing never wipes
/// what the user has typed but not yet committed.
#[function_component(Input)]
pub fn input(props: &InputProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.value.clone(), move |value| {
            if let Some(el) = node.cast::<web_sys::HtmlInputElement>()
                && el.value() != *value
                && !is_focused(&el)
            {
                el.set_value(value);
            }
            || ()
        });
    }
    html! {
        <label class={props.class.clone()} for={props.id.clone()}>{ props.label.clone() }
            <input id={props.id.clone()} ref={node} type={props.kind}
                onchange={props.onchange.reform(|ev: Event| value_of(&ev))} />
        </label>
    }
}

/// The value of the input, textarea or select an event came from.
pub fn value_of(ev: &Event) -> String {
    let Some(target) = ev.target() else {
        return String::new();
    };
    if let Some(i) = target.dyn_ref::<web_sys::HtmlInputElement>() {
        return i.value();
    }
    if let Some(a) = target.dyn_ref::<HtmlTextAreaElement>() {
        return a.value();
    }
    if let Some(s) = target.dyn_ref::<web_sys::HtmlSelectElement>() {
        return s.value();
    }
    String::new()
}

#[function_component(GroupView)]
pub fn group_view(props: &ViewProps) -> Html {
    let t = i18n::strings();
    let (status, workshop) = status_of(&props.engine, t);
    let e = props.engine.0.borrow();
    let group_doc = e.info.own_group_doc();
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
            <TextField engine={props.engine.clone()} doc={doc} field={r} {label} {id} {value} {hint} />
            <button class={classes!("lift", lifted.then_some("on"))} aria-pressed={lifted.to_string()} onclick={toggle}>
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
            </div>
            { status }
        </header>
        <main id="main">
            <crate::history_ui::DeviceLabel />
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
/// remote changes are spliced in with the caret and selection moved along. `shown` is what the
/// textarea held after we last wrote or read it, so an input is the user's own edit
/// (`shown` → new value) even when a remote change reached the document and not yet the screen.
#[function_component(TextField)]
pub fn text_field(props: &TextFieldProps) -> Html {
    let node = use_node_ref();
    let shown = use_mut_ref(String::new);
    {
        let node = node.clone();
        let shown = shown.clone();
        use_effect_with(props.value.clone(), move |value| {
            if let Some(el) = node.cast::<HtmlTextAreaElement>() {
                let current = el.value();
                if current != *value {
                    let focused = is_focused(&el);
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
                *shown.borrow_mut() = value.clone();
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
                let typed = el.value();
                let seen = std::mem::replace(&mut *shown.borrow_mut(), typed.clone());
                engine.0.borrow_mut().edit(doc, &field, &seen, &typed);
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

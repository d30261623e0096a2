//! The setup editor. Every field saves as it is typed (a typing burst, as in the groups' notes);
//! textareas for case bodies splice like the groups' notes. New items get the focus; questions,
//! cases and groups move up and down.

use super::paste::PasteBox;
use crate::EngineRef;
use crate::engine::random_id;
use crate::i18n::{Strings, fill};
use crate::widgets::{Input, TextField, date_ok, value_of};
use samtal_shared::doc::{Case, Items, TextRef, Workshop, WorkshopEdit};
use yew::prelude::*;

/// A field of the setup: saved as typed.
fn input(label: &str, id: String, value: &str, kind: &'static str, on: Callback<String>) -> Html {
    // Dates are picked whole: they save when chosen.
    let live = kind != "date";
    html! {
        <Input class={classes!("grow")} {id} label={label.to_owned()} value={value.to_owned()} {kind} {live} onchange={on} />
    }
}

fn area_select(
    t: &Strings,
    w: &Workshop,
    id: String,
    current: Option<&str>,
    with_all: bool,
    on: Callback<String>,
) -> Html {
    let mut areas: Vec<String> = w.areas.clone();
    if let Some(c) = current.filter(|c| !c.is_empty() && !areas.iter().any(|a| a == c)) {
        areas.push(c.to_owned());
    }
    html! {
        <label for={id.clone()}>{ if with_all { t.setup_question_area } else { t.setup_area } }
            <select {id} onchange={on.reform(|ev: Event| value_of(&ev))}>
                if with_all { <option value="" selected={current.is_none_or(str::is_empty)}>{ t.all_groups }</option> }
                { for areas.iter().map(|a| html! {
                    <option value={a.clone()} selected={current == Some(a.as_str())}>{ a.clone() }</option>
                }) }
            </select>
        </label>
    }
}

/// Put the focus in the element with this id once it is on the page: the render that adds
/// it may come late on a busy computer, so look again every 50 ms, for a second at most.
fn focus_soon(id: String) {
    focus_when_there(id, 20);
}

fn focus_when_there(id: String, tries: u32) {
    gloo_timers::callback::Timeout::new(50, move || {
        let el = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&id))
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
        match el {
            Some(el) => {
                let _ = el.focus();
            }
            None if tries > 1 => focus_when_there(id, tries - 1),
            None => {}
        }
    })
    .forget();
}

/// Add an item and move the focus into it.
fn add_and_focus(
    edit: &Callback<WorkshopEdit>,
    make: fn(String) -> (WorkshopEdit, String),
) -> Callback<MouseEvent> {
    let edit = edit.clone();
    Callback::from(move |_| {
        let (e, focus) = make(random_id());
        edit.emit(e);
        focus_soon(focus);
    })
}

/// ↑ and ↓ for an item of a list.
fn move_buttons(
    t: &Strings,
    edit: &Callback<WorkshopEdit>,
    items: Items,
    id: &str,
    name: &str,
) -> Html {
    let button = |up: bool, symbol: &'static str, label: &str| {
        let (edit, id) = (edit.clone(), id.to_owned());
        html! {
            <button class="link" aria-label={fill(label, &[("item", name)])}
                onclick={Callback::from(move |_| edit.emit(WorkshopEdit::Move { items, id: id.clone(), up }))}>{ symbol }</button>
        }
    };
    html! { <>{ button(true, "↑", t.move_up) }{ button(false, "↓", t.move_down) }</> }
}

#[derive(Properties, PartialEq)]
struct AddRowProps {
    id: String,
    label: &'static str,
    /// With an area to choose (a new group).
    areas: Option<Vec<String>>,
    on_add: Callback<(String, String)>,
}

/// A name and, for a group, its area; "Lägg till" (or Enter) adds it and empties the field.
#[function_component(AddRow)]
fn add_row(props: &AddRowProps) -> Html {
    let t = crate::i18n::strings();
    let name = use_state(String::new);
    let area = use_state(|| {
        props
            .areas
            .as_ref()
            .and_then(|a| a.first().cloned())
            .unwrap_or_default()
    });
    let onsubmit = {
        let (name, area, on_add) = (name.clone(), area.clone(), props.on_add.clone());
        Callback::from(move |ev: SubmitEvent| {
            ev.prevent_default();
            let n = name.trim().to_owned();
            if !n.is_empty() {
                on_add.emit((n, (*area).clone()));
                name.set(String::new());
            }
        })
    };
    let select_id = format!("{}-area", props.id);
    html! {
        <form class="row add-row" {onsubmit}>
            <label class="grow" for={props.id.clone()}>{ props.label }
                <input id={props.id.clone()} value={(*name).clone()}
                    oninput={{ let name = name.clone(); Callback::from(move |ev: InputEvent| name.set(value_of(&ev))) }} />
            </label>
            if let Some(areas) = &props.areas {
                <label for={select_id.clone()}>{ t.setup_area }
                    <select id={select_id} onchange={{ let area = area.clone(); Callback::from(move |ev: Event| area.set(value_of(&ev))) }}>
                        { for areas.iter().map(|a| html! { <option value={a.clone()} selected={*area == *a}>{ a.clone() }</option> }) }
                    </select>
                </label>
            }
            <button type="submit">{ t.setup_add }</button>
        </form>
    }
}

fn day(t: &Strings, w: &Workshop, edit: &Callback<WorkshopEdit>) -> Html {
    let e = edit.clone();
    let on_date = Callback::from(move |v: String| {
        if !date_ok(&v) {
            return;
        }
        e.emit(WorkshopEdit::Date(v));
    });
    html! {
        <>
        <section class="row">
            { input(t.setup_title, "w-title".into(), &w.title, "text", edit.reform(WorkshopEdit::Title)) }
            { input(t.setup_date, "w-date".into(), &w.date, "date", on_date) }
            { input(t.setup_access_until, "w-until".into(), &w.access_until, "date", edit.reform(WorkshopEdit::AccessUntil)) }
        </section>
        <section class="row">
            { input(t.setup_organisation, "w-org".into(), &w.organisation, "text", edit.reform(WorkshopEdit::Organisation)) }
            { input(t.setup_facilitator_name, "w-fac".into(), &w.facilitator, "text", edit.reform(WorkshopEdit::Facilitator)) }
        </section>
        </>
    }
}

fn materials(t: &Strings, w: &Workshop, edit: &Callback<WorkshopEdit>) -> Html {
    html! {
        <>
        <h2>{ t.setup_materials }</h2>
        { for w.materials.iter().enumerate().map(|(i, m)| {
            let (title, url) = (m.title.clone(), m.url.clone());
            html! {
                <div class="row">
                    { input(t.setup_material_title, format!("m-{i}-t"), &m.title, "text",
                        edit.reform(move |v| WorkshopEdit::Material { index: i, title: v, url: url.clone() })) }
                    { input(t.setup_material_url, format!("m-{i}-u"), &m.url, "url",
                        edit.reform(move |v| WorkshopEdit::Material { index: i, title: title.clone(), url: v })) }
                    <button class="link" onclick={edit.reform(move |_| WorkshopEdit::RemoveMaterial { index: i })}>{ t.remove }</button>
                </div>
            }
        }) }
        <button onclick={{
            let (edit, n) = (edit.clone(), w.materials.len());
            Callback::from(move |_| { edit.emit(WorkshopEdit::AddMaterial); focus_soon(format!("m-{n}-t")); })
        }}>{ t.setup_add_material }</button>
        </>
    }
}

fn areas(t: &Strings, w: &Workshop, edit: &Callback<WorkshopEdit>) -> Html {
    html! {
        <>
        <h2>{ t.setup_areas }</h2>
        <ul class="chips">
        { for w.areas.iter().enumerate().map(|(i, a)| html! {
            <li>{ a.clone() }<button class="link" aria-label={format!("{} {}", t.remove, a)} onclick={edit.reform(move |_| WorkshopEdit::RemoveArea { index: i })}>{ "×" }</button></li>
        }) }
        </ul>
        <AddRow id="new-area" label={t.setup_new_area} areas={None::<Vec<String>>}
            on_add={edit.reform(|(name, _): (String, String)| WorkshopEdit::AddArea(name))} />
        </>
    }
}

fn questions(t: &Strings, w: &Workshop, edit: &Callback<WorkshopEdit>) -> Html {
    html! {
        <>
        <h2>{ t.setup_questions }</h2>
        { for w.questions.iter().enumerate().map(|(i, q)| {
            let (id, text, area) = (q.id.clone(), q.text.clone(), q.area.clone());
            let id2 = id.clone();
            let name = format!("{} {}", t.setup_question, i + 1);
            html! {
                <div class="row" key={q.id.clone()}>
                    { input(&name, format!("q-{id}"), &q.text, "text",
                        edit.reform(move |v| WorkshopEdit::Question { id: id.clone(), text: v, area: area.clone() })) }
                    { area_select(t, w, format!("qa-{}", q.id), q.area.as_deref(), true,
                        edit.reform(move |v| WorkshopEdit::Question { id: id2.clone(), text: text.clone(), area: Some(v) })) }
                    { move_buttons(t, edit, Items::Questions, &q.id, &name) }
                    <button class="link" onclick={{ let id = q.id.clone(); edit.reform(move |_| WorkshopEdit::RemoveQuestion { id: id.clone() }) }}>{ t.remove }</button>
                    { note(t, edit, &q.id, q.note.as_deref()) }
                </div>
            }
        }) }
        <button id="add-question" onclick={add_and_focus(edit, |r| {
            let id = format!("q-{r}");
            (WorkshopEdit::AddQuestion { id: id.clone() }, format!("q-{id}"))
        })}>{ t.setup_add_question }</button>
        </>
    }
}

/// The facilitator's tip for a question, folded away until she wants it.
fn note(t: &Strings, edit: &Callback<WorkshopEdit>, id: &str, note: Option<&str>) -> Html {
    let qid = id.to_owned();
    html! {
        <details class="note" open={note.is_some()}>
            <summary>{ t.facilitator_note }</summary>
            { input(t.facilitator_note_label, format!("qn-{id}"), note.unwrap_or_default(), "text",
                edit.reform(move |note| WorkshopEdit::QuestionNote { id: qid.clone(), note })) }
        </details>
    }
}

/// A case's own links (a filmed commentary): title and address, saved as typed.
fn case_links(t: &Strings, edit: &Callback<WorkshopEdit>, c: &Case) -> Html {
    html! {
        <div class="case-links">
            { for c.links.iter().enumerate().map(|(i, l)| {
                let (cid, cid2, cid3) = (c.id.clone(), c.id.clone(), c.id.clone());
                let (title, url) = (l.title.clone(), l.url.clone());
                html! {
                    <div class="row">
                        { input(t.case_link_title, format!("cl-{}-{i}-t", c.id), &l.title, "text",
                            edit.reform(move |v| WorkshopEdit::CaseLink { case_id: cid.clone(), index: i, title: v, url: url.clone() })) }
                        { input(t.setup_material_url, format!("cl-{}-{i}-u", c.id), &l.url, "url",
                            edit.reform(move |v| WorkshopEdit::CaseLink { case_id: cid2.clone(), index: i, title: title.clone(), url: v })) }
                        <button class="link" onclick={edit.reform(move |_| WorkshopEdit::RemoveCaseLink { case_id: cid3.clone(), index: i })}>{ t.remove }</button>
                    </div>
                }
            }) }
            <button class="link" id={format!("add-link-{}", c.id)} onclick={{
                let (edit, case_id, n) = (edit.clone(), c.id.clone(), c.links.len());
                Callback::from(move |_| {
                    edit.emit(WorkshopEdit::AddCaseLink { case_id: case_id.clone() });
                    focus_soon(format!("cl-{case_id}-{n}-t"));
                })
            }}>{ t.add_case_link }</button>
        </div>
    }
}

/// Reflection fields of the case's own, instead of the workshop's.
fn case_fields(t: &Strings, edit: &Callback<WorkshopEdit>, c: &Case) -> Html {
    let own = !c.fields.is_empty();
    let toggle = {
        let (edit, case_id) = (edit.clone(), c.id.clone());
        Callback::from(move |ev: Event| {
            let own = ev
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .is_some_and(|i| i.checked());
            edit.emit(WorkshopEdit::CaseOwnFields {
                case_id: case_id.clone(),
                own,
            });
        })
    };
    let check_id = format!("cf-{}", c.id);
    html! {
        <div class="case-fields">
            <label class="check" for={check_id.clone()}>
                <input type="checkbox" id={check_id} checked={own} onchange={toggle} />
                { t.case_own_fields }
            </label>
            if own {
                { for c.fields.iter().map(|f| {
                    let (cid, cid2, fid, fid2) = (c.id.clone(), c.id.clone(), f.id.clone(), f.id.clone());
                    html! {
                        <div class="row" key={f.id.clone()}>
                            { input(t.setup_field, format!("cf-{}-{}", c.id, f.id), &f.label, "text",
                                edit.reform(move |label| WorkshopEdit::CaseField { case_id: cid.clone(), id: fid.clone(), label })) }
                            <button class="link" onclick={edit.reform(move |_| WorkshopEdit::RemoveCaseField { case_id: cid2.clone(), id: fid2.clone() })}>{ t.remove }</button>
                        </div>
                    }
                }) }
                <button class="link" onclick={{
                    let (edit, case_id) = (edit.clone(), c.id.clone());
                    Callback::from(move |_| {
                        let id = format!("f-{}", random_id());
                        edit.emit(WorkshopEdit::AddCaseField { case_id: case_id.clone(), id: id.clone() });
                        focus_soon(format!("cf-{case_id}-{id}"));
                    })
                }}>{ t.setup_add_field }</button>
            }
        </div>
    }
}

fn cases(t: &Strings, engine: &EngineRef, w: &Workshop, edit: &Callback<WorkshopEdit>) -> Html {
    let workshop_doc = engine.0.borrow().info.workshop_doc;
    let first_area = w.areas.first().cloned().unwrap_or_default();
    html! {
        <>
        <h2>{ t.setup_cases }</h2>
        { for w.cases.iter().map(|c| {
            let (id, title, area) = (c.id.clone(), c.title.clone(), c.area.clone());
            let id2 = id.clone();
            html! {
                <article class="case" key={c.id.clone()}>
                    <div class="row">
                        { input(t.setup_case_title, format!("c-{id}"), &c.title, "text",
                            edit.reform(move |v| WorkshopEdit::Case { id: id.clone(), title: v, area: area.clone() })) }
                        { area_select(t, w, format!("ca-{}", c.id), Some(&c.area), false,
                            edit.reform(move |v| WorkshopEdit::Case { id: id2.clone(), title: title.clone(), area: v })) }
                        { move_buttons(t, edit, Items::Cases, &c.id, &c.title) }
                        <button class="link" onclick={{ let id = c.id.clone(); edit.reform(move |_| WorkshopEdit::RemoveCase { id: id.clone() }) }}>{ t.remove }</button>
                    </div>
                    <TextField engine={engine.clone()} doc={workshop_doc} field={TextRef::CaseBody { case_id: c.id.clone() }}
                        label={t.setup_case_body.to_owned()} id={format!("cb-{}", c.id)} value={c.body.clone()} hint={true} />
                    { case_links(t, edit, c) }
                    { case_fields(t, edit, c) }
                </article>
            }
        }) }
        <button onclick={{
            let edit = edit.clone();
            Callback::from(move |_| {
                let id = format!("c-{}", random_id());
                edit.emit(WorkshopEdit::AddCase { id: id.clone(), area: first_area.clone() });
                focus_soon(format!("c-{id}"));
            })
        }}>{ t.setup_add_case }</button>
        </>
    }
}

fn fields(t: &Strings, w: &Workshop, edit: &Callback<WorkshopEdit>) -> Html {
    html! {
        <>
        <h2>{ t.setup_fields }</h2>
        { for w.reflection_fields.iter().map(|f| {
            let id = f.id.clone();
            html! {
                <div class="row" key={f.id.clone()}>
                    { input(t.setup_field, format!("f-{}", f.id), &f.label, "text",
                        edit.reform(move |v| WorkshopEdit::Field { id: id.clone(), label: v })) }
                    <button class="link" onclick={{ let id = f.id.clone(); edit.reform(move |_| WorkshopEdit::RemoveField { id: id.clone() }) }}>{ t.remove }</button>
                </div>
            }
        }) }
        <button onclick={add_and_focus(edit, |r| {
            let id = format!("f-{r}");
            (WorkshopEdit::AddField { id: id.clone() }, format!("f-{id}"))
        })}>{ t.setup_add_field }</button>
        </>
    }
}

fn groups(t: &Strings, w: &Workshop, edit: &Callback<WorkshopEdit>) -> Html {
    html! {
        <>
        <h2>{ t.setup_groups }</h2>
        { for w.groups.iter().map(|g| {
            let (id, name, area) = (g.id.clone(), g.name.clone(), g.area.clone());
            let id2 = id.clone();
            let no_case = w.cases_for(&g.area).next().is_none();
            html! {
                <div class="row" key={g.id.clone()}>
                    { input(t.setup_group_name, format!("g-{}", g.id), &g.name, "text",
                        edit.reform(move |v| WorkshopEdit::Group { id: id.clone(), name: v, area: area.clone() })) }
                    { area_select(t, w, format!("ga-{}", g.id), Some(&g.area), false,
                        edit.reform(move |v| WorkshopEdit::Group { id: id2.clone(), name: name.clone(), area: v })) }
                    { move_buttons(t, edit, Items::Groups, &g.id, &g.name) }
                    if no_case { <p class="hint warning">{ fill(t.group_no_case, &[("area", &g.area)]) }</p> }
                </div>
            }
        }) }
        <AddRow id="new-group" label={t.setup_new_group} areas={Some(w.areas.clone())}
            on_add={edit.reform(|(name, area): (String, String)| {
                let area = if area.is_empty() { name.clone() } else { area };
                WorkshopEdit::AddGroup { id: format!("g-{}", random_id()), name, area }
            })} />
        </>
    }
}

pub(super) fn setup_tab(
    t: &Strings,
    engine: &EngineRef,
    w: &Workshop,
    edit: &Callback<WorkshopEdit>,
) -> Html {
    html! {
        <div class="setup">
            <p class="muted">{ t.setup_saved_hint }</p>
            { day(t, w, edit) }
            { materials(t, w, edit) }
            { areas(t, w, edit) }
            { questions(t, w, edit) }
            { cases(t, engine, w, edit) }
            <PasteBox engine={engine.clone()} areas={w.areas.clone()} />
            { fields(t, w, edit) }
            { groups(t, w, edit) }
        </div>
    }
}

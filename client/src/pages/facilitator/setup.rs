//! The setup editor. Inputs commit on `change` (leaving the field); textareas for case bodies
//! splice like the groups' notes.

use crate::EngineRef;
use crate::engine::random_id;
use crate::i18n::Strings;
use crate::widgets::{Input, TextField, value_of};
use samtal_shared::doc::{TextRef, Workshop, WorkshopEdit};
use yew::prelude::*;

fn input(label: &str, id: String, value: &str, kind: &'static str, on: Callback<String>) -> Html {
    html! {
        <Input class={classes!("grow")} {id} label={label.to_owned()} value={value.to_owned()} {kind} onchange={on} />
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

pub(super) fn setup_tab(
    t: &Strings,
    engine: &EngineRef,
    w: &Workshop,
    edit: &Callback<WorkshopEdit>,
) -> Html {
    let e = edit.clone();
    let emit = move |f: Box<dyn Fn(String) -> WorkshopEdit>| {
        let e = e.clone();
        Callback::from(move |v: String| e.emit(f(v)))
    };
    let click = |edit_value: WorkshopEdit| {
        let e = edit.clone();
        Callback::from(move |_: MouseEvent| e.emit(edit_value.clone()))
    };
    let workshop_doc = engine.0.borrow().info.workshop_doc;
    let first_area = w.areas.first().cloned().unwrap_or_default();
    html! {
        <div class="setup">
            <p class="muted">{ t.setup_saved_hint }</p>
            <section class="row">
                { input(t.setup_title, "w-title".into(), &w.title, "text", emit(Box::new(WorkshopEdit::Title))) }
                { input(t.setup_date, "w-date".into(), &w.date, "date", emit(Box::new(WorkshopEdit::Date))) }
                { input(t.setup_access_until, "w-until".into(), &w.access_until, "date", emit(Box::new(WorkshopEdit::AccessUntil))) }
            </section>

            <h2>{ t.setup_materials }</h2>
            { for w.materials.iter().enumerate().map(|(i, m)| {
                let (title, url) = (m.title.clone(), m.url.clone());
                html! {
                    <div class="row">
                        { input(t.setup_material_title, format!("m-{i}-t"), &m.title, "text",
                            emit(Box::new(move |v| WorkshopEdit::Material { index: i, title: v, url: url.clone() }))) }
                        { input(t.setup_material_url, format!("m-{i}-u"), &m.url, "url",
                            emit(Box::new(move |v| WorkshopEdit::Material { index: i, title: title.clone(), url: v }))) }
                        <button class="link" onclick={click(WorkshopEdit::RemoveMaterial { index: i })}>{ t.remove }</button>
                    </div>
                }
            }) }
            <button onclick={click(WorkshopEdit::AddMaterial)}>{ t.setup_add_material }</button>

            <h2>{ t.setup_areas }</h2>
            <ul class="chips">
            { for w.areas.iter().enumerate().map(|(i, a)| html! {
                <li>{ a.clone() }<button class="link" aria-label={format!("{} {}", t.remove, a)} onclick={click(WorkshopEdit::RemoveArea { index: i })}>{ "×" }</button></li>
            }) }
            </ul>
            <div class="row">
                { input(t.setup_add_area, "new-area".into(), "", "text", emit(Box::new(WorkshopEdit::AddArea))) }
            </div>

            <h2>{ t.setup_questions }</h2>
            { for w.questions.iter().enumerate().map(|(i, q)| {
                let (id, text, area) = (q.id.clone(), q.text.clone(), q.area.clone());
                let id2 = id.clone();
                html! {
                    <div class="row" key={q.id.clone()}>
                        { input(&format!("{} {}", t.setup_question, i + 1), format!("q-{id}"), &q.text, "text",
                            emit(Box::new(move |v| WorkshopEdit::Question { id: id.clone(), text: v, area: area.clone() }))) }
                        { area_select(t, w, format!("qa-{}", q.id), q.area.as_deref(), true,
                            emit(Box::new(move |v| WorkshopEdit::Question { id: id2.clone(), text: text.clone(), area: Some(v) }))) }
                        <button class="link" onclick={click(WorkshopEdit::RemoveQuestion { id: q.id.clone() })}>{ t.remove }</button>
                    </div>
                }
            }) }
            <button id="add-question" onclick={{ let e = edit.clone(); Callback::from(move |_| e.emit(WorkshopEdit::AddQuestion { id: format!("q-{}", random_id()) })) }}>{ t.setup_add_question }</button>

            <h2>{ t.setup_cases }</h2>
            { for w.cases.iter().map(|c| {
                let (id, title, area) = (c.id.clone(), c.title.clone(), c.area.clone());
                let id2 = id.clone();
                html! {
                    <article class="case" key={c.id.clone()}>
                        <div class="row">
                            { input(t.setup_case_title, format!("c-{id}"), &c.title, "text",
                                emit(Box::new(move |v| WorkshopEdit::Case { id: id.clone(), title: v, area: area.clone() }))) }
                            { area_select(t, w, format!("ca-{}", c.id), Some(&c.area), false,
                                emit(Box::new(move |v| WorkshopEdit::Case { id: id2.clone(), title: title.clone(), area: v }))) }
                            <button class="link" onclick={click(WorkshopEdit::RemoveCase { id: c.id.clone() })}>{ t.remove }</button>
                        </div>
                        <TextField engine={engine.clone()} doc={workshop_doc} field={TextRef::CaseBody { case_id: c.id.clone() }}
                            label={t.setup_case_body.to_owned()} id={format!("cb-{}", c.id)} value={c.body.clone()} hint={true} />
                    </article>
                }
            }) }
            <button onclick={{ let e = edit.clone(); Callback::from(move |_| e.emit(WorkshopEdit::AddCase { id: format!("c-{}", random_id()), area: first_area.clone() })) }}>{ t.setup_add_case }</button>

            <h2>{ t.setup_fields }</h2>
            { for w.reflection_fields.iter().map(|f| {
                let id = f.id.clone();
                html! {
                    <div class="row" key={f.id.clone()}>
                        { input(t.setup_field, format!("f-{}", f.id), &f.label, "text",
                            emit(Box::new(move |v| WorkshopEdit::Field { id: id.clone(), label: v }))) }
                        <button class="link" onclick={click(WorkshopEdit::RemoveField { id: f.id.clone() })}>{ t.remove }</button>
                    </div>
                }
            }) }
            <button onclick={{ let e = edit.clone(); Callback::from(move |_| e.emit(WorkshopEdit::AddField { id: format!("f-{}", random_id()) })) }}>{ t.setup_add_field }</button>

            <h2>{ t.setup_groups }</h2>
            { for w.groups.iter().map(|g| {
                let (id, name, area) = (g.id.clone(), g.name.clone(), g.area.clone());
                let id2 = id.clone();
                html! {
                    <div class="row" key={g.id.clone()}>
                        { input(t.setup_group_name, format!("g-{}", g.id), &g.name, "text",
                            emit(Box::new(move |v| WorkshopEdit::Group { id: id.clone(), name: v, area: area.clone() }))) }
                        { area_select(t, w, format!("ga-{}", g.id), Some(&g.area), false,
                            emit(Box::new(move |v| WorkshopEdit::Group { id: id2.clone(), name: name.clone(), area: v }))) }
                    </div>
                }
            }) }
            <div class="row">
                { input(t.setup_add_group, "new-group".into(), "", "text", {
                    let area = w.areas.first().cloned().unwrap_or_default();
                    emit(Box::new(move |v: String| {
                        let area = if area.is_empty() { v.clone() } else { area.clone() };
                        WorkshopEdit::AddGroup { id: format!("g-{}", random_id()), name: v, area }
                    }))
                }) }
            </div>
        </div>
    }
}

//! The facilitator's view (`/f/{token}`): the groups now (phase, who is connected, progress),
//! the plenary (summaries, follow-ups, presentation mode, export), the setup editor (works
//! offline: every edit is an Automerge change to the workshop document) and the links (QR
//! codes, e-mail text, rotation), plus erasing the workshop.

use crate::EngineRef;
use crate::api::{self, ApiError};
use crate::engine::random_id;
use crate::history_ui::{DeviceLabel, HistoryPanel};
use crate::i18n::{self, Strings, fill};
use crate::plenary_ui::{PlenaryPanel, Presentation};
use crate::store;
use crate::views::{Input, TextField, status_of, value_of};
use gloo_timers::callback::Interval;
use samtal_shared::doc::{self, Phase, TextRef, Workshop, WorkshopEdit};
use samtal_shared::session::{LiveStatus, WorkshopLinks};
use yew::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Live,
    Plenary,
    Setup,
    Links,
    History,
}

pub(crate) fn phase_name(t: &Strings, p: Phase) -> &'static str {
    match p {
        Phase::Prep => t.phase_prep,
        Phase::Groups => t.phase_groups,
        Phase::Plenary => t.phase_plenary,
        Phase::Followup => t.phase_followup,
        Phase::Closed => t.phase_closed,
    }
}

const PHASES: [Phase; 5] = [
    Phase::Prep,
    Phase::Groups,
    Phase::Plenary,
    Phase::Followup,
    Phase::Closed,
];

#[function_component(FacilitatorView)]
pub fn facilitator_view(props: &crate::views::ViewProps) -> Html {
    let t = i18n::strings();
    let tab = use_state(|| Tab::Live);
    let presenting = use_state(|| false);
    let notice = use_state(|| Option::<String>::None);
    let erased = use_state(|| false);
    let (status, workshop) = status_of(&props.engine, t);
    if *erased {
        return html! { <main id="main"><p role="alert">{ t.erased }</p></main> };
    }
    let Some(w) = workshop else {
        return html! { <main id="main">{ status }<p>{ t.loading }</p></main> };
    };
    if *presenting {
        let p = presenting.clone();
        return html! {
            <main id="main" class="presenting">
                <Presentation engine={props.engine.clone()} tick={props.tick} on_exit={Callback::from(move |()| p.set(false))} />
            </main>
        };
    }
    let workshop_doc = props.engine.0.borrow().info.workshop_doc;
    let edit = {
        let engine = props.engine.clone();
        let notice = notice.clone();
        Callback::from(move |edit: WorkshopEdit| {
            let res = engine
                .0
                .borrow_mut()
                .change(workshop_doc, |d| doc::apply_workshop_edit(d, &edit));
            notice.set(res.err());
        })
    };
    let tab_button = |which: Tab, label: &'static str| {
        let tab = tab.clone();
        let selected = *tab == which;
        html! {
            <button role="tab" aria-selected={selected.to_string()} class={classes!("tab", selected.then_some("on"))}
                onclick={Callback::from(move |_| tab.set(which))}>{ label }</button>
        }
    };
    let body = match *tab {
        Tab::Live => live_tab(t, &props.engine, props.tick, &w, &edit),
        Tab::Plenary => {
            let p = presenting.clone();
            html! { <PlenaryPanel engine={props.engine.clone()} tick={props.tick} editable={true}
            on_present={Some(Callback::from(move |()| p.set(true)))} /> }
        }
        Tab::Setup => html! {
            <>
            { setup_tab(t, &props.engine, &w, &edit) }
            <EraseBox engine={props.engine.clone()} title={w.title.clone()} on_erased={{ let e = erased.clone(); Callback::from(move |()| e.set(true)) }} />
            </>
        },
        Tab::Links => html! { <LinksTab engine={props.engine.clone()} /> },
        Tab::History => html! {
            <HistoryPanel engine={props.engine.clone()} tick={props.tick} can_restore={true} />
        },
    };
    html! {
        <>
        <header class="top">
            <div>
                <p class="eyebrow">{ format!("{} · {} · {}", t.facilitator, w.date, phase_name(t, w.phase)) }</p>
                <h1>{ w.title.clone() }</h1>
            </div>
            { status }
        </header>
        <nav class="tabs" role="tablist">
            { tab_button(Tab::Live, t.tab_live) }
            { tab_button(Tab::Plenary, t.tab_plenary) }
            { tab_button(Tab::Setup, t.tab_setup) }
            { tab_button(Tab::Links, t.tab_links) }
            { tab_button(Tab::History, t.tab_history) }
        </nav>
        <main id="main">
            <DeviceLabel />
            if let Some(n) = &*notice { <p class="error" role="alert">{ n.clone() }</p> }
            { body }
        </main>
        </>
    }
}

// ---------------------------------------------------------------------------------------------
// The groups now.

#[derive(Properties, PartialEq)]
struct LiveProps {
    engine: EngineRef,
    workshop: Workshop,
    tick: u64,
}

fn live_tab(
    t: &Strings,
    engine: &EngineRef,
    tick: u64,
    w: &Workshop,
    edit: &Callback<WorkshopEdit>,
) -> Html {
    html! {
        <>
        <section>
            <h2 id="phase-h">{ t.phase_label }</h2>
            <div class="phases" role="group" aria-labelledby="phase-h">
            { for PHASES.iter().map(|&p| {
                let edit = edit.clone();
                html! {
                    <button aria-pressed={(w.phase == p).to_string()} class={classes!("phase", (w.phase == p).then_some("on"))}
                        onclick={Callback::from(move |_| edit.emit(WorkshopEdit::Phase(p)))}>{ phase_name(t, p) }</button>
                }
            }) }
            </div>
        </section>
        <GroupsNow engine={engine.clone()} workshop={w.clone()} {tick} />
        </>
    }
}

/// Per group: connected, last synced, how much has notes. Connection data is polled from the
/// server every 5 s; progress comes from the local copies, live.
#[function_component(GroupsNow)]
fn groups_now(props: &LiveProps) -> Html {
    let t = i18n::strings();
    let live = use_state(|| Option::<LiveStatus>::None);
    {
        let live = live.clone();
        let token = props.engine.0.borrow().token().to_owned();
        use_effect_with((), move |_| {
            let poll = move || {
                let live = live.clone();
                let token = token.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(s) =
                        api::get_json::<LiveStatus>(&format!("/api/status/{token}")).await
                    {
                        live.set(Some(s));
                    }
                });
            };
            poll();
            let interval = Interval::new(5_000, poll);
            move || drop(interval)
        });
    }
    let e = props.engine.0.borrow();
    let w = &props.workshop;
    html! {
        <section>
            <h2>{ t.tab_live }</h2>
            <div class="cards">
            { for w.groups.iter().map(|g| {
                let target = format!("group:{}", g.id);
                let st = live.as_ref().and_then(|l| l.targets.iter().find(|s| s.target == target).map(|s| (l.now, s.clone())));
                let connected = st.as_ref().is_some_and(|(_, s)| s.connections > 0);
                let last = match st.as_ref().and_then(|(now, s)| Some((*now, s.last_sync?))) {
                    None => t.never.to_owned(),
                    Some((now, at)) if now.saturating_sub(at) < 60 => t.just_now.to_owned(),
                    Some((now, at)) => fill(t.minutes_ago, &[("n", &(now.saturating_sub(at) / 60).to_string())]),
                };
                let notes = e.repo.doc(&g.doc_id).and_then(|d| doc::read_group(d).ok()).unwrap_or_default();
                let (answered, cases) = notes.filled();
                let q_total = w.questions_for(&g.area).count();
                let c_total = w.cases_for(&g.area).count();
                html! {
                    <div class="card">
                        <h3>{ g.name.clone() }</h3>
                        <p><span class={classes!("dot", connected.then_some("on"))} aria-hidden="true"></span>
                            { if connected { t.connected } else { t.not_connected } }</p>
                        <p>{ format!("{} {}", t.last_sync, last) }</p>
                        <p>{ fill(t.answers_count, &[("n", &answered.to_string()), ("m", &q_total.to_string())]) }</p>
                        if c_total > 0 {
                            <p>{ fill(t.cases_count, &[("n", &cases.to_string()), ("m", &c_total.to_string())]) }</p>
                        }
                    </div>
                }
            }) }
            </div>
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// Setup editor. Inputs commit on `change` (leaving the field), textareas for case bodies splice
// like the groups' notes.

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

fn setup_tab(t: &Strings, engine: &EngineRef, w: &Workshop, edit: &Callback<WorkshopEdit>) -> Html {
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

#[derive(Properties, PartialEq)]
struct EraseProps {
    engine: EngineRef,
    title: String,
    on_erased: Callback<()>,
}

#[function_component(EraseBox)]
fn erase_box(props: &EraseProps) -> Html {
    let t = i18n::strings();
    let failed = use_state(|| false);
    let onclick = {
        let engine = props.engine.clone();
        let title = props.title.clone();
        let on_erased = props.on_erased.clone();
        let failed = failed.clone();
        Callback::from(move |_| {
            let ok = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message(&fill(t.erase_confirm, &[("title", &title)]))
                        .ok()
                })
                .unwrap_or(false);
            if !ok {
                return;
            }
            let (token, ids) = {
                let e = engine.0.borrow();
                (
                    e.token().to_owned(),
                    e.info.docs.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
                )
            };
            let on_erased = on_erased.clone();
            let failed = failed.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::delete(&format!("/api/workshop/{token}")).await {
                    Ok(()) => {
                        // Nothing of it stays on this computer either.
                        store::forget(&token, &ids);
                        on_erased.emit(());
                    }
                    Err(_) => failed.set(true),
                }
            });
        })
    };
    html! {
        <section class="danger">
            <h2>{ t.erase_title }</h2>
            <p>{ t.erase_text }</p>
            if *failed { <p class="error" role="alert">{ t.erase_failed }</p> }
            <button class="danger" {onclick}>{ t.erase_button }</button>
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// Links.

#[derive(Properties, PartialEq)]
struct LinksProps {
    engine: EngineRef,
}

fn copy_button(t: &Strings, text: String) -> Html {
    html! {
        <button onclick={Callback::from(move |_| {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&text);
            }
        })}>{ t.copy }</button>
    }
}

#[function_component(LinksTab)]
fn links_tab(props: &LinksProps) -> Html {
    let t = i18n::strings();
    let links = use_state(|| Option::<Result<WorkshopLinks, ApiError>>::None);
    let message = use_state(|| Option::<&'static str>::None);
    let token = props.engine.0.borrow().token().to_owned();
    {
        let links = links.clone();
        let token = token.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                links.set(Some(api::get_json(&format!("/api/links/{token}")).await));
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
            let date = props
                .engine
                .0
                .borrow()
                .repo
                .doc(&props.engine.0.borrow().info.workshop_doc)
                .and_then(|d| doc::read_workshop(d).ok())
                .map(|w| w.date)
                .unwrap_or_default();
            html! {
                <>
                <div class="cards">
                { for l.groups.iter().map(|g| {
                    let email = fill(t.email_template, &[("date", &date), ("title", &l.title), ("group", &g.name), ("link", &g.link)]);
                    html! {
                        <div class="card link-card">
                            <h3>{ g.name.clone() }</h3>
                            <img class="qr" src={g.qr.clone()} alt={fill(t.qr_alt, &[("name", &g.name)])} width="240" height="240" />
                            <label>{ t.group_link }<input readonly=true value={g.link.clone()} /></label>
                            <div class="actions">
                                { copy_button(t, g.link.clone()) }
                                <button onclick={rotate(format!("group:{}", g.group_id))}>{ t.rotate }</button>
                            </div>
                            <details>
                                <summary>{ t.email_heading }</summary>
                                <textarea readonly=true rows="9" value={email.clone()} aria-label={t.email_heading} />
                                { copy_button(t, email) }
                            </details>
                        </div>
                    }
                }) }
                    <div class="card link-card">
                        <h3>{ t.catch_up_link }</h3>
                        <img class="qr" src={l.catch_up_qr.clone()} alt={fill(t.qr_alt, &[("name", t.catch_up_link)])} width="240" height="240" />
                        <label>{ fill(t.open_until, &[("date", &l.access_until)]) }<input readonly=true value={l.catch_up.clone()} /></label>
                        <div class="actions">
                            { copy_button(t, l.catch_up.clone()) }
                            <button onclick={rotate("catch_up".into())}>{ t.rotate }</button>
                        </div>
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

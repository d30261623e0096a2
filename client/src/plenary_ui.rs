//! The plenary, rendered live from the local copies with the same `shared` function the server
//! uses for its JSON and exports: per question every group's answer side by side (lifted ones
//! first), the facilitator's summary, the cases' reflections and the follow-up actions. Also
//! the presentation mode for the big screen, and the catch-up page.

use crate::EngineRef;
use crate::engine::Engine;
use crate::history_ui::{self, HistoryPanel, LastVisit, News};
use crate::i18n::{self, Strings, fill};
use crate::views::{Input, TextField, status_of};
use samtal_shared::doc::{self, GroupNotes, TextRef, Workshop};
use samtal_shared::doc::{FollowUp, PlenaryEdit};
use samtal_shared::view::{self, GroupText, PlenaryView};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// The workshop and its plenary view from what this browser holds now.
pub fn compute(e: &Engine) -> Option<(Workshop, PlenaryView)> {
    let w = doc::read_workshop(e.repo.doc(&e.info.workshop_doc)?).ok()?;
    let groups: Vec<GroupNotes> = w
        .groups
        .iter()
        .filter_map(|g| doc::read_group(e.repo.doc(&g.doc_id)?).ok())
        .collect();
    let notes = e
        .repo
        .doc(&w.plenary_doc_id)
        .and_then(|d| doc::read_plenary(d).ok())
        .unwrap_or_default();
    let view = view::plenary_view(&w, &groups, &notes);
    Some((w, view))
}

fn answer_cards(t: &Strings, answers: &[GroupText], field: &TextRef, news: Option<&News>) -> Html {
    let key = field.key();
    html! {
        <div class="answers">
        { for answers.iter().map(|a| {
            let fresh = news.and_then(|n| n.get(&(a.group_id.clone(), key.clone())));
            html! {
            <div class={classes!("answer", a.highlighted.then_some("lifted"), fresh.is_some().then_some("fresh"))}>
                <h4>
                    { a.group_name.clone() }
                    if a.highlighted { <span class="badge">{ t.lifted }</span> }
                    if fresh.is_some() { <span class="badge new">{ t.news_badge }</span> }
                </h4>
                if let Some(n) = fresh {
                    { history_ui::marked_text(t, n) }
                } else if a.text.trim().is_empty() {
                    <p class="muted">{ t.no_notes_yet }</p>
                } else {
                    <p class="notes">{ a.text.clone() }</p>
                }
            </div>
        }}) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct PanelProps {
    pub engine: EngineRef,
    pub tick: u64,
    /// The facilitator edits summaries and follow-ups; catch-up only reads.
    pub editable: bool,
    #[prop_or_default]
    pub on_present: Option<Callback<()>>,
    /// What is new since the last visit (catch-up), marked in the cards.
    #[prop_or_default]
    pub news: Option<Rc<News>>,
}

/// Export links (Markdown download, printable HTML).
pub fn export_buttons(t: &Strings, token: &str) -> Html {
    let lang = i18n::lang_code();
    html! {
        <div class="actions">
            <a class="button" href={format!("/api/export/{token}/plenary.md?lang={lang}")} download="">{ t.export_md }</a>
            <a class="button" href={format!("/api/export/{token}/plenary.html?lang={lang}")} target="_blank" rel="noopener">{ t.export_html }</a>
        </div>
    }
}

#[function_component(PlenaryPanel)]
pub fn plenary_panel(props: &PanelProps) -> Html {
    let t = i18n::strings();
    let e = props.engine.0.borrow();
    let token = e.token().to_owned();
    let Some((w, view)) = compute(&e) else {
        return html! { <p>{ t.loading }</p> };
    };
    let plenary_doc = w.plenary_doc_id;
    let summary_ready: Vec<bool> = view
        .questions
        .iter()
        .map(|q| {
            e.repo.doc(&plenary_doc).is_some_and(|d| {
                doc::read_text(
                    d,
                    &TextRef::Summary {
                        question_id: q.id.clone(),
                    },
                )
                .is_some()
            })
        })
        .collect();
    drop(e);
    let follow_edit = {
        let engine = props.engine.clone();
        move |edit: PlenaryEdit| {
            let _ = engine
                .0
                .borrow_mut()
                .change(plenary_doc, |d| doc::apply_plenary_edit(d, &edit));
        }
    };
    html! {
        <div class="plenary">
            <div class="actions">
                if let Some(cb) = &props.on_present {
                    if !view.questions.is_empty() {
                        <button class="primary" onclick={cb.reform(|_| ())}>{ t.present }</button>
                    }
                }
            </div>
            { export_buttons(t, &token) }
            if view.questions.is_empty() { <p class="muted">{ t.no_questions_yet }</p> }
            { for view.questions.iter().zip(summary_ready).enumerate().map(|(i, (q, ready))| html! {
                <article class="question">
                    <h3>{ format!("{}. {}", i + 1, q.text) }</h3>
                    if props.editable {
                        if ready {
                            <TextField engine={props.engine.clone()} doc={plenary_doc}
                                field={TextRef::Summary { question_id: q.id.clone() }}
                                label={t.summary_label.to_owned()} id={format!("s-{}", q.id)}
                                value={q.summary.clone()} hint={false} />
                        } else {
                            <p class="muted">{ t.waiting_for_server }</p>
                        }
                    } else {
                        <h4>{ t.summary }</h4>
                        if q.summary.trim().is_empty() { <p class="muted">{ t.no_summary_yet }</p> }
                        else { <p class="summary notes">{ q.summary.clone() }</p> }
                    }
                    { answer_cards(t, &q.answers, &TextRef::Answer { question_id: q.id.clone() }, props.news.as_deref()) }
                </article>
            }) }
            if !view.cases.is_empty() {
                <h2>{ t.cases }</h2>
                { for view.cases.iter().map(|c| html! {
                    <article class="case">
                        <h3>{ c.title.clone() }<span class="muted">{ format!(" · {}", c.area) }</span></h3>
                        <p class="case-body">{ c.body.clone() }</p>
                        { for c.fields.iter().map(|f| html! {
                            <>
                                <h4>{ f.label.clone() }</h4>
                                { answer_cards(t, &f.answers, &TextRef::Reflection { case_id: c.id.clone(), field_id: f.field_id.clone() }, props.news.as_deref()) }
                            </>
                        }) }
                    </article>
                }) }
            }
            <h2>{ t.follow_up }</h2>
            if props.editable {
                <FollowUps items={view.follow_up.clone()} on_edit={Callback::from(follow_edit)} />
            } else if view.follow_up.is_empty() {
                <p class="muted">{ t.nothing_to_follow_up }</p>
            } else {
                <ul class="follow-up">
                { for view.follow_up.iter().map(|f| html! {
                    <li>
                        <strong>{ f.text.clone() }</strong>
                        { format!(" — {}: {}, {}: {}", t.fu_who, f.owner, t.fu_when, f.due) }
                        if f.done { <span class="badge">{ t.fu_done }</span> }
                    </li>
                }) }
                </ul>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct FollowUpProps {
    items: Vec<FollowUp>,
    on_edit: Callback<PlenaryEdit>,
}

#[function_component(FollowUps)]
fn follow_ups(props: &FollowUpProps) -> Html {
    let t = i18n::strings();
    let row = |f: &FollowUp| {
        let set = |apply: fn(&mut FollowUp, String)| {
            let (f, cb) = (f.clone(), props.on_edit.clone());
            Callback::from(move |v: String| {
                let mut f = f.clone();
                apply(&mut f, v);
                cb.emit(PlenaryEdit::FollowUp(f));
            })
        };
        let toggle = {
            let (f, cb) = (f.clone(), props.on_edit.clone());
            Callback::from(move |_| {
                let mut f = f.clone();
                f.done = !f.done;
                cb.emit(PlenaryEdit::FollowUp(f));
            })
        };
        let remove = {
            let (id, cb) = (f.id.clone(), props.on_edit.clone());
            Callback::from(move |_| cb.emit(PlenaryEdit::RemoveFollowUp { id: id.clone() }))
        };
        let id = &f.id;
        html! {
            <fieldset class="row" key={f.id.clone()}>
                <legend class="sr-only">{ t.follow_up }</legend>
                <Input class={classes!("grow")} id={format!("fu-{id}-text")} label={t.fu_what} value={f.text.clone()} onchange={set(|f, v| f.text = v)} />
                <Input id={format!("fu-{id}-who")} label={t.fu_who} value={f.owner.clone()} onchange={set(|f, v| f.owner = v)} />
                <Input id={format!("fu-{id}-when")} label={t.fu_when} value={f.due.clone()} onchange={set(|f, v| f.due = v)} />
                <label class="check"><input type="checkbox" checked={f.done} onchange={toggle} />{ t.fu_done }</label>
                <button class="link" onclick={remove}>{ t.remove }</button>
            </fieldset>
        }
    };
    let add = {
        let cb = props.on_edit.clone();
        Callback::from(move |_| {
            cb.emit(PlenaryEdit::AddFollowUp {
                id: format!("a-{}", crate::engine::random_id()),
            })
        })
    };
    html! {
        <div class="follow-ups">
            { for props.items.iter().map(row) }
            <button onclick={add}>{ t.add_follow_up }</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct PresentProps {
    pub engine: EngineRef,
    pub tick: u64,
    pub on_exit: Callback<()>,
}

/// One question at a time in large type; arrow keys move, Esc leaves.
#[function_component(Presentation)]
pub fn presentation(props: &PresentProps) -> Html {
    let t = i18n::strings();
    let index = use_state(|| 0usize);
    let e = props.engine.0.borrow();
    let view = compute(&e).map(|(_, v)| v);
    drop(e);
    let count = view.as_ref().map_or(0, |v| v.questions.len());
    {
        let index = index.clone();
        let on_exit = props.on_exit.clone();
        use_effect_with(count, move |&count| {
            let listener = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(
                move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
                    "ArrowRight" | "PageDown" | " " => {
                        ev.prevent_default();
                        index.set((*index + 1).min(count.saturating_sub(1)));
                    }
                    "ArrowLeft" | "PageUp" => {
                        ev.prevent_default();
                        index.set(index.saturating_sub(1));
                    }
                    "Escape" => on_exit.emit(()),
                    _ => {}
                },
            );
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w
                    .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "keydown",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                drop(listener);
            }
        });
    }
    let Some(view) = view else {
        return html! { <p>{ t.loading }</p> };
    };
    let i = (*index).min(count.saturating_sub(1));
    let Some(q) = view.questions.get(i) else {
        return html! { <p>{ t.no_questions_yet }</p> };
    };
    let go = |to: usize| {
        let index = index.clone();
        Callback::from(move |_| index.set(to))
    };
    html! {
        <section class="present" aria-roledescription="presentation" aria-live="polite">
            <p class="eyebrow">{ format!("{} · {}", view.title, fill(t.question_n_of, &[("n", &(i + 1).to_string()), ("m", &count.to_string())])) }</p>
            <h1>{ q.text.clone() }</h1>
            if !q.summary.trim().is_empty() {
                <p class="summary notes">{ q.summary.clone() }</p>
            }
            { answer_cards(t, &q.answers, &TextRef::Answer { question_id: q.id.clone() }, None) }
            <nav class="present-nav">
                <button onclick={go(i.saturating_sub(1))} disabled={i == 0}>{ format!("← {}", t.prev) }</button>
                <button onclick={props.on_exit.reform(|_| ())}>{ t.exit_present }</button>
                <button onclick={go((i + 1).min(count.saturating_sub(1)))} disabled={i + 1 >= count}>{ format!("{} →", t.next) }</button>
            </nav>
            <p class="muted">{ t.present_hint }</p>
        </section>
    }
}

/// The catch-up page: read-only, with when it closes, what is new since this browser's last
/// visit (marked in the notes, counted per group), and the history.
#[function_component(CatchUpView)]
pub fn catch_up_view(props: &crate::views::ViewProps) -> Html {
    let t = i18n::strings();
    // What the last visit saw, read once: this visit keeps updating the stored heads.
    let last = use_state(|| {
        let e = props.engine.0.borrow();
        let docs: Vec<_> = e.info.docs.iter().map(|(id, _)| *id).collect();
        LastVisit::load(&docs)
    });
    let show_history = use_state(|| false);
    let (status, workshop) = status_of(&props.engine, t);
    let Some(w) = workshop else {
        return html! { <main id="main">{ status }<p>{ t.loading }</p></main> };
    };
    let (news, counts) = {
        let mut e = props.engine.0.borrow_mut();
        let found = history_ui::news(&mut e, &w, &last);
        history_ui::remember_seen(&mut e, &w);
        found
    };
    let toggle = {
        let show = show_history.clone();
        Callback::from(move |_| show.set(!*show))
    };
    html! {
        <>
        <header class="top">
            <div>
                <p class="eyebrow">{ format!("{} · {}", t.catchup_title, w.date) }</p>
                <h1>{ w.title.clone() }</h1>
            </div>
            { status }
        </header>
        <main id="main">
            <p>{ t.catchup_intro }</p>
            <p><strong>{ fill(t.open_until, &[("date", &w.access_until)]) }</strong></p>
            <section class="news" aria-labelledby="news-heading">
                <h2 id="news-heading">{ t.news_heading }</h2>
                if *last == LastVisit::First {
                    <p class="muted">{ t.news_first_visit }</p>
                } else if counts.is_empty() {
                    <p class="muted">{ t.news_none }</p>
                } else {
                    <ul class="news-counts">
                    { for counts.iter().map(|(group, n)| html! {
                        <li>{ fill(t.news_count, &[("group", group), ("n", &n.to_string())]) }</li>
                    }) }
                    </ul>
                }
            </section>
            { crate::views::materials(t, &w) }
            <h2>{ t.questions }</h2>
            <PlenaryPanel engine={props.engine.clone()} tick={props.tick} editable={false} news={Some(Rc::new(news))} />
            <h2>{ t.tab_history }</h2>
            <button aria-expanded={show_history.to_string()} onclick={toggle}>
                { if *show_history { t.hide_history } else { t.show_history } }
            </button>
            if *show_history {
                <HistoryPanel engine={props.engine.clone()} tick={props.tick} can_restore={false} />
            }
        </main>
        </>
    }
}

//! The live plenary panel: every group's answers per question and case, the facilitator's
//! summaries, follow-ups, exports.

use crate::engine::random_id;
use crate::i18n::fill;
use crate::model::{
    FOLLOW_UP_ANCHOR, News, OVERALL_ANCHOR, RoundChoice, compute_in, question_anchor,
};
use crate::panels::vote::VoteResults;
use crate::widgets::{
    Input, TextField, action_edit, action_status_edit, answer_cards, export_buttons, link_list,
    round_switch, status_select,
};
use crate::{EngineRef, i18n};
use samtal_shared::doc::{self, ActionKey, FollowUp, PlenaryEdit, TextRef, Vote, WorkshopEdit};
use samtal_shared::export::{due_cell, round_name};
use samtal_shared::view::{GroupText, PlenaryView};
use std::rc::Rc;
use yew::prelude::*;

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
    /// The round shown, and where a change of it goes (the page keeps it).
    #[prop_or_default]
    pub round: RoundChoice,
    #[prop_or_default]
    pub on_round: Callback<RoundChoice>,
}

#[function_component(PlenaryPanel)]
pub fn plenary_panel(props: &PanelProps) -> Html {
    let t = i18n::strings();
    let e = props.engine.0.borrow();
    let token = e.token().to_owned();
    let Some((w, view, _)) = compute_in(&e, props.round) else {
        return html! { <p>{ t.loading }</p> };
    };
    let plenary_doc = w.plenary_doc_id;
    let wdoc = e.info.workshop_doc;
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
    let overall_ready = e
        .repo
        .doc(&plenary_doc)
        .is_some_and(|d| doc::read_text(d, &TextRef::Overall).is_some());
    // The trainer's tips, for the facilitator's eyes (not in the exports, not on the big screen).
    let tips: Vec<Option<String>> = view
        .questions
        .iter()
        .map(|q| {
            w.questions
                .iter()
                .find(|wq| wq.id == q.id)
                .and_then(|wq| wq.note.clone())
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
            { round_switch(t, &view.rounds, props.round, w.latest_round(), &props.on_round) }
            { export_buttons(t, &token, view.round) }
            { contents(&view) }
            { overall(&props.engine, plenary_doc, overall_ready, props.editable, &view.overall) }
            <VoteResults engine={props.engine.clone()} tick={props.tick} editable={props.editable} />
            if view.questions.is_empty() { <p class="muted">{ t.no_questions_yet }</p> }
            { for view.questions.iter().zip(summary_ready).zip(tips).enumerate().map(|(i, ((q, ready), tip))| html! {
                <article class="question" id={question_anchor(&q.id)}>
                    <h3>{ format!("{}. {}", i + 1, q.text) }</h3>
                    if let Some(tip) = tip.filter(|_| props.editable) {
                        <p class="hint note">{ format!("{}: {tip}", t.facilitator_note) }</p>
                    }
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
                    { cards(&view, &q.answers, &TextRef::Answer { question_id: q.id.clone() }, props.news.as_deref()) }
                    if props.editable {
                        { open_vote(&props.engine, wdoc, t.vote_open.to_owned(), view.vote_on_question(&q.id, &random_id())) }
                    }
                </article>
            }) }
            if !view.cases.is_empty() {
                <h2 id="cases">{ t.cases }</h2>
                { for view.cases.iter().map(|c| html! {
                    <article class="case" id={format!("case-{}", c.id)}>
                        <h3>{ c.title.clone() }<span class="muted">{ format!(" · {}", c.area) }</span></h3>
                        <p class="case-body">{ c.body.clone() }</p>
                        { link_list(&c.links, "case-links") }
                        { for c.fields.iter().map(|f| html! {
                            <>
                                <h4>{ f.label.clone() }</h4>
                                { cards(&view, &f.answers, &TextRef::Reflection { case_id: c.id.clone(), field_id: f.field_id.clone() }, props.news.as_deref()) }
                            </>
                        }) }
                    </article>
                }) }
                if props.editable {
                    { for view.case_fields().into_iter().map(|(id, label)| open_vote(
                        &props.engine,
                        wdoc,
                        fill(t.vote_on_field, &[("field", &label)]),
                        view.vote_on_field(&id, &random_id()),
                    )) }
                }
            }
            <h2 id={FOLLOW_UP_ANCHOR}>{ t.follow_up }</h2>
            if props.editable {
                <FollowUps items={view.follow_up.clone()} on_edit={Callback::from(follow_edit)} />
            } else if view.follow_up.is_empty() {
                <p class="muted">{ t.nothing_to_follow_up }</p>
            } else {
                <ul class="follow-up">
                { for view.follow_up.iter().map(|f| html! {
                    <li>
                        <strong>{ f.text.clone() }</strong>
                        { format!(" — {}: {}, {}: {} ", t.fu_who, f.owner, t.fu_when, due_cell(t, f)) }
                        <span class={classes!("badge", f.is_done().then_some("done"))}>{ t.action_status(f.status) }</span>
                        if !f.comment.trim().is_empty() { <p class="muted">{ f.comment.clone() }</p> }
                    </li>
                }) }
                </ul>
            }
            // The follow-up meeting's agenda, for those who read (the facilitator sorts it
            // in the Uppföljning tab).
            if !props.editable && !view.agenda.is_empty() {
                <h3>{ t.qbox_agenda }</h3>
                <ol class="agenda">
                    { for view.agenda.iter().map(|q| html! { <li>{ q.clone() }</li> }) }
                </ol>
            }
        </div>
    }
}

/// A table of contents: every question, every case, the follow-up — links down the page.
fn contents(v: &PlenaryView) -> Html {
    let t = i18n::strings();
    if v.questions.is_empty() && v.cases.is_empty() {
        return Html::default();
    }
    html! {
        <nav class="toc" aria-label={t.toc_label}>
            <h2>{ t.toc_label }</h2>
            <ul>
                { for v.questions.iter().enumerate().map(|(i, q)| html! {
                    <li><a href={format!("#{}", question_anchor(&q.id))}>{ format!("{}. {}", i + 1, q.text) }</a></li>
                }) }
                if !v.cases.is_empty() {
                    <li><a href="#cases">{ t.cases }</a>
                        <ul>
                            { for v.cases.iter().map(|c| html! {
                                <li><a href={format!("#case-{}", c.id)}>{ c.title.clone() }</a></li>
                            }) }
                        </ul>
                    </li>
                }
                <li><a href={format!("#{FOLLOW_UP_ANCHOR}")}>{ t.follow_up }</a></li>
            </ul>
        </nav>
    }
}

/// The facilitator's summary of the whole day: a field for her, a paragraph for a reader (none
/// while empty).
fn overall(
    engine: &EngineRef,
    plenary_doc: samtal_shared::DocumentId,
    ready: bool,
    editable: bool,
    text: &str,
) -> Html {
    let t = i18n::strings();
    if editable && ready {
        html! {
            <section class="overall">
                <TextField engine={engine.clone()} doc={plenary_doc} field={TextRef::Overall}
                    label={t.record_overall.to_owned()} id="overall" value={text.to_owned()} hint={false} />
            </section>
        }
    } else if !editable && !text.trim().is_empty() {
        html! {
            <section class="overall" id={OVERALL_ANCHOR}>
                <h2>{ t.record_overall }</h2>
                <p class="summary notes">{ text.to_owned() }</p>
            </section>
        }
    } else {
        Html::default()
    }
}

/// The groups' cards; with every round shown, side by side, a column per round.
fn cards(v: &PlenaryView, answers: &[GroupText], field: &TextRef, news: Option<&News>) -> Html {
    let t = i18n::strings();
    let several = v.rounds.len() > 1;
    if v.round.is_some() || !several {
        return answer_cards(t, answers, field, news, several);
    }
    html! {
        <div class={format!("by-round cols-{}", v.rounds.len().min(4))}>
            { for v.rounds.iter().map(|&r| {
                let these: Vec<GroupText> = answers.iter().filter(|a| a.round == r).cloned().collect();
                html! {
                    <section class="round-col">
                        <h4 class="round-head">{ round_name(t, r) }</h4>
                        if these.is_empty() { <p class="muted">{ t.no_notes_yet }</p> }
                        else { { answer_cards(t, &these, field, news, true) } }
                    </section>
                }
            }) }
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
        let set = |key: ActionKey| action_edit(&props.on_edit, &f.id, key);
        let status = action_status_edit(&props.on_edit, &f.id);
        let remove = {
            let (id, cb) = (f.id.clone(), props.on_edit.clone());
            Callback::from(move |_| cb.emit(PlenaryEdit::RemoveFollowUp { id: id.clone() }))
        };
        let id = &f.id;
        html! {
            <fieldset class="row" key={f.id.clone()}>
                <legend class="sr-only">{ t.follow_up }</legend>
                <Input class={classes!("grow")} id={format!("fu-{id}-text")} label={t.fu_what} value={f.text.clone()} onchange={set(ActionKey::Text)} />
                <Input id={format!("fu-{id}-who")} label={t.fu_who} value={f.owner.clone()} onchange={set(ActionKey::Owner)} />
                <Input id={format!("fu-{id}-when")} label={t.fu_when} value={f.due.clone()} onchange={set(ActionKey::Due)} />
                { status_select(t, format!("fu-{id}-status"), f.status, status) }
                <button class="link" onclick={remove}>{ t.remove }</button>
            </fieldset>
        }
    };
    let add = {
        let cb = props.on_edit.clone();
        Callback::from(move |_| {
            cb.emit(PlenaryEdit::AddFollowUp {
                id: format!("a-{}", random_id()),
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

/// "Vote on …": open `vote` (a new one, in place of any earlier), or a disabled button when
/// nothing has been written to vote on yet.
fn open_vote(
    engine: &EngineRef,
    wdoc: samtal_shared::DocumentId,
    label: String,
    vote: Option<Vote>,
) -> Html {
    let t = i18n::strings();
    let empty = vote.is_none();
    let engine = engine.clone();
    let open = Callback::from(move |_| {
        let edit = WorkshopEdit::Vote(vote.clone());
        if vote.is_some() {
            let _ = engine
                .0
                .borrow_mut()
                .change(wdoc, |d| doc::apply_workshop_edit(d, &edit));
        }
    });
    html! {
        <p class="actions">
            <button onclick={open} disabled={empty}>{ label }</button>
            <span class="hint">{ fill(t.vote_open_hint, &[("n", &doc::DEFAULT_DOTS.to_string())]) }</span>
        </p>
    }
}

//! The follow-up meeting ("Uppföljning"): its date, and each action from the day with where it
//! stands now — status, a new date, what the meeting said — and the questions sent to it. The
//! records show the same.

use super::questions::question_sorter;
use crate::EngineRef;
use crate::i18n::{Strings, fill};
use crate::widgets::{Input, action_edit, action_status_edit, export_buttons, status_select};
use samtal_shared::doc::{self, ActionKey, FollowUp, PlenaryEdit, Workshop, WorkshopEdit};
use yew::prelude::*;

/// The tab: the meeting's date (the catch-up link then stays open until a week after it), the
/// actions with their status, the records to print.
pub fn follow_up_tab(
    t: &Strings,
    engine: &EngineRef,
    w: &Workshop,
    edit: &Callback<WorkshopEdit>,
) -> Html {
    let (token, actions) = {
        let e = engine.0.borrow();
        let actions: Vec<FollowUp> = e
            .repo
            .doc(&w.plenary_doc_id)
            .and_then(|d| doc::read_plenary(d).ok())
            .map(|p| {
                p.follow_up
                    .into_iter()
                    .filter(|f| !f.text.trim().is_empty())
                    .collect()
            })
            .unwrap_or_default();
        (e.token().to_owned(), actions)
    };
    let plenary_doc = w.plenary_doc_id;
    let on_action = {
        let engine = engine.clone();
        Callback::from(move |edit: PlenaryEdit| {
            let _ = engine
                .0
                .borrow_mut()
                .change(plenary_doc, |d| doc::apply_plenary_edit(d, &edit));
        })
    };
    let done = actions.iter().filter(|f| f.is_done()).count();
    html! {
        <section class="follow-up-meeting" aria-labelledby="fu-heading">
            <h2 id="fu-heading">{ t.tab_follow_up }</h2>
            <p class="hint">{ t.follow_up_intro }</p>
            <div class="row">
                <Input class={classes!("grow")} id="w-follow-up" label={t.follow_up_meeting_date}
                    value={w.follow_up_date.clone()} kind="date" onchange={edit.reform(WorkshopEdit::FollowUpDate)} />
            </div>
            if !w.follow_up_date.is_empty() {
                <p class="hint">{ fill(t.follow_up_window, &[("date", &w.access_until)]) }</p>
            }
            <h3>{ t.follow_up_actions }</h3>
            if actions.is_empty() {
                <p class="muted">{ t.follow_up_no_actions }</p>
            } else {
                <p role="status">{ fill(t.follow_up_progress, &[("done", &done.to_string()), ("n", &actions.len().to_string())]) }</p>
                <ol class="fu-actions">
                    { for actions.iter().map(|f| action(t, f, &on_action)) }
                </ol>
            }
            { question_sorter(t, engine, &w.workshop_id) }
            { export_buttons(t, &token, None) }
        </section>
    }
}

/// One action: what, who and by when as agreed on the day; its status, a new date and the
/// meeting's comment, saved as chosen or typed.
fn action(t: &Strings, f: &FollowUp, on: &Callback<PlenaryEdit>) -> Html {
    let status = action_status_edit(on, &f.id);
    let id = &f.id;
    let agreed = format!("{}: {} · {}: {}", t.fu_who, f.owner, t.fu_when, f.due);
    html! {
        <li key={id.clone()} class={classes!("fu-action", f.is_done().then_some("done"))}>
            <h4 id={format!("fu-{id}-h")}>{ f.text.clone() }</h4>
            <p class="muted">{ agreed }</p>
            <div class="row" role="group" aria-labelledby={format!("fu-{id}-h")}>
                { status_select(t, format!("fu-{id}-st"), f.status, status) }
                <Input id={format!("fu-{id}-new-due")} label={t.fu_new_due} value={f.new_due.clone()}
                    kind="date" onchange={action_edit(on, id, ActionKey::NewDue)} />
                <Input class={classes!("grow")} id={format!("fu-{id}-comment")} label={t.fu_comment}
                    value={f.comment.clone()} live={true} onchange={action_edit(on, id, ActionKey::Comment)} />
            </div>
        </li>
    }
}

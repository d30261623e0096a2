//! The plenary's dot-vote (see `samtal_shared::doc::vote`): on a group page this device's
//! dots, placed and moved until the vote closes; for the facilitator and the catch-up page the
//! results, live and ranked, and her controls (close, remove, make the top items actions).

use crate::i18n::{self, fill};
use crate::model::group_notes;
use crate::{EngineRef, engine, store};
use samtal_shared::doc::{self, FollowUp, PlenaryEdit, Vote, WorkshopEdit};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct VoteProps {
    pub engine: EngineRef,
    pub tick: u64,
}

/// This device's dots in the open vote (group page). Nothing when there is no vote.
#[function_component(Ballot)]
pub fn ballot(props: &VoteProps) -> Html {
    let t = i18n::strings();
    let e = props.engine.0.borrow();
    let vote = e.workshop().and_then(|w| w.vote);
    let gdoc = e.info.own_group_doc();
    let notes = gdoc.and_then(|id| e.group_notes(&id));
    drop(e);
    let (Some(vote), Some(gdoc), Some(notes), Some(voter)) = (vote, gdoc, notes, store::voter_id())
    else {
        return html! {};
    };
    let key = doc::ballot_key(&vote.id, &voter);
    let mut mine: Vec<String> = notes
        .ballots
        .get(&key)
        .and_then(|b| doc::parse_ballot(b))
        .unwrap_or_default();
    mine.truncate(vote.dots);
    let left = vote.dots - mine.len();
    let set = |dots: Vec<String>| {
        let engine = props.engine.clone();
        let (vote_id, voter) = (vote.id.clone(), voter.clone());
        Callback::from(move |_| {
            let _ = engine
                .0
                .borrow_mut()
                .change_anonymously(gdoc, |d| doc::set_ballot(d, &vote_id, &voter, &dots));
        })
    };
    html! {
        <section class="vote" aria-labelledby="vote-heading">
            <h2 id="vote-heading">{ format!("{}: {}", t.vote_heading, vote.title) }</h2>
            if vote.open {
                <p>{ t.vote_intro }</p>
                <p class="dots-left" aria-live="polite">
                    { fill(t.vote_dots_left, &[("n", &left.to_string()), ("m", &vote.dots.to_string())]) }
                </p>
            } else {
                <p class="muted">{ t.vote_closed }</p>
            }
            <ul class="vote-items">
                { for vote.items.iter().map(|item| {
                    let here = mine.iter().filter(|d| **d == item.id).count();
                    let placed = "●".repeat(here);
                    let mut more = mine.clone();
                    more.push(item.id.clone());
                    let mut fewer = mine.clone();
                    if let Some(at) = fewer.iter().rposition(|d| *d == item.id) {
                        fewer.remove(at);
                    }
                    let group = [("group", item.group.as_str())];
                    html! {
                        <li>
                            <p class="vote-group">{ item.group.clone() }</p>
                            <p class="notes">{ item.text.clone() }</p>
                            <p class="vote-row">
                                <span class="dots" aria-hidden="true">{ placed }</span>
                                <span>{ fill(t.vote_your_dots, &[("n", &here.to_string())]) }</span>
                                // The group in the name, for a screen reader going from button
                                // to button; what the eye reads is part of it.
                                <button onclick={set(more)} disabled={!vote.open || left == 0}>
                                    { t.vote_add }<span class="sr-only">{ fill(t.vote_add_on, &group) }</span>
                                </button>
                                <button onclick={set(fewer)} disabled={!vote.open || here == 0}>
                                    { t.vote_remove }<span class="sr-only">{ fill(t.vote_remove_on, &group) }</span>
                                </button>
                            </p>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub engine: EngineRef,
    pub tick: u64,
    /// The facilitator's controls (close, remove, make an item an action).
    pub editable: bool,
}

/// The vote's results, most dots first (facilitator and catch-up).
#[function_component(VoteResults)]
pub fn vote_results(props: &ResultsProps) -> Html {
    let t = i18n::strings();
    let e = props.engine.0.borrow();
    let Some(w) = e.workshop() else {
        return html! {};
    };
    let Some(vote) = w.vote.clone() else {
        return html! {};
    };
    let groups = group_notes(&e, &w);
    let actions: Vec<String> = e
        .repo
        .doc(&w.plenary_doc_id)
        .and_then(|d| doc::read_plenary(d).ok())
        .map(|p| p.follow_up.into_iter().map(|f| f.text).collect())
        .unwrap_or_default();
    drop(e);
    let (wdoc, plenary_doc) = (props.engine.0.borrow().info.workshop_doc, w.plenary_doc_id);
    let set_vote = |next: Option<Vote>| {
        let engine = props.engine.clone();
        Callback::from(move |_| {
            let edit = WorkshopEdit::Vote(next.clone());
            let _ = engine
                .0
                .borrow_mut()
                .change(wdoc, |d| doc::apply_workshop_edit(d, &edit));
        })
    };
    let to_action = |text: String| {
        let engine = props.engine.clone();
        Callback::from(move |_| {
            let id = engine::random_id();
            let _ = engine.0.borrow_mut().change(plenary_doc, |d| {
                doc::apply_plenary_edit(d, &PlenaryEdit::AddFollowUp { id: id.clone() })?;
                doc::apply_plenary_edit(
                    d,
                    &PlenaryEdit::FollowUp(FollowUp {
                        id: id.clone(),
                        text: text.clone(),
                        ..FollowUp::default()
                    }),
                )
            });
        })
    };
    let tally = vote.tally(&groups);
    html! {
        <section class="vote results" aria-labelledby="vote-results">
            <h2 id="vote-results">
                { format!("{}: {}", t.vote_heading, vote.title) }
                if vote.open { <span class="badge">{ t.vote_live }</span> }
            </h2>
            <ol class="vote-items">
                { for tally.iter().map(|(item, n)| {
                    let made = actions.contains(&item.text);
                    html! {
                        <li>
                            <p class="vote-group">
                                <strong>{ fill(t.vote_dots_n, &[("n", &n.to_string())]) }</strong>
                                { format!(" · {}", item.group) }
                            </p>
                            <p class="notes">{ item.text.clone() }</p>
                            if props.editable {
                                if made {
                                    <p class="muted">{ format!("✓ {}", t.vote_made_follow_up) }</p>
                                } else {
                                    <button onclick={to_action(item.text.clone())}>{ t.vote_to_follow_up }</button>
                                }
                            }
                        </li>
                    }
                }) }
            </ol>
            if props.editable {
                <p class="actions">
                    if vote.open {
                        <button class="primary" onclick={set_vote(Some(vote.closed(&groups)))}>{ t.vote_close }</button>
                    }
                    <button onclick={set_vote(None)}>{ t.vote_discard }</button>
                </p>
            }
        </section>
    }
}

//! "Ny omgång i blandade grupper": the facilitator says how many people each group of a round
//! has and how many new groups she wants; Samtal proposes groups that each draw from different
//! areas (`samtal_shared::rounds`), she adjusts names, sizes and topics, and one
//! `WorkshopEdit::AddRound` starts the round. Its groups' documents and links follow from the
//! workshop document, as for any new group.

use crate::i18n::{self, Strings, fill};
use crate::widgets::value_of;
use samtal_shared::doc::{MAX_ROUNDS, Workshop, WorkshopEdit};
use samtal_shared::rounds::{self, MAX_PEOPLE, MAX_ROUND_GROUPS, Proposal};
use yew::prelude::*;

/// People per source group until she says otherwise.
const DEFAULT_PEOPLE: u32 = 6;

#[derive(Properties, PartialEq)]
pub(super) struct NewRoundProps {
    pub(super) workshop: Workshop,
    pub(super) edit: Callback<WorkshopEdit>,
}

/// What she has set so far; everything else is proposed.
#[derive(Clone, PartialEq)]
struct Draft {
    from_round: u32,
    /// People per group of `from_round`, in the facilitator's group order.
    people: Vec<u32>,
    count: usize,
    /// Names she typed (`None`: the proposed "Blandad grupp n").
    names: Vec<Option<String>>,
    /// Sizes she set (`None`: an even share of the rest).
    sizes: Vec<Option<u32>>,
    /// What each new group discusses: an area, or "" for the questions every group gets.
    topics: Vec<String>,
}

impl Draft {
    fn new(w: &Workshop, from_round: u32) -> Self {
        let sources = w.groups_in(from_round).count();
        let count = sources.clamp(1, MAX_ROUND_GROUPS);
        Draft {
            from_round,
            people: vec![DEFAULT_PEOPLE; sources],
            count,
            names: vec![None; count],
            sizes: vec![None; count],
            topics: vec![String::new(); count],
        }
    }

    fn with_count(mut self, count: usize) -> Self {
        self.count = count.clamp(1, MAX_ROUND_GROUPS);
        self.names.resize(self.count, None);
        self.sizes.resize(self.count, None);
        self.topics.resize(self.count, String::new());
        self
    }

    /// The sizes the proposal uses: hers where set, an even share of the rest elsewhere.
    fn sizes(&self) -> Vec<u32> {
        let total: u32 = self.people.iter().sum();
        let fixed: u32 = self.sizes.iter().flatten().sum();
        let open = self.sizes.iter().filter(|s| s.is_none()).count();
        let mut share = rounds::balanced(total.saturating_sub(fixed), open).into_iter();
        self.sizes
            .iter()
            .map(|s| s.unwrap_or_else(|| share.next().unwrap_or(0)))
            .collect()
    }

    fn name(&self, t: &Strings, j: usize) -> String {
        self.names
            .get(j)
            .cloned()
            .flatten()
            .unwrap_or_else(|| fill(t.mixed_group_name, &[("n", &(j + 1).to_string())]))
    }

    fn proposal(&self, t: &Strings, w: &Workshop) -> Proposal {
        rounds::propose(w, self.from_round, &self.people, &self.sizes(), |j| {
            self.name(t, j)
        })
    }
}

/// A callback that changes the draft with what its event carries.
fn on_draft<E: AsRef<Event> + 'static>(
    draft: &UseStateHandle<Draft>,
    f: impl Fn(&mut Draft, &Event) + 'static,
) -> Callback<E> {
    let draft = draft.clone();
    Callback::from(move |ev: E| {
        let mut d = (*draft).clone();
        f(&mut d, ev.as_ref());
        draft.set(d);
    })
}

fn number(ev: &Event, max: u32) -> Option<u32> {
    value_of(ev).trim().parse::<u32>().ok().map(|n| n.min(max))
}

#[function_component(NewRound)]
pub(super) fn new_round(props: &NewRoundProps) -> Html {
    let t = i18n::strings();
    let w = &props.workshop;
    let open = use_state(|| false);
    let started = use_state(|| Option::<u32>::None);
    let draft = use_state(|| Draft::new(w, rounds::default_source(w)));
    let latest = w.latest_round();
    let done = started
        .filter(|r| latest >= *r)
        .map(|r| html! { <p class="notice" role="status">{ fill(t.new_round_started, &[("n", &r.to_string())]) }</p> });
    if latest >= MAX_ROUNDS {
        return html! {
            <section class="new-round">
                { done.unwrap_or_default() }
                <p class="hint">{ fill(t.new_round_max, &[("n", &MAX_ROUNDS.to_string())]) }</p>
            </section>
        };
    }
    if !*open {
        let (open, draft, w) = (open.clone(), draft.clone(), w.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            draft.set(Draft::new(&w, rounds::default_source(&w)));
            open.set(true);
        });
        return html! {
            <section class="new-round">
                { done.unwrap_or_default() }
                <button type="button" aria-expanded="false" aria-controls="new-round" {onclick}>{ t.new_round_open }</button>
            </section>
        };
    }
    let d = (*draft).clone();
    let proposal = d.proposal(t, w);
    let round = proposal.round;
    let sources: Vec<_> = w.groups_in(d.from_round).cloned().collect();
    let start = {
        let (edit, open, started, topics) = (
            props.edit.clone(),
            open.clone(),
            started.clone(),
            d.topics.clone(),
        );
        let proposal = proposal.clone();
        Callback::from(move |ev: SubmitEvent| {
            ev.prevent_default();
            edit.emit(WorkshopEdit::AddRound {
                groups: proposal.clone().into_round(&topics),
            });
            started.set(Some(round));
            open.set(false);
        })
    };
    let cancel = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(false))
    };
    let group_name = |id: &str| {
        w.group(id)
            .map_or_else(|| id.to_owned(), |g| g.name.clone())
    };
    html! {
        <section class="new-round" id="new-round" aria-labelledby="new-round-h">
            <h2 id="new-round-h">{ t.new_round_title }</h2>
            <p class="hint">{ t.new_round_intro }</p>
            <form onsubmit={start}>
                <div class="row">
                    if w.rounds().len() > 1 {
                        <label for="nr-from">{ t.new_round_from_round }
                            <select id="nr-from" onchange={{
                                let (draft, w) = (draft.clone(), w.clone());
                                Callback::from(move |ev: Event| {
                                    if let Ok(r) = value_of(&ev).parse::<u32>() {
                                        draft.set(Draft::new(&w, r));
                                    }
                                })
                            }}>
                            { for w.rounds().into_iter().map(|r| html! {
                                <option value={r.to_string()} selected={r == d.from_round}>{ samtal_shared::export::round_name(t, r) }</option>
                            }) }
                            </select>
                        </label>
                    }
                    <label for="nr-count">{ t.new_round_count }
                        <input id="nr-count" type="number" min="1" max={MAX_ROUND_GROUPS.to_string()} value={d.count.to_string()}
                            onchange={on_draft::<Event>(&draft, |d, ev| {
                                if let Some(n) = number(ev, MAX_ROUND_GROUPS as u32) {
                                    *d = d.clone().with_count(n as usize);
                                }
                            })} />
                    </label>
                </div>
                <div class="row nr-people">
                { for sources.iter().enumerate().map(|(i, g)| {
                    let onchange = on_draft::<Event>(&draft, move |d, ev| {
                        if let (Some(n), Some(slot)) = (number(ev, MAX_PEOPLE), d.people.get_mut(i)) {
                            *slot = n;
                        }
                    });
                    html! {
                        <label for={format!("nr-people-{i}")}>{ fill(t.new_round_people, &[("name", &g.name)]) }
                            <input id={format!("nr-people-{i}")} type="number" min="0" max={MAX_PEOPLE.to_string()}
                                value={d.people.get(i).copied().unwrap_or(0).to_string()} {onchange} />
                        </label>
                    }
                }) }
                </div>
                <div class="nr-groups">
                { for proposal.groups.iter().enumerate().map(|(j, g)| {
                    let n = (j + 1).to_string();
                    let from = g.from.iter()
                        .map(|(id, k)| format!("{} ({k})", group_name(id)))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let on_name = on_draft::<InputEvent>(&draft, move |d, ev| {
                        if let Some(slot) = d.names.get_mut(j) {
                            *slot = Some(value_of(ev));
                        }
                    });
                    let on_size = on_draft::<Event>(&draft, move |d, ev| {
                        if let Some(slot) = d.sizes.get_mut(j) {
                            *slot = number(ev, MAX_PEOPLE);
                        }
                    });
                    let on_topic = on_draft::<Event>(&draft, move |d, ev| {
                        if let Some(slot) = d.topics.get_mut(j) {
                            *slot = value_of(ev);
                        }
                    });
                    let topic = d.topics.get(j).cloned().unwrap_or_default();
                    html! {
                        <fieldset class="nr-group">
                            <legend>{ g.name.clone() }</legend>
                            <label for={format!("nr-name-{j}")}>{ fill(t.new_round_name, &[("n", &n)]) }
                                <input id={format!("nr-name-{j}")} value={g.name.clone()} maxlength="200" required=true oninput={on_name} />
                            </label>
                            <label for={format!("nr-size-{j}")}>{ fill(t.new_round_size, &[("n", &n)]) }
                                <input id={format!("nr-size-{j}")} type="number" min="0" max={MAX_PEOPLE.to_string()} value={g.size.to_string()} onchange={on_size} />
                            </label>
                            <label for={format!("nr-topic-{j}")}>{ fill(t.new_round_topic, &[("n", &n)]) }
                                <select id={format!("nr-topic-{j}")} onchange={on_topic}>
                                    <option value="" selected={topic.is_empty()}>{ t.common_questions }</option>
                                    { for w.areas.iter().map(|a| html! {
                                        <option value={a.clone()} selected={topic == *a}>{ a.clone() }</option>
                                    }) }
                                </select>
                            </label>
                            <p class="nr-from">{ fill(t.new_round_from, &[("list", &from)]) }</p>
                            if g.areas.len() > 1 {
                                <p class="origin">{ fill(t.mixed_from, &[("areas", &g.areas.join(", "))]) }</p>
                            }
                        </fieldset>
                    }
                }) }
                </div>
                if proposal.unplaced > 0 {
                    <p class="warning" role="alert">{ fill(t.new_round_unplaced, &[("n", &proposal.unplaced.to_string())]) }</p>
                }
                <div class="actions">
                    <button type="submit" class="primary">{ fill(t.new_round_start, &[("n", &round.to_string())]) }</button>
                    <button type="button" onclick={cancel}>{ t.cancel }</button>
                </div>
            </form>
        </section>
    }
}

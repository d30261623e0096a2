//! The groups now: phase buttons, the countdown and message every room sees, who is
//! connected, how far each group has come.

use super::PHASES;
use super::day_controls::DayControls;
use super::new_round::NewRound;
use crate::i18n::{self, Strings, fill};
use crate::{EngineRef, api};
use gloo_timers::callback::Interval;
use samtal_shared::doc::{self, Workshop, WorkshopEdit};
use samtal_shared::session::LiveStatus;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
struct LiveProps {
    engine: EngineRef,
    workshop: Workshop,
    tick: u64,
}

pub(super) fn live_tab(
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
                        onclick={Callback::from(move |_| edit.emit(WorkshopEdit::Phase(p)))}>{ t.phase(p) }</button>
                }
            }) }
            </div>
        </section>
        <DayControls workshop={w.clone()} edit={edit.clone()} />
        <GroupsNow engine={engine.clone()} workshop={w.clone()} {tick} />
        <NewRound workshop={w.clone()} edit={edit.clone()} />
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
    let several = w.rounds().len() > 1;
    // The newest round first: that is where the day is now.
    let rounds: Vec<u32> = w.rounds().into_iter().rev().collect();
    let card = |g: &doc::Group| {
        let target = format!("group:{}", g.id);
        let st = live.as_ref().and_then(|l| {
            l.targets
                .iter()
                .find(|s| s.target == target)
                .map(|s| (l.now, s.clone()))
        });
        let connected = st.as_ref().is_some_and(|(_, s)| s.connections > 0);
        let last = match st.as_ref().and_then(|(now, s)| Some((*now, s.last_sync?))) {
            None => t.never.to_owned(),
            Some((now, at)) if now.saturating_sub(at) < 60 => t.just_now.to_owned(),
            Some((now, at)) => fill(
                t.minutes_ago,
                &[("n", &(now.saturating_sub(at) / 60).to_string())],
            ),
        };
        let notes = e.group_notes(&g.doc_id).unwrap_or_default();
        let (answered, cases) = notes.filled();
        let q_total = w.questions_for(&g.area).count();
        let c_total = w.cases_for(&g.area).count();
        html! {
            <div class="card">
                <h3>{ g.name.clone() }</h3>
                if g.is_mixed() {
                    <p class="origin">{ fill(t.mixed_from, &[("areas", &g.mix.join(", "))]) }</p>
                }
                <p><span class={classes!("dot", connected.then_some("on"))} aria-hidden="true"></span>
                    { if connected { t.connected } else { t.not_connected } }</p>
                <p>{ format!("{} {}", t.last_sync, last) }</p>
                <p>{ fill(t.answers_count, &[("n", &answered.to_string()), ("m", &q_total.to_string())]) }</p>
                if c_total > 0 {
                    <p>{ fill(t.cases_count, &[("n", &cases.to_string()), ("m", &c_total.to_string())]) }</p>
                }
            </div>
        }
    };
    html! {
        <section>
            <h2>{ t.tab_live }</h2>
            if several {
                { for rounds.iter().map(|&r| html! {
                    <section class="round-links">
                        <h3>{ samtal_shared::export::round_name(t, r) }</h3>
                        <div class="cards">{ for w.groups_in(r).map(card) }</div>
                    </section>
                }) }
            } else {
                <div class="cards">{ for w.groups.iter().map(card) }</div>
            }
        </section>
    }
}

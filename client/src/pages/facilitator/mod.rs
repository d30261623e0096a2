//! The facilitator's page (`/f/…`): tabs for the groups now, the plenary, the setup editor,
//! links; presentation mode.

mod day_controls;
mod erase;
mod follow_up;
mod links;
mod live;
mod new_link;
mod new_round;
mod paste;
mod questions;
mod reuse;
mod setup;

use crate::i18n;
use crate::model::RoundChoice;
use crate::panels::history::HistoryPanel;
use crate::panels::plenary::PlenaryPanel;
use crate::panels::presentation::Presentation;
use crate::widgets::{DeviceLabel, ViewProps, status_of};
use erase::EraseBox;
use follow_up::follow_up_tab;
use links::LinksTab;
use live::live_tab;
use new_link::NewLink;
use reuse::ReuseBox;
use samtal_shared::doc::{self, Phase, WorkshopEdit};
use setup::setup_tab;
use yew::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Live,
    Plenary,
    Setup,
    FollowUp,
    Links,
    History,
}

const PHASES: [Phase; 5] = [
    Phase::Prep,
    Phase::Groups,
    Phase::Plenary,
    Phase::Followup,
    Phase::Closed,
];

#[function_component(FacilitatorView)]
pub fn facilitator_view(props: &ViewProps) -> Html {
    let t = i18n::strings();
    let tab = use_state(|| Tab::Live);
    let presenting = use_state(|| false);
    let notice = use_state(|| Option::<String>::None);
    let erased = use_state(|| false);
    // The round the plenary, presentation and exports show; the latest until she picks one.
    let round = use_state(RoundChoice::default);
    let on_round = {
        let round = round.clone();
        Callback::from(move |r| round.set(r))
    };
    let (status, workshop) = status_of(&props.engine, t);
    let token = props.engine.0.borrow().token().to_owned();
    {
        // The start page lists the workshops this browser opened as facilitator.
        let mine = workshop.as_ref().map(|w| crate::store::MyWorkshop {
            token: token.clone(),
            title: w.title.clone(),
            date: w.date.clone(),
            phase: w.phase,
        });
        use_effect_with(mine, |mine| {
            if let Some(m) = mine.clone() {
                crate::store::remember_workshop(m);
            }
            || ()
        });
    }
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
                <Presentation engine={props.engine.clone()} tick={props.tick} round={*round} on_exit={Callback::from(move |()| p.set(false))} />
            </main>
        };
    }
    let workshop_doc = props.engine.0.borrow().info.workshop_doc;
    let edit = {
        let engine = props.engine.clone();
        let notice = notice.clone();
        let until = w.access_until.clone();
        Callback::from(move |edit: WorkshopEdit| {
            // Closing is the one phase change with consequences: it asks first.
            if edit == WorkshopEdit::Phase(Phase::Closed)
                && !crate::widgets::confirm(&i18n::fill(
                    i18n::strings().close_confirm,
                    &[("until", &until)],
                ))
            {
                return;
            }
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
            round={*round} on_round={on_round.clone()}
            on_present={Some(Callback::from(move |()| p.set(true)))} /> }
        }
        Tab::Setup => html! {
            <>
            { setup_tab(t, &props.engine, &w, &edit) }
            <ReuseBox token={token.clone()} />
            <EraseBox engine={props.engine.clone()} title={w.title.clone()} on_erased={{ let e = erased.clone(); Callback::from(move |()| e.set(true)) }} />
            </>
        },
        Tab::FollowUp => follow_up_tab(t, &props.engine, &w, &edit),
        Tab::Links => html! { <LinksTab engine={props.engine.clone()} /> },
        Tab::History => html! {
            <HistoryPanel engine={props.engine.clone()} tick={props.tick} can_restore={true} />
        },
    };
    html! {
        <>
        <header class="top">
            <div>
                <p class="eyebrow">{ format!("{} · {} · {}", t.facilitator, w.date, t.phase(w.phase)) }</p>
                <h1>{ w.title.clone() }</h1>
            </div>
            { status }
        </header>
        <nav class="tabs" role="tablist">
            { tab_button(Tab::Live, t.tab_live) }
            { tab_button(Tab::Plenary, t.tab_plenary) }
            { tab_button(Tab::Setup, t.tab_setup) }
            { tab_button(Tab::FollowUp, t.tab_follow_up) }
            { tab_button(Tab::Links, t.tab_links) }
            { tab_button(Tab::History, t.tab_history) }
        </nav>
        <main id="main">
            <NewLink token={token.clone()} workshop={w.clone()} />
            <DeviceLabel />
            if let Some(n) = &*notice { <p class="error" role="alert">{ n.clone() }</p> }
            { body }
        </main>
        </>
    }
}

//! The catch-up page (`/c/…`) for staff who were absent: the day's material and every group's
//! notes, with what is new since the last visit marked.

use crate::i18n::{self, fill};
use crate::model::{LastVisit, RoundChoice, news, remember_seen};
use crate::panels::history::HistoryPanel;
use crate::panels::plenary::PlenaryPanel;
use crate::panels::question_box::QuestionBox;
use crate::widgets::{ViewProps, materials, reader_status, status_of};
use std::rc::Rc;
use yew::prelude::*;

/// The catch-up page: read-only, with when it closes, what is new since this browser's last
/// visit (marked in the notes, counted per group), and the history.
#[function_component(CatchUpView)]
pub fn catch_up_view(props: &ViewProps) -> Html {
    let t = i18n::strings();
    // What the last visit saw, read once: this visit keeps updating the stored heads.
    let last = use_state(|| {
        let e = props.engine.0.borrow();
        let docs: Vec<_> = e.info.docs.iter().map(|(id, _)| *id).collect();
        LastVisit::load(&docs)
    });
    let show_history = use_state(|| false);
    // Someone catching up sees every round unless she picks one.
    let round = use_state(|| RoundChoice::All);
    let on_round = {
        let round = round.clone();
        Callback::from(move |r| round.set(r))
    };
    let (status, workshop) = status_of(&props.engine, t);
    let Some(w) = workshop else {
        // Until the notes are here, the honest state is the connection's.
        return html! { <main id="main">{ status }<p>{ t.loading }</p></main> };
    };
    let (news, counts) = {
        let mut e = props.engine.0.borrow_mut();
        let found = news(&mut e, &w, &last);
        remember_seen(&mut e, &w);
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
            { reader_status(&props.engine, t) }
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
                    { for counts.iter().map(|c| {
                        let text = if c.fields == 1 { t.news_count_one } else { t.news_count };
                        html! {
                            <li><a href={format!("#{}", c.first)}>
                                { fill(text, &[("group", &c.group), ("n", &c.fields.to_string())]) }
                            </a></li>
                        }
                    }) }
                    </ul>
                }
            </section>
            { materials(t, &w) }
            <h2>{ t.questions }</h2>
            <PlenaryPanel engine={props.engine.clone()} tick={props.tick} editable={false} news={Some(Rc::new(news))}
                round={*round} {on_round} />
            <QuestionBox engine={props.engine.clone()} tick={props.tick} />
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

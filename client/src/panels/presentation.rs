//! Presentation mode: the whole plenary on the big screen, a slide at a time (every question,
//! every case, the summary, the follow-up actions; see `samtal_shared::slides`). A slide always
//! fits the screen: its type shrinks until every card fits, and what still does not goes to a
//! next page, never to a scroll bar. Arrow keys move, F is full screen, Esc leaves.

use crate::EngineRef;
use crate::i18n::{self, Strings, fill};
use crate::live_bar::Countdown;
use crate::model::{RoundChoice, compute_in};
use samtal_shared::slides::{self, Card, MAX_CARDS_PER_PAGE, Slide};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PresentProps {
    pub engine: EngineRef,
    pub tick: u64,
    pub on_exit: Callback<()>,
    /// The round shown (the plenary's choice).
    #[prop_or_default]
    pub round: RoundChoice,
}

/// The type sizes a slide tries, largest first (px).
const SIZES: [u32; 12] = [40, 36, 32, 29, 26, 24, 22, 20, 18, 16, 15, 14];

/// Whether anything in the slide's body is cut off.
fn overflows(body: &HtmlElement) -> bool {
    if body.scroll_height() > body.client_height() + 1 {
        return true;
    }
    let Ok(cards) = body.query_selector_all(".card") else {
        return false;
    };
    (0..cards.length()).any(|i| {
        cards
            .item(i)
            .and_then(|n| n.dyn_into::<HtmlElement>().ok())
            .is_some_and(|c| c.scroll_height() > c.client_height() + 1)
    })
}

/// Below this (px) a big screen pages rather than shrinks: text read across a room or a
/// shared screen in Teams stays readable.
const SMALLEST_ON_BIG_SCREENS: u32 = 20;

/// Shrink the body's type until it fits; false if even the smallest does not. Each size tried
/// costs the browser a layout, and this runs after every render (each time a group types):
/// it starts from the size set last time, which usually still fits while the next one up
/// does not — two layouts instead of one per size above it.
fn fit(body: &HtmlElement) -> bool {
    let big = web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w >= 1200.0);
    let smallest = if big { SMALLEST_ON_BIG_SCREENS } else { 0 };
    let sizes: Vec<u32> = SIZES.iter().copied().filter(|px| *px >= smallest).collect();
    let fits_at = |px: u32| {
        let _ = body.style().set_property("--fit", &format!("{px}px"));
        !overflows(body)
    };
    let current = body
        .style()
        .get_property_value("--fit")
        .ok()
        .and_then(|v| v.trim().strip_suffix("px")?.parse::<u32>().ok())
        .and_then(|c| sizes.iter().position(|px| *px == c));
    if let Some(i) = current {
        if overflows(body) {
            // More text than last time: only smaller sizes can fit.
            return sizes[i + 1..].iter().any(|px| fits_at(*px));
        }
        match i.checked_sub(1) {
            None => return true,
            Some(up) if !fits_at(sizes[up]) => return fits_at(sizes[i]),
            // Less text: a larger size fits too; look again from the top.
            Some(_) => {}
        }
    }
    sizes.iter().any(|px| fits_at(*px))
}

fn toggle_fullscreen() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if doc.fullscreen_element().is_some() {
        doc.exit_fullscreen();
    } else if let Some(root) = doc.document_element() {
        let _ = root.request_fullscreen();
    }
}

/// A group's card; `rounds`: say its round (the slides hold every round).
fn card_html(t: &Strings, c: &Card, rounds: bool) -> Html {
    html! {
        <div class={classes!("card", c.highlighted.then_some("lifted"))}>
            <h2>
                { c.group_name.clone() }
                if rounds { <span class="badge round">{ samtal_shared::export::round_name(t, c.round) }</span> }
                if c.highlighted { <span class="badge">{ t.lifted }</span> }
            </h2>
            { for c.parts.iter().map(|(label, text)| html! {
                <>
                if let Some(l) = label { <h3>{ l.clone() }</h3> }
                <p class="notes">{ text.clone() }</p>
                </>
            }) }
        </div>
    }
}

fn silent_html(t: &Strings, silent: &[String]) -> Html {
    if silent.is_empty() {
        return html! {};
    }
    html! { <p class="muted silent">{ fill(t.silent_groups, &[("names", &silent.join(", "))]) }</p> }
}

/// The slide's heading: (what it is, its title).
fn heading(t: &Strings, slide: &Slide, questions: usize, cases: usize) -> (String, String) {
    let n_of = |pattern: &str, n: usize, m: usize| {
        fill(
            pattern,
            &[("n", &(n + 1).to_string()), ("m", &m.to_string())],
        )
    };
    match slide {
        Slide::Question { index, text, .. } => {
            (n_of(t.question_n_of, *index, questions), text.clone())
        }
        Slide::Case { index, title, .. } => (n_of(t.case_n_of, *index, cases), title.clone()),
        Slide::Vote { title, open, .. } => {
            let state = if *open { t.vote_live } else { t.vote_results };
            (format!("{} ({state})", t.vote_heading), title.clone())
        }
        Slide::Summary { .. } => (String::new(), t.summary.to_owned()),
        Slide::FollowUps { .. } => (String::new(), t.follow_up.to_owned()),
    }
}

/// The slide's body: one page of its cards, or the summary list, or the follow-up table.
/// `all_rounds`: the cards are of every round, so each says its round.
fn body_html(t: &Strings, slide: &Slide, page: usize, per_page: usize, all_rounds: bool) -> Html {
    match slide {
        Slide::Question { cards, silent, .. } | Slide::Case { cards, silent, .. } => {
            let shown: Vec<&Card> = cards.iter().skip(page * per_page).take(per_page).collect();
            // (Classes, not a style attribute: the server's CSP allows no inline styles.)
            let (cols, rows) = slides::grid_for(shown.len());
            let grid = classes!("cards", format!("cols-{cols}"), format!("rows-{rows}"));
            html! {
                <>
                if shown.is_empty() {
                    <p class="muted">{ t.no_answers_yet }</p>
                } else {
                    <div class={grid}>{ for shown.iter().map(|c| card_html(t, c, all_rounds)) }</div>
                }
                { silent_html(t, silent) }
                </>
            }
        }
        Slide::Vote { results, .. } => html! {
            <ol class="vote-items">
                { for results.iter().map(|(group, text, n)| html! {
                    <li>
                        <strong>{ fill(t.vote_dots_n, &[("n", &n.to_string())]) }</strong>
                        { format!(" · {group}: ") }
                        <span class="notes">{ text.clone() }</span>
                    </li>
                }) }
            </ol>
        },
        Slide::Summary { overall, items } => html! {
            <>
            if !overall.is_empty() {
                <p class="notes overall">{ overall.clone() }</p>
            }
            if items.is_empty() && overall.is_empty() {
                <p class="muted">{ t.no_summary_yet }</p>
            } else if !items.is_empty() {
                <dl class="summary-list">
                    { for items.iter().map(|(q, s)| html! {
                        <><dt>{ q.clone() }</dt><dd class="notes">{ s.clone() }</dd></>
                    }) }
                </dl>
            }
            </>
        },
        Slide::FollowUps { items } => html! {
            if items.is_empty() {
                <p class="muted">{ t.nothing_to_follow_up }</p>
            } else {
                <table class="follow-ups">
                    <thead><tr>
                        <th scope="col">{ t.follow_up }</th>
                        <th scope="col">{ t.export_owner }</th>
                        <th scope="col">{ t.export_due }</th>
                        <th scope="col">{ t.fu_status }</th>
                    </tr></thead>
                    <tbody>
                        { for items.iter().map(|f| html! {
                            <tr>
                                <td>{ f.text.clone() }</td>
                                <td>{ f.owner.clone() }</td>
                                <td>{ samtal_shared::export::due_cell(t, f) }</td>
                                <td>{ t.action_status(f.status) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        },
    }
}

/// Where the next and the previous key go from (slide, page).
fn steps(at: (usize, usize), pages: usize, count: usize) -> ((usize, usize), (usize, usize)) {
    let (slide, page) = at;
    let next = if page + 1 < pages {
        (slide, page + 1)
    } else if slide + 1 < count {
        (slide + 1, 0)
    } else {
        at
    };
    let prev = if page > 0 {
        (slide, page - 1)
    } else {
        (slide.saturating_sub(1), 0)
    };
    (next, prev)
}

#[function_component(Presentation)]
pub fn presentation(props: &PresentProps) -> Html {
    let t = i18n::strings();
    // (slide, page of it), and how many cards a page of this slide holds.
    let at = use_state(|| (0usize, 0usize));
    let per_page = use_state(|| MAX_CARDS_PER_PAGE);
    let body = use_node_ref();
    let e = props.engine.0.borrow();
    let computed = compute_in(&e, props.round);
    drop(e);
    let all_rounds = computed
        .as_ref()
        .is_some_and(|(_, v, _)| v.round.is_none() && v.rounds.len() > 1);
    let timer = computed
        .as_ref()
        .map(|(w, _, _)| w.timer)
        .unwrap_or_default();
    let (all, questions, cases) = computed
        .as_ref()
        .map_or((Vec::new(), 0, 0), |(w, v, groups)| {
            (
                slides::slides(w, v, groups),
                v.questions.len(),
                v.cases.len(),
            )
        });
    let count = all.len();
    let slide_at = at.0.min(count.saturating_sub(1));
    let per = (*per_page).clamp(1, MAX_CARDS_PER_PAGE);
    let cards = all.get(slide_at).map_or(0, |s| s.cards().len());
    let pages = slides::pages(cards, per);
    let here = (slide_at, at.1.min(pages - 1));
    let (next, prev) = steps(here, pages, count);
    let go = {
        let (at, per_page) = (at.clone(), per_page.clone());
        move |to: (usize, usize)| {
            if to.0 != at.0 {
                per_page.set(MAX_CARDS_PER_PAGE);
            }
            at.set(to);
        }
    };
    {
        let go = go.clone();
        let on_exit = props.on_exit.clone();
        use_effect_with((next, prev), move |&(next, prev)| {
            let listener = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(
                move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
                    "ArrowRight" | "PageDown" | " " => {
                        ev.prevent_default();
                        go(next);
                    }
                    "ArrowLeft" | "PageUp" => {
                        ev.prevent_default();
                        go(prev);
                    }
                    "f" | "F" => toggle_fullscreen(),
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
    {
        // After every render: fit the type; if the smallest is still too big, halve the
        // cards a page holds (they move to the next pages).
        let (body, per_page) = (body.clone(), per_page.clone());
        use_effect_with((here, per, props.tick), move |_| {
            if let Some(el) = body.cast::<HtmlElement>()
                && !fit(&el)
                && per > 1
            {
                per_page.set(per.div_ceil(2));
            }
        });
    }
    let Some(slide) = all.get(here.0) else {
        return html! { <p>{ t.loading }</p> };
    };
    let (what, title) = heading(t, slide, questions, cases);
    let mut place = fill(
        t.slide_n_of,
        &[("n", &(here.0 + 1).to_string()), ("m", &count.to_string())],
    );
    if pages > 1 {
        let page = fill(
            t.page_n_of,
            &[("n", &(here.1 + 1).to_string()), ("m", &pages.to_string())],
        );
        place = format!("{place}, {page}");
    }
    let (day, round) = computed
        .as_ref()
        .map_or_else(Default::default, |(_, v, _)| {
            let round = match v.round {
                _ if v.rounds.len() < 2 => String::new(),
                Some(r) => samtal_shared::export::round_name(t, r),
                None => t.rounds_all.to_owned(),
            };
            (v.title.clone(), round)
        });
    let eyebrow = [day, round, what, place]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let move_to = |to: (usize, usize)| {
        let go = go.clone();
        Callback::from(move |_| go(to))
    };
    html! {
        <section class="present" aria-roledescription="presentation" aria-label={t.present}>
            <div class="present-head">
                // Read out when the slide changes; the cards are there to read at will.
                <div aria-live="polite">
                    <p class="eyebrow">{ eyebrow }</p>
                    <h1>{ title }</h1>
                    if let Slide::Question { summary, .. } = slide
                        && !summary.trim().is_empty()
                    {
                        <p class="summary notes">{ summary.clone() }</p>
                    }
                </div>
                // Outside the live region: its seconds are not read out.
                <Countdown {timer} />
            </div>
            <div class="present-body" ref={body}>{ body_html(t, slide, here.1, per, all_rounds) }</div>
            <nav class="present-nav" aria-label={t.present}>
                <button onclick={move_to(prev)} disabled={prev == here}>{ format!("← {}", t.prev) }</button>
                <span class="muted">{ t.present_hint }</span>
                <span class="present-tools">
                    <button onclick={Callback::from(|_| toggle_fullscreen())}>{ t.fullscreen }</button>
                    <button onclick={props.on_exit.reform(|_| ())}>{ t.exit_present }</button>
                </span>
                <button onclick={move_to(next)} disabled={next == here}>{ format!("{} →", t.next) }</button>
            </nav>
        </section>
    }
}

//! Presentation mode: one question at a time on the big screen (arrow keys).

use crate::EngineRef;
use crate::i18n::{self, fill};
use crate::live_bar::Countdown;
use crate::model::compute;
use crate::widgets::answer_cards;
use samtal_shared::doc::TextRef;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

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
    let computed = compute(&e);
    let timer = computed.as_ref().map(|(w, _)| w.timer).unwrap_or_default();
    let view = computed.map(|(_, v)| v);
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
        <>
        // Outside the live region: its seconds are not read out.
        <Countdown {timer} />
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
        </>
    }
}

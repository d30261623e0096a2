//! The facilitator's live-day controls: the countdown every room sees (start, pause, resume,
//! +5 minutes, stop) and a message to all groups.

use crate::i18n::{self};
use crate::live_bar::Countdown;
use crate::widgets::value_of;
use samtal_shared::doc::{MAX_MESSAGE, Timer, TimerEdit, Workshop, WorkshopEdit};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(super) struct DayProps {
    pub(super) workshop: Workshop,
    pub(super) edit: Callback<WorkshopEdit>,
}

#[function_component(DayControls)]
pub(super) fn day_controls(props: &DayProps) -> Html {
    let t = i18n::strings();
    // What the fields hold is read from them when a form is sent: a value typed just before the
    // click may not have reached the state of the render whose handler runs.
    let minutes_field = use_node_ref();
    let message_field = use_node_ref();
    let minutes = use_state(|| "10".to_owned());
    let message = use_state(|| props.workshop.message.clone());
    let field_value = |node: &NodeRef, fallback: &str| {
        node.cast::<HtmlInputElement>()
            .map_or_else(|| fallback.to_owned(), |el| el.value())
    };
    let timer = props.workshop.timer;
    let timer_edit = |e: TimerEdit| {
        let edit = props.edit.clone();
        Callback::from(move |_: MouseEvent| {
            edit.emit(WorkshopEdit::Timer {
                edit: e,
                now: js_sys::Date::now() as i64,
            })
        })
    };
    let start = {
        let (edit, minutes, node) = (props.edit.clone(), minutes.clone(), minutes_field.clone());
        Callback::from(move |ev: SubmitEvent| {
            ev.prevent_default();
            let typed = field_value(&node, &minutes);
            minutes.set(typed.clone());
            let minutes = typed.trim().parse::<u32>().unwrap_or(10).clamp(1, 24 * 60);
            edit.emit(WorkshopEdit::Timer {
                edit: TimerEdit::Start { minutes },
                now: js_sys::Date::now() as i64,
            });
        })
    };
    let send = {
        let (edit, message, node) = (props.edit.clone(), message.clone(), message_field.clone());
        Callback::from(move |ev: SubmitEvent| {
            ev.prevent_default();
            let typed = field_value(&node, &message);
            message.set(typed.clone());
            edit.emit(WorkshopEdit::Message(typed));
        })
    };
    let clear = {
        let (edit, message) = (props.edit.clone(), message.clone());
        Callback::from(move |_: MouseEvent| {
            message.set(String::new());
            edit.emit(WorkshopEdit::Message(String::new()));
        })
    };
    html! {
        <section class="day-controls">
            <h2 id="timer-h">{ t.timer_title }</h2>
            <Countdown {timer} />
            <form class="row" aria-labelledby="timer-h" onsubmit={start}>
                <label for="timer-minutes">{ t.timer_minutes }
                    <input id="timer-minutes" ref={minutes_field} type="number" min="1" max="1440" value={(*minutes).clone()}
                        oninput={{ let m = minutes.clone(); Callback::from(move |ev: InputEvent| m.set(value_of(&ev))) }} />
                </label>
                <button type="submit" class="primary">{ t.timer_start }</button>
                if matches!(timer, Timer::Running { .. }) {
                    <button type="button" onclick={timer_edit(TimerEdit::Pause)}>{ t.timer_pause }</button>
                }
                if matches!(timer, Timer::Paused { .. }) {
                    <button type="button" onclick={timer_edit(TimerEdit::Resume)}>{ t.timer_resume }</button>
                }
                if timer != Timer::Stopped {
                    <button type="button" onclick={timer_edit(TimerEdit::Extend { minutes: 5 })}>{ t.timer_extend }</button>
                    <button type="button" onclick={timer_edit(TimerEdit::Stop)}>{ t.timer_stop }</button>
                }
            </form>
            <h2 id="message-h">{ t.message_title }</h2>
            <form class="row" aria-labelledby="message-h" onsubmit={send}>
                <label class="grow" for="message-text">{ t.message_label }
                    <input id="message-text" ref={message_field} maxlength={MAX_MESSAGE.to_string()} value={(*message).clone()}
                        aria-describedby="message-hint"
                        oninput={{ let m = message.clone(); Callback::from(move |ev: InputEvent| m.set(value_of(&ev))) }} />
                </label>
                <button type="submit" class="primary">{ t.message_send }</button>
                if !props.workshop.message.is_empty() {
                    <button type="button" onclick={clear}>{ t.message_clear }</button>
                }
            </form>
            <p class="hint" id="message-hint">{ t.message_hint }</p>
            if !props.workshop.message.is_empty() {
                <p class="message" role="status">{ props.workshop.message.clone() }</p>
            }
        </section>
    }
}

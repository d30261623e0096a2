//! What every room sees of the live day, above the questions: what the phase means for the
//! group, the facilitator's countdown and her message to all groups. It never takes the focus;
//! the countdown's seconds are not read out, only "two minutes left" and "time is up" (politely).

use crate::i18n::{self};
use samtal_shared::doc::{Phase, Timer, clock};
use yew::prelude::*;

/// Two minutes: the gentle cue.
const SOON_MS: i64 = 2 * 60 * 1000;

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

#[derive(Properties, PartialEq)]
pub struct CountdownProps {
    pub timer: Timer,
}

/// The countdown, redrawn every second while it runs.
#[function_component(Countdown)]
pub fn countdown(props: &CountdownProps) -> Html {
    let t = i18n::strings();
    let tick = use_state(|| 0u32);
    {
        let tick = tick.clone();
        let running = matches!(props.timer, Timer::Running { .. });
        use_effect_with(running, move |running| {
            let interval = running.then(|| {
                gloo_timers::callback::Interval::new(1000, move || tick.set(tick.wrapping_add(1)))
            });
            move || drop(interval)
        });
    }
    let Some(left) = props.timer.left(now_ms()) else {
        return html! {};
    };
    let paused = matches!(props.timer, Timer::Paused { .. });
    let state = if left == 0 {
        "over"
    } else if left <= SOON_MS {
        "soon"
    } else {
        ""
    };
    // Said once when it changes, not every second.
    let said = match state {
        "over" => t.timer_out,
        "soon" => t.timer_soon,
        _ => "",
    };
    html! {
        <div class={classes!("countdown", state)}>
            <span class="label">{ t.timer_left }</span>
            <span class="time" role="timer">{ clock(left) }</span>
            if paused { <span class="muted">{ t.timer_paused }</span> }
            if left == 0 { <span class="out">{ t.timer_out }</span> }
            <span class="sr-only" aria-live="polite">{ said }</span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct LiveBarProps {
    pub phase: Phase,
    pub timer: Timer,
    pub message: String,
}

/// The phase, the countdown and the message, for a group's page.
#[function_component(LiveBar)]
pub fn live_bar(props: &LiveBarProps) -> Html {
    let t = i18n::strings();
    html! {
        <div class="live-bar">
            <p class={classes!("phase-now", (props.phase == Phase::Closed).then_some("closed"))}>{ t.phase_now(props.phase) }</p>
            <Countdown timer={props.timer} />
            <div role="status" class="message-slot">
                if !props.message.is_empty() {
                    <p class="message">{ props.message.clone() }</p>
                }
            </div>
        </div>
    }
}

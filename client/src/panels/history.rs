//! The history view: a group's fields at any moment of the day, with who wrote what, phase
//! jumps, and restore for the facilitator.

use crate::EngineRef;
use crate::i18n::{self, Strings, fill};
use crate::model::history_of;
use crate::widgets::{device_name, value_of};
use automerge::ChangeHash;
use samtal_shared::doc::{self, Phase};
use samtal_shared::export::round_name;
use samtal_shared::history::{self, History, Passage};
use yew::prelude::*;

/// A change time as the clock on the wall: "10:42", with the date when it is not today.
fn clock(t: &Strings, secs: i64) -> String {
    if secs <= 0 {
        return t.history_start.to_owned();
    }
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(secs as f64 * 1000.0));
    let today = js_sys::Date::new_0();
    let time = format!("{:02}:{:02}", d.get_hours(), d.get_minutes());
    if d.to_date_string() == today.to_date_string() {
        time
    } else {
        format!("{}/{} {time}", d.get_date(), d.get_month() + 1)
    }
}

#[derive(Properties, PartialEq)]
pub struct HistoryProps {
    pub engine: EngineRef,
    pub tick: u64,
    /// The facilitator may restore a field; catch-up only looks.
    pub can_restore: bool,
}

/// Devices in order of first appearance → a colour class.
fn colour_of(devices: &mut Vec<Option<String>>, device: &Option<String>) -> String {
    let Some(_) = device else {
        return "who-none".to_owned();
    };
    let i = devices.iter().position(|d| d == device).unwrap_or_else(|| {
        devices.push(device.clone());
        devices.len() - 1
    });
    format!("who-{}", i % 6)
}

#[function_component(HistoryPanel)]
pub fn history_panel(props: &HistoryProps) -> Html {
    let t = i18n::strings();
    let chosen = use_state(|| 0usize);
    // How many steps are applied; `None` follows "now".
    let pos = use_state(|| Option::<usize>::None);
    let notice = use_state(|| Option::<String>::None);
    let mut e = props.engine.0.borrow_mut();
    let workshop_doc = e.info.workshop_doc;
    let Some(w) = e.workshop() else {
        return html! { <p>{ t.loading }</p> };
    };
    let Some(group) = w.groups.get(*chosen).or(w.groups.first()).cloned() else {
        return html! { <p class="muted">{ t.history_empty }</p> };
    };
    let marks = history_of(&mut e, &workshop_doc)
        .zip(e.repo.committed(&workshop_doc))
        .map(|(h, d)| history::phase_marks(d, &h))
        .unwrap_or_default();
    let Some(h) = history_of(&mut e, &group.doc_id) else {
        return html! { <p>{ t.loading }</p> };
    };
    let Some(doc) = e.repo.committed(&group.doc_id) else {
        return html! { <p>{ t.loading }</p> };
    };
    let len = h.len();
    let at = pos.map_or(len, |p| p.min(len));
    let heads: Vec<ChangeHash> = h.heads_at(at.checked_sub(1)).to_vec();
    let now = at == len;
    let moment = match at {
        0 => t.history_start.to_owned(),
        n => {
            let s = &h.steps[n - 1];
            let line = fill(
                t.history_step,
                &[
                    ("n", &n.to_string()),
                    ("m", &len.to_string()),
                    ("time", &clock(t, s.time)),
                    ("device", &device_name(t, s.device.as_deref())),
                ],
            );
            if now {
                format!("{} · {line}", t.history_now)
            } else {
                line
            }
        }
    };
    let fields = w.text_fields_for(&group.area);
    let mut devices: Vec<Option<String>> = Vec::new();
    let rendered: Vec<Html> = fields
        .iter()
        .map(|(r, label)| {
            let passages: Vec<Passage> =
                history::passages_at(doc, r, (!now).then_some(heads.as_slice()), &h);
            let then: String = passages.iter().map(|p| p.text.as_str()).collect();
            let current = doc::read_text(doc, r).unwrap_or_default();
            let restore = (props.can_restore && !now && then != current).then(|| {
                let engine = props.engine.clone();
                let (r, heads, notice, pos) =
                    (r.clone(), heads.clone(), notice.clone(), pos.clone());
                let question = fill(
                    t.restore_confirm,
                    &[("field", label), ("time", &moment_time(t, &h, at))],
                );
                let doc_id = group.doc_id;
                Callback::from(move |_| {
                    let confirmed = web_sys::window()
                        .and_then(|w| w.confirm_with_message(&question).ok())
                        .unwrap_or(false);
                    if !confirmed {
                        return;
                    }
                    let res = engine
                        .0
                        .borrow_mut()
                        .change(doc_id, |d| history::restore(d, &r, &heads).map(|_| ()));
                    notice.set(Some(res.err().unwrap_or_else(|| t.restored.to_owned())));
                    pos.set(None);
                })
            });
            let spans: Vec<Html> = passages
                .iter()
                .filter(|p| !p.text.is_empty())
                .map(|p| {
                    let step = p.step.and_then(|i| h.steps.get(i));
                    let device = step.and_then(|s| s.device.clone());
                    let class = colour_of(&mut devices, &device);
                    let title = format!(
                        "{} · {}",
                        device_name(t, device.as_deref()),
                        step.map_or_else(String::new, |s| clock(t, s.time))
                    );
                    html! { <span class={class} {title}>{ p.text.clone() }</span> }
                })
                .collect();
            html! {
                <article class="history-field">
                    <h3>{ label.clone() }</h3>
                    if spans.is_empty() {
                        <p class="muted">{ t.history_not_yet }</p>
                    } else {
                        <p class="notes">{ for spans }</p>
                    }
                    if let Some(cb) = restore {
                        <button class="restore" onclick={cb}>{ t.restore }</button>
                    } else if !now && then == current && !then.is_empty() {
                        <p class="muted">{ t.same_as_now }</p>
                    }
                </article>
            }
        })
        .collect();
    drop(e);
    let on_group = {
        let (chosen, pos) = (chosen.clone(), pos.clone());
        Callback::from(move |ev: Event| {
            chosen.set(value_of(&ev).parse().unwrap_or(0));
            pos.set(None);
        })
    };
    let on_slide = {
        let pos = pos.clone();
        Callback::from(move |ev: InputEvent| {
            let v: usize = value_of(&ev.into()).parse().unwrap_or(len);
            pos.set((v < len).then_some(v));
        })
    };
    let jump = |to: usize| {
        let pos = pos.clone();
        Callback::from(move |_| pos.set((to < len).then_some(to)))
    };
    let jumps = phase_jumps(t, &marks, &h);
    let legend: Vec<Html> = devices
        .iter()
        .enumerate()
        .map(|(i, d)| html! { <li><span class={format!("swatch who-{}", i % 6)}></span>{ device_name(t, d.as_deref()) }</li> })
        .collect();
    let rounds = w.rounds();
    let option = |i: usize, g: &doc::Group| {
        html! { <option value={i.to_string()} selected={g.id == group.id}>{ g.name.clone() }</option> }
    };
    html! {
        <section class="history">
            <p>{ t.history_intro }</p>
            <label for="history-group">{ t.group }</label>
            <select id="history-group" onchange={on_group}>
                if rounds.len() > 1 {
                    // A day of several rounds: the groups under their round.
                    { for rounds.iter().map(|&r| html! {
                        <optgroup label={round_name(t, r)}>
                            { for w.groups.iter().enumerate().filter(|(_, g)| g.round == r).map(|(i, g)| option(i, g)) }
                        </optgroup>
                    }) }
                } else {
                    { for w.groups.iter().enumerate().map(|(i, g)| option(i, g)) }
                }
            </select>
            if len == 0 {
                <p class="muted">{ t.history_empty }</p>
            } else {
                <label for="history-slider">{ t.history_moment }</label>
                <input id="history-slider" type="range" min="0" max={len.to_string()} list="history-phases"
                    value={at.to_string()} oninput={on_slide} aria-valuetext={moment.clone()} />
                // Tick marks where the phases began.
                <datalist id="history-phases">
                    { for jumps.iter().map(|(_, to)| html! { <option value={to.to_string()} /> }) }
                </datalist>
                <p class="moment" aria-live="polite">{ moment.clone() }</p>
                <p class="jumps">
                    { t.history_jump }{ " " }
                    { for jumps.iter().map(|(label, to)| html! {
                        <button onclick={jump(*to)}>{ label.clone() }</button>
                    }) }
                    <button onclick={jump(len)}>{ t.history_now }</button>
                </p>
            }
            if let Some(n) = &*notice { <p role="status" class="notice">{ n.clone() }</p> }
            if !legend.is_empty() {
                <div class="legend"><span>{ t.history_legend }</span><ul>{ for legend }</ul></div>
            }
            { for rendered }
        </section>
    }
}

/// The time of the moment `at` steps in, for the restore question.
fn moment_time(t: &Strings, h: &History, at: usize) -> String {
    at.checked_sub(1)
        .and_then(|i| h.steps.get(i))
        .map_or_else(|| t.history_start.to_owned(), |s| clock(t, s.time))
}

/// "Groups 10:02", "Plenary 11:15": where each phase began, on this document's slider.
fn phase_jumps(t: &Strings, marks: &[(i64, Phase)], h: &History) -> Vec<(String, usize)> {
    marks
        .iter()
        .filter(|(time, _)| *time > 0)
        .map(|(time, phase)| {
            let name = t.phase(*phase);
            (format!("{name} {}", clock(t, *time)), h.step_at_time(*time))
        })
        .collect()
}

//! History in the browser: the device label (who wrote it, without names of people), the
//! history view with its time slider (facilitator and catch-up) and restoring a field, and
//! "new since your last visit" for the catch-up page. The logic is `samtal_shared::history`.

use crate::EngineRef;
use crate::engine::Engine;
use crate::i18n::{self, Strings, fill};
use crate::store;
use crate::views::value_of;
use automerge::ChangeHash;
use samtal_shared::DocumentId;
use samtal_shared::doc::{self, Phase, Workshop};
use samtal_shared::history::{self, FieldNews, History, Passage};
use samtal_shared::stamp;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use yew::prelude::*;

/// A document's history and the heads it was read at.
type Cached = (Vec<ChangeHash>, Rc<History>);

thread_local! {
    /// Each document's history, kept until its heads move (a render happens on every sync).
    static CACHE: RefCell<HashMap<DocumentId, Cached>> = RefCell::new(HashMap::new());
}

/// The history of one of the engine's documents (cached by heads).
pub fn history_of(e: &mut Engine, id: &DocumentId) -> Option<Rc<History>> {
    let doc = e.repo.doc_mut(id)?;
    let heads = doc.get_heads();
    if let Some(h) = CACHE.with(|c| {
        c.borrow()
            .get(id)
            .filter(|(at, _)| *at == heads)
            .map(|(_, h)| Rc::clone(h))
    }) {
        return Some(h);
    }
    let h = Rc::new(History::of(doc.document()));
    CACHE.with(|c| c.borrow_mut().insert(*id, (heads, Rc::clone(&h))));
    Some(h)
}

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

fn device_name(t: &Strings, device: Option<&str>) -> String {
    device.map_or_else(|| t.unnamed_device.to_owned(), str::to_owned)
}

// ---------------------------------------------------------------------------------------------
// The device label.

/// "This device: Konferensrum 3 · Rename", or, the first time, a short question asking for a
/// name (which can be skipped). The label signs this device's changes from then on.
#[function_component(DeviceLabel)]
pub fn device_label() -> Html {
    let t = i18n::strings();
    let label = use_state(store::device_label);
    let editing = use_state(|| !store::device_asked());
    let draft = use_state(|| (*label).clone().unwrap_or_default());
    if *editing {
        let save = {
            let (label, editing, draft) = (label.clone(), editing.clone(), draft.clone());
            Callback::from(move |ev: SubmitEvent| {
                ev.prevent_default();
                store::set_device_label(Some(draft.as_str()));
                label.set(store::device_label());
                editing.set(false);
            })
        };
        let skip = {
            let (label, editing) = (label.clone(), editing.clone());
            Callback::from(move |_| {
                if label.is_none() {
                    store::set_device_label(None);
                }
                editing.set(false);
            })
        };
        return html! {
            <form class="device-prompt" onsubmit={save}>
                <p>{ t.device_prompt }</p>
                <label for="device-label">{ t.device_label }</label>
                <input id="device-label" type="text" maxlength={stamp::MAX_LABEL_CHARS.to_string()}
                    value={(*draft).clone()} oninput={{ let draft = draft.clone(); Callback::from(move |ev: InputEvent| draft.set(value_of(&ev.into()))) }} />
                <button type="submit" class="primary">{ t.device_save }</button>
                <button type="button" onclick={skip}>{ t.device_skip }</button>
            </form>
        };
    }
    let edit = {
        let editing = editing.clone();
        Callback::from(move |_| editing.set(true))
    };
    html! {
        <p class="device">
            if let Some(l) = &*label {
                { fill(t.device_is, &[("name", l)]) }{ " · " }
                <button class="link" onclick={edit}>{ t.device_rename }</button>
            } else {
                <button class="link" onclick={edit}>{ t.device_name_it }</button>
            }
        </p>
    }
}

// ---------------------------------------------------------------------------------------------
// The history view.

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
    let Some(w) = e
        .repo
        .doc(&workshop_doc)
        .and_then(|d| doc::read_workshop(d).ok())
    else {
        return html! { <p>{ t.loading }</p> };
    };
    let Some(group) = w.groups.get(*chosen).or(w.groups.first()).cloned() else {
        return html! { <p class="muted">{ t.history_empty }</p> };
    };
    let marks = history_of(&mut e, &workshop_doc)
        .zip(e.repo.doc_mut(&workshop_doc))
        .map(|(h, d)| history::phase_marks(d.document(), &h))
        .unwrap_or_default();
    let Some(h) = history_of(&mut e, &group.doc_id) else {
        return html! { <p>{ t.loading }</p> };
    };
    let Some(doc) = e.repo.doc_mut(&group.doc_id) else {
        return html! { <p>{ t.loading }</p> };
    };
    let doc = doc.document();
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
    html! {
        <section class="history">
            <p>{ t.history_intro }</p>
            <label for="history-group">{ t.group }</label>
            <select id="history-group" onchange={on_group}>
                { for w.groups.iter().enumerate().map(|(i, g)| html! {
                    <option value={i.to_string()} selected={g.id == group.id}>{ g.name.clone() }</option>
                }) }
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
            let name = crate::facilitator::phase_name(t, *phase);
            (format!("{name} {}", clock(t, *time)), h.step_at_time(*time))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// New since your last visit.

/// (group id, field key) → what changed in that field since the last visit.
pub type News = HashMap<(String, String), FieldNews>;

/// What the catch-up page knows about the last visit.
#[derive(Clone, PartialEq)]
pub enum LastVisit {
    /// No visit recorded on this computer.
    First,
    /// Per group document: the heads shown at the end of the last visit.
    Seen(HashMap<DocumentId, Vec<ChangeHash>>),
}

impl LastVisit {
    /// Read from this browser what the last visit saw (before this visit updates it).
    pub fn load(docs: &[DocumentId]) -> LastVisit {
        let seen: HashMap<DocumentId, Vec<ChangeHash>> = docs
            .iter()
            .filter_map(|id| store::seen_heads(id).map(|h| (*id, h)))
            .collect();
        if seen.is_empty() {
            LastVisit::First
        } else {
            LastVisit::Seen(seen)
        }
    }
}

/// Per group: the changed fields since the last visit. A group document this browser has
/// never seen counts as entirely new.
pub fn news(e: &mut Engine, w: &Workshop, last: &LastVisit) -> (News, Vec<(String, usize)>) {
    let mut news = News::new();
    let mut counts = Vec::new();
    let LastVisit::Seen(seen) = last else {
        return (news, counts);
    };
    for g in &w.groups {
        let since = seen.get(&g.doc_id).cloned().unwrap_or_default();
        let Some(h) = history_of(e, &g.doc_id) else {
            continue;
        };
        let Some(doc) = e.repo.doc_mut(&g.doc_id) else {
            continue;
        };
        let doc = doc.document();
        let new = h.new_since(&since);
        let mut changed = 0;
        for (r, _) in w.text_fields_for(&g.area) {
            let n = history::news_since(doc, &r, &since, &h, &new);
            if n.is_changed() {
                changed += 1;
                news.insert((g.id.clone(), r.key()), n);
            }
        }
        if changed > 0 {
            counts.push((g.name.clone(), changed));
        }
    }
    (news, counts)
}

/// Remember what this visit has shown, for the next one.
pub fn remember_seen(e: &mut Engine, w: &Workshop) {
    // Stopped (erased, or local data cleared): nothing more is written here.
    if e.is_stopped() {
        return;
    }
    for g in &w.groups {
        if let Some(d) = e.repo.doc_mut(&g.doc_id) {
            let heads = d.get_heads();
            if store::seen_heads(&g.doc_id).as_deref() != Some(heads.as_slice()) {
                store::set_seen_heads(&g.doc_id, &heads);
            }
        }
    }
}

/// A field's text with what is new marked.
pub fn marked_text(t: &Strings, n: &FieldNews) -> Html {
    html! {
        <>
        <p class="notes">
            { for n.passages.iter().map(|(s, new)| if *new {
                html! { <mark>{ s.clone() }</mark> }
            } else {
                html! { { s.clone() } }
            }) }
        </p>
        if n.removed > 0 {
            <p class="muted">{ fill(t.news_removed, &[("n", &n.removed.to_string())]) }</p>
        }
        </>
    }
}

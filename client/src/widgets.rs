//! The small pieces every page uses: the status line, one-line inputs, the text field bound to
//! an Automerge Text, the lecture material, the device label, export buttons, marked news.

use crate::EngineRef;
use crate::engine::{Local, Net};
use crate::i18n::{self, Strings, fill};
use crate::model::{News, RoundChoice, news_anchor};
use crate::store::{self, ENCODING};
use samtal_shared::doc::{self, TextRef, Workshop};
use samtal_shared::history::FieldNews;
use samtal_shared::view::GroupText;
use samtal_shared::{DocumentId, stamp, text};
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ViewProps {
    pub engine: EngineRef,
    /// Bumped on every engine change so the view re-renders.
    pub tick: u64,
}

/// One honest state: saving / saved here and sending / synced (the server's heads cover all
/// of ours, so it is on the server's disk) / offline, saved here / a problem and what to do.
fn status_line(t: &Strings, local: Local, net: Net, error: Option<&str>, corrupt: bool) -> Html {
    let (text, class, detail) = match (local, net) {
        (Local::StorageFull, _) => (t.storage_full, "problem", None),
        (_, Net::Erased) => (t.erased, "problem", None),
        // The server's reason is English (it is also in the browser console): shown to those
        // who read English only, never in the middle of a Swedish page.
        (_, Net::Refused) => (
            t.server_problem,
            "problem",
            error.filter(|_| i18n::lang() == i18n::Lang::En),
        ),
        (Local::Pending, _) => (t.saving, "busy", None),
        (_, Net::Synced) => (t.synced, "ok", None),
        (_, Net::HeldBack) => (t.held_back_short, "offline", None),
        (_, Net::Offline) => (t.offline, "offline", None),
        (_, Net::Connecting) => (t.saved_here, "ok", None),
        (_, Net::Syncing) => (t.saved_sending, "busy", None),
    };
    html! {
        <div class="status" role="status" aria-live="polite">
            <span class={classes!("pill", class)}>{ text }</span>
            if let Some(e) = detail { <span class="detail">{ e.to_owned() }</span> }
            if corrupt { <span class="pill problem">{ t.corrupt_data }</span> }
        </div>
    }
}

/// A reader's status (the catch-up page): that nothing here changes the notes, and whether
/// what is shown is the latest — never the writers' "saved" and "sending".
pub fn reader_status(engine: &EngineRef, t: &Strings) -> Html {
    let net = engine.0.borrow().net;
    let (text, class) = match net {
        Net::Synced => (t.reader_current, "ok"),
        Net::Erased => (t.erased, "problem"),
        Net::Refused => (t.server_problem, "problem"),
        Net::Offline | Net::HeldBack => (t.reader_offline, "offline"),
        Net::Connecting | Net::Syncing => (t.reader_fetching, "busy"),
    };
    html! {
        <div class="status" role="status" aria-live="polite">
            <span class="pill">{ t.reading_only }</span>
            <span class={classes!("pill", class)}>{ text }</span>
        </div>
    }
}

/// The status line and the workshop document, which every view starts from.
pub fn status_of(engine: &EngineRef, t: &Strings) -> (Html, Option<Workshop>) {
    let e = engine.0.borrow();
    let status = status_line(t, e.local, e.net, e.last_error.as_deref(), e.corrupt);
    let workshop = e.workshop();
    (status, workshop)
}

/// The lecture material links (only http(s) links become clickable).
pub fn materials(t: &Strings, w: &Workshop) -> Html {
    if w.materials.is_empty() {
        return html! {};
    }
    html! {
        <section class="materials">
            <h2>{ t.material }</h2>
            { link_list(&w.materials, "") }
        </section>
    }
}

/// Links as a list; only http(s) links become clickable, anything else stays text.
pub fn link_list(links: &[doc::Material], class: &'static str) -> Html {
    html! {
        <ul class={class}>{ for links.iter().map(|m| {
            let title = if m.title.trim().is_empty() { m.url.clone() } else { m.title.clone() };
            match samtal_shared::export::safe_url(&m.url) {
                Some(url) => html! {
                    <li><a href={url} rel="noopener noreferrer" target="_blank">{ title }</a></li>
                },
                None => html! { <li>{ title }</li> },
            }
        }) }</ul>
    }
}

#[derive(Properties, PartialEq)]
pub struct InputProps {
    pub id: String,
    pub label: String,
    /// The value in the document.
    pub value: String,
    #[prop_or("text")]
    pub kind: &'static str,
    /// Called with the new value when the user leaves a changed field (or presses Enter) —
    /// and, when `live`, as she types: when a typing burst ends, as the notes' textareas do.
    pub onchange: Callback<String>,
    /// Save as typed (a field of the setup), not only on leaving it (an "add" field).
    #[prop_or_default]
    pub live: bool,
    #[prop_or_default]
    pub class: Classes,
}

/// A typing burst in a one-line field: the value is sent when the typing pauses for
/// [`BURST_IDLE_MS`], or [`BURST_MAX_MS`] after the burst began, whichever is first — and when
/// the field goes away mid-burst (another tab is chosen).
#[derive(Default)]
struct Burst {
    started: Option<f64>,
    timer: Option<gloo_timers::callback::Timeout>,
    pending: Option<(String, Callback<String>)>,
    /// What the document holds, as far as this field knows: never sent again.
    sent: Option<String>,
}

const BURST_IDLE_MS: u32 = 300;
const BURST_MAX_MS: f64 = 1000.0;

impl Burst {
    /// End the burst: what to send, if anything. The caller sends it after letting go of the
    /// burst (sending re-renders, and the render reads the burst).
    fn end(&mut self) -> Option<(String, Callback<String>)> {
        self.started = None;
        self.timer = None;
        let (value, to) = self.pending.take()?;
        (self.sent.as_ref() != Some(&value)).then(|| {
            self.sent = Some(value.clone());
            (value, to)
        })
    }
}

fn end_burst(burst: &std::cell::RefCell<Burst>) {
    let out = burst.borrow_mut().end();
    if let Some((value, to)) = out {
        to.emit(value);
    }
}

fn is_focused(el: &web_sys::Element) -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .is_some_and(|a| a == *el)
}

/// A one-line input bound to a document value. Uncontrolled: a remote change is written into
/// the field only while nobody is typing in it, so a sync arriving mid-typing never wipes
/// what the user has typed but not yet committed.
#[function_component(Input)]
pub fn input(props: &InputProps) -> Html {
    let node = use_node_ref();
    let burst = use_mut_ref(Burst::default);
    {
        let (node, burst) = (node.clone(), burst.clone());
        use_effect_with(props.value.clone(), move |value| {
            burst.borrow_mut().sent = Some(value.clone());
            if let Some(el) = node.cast::<web_sys::HtmlInputElement>()
                && el.value() != *value
                && !is_focused(&el)
            {
                el.set_value(value);
            }
            || ()
        });
    }
    {
        let burst = burst.clone();
        use_effect_with((), move |()| move || end_burst(&burst));
    }
    let oninput = props.live.then(|| {
        let (burst, to) = (burst.clone(), props.onchange.clone());
        Callback::from(move |ev: InputEvent| {
            let value = value_of(&ev);
            let now = js_sys::Date::now();
            let over = {
                let mut b = burst.borrow_mut();
                b.pending = Some((value, to.clone()));
                now - *b.started.get_or_insert(now) >= BURST_MAX_MS
            };
            if over {
                end_burst(&burst);
                return;
            }
            let later = std::rc::Rc::downgrade(&burst);
            burst.borrow_mut().timer = Some(gloo_timers::callback::Timeout::new(
                BURST_IDLE_MS,
                move || {
                    if let Some(b) = later.upgrade() {
                        end_burst(&b);
                    }
                },
            ));
        })
    });
    let onchange = {
        let (burst, to) = (burst.clone(), props.onchange.clone());
        Callback::from(move |ev: Event| {
            burst.borrow_mut().pending = Some((value_of(&ev), to.clone()));
            end_burst(&burst);
        })
    };
    html! {
        <label class={props.class.clone()} for={props.id.clone()}>{ props.label.clone() }
            <input id={props.id.clone()} ref={node} type={props.kind} {oninput} {onchange} />
        </label>
    }
}

/// A phase as the server lists it (`"plenary"`), in the user's language; an unknown one as is.
pub fn phase_name(t: &Strings, phase: &str) -> String {
    serde_json::from_value::<doc::Phase>(serde_json::Value::String(phase.to_owned()))
        .map_or_else(|_| phase.to_owned(), |p| t.phase(p).to_owned())
}

/// Keeps a form's local state equal to its field as she types. On `input`, not `change`: a
/// re-render before the field is left (an answer arriving, such as `/api/me`'s) writes the
/// state back into the field, and with `change` that state would still be empty.
pub fn bind_text(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |ev: InputEvent| state.set(value_of(&ev)))
}

/// The value of the input, textarea or select an event came from.
pub fn value_of(ev: &Event) -> String {
    let Some(target) = ev.target() else {
        return String::new();
    };
    if let Some(i) = target.dyn_ref::<web_sys::HtmlInputElement>() {
        return i.value();
    }
    if let Some(a) = target.dyn_ref::<HtmlTextAreaElement>() {
        return a.value();
    }
    if let Some(s) = target.dyn_ref::<web_sys::HtmlSelectElement>() {
        return s.value();
    }
    String::new()
}

#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    pub engine: EngineRef,
    pub doc: DocumentId,
    pub field: TextRef,
    pub label: String,
    pub id: String,
    pub value: String,
    pub hint: bool,
    /// Shown, not editable (the workshop is closed).
    #[prop_or_default]
    pub readonly: bool,
}

/// Let a textarea grow with its text: no inner scroll bar on a room's big screen.
fn fit_height(el: &HtmlTextAreaElement) {
    let style = el.style();
    let _ = style.set_property("height", "auto");
    let _ = style.set_property("height", &format!("{}px", el.scroll_height() + 4));
}

/// A textarea bound to one Automerge Text. The DOM keeps its own value while the user types;
/// remote changes are spliced in with the caret and selection moved along. `shown` is what the
/// textarea held after we last wrote or read it, so an input is the user's own edit
/// (`shown` → new value) even when a remote change reached the document and not yet the screen.
#[function_component(TextField)]
pub fn text_field(props: &TextFieldProps) -> Html {
    let node = use_node_ref();
    let shown = use_mut_ref(String::new);
    {
        let node = node.clone();
        let shown = shown.clone();
        use_effect_with(props.value.clone(), move |value| {
            if let Some(el) = node.cast::<HtmlTextAreaElement>() {
                let current = el.value();
                if current != *value {
                    let focused = is_focused(&el);
                    let sel = (
                        el.selection_start().ok().flatten(),
                        el.selection_end().ok().flatten(),
                    );
                    el.set_value(value);
                    if let (true, (Some(s), Some(e)), Some(splice)) =
                        (focused, sel, text::diff(&current, value, ENCODING))
                    {
                        let s = splice.transform(s as usize, ENCODING) as u32;
                        let e = splice.transform(e as usize, ENCODING) as u32;
                        let _ = el.set_selection_range(s, e);
                    }
                }
                *shown.borrow_mut() = value.clone();
                fit_height(&el);
            }
            || ()
        });
    }
    let oninput = {
        let engine = props.engine.clone();
        let field = props.field.clone();
        let doc = props.doc;
        Callback::from(move |ev: InputEvent| {
            if let Some(el) = ev.target_dyn_into::<HtmlTextAreaElement>() {
                let typed = el.value();
                let seen = std::mem::replace(&mut *shown.borrow_mut(), typed.clone());
                engine.0.borrow_mut().edit(doc, &field, &seen, &typed);
                fit_height(&el);
            }
        })
    };
    let hint_id = format!("{}-hint", props.id);
    let t = i18n::strings();
    html! {
        <div class="field">
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            <textarea id={props.id.clone()} ref={node} rows="4" {oninput} readonly={props.readonly}
                aria-describedby={props.hint.then(|| hint_id.clone())} />
            if props.hint { <p class="hint" id={hint_id}>{ t.no_names_hint }</p> }
        </div>
    }
}

/// A− / A+: this computer's text size (a room's PC remembers it).
#[function_component(TextSize)]
pub fn text_size() -> Html {
    let t = i18n::strings();
    let size = use_state(store::text_size);
    let step = |by: isize| {
        let size = size.clone();
        Callback::from(move |_| {
            let sizes = store::TEXT_SIZES;
            let at = sizes.iter().position(|s| *s == *size).unwrap_or(2);
            let next = at.saturating_add_signed(by).min(sizes.len() - 1);
            store::set_text_size(sizes[next]);
            size.set(sizes[next]);
        })
    };
    let (first, last) = (
        store::TEXT_SIZES[0],
        store::TEXT_SIZES[store::TEXT_SIZES.len() - 1],
    );
    html! {
        <div class="text-size" role="group" aria-label={t.text_size}>
            <button onclick={step(-1)} disabled={*size == first} title={t.text_smaller}>
                { "A−" }<span class="sr-only">{ format!(" {}", t.text_smaller) }</span>
            </button>
            <button onclick={step(1)} disabled={*size == last} title={t.text_bigger}>
                { "A+" }<span class="sr-only">{ format!(" {}", t.text_bigger) }</span>
            </button>
        </div>
    }
}

pub(crate) fn device_name(t: &Strings, device: Option<&str>) -> String {
    device.map_or_else(|| t.unnamed_device.to_owned(), str::to_owned)
}

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

/// Export links (Word, PDF, Markdown, printable HTML).
/// The exports of the round shown (`None`: every round).
pub fn export_buttons(t: &Strings, token: &str, round: Option<u32>) -> Html {
    let lang = i18n::lang_code();
    let q = match round {
        Some(r) => format!("lang={lang}&round={r}"),
        None => format!("lang={lang}"),
    };
    html! {
        <div class="actions">
            <a class="button" href={format!("/api/export/{token}/plenary.docx?{q}")} download="">{ t.export_docx }</a>
            <a class="button" href={format!("/api/export/{token}/plenary.pdf?{q}")} download="">{ t.export_pdf }</a>
            <a class="button" href={format!("/api/export/{token}/plenary.md?{q}")} download="">{ t.export_md }</a>
            <a class="button" href={format!("/api/export/{token}/plenary.html?{q}")} target="_blank" rel="noopener">{ t.export_html }</a>
        </div>
    }
}

/// "Visa omgång": one round or all of them; nothing on a day of one round.
pub fn round_switch(
    t: &Strings,
    rounds: &[u32],
    value: RoundChoice,
    latest: u32,
    on_change: &Callback<RoundChoice>,
) -> Html {
    if rounds.len() < 2 {
        return Html::default();
    }
    let shown = match value {
        RoundChoice::Latest => Some(latest),
        RoundChoice::One(r) => Some(r),
        RoundChoice::All => None,
    };
    let onchange = on_change.reform(|ev: Event| match value_of(&ev).parse::<u32>() {
        Ok(r) => RoundChoice::One(r),
        Err(_) => RoundChoice::All,
    });
    html! {
        <p class="round-switch">
            <label for="round-switch">{ t.round_switch }</label>
            <select id="round-switch" {onchange}>
                { for rounds.iter().map(|&r| html! {
                    <option value={r.to_string()} selected={shown == Some(r)}>
                        { samtal_shared::export::round_name(t, r) }
                    </option>
                }) }
                <option value="all" selected={shown.is_none()}>{ t.rounds_all }</option>
            </select>
        </p>
    }
}

/// Each group's text as a card; the groups that wrote nothing here (and have nothing new)
/// in one line below, not a card each. `origin`: say where each came from (several rounds).
pub fn answer_cards(
    t: &Strings,
    answers: &[GroupText],
    field: &TextRef,
    news: Option<&News>,
    origin: bool,
) -> Html {
    let key = field.key();
    let fresh_of = |a: &GroupText| news.and_then(|n| n.get(&(a.group_id.clone(), key.clone())));
    let (written, silent): (Vec<&GroupText>, Vec<&GroupText>) = answers
        .iter()
        .partition(|a| !a.text.trim().is_empty() || fresh_of(a).is_some());
    let silent: Vec<String> = silent.iter().map(|a| a.group_name.clone()).collect();
    html! {
        <>
        if !written.is_empty() {
            <div class="answers">
            { for written.iter().map(|a| {
                let fresh = fresh_of(a);
                html! {
                <div class={classes!("answer", a.highlighted.then_some("lifted"), fresh.is_some().then_some("fresh"))}
                    id={fresh.map(|_| news_anchor(&a.group_id, &key))}>
                    <h4>
                        { a.group_name.clone() }
                        if a.highlighted { <span class="badge">{ t.lifted }</span> }
                        if fresh.is_some() { <span class="badge new">{ t.news_badge }</span> }
                    </h4>
                    if origin { <p class="origin">{ samtal_shared::export::provenance(t, a) }</p> }
                    if let Some(n) = fresh {
                        { marked_text(t, n) }
                    } else {
                        <p class="notes">{ a.text.clone() }</p>
                    }
                </div>
            }}) }
            </div>
        }
        if !silent.is_empty() {
            <p class="muted silent">{ fill(t.record_silent, &[("names", &silent.join(", "))]) }</p>
        }
        </>
    }
}

/// Today's date on this computer, `YYYY-MM-DD`.
pub fn today() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

/// A date for a workshop: today or later, or in the past if she says so when asked.
pub fn date_ok(date: &str) -> bool {
    date >= today().as_str() || confirm(i18n::strings().date_past_confirm)
}

/// Ask the browser's yes/no question; no answer (no window) is no.
pub fn confirm(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}

/// A button that copies `text` to the clipboard.
pub fn copy_button(t: &Strings, text: String) -> Html {
    html! {
        <button type="button" onclick={Callback::from(move |_| {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&text);
            }
        })}>{ t.copy }</button>
    }
}

/// Where a follow-up action stands: a choice of the three statuses.
pub fn status_select(
    t: &Strings,
    id: String,
    current: doc::ActionStatus,
    on: Callback<doc::ActionStatus>,
) -> Html {
    let onchange =
        on.reform(|ev: Event| doc::ActionStatus::parse(&value_of(&ev)).unwrap_or_default());
    html! {
        <label for={id.clone()}>{ t.fu_status }
            <select {id} {onchange}>
                { for doc::ActionStatus::ALL.into_iter().map(|s| html! {
                    <option value={s.as_str()} selected={s == current}>{ t.action_status(s) }</option>
                }) }
            </select>
        </label>
    }
}

/// Where an editor's change to one part of an action goes: that part alone, so that a screen
/// drawn a moment before someone else's change never writes their part back.
pub fn action_edit(
    on: &Callback<doc::PlenaryEdit>,
    id: &str,
    key: doc::ActionKey,
) -> Callback<String> {
    let id = id.to_owned();
    on.reform(move |value: String| doc::PlenaryEdit::Action {
        id: id.clone(),
        key,
        value,
    })
}

/// [`action_edit`] for the status.
pub fn action_status_edit(
    on: &Callback<doc::PlenaryEdit>,
    id: &str,
) -> Callback<doc::ActionStatus> {
    action_edit(on, id, doc::ActionKey::Status).reform(|s: doc::ActionStatus| s.as_str().to_owned())
}

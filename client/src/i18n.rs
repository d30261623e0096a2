//! Every string the user sees, in Swedish (default, plain language) and English.

pub struct Strings {
    pub skip_to_content: &'static str,
    pub landing_title: &'static str,
    pub landing_text: &'static str,
    pub loading: &'static str,
    pub invalid_link: &'static str,
    pub expired_link: &'static str,
    pub no_server_first_time: &'static str,
    pub group: &'static str,
    pub questions: &'static str,
    pub cases: &'static str,
    pub your_answer: &'static str,
    pub no_names_hint: &'static str,
    pub material: &'static str,
    pub saved_here: &'static str,
    pub saving: &'static str,
    pub storage_full: &'static str,
    pub synced: &'static str,
    pub not_synced_yet: &'static str,
    pub offline: &'static str,
    pub connecting: &'static str,
    pub server_problem: &'static str,
    pub overview: &'static str,
    pub overview_hint: &'static str,
    pub no_notes_yet: &'static str,
    pub language_switch: &'static str,
}

pub const SV: Strings = Strings {
    skip_to_content: "Hoppa till innehållet",
    landing_title: "Samtal – anteckningar från gruppsamtal",
    landing_text: "Öppna länken du har fått av den som leder utbildningsdagen. Länken leder till din grupps frågor och anteckningar.",
    loading: "Laddar…",
    invalid_link: "Länken fungerar inte. Den kan ha bytts ut mot en ny. Fråga den som leder dagen efter en ny länk.",
    expired_link: "Den här workshopen är stängd. Länken fungerar inte längre.",
    no_server_first_time: "Kan inte nå servern. Första gången du öppnar en länk behöver datorn vara uppkopplad. Försök igen om en stund.",
    group: "Grupp",
    questions: "Frågor att diskutera",
    cases: "Fall att reflektera kring",
    your_answer: "Gruppens svar",
    no_names_hint: "Skriv inte namn, personnummer eller annat som kan peka ut en person.",
    material: "Material",
    saved_here: "Sparat på den här datorn",
    saving: "Sparar…",
    storage_full: "Datorns lagring är full. Anteckningarna finns kvar så länge sidan är öppen och skickas till servern när den går att nå. Stäng inte sidan.",
    synced: "Synkat med servern",
    not_synced_yet: "Skickar till servern…",
    offline: "Offline – sparas på den här datorn",
    connecting: "Ansluter till servern…",
    server_problem: "Servern tog inte emot ändringarna",
    overview: "Gruppernas anteckningar",
    overview_hint: "Här ser du vad grupperna skriver. Sidan uppdateras medan de skriver.",
    no_notes_yet: "Inget skrivet ännu.",
    language_switch: "In English",
};

pub const EN: Strings = Strings {
    skip_to_content: "Skip to content",
    landing_title: "Samtal – notes from group discussions",
    landing_text: "Open the link you got from the person leading the training day. It takes you to your group's questions and notes.",
    loading: "Loading…",
    invalid_link: "This link does not work. It may have been replaced. Ask the person leading the day for a new link.",
    expired_link: "This workshop is closed. The link no longer works.",
    no_server_first_time: "Cannot reach the server. The first time you open a link this computer must be online. Try again in a moment.",
    group: "Group",
    questions: "Questions to discuss",
    cases: "Cases to reflect on",
    your_answer: "The group's answer",
    no_names_hint: "Do not write names, personal identity numbers or anything else that could identify a person.",
    material: "Material",
    saved_here: "Saved on this computer",
    saving: "Saving…",
    storage_full: "This computer's storage is full. Your notes stay while this page is open and are sent to the server when it can be reached. Do not close the page.",
    synced: "Synced with the server",
    not_synced_yet: "Sending to the server…",
    offline: "Offline – saved on this computer",
    connecting: "Connecting to the server…",
    server_problem: "The server did not accept the changes",
    overview: "The groups' notes",
    overview_hint: "What the groups write appears here while they type.",
    no_notes_yet: "Nothing written yet.",
    language_switch: "På svenska",
};

const LANG_KEY: &str = "samtal:lang";

/// The chosen language (Swedish unless English was picked on this computer).
pub fn strings() -> &'static Strings {
    use gloo_storage::Storage;
    match gloo_storage::LocalStorage::get::<String>(LANG_KEY)
        .ok()
        .as_deref()
    {
        Some("en") => &EN,
        _ => &SV,
    }
}

pub fn toggle_language() {
    use gloo_storage::Storage;
    let next = if std::ptr::eq(strings(), &EN) {
        "sv"
    } else {
        "en"
    };
    let _ = gloo_storage::LocalStorage::set(LANG_KEY, next);
}

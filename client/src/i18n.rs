//! The language choice on this computer. The strings themselves are in `samtal_shared::i18n`.

use gloo_storage::Storage;
pub use samtal_shared::i18n::{Lang, Strings, fill};

pub const LANG_KEY: &str = "samtal:lang";

/// The chosen language (Swedish unless English was picked on this computer).
pub fn lang() -> Lang {
    Lang::parse(
        gloo_storage::LocalStorage::get::<String>(LANG_KEY)
            .ok()
            .as_deref(),
    )
}

/// The texts in the chosen language.
pub fn strings() -> &'static Strings {
    lang().strings()
}

pub fn toggle_language() {
    let _ = gloo_storage::LocalStorage::set(LANG_KEY, lang().other().code());
}

/// The language code for exports and the page's `lang`.
pub fn lang_code() -> &'static str {
    lang().code()
}

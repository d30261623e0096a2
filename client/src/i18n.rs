//! The language choice on this computer. The strings themselves are in `samtal_shared::i18n`.

pub use samtal_shared::i18n::{EN, SV, Strings, fill};

pub const LANG_KEY: &str = "samtal:lang";

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

/// The language code for exports and the page's `lang`.
pub fn lang_code() -> &'static str {
    if std::ptr::eq(strings(), &EN) {
        "en"
    } else {
        "sv"
    }
}

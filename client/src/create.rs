//! Creating a workshop (from the start page or as a copy): the request, and on to the new
//! workshop's page with her link shown first.

use crate::{api, i18n, store};
use samtal_shared::doc::WorkshopSpec;
use samtal_shared::i18n::{Strings, fill};
use samtal_shared::package::PackageError;
use samtal_shared::session::WorkshopLinks;
use yew::prelude::*;

/// A refused package in this language, naming the field.
pub fn package_refusal(t: &Strings, e: &PackageError) -> String {
    let why = e
        .invalid()
        .map_or_else(|| e.to_string(), |w| t.invalid(w).to_owned());
    match e.field() {
        Some(f) => format!("{why} {}", fill(t.package_field, &[("field", f)])),
        None => why,
    }
}

/// Create a workshop and go to its setup, her new link shown first.
pub fn create_and_open(
    spec: WorkshopSpec,
    admin: String,
    error: UseStateHandle<Option<String>>,
    busy: UseStateHandle<bool>,
) {
    busy.set(true);
    wasm_bindgen_futures::spawn_local(async move {
        match api::post_json::<WorkshopLinks>("/api/workshops", &spec, Some(&admin)).await {
            Ok(links) => {
                let token = links.facilitator.rsplit('/').next().unwrap_or_default();
                store::mark_new(token);
                if let Some(w) = web_sys::window() {
                    let _ = w.location().assign(&format!("/f/{token}"));
                }
            }
            Err(e) => {
                busy.set(false);
                error.set(Some(e.describe(i18n::strings())));
            }
        }
    });
}

//! Every string the user sees, in Swedish (default, plain language) and English, in one table:
//! one row per key, both languages side by side. The macro makes the `Strings` struct, the two
//! tables and the key list from it, so a key cannot be missing in one language.

use crate::doc::{ActionStatus, Invalid, Phase};
use crate::session::ErrorCode;

/// The user's language. Swedish unless English was chosen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    Sv,
    En,
}

impl Lang {
    /// `"en"` is English; anything else (or nothing) is Swedish.
    pub fn parse(code: Option<&str>) -> Self {
        match code {
            Some("en") => Lang::En,
            _ => Lang::Sv,
        }
    }

    /// The code for `lang=` attributes, query strings and storage.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Self {
        match self {
            Lang::Sv => Lang::En,
            Lang::En => Lang::Sv,
        }
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::Sv => &SV,
            Lang::En => &EN,
        }
    }
}

macro_rules! table {
    ($($key:ident: $sv:literal, $en:literal;)*) => {
        /// One language's texts (see [`Lang::strings`]).
        #[derive(Debug)]
        pub struct Strings {
            $(pub $key: &'static str,)*
        }

        pub const SV: Strings = Strings { $($key: $sv,)* };
        pub const EN: Strings = Strings { $($key: $en,)* };

        impl Strings {
            /// Every (key, text) pair, for checks.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($key), self.$key),)*]
            }
        }
    };
}

// The rows: `i18n/table.rs` (one row per key, both languages side by side).
mod table;
pub use table::{EN, SV, Strings};

impl Strings {
    /// A follow-up action's status, in this language.
    pub fn action_status(&self, s: ActionStatus) -> &'static str {
        match s {
            ActionStatus::NotStarted => self.status_not_started,
            ActionStatus::InProgress => self.status_in_progress,
            ActionStatus::Done => self.status_done,
        }
    }

    /// A phase of the day, in this language.
    pub fn phase(&self, p: Phase) -> &'static str {
        match p {
            Phase::Prep => self.phase_prep,
            Phase::Groups => self.phase_groups,
            Phase::Plenary => self.phase_plenary,
            Phase::Followup => self.phase_followup,
            Phase::Closed => self.phase_closed,
        }
    }

    /// Why a request failed, in this language.
    pub fn error(&self, code: ErrorCode, invalid: Option<Invalid>) -> &'static str {
        match (code, invalid) {
            (_, Some(why)) => self.invalid(why),
            (ErrorCode::InvalidLink, _) => self.invalid_link,
            (ErrorCode::Expired, _) => self.expired_link,
            (ErrorCode::Forbidden, _) => self.error_forbidden,
            (ErrorCode::NotFound, _) => self.error_not_found,
            (ErrorCode::NotAdmin, _) => self.error_not_admin,
            (ErrorCode::AdminClosed, _) => self.error_admin_closed,
            (ErrorCode::BadOrigin, _) => self.error_bad_origin,
            (ErrorCode::TooManyConnections, _) => self.error_busy,
            (ErrorCode::TooManyWorkshops, _) => self.error_full,
            (ErrorCode::BadRequest | ErrorCode::Invalid, _) => self.error_bad_request,
            (ErrorCode::Server, _) => self.error_server,
            (ErrorCode::NotSignedIn, _) => self.error_not_signed_in,
            (ErrorCode::SignInFailed, _) => self.error_sign_in_failed,
            (ErrorCode::MayNotCreate, _) => self.error_may_not_create,
            (ErrorCode::NotOperator, _) => self.error_not_operator,
        }
    }

    /// What the phase means for a group, in this language.
    pub fn phase_now(&self, p: Phase) -> &'static str {
        match p {
            Phase::Prep => self.phase_now_prep,
            Phase::Groups => self.phase_now_groups,
            Phase::Plenary => self.phase_now_plenary,
            Phase::Followup => self.phase_now_followup,
            Phase::Closed => self.phase_now_closed,
        }
    }

    /// Why a change to a document was not made, in this language.
    pub fn schema_error(&self, e: &crate::doc::SchemaError) -> &'static str {
        match e {
            crate::doc::SchemaError::Invalid(why) => self.invalid(*why),
            _ => self.change_failed,
        }
    }

    /// Why a spec or an edit was refused, in this language.
    pub fn invalid(&self, why: Invalid) -> &'static str {
        match why {
            Invalid::EmptyTitle => self.invalid_empty_title,
            Invalid::BadDate => self.invalid_bad_date,
            Invalid::NoGroups => self.invalid_no_groups,
            Invalid::TooManyItems => self.invalid_too_many_items,
            Invalid::TooLong => self.invalid_too_long,
            Invalid::AccessDays => self.invalid_access_days,
            Invalid::BadId => self.invalid_bad_id,
            Invalid::DuplicateId => self.invalid_duplicate_id,
            Invalid::NoSuchItem => self.invalid_no_such_item,
            Invalid::EmptyArea => self.invalid_empty_area,
            Invalid::EmptyGroupName => self.invalid_empty_group_name,
            Invalid::BadUrl => self.invalid_bad_url,
            Invalid::NoSuchArea => self.invalid_no_such_area,
            Invalid::AccessBeforeDate => self.invalid_access_before_date,
            Invalid::FollowUpBeforeDate => self.invalid_follow_up_before_date,
            Invalid::EmptyQuestion => self.invalid_empty_question,
        }
    }
}

/// Fill `{name}` placeholders in a string.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    // One pass over the template: a value is never read for placeholders (a title that says
    // "{link}" stays that text).
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            args.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;

//! The e-mails the facilitator sends before and after the day — to each group leader (the
//! group's link) and to those who were away (the catch-up link) — in the reader's language,
//! and as `mailto:` links that open them in her e-mail program.

use crate::doc::Workshop;
use crate::i18n::{Strings, fill};

/// An e-mail: its subject and its plain-text body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub body: String,
}

impl Mail {
    /// `mailto:` with no recipient (she picks them), the subject and the body percent-encoded
    /// so that no text of hers can add a header or end the address.
    pub fn mailto(&self) -> String {
        format!(
            "mailto:?subject={}&body={}",
            percent_encode(&self.subject),
            percent_encode(&self.body)
        )
    }
}

/// RFC 3986 percent-encoding of everything but the unreserved characters (UTF-8 bytes), as
/// `mailto:` (RFC 6068) wants for a header's value; line ends become CRLF.
fn percent_encode(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Who reads the notes in the plenary: the facilitator, by name if she gave one.
fn reader(l: &Strings, w: &Workshop) -> String {
    let name = w.facilitator.trim();
    if name.is_empty() {
        l.mail_reader.to_owned()
    } else {
        fill(l.mail_reader_named, &[("name", name)])
    }
}

/// The e-mail to a group's leader: what the day is, the link to open on the room's computer,
/// that one person types, no names, who reads the notes, what to do if the link won't open.
pub fn group_leader(l: &Strings, w: &Workshop, group: &str, link: &str) -> Mail {
    let vars = [
        ("date", w.date.as_str()),
        ("title", w.title.as_str()),
        ("group", group),
    ];
    let reader = reader(l, w);
    Mail {
        subject: fill(l.mail_group_subject, &vars),
        body: fill(
            l.mail_group_body,
            &[
                ("date", w.date.as_str()),
                ("title", w.title.as_str()),
                ("group", group),
                ("link", link),
                ("reader", reader.as_str()),
            ],
        ),
    }
}

/// The e-mail to those who were away: what the link holds, until when it works, the
/// follow-up meeting if set, how to bring a question to it.
pub fn catch_up(l: &Strings, w: &Workshop, link: &str) -> Mail {
    let meeting = if w.follow_up_date.is_empty() {
        String::new()
    } else {
        fill(l.mail_meeting, &[("date", w.follow_up_date.as_str())])
    };
    Mail {
        subject: fill(
            l.mail_catch_up_subject,
            &[("title", w.title.as_str()), ("date", w.date.as_str())],
        ),
        body: fill(
            l.mail_catch_up_body,
            &[
                ("title", w.title.as_str()),
                ("date", w.date.as_str()),
                ("link", link),
                ("until", w.access_until.as_str()),
                ("meeting", meeting.as_str()),
            ],
        ),
    }
}

#[cfg(test)]
mod tests;

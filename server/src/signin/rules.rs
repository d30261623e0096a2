//! Who may create workshops (`SAMTAL_OIDC_ALLOWED`) and who is an operator
//! (`SAMTAL_OIDC_ADMINS`): a comma-separated list, any one of which lets a person in.
//!
//! - `@kommun.se`: a verified e-mail address in that domain;
//! - `anna@kommun.se`: that verified e-mail address;
//! - `CLAIM=VALUE`: the ID token's claim `CLAIM` is `VALUE`, or a list holding it (a group
//!   such as `groups=samtal-facilitators`, or Entra ID's tenant: `tid=…`);
//! - `*`: everyone who signs in.
//!
//! An empty list lets nobody in.

use super::Identity;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    Everyone,
    Domain(String),
    Email(String),
    Claim { name: String, value: String },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules(Vec<Rule>);

impl Rules {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut out = Vec::new();
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let rule = if item == "*" {
                Rule::Everyone
            } else if let Some((name, value)) = item.split_once('=') {
                let (name, value) = (name.trim(), value.trim());
                if name.is_empty() || value.is_empty() {
                    return Err(format!("{item:?}: a claim rule is CLAIM=VALUE"));
                }
                Rule::Claim {
                    name: name.to_owned(),
                    value: value.to_owned(),
                }
            } else if let Some(domain) = item.strip_prefix('@') {
                if domain.is_empty() || domain.contains('@') {
                    return Err(format!("{item:?}: a domain rule is @DOMAIN"));
                }
                Rule::Domain(domain.to_ascii_lowercase())
            } else if item.contains('@') {
                Rule::Email(item.to_ascii_lowercase())
            } else {
                return Err(format!(
                    "{item:?}: expected @DOMAIN, an e-mail address, CLAIM=VALUE or *"
                ));
            };
            out.push(rule);
        }
        Ok(Self(out))
    }

    pub fn admits(&self, who: &Identity) -> bool {
        self.0.iter().any(|rule| match rule {
            Rule::Everyone => true,
            Rule::Domain(d) => who
                .email
                .as_deref()
                .and_then(|e| e.rsplit_once('@'))
                .is_some_and(|(_, domain)| domain == d),
            Rule::Email(e) => who.email.as_deref() == Some(e.as_str()),
            Rule::Claim { name, value } => match who.claims.get(name) {
                Some(serde_json::Value::String(s)) => s == value,
                Some(serde_json::Value::Array(items)) => {
                    items.iter().any(|i| i.as_str() == Some(value.as_str()))
                }
                Some(serde_json::Value::Bool(b)) => b.to_string() == *value,
                Some(serde_json::Value::Number(n)) => n.to_string() == *value,
                _ => false,
            },
        })
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

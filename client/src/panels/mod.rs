//! Panels: parts of a page big enough to be components of their own, shared by pages. A panel
//! uses widgets and the model, never a page or another panel's internals.

pub mod history;
pub mod plenary;
pub mod presentation;
pub mod question_box;
pub mod vote;

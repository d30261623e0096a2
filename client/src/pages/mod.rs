//! One module per page (a route). A page uses panels, widgets and the model; no page imports
//! another page.

pub mod account;
pub mod admin;
pub mod catch_up;
pub mod facilitator;
pub mod group;
pub mod landing;

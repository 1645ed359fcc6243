//! The ODOP platform's domain: plain Rust types and the rules they obey.
//!
//! This crate knows nothing of HTTP, SQL, files or clocks: every function
//! here is a pure computation over values (the current time is passed in),
//! so that the rules can be read and tested on their own. Other crates parse
//! their input into these types at their edge, which means an invalid slug,
//! phone number or GSTIN cannot exist past it.

pub mod auth;
pub mod authz;
pub mod catalogue;
pub mod checkout;
pub mod gst;
pub mod identity;
pub mod ids;
pub mod invoice;
pub mod ledger;
pub mod locale;
pub mod money;
pub mod onboarding;
pub mod orders;
pub mod payments;
pub mod polls;
pub mod quiz;
pub mod registry;
pub mod rng;
pub mod slug;
pub mod text;

pub use ids::{ApplicationId, DocumentId, InvitationId, ListingId, OrderId, PhotoId, PollId, SubOrderId, UserId};
pub use locale::{Bilingual, Locale};
pub use slug::{Slug, SlugError};

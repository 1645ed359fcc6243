//! The ODOP platform's domain: plain Rust types and the rules they obey.
//!
//! This crate knows nothing of HTTP, SQL, files or clocks: every function
//! here is a pure computation over values, so that the rules can be read and
//! tested on their own. Other crates parse their input into these types at
//! their edge, which means an invalid slug or locale cannot exist past it.

pub mod locale;
pub mod registry;
pub mod slug;

pub use locale::{Bilingual, Locale};
pub use slug::{Slug, SlugError};

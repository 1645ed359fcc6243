//! odop's integration tests: one binary, so that the workspace links once.
//! Most tests run twice, on SQLite and on PostgreSQL (`on_both_backends!`).

mod support;

mod accounts;
mod api;
mod audit;
mod books;
mod browser;
mod browser_audit;
mod browser_checkout;
mod browser_quiz;
mod catalogue;
mod checkout;
mod cli;
mod documents;
mod durability;
mod listings_and_rates;
mod money;
mod onboarding;
mod ops;
mod pages;
mod polls;
mod quiz;
mod search_relevance;
mod security;
mod store;

//! A typed, async Rust client for Twilio's push-notification **Binding**
//! resources, generated from Twilio's OpenAPI specs.
//!
//! Placeholder guide; see README.
#[rustfmt::skip]
mod generated;

pub use generated::*;
pub use twilio_runtime as runtime;
pub use twilio_runtime::{
    ApiError, ClientBuilder, Credentials, Error, ItemStream, Page, PageMeta, RetryPolicy,
};

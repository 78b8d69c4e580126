//! Custom hooks.

mod use_composing;

pub use use_composing::use_composing;

//! Everything that touches the network (and, later, storage) lives here.

pub mod api;
pub mod faq;

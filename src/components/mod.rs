//! The widget's components, one per file.

pub mod composer;
pub mod handoff_form;
pub mod handoff_status;
pub mod header;
pub mod message_list;

//! Kefu widget: the shopper's support panel, a Yew app compiled to WebAssembly.
//!
//! The loader (`www/loader.js`) draws a launcher in a Shadow DOM root and, on the shopper's
//! first interaction, loads this module and calls its exported `mount`, which calls [`start`].
//! Everything the shopper sees is rendered inside that shadow root, so host-page CSS cannot
//! break it and the widget's CSS cannot leak out.
//!
//! Design decisions:
//! - `state` is a pure reducer; only `services` touches the network; only `bindings` reads
//!   JavaScript globals.
//! - The "talk to a human" button lives in the panel header, which every panel state renders.
//! - Wire types and validation come from `kefu-api`, the same code the server runs.

pub mod app;
pub mod bindings;
pub mod components;
pub mod error;
pub mod focus;
pub mod hooks;
pub mod i18n;
pub mod services;
pub mod snapshot;
pub mod state;
pub mod suggest;

use app::{App, AppProps};

/// Mounts the widget into the element the loader prepared in its shadow root
/// (`window.__kefuBoot`). Returns `false` when there is no such element.
pub fn start() -> bool {
    let Some(boot) = bindings::boot() else {
        return false;
    };
    let languages = bindings::browser_languages();
    let languages: Vec<&str> = languages.iter().map(String::as_str).collect();
    let props = AppProps {
        api: boot.api.into(),
        locale: i18n::choose_locale(&boot.locale, &bindings::page_lang(), &languages),
        hotline: boot.hotline.map(Into::into),
        faq: boot.faq.into(),
        open: boot.open,
        focus: boot.focus,
        remember: true,
    };
    yew::Renderer::<App>::with_root_and_props(boot.root, props).render();
    true
}

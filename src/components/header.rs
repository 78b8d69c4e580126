//! The panel header: title, the always-present "talk to a human" button, and close.

use yew::prelude::*;

/// What [`panel_header`] shows and whom it tells.
pub struct PanelHeaderProps {
    /// Panel title.
    pub title: AttrValue,
    /// Label of the human button.
    pub human_label: AttrValue,
    /// Accessible label of the close button.
    pub close_label: AttrValue,
    /// The shopper asked for a person.
    pub onhuman: Callback<()>,
    /// The shopper closed the panel.
    pub onclose: Callback<()>,
}

/// The header. It renders the human button unconditionally: there is no state without it.
/// A view function rather than a component: it keeps no state, and every component type
/// costs the wasm about 2 KB of lifecycle code.
pub fn panel_header(props: PanelHeaderProps) -> Html {
    let onhuman = {
        let onhuman = props.onhuman.clone();
        Callback::from(move |_: MouseEvent| onhuman.emit(()))
    };
    let onclose = {
        let onclose = props.onclose.clone();
        Callback::from(move |_: MouseEvent| onclose.emit(()))
    };
    html! {
        <div class="kefu-header">
            <h2 id="kefu-title" class="kefu-title">{ props.title.as_str() }</h2>
            <button type="button" class="kefu-human" onclick={onhuman}>
                <svg class="kefu-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    <circle cx="12" cy="8" r="4" />
                    <path d="M4 21c0-4 4-6 8-6s8 2 8 6" />
                </svg>
                { props.human_label.as_str() }
            </button>
            <button
                type="button"
                class="kefu-close"
                aria-label={props.close_label.clone()}
                title={props.close_label.clone()}
                onclick={onclose}
            >
                <svg class="kefu-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    <path d="M6 6l12 12M18 6L6 18" />
                </svg>
            </button>
        </div>
    }
}

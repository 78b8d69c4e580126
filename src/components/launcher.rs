//! The round button that opens and closes the panel.

use yew::prelude::*;

/// Properties of [`Launcher`].
#[derive(PartialEq, Properties)]
pub struct LauncherProps {
    /// Whether the panel is open.
    pub open: bool,
    /// Accessible label while closed.
    pub label_open: AttrValue,
    /// Accessible label while open.
    pub label_close: AttrValue,
    /// Pressed.
    pub onclick: Callback<()>,
}

/// The launcher.
#[component]
pub fn Launcher(props: &LauncherProps) -> Html {
    let onclick = {
        let onclick = props.onclick.clone();
        Callback::from(move |_: MouseEvent| onclick.emit(()))
    };
    let label = if props.open {
        &props.label_close
    } else {
        &props.label_open
    };
    html! {
        <button
            type="button"
            class={classes!("kefu-launcher", props.open.then_some("kefu-launcher--open"))}
            aria-expanded={props.open.to_string()}
            aria-controls="kefu-panel"
            aria-label={label.clone()}
            title={label.clone()}
            {onclick}
        >
            <svg class="kefu-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                if props.open {
                    <path d="M6 6l12 12M18 6L6 18" />
                } else {
                    <path d="M4 5h16v11H9l-5 4z" />
                }
            </svg>
        </button>
    }
}

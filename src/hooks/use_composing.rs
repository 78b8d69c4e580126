//! Tracks whether an input method (pinyin, zhuyin, kana) is composing text in an element.

use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Returns a flag that is `true` between `compositionstart` and `compositionend` on the
/// element behind `node`. Yew has no composition listeners, so the hook adds them itself.
///
/// ```no_run
/// use kefu_widget::hooks::use_composing;
/// use yew::prelude::*;
///
/// #[component]
/// fn Question() -> Html {
///     let area = use_node_ref();
///     let composing = use_composing(area.clone());
///     let onkeydown = Callback::from(move |e: KeyboardEvent| {
///         if e.key() == "Enter" && !composing.get() { /* send */ }
///     });
///     html! { <textarea ref={area} {onkeydown} /> }
/// }
/// ```
#[hook]
pub fn use_composing(node: NodeRef) -> Rc<Cell<bool>> {
    let composing = use_memo((), |_| Cell::new(false));
    {
        let composing = composing.clone();
        use_effect_with(node, move |node| {
            let element = node.cast::<web_sys::Element>();
            let listeners = element.map(|target| {
                let start = {
                    let composing = composing.clone();
                    Closure::<dyn Fn()>::new(move || composing.set(true))
                };
                let end = Closure::<dyn Fn()>::new(move || composing.set(false));
                let _ = target.add_event_listener_with_callback(
                    "compositionstart",
                    start.as_ref().unchecked_ref(),
                );
                let _ = target.add_event_listener_with_callback(
                    "compositionend",
                    end.as_ref().unchecked_ref(),
                );
                (target, start, end)
            });
            move || {
                if let Some((target, start, end)) = listeners {
                    let _ = target.remove_event_listener_with_callback(
                        "compositionstart",
                        start.as_ref().unchecked_ref(),
                    );
                    let _ = target.remove_event_listener_with_callback(
                        "compositionend",
                        end.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    composing
}

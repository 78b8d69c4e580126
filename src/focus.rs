//! Focus inside the panel: into it when it opens, around it on Tab, among suggestions on arrows.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, Node, ShadowRoot};

/// What Tab reaches in the panel, in document order.
pub const TABBABLE: &str =
    "button:not([disabled]),textarea:not([disabled]),input:not([disabled]),a[href]";

/// Moves focus among the elements of `container` that match `selector`: `step` on from the
/// focused one, wrapping around at either end; to the first when none of them has focus.
/// Returns whether an element took focus.
pub fn cycle(container: &Element, selector: &str, step: i32) -> bool {
    let Ok(items) = container.query_selector_all(selector) else {
        return false;
    };
    let count = items.length() as i32;
    if count == 0 {
        return false;
    }
    let focused = container
        .get_root_node()
        .dyn_into::<ShadowRoot>()
        .ok()
        .and_then(|root| root.active_element());
    let current = (0..count).find(|&i| {
        items
            .item(i as u32)
            .zip(focused.as_ref())
            .is_some_and(|(item, f)| &item == f.unchecked_ref::<Node>())
    });
    let next = current.map_or(0, |i| (i + step).rem_euclid(count));
    items
        .item(next as u32)
        .and_then(|item| item.dyn_into::<HtmlElement>().ok())
        .is_some_and(|item| item.focus().is_ok())
}

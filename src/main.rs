//! Entry point of the wasm module that Trunk builds: the loader calls the exported `mount`.

use wasm_bindgen::prelude::wasm_bindgen;

/// Runs when the module is instantiated; mounting waits for the loader's call to [`mount`].
fn main() {}

/// Mounts the widget where `window.__kefuBoot.root` says; `false` if there is nowhere to mount.
#[wasm_bindgen]
pub fn mount() -> bool {
    kefu_widget::start()
}

/// Talc instead of the default dlmalloc: smaller in the wasm and as fast.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };

//! Fuzz target: any bytes given to the bundle reader are an error, or a bundle whose lists all read and that answers.
#![no_main]

use kefu_faq::bundle::Bundle;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(bundle) = Bundle::from_bytes(data) {
        let _ = bundle.matcher.index().posting_count();
        let _ = bundle.matcher.decide("退货 refund 12");
    }
});

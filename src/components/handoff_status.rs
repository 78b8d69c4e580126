//! Where the hand-off stands: sending, taken (the receipt), or not sent yet (with a retry).

use crate::i18n::Texts;
use crate::state::{FailureKind, Sheet};
use yew::prelude::*;

/// What [`handoff_status`] shows and whom it tells.
pub struct HandoffStatusProps<'a> {
    /// The sheet to show: `Sending`, `Sent` or `Failed`.
    pub sheet: &'a Sheet,
    /// About how many minutes until a person replies, if the server said.
    pub wait_minutes: Option<u32>,
    /// The UI words.
    pub texts: &'static Texts,
    /// The shop's hotline, if it has one.
    pub hotline: Option<AttrValue>,
    /// The shopper wants to try sending again.
    pub onretry: Callback<()>,
}

/// The status sheet; renders nothing for other sheets. A view function rather than a
/// component: it keeps no state (see [`super::header::panel_header`]).
pub fn handoff_status(props: HandoffStatusProps) -> Html {
    let t = props.texts;
    let hotline = props.hotline.as_ref().map(|number| {
        let href = ["tel:", &number.replace(' ', "")].concat();
        html! {
            <p class="kefu-hotline">{ t.hotline }{ t.colon }<a href={href}>{ number.as_str() }</a></p>
        }
    });
    match props.sheet {
        Sheet::Sending => html! {
            <div class="kefu-sheet kefu-status" role="status">
                <p class="kefu-sheet-title">{ t.sending }</p>
            </div>
        },
        Sheet::Sent(receipt) => html! {
            <div class="kefu-sheet kefu-status kefu-receipt" role="status">
                <h3 class="kefu-sheet-title">{ t.receipt_title }</h3>
                <p>{ t.receipt_case }{ t.colon }<strong class="kefu-case-id">{ receipt.case_id.as_str() }</strong></p>
                <p>{
                    match (&receipt.opens_at, receipt.position) {
                        // Outside the team's hours the queue says little; when they open does.
                        (Some(opens_at), _) => [t.closed_before, opens_at, t.closed_after].concat(),
                        (None, 0) => t.receipt_next.to_owned(),
                        (None, position) => {
                            [t.receipt_position, t.colon, &kefu_api::decimal(position.into())].concat()
                        }
                    }
                }{
                    props.wait_minutes.map(|minutes| {
                        [" · ", t.wait_before, &kefu_api::decimal(minutes.into()), t.wait_after].concat()
                    })
                }</p>
                <p class="kefu-hint">{ t.receipt_reply_here }</p>
                { hotline }
            </div>
        },
        Sheet::Failed(kind) => {
            let onclick = {
                let onretry = props.onretry.clone();
                Callback::from(move |_: MouseEvent| onretry.emit(()))
            };
            let (title, why) = match kind {
                FailureKind::Queued => (t.queued_title, t.failed_queued),
                FailureKind::Unexpected => (t.failed_title, t.failed_unexpected),
            };
            html! {
                <div class="kefu-sheet kefu-status kefu-failed" role="alert">
                    <h3 class="kefu-sheet-title">{ title }</h3>
                    <p>{ why }</p>
                    { hotline }
                    <div class="kefu-actions">
                        <button type="button" class="kefu-primary" {onclick}>{ t.retry }</button>
                    </div>
                </div>
            }
        }
        Sheet::None | Sheet::Form => Html::default(),
    }
}

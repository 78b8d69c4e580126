//! How urgent an open case is, for the console's queue: the shopper asked for a person, was
//! angry, has a large order, and how long they have waited.

use crate::store::StoredCase;
use kefu_api::{CaseStatus, EscalationReason};

/// Points for a shopper who asked for a person (the button or typing it).
pub const ASKED_POINTS: u32 = 30;

/// Points for an angry shopper.
pub const ANGER_POINTS: u32 = 40;

/// Points for an order of at least [`LARGE_ORDER_CENTS`].
pub const ORDER_VALUE_POINTS: u32 = 20;

/// An order total (in the currency's smallest unit) that counts as large: 500.00.
pub const LARGE_ORDER_CENTS: i64 = 50_000;

/// One point per minute of waiting, up to this many.
pub const MAX_WAITING_POINTS: u32 = 60;

/// Waiting this many minutes is named as a reason.
pub const WAITING_REASON_MINUTES: i64 = 10;

/// A case's urgency and its reasons (`asked`, `anger`, `order_value`, `waiting`) at `now_ms`.
///
/// The shopper waits from the hand-off until a person first replies, then from the case's
/// last activity. A resolved case is not urgent.
pub fn urgency(case: &StoredCase, now_ms: i64) -> (u32, Vec<String>) {
    if case.status == CaseStatus::Resolved {
        return (0, Vec::new());
    }
    let mut points = 0;
    let mut reasons = Vec::new();
    let mut add = |when: bool, add: u32, reason: &str| {
        if when {
            points += add;
            reasons.push(reason.to_owned());
        }
    };
    let escalation = &case.escalation;
    add(
        matches!(
            escalation.reason,
            EscalationReason::Button | EscalationReason::Keyword
        ),
        ASKED_POINTS,
        "asked",
    );
    add(
        escalation.reason == EscalationReason::Anger,
        ANGER_POINTS,
        "anger",
    );
    let total = escalation.order.as_ref().and_then(|o| o.total_cents);
    add(
        total.is_some_and(|t| t >= LARGE_ORDER_CENTS),
        ORDER_VALUE_POINTS,
        "order_value",
    );
    let since = match case.first_reply_at_ms {
        None => case.created_at_ms,
        Some(_) => case.last_activity_ms,
    };
    let minutes = (now_ms - since).max(0) / 60_000;
    let waiting = u32::try_from(minutes)
        .unwrap_or(u32::MAX)
        .min(MAX_WAITING_POINTS);
    points += waiting;
    if minutes >= WAITING_REASON_MINUTES {
        reasons.push("waiting".to_owned());
    }
    (points, reasons)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_api::orders::{OrderState, OrderStatus};
    use kefu_api::NewEscalation;

    fn case(reason: EscalationReason, total: Option<i64>) -> StoredCase {
        StoredCase {
            id: 1,
            status: CaseStatus::Open,
            created_at_ms: 0,
            escalation: NewEscalation {
                reason,
                order: total.map(|t| OrderStatus {
                    order_number: "DD1".into(),
                    state: OrderState::Paid,
                    events: vec![],
                    carrier: None,
                    tracking_number: None,
                    estimated_delivery: None,
                    updated_at_ms: 0,
                    items: vec![],
                    total_cents: Some(t),
                    currency: Some("CNY".into()),
                }),
                ..NewEscalation::default()
            },
            assignee: None,
            first_reply_at_ms: None,
            last_activity_ms: 0,
            blocked: false,
            matches: None,
        }
    }

    #[test]
    fn anger_and_a_large_order_outrank_a_plain_request() {
        let plain = urgency(&case(EscalationReason::Button, None), 0);
        assert_eq!(plain, (ASKED_POINTS, vec!["asked".to_owned()]));
        let angry = urgency(&case(EscalationReason::Anger, Some(99_900)), 0);
        assert_eq!(angry.0, ANGER_POINTS + ORDER_VALUE_POINTS);
        assert_eq!(angry.1, ["anger", "order_value"]);
        assert!(angry.0 > plain.0);
        let small = urgency(&case(EscalationReason::LowConfidence, Some(4_900)), 0);
        assert_eq!(small, (0, vec![]));
    }

    #[test]
    fn waiting_counts_by_the_minute_until_a_person_replies() {
        let mut c = case(EscalationReason::LowConfidence, None);
        assert_eq!(urgency(&c, 9 * 60_000), (9, vec![]));
        assert_eq!(urgency(&c, 12 * 60_000), (12, vec!["waiting".to_owned()]));
        assert_eq!(urgency(&c, 600 * 60_000).0, MAX_WAITING_POINTS);
        c.first_reply_at_ms = Some(60_000);
        c.last_activity_ms = 11 * 60_000;
        assert_eq!(urgency(&c, 12 * 60_000), (1, vec![]));
        c.status = CaseStatus::Resolved;
        assert_eq!(urgency(&c, 600 * 60_000), (0, vec![]));
    }
}

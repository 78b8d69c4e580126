//! Order-status lookup (`POST /api/v1/orders/lookup`): the request, the status it answers, and
//! the normalisation both sides apply to order numbers and verifiers.
//!
//! A shopper proves they may see an order with a second factor, the *verifier*: the order's
//! e-mail address or the last 4 digits of its phone number. An unknown order and a wrong
//! verifier get the same answer.

use crate::{check_len, is_email, FieldError, Problem};
use serde::{Deserialize, Serialize};

/// Longest order number, in characters after [`normalize_order_number`].
pub const MAX_ORDER_NUMBER_CHARS: usize = 40;

/// The body of `POST /api/v1/orders/lookup`. Personal data travels only in the body, never in
/// the URL.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug, Default)]
pub struct OrderLookup {
    /// The order number as the shopper typed it (full-width, dashes and `#` are fine).
    pub order_number: String,
    /// The order's e-mail address, or the last 4 digits of its phone number.
    pub verifier: String,
}

impl OrderLookup {
    /// Checks both fields: a non-empty order number of at most [`MAX_ORDER_NUMBER_CHARS`]
    /// and a verifier [`normalize_verifier`] accepts.
    pub fn validate(&self) -> Result<(), FieldError> {
        self.normalized().map(drop)
    }

    /// Both fields normalised ([`normalize_order_number`], [`normalize_verifier`]), or the
    /// first field that is wrong.
    ///
    /// ```
    /// use kefu_api::orders::OrderLookup;
    /// let lookup = OrderLookup { order_number: "＃dd2026-1118".into(), verifier: " Li.Lei@Example.com ".into() };
    /// let n = lookup.normalized().unwrap();
    /// assert_eq!((n.order_number.as_str(), n.verifier.as_str()), ("DD20261118", "li.lei@example.com"));
    /// let bad = OrderLookup { order_number: "DD1".into(), verifier: "138".into() };
    /// assert_eq!(bad.validate().unwrap_err().field, "verifier");
    /// ```
    pub fn normalized(&self) -> Result<OrderLookup, FieldError> {
        let order_number = normalize_order_number(&self.order_number);
        if order_number.is_empty() {
            return Err(FieldError::new("order_number", Problem::Empty));
        }
        check_len("order_number", &order_number, MAX_ORDER_NUMBER_CHARS)?;
        if self.verifier.trim().is_empty() {
            return Err(FieldError::new("verifier", Problem::Empty));
        }
        let verifier = normalize_verifier(&self.verifier)
            .ok_or(FieldError::new("verifier", Problem::NotAVerifier))?;
        Ok(OrderLookup {
            order_number,
            verifier,
        })
    }
}

/// Full-width ASCII (U+FF01–U+FF5E) as ASCII and the ideographic space as a space; other
/// characters as they are.
fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        c => c,
    }
}

/// Characters people put between the parts of an order number: white space, dashes of every
/// kind and `#` (full-width forms are folded to these first).
fn is_order_number_separator(c: char) -> bool {
    matches!(
        c,
        '-' | '#' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}'
    ) || c.is_whitespace()
}

/// The form order numbers are compared in: full-width folded to ASCII, ASCII letters upper
/// case, spaces, dashes and `#` removed.
///
/// ```
/// use kefu_api::orders::normalize_order_number;
/// assert_eq!(normalize_order_number("ＤＤ２０２６１１１８－４４７１"), "DD202611184471");
/// assert_eq!(normalize_order_number("dd 20261118-4471"), "DD202611184471");
/// assert_eq!(normalize_order_number("#DD20261118—4471"), "DD202611184471");
/// ```
pub fn normalize_order_number(input: &str) -> String {
    input
        .chars()
        .map(fold_width)
        .filter(|&c| !is_order_number_separator(c))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The form verifiers are compared in, or `None` when the input is neither kind: an e-mail
/// address (trimmed, ASCII letters lower case) or exactly 4 digits (the last 4 of the
/// phone number; spaces ignored). Full-width characters are folded to ASCII first.
///
/// ```
/// use kefu_api::orders::normalize_verifier;
/// assert_eq!(normalize_verifier(" Li.Lei@Example.COM ").as_deref(), Some("li.lei@example.com"));
/// assert_eq!(normalize_verifier("８０ ００").as_deref(), Some("8000"));
/// assert_eq!(normalize_verifier("13800138000"), None);
/// assert_eq!(normalize_verifier("li.lei@example"), None);
/// ```
pub fn normalize_verifier(input: &str) -> Option<String> {
    let folded: String = input.chars().map(fold_width).collect();
    let trimmed = folded.trim();
    if trimmed.contains('@') {
        let email = trimmed.to_ascii_lowercase();
        return is_email(&email).then_some(email);
    }
    let digits: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// Where an order stands.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Ordered, not paid yet.
    Placed,
    /// Paid, being prepared.
    Paid,
    /// Handed to the carrier.
    Shipped,
    /// With the courier for delivery today.
    OutForDelivery,
    /// Delivered.
    Delivered,
    /// Cancelled before it shipped.
    Cancelled,
    /// Sent back by the shopper (or refused), received by the shop.
    Returned,
    /// Money returned to the shopper.
    Refunded,
}

impl OrderState {
    /// Every state, in the order an order usually passes through them.
    pub const ALL: [OrderState; 8] = [
        OrderState::Placed,
        OrderState::Paid,
        OrderState::Shipped,
        OrderState::OutForDelivery,
        OrderState::Delivered,
        OrderState::Cancelled,
        OrderState::Returned,
        OrderState::Refunded,
    ];

    /// The wire name, also used as the database value.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Placed => "placed",
            OrderState::Paid => "paid",
            OrderState::Shipped => "shipped",
            OrderState::OutForDelivery => "out_for_delivery",
            OrderState::Delivered => "delivered",
            OrderState::Cancelled => "cancelled",
            OrderState::Returned => "returned",
            OrderState::Refunded => "refunded",
        }
    }

    /// The state with wire name `name`.
    ///
    /// ```
    /// use kefu_api::orders::OrderState;
    /// assert_eq!(OrderState::from_name("out_for_delivery"), Some(OrderState::OutForDelivery));
    /// assert_eq!(OrderState::from_name("lost"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<OrderState> {
        OrderState::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// True when the parcel will not move towards the shopper any more (delivered,
    /// cancelled, returned, refunded): there is nothing to track and no delivery date to
    /// expect. A return or refund after delivery is a step of the shopper or the shop.
    ///
    /// ```
    /// use kefu_api::orders::OrderState;
    /// assert!(OrderState::Refunded.is_terminal());
    /// assert!(!OrderState::OutForDelivery.is_terminal());
    /// ```
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            OrderState::Delivered
                | OrderState::Cancelled
                | OrderState::Returned
                | OrderState::Refunded
        )
    }
}

/// One step of an order's history.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct OrderEvent {
    /// The state the order reached.
    pub state: OrderState,
    /// When, in milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// What the shop or carrier said, e.g. "快件已到达【上海浦东转运中心】".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One line of an order.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct OrderItem {
    /// The product as the shop names it.
    pub name: String,
    /// How many.
    pub quantity: u32,
}

/// The answer to a lookup whose verifier matched.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct OrderStatus {
    /// The order number as the shop writes it, e.g. `DD20261118-4471`.
    pub order_number: String,
    /// Where the order stands now.
    pub state: OrderState,
    /// What happened so far, oldest first.
    #[serde(default)]
    pub events: Vec<OrderEvent>,
    /// The carrier, e.g. "顺丰速运".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    /// The carrier's tracking number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    /// Expected delivery date, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_delivery: Option<String>,
    /// When the status last changed, in milliseconds since the Unix epoch.
    pub updated_at_ms: i64,
    /// What was ordered.
    #[serde(default)]
    pub items: Vec<OrderItem>,
    /// The order's total in the currency's smallest unit (fen, cents).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_cents: Option<i64>,
    /// ISO 4217 code of `total_cents`, e.g. `CNY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// Most events or items an attached order may carry.
pub const MAX_ORDER_LINES: usize = 100;

impl OrderStatus {
    /// Checks an order attached to a hand-off (the widget sends back what the lookup showed):
    /// a non-empty number of at most [`MAX_ORDER_NUMBER_CHARS`], at most [`MAX_ORDER_LINES`]
    /// events and items, and short texts. Field names are given as `order.<field>`.
    ///
    /// ```
    /// use kefu_api::orders::{OrderState, OrderStatus};
    /// let mut order = OrderStatus {
    ///     order_number: "DD20261118-4471".into(), state: OrderState::Shipped, events: vec![],
    ///     carrier: None, tracking_number: None, estimated_delivery: None, updated_at_ms: 0,
    ///     items: vec![], total_cents: None, currency: None,
    /// };
    /// assert!(order.validate().is_ok());
    /// order.order_number = " ".into();
    /// assert_eq!(order.validate().unwrap_err().field, "order.order_number");
    /// ```
    pub fn validate(&self) -> Result<(), FieldError> {
        use crate::limits::MAX_SHORT_CHARS;
        if normalize_order_number(&self.order_number).is_empty() {
            return Err(FieldError::new("order.order_number", Problem::Empty));
        }
        check_len(
            "order.order_number",
            &self.order_number,
            MAX_ORDER_NUMBER_CHARS,
        )?;
        for (field, count) in [
            ("order.events", self.events.len()),
            ("order.items", self.items.len()),
        ] {
            if count > MAX_ORDER_LINES {
                return Err(FieldError::new(
                    field,
                    Problem::TooMany {
                        max: MAX_ORDER_LINES,
                    },
                ));
            }
        }
        let texts = [
            ("order.carrier", self.carrier.as_deref()),
            ("order.tracking_number", self.tracking_number.as_deref()),
            (
                "order.estimated_delivery",
                self.estimated_delivery.as_deref(),
            ),
            ("order.currency", self.currency.as_deref()),
        ];
        for (field, text) in texts {
            check_len(field, text.unwrap_or_default(), MAX_SHORT_CHARS)?;
        }
        for event in &self.events {
            check_len(
                "order.events.note",
                event.note.as_deref().unwrap_or_default(),
                MAX_SHORT_CHARS,
            )?;
        }
        for item in &self.items {
            check_len("order.items.name", &item.name, MAX_SHORT_CHARS)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_number(input: &str, expect: &str) {
        assert_eq!(normalize_order_number(input), expect, "{input:?}");
    }

    #[test]
    fn order_numbers() {
        check_number("DD20261118-4471", "DD202611184471");
        check_number("ＤＤ２０２６１１１８－４４７１", "DD202611184471");
        check_number("dd 20261118-4471", "DD202611184471");
        check_number("#DD20261118-4471", "DD202611184471");
        check_number("＃ｄｄ２０２６１１１８　４４７１", "DD202611184471");
        check_number("DD20261118‐4471", "DD202611184471");
        check_number("DD20261118‑4471", "DD202611184471");
        check_number("DD20261118–4471", "DD202611184471");
        check_number("DD20261118—4471", "DD202611184471");
        check_number(" dd-2026-1118-4471\t\n", "DD202611184471");
        check_number("112_555/7", "112_555/7");
        check_number("订单dd1", "订单DD1");
        check_number(" - # ", "");
    }

    fn check_verifier(input: &str, expect: Option<&str>) {
        assert_eq!(normalize_verifier(input).as_deref(), expect, "{input:?}");
    }

    #[test]
    fn verifiers() {
        check_verifier("li.lei@example.com", Some("li.lei@example.com"));
        check_verifier("  LI.Lei@EXAMPLE.com\n", Some("li.lei@example.com"));
        check_verifier(
            "ｌｉ．ｌｅｉ＠ｅｘａｍｐｌｅ．ｃｏｍ",
            Some("li.lei@example.com"),
        );
        check_verifier("8000", Some("8000"));
        check_verifier(" 80 00 ", Some("8000"));
        check_verifier("８０００", Some("8000"));
        check_verifier("８０　００", Some("8000"));
        check_verifier("0042", Some("0042"));
        for bad in [
            "",
            "   ",
            "800",
            "80000",
            "13800138000",
            "800a",
            "-800",
            "٨٠٠٠",
            "li.lei@example",
            "@example.com",
            "li@lei@example.com",
            "li lei@example.com",
        ] {
            check_verifier(bad, None);
        }
    }

    fn check_lookup(order_number: &str, verifier: &str, expect: &str) {
        let lookup = OrderLookup {
            order_number: order_number.into(),
            verifier: verifier.into(),
        };
        let got = match lookup.normalized() {
            Ok(n) => format!("{} {}", n.order_number, n.verifier),
            Err(err) => err.to_string(),
        };
        assert_eq!(got, expect);
        assert_eq!(lookup.validate().is_ok(), lookup.normalized().is_ok());
    }

    #[test]
    fn lookups() {
        check_lookup("dd-1", "1234", "DD1 1234");
        check_lookup("", "1234", "order_number must not be empty");
        check_lookup("# -", "1234", "order_number must not be empty");
        check_lookup(
            &"1".repeat(41),
            "1234",
            "order_number is longer than 40 characters",
        );
        check_lookup(
            &format!("{}-----", "1".repeat(40)),
            "1234",
            &("1".repeat(40) + " 1234"),
        );
        check_lookup("DD1", " ", "verifier must not be empty");
        check_lookup(
            "DD1",
            "12345",
            "verifier is not an e-mail address or the last 4 digits of a phone number",
        );
    }

    #[test]
    fn states() {
        for state in OrderState::ALL {
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(json, format!("\"{}\"", state.as_str()));
            assert_eq!(OrderState::from_name(state.as_str()), Some(state));
        }
        let terminal: Vec<&str> = OrderState::ALL
            .into_iter()
            .filter(|s| s.is_terminal())
            .map(OrderState::as_str)
            .collect();
        assert_eq!(terminal, ["delivered", "cancelled", "returned", "refunded"]);
    }

    #[test]
    fn status_wire_form() {
        let json = r#"{"order_number":"DD20261118-4471","state":"shipped","events":[{"state":"placed","at_ms":1,"note":"下单"},{"state":"shipped","at_ms":2}],"carrier":"顺丰速运","tracking_number":"SF1","estimated_delivery":"2026-11-21","updated_at_ms":2,"items":[{"name":"耳机","quantity":1}],"total_cents":29900,"currency":"CNY"}"#;
        let status: OrderStatus = serde_json::from_str(json).unwrap();
        assert_eq!(status.events[1].state, OrderState::Shipped);
        assert_eq!(serde_json::to_string(&status).unwrap(), json);

        let minimal: OrderStatus =
            serde_json::from_str(r#"{"order_number":"A1","state":"placed","updated_at_ms":5}"#)
                .unwrap();
        assert_eq!(
            (minimal.events.len(), minimal.carrier.as_deref()),
            (0, None)
        );
        assert_eq!(
            serde_json::to_string(&minimal).unwrap(),
            r#"{"order_number":"A1","state":"placed","events":[],"updated_at_ms":5,"items":[]}"#
        );
    }
}

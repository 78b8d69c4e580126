//! Where order statuses come from: the seam between Kefu and a shop's order system.
//!
//! `POST /api/v1/orders/lookup` asks one [`OrderSource`] for the status of an order, given its
//! normalised number and the shopper's normalised verifier (the order's e-mail address or its
//! phone's last 4 digits). The source answers the status, or `None` for an unknown order and a
//! wrong verifier alike. Two sources are built in:
//!
//! - [`StoredOrders`], the default: the server's own `orders` table (filled by `--demo`, or by a
//!   shop through [`StoredOrders::upsert`]). It keeps only keyed hashes of the verifiers and
//!   compares them in constant time; an unknown order costs the same hashing and comparing.
//! - [`HttpOrders`], with `--orders-url URL`: the server POSTs
//!   `{"order_number": "DD202611184471", "verifier": "li.lei@example.com"}` (both normalised)
//!   as JSON to the shop's own endpoint, which answers 200 with an
//!   [`OrderStatus`] as JSON, or 404 when the order is unknown
//!   or the verifier wrong. Anything else, or no answer within 3 s, is
//!   [`OrderSourceError::Unavailable`] (the shopper gets 502 `order_source_unavailable`).
//!
//! Rate limits, the uniform not-found answer and logging live in the route and apply to both.

mod http;
pub mod static_files;

pub use http::{parse_orders_url, HttpOrders};

use crate::store::{CaseStore, OrderVerifiers, StoreError, StoredOrder, VerifierHash};
use anyhow::{bail, Context};
use async_trait::async_trait;
use hmac::{Hmac, Mac};
use kefu_api::orders::{normalize_order_number, normalize_verifier, OrderStatus};
use serde::Deserialize;
use sha2::Sha256;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// Why a source could not answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OrderSourceError {
    /// The server's own database failed.
    #[error("order store: {0}")]
    Store(#[from] StoreError),
    /// The shop's order system did not answer as agreed.
    #[error("order system: {0}")]
    Unavailable(String),
}

/// Answers order lookups.
#[async_trait]
pub trait OrderSource: Send + Sync {
    /// The status of the order numbered `order_number` if `verifier` belongs to it; `None`
    /// when the order is unknown or the verifier is wrong, without telling which. Both
    /// arguments are normalised ([`normalize_order_number`], [`normalize_verifier`]).
    async fn lookup(
        &self,
        order_number: &str,
        verifier: &str,
    ) -> Result<Option<OrderStatus>, OrderSourceError>;
}

/// Keyed hashes of verifiers: HMAC-SHA256 under a server secret of the order's normalised
/// number and the normalised verifier, so the same e-mail on two orders hashes differently.
/// E-mails contain `@` and phone digits do not, so the two kinds never collide.
#[derive(Clone)]
pub struct VerifierKey(Arc<[u8]>);

impl VerifierKey {
    /// A key from the server's secret.
    pub fn new(secret: &[u8]) -> Self {
        VerifierKey(secret.into())
    }

    /// The hash of normalised `verifier` for the order numbered `order_key` (normalised).
    pub fn hash(&self, order_key: &str, verifier: &str) -> VerifierHash {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC accepts keys of any length");
        mac.update(b"order-verifier:");
        mac.update(order_key.as_bytes());
        mac.update(b"\0");
        mac.update(verifier.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

/// What is compared in place of a verifier an order lacks, or of an unknown order's, so that
/// every lookup does the same work; a match with it does not count.
const NO_HASH: VerifierHash = [0; 32];

/// Whether `given` equals `stored`, in time that does not depend on where they differ.
fn same_hash(given: &VerifierHash, stored: &VerifierHash) -> bool {
    bool::from(given.ct_eq(stored))
}

/// Whether `given` matches either verifier of an order (`None`: unknown order). Both
/// comparisons always run, against a dummy where a hash is missing.
fn verifier_matches(given: &VerifierHash, stored: Option<&OrderVerifiers>) -> bool {
    let (email, phone) = match stored {
        Some(v) => (v.email_hash, v.phone_hash),
        None => (None, None),
    };
    let email_match = same_hash(given, &email.unwrap_or(NO_HASH)) & email.is_some();
    let phone_match = same_hash(given, &phone.unwrap_or(NO_HASH)) & phone.is_some();
    email_match | phone_match
}

/// An order as a shop hands it over: the status shoppers see plus the plain e-mail and phone,
/// which are hashed before storing. The demo's `demo/orders.json` holds a list of these.
#[derive(Deserialize, Clone, Debug)]
pub struct OrderRecord {
    /// The order's e-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// The order's phone number (only its last 4 digits are used).
    #[serde(default)]
    pub phone: Option<String>,
    /// What a lookup answers.
    #[serde(flatten)]
    pub status: OrderStatus,
}

/// The demo shop's orders (`crates/server/demo/orders.json`).
pub fn demo_orders() -> anyhow::Result<Vec<OrderRecord>> {
    serde_json::from_str(include_str!("../../demo/orders.json")).context("reading demo/orders.json")
}

/// Orders in the server's own database.
#[derive(Clone)]
pub struct StoredOrders {
    store: Arc<dyn CaseStore>,
    key: VerifierKey,
}

impl StoredOrders {
    /// Orders in `store`, verifiers hashed under `key`.
    pub fn new(store: Arc<dyn CaseStore>, key: VerifierKey) -> Self {
        StoredOrders { store, key }
    }

    /// Stores `record` (replacing an order with the same normalised number), its e-mail and
    /// phone kept only as hashes. Refuses an order number that normalises to nothing, an
    /// e-mail that is not one and a phone with fewer than 4 digits.
    pub async fn upsert(&self, record: &OrderRecord) -> anyhow::Result<()> {
        let key = normalize_order_number(&record.status.order_number);
        if key.is_empty() {
            bail!("an order has no order number");
        }
        let email = match &record.email {
            Some(email) => match normalize_verifier(email) {
                Some(v) if v.contains('@') => Some(v),
                _ => bail!("order {key}: the e-mail is not an e-mail address"),
            },
            None => None,
        };
        let phone = match &record.phone {
            Some(phone) => {
                let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
                if digits.len() < 4 {
                    bail!("order {key}: the phone has fewer than 4 digits");
                }
                Some(digits[digits.len() - 4..].iter().collect::<String>())
            }
            None => None,
        };
        let order = StoredOrder {
            verifiers: OrderVerifiers {
                email_hash: email.map(|e| self.key.hash(&key, &e)),
                phone_hash: phone.map(|p| self.key.hash(&key, &p)),
            },
            key,
            status: record.status.clone(),
        };
        self.store.upsert_order(&order).await?;
        Ok(())
    }
}

#[async_trait]
impl OrderSource for StoredOrders {
    async fn lookup(
        &self,
        order_number: &str,
        verifier: &str,
    ) -> Result<Option<OrderStatus>, OrderSourceError> {
        let stored = self.store.order_verifiers(order_number).await?;
        let given = self.key.hash(order_number, verifier);
        if !verifier_matches(&given, stored.as_ref()) {
            return Ok(None);
        }
        Ok(self.store.order_status(order_number).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(byte: u8, last: u8) -> VerifierHash {
        let mut h = [byte; 32];
        h[31] = last;
        h
    }

    #[test]
    fn hashes_compare_equal_only_when_every_byte_is() {
        assert!(same_hash(&hash(7, 7), &hash(7, 7)));
        assert!(!same_hash(&hash(7, 7), &hash(7, 8)));
        let mut first_differs = hash(7, 7);
        first_differs[0] = 6;
        assert!(!same_hash(&hash(7, 7), &first_differs));
        assert!(!same_hash(&hash(7, 7), &NO_HASH));
    }

    #[test]
    fn a_verifier_matches_either_stored_hash_of_a_known_order() {
        let email = hash(1, 1);
        let phone = hash(2, 2);
        let both = OrderVerifiers {
            email_hash: Some(email),
            phone_hash: Some(phone),
        };
        assert!(verifier_matches(&email, Some(&both)));
        assert!(verifier_matches(&phone, Some(&both)));
        assert!(!verifier_matches(&hash(3, 3), Some(&both)));
        let email_only = OrderVerifiers {
            email_hash: Some(email),
            phone_hash: None,
        };
        assert!(!verifier_matches(&phone, Some(&email_only)));
        // A missing hash is the dummy, which must not match even a dummy-looking input.
        assert!(!verifier_matches(&NO_HASH, Some(&email_only)));
        assert!(!verifier_matches(&NO_HASH, None));
        assert!(!verifier_matches(&email, None));
    }

    #[test]
    fn verifier_hashes_depend_on_key_order_and_verifier() {
        let key = VerifierKey::new(b"secret");
        let h = key.hash("DD1", "8000");
        assert_eq!(h, key.hash("DD1", "8000"));
        assert_ne!(h, key.hash("DD2", "8000"));
        assert_ne!(h, key.hash("DD1", "8001"));
        assert_ne!(h, VerifierKey::new(b"other").hash("DD1", "8000"));
        // The separator keeps "DD1" + "18000" apart from "DD11" + "8000".
        assert_ne!(key.hash("DD1", "18000"), key.hash("DD11", "8000"));
    }

    #[test]
    fn demo_orders_cover_every_state_and_are_valid() {
        let orders = demo_orders().unwrap();
        for state in kefu_api::orders::OrderState::ALL {
            assert!(
                orders.iter().any(|o| o.status.state == state),
                "no demo order is {state:?}"
            );
        }
        for order in &orders {
            let number = &order.status.order_number;
            let email = order.email.as_deref().unwrap_or_default();
            assert!(normalize_verifier(email).is_some(), "{number}: {email}");
            let events = &order.status.events;
            assert!(
                events.windows(2).all(|w| w[0].at_ms <= w[1].at_ms),
                "{number}: events oldest first"
            );
            assert_eq!(events.last().map(|e| e.state), Some(order.status.state));
            assert_eq!(
                events.last().map(|e| e.at_ms),
                Some(order.status.updated_at_ms),
                "{number}"
            );
        }
    }
}

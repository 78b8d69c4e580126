-- Orders the server answers lookups for itself (without --orders-url): the demo's, or a shop's
-- own. Keyed by the normalised order number. The verifiers are HMAC-SHA256 hashes (under the
-- `verifier_secret` setting) of the order's e-mail and of its phone's last 4 digits, never
-- the e-mail or phone itself; NULL when the order has none.
CREATE TABLE orders (
    number_key         TEXT    PRIMARY KEY,
    order_number       TEXT    NOT NULL,
    email_hash         BLOB,
    phone_hash         BLOB,
    state              TEXT    NOT NULL,
    carrier            TEXT,
    tracking_number    TEXT,
    estimated_delivery TEXT,
    updated_at_ms      INTEGER NOT NULL,
    total_cents        INTEGER,
    currency           TEXT,
    items_json         TEXT    NOT NULL,
    events_json        TEXT    NOT NULL
);

-- Cases handed over from the widget, and server-wide settings.
CREATE TABLE cases (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT    NOT NULL UNIQUE,
    request_hash    TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'open',
    created_at_ms   INTEGER NOT NULL,
    session         TEXT    NOT NULL,
    locale          TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
    topic           TEXT,
    escalation_json TEXT    NOT NULL
);
CREATE INDEX cases_by_status ON cases (status, id);

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

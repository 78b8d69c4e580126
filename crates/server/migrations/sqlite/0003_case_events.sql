-- A case's conversation after the hand-off: what agents wrote to the shopper, in order.
CREATE TABLE case_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id       INTEGER NOT NULL REFERENCES cases (id),
    kind          TEXT    NOT NULL,
    text          TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL
);
CREATE INDEX case_events_by_case ON case_events (case_id, id);

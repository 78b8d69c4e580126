-- What shoppers told the FAQ: votes on answers (one per session and entry) and questions
-- the widget could not answer (masked by the widget and again by the server).
CREATE TABLE feedback (
    session       TEXT    NOT NULL,
    entry_id      TEXT    NOT NULL,
    locale        TEXT    NOT NULL,
    helpful       INTEGER NOT NULL,
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (session, entry_id)
);
CREATE INDEX feedback_by_entry ON feedback (entry_id);

CREATE TABLE unanswered (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    locale        TEXT    NOT NULL,
    text          TEXT    NOT NULL,
    closest       TEXT,
    confidence    REAL    NOT NULL,
    created_at_ms INTEGER NOT NULL
);

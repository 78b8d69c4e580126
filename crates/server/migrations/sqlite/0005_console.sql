-- The agent console: agents' accounts and sessions, who handles a case and when it was first
-- answered, blocked shopper sessions, and the published FAQ (its source and its bundle).
CREATE TABLE agents (
    name          TEXT    PRIMARY KEY,
    -- An argon2id PHC string, never the password.
    password_hash TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL
);

-- The console's cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE agent_sessions (
    token_hash    BLOB    PRIMARY KEY,
    agent         TEXT    NOT NULL REFERENCES agents (name) ON DELETE CASCADE,
    csrf_token    TEXT    NOT NULL,
    expires_at_ms INTEGER NOT NULL
);

ALTER TABLE cases ADD COLUMN assignee TEXT;
ALTER TABLE cases ADD COLUMN first_reply_at_ms INTEGER;
ALTER TABLE cases ADD COLUMN last_activity_ms INTEGER;
UPDATE cases SET last_activity_ms = created_at_ms;
CREATE INDEX cases_by_session ON cases (session);

-- The agent who wrote an agent's event (NULL for the shopper's and for the API token's).
ALTER TABLE case_events ADD COLUMN agent TEXT;

-- Sessions whose further messages are held for agents, not delivered.
CREATE TABLE blocked_sessions (
    session       TEXT    PRIMARY KEY,
    agent         TEXT,
    created_at_ms INTEGER NOT NULL
);

-- One published FAQ per locale; each publish bumps `version`.
CREATE TABLE faqs (
    locale          TEXT    PRIMARY KEY,
    version         INTEGER NOT NULL,
    source_json     TEXT    NOT NULL,
    bundle          BLOB    NOT NULL,
    published_at_ms INTEGER NOT NULL
);

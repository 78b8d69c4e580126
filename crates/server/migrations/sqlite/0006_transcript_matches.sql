-- What the FAQ matcher made of the shopper's lines of a hand-off (kefu_api::console::TranscriptMatches
-- as JSON), worked out when the case arrived.
ALTER TABLE cases ADD COLUMN matches_json TEXT;

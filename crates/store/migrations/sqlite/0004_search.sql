-- Full-text search over feedback: the words of an item's text and of its public answers,
-- cut by the application (jieba, folded: simplified, half-width, lower case) and stored
-- space-separated in `search_text`, so each engine only has to split on spaces.
-- NULL means "not indexed yet": rows from before this migration, which a background job
-- fills in batches (see services::feedback::search).
-- Keep in step with ../postgres/0004_search.sql.

ALTER TABLE feedback ADD COLUMN search_text TEXT;

-- What the background fill still has to do; empty once it has caught up.
CREATE INDEX feedback_search_pending ON feedback (id) WHERE search_text IS NULL;

-- SQLite's counterpart of PostgreSQL's GIN index: an FTS5 index over feedback.search_text
-- (external content: the text itself stays in `feedback`). unicode61 splits on spaces and
-- punctuation and keeps a run of Chinese characters as one token, so each word the
-- application cut stays one token. Diacritics are kept, as PostgreSQL's 'simple' keeps them.
CREATE VIRTUAL TABLE feedback_search USING fts5(
    search_text,
    content = 'feedback',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);

-- Kept in step by triggers. Only rows that have a text are in the index (so the document
-- count bm25 uses is right): a NULL is neither added nor removed.
CREATE TRIGGER feedback_search_insert AFTER INSERT ON feedback
WHEN new.search_text IS NOT NULL
BEGIN
    INSERT INTO feedback_search (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TRIGGER feedback_search_update AFTER UPDATE OF search_text ON feedback
WHEN old.search_text IS NOT new.search_text
BEGIN
    INSERT INTO feedback_search (feedback_search, rowid, search_text)
        SELECT 'delete', old.id, old.search_text WHERE old.search_text IS NOT NULL;
    INSERT INTO feedback_search (rowid, search_text)
        SELECT new.id, new.search_text WHERE new.search_text IS NOT NULL;
END;

CREATE TRIGGER feedback_search_delete AFTER DELETE ON feedback
WHEN old.search_text IS NOT NULL
BEGIN
    INSERT INTO feedback_search (feedback_search, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
END;

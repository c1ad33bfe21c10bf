-- Full-text search over feedback: the words of an item's text and of its public answers,
-- cut by the application (jieba, folded: simplified, half-width, lower case) and stored
-- space-separated in `search_text`, so each engine only has to split on spaces.
-- NULL means "not indexed yet": rows from before this migration, which a background job
-- fills in batches (see services::feedback::search).
-- Keep in step with ../sqlite/0004_search.sql.

ALTER TABLE feedback ADD COLUMN search_text TEXT;

-- What the background fill still has to do; empty once it has caught up.
CREATE INDEX feedback_search_pending ON feedback (id) WHERE search_text IS NULL;

-- A GIN index over the words. The 'simple' configuration only lower-cases: no stemming,
-- no stop words, so every word the application cut is a lexeme as it stands. An
-- expression index rather than a stored tsvector column: no generated columns, and the
-- same table shape on every engine (CockroachDB and YugabyteDB index this expression too).
-- Queries must repeat the expression word for word (store::engine_sql::SEARCH_POSTGRES).
CREATE INDEX feedback_search ON feedback USING GIN (to_tsvector('simple', coalesce(search_text, '')));

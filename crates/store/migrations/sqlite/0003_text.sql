-- Reading the text: what the analysis made of each item, the staff's corrections it learns
-- from, and an institution's own words for the segmenter.
-- Keep in step with ../postgres/0003_text.sql.

-- The type the analysis proposes (the category it proposes is suggested_category).
ALTER TABLE feedback ADD COLUMN suggested_kind TEXT;
-- Set when the analysis was not confident enough to propose a category: a person decides.
ALTER TABLE feedback ADD COLUMN needs_triage BOOLEAN NOT NULL DEFAULT FALSE;
-- Why the item was flagged urgent (hazard, injury, blocked_exit, child_lost,
-- event_info_wrong); NULL when it was not.
ALTER TABLE feedback ADD COLUMN urgent_reason TEXT;
-- The analysis as JSON (guesses with confidence and the words behind them, urgency evidence,
-- abuse and spam scores), shown to staff as the reasons for what the system did.
ALTER TABLE feedback ADD COLUMN analysis TEXT;
CREATE INDEX feedback_triage ON feedback (tenant_id, needs_triage, status, id);

-- Every time staff set an item's category or type to something other than what the analysis
-- proposed. The institution's model is the shipped baseline plus these, replayed in order;
-- each node catches up by id, so a correction made on one node teaches every node.
CREATE TABLE text_corrections (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    -- No foreign key: retention may delete the item; the masked text is what is learnt.
    feedback_id BIGINT,
    field TEXT NOT NULL,
    label TEXT NOT NULL,
    text TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX text_corrections_tenant ON text_corrections (tenant_id, id);

-- Words the segmenter keeps whole: place names, heritage items, event names.
CREATE TABLE text_words (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    word TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, word)
);

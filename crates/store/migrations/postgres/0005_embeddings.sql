-- Optional similarity by an embeddings endpoint the institution runs on its own network
-- (see services::feedback::embeddings). One vector per item: of its text as the board
-- shows it (personal data masked), from the model named in `model`, as `dims`
-- little-endian 32-bit floats in `vector` (none, and `dims` 0, where the model refused the
-- text, so it is not sent again). Written by a background job, never in the
-- transaction that takes an item in; a row of another model is replaced when the
-- configured model changes. Empty where no endpoint is configured.
-- Keep in step with ../sqlite/0005_embeddings.sql.

CREATE TABLE feedback_embeddings (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    feedback_id BIGINT NOT NULL REFERENCES feedback (id),
    model TEXT NOT NULL,
    dims BIGINT NOT NULL,
    vector BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, feedback_id)
);
-- Each node catches up with the vectors written since it last looked.
CREATE INDEX feedback_embeddings_written ON feedback_embeddings (tenant_id, model, created_at);

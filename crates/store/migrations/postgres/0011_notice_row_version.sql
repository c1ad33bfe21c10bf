-- One optimistic-concurrency convention for every editable record: a `version` that every
-- update checks and bumps, so a change made by someone else in the meantime is refused
-- ("someone else changed this, reload") instead of overwritten. Feedback items had it;
-- notices checked status + updated_at, and used `version` for the edition number of a
-- published notice (1, then one more per correction). That number is now `edition`.
-- Keep in step with ../sqlite/0011_notice_row_version.sql.

ALTER TABLE notices RENAME COLUMN version TO edition;
ALTER TABLE notices ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

-- One review chain (store::reviews, desk::review): where an item's review (审核) stands,
-- for every capability that reviews — notices now, activities, articles and documents
-- next. A row per item under review: the chain it is reviewed under (a snapshot of the
-- steps when it was sent, JSON of domain::review::Step), its progress
-- (domain::review::Progress::code) and the version every decision checks.
-- Notices' review state lived only in their status; it is carried over below with the one
-- step their review has always had. A notice that never left its draft has no review.
-- Keep in step with ../postgres/0012_reviews.sql.

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    subject_kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    chain TEXT NOT NULL,
    progress TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    UNIQUE (subject_kind, subject_id)
);

INSERT INTO reviews (tenant_id, subject_kind, subject_id, chain, progress, updated_at)
SELECT tenant_id, 'notice', id,
    '[{"name":"审核","who":[{"kind":"chosen_by_author"},{"kind":"permission_over_item","permission":"review_notices"}],"when":{"kind":"always"}}]',
    CASE status
        WHEN 'in_review' THEN 'in_review'
        WHEN 'changes_requested' THEN 'changes_requested@0'
        WHEN 'rejected' THEN 'rejected@0'
        ELSE 'approved:0'
    END,
    updated_at
FROM notices
WHERE status IN ('in_review', 'changes_requested', 'rejected', 'scheduled', 'published', 'retracted');

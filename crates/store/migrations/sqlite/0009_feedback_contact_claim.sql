-- Items sent with a mobile number by someone not signed in are given to the member with
-- that number when the number signs in (store::feedback::claim_for_member); this finds them
-- without reading every item of the institution.
-- Keep in step with ../postgres/0009_feedback_contact_claim.sql.

CREATE INDEX feedback_unclaimed_mobile ON feedback (tenant_id, contact_mobile) WHERE member_id IS NULL;

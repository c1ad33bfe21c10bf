-- One ledger for everything that must happen exactly once at its time (store::reminders):
-- a row per (subject, step) with when it falls due, and when it fired. The sweeps claim a
-- due row by setting fired_at where it is still NULL, in the transaction that queues the
-- messages, so a step fires once across restarts and nodes. Feedback deadlines and notice
-- delivery run on it; events, action items and surveys will.
-- It replaces feedback_alerts and feedback.next_check_at (feedback) and
-- notices.reminder_steps, escalated_at and next_check_at (notices); their state is carried
-- over below. A carried-over pending row is the step 'recheck': it only wakes the sweep,
-- which then writes the subject's plan.
-- Keep in step with ../postgres/0010_reminder_ledger.sql.

CREATE TABLE reminders (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    subject_kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    step TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    fired_at BIGINT,
    UNIQUE (subject_kind, subject_id, step)
);
CREATE INDEX reminders_pending ON reminders (subject_kind, due_at) WHERE fired_at IS NULL;

INSERT INTO reminders (tenant_id, subject_kind, subject_id, step, due_at, fired_at)
SELECT tenant_id, 'feedback', feedback_id, kind, fired_at, fired_at FROM feedback_alerts;
INSERT INTO reminders (tenant_id, subject_kind, subject_id, step, due_at, fired_at)
SELECT tenant_id, 'feedback', id, 'recheck', next_check_at, NULL FROM feedback
WHERE next_check_at IS NOT NULL;

INSERT INTO reminders (tenant_id, subject_kind, subject_id, step, due_at, fired_at)
SELECT tenant_id, 'notice', id, 'remind_1', COALESCE(published_at, updated_at), updated_at
FROM notices WHERE reminder_steps >= 1;
INSERT INTO reminders (tenant_id, subject_kind, subject_id, step, due_at, fired_at)
SELECT tenant_id, 'notice', id, 'remind_2', COALESCE(published_at, updated_at), updated_at
FROM notices WHERE reminder_steps >= 2;
INSERT INTO reminders (tenant_id, subject_kind, subject_id, step, due_at, fired_at)
SELECT tenant_id, 'notice', id, 'escalate', escalated_at, escalated_at FROM notices
WHERE escalated_at IS NOT NULL;
INSERT INTO reminders (tenant_id, subject_kind, subject_id, step, due_at, fired_at)
SELECT tenant_id, 'notice', id, 'recheck', next_check_at, NULL FROM notices
WHERE next_check_at IS NOT NULL;

DROP TABLE feedback_alerts;
DROP INDEX feedback_next_check;
ALTER TABLE feedback DROP COLUMN next_check_at;
DROP INDEX notices_next_check;
ALTER TABLE notices DROP COLUMN next_check_at;
ALTER TABLE notices DROP COLUMN reminder_steps;
ALTER TABLE notices DROP COLUMN escalated_at;

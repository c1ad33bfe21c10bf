-- Internal notices: the notice and its versions, its review and delivery timeline, one row
-- per recipient with delivery, read and acknowledgement times, attachments, the group
-- robots that announce notices and what was posted to them, and the anonymous staff
-- suggestion box.
-- Keep in step with ../postgres/0006_notices.sql.

CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    unit_id BIGINT NOT NULL REFERENCES org_units (id),
    unit_path TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    reviewer_id BIGINT REFERENCES users (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    category TEXT NOT NULL,
    priority TEXT NOT NULL,
    requires_ack BOOLEAN NOT NULL DEFAULT FALSE,
    audience TEXT NOT NULL,
    effective_at BIGINT,
    expires_at BIGINT,
    publish_at BIGINT,
    status TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    lead_override_reason TEXT,
    lead_override_by BIGINT REFERENCES users (id),
    submitted_at BIGINT,
    published_at BIGINT,
    due_at BIGINT,
    retracted_at BIGINT,
    retract_reason TEXT,
    reminder_steps BIGINT NOT NULL DEFAULT 0,
    escalated_at BIGINT,
    manual_reminder_at BIGINT,
    next_check_at BIGINT,
    recipient_count BIGINT NOT NULL DEFAULT 0,
    correction_count BIGINT NOT NULL DEFAULT 0,
    submission_key TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX notices_submission_key ON notices (tenant_id, submission_key);
CREATE INDEX notices_status ON notices (tenant_id, status, id);
CREATE INDEX notices_author ON notices (tenant_id, author_id, id);
CREATE INDEX notices_reviewer ON notices (tenant_id, reviewer_id, status);
CREATE INDEX notices_published ON notices (tenant_id, published_at);
CREATE INDEX notices_next_check ON notices (next_check_at);

CREATE TABLE notice_versions (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    notice_id BIGINT NOT NULL REFERENCES notices (id),
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    change_note TEXT,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX notice_versions_notice ON notice_versions (notice_id, version);

CREATE TABLE notice_events (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    notice_id BIGINT NOT NULL REFERENCES notices (id),
    actor_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL,
    comment TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX notice_events_notice ON notice_events (notice_id, id);

CREATE TABLE notice_attachments (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    notice_id BIGINT NOT NULL REFERENCES notices (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    bytes BLOB NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX notice_attachments_notice ON notice_attachments (notice_id);

CREATE TABLE notice_recipients (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    notice_id BIGINT NOT NULL REFERENCES notices (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    department_id BIGINT REFERENCES departments (id),
    unit_path TEXT NOT NULL,
    delivered_at BIGINT NOT NULL,
    email_message_id BIGINT REFERENCES outbox (id),
    sms_message_id BIGINT REFERENCES outbox (id),
    read_at BIGINT,
    read_via TEXT,
    acknowledged_at BIGINT,
    reminded_steps BIGINT NOT NULL DEFAULT 0,
    last_reminded_at BIGINT,
    PRIMARY KEY (notice_id, user_id)
);
CREATE INDEX notice_recipients_user ON notice_recipients (tenant_id, user_id, notice_id);
CREATE INDEX notice_recipients_department ON notice_recipients (notice_id, department_id, user_id);

CREATE TABLE notice_robots (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    unit_id BIGINT NOT NULL REFERENCES org_units (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    webhook TEXT NOT NULL,
    secret TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX notice_robots_tenant ON notice_robots (tenant_id, unit_id);

CREATE TABLE notice_robot_posts (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    robot_id BIGINT NOT NULL REFERENCES notice_robots (id),
    notice_id BIGINT NOT NULL REFERENCES notices (id),
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    digest_of BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX notice_robot_posts_robot ON notice_robot_posts (robot_id, status, id);
CREATE INDEX notice_robot_posts_sent ON notice_robot_posts (robot_id, sent_at);
CREATE INDEX notice_robot_posts_notice ON notice_robot_posts (notice_id);

-- No author, no account, no address: only the day it came in.
CREATE TABLE staff_suggestions (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    body TEXT NOT NULL,
    received_day BIGINT NOT NULL,
    answer TEXT,
    answered_by BIGINT REFERENCES users (id),
    answered_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX staff_suggestions_day ON staff_suggestions (tenant_id, received_day);

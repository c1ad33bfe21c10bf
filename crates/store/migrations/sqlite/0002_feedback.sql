-- The public feedback loop: items, their timeline, supporters, photos, deadlines and
-- their alerts, routing, answer templates, the working calendar, counters.
-- Keep in step with ../postgres/0002_feedback.sql.

CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort_order BIGINT NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX categories_tenant_code ON categories (tenant_id, code);

CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    tracking_no TEXT NOT NULL,
    submission_key TEXT,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    category TEXT,
    suggested_category TEXT,
    unit_id BIGINT NOT NULL REFERENCES org_units (id),
    station_id BIGINT NOT NULL REFERENCES org_units (id),
    unit_path TEXT NOT NULL,
    department_id BIGINT REFERENCES departments (id),
    assignee_id BIGINT REFERENCES users (id),
    status TEXT NOT NULL,
    resume_status TEXT,
    priority TEXT NOT NULL,
    lang TEXT NOT NULL,
    body TEXT NOT NULL,
    public_body TEXT,
    member_id BIGINT REFERENCES members (id),
    contact_name TEXT,
    contact_mobile TEXT,
    contact_email TEXT,
    contact_verified BOOLEAN NOT NULL DEFAULT FALSE,
    display_name TEXT,
    publish TEXT NOT NULL,
    moderation TEXT NOT NULL,
    support_count BIGINT NOT NULL DEFAULT 0,
    received_at BIGINT NOT NULL,
    first_response_due BIGINT,
    resolution_due BIGINT,
    first_responded_at BIGINT,
    answered_at BIGINT,
    closed_at BIGINT,
    paused_at BIGINT,
    next_check_at BIGINT,
    rating TEXT,
    rated_at BIGINT,
    adopted BOOLEAN NOT NULL DEFAULT FALSE,
    merged_into BIGINT REFERENCES feedback (id),
    reopen_count BIGINT NOT NULL DEFAULT 0,
    entered_by BIGINT REFERENCES users (id),
    ip TEXT,
    anonymised_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX feedback_tracking_no ON feedback (tenant_id, tracking_no);
CREATE UNIQUE INDEX feedback_submission_key ON feedback (tenant_id, submission_key);
CREATE INDEX feedback_inbox ON feedback (tenant_id, status, id);
CREATE INDEX feedback_department ON feedback (tenant_id, department_id, status, id);
CREATE INDEX feedback_unit_path ON feedback (tenant_id, unit_path, id);
CREATE INDEX feedback_board ON feedback (tenant_id, moderation, id);
CREATE INDEX feedback_deadline ON feedback (tenant_id, status, resolution_due, id);
CREATE INDEX feedback_board_support ON feedback (tenant_id, moderation, support_count, id);
CREATE INDEX feedback_next_check ON feedback (next_check_at);
-- The inbox's open items by deadline; the condition must stay word for word the same as
-- store::feedback::OPEN_ITEMS.
CREATE INDEX feedback_open_due ON feedback (tenant_id, resolution_due, id) WHERE status IN ('new', 'accepted', 'assigned', 'in_progress', 'waiting');
CREATE INDEX feedback_member ON feedback (tenant_id, member_id, id);
CREATE INDEX feedback_closed ON feedback (closed_at);

CREATE TABLE feedback_events (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    feedback_id BIGINT NOT NULL REFERENCES feedback (id),
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    public BOOLEAN NOT NULL,
    body TEXT,
    data TEXT,
    actor_user_id BIGINT REFERENCES users (id),
    actor_name TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX feedback_events_item ON feedback_events (feedback_id, id);

CREATE TABLE feedback_supports (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    feedback_id BIGINT NOT NULL REFERENCES feedback (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (feedback_id, member_id)
);
CREATE INDEX feedback_supports_member ON feedback_supports (member_id);

CREATE TABLE feedback_photos (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    feedback_id BIGINT NOT NULL REFERENCES feedback (id),
    content_type TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    bytes BLOB NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX feedback_photos_item ON feedback_photos (feedback_id);

CREATE TABLE feedback_alerts (
    feedback_id BIGINT NOT NULL REFERENCES feedback (id),
    kind TEXT NOT NULL,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    fired_at BIGINT NOT NULL,
    PRIMARY KEY (feedback_id, kind)
);

CREATE TABLE routing_rules (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    category TEXT,
    kind TEXT,
    unit_id BIGINT REFERENCES org_units (id),
    department_id BIGINT NOT NULL REFERENCES departments (id),
    sort_order BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX routing_rules_tenant ON routing_rules (tenant_id, sort_order);

CREATE TABLE deadline_policies (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    kind TEXT,
    priority TEXT,
    first_response_minutes BIGINT NOT NULL,
    resolution_minutes BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX deadline_policies_tenant ON deadline_policies (tenant_id);

CREATE TABLE calendar_days (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (tenant_id, day)
);

CREATE TABLE answer_templates (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    category TEXT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX answer_templates_tenant ON answer_templates (tenant_id);

CREATE TABLE sensitive_words (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    word TEXT NOT NULL,
    category TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX sensitive_words_tenant_word ON sensitive_words (tenant_id, word);

CREATE TABLE feedback_figures (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    station_id BIGINT NOT NULL,
    computed_at BIGINT NOT NULL,
    figures TEXT NOT NULL,
    PRIMARY KEY (tenant_id, station_id)
);

CREATE TABLE counters (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

-- Events and training (活动与培训, store::events): activities with their dates, seats held
-- in quotas, registrations with companions and the waiting list, lottery applications,
-- check-ins and ratings. What must happen once at its time (an offer expiring, the draw,
-- the reminder the day before) is on the reminder ledger, not here.
-- Keep in step with ../postgres/0013_events.sql.

CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    unit_id BIGINT NOT NULL REFERENCES org_units (id),
    unit_path TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    category TEXT NOT NULL,
    venue TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    latitude REAL,
    longitude REAL,
    -- all | children | elderly | family: who it is for, for the calendar's filters.
    audience TEXT NOT NULL DEFAULT 'all',
    age_min INTEGER,
    age_max INTEGER,
    contact TEXT NOT NULL DEFAULT '',
    -- none (just come) | per_date (each date booked on its own) | course (all dates as one).
    booking TEXT NOT NULL,
    -- first_come | lottery
    allocation TEXT NOT NULL,
    opens_at BIGINT,
    priority_opens_at BIGINT,
    closes_at BIGINT,
    cancel_hours INTEGER NOT NULL DEFAULT 24,
    offer_hours INTEGER NOT NULL DEFAULT 12,
    companions_max INTEGER NOT NULL DEFAULT 2,
    -- The lottery: the commitment is published when applications open, the seed when the
    -- list is frozen (drawn_at).
    lottery_seed TEXT,
    lottery_commitment TEXT,
    drawn_at BIGINT,
    -- draft | in_review | published | cancelled
    status TEXT NOT NULL,
    published_at BIGINT,
    version BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX activities_calendar ON activities (tenant_id, status, unit_path);

CREATE TABLE activity_dates (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    -- For a course, the first date holds the course's seats and registrations.
    capacity INTEGER NOT NULL,
    -- Seats held by confirmed registrations and open offers, general pool and reserves.
    taken INTEGER NOT NULL DEFAULT 0,
    -- scheduled | cancelled
    status TEXT NOT NULL DEFAULT 'scheduled',
    -- iCalendar SEQUENCE: one more per change of time or place.
    sequence INTEGER NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX activity_dates_by_time ON activity_dates (tenant_id, starts_at);
CREATE INDEX activity_dates_of_activity ON activity_dates (activity_id, starts_at);

-- Seats of a date kept for an audience until released_at (pretix's quotas).
CREATE TABLE date_reserves (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    date_id BIGINT NOT NULL REFERENCES activity_dates (id),
    -- township | aged
    audience TEXT NOT NULL,
    township_unit_id BIGINT REFERENCES org_units (id),
    min_age INTEGER,
    seats INTEGER NOT NULL,
    taken INTEGER NOT NULL DEFAULT 0,
    released_at BIGINT NOT NULL
);
CREATE INDEX date_reserves_of_date ON date_reserves (date_id);

ALTER TABLE members ADD COLUMN event_priority_reason TEXT;
ALTER TABLE members ADD COLUMN no_shows_lifted_at BIGINT;

CREATE TABLE registrations (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    date_id BIGINT NOT NULL REFERENCES activity_dates (id),
    -- NULL for a walk-in added at the door.
    member_id BIGINT REFERENCES members (id),
    -- The registrant's name and birth year as given on the form (the sign-in sheet's).
    name TEXT NOT NULL,
    birth_year INTEGER,
    seats INTEGER NOT NULL,
    -- JSON list of domain::event companions.
    companions TEXT NOT NULL DEFAULT '[]',
    township_unit_id BIGINT REFERENCES org_units (id),
    -- applied (lottery) | waiting | offered | confirmed | cancelled | late_cancelled
    -- | declined | lapsed (an offer not taken up) | not_drawn
    status TEXT NOT NULL,
    -- The reserves the seats were charged to: JSON list of [reserve id, seats].
    charges TEXT NOT NULL DEFAULT '[]',
    -- Waiting-list order (the time joined, or the place drawn).
    position BIGINT,
    application_no TEXT,
    offer_expires_at BIGINT,
    -- The short check-in code and the private link's token.
    code TEXT NOT NULL,
    token TEXT NOT NULL,
    excused BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    cancelled_at BIGINT
);
-- One person, one place per date or course: checked by the database, whatever the race.
CREATE UNIQUE INDEX registrations_one_per_member ON registrations (date_id, member_id)
    WHERE status IN ('applied', 'waiting', 'offered', 'confirmed');
CREATE UNIQUE INDEX registrations_code ON registrations (tenant_id, code);
CREATE UNIQUE INDEX registrations_token ON registrations (token);
CREATE INDEX registrations_waiting ON registrations (date_id, status, position);
CREATE INDEX registrations_of_member ON registrations (tenant_id, member_id);

-- Who came, per date (a course has one per lesson): checked in at the door, or marked
-- afterwards. outcome: attended | no_show.
CREATE TABLE attendance (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    registration_id BIGINT NOT NULL REFERENCES registrations (id),
    date_id BIGINT NOT NULL REFERENCES activity_dates (id),
    outcome TEXT NOT NULL,
    at BIGINT NOT NULL,
    by_user BIGINT REFERENCES users (id),
    UNIQUE (registration_id, date_id)
);
CREATE INDEX attendance_of_date ON attendance (date_id);

CREATE TABLE ratings (
    id INTEGER PRIMARY KEY,
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    registration_id BIGINT NOT NULL REFERENCES registrations (id),
    activity_id BIGINT NOT NULL REFERENCES activities (id),
    stars INTEGER NOT NULL,
    comment TEXT,
    suggestion BOOLEAN NOT NULL DEFAULT FALSE,
    feedback_id BIGINT REFERENCES feedback (id),
    created_at BIGINT NOT NULL,
    UNIQUE (registration_id)
);
CREATE INDEX ratings_of_activity ON ratings (activity_id);

-- Sign-in throttles (services::auth). A gate is one thing guesses are counted against: an
-- account name with the address or device it is tried from, an account name from any
-- unknown device, or an address. Each attempt is counted and decided in one statement
-- (store::sign_in::attempt) before the password is checked, so parallel guesses cannot
-- slip past a count read earlier. `blocked_until` is when the gate lets the next attempt
-- through; a gate quiet for a day starts again. Rows are kept for names that do not exist
-- too, so a throttle says nothing about which accounts are real.
-- A device (a browser's `cd_device` cookie, kept only as a hash) where a staff member once
-- signed in is theirs: guesses from elsewhere do not slow them there.
-- The per-account lock of 0001 (failed_logins, locked_until) is gone: it let anybody lock
-- the office out with five wrong passwords.
-- Keep in step with ../sqlite/0007_sign_in.sql.

CREATE TABLE sign_in_throttles (
    gate TEXT PRIMARY KEY,
    attempts BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL,
    last_at BIGINT NOT NULL
);
CREATE INDEX sign_in_throttles_last_at ON sign_in_throttles (last_at);

CREATE TABLE staff_devices (
    user_id BIGINT NOT NULL REFERENCES users (id),
    device_hash TEXT NOT NULL,
    last_sign_in_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, device_hash)
);

ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;

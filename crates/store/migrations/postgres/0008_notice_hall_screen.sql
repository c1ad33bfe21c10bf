-- The hall screen (/board/notices) is public: a notice is on it only when its author chose
-- so, which is offered only for notices to whole units (services::notices::compose). Notices
-- written before this choice existed stay off the screen.
-- Keep in step with ../sqlite/0008_notice_hall_screen.sql.

ALTER TABLE notices ADD COLUMN on_hall_screen BOOLEAN NOT NULL DEFAULT FALSE;
